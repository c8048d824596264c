% Covers: probabilistic rules 0.7::h(X) :- b(X). Each ground instance of the clause is an
% independent choice, separate from the choices in its body.
0.5::b(1).
0.5::b(2).
b(3).
0.7::h(X) :- b(X).
0.4::h(X) :- X = 3.
0.9::g :- b(1).
0.9::g :- b(2).
hh :- h(1), h(2).
query(h(1)).
query(h(2)).
query(h(3)).
query(g).
query(hh).

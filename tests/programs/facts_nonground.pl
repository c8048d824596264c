% Covers: non-ground probabilistic facts (0.4::g(X).), each ground instance an independent
% choice, queried at ground instances and used from rule bodies with ground arguments.
0.4::g(X).
0.5::h(X, Y).
both :- g(1), g(2).
same :- g(a), g(a).
pair :- h(1, 2), h(2, 1).
either :- g(x).
either :- g(y).
query(g(7)).
query(g(foo)).
query(both).
query(same).
query(pair).
query(either).
query(h(a, b)).

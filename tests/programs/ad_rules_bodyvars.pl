% Covers: a ground AD rule instance is one choice per full clause substitution: with
% c(1,1) and c(1,2) the rule below gives two independent choices for X = 1, so a(1) = 0.75.
0.5::a(X); 0.5::b(X) :- c(X, Y).
c(1, 1).
c(1, 2).
c(2, 1).
ab(X) :- a(X), b(X).
query(a(1)).
query(b(1)).
query(ab(1)).
query(a(2)).
query(ab(2)).

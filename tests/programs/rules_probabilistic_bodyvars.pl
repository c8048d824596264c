% Covers: a probabilistic rule whose body has variables that are not in the head: one
% independent choice per full substitution of the clause (X and Y), not per head instance.
e(1, 1).
e(1, 2).
e(1, 3).
e(2, 1).
0.5::e(2, 2).
0.5::h(X) :- e(X, Y).
query(h(1)).
query(h(2)).

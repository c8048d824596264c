% Covers: queries on purely deterministic programs: facts, rules, arithmetic; all 1 or 0.
edge(1, 2).
edge(2, 3).
path(X, Y) :- edge(X, Y).
path(X, Y) :- edge(X, Z), path(Z, Y).
double(X, Y) :- Y is 2 * X.
query(path(1, 3)).
query(path(3, 1)).
query(double(4, _)).
query(edge(1, 2)).

% Covers: symmetric (undirected) edges, a classic source of positive cycles, and a
% non-ground reachability query.
0.9::e(a, b).
0.8::e(b, c).
0.7::e(c, d).
0.6::e(d, a).
0.5::e(b, d).
conn(X, Y) :- e(X, Y).
conn(X, Y) :- e(Y, X).
reach(X, Y) :- conn(X, Y).
reach(X, Y) :- conn(X, Z), reach(Z, Y).
query(reach(a, _)).

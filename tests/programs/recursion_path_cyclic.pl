% Covers: reachability on a directed graph with positive cycles (path/2 with right recursion);
% cycles must not be counted twice.
0.6::edge(1, 2).
0.4::edge(2, 1).
0.7::edge(2, 3).
0.5::edge(3, 1).
0.3::edge(3, 4).
0.8::edge(4, 2).
0.2::edge(1, 4).
path(X, Y) :- edge(X, Y).
path(X, Y) :- edge(X, Z), path(Z, Y).
query(path(1, 4)).
query(path(4, 1)).
query(path(1, 1)).
query(path(3, 3)).
query(path(2, 4)).

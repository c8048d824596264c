% Covers: evidence on reachability in a cyclic graph, conditioning both edges and other paths.
0.5::edge(1, 2).
0.5::edge(2, 3).
0.5::edge(3, 1).
0.5::edge(3, 4).
0.5::edge(2, 4).
path(X, Y) :- edge(X, Y).
path(X, Y) :- edge(X, Z), path(Z, Y).
evidence(path(1, 4)).
evidence(path(3, 2), false).
query(edge(1, 2)).
query(edge(3, 4)).
query(path(2, 1)).
query(path(4, 1)).

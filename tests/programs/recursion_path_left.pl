% Covers: left recursion (path(X,Y) :- path(X,Z), edge(Z,Y).) on a cyclic graph: needs
% tabling; must give the same answers as right recursion.
0.5::edge(a, b).
0.5::edge(b, c).
0.5::edge(c, a).
0.5::edge(b, d).
0.5::edge(d, b).
path(X, Y) :- edge(X, Y).
path(X, Y) :- path(X, Z), edge(Z, Y).
query(path(a, d)).
query(path(d, a)).
query(path(c, c)).

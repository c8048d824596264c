% Covers: stratified negation over several strata with non-ground rules: each stratum negates
% only the one below.
0.5::edge(a, b).
0.5::edge(b, c).
0.5::edge(a, c).
node(a).
node(b).
node(c).
reach(X, Y) :- edge(X, Y).
reach(X, Y) :- edge(X, Z), reach(Z, Y).
unreachable(X, Y) :- node(X), node(Y), \+ reach(X, Y).
isolated(X) :- node(X), \+ has_out(X).
has_out(X) :- edge(X, _).
lonely :- unreachable(a, c), isolated(b).
query(unreachable(a, c)).
query(unreachable(a, b)).
query(isolated(b)).
query(isolated(c)).
query(lonely).

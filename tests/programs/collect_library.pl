% Covers: ProbLog's collect library: (Goal => Group/list(L)) and (Goal => list(X, L)) collect
% the solutions of a goal per world.
:- use_module(library(collect)).
0.5::item(1).
0.5::item(2).
item(3).
items(L) :- (item(X) => list(X, L)).
query(items(_)).

% Covers: ProbLog's aggregate library: aggregates in clause heads (sum, max, min, avg) over
% the solutions of the body in each world, grouped by the other head arguments.
:- use_module(library(aggregate)).
0.5::sale(north, 10).
0.5::sale(north, 20).
sale(south, 5).
0.4::sale(south, 15).
total(R, sum<V>) :- sale(R, V).
best(R, max<V>) :- sale(R, V).
worst(R, min<V>) :- sale(R, V).
mean(R, avg<V>) :- sale(R, V).
query(total(_, _)).
query(best(_, _)).
query(worst(south, _)).
query(mean(_, _)).

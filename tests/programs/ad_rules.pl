% Covers: annotated disjunctions in clause heads with probabilistic bodies: the choice is only
% made when the body holds; heads may also be derived by other clauses.
0.6::cloudy.
0.7::rain; 0.2::drizzle :- cloudy.
0.1::rain :- \+ cloudy.
wet :- rain.
wet :- drizzle.
query(rain).
query(drizzle).
query(wet).

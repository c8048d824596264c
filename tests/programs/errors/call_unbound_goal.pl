% A body goal that is an unbound variable.
% expect: GroundingError at 4:9
0.5::a.
q :- a, X.
query(q).

% An arithmetic comparison with an unbound variable.
% expect: GroundingError at 4:11|4:9
0.5::a.
q :- a, X < 1.
query(q).

% A body goal that is an unbound variable (ProbLog gives no location; the variable or the
% clause that calls it are accepted).
% expect: GroundingError at 5:9|5:1
0.5::a.
q :- a, X.
query(q).

% Calling an unbound variable through call/1.
% expect: GroundingError at 4:9
0.5::a.
q :- a, call(X).
query(q).

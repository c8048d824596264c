% An instantiation error in a builtin: succ/2 with both arguments unbound.
% expect: GroundingError at 4:6
0.5::a.
q :- succ(X, Y), a.
query(q).

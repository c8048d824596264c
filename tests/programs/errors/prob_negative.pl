% A negative probability.
% expect: ProgramError at 4:1|4:5
0.5::b.
-0.1::a.
query(a).

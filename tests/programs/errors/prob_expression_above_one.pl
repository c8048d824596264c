% A probability written as an expression whose value is above 1.
% expect: ProgramError at 4:1|4:2|4:5
0.5::b.
3/2 ::a.
query(a).

% A probability above 1.
% expect: ProgramError at 3:1|3:4
1.5::a.
query(a).

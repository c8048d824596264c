% A clause whose head is a number.
% expect: ProgramError at 4:1
a.
1 :- a.
query(a).

% A clause whose head is a variable.
% expect: ProgramError at 4:1
a.
B :- a.
query(a).

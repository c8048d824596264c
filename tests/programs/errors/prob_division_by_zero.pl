% A probability expression that divides by zero.
% expect: ProgramError|GroundingError at 3:1|3:2|3:4
1/0::a.
query(a).

% A probability that is not a number.
% expect: ProgramError|GroundingError at 3:1|3:4
foo::a.
query(a).

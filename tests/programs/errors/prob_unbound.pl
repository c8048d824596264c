% A probability that is an unbound variable.
% expect: ProgramError|GroundingError at 3:1|3:2|3:4
P::a.
query(a).

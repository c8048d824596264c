% A probability taken from a body variable whose value is above 1: found while grounding.
% expect: ProgramError|GroundingError at 3:1|3:2
P::c(X) :- v(X, P).
v(1, 1.5).
query(c(1)).

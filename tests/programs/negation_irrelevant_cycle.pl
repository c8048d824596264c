% Covers: a cycle through negation that no query or evidence depends on is not an error:
% grounding is query-driven, so p and q below are never grounded.
0.5::c.
p :- c, \+ q.
q :- \+ p.
r :- c.
query(c).
query(r).

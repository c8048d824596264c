% A type error in a builtin: length/2 of an atom.
% expect: GroundingError at 4:6
0.5::a.
q :- length(foo, N), a.
query(q).

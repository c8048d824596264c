% A type error in a builtin: between/3 with an atom as its lower bound.
% expect: GroundingError at 4:9
0.5::a.
q(X) :- between(a, 3, X), a.
query(q(_)).

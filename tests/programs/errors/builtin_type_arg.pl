% A type error in a builtin: arg/3 with an atom as its index.
% expect: GroundingError at 4:9
0.5::a.
q(X) :- arg(x, f(a), X), a.
query(q(_)).

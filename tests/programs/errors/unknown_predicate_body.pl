% A rule body calls a predicate with no clauses (c/1; c/2 exists but is another predicate).
% expect: UnknownPredicateError at 5:9
0.5::a.
c(1, 2).
b :- a, c(X).
query(b).

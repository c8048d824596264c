% Evidence on a predicate that has no clauses.
% expect: UnknownPredicateError at 4:10
0.5::a.
evidence(b).
query(a).

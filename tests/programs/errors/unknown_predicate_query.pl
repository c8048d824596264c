% A query on a predicate that has no clauses.
% expect: UnknownPredicateError at 4:7
0.3::a.
query(z).

% A directive calls a predicate that has no clauses.
% expect: UnknownPredicateError at 5:4
a.
query(a).
:- foo.

% A directive calls a predicate that has no clauses. ProbLog runs the directive as a goal and
% reports the unknown predicate; rejecting the directive itself is accepted too.
% expect: UnknownPredicateError|ProgramError at 6:4|6:1
a.
query(a).
:- foo.

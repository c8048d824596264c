% Covers: ground queries that cannot hold print probability 0: a predicate whose clauses all
% fail, an instance of a defined predicate with no matching clause, an always false rule.
0.5::a.
p(1).
0.5::p(2).
never :- fail.
never :- a, \+ a.
impossible :- p(3).
query(never).
query(p(3)).
query(impossible).
query(a).

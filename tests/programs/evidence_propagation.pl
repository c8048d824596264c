% Answers of a non-ground query that the evidence makes false: ProbLog's command line leaves
% them out (it propagates the evidence while grounding), its Python API and
% --dont-propagate-evidence list them at 0.
0.5::a(1). 0.5::a(2). 0.4::a(3).
b(X) :- a(X).
evidence(\+ a(2)).
evidence(b(3), false).
query(a(X)).
query(b(_)).

% Evidence on a derived atom that can never hold.
% expect: InconsistentEvidenceError
0.5::a.
b :- a, \+ a.
evidence(b).
query(a).

% Evidence that a is both true and false.
% expect: InconsistentEvidenceError
0.3::a.
evidence(a, true).
evidence(a, false).
query(a).

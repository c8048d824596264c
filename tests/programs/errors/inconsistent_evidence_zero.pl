% Evidence on a fact with probability 0.
% expect: InconsistentEvidenceError
0.0::a.
0.5::b.
evidence(a).
query(b).

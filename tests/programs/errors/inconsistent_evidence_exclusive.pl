% Evidence on two heads of one annotated disjunction (mutually exclusive): P(evidence) = 0,
% found only after compilation.
% expect: InconsistentEvidenceError
0.5::a; 0.5::b.
c :- a, b.
0.5::d.
evidence(c).
query(d).

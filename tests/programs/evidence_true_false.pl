% Covers: evidence/2 with true and false, on facts and on derived atoms.
0.4::a.
0.5::b.
0.6::c.
ab :- a, b.
bc :- b ; c.
evidence(bc, true).
evidence(ab, false).
evidence(c, false).
query(a).
query(b).
query(c).
query(ab).

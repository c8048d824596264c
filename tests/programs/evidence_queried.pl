% Covers: queries on the evidence atoms themselves (probability 1 or 0) and queries on atoms
% independent of the evidence.
0.3::a.
0.4::b.
0.5::c.
d :- a, b.
evidence(a).
evidence(b, false).
query(a).
query(b).
query(c).
query(d).

% Covers: several annotated disjunctions sharing head atoms: the atom holds if any AD chose
% it; ADs are independent of each other.
0.3::a; 0.3::b.
0.2::b; 0.6::c.
0.5::a; 0.5::c.
ab :- a, b.
bc :- b, c.
all :- a, b, c.
query(a).
query(b).
query(c).
query(ab).
query(bc).
query(all).

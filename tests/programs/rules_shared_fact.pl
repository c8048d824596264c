% Covers: atoms that share a probabilistic fact are dependent: d :- b, c with b and c both
% derived from a is P(a), not P(a)^2; the same derivation found twice counts once.
0.5::a.
0.4::e.
b :- a.
c :- a.
d :- b, c.
f :- a.
f :- a.
g :- b ; c.
h :- d, e.
query(d).
query(f).
query(g).
query(h).

% Covers: negation as failure with \+ and not/1 on probabilistic facts and derived atoms.
0.3::a.
0.6::b.
c :- a, b.
na :- \+ a.
nb :- not(b).
nc :- \+ c.
xor :- a, \+ b.
xor :- b, \+ a.
nn :- \+ \+ a.
query(na).
query(nb).
query(nc).
query(xor).
query(nn).

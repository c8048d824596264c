% Covers: negative evidence written as evidence(\+ a), equivalent to evidence(a, false).
0.3::a.
0.6::b.
c :- a.
c :- b.
evidence(\+ a).
query(a).
query(b).
query(c).

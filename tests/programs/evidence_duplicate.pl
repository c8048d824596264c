% Covers: the same evidence given several times (and in both spellings) counts once.
0.3::a.
0.6::b.
c :- a ; b.
evidence(c).
evidence(c, true).
evidence(c).
query(a).
query(b).

% Covers: clause/2 to inspect the bodies of deterministic clauses.
0.5::a.
0.5::b.
c :- a, b.
d(1) :- a.
d(2).
body_c(B) :- clause(c, B).
body_d(X, B) :- clause(d(X), B).
query(body_c(_)).
query(body_d(_, _)).

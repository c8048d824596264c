% Covers: the same query given several times (directly, through a rule, and non-ground) is
% reported once.
0.5::a.
0.4::b(1).
query(a).
query(a).
query(b(1)).
query(b(_)).
query(b(X)) :- X = 1.

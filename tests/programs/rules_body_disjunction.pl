% Covers: disjunction (;) inside rule bodies, nested with conjunction and parentheses, and
% the same atom derived through several branches.
0.4::a.
0.5::b.
0.6::c.
0.7::d.
p :- a ; b.
q :- (a, b) ; (c, d).
r :- a, (b ; c), d.
s :- (a ; b), (c ; d).
t :- a ; a.
query(p).
query(q).
query(r).
query(s).
query(t).

% Syntax error: two terms without an operator between them ("a c").
% expect: ParseError at 5:8
0.5::a.
0.5::c.
b :- a c.
query(b).

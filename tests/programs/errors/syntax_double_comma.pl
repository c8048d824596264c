% Syntax error: an empty argument between two commas.
% expect: ParseError at 4:8
a.
b :- a,, a.
query(b).

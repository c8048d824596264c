% Syntax error: an opening parenthesis that is never closed. ProbLog points at the "(";
% a parser may also point where it gave up (the "." that ends the clause).
% expect: ParseError at 5:6|5:8
a.
b :- (a.
query(b).

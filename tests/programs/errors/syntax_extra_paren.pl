% Syntax error: a closing parenthesis without an opening one.
% expect: ParseError at 4:7
a.
b :- a).
query(b).

% Syntax error on an indented line: columns count from 1 at the start of the line.
% expect: ParseError at 5:7
a.
b :- a.
    c d.
query(b).

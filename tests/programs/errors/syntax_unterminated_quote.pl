% Syntax error: a quoted atom that is never closed.
% expect: ParseError at 4:3
a.
p('abc).
query(a).

% Syntax error: the last clause has no final period. ProbLog points just past the end of
% the clause (here the end of the file); a parser may also point at the start of the
% unfinished clause.
% expect: ParseError at 6:9|7:1|6:1
a.
query(a)

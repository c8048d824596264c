% Covers: how query atoms with structured arguments are printed: lists (with spaces after
% commas), partial lists, quoted atoms, strings, negative numbers, floats and operators.
0.5::p([1, 2, 3]).
0.5::p([a | b]).
0.5::p([]).
0.5::p('Hello World').
0.5::p('A').
0.5::p("a string").
0.5::p(-1).
0.5::p(2.5).
0.5::p(a - b).
0.5::p(1 + 2 * 3).
0.5::p((1 + 2) * 3).
0.5::p(f(g(x), [y])).
0.5::p(a = b).
0.5::p([[1], [2, 3]]).
query(p(_)).

% Covers: mutual recursion (even/odd over a chain of probabilistic steps) and arithmetic that
% bounds the recursion.
0.5::step(0).
0.6::step(1).
0.7::step(2).
0.8::step(3).
even(0).
even(N) :- N > 0, M is N - 1, step(M), odd(M).
odd(N) :- N > 0, M is N - 1, step(M), even(M).
query(even(2)).
query(odd(3)).
query(even(4)).

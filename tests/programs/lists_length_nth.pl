% Covers: length/2, nth0/3, nth1/3 and last/2 on ground lists, with a probabilistic choice of
% the index.
:- use_module(library(lists)).
0.2::pick(0); 0.3::pick(1); 0.5::pick(2).
chosen(X) :- pick(I), nth0(I, [red, green, blue], X).
chosen1(X) :- pick(I), J is I + 1, nth1(J, [red, green, blue], X).
size(N) :- length([a, b, c, d], N).
final(X) :- last([p, q, r], X).
query(chosen(_)).
query(chosen1(blue)).
query(size(_)).
query(final(_)).

% Covers: sort/2 (removes duplicates, standard order of terms), list_to_set/2 (keeps first
% occurrences in order) and a probabilistic list to sort.
:- use_module(library(lists)).
0.5::x(3).
0.5::x(1).
s1(L) :- sort([c, a, b, a, 2, 1.5, f(x)], L).
s2(L) :- list_to_set([c, a, b, a, c], L).
s3(L) :- findall(X, x(X), L0), sort([2 | L0], L).
query(s1(_)).
query(s2(_)).
query(s3(_)).

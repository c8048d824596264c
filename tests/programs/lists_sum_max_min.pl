% Covers: sum_list/2, max_list/2 and min_list/2 on lists built from probabilistic choices.
:- use_module(library(lists)).
0.5::v(a, 1); 0.5::v(a, 4).
0.3::v(b, 2); 0.7::v(b, 3).
total(S) :- v(a, X), v(b, Y), sum_list([X, Y, 10], S).
biggest(M) :- v(a, X), v(b, Y), max_list([X, Y], M).
smallest(M) :- v(a, X), v(b, Y), min_list([X, Y], M).
query(total(_)).
query(biggest(_)).
query(smallest(_)).

% Covers: reverse/2 and select/3 (non-deterministic, several answers) from the list library.
:- use_module(library(lists)).
0.4::ok(1).
0.6::ok(2).
0.8::ok(3).
rev(R) :- reverse([1, 2, 3], R).
rest(X, R) :- select(X, [1, 2, 3], R), ok(X).
query(rev(_)).
query(rest(_, _)).

% Covers: ProbLog's apply library (maplist/2,3, foldl/4, include/3), with probabilistic
% predicates called through maplist and include.
:- use_module(library(apply)).
0.5::ok(1).
0.5::ok(2).
0.5::ok(3).
add(X, A0, A) :- A is A0 + X.
double(X, Y) :- Y is 2 * X.
all_ok :- maplist(ok, [1, 2]).
doubled(L) :- maplist(double, [1, 2, 3], L).
total(S) :- foldl(add, [1, 2, 3], 0, S).
good(L) :- include(ok, [1, 2], L).
query(all_ok).
query(doubled(_)).
query(total(_)).
query(good(_)).

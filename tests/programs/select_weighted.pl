% Covers: select_weighted/5 and select_uniform/4 from ProbLog's lists library: a probabilistic
% choice of one element, identified by its first argument (same id, same choice: the
% mixed answers of same_id have probability 0).
:- use_module(library(lists)).
pick(X) :- select_weighted(p1, [0.2, 0.3, 0.5], [a, b, c], X, _).
rest(R) :- select_weighted(p1, [0.2, 0.3, 0.5], [a, b, c], _, R).
uni(X) :- select_uniform(u1, [x, y], X, _).
two(X, Y) :- select_uniform(u2, [1, 2], X, _), select_uniform(u3, [1, 2], Y, _).
same_id(X, Y) :- select_uniform(u4, [1, 2], X, _), select_uniform(u4, [1, 2], Y, _).
query(pick(_)).
query(rest(_)).
query(uni(_)).
query(two(_, _)).
query(same_id(1, 1)).
query(same_id(1, 2)).
query(same_id(2, 1)).
query(same_id(2, 2)).

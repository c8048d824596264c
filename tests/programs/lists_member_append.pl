% Covers: the list library's member/2, memberchk/2 and append/3 (both directions), loaded with
% use_module(library(lists)).
:- use_module(library(lists)).
0.5::in(a).
0.5::in(b).
has(L) :- member(X, L), in(X).
has_chk(X) :- memberchk(X, [a, b, a]), in(X).
split(A, B) :- append(A, B, [1, 2]).
joined(L) :- append([x], [y, z], L).
query(has([a, b])).
query(has([c])).
query(has_chk(a)).
query(split(_, _)).
query(joined(_)).

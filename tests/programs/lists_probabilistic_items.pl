% Covers: list elements chosen by annotated disjunctions, and membership tests on the
% resulting lists.
:- use_module(library(lists)).
0.5::slot(1, a); 0.5::slot(1, b).
0.3::slot(2, a); 0.7::slot(2, c).
items([X, Y]) :- slot(1, X), slot(2, Y).
has_a :- items(L), member(a, L).
all_a :- items(L), \+ (member(X, L), X \= a).
query(items(_)).
query(has_a).
query(all_a).

% library(apply): higher-order list predicates, written for problogic.
% They are pure: a probabilistic goal passed as the closure gives each world its own answer
% (include/3 keeps exactly the elements for which the goal holds in that world).

maplist(_, []).
maplist(G, [X|Xs]) :- call(G, X), maplist(G, Xs).

maplist(_, [], []).
maplist(G, [X|Xs], [Y|Ys]) :- call(G, X, Y), maplist(G, Xs, Ys).

maplist(_, [], [], []).
maplist(G, [X|Xs], [Y|Ys], [Z|Zs]) :- call(G, X, Y, Z), maplist(G, Xs, Ys, Zs).

maplist(_, [], [], [], []).
maplist(G, [X|Xs], [Y|Ys], [Z|Zs], [W|Ws]) :-
    call(G, X, Y, Z, W), maplist(G, Xs, Ys, Zs, Ws).

include(_, [], []).
include(G, [X|Xs], [X|Ys]) :- call(G, X), include(G, Xs, Ys).
include(G, [X|Xs], Ys) :- \+ call(G, X), include(G, Xs, Ys).

exclude(_, [], []).
exclude(G, [X|Xs], Ys) :- call(G, X), exclude(G, Xs, Ys).
exclude(G, [X|Xs], [X|Ys]) :- \+ call(G, X), exclude(G, Xs, Ys).

partition(_, [], [], []).
partition(G, [X|Xs], [X|Is], Es) :- call(G, X), partition(G, Xs, Is, Es).
partition(G, [X|Xs], Is, [X|Es]) :- \+ call(G, X), partition(G, Xs, Is, Es).

convlist(_, [], []).
convlist(G, [X|Xs], [Y|Ys]) :- call(G, X, Y), convlist(G, Xs, Ys).
convlist(G, [X|Xs], Ys) :- \+ call(G, X, _), convlist(G, Xs, Ys).

foldl(G, Xs, V0, V) :- foldl_(Xs, G, V0, V).
foldl_([], _, V, V).
foldl_([X|Xs], G, V0, V) :- call(G, X, V0, V1), foldl_(Xs, G, V1, V).

foldl(G, Xs, Ys, V0, V) :- foldl_(Xs, Ys, G, V0, V).
foldl_([], [], _, V, V).
foldl_([X|Xs], [Y|Ys], G, V0, V) :- call(G, X, Y, V0, V1), foldl_(Xs, Ys, G, V1, V).

foldl(G, Xs, Ys, Zs, V0, V) :- foldl_(Xs, Ys, Zs, G, V0, V).
foldl_([], [], [], _, V, V).
foldl_([X|Xs], [Y|Ys], [Z|Zs], G, V0, V) :-
    call(G, X, Y, Z, V0, V1), foldl_(Xs, Ys, Zs, G, V1, V).

foldl(G, Xs, Ys, Zs, Ws, V0, V) :- foldl_(Xs, Ys, Zs, Ws, G, V0, V).
foldl_([], [], [], [], _, V, V).
foldl_([X|Xs], [Y|Ys], [Z|Zs], [W|Ws], G, V0, V) :-
    call(G, X, Y, Z, W, V0, V1), foldl_(Xs, Ys, Zs, Ws, G, V1, V).

% foldl_noinit(:G, +List, -V): foldl/4 from the first element (ProbLog's; [] for []).
foldl_noinit(_, [], []).
foldl_noinit(G, [X|Xs], V) :- foldl(G, Xs, X, V).

% partition(:G, +List, -Less, -Equal, -Greater): call(G, X, Order) places each element.
partition(_, [], [], [], []).
partition(G, [X|Xs], Ls, Es, Gs) :-
    call(G, X, Order),
    '$apply_place'(Order, X, Ls, Es, Gs, Ls1, Es1, Gs1),
    partition(G, Xs, Ls1, Es1, Gs1).
'$apply_place'(<, X, [X|Ls], Es, Gs, Ls, Es, Gs).
'$apply_place'(=, X, Ls, [X|Es], Gs, Ls, Es, Gs).
'$apply_place'(>, X, Ls, Es, [X|Gs], Ls, Es, Gs).

% scanl(:G, +Lists..., +V0, -Vs): the values foldl passes through, after V0 (ProbLog's:
% SWI-Prolog's list starts with V0).
scanl(G, Xs, V0, Vs) :- scanl_(Xs, G, V0, Vs).
scanl_([], _, _, []).
scanl_([X|Xs], G, V0, [V1|Vs]) :- call(G, X, V0, V1), scanl_(Xs, G, V1, Vs).

scanl(G, Xs, Ys, V0, Vs) :- scanl_(Xs, Ys, G, V0, Vs).
scanl_([], [], _, _, []).
scanl_([X|Xs], [Y|Ys], G, V0, [V1|Vs]) :- call(G, X, Y, V0, V1), scanl_(Xs, Ys, G, V1, Vs).

scanl(G, Xs, Ys, Zs, V0, Vs) :- scanl_(Xs, Ys, Zs, G, V0, Vs).
scanl_([], [], [], _, _, []).
scanl_([X|Xs], [Y|Ys], [Z|Zs], G, V0, [V1|Vs]) :-
    call(G, X, Y, Z, V0, V1), scanl_(Xs, Ys, Zs, G, V1, Vs).

scanl(G, Xs, Ys, Zs, Ws, V0, Vs) :- scanl_(Xs, Ys, Zs, Ws, G, V0, Vs).
scanl_([], [], [], [], _, _, []).
scanl_([X|Xs], [Y|Ys], [Z|Zs], [W|Ws], G, V0, [V1|Vs]) :-
    call(G, X, Y, Z, W, V0, V1), scanl_(Xs, Ys, Zs, Ws, G, V1, Vs).

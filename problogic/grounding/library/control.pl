% library(control): ProbLog's ordered rules and fallbacks, written for problogic.
%
% Loaded only by :- use_module(library(control)) (its cut/2 is not library(cut)'s).
%
% cut(Goal, Indexes) and cut(Goal, Indexes, Index): Goal's predicate has an index as its
% first argument; the indexes are tried in the order of the list, and in each world the
% first one whose clauses prove the goal is taken.
% on_fail(Goal, Otherwise): Goal, or Otherwise where Goal fails.

cut(Goal, Indexes) :- cut(Goal, Indexes, _).

cut(Goal, [First|Later], Index) :-
    Goal =.. [Name|Arguments],
    Indexed =.. [Name, First|Arguments],
    '$control_first'(Indexed, Goal, First, Later, Index).

'$control_first'(Indexed, _, First, _, First) :- call(Indexed).
'$control_first'(Indexed, Goal, _, Later, Index) :-
    \+ call(Indexed),
    cut(Goal, Later, Index).

on_fail(Goal, _) :- call(Goal).
on_fail(Goal, Otherwise) :- \+ call(Goal), call(Otherwise).

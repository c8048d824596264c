% library(cut): ProbLog's soft cut over indexed clauses, written for problogic.
%
% Loaded only by :- use_module(library(cut)). The clauses of an indexed predicate carry an
% index as their first argument: r(1, a, b). r(2, a, c). A call cut(r(A, B)) tries the
% indexes in increasing order (not the order of the file) and, in each world, succeeds with
% the first index whose clauses prove r(Index, A, B): index I is taken where it holds and no
% smaller index does. cut(Goal, Index) also gives the index taken.

cut(Goal) :- '$cut'(Goal, _).

% (With library(control) loaded too, cut/2 has the clauses of both libraries, as in ProbLog;
% they tell each other apart by the second argument, an index or a list.)
cut(Goal, Index) :- '$cut'(Goal, Index).

'$cut'(Goal, Index) :-
    '$cut_indexed'(Goal, Index, Indexed),
    findall(Index, '$clause_head'(Indexed), Found),
    sort(Found, Indexes),
    '$cut_first'(Indexes, Index, Indexed).

% '$cut_indexed'(+Goal, ?Index, -Indexed): Goal with Index as a new first argument.
'$cut_indexed'(Goal, Index, Indexed) :-
    Goal =.. [Name|Arguments],
    Indexed =.. [Name, Index|Arguments].

% '$cut_first'(+Indexes, ?Index, +Indexed): the first of Indexes for which Indexed holds.
'$cut_first'([Index|_], Index, Indexed) :- call(Indexed).
'$cut_first'([Skipped|Later], Index, Indexed) :-
    \+ (Index = Skipped, call(Indexed)),
    '$cut_first'(Later, Index, Indexed).

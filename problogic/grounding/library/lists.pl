% library(lists): the list predicates of ProbLog's lists library, written for problogic.
%
% Loaded by the grounder as ordinary clauses; a program's own definition of a predicate
% replaces the one here. The engine has no cut, so the deterministic predicates ("chk",
% union, subtract, ...) guard their alternatives with \+ and \= instead: each has the
% answers that the usual definition with a cut has. Helpers are named '$lists_...' so that a
% program redefining, say, append/3 or memberchk/2 does not change what the other
% predicates here mean.
%
% length/2, is_list/1, sort/2, msort/2 and the probabilistic select_uniform/4 and
% select_weighted/4,5 are builtins; see NOTES.md for the whole list and the differences
% from ProbLog's own library.

% member(?X, ?List): X is an element of List. A builtin for a proper list (each element in
% order, as often as it occurs); these clauses for a partial list.
'$lists_member'(X, [X|_]).
'$lists_member'(X, [_|T]) :- '$lists_member'(X, T).

% memberchk(?X, ?List): the first element of List that unifies with X; at most one answer.
memberchk(X, List) :- '$lists_memberchk'(X, List).

% '$lists_memberchk'/2 is a builtin where the list is proper; these clauses otherwise.
'$lists_memberchk_open'(X, [X|_]).
'$lists_memberchk_open'(X, [Y|T]) :- X \= Y, '$lists_memberchk_open'(X, T).

% '$lists_memberchk_eq'(+X, +List): an element of List is identical (==) to X.
% A builtin where List is proper; these clauses otherwise.
'$lists_memberchk_eq_open'(X, [Y|_]) :- X == Y.
'$lists_memberchk_eq_open'(X, [Y|T]) :- X \== Y, '$lists_memberchk_eq_open'(X, T).

% append(?L1, ?L2, ?L3): L3 is L1 followed by L2.
append(L1, L2, L3) :- '$lists_append'(L1, L2, L3).

% '$lists_append'/3 is a builtin where the first or the third list is proper; these clauses
% otherwise.
'$lists_append_open'([], L, L).
'$lists_append_open'([H|T], L, [H|R]) :- '$lists_append_open'(T, L, R).

% append(+ListOfLists, ?List): List is the concatenation of the lists in ListOfLists.
append(Lists, List) :- '$lists_append_all'(Lists, List).

'$lists_append_all'([], []).
'$lists_append_all'([L|Ls], All) :- '$lists_append'(L, Rest, All), '$lists_append_all'(Ls, Rest).

% prefix(?Part, ?Whole): Part is a leading part of Whole.
prefix([], _).
prefix([H|T], [H|Rest]) :- prefix(T, Rest).

% select(?X, ?List, ?Rest): Rest is List without one occurrence of X.
select(X, List, Rest) :- '$lists_select'(X, List, Rest).

'$lists_select'(X, [X|T], T).
'$lists_select'(X, [H|T], [H|R]) :- '$lists_select'(X, T, R).

% selectchk(?X, ?List, ?Rest): the first answer of select/3.
% The second clause applies only where the first cannot, checked before binding anything.
selectchk(X, List, Rest) :- '$lists_selectchk'(X, List, Rest).

'$lists_selectchk'(X, List, Rest) :- List = [X|Rest].
'$lists_selectchk'(X, List, Rest) :-
    \+ (List = [X|Rest]),
    List = [H|T], Rest = [H|R],
    '$lists_selectchk'(X, T, R).

% select(?X, ?Xs, ?Y, ?Ys): Xs and Ys are equal except at one position, where Xs has X
% and Ys has Y.
select(X, Xs, Y, Ys) :- '$lists_select4'(X, Xs, Y, Ys).

'$lists_select4'(X, [X|T], Y, [Y|T]).
'$lists_select4'(X, [H|T], Y, [H|T2]) :- '$lists_select4'(X, T, Y, T2).

% selectchk(?X, ?Xs, ?Y, ?Ys): the first answer of select/4.
selectchk(X, Xs, Y, Ys) :- '$lists_selectchk4'(X, Xs, Y, Ys).

'$lists_selectchk4'(X, Xs, Y, Ys) :- Xs = [X|T], Ys = [Y|T].
'$lists_selectchk4'(X, Xs, Y, Ys) :-
    \+ (Xs = [X|T0], Ys = [Y|T0]),
    Xs = [H|T], Ys = [H|T2],
    '$lists_selectchk4'(X, T, Y, T2).

% nextto(?X, ?Y, ?List): Y directly follows X in List.
nextto(X, Y, [X, Y|_]).
nextto(X, Y, [_|T]) :- nextto(X, Y, T).

% delete(+List, @Elem, -Rest): Rest is List without every element that unifies with Elem;
% the test does not bind anything (delete([a, B], a, R) gives R = []).
delete([], _, []).
delete([H|T], Elem, Rest) :- \+ H \= Elem, delete(T, Elem, Rest).
delete([H|T], Elem, [H|Rest]) :- H \= Elem, delete(T, Elem, Rest).

% nth0(?Index, ?List, ?Elem): Elem is at position Index of List, counting from 0.
% With Index unbound, enumerates the positions.
nth0(Index, List, Elem) :- integer(Index), Index >= 0, '$lists_nth'(Index, List, Elem).
nth0(Index, List, Elem) :- var(Index), '$lists_nth_enum'(List, Elem, 0, Index).

% nth1(?Index, ?List, ?Elem): Elem is at position Index of List, counting from 1.
nth1(Index, List, Elem) :-
    integer(Index), Index >= 1, Skip is Index - 1, '$lists_nth'(Skip, List, Elem).
nth1(Index, List, Elem) :- var(Index), '$lists_nth_enum'(List, Elem, 1, Index).

% '$lists_nth'(+Skip, ?List, ?Elem): Elem follows the first Skip elements of List.
% A builtin where the list has Skip + 1 elements or ends before; these clauses otherwise.
'$lists_nth_open'(0, [Elem|_], Elem).
'$lists_nth_open'(Skip, [_|T], Elem) :-
    Skip > 0, Skip1 is Skip - 1, '$lists_nth_open'(Skip1, T, Elem).

% '$lists_nth_enum'(?List, ?Elem, +Here, -Index): Elem is in List at Index, where the
% first element of List is at Here.
% A builtin where List is not partial; these clauses otherwise.
'$lists_nth_enum_open'([Elem|_], Elem, Index, Index).
'$lists_nth_enum_open'([_|T], Elem, Here, Index) :-
    Next is Here + 1, '$lists_nth_enum_open'(T, Elem, Next, Index).

% nth0(?Index, ?List, ?Elem, ?Rest): as nth0/3, and Rest is List without that element.
% Also inserts: nth0(1, L, x, [a, b]) gives L = [a, x, b].
nth0(Index, List, Elem, Rest) :-
    integer(Index), Index >= 0, '$lists_nth_del'(Index, List, Elem, Rest).
nth0(Index, List, Elem, Rest) :- var(Index), '$lists_nth_del_enum'(List, Elem, Rest, 0, Index).

% nth1(?Index, ?List, ?Elem, ?Rest): as nth0/4, counting from 1.
nth1(Index, List, Elem, Rest) :-
    integer(Index), Index >= 1, Skip is Index - 1, '$lists_nth_del'(Skip, List, Elem, Rest).
nth1(Index, List, Elem, Rest) :- var(Index), '$lists_nth_del_enum'(List, Elem, Rest, 1, Index).

'$lists_nth_del'(0, [Elem|Rest], Elem, Rest).
'$lists_nth_del'(Skip, [H|T], Elem, [H|Rest]) :-
    Skip > 0, Skip1 is Skip - 1, '$lists_nth_del'(Skip1, T, Elem, Rest).

'$lists_nth_del_enum'([Elem|Rest], Elem, Rest, Index, Index).
'$lists_nth_del_enum'([H|T], Elem, [H|Rest], Here, Index) :-
    Next is Here + 1, '$lists_nth_del_enum'(T, Elem, Rest, Next, Index).

% last(?List, ?Last): Last is the last element of List.
last(List, Last) :- '$lists_last'(List, Last).

% '$lists_last'/2 is a builtin where the list is proper; these clauses otherwise.
'$lists_last_open'([Last], Last).
'$lists_last_open'([_, Next|T], Last) :- '$lists_last_open'([Next|T], Last).

% proper_length(@List, -Length): List is a proper list (not partial) of Length elements.
proper_length(List, Length) :- '$proper_list'(List), length(List, Length).

% same_length(?L1, ?L2): the lists have the same number of elements.
same_length([], []).
same_length([_|T1], [_|T2]) :- same_length(T1, T2).

% reverse(+List, ?Reversed): Reversed has the elements of List in the opposite order.
reverse(List, Reversed) :- '$lists_reverse'(List, [], Reversed).

% '$lists_reverse'/3 is a builtin where the list is proper; these clauses otherwise.
'$lists_reverse_open'([], Acc, Acc).
'$lists_reverse_open'([H|T], Acc, Reversed) :- '$lists_reverse_open'(T, [H|Acc], Reversed).

% permutation(?List, ?Perm): Perm is a permutation of List; either may be the proper list.
% Fixing the length first makes the search finite in both directions.
permutation(List, Perm) :- same_length(List, Perm), '$lists_permutation'(List, Perm).

'$lists_permutation'([], []).
'$lists_permutation'(List, [H|T]) :- '$lists_select'(H, List, Rest), '$lists_permutation'(Rest, T).

% flatten(+Nested, -Flat): Flat has the non-list elements of Nested and of the lists nested
% in it, in order; a variable counts as an element and a non-list X flattens to [X].
flatten(Nested, Flat) :- '$lists_flatten'(Nested, Flat, []).

% '$lists_flatten'(+Term, -Out, +Tail): Out is the flattened Term followed by Tail.
'$lists_flatten'(T, [T|Tail], Tail) :- var(T).
'$lists_flatten'(T, Tail, Tail) :- T == [].
'$lists_flatten'(T, Out, Tail) :-
    nonvar(T), T = [H|Rest],
    '$lists_flatten'(H, Out, Mid), '$lists_flatten'(Rest, Mid, Tail).
'$lists_flatten'(T, [T|Tail], Tail) :- nonvar(T), T \= [], T \= [_|_].

% max_member(-Max, +List): Max is the largest element in the standard order of terms;
% the first of equal ones. Fails on the empty list. ProbLog's library takes the arguments the
% other way round, max_member(+List, -Max): a proper list first and none second is read so.
max_member(Max, List) :- '$proper_list'(List), List = [H|T], '$lists_max_member'(T, H, Max).
max_member(List, Max) :-
    \+ '$proper_list'(Max), '$proper_list'(List), List = [H|T], '$lists_max_member'(T, H, Max).

'$lists_max_member'([], Max, Max).
'$lists_max_member'([H|T], Best, Max) :- H @> Best, '$lists_max_member'(T, H, Max).
'$lists_max_member'([H|T], Best, Max) :- \+ H @> Best, '$lists_max_member'(T, Best, Max).

% min_member(-Min, +List): Min is the smallest element in the standard order of terms; also
% min_member(+List, -Min), as max_member/2 (ProbLog's own min_member/2 gives the largest).
min_member(Min, List) :- '$proper_list'(List), List = [H|T], '$lists_min_member'(T, H, Min).
min_member(List, Min) :-
    \+ '$proper_list'(Min), '$proper_list'(List), List = [H|T], '$lists_min_member'(T, H, Min).

'$lists_min_member'([], Min, Min).
'$lists_min_member'([H|T], Best, Min) :- H @< Best, '$lists_min_member'(T, H, Min).
'$lists_min_member'([H|T], Best, Min) :- \+ H @< Best, '$lists_min_member'(T, Best, Min).

% sum_list(+List, -Sum): Sum is the sum of the numbers in List (0 for []), added left to
% right.
sum_list(List, Sum) :- '$lists_sum'(List, 0, Sum).

% sumlist/2: SWI-Prolog's older name of sum_list/2 (ProbLog does not have it).
sumlist(List, Sum) :- '$lists_sum'(List, 0, Sum).

% '$lists_sum'/3 is a builtin where the list is proper; these clauses otherwise.
'$lists_sum_open'([], Sum, Sum).
'$lists_sum_open'([X|T], Acc, Sum) :- Acc1 is Acc + X, '$lists_sum_open'(T, Acc1, Sum).

% max_list(+List, -Max): the largest number in List; fails on []. As in ProbLog, each step
% is Max1 is max(X, Max0), so of equal numbers the later one wins (max_list([5, 5.0], 5.0)).
max_list([H|T], Max) :- '$lists_max_list'(T, H, Max).

% '$lists_max_list'/3 is a builtin where the list is proper; these clauses otherwise.
'$lists_max_list_open'([], Max, Max).
'$lists_max_list_open'([X|T], Max0, Max) :- Max1 is max(X, Max0), '$lists_max_list_open'(T, Max1, Max).

% min_list(+List, -Min): the smallest number in List; fails on [].
min_list([H|T], Min) :- '$lists_min_list'(T, H, Min).

% '$lists_min_list'/3 is a builtin where the list is proper; these clauses otherwise.
'$lists_min_list_open'([], Min, Min).
'$lists_min_list_open'([X|T], Min0, Min) :- Min1 is min(X, Min0), '$lists_min_list_open'(T, Min1, Min).

% numlist(+Low, +High, -List): List is [Low, Low+1, ..., High]; fails if High < Low.
numlist(Low, High, List) :-
    integer(Low), integer(High), Low =< High, '$lists_numlist'(Low, High, List).


% is_set(@Set): Set is a proper list without two identical (==) elements.
is_set(Set) :- '$proper_list'(Set), '$lists_no_duplicates'(Set).

'$lists_no_duplicates'([]).
'$lists_no_duplicates'([H|T]) :- \+ '$lists_memberchk_eq'(H, T), '$lists_no_duplicates'(T).

% list_to_set(+List, -Set): Set is List without the elements identical (==) to an earlier
% one, in the order of first occurrence.
list_to_set(List, Set) :- '$lists_to_set'(List, [], Set).

'$lists_to_set'([], _, []).
'$lists_to_set'([H|T], Seen, Set) :- '$lists_memberchk_eq'(H, Seen), '$lists_to_set'(T, Seen, Set).
'$lists_to_set'([H|T], Seen, [H|Set]) :-
    \+ '$lists_memberchk_eq'(H, Seen), '$lists_to_set'(T, [H|Seen], Set).

% intersection(+Set1, +Set2, -Set3): the elements of Set1 that are in Set2 (memberchk/2).
intersection([], _, []).
intersection([H|T], Set, [H|R]) :- '$lists_memberchk'(H, Set), intersection(T, Set, R).
intersection([H|T], Set, R) :- \+ '$lists_memberchk'(H, Set), intersection(T, Set, R).

% union(+Set1, +Set2, -Set3): the elements of Set1 that are not in Set2, followed by Set2.
union([], Set, Set).
union([H|T], Set, R) :- '$lists_memberchk'(H, Set), union(T, Set, R).
union([H|T], Set, [H|R]) :- \+ '$lists_memberchk'(H, Set), union(T, Set, R).

% subset(+Subset, +Set): every element of Subset is in Set (memberchk/2).
subset([], _).
subset([H|T], Set) :- '$lists_memberchk'(H, Set), subset(T, Set).

% subtract(+Set, +Delete, -Result): the elements of Set that are not in Delete.
subtract([], _, []).
subtract([H|T], Delete, R) :- '$lists_memberchk'(H, Delete), subtract(T, Delete, R).
subtract([H|T], Delete, [H|R]) :- \+ '$lists_memberchk'(H, Delete), subtract(T, Delete, R).

% enum_groups(+Pairs, ?Group, -Values): Pairs is a list of Group-Value pairs; one answer
% per distinct (==) group, in order of first occurrence, with the values of that group in
% list order.
enum_groups(Pairs, Group, Values) :-
    '$lists_pair_keys'(Pairs, Keys),
    '$lists_to_set'(Keys, [], Groups),
    '$lists_select'(Group, Groups, _),
    '$lists_group_values'(Pairs, Group, Values).

% enum_groups(+Groups, +Values, ?Group, -GroupValues): as enum_groups/3 with the groups
% and values in two lists (paired position by position, up to the shorter one).
enum_groups(Groups, Values, Group, GroupValues) :-
    '$lists_zip_pairs'(Groups, Values, Pairs),
    enum_groups(Pairs, Group, GroupValues).

'$lists_pair_keys'([], []).
'$lists_pair_keys'([K-_|T], [K|Ks]) :- '$lists_pair_keys'(T, Ks).

'$lists_group_values'([], _, []).
'$lists_group_values'([K-V|T], Group, [V|Vs]) :- K == Group, '$lists_group_values'(T, Group, Vs).
'$lists_group_values'([K-_|T], Group, Vs) :- K \== Group, '$lists_group_values'(T, Group, Vs).

'$lists_zip_pairs'([], _, []).
'$lists_zip_pairs'([_|_], [], []).
'$lists_zip_pairs'([G|Gs], [V|Vs], [G-V|Ps]) :- '$lists_zip_pairs'(Gs, Vs, Ps).

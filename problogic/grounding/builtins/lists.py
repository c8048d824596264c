"""The list predicates that walk a list, as builtins where the list is proper.

Written as clauses (library(lists)), every call on a list of n elements made n tables, one per
suffix, since the grounder tables every call: 300 lists of 100 elements took 20 s to ground
through member/2, append/3 and numlist/3, and take 1 s here; through sum_list/2, max_list/2,
min_list/2, last/2, nth0/3, nth1/3 and memberchk/2, 7 s and 0.5 s. Each builtin gives the
answers of the clauses, in their order and as often (member(X, [a, b, a]) gives a, b, a, as
Prolog does), and raises their errors (sum_list([a], S) is the type error of ``is``); where
its list is partial, it calls the clauses (``'$lists_..._open'`` in library(lists)), which
enumerate the possible lists.
"""

from __future__ import annotations

from ...language.terms import NIL, Term, Var
from ..arithmetic import evaluate
from ..term_order import compare_terms
from .base import Registry, check_size

LISTS: Registry = {}


def _cells(g, term) -> tuple[list, object]:
    """The elements of a (possibly partial) list and what ends it, dereferenced."""
    deref = g.subst.deref
    items = []
    term = deref(term)
    while type(term) is Term and term.functor == "." and len(term.args) == 2:
        items.append(term.args[0])
        term = deref(term.args[1])
    return items, term


def _list(items, tail=NIL, location=None) -> Term:
    for item in reversed(items):
        tail = Term(".", (item, tail), location)
    return tail


def _open(g, goal, depth):
    """The answers of the clauses that stand in for the builtin of ``goal`` on a partial
    list: ``'$lists_X_open'`` for ``'$lists_X'``."""
    return g.solve(Term(goal.functor + "_open", goal.args, goal.location), depth)


def _unify_each(g, pairs):
    """Yield once if every (a, b) unifies, bindings undone afterwards."""
    subst = g.subst
    mark = subst.mark()
    if all(subst.unify(a, b) for a, b in pairs):
        yield ()
    subst.undo(mark)


def _member(g, goal, depth):
    element, whole = goal.args
    items, end = _cells(g, whole)
    if type(end) is Var:
        yield from g.solve(Term("$lists_member", goal.args, goal.location), depth)
        return
    if end != NIL:  # not a list: no element
        return
    subst = g.subst
    for item in items:  # the common call: no generator per element
        mark = subst.mark()
        if subst.unify(element, item):
            yield ()
        subst.undo(mark)


def _append(g, goal, depth):
    """'$lists_append'(L1, L2, L3): L3 is L1 followed by L2."""
    first, second, whole = goal.args
    items, end = _cells(g, first)
    if end == NIL:  # one answer: the first list's elements, then the second list
        yield from _unify_each(g, ((whole, _list(items, second, goal.location)),))
        return
    if type(end) is not Var:
        return
    items, end = _cells(g, whole)
    if end != NIL:  # neither list is proper: the clauses enumerate
        if type(end) is Var:
            yield from _open(g, goal, depth)
        return
    suffix = g.subst.deref(whole)
    for i in range(len(items) + 1):  # every split, the shortest first
        yield from _unify_each(g, ((first, _list(items[:i], NIL, goal.location)),
                                   (second, suffix)))
        if i < len(items):
            suffix = g.subst.deref(suffix.args[1])


def _reverse(g, goal, depth):
    """'$lists_reverse'(List, Acc, Reversed): Reversed is List reversed, then Acc."""
    first, acc, whole = goal.args
    items, end = _cells(g, first)
    if end == NIL:
        yield from _unify_each(g, ((whole, _list(items[::-1], acc, goal.location)),))
        return
    if type(end) is not Var:
        return
    reversed_items, reversed_end = _cells(g, whole)
    acc_items, acc_end = _cells(g, acc)
    if reversed_end == NIL and acc_end == NIL:  # List has a known length: one answer at most
        size = len(reversed_items) - len(acc_items)
        if size >= len(items):
            yield from _unify_each(g, ((first, _list(reversed_items[size - 1::-1] if size
                                                     else [], NIL, goal.location)),
                                       (acc, _list(reversed_items[size:]))))
        return
    yield from _open(g, goal, depth)


def _numlist(g, goal, depth):
    """'$lists_numlist'(Low, High, List), Low =< High integers (numlist/3 checks them)."""
    low, high = (g.subst.deref(a) for a in goal.args[:2])
    check_size(g, high - low + 1, f"numlist({low}, {high}, _)", goal)
    yield from _unify_each(g, ((goal.args[2], _list(list(range(low, high + 1)))),))


def _not_partial(position: int):
    """A builtin over the list in argument ``position`` that is not partial, as
    ``fn(g, goal, elements, end)``; on a partial list, the clauses answer (:func:`_open`)."""
    def wrap(fn):
        def builtin(g, goal, depth):
            items, end = _cells(g, goal.args[position])
            if type(end) is Var:
                return _open(g, goal, depth)
            return fn(g, goal, items, end)

        builtin.__name__, builtin.__doc__ = fn.__name__, fn.__doc__
        return builtin

    return wrap


@_not_partial(1)
def _memberchk(g, goal, items, end):
    """'$lists_memberchk'(X, List): the first element of List that unifies with X."""
    subst = g.subst
    for item in items:
        mark = subst.mark()
        if subst.unify(goal.args[0], item):
            yield ()
            subst.undo(mark)
            return
        subst.undo(mark)


@_not_partial(1)
def _memberchk_eq(g, goal, items, end):
    """'$lists_memberchk_eq'(X, List): an element of List is identical (==) to X."""
    resolve = g.subst.resolve
    element = resolve(goal.args[0])
    if any(compare_terms(element, resolve(item)) == 0 for item in items):
        yield ()


def _nth(g, goal, depth):
    """'$lists_nth'(Skip, List, Elem), Skip a non-negative integer (nth0/3 and nth1/3 check
    it): Elem follows the first Skip elements of List."""
    skip, whole, element = goal.args
    deref = g.subst.deref
    skip, term = deref(skip), deref(whole)
    while type(term) is Term and term.functor == "." and len(term.args) == 2:
        if not skip:
            yield from _unify_each(g, ((element, term.args[0]),))
            return
        skip -= 1
        term = deref(term.args[1])
    if type(term) is Var:  # the list is partial and too short: the clauses lengthen it
        yield from _open(g, goal, depth)


@_not_partial(0)
def _nth_enum(g, goal, items, end):
    """'$lists_nth_enum'(List, Elem, Here, Index): Elem is in List at Index, where the first
    element of List is at Here."""
    _, element, here, index = goal.args
    for position, item in enumerate(items, g.subst.deref(here)):
        yield from _unify_each(g, ((element, item), (index, position)))


@_not_partial(0)
def _last(g, goal, items, end):
    """'$lists_last'(List, Last): Last is the last element of List."""
    if end == NIL and items:
        yield from _unify_each(g, ((goal.args[1], items[-1]),))


def _fold(function: str):
    """'$lists_F'(List, Acc, Result): Result is Acc combined with each element of List in
    turn, ``Acc1 is F(Acc, X)`` (``sum``: ``Acc + X``) or ``Acc1 is F(X, Acc)`` (``max``,
    ``min``), as the clauses compute it."""
    @_not_partial(0)
    def builtin(g, goal, items, end):
        _, acc, result = goal.args
        resolve = g.subst.resolve
        location = goal.location or g.location_hint()
        value = resolve(acc)
        for item in items:
            pair = (value, resolve(item)) if function == "+" else (resolve(item), value)
            value = evaluate(Term(function, pair), location)
        if end == NIL:
            yield from _unify_each(g, ((result, value),))

    return builtin


LISTS[("member", 2)] = _member
LISTS[("$lists_append", 3)] = _append
LISTS[("$lists_reverse", 3)] = _reverse
LISTS[("$lists_numlist", 3)] = _numlist
LISTS[("$lists_memberchk", 2)] = _memberchk
LISTS[("$lists_memberchk_eq", 2)] = _memberchk_eq
LISTS[("$lists_nth", 3)] = _nth
LISTS[("$lists_nth_enum", 4)] = _nth_enum
LISTS[("$lists_last", 2)] = _last
LISTS[("$lists_sum", 3)] = _fold("+")
LISTS[("$lists_max_list", 3)] = _fold("max")
LISTS[("$lists_min_list", 3)] = _fold("min")

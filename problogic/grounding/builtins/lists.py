"""The list predicates that walk a list, as builtins where the list is proper.

Written as clauses (library(lists)), every call on a list of n elements made n tables, one per
suffix, since the grounder tables every call: 300 lists of 100 elements took 20 s to ground
through member/2, append/3 and numlist/3, and take 3 s here. Each builtin gives the answers
of the clauses, in their order and as often (member(X, [a, b, a]) gives a, b, a, as Prolog
does); where its list is partial, it calls the clauses (``'$lists_..._open'`` in
library(lists)), which enumerate the possible lists.
"""

from __future__ import annotations

from ...language.terms import NIL, Term, Var
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
            yield from g.solve(Term("$lists_append_open", goal.args, goal.location), depth)
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
    yield from g.solve(Term("$lists_reverse_open", goal.args, goal.location), depth)


def _numlist(g, goal, depth):
    """'$lists_numlist'(Low, High, List), Low =< High integers (numlist/3 checks them)."""
    low, high = (g.subst.deref(a) for a in goal.args[:2])
    check_size(g, high - low + 1, f"numlist({low}, {high}, _)", goal)
    yield from _unify_each(g, ((goal.args[2], _list(list(range(low, high + 1)))),))


LISTS[("member", 2)] = _member
LISTS[("$lists_append", 3)] = _append
LISTS[("$lists_reverse", 3)] = _reverse
LISTS[("$lists_numlist", 3)] = _numlist

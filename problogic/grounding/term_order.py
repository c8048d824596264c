"""The standard order of terms, for ``==``, ``@<``, ``compare/3``, ``sort/2`` and ``msort/2``.

Terms of different kinds order as ``Var < Number < String < Atom < Compound``. This is
ProbLog's order; SWI-Prolog puts strings after atoms instead (``a @< "a"``), but in ProbLog
``"a" @< a`` holds and ``sort/2`` puts every string before every atom, and answers must equal
ProbLog's. Within a kind:

* variables by creation (``Var.serial``), so that sorting is reproducible from run to run;
* numbers by value, exactly (``1 @< 1.5``, also for integers beyond float precision); a float
  before an integer of equal value (``1.0 @< 1``, as both SWI and ProbLog); ``nan`` before
  every other number, so that the order stays total;
* strings and atoms alphabetically by code point;
* compounds by arity, then name, then arguments from left to right (``f(b) @< g(a)``,
  ``g(a) @< f(a, a)``).

ProbLog itself orders some numbers inconsistently (its ``sort/2`` puts ``10.0`` before ``5``
and ``-1`` before ``-1.5``) and compares quoted atoms by their quoted spelling; we follow the
rules above (SWI's) there, which ProbLog's documentation promises.

The comparison walks the two terms with an explicit stack, so deep terms are safe.
"""

from __future__ import annotations

from functools import cmp_to_key
from typing import Iterable

from ..language.terms import String, Term, TermLike, Var

# Rank of each kind of term in the standard order.
_VAR, _NUMBER, _STRING, _ATOM, _COMPOUND = range(5)


def _rank(term: TermLike) -> int:
    kind = type(term)
    if kind is Term:
        return _COMPOUND if term.args else _ATOM
    if kind is int or kind is float:
        return _NUMBER
    if kind is Var:
        return _VAR
    if kind is String:
        return _STRING
    raise TypeError(f"not a term: {term!r}")


def _sign(a, b) -> int:
    return (a > b) - (a < b)


def _compare_numbers(a: int | float, b: int | float) -> int:
    a_nan, b_nan = a != a, b != b
    if a_nan or b_nan:
        return b_nan - a_nan
    if a < b:
        return -1
    if a > b:
        return 1
    # Equal values: the float comes first (1.0 @< 1); -0.0 and 0.0 are the same number.
    return (type(a) is int) - (type(b) is int)


def compare_terms(a: TermLike, b: TermLike) -> int:
    """-1, 0 or 1 as ``a`` comes before, is identical to, or comes after ``b`` in the standard
    order of terms. 0 means the terms are identical (``==``).

    >>> from problogic.language.terms import Term
    >>> compare_terms(Term("f", (1,)), Term("g", ()))
    1
    """
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        rank_x, rank_y = _rank(x), _rank(y)
        if rank_x != rank_y:
            return -1 if rank_x < rank_y else 1
        if rank_x == _COMPOUND:
            order = _sign(len(x.args), len(y.args)) or _sign(x.functor, y.functor)
            if order:
                return order
            # Compare the arguments left to right: push them so the first pops first.
            stack.extend(reversed(list(zip(x.args, y.args))))
            continue
        if rank_x == _ATOM:
            order = _sign(x.functor, y.functor)
        elif rank_x == _NUMBER:
            order = _compare_numbers(x, y)
        elif rank_x == _STRING:
            order = _sign(x.value, y.value)
        else:
            order = _sign(x.serial, y.serial)
        if order:
            return order
    return 0


_Key = cmp_to_key(compare_terms)


def sort_key(term: TermLike):
    """Key for ``sorted()`` and ``list.sort()`` in the standard order of terms:
    ``sorted(terms, key=sort_key)`` is ``msort/2``."""
    return _Key(term)


def sort_unique(terms: Iterable[TermLike]) -> list[TermLike]:
    """The terms in standard order without duplicates (identical by ``==``): ``sort/2``.

    Duplicates are decided by the standard order, not by Python equality, so ``1`` and ``1.0``
    both stay (``sort([1, 1.0], L)`` gives ``[1.0, 1]`` in ProbLog and SWI).
    """
    out: list[TermLike] = []
    for term in sorted(terms, key=sort_key):
        if not out or compare_terms(out[-1], term) != 0:
            out.append(term)
    return out

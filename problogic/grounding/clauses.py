"""Clauses compiled for resolution: variables become numbered slots of a per-call frame.

Resolving a call against a clause used to copy the clause with fresh variables (a dict lookup
per variable occurrence), unify the copy's head with the call, and then copy each body goal
again when resolving it against the substitution. A :class:`CompiledClause` does both in one
pass and allocates nothing for variables that the call already binds:

* the head's first occurrence of a variable takes the call's argument as is (no fresh
  variable, no binding); later occurrences unify with it;
* a body goal is built only when it is reached, directly with the *resolved* values of its
  slots; a body variable that first occurs in that goal gets a fresh :class:`Var` there (each
  time the goal is reached again after backtracking, which is when the old one is unbound);
* ``X is Expr`` and arithmetic comparisons over slots are evaluated without building a term
  when every operand is a number and the functions are plain ones (``+ - * // mod min max
  abs``); anything else (an error included) takes the general builtin, which gives the same
  result or the same error.

Which occurrence of a variable is its first is known from the clause text alone (head, then
body goals left to right), as in the WAM. That also tells when a call binds a variable that
the next goal, ``L is A + V`` say, pins to one integer (:class:`Pin`): the call's answers are
then looked up by that value instead of being scanned (the sum of two numbers read from
images, ``number(X, N1), number(Y, N2), Z is N1 + N2``, goes from the product of their answers
to their sum).
"""

from __future__ import annotations

from ..language.terms import Term, TermLike, Var
from .arithmetic import _COMPARISONS, FUNCTIONS


class NewSlot:
    """The first occurrence of a clause variable: takes a value (or a fresh variable)."""

    __slots__ = ("index", "name")

    def __init__(self, index: int, name: str):
        self.index = index
        self.name = name


class OldSlot:
    """A later occurrence: reads the slot's value."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


class Compound:
    """A compound term of the clause that contains variables."""

    __slots__ = ("functor", "args", "location")

    def __init__(self, functor: str, args: tuple, location):
        self.functor = functor
        self.args = args
        self.location = location


def template(term: TermLike, slots: dict, seen: set) -> object:
    """``term`` with its variables replaced by slots (``slots``: variable -> index; ``seen``:
    the indices already met, updated in left-to-right order)."""
    t = type(term)
    if t is Var:
        index = slots[term]
        if index in seen:
            return OldSlot(index)
        seen.add(index)
        return NewSlot(index, term.name)
    if t is not Term or term.ground:
        return term
    return Compound(term.functor, tuple(template(a, slots, seen) for a in term.args),
                    term.location)


def build(t, frame: list, subst) -> TermLike:
    """The term of template ``t`` under ``frame``, resolved against ``subst``."""
    kind = type(t)
    if kind is OldSlot:
        value = frame[t.index]
        if type(value) is Var:
            value = subst.deref(value)
        if type(value) is Term and not value.ground:
            return subst.resolve(value)
        return value
    if kind is NewSlot:
        value = frame[t.index] = Var(t.name)
        return value
    if kind is not Compound:
        return t
    args = []
    append = args.append
    for a in t.args:
        kind = type(a)
        if kind is OldSlot:
            value = frame[a.index]
            if type(value) is Var:
                value = subst.deref(value)
            if type(value) is Term and not value.ground:
                value = subst.resolve(value)
            append(value)
        elif kind is NewSlot:
            value = frame[a.index] = Var(a.name)
            append(value)
        elif kind is Compound:
            append(build(a, frame, subst))
        else:
            append(a)
    return Term(t.functor, tuple(args), t.location)


def match(t, x: TermLike, frame: list, subst) -> bool:
    """Unify head template ``t`` with the call's argument ``x``, filling ``frame``."""
    kind = type(t)
    if kind is NewSlot:
        frame[t.index] = subst.deref(x) if type(x) is Var else x
        return True
    if kind is OldSlot:
        return subst.unify(frame[t.index], x)
    if kind is Compound:
        if type(x) is Var:
            x = subst.deref(x)
        if type(x) is Var:
            subst.bind(x, build(t, frame, subst))
            return True
        if type(x) is not Term or x.functor != t.functor or len(x.args) != len(t.args):
            return False
        for a, b in zip(t.args, x.args):
            if not match(a, b, frame, subst):
                return False
        return True
    return subst.unify(t, x)


# -- arithmetic without terms -----------------------------------------------------------------

class NotFast(Exception):
    """An operand is not a number (or a function raised): use the general builtin."""


# Functions that never return a complex or raise anything but ZeroDivisionError on numbers.
_FAST_FUNCTIONS = {key: FUNCTIONS[key] for key in
                   [("+", 2), ("-", 2), ("*", 2), ("//", 2), ("mod", 2), ("min", 2),
                    ("max", 2), ("-", 1), ("abs", 1)]}


def expression(t):
    """A function ``(frame, subst) -> number`` for arithmetic template ``t`` (raising
    :class:`NotFast` when the general evaluator must decide), or None when ``t`` is not such
    an expression."""
    kind = type(t)
    if kind is int or kind is float:
        return lambda frame, subst: t
    if kind is OldSlot:
        index = t.index

        def slot(frame, subst):
            value = frame[index]
            if type(value) is Var:
                value = subst.deref(value)
            if type(value) is int or type(value) is float:
                return value
            raise NotFast
        return slot
    if kind is not Compound:
        return None
    function = _FAST_FUNCTIONS.get((t.functor, len(t.args)))
    if function is None:
        return None
    parts = [expression(a) for a in t.args]
    if any(p is None for p in parts):
        return None
    if len(parts) == 1:
        (a,) = parts
        return lambda frame, subst: function(a(frame, subst))
    a, b = parts
    return lambda frame, subst: function(a(frame, subst), b(frame, subst))


def comparison(op: str):
    return _COMPARISONS[op]


class Pin:
    """A call's argument ``V`` (a variable the call binds) that the next goal ``L is A + V``
    or ``L =:= A + V`` (either side; ``V + A``, ``A - V``, ``V - A`` alike) pins: when ``L``
    and ``A`` are integers, only the answers with the integer ``V = value(frame, subst)`` can
    pass that goal. The goal still runs on them: looking the answers up only skips those it
    would reject."""

    __slots__ = ("position", "left", "other", "signs")

    def __init__(self, position: int, left, other, signs: tuple[int, int]):
        self.position = position  # of V among the call's arguments
        self.left = left          # L: an OldSlot or an int
        self.other = other        # A, an expression (see :func:`expression`)
        self.signs = signs        # V = signs[0] * L + signs[1] * A

    @classmethod
    def of(cls, call, left, right) -> "Pin | None":
        """The pin of call template ``call`` by the goal ``left is right`` or ``left =:=
        right`` (templates), or None."""
        if type(call) is not Compound or type(right) is not Compound or \
                right.functor not in ("+", "-") or len(right.args) != 2:
            return None
        bound_here = _slots(call, (NewSlot,))  # L and A must be known before the call
        if not (type(left) is int or type(left) is OldSlot and left.index not in bound_here):
            return None
        for v, a in (right.args, right.args[::-1]):
            other = expression(a)
            if type(v) is OldSlot and v.index in bound_here and other is not None and \
                    not _slots(a) & bound_here:
                position = next((i for i, arg in enumerate(call.args)
                                 if type(arg) is NewSlot and arg.index == v.index), None)
                if position is None:  # V is bound inside an argument, not as one
                    continue
                first = v is right.args[0]
                signs = (1, -1) if right.functor == "+" else (1, 1) if first else (-1, 1)
                return cls(position, left, other, signs)
        return None

    def value(self, frame: list, subst) -> int | None:
        """V's value under ``frame``, or None where L or A is not an integer."""
        left = self.left
        if type(left) is OldSlot:
            left = frame[left.index]
            if type(left) is Var:
                left = subst.deref(left)
        if type(left) is not int:
            return None
        try:
            other = self.other(frame, subst)
        except Exception:  # NotFast, or an error (1 // 0): the scan meets it as before, if
            return None    # an answer reaches the goal at all
        if type(other) is not int:
            return None
        return self.signs[0] * left + self.signs[1] * other


def _slots(t, kinds: tuple = (OldSlot, NewSlot)) -> set[int]:
    """The indices of the slots of the given kinds in template ``t``."""
    kind = type(t)
    if kind is Compound:
        return set().union(*(_slots(a, kinds) for a in t.args))
    return {t.index} if kind in kinds else set()


__all__ = ["Compound", "NewSlot", "NotFast", "OldSlot", "Pin", "build", "comparison",
           "expression", "match", "template"]

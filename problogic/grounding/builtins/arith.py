"""Arithmetic predicates: is/2, comparisons, between/3, succ/2, plus/3."""

from __future__ import annotations

from ...language.terms import Var
from ..arithmetic import compare_numbers, evaluate
from .base import Registry, error, register

ARITH: Registry = {}


def _value(g, term, goal):
    return evaluate(g.subst.resolve(term), goal.location or g.location_hint())


def _is(g, goal, depth):
    value = _value(g, goal.args[1], goal)
    mark = g.subst.mark()
    if g.subst.unify(goal.args[0], value):
        yield ()
    g.subst.undo(mark)


ARITH[("is", 2)] = _is


def _comparison(op):
    def builtin(g, goal, depth):
        if compare_numbers(op, _value(g, goal.args[0], goal), _value(g, goal.args[1], goal)):
            yield ()
    return builtin


for _op in ("<", ">", "=<", ">=", "=:=", "=\\="):
    ARITH[(_op, 2)] = _comparison(_op)


def _integer(g, term, goal, what):
    t = g.subst.deref(term)
    if type(t) is Var:
        return None
    if type(t) is not int:
        raise error(g, f"{what}: {g.subst.resolve(t)!r} is not an integer (type error)", goal)
    return t


def _between(g, goal, depth):
    low = _integer(g, goal.args[0], goal, "between/3")
    high_term = g.subst.resolve(goal.args[1])
    if low is None or (type(high_term) is Var):
        raise error(g, "between/3: bounds must be bound (instantiation error)", goal)
    if high_term in ("inf", "infinite") or getattr(high_term, "functor", None) in ("inf",
                                                                                  "infinite"):
        raise error(g, "between/3 with an infinite upper bound is not supported in grounding",
                    goal)
    high = _integer(g, high_term, goal, "between/3")
    value = _integer(g, goal.args[2], goal, "between/3")
    if value is not None:
        if low <= value <= high:
            yield ()
        return
    target = goal.args[2]
    for i in range(low, high + 1):
        mark = g.subst.mark()
        if g.subst.unify(target, i):
            yield ()
        g.subst.undo(mark)


ARITH[("between", 3)] = _between


@register(ARITH, "succ", 2, det=True)
def succ(g, args):
    goal = None
    a = _integer(g, args[0], goal, "succ/2")
    b = _integer(g, args[1], goal, "succ/2")
    if a is not None:
        if a < 0:
            raise error(g, f"succ/2: {a} is negative")
        return g.subst.unify(args[1], a + 1)
    if b is None:
        raise error(g, "succ/2: both arguments unbound (instantiation error)")
    if b < 0:
        raise error(g, f"succ/2: {b} is negative")
    return b > 0 and g.subst.unify(args[0], b - 1)


@register(ARITH, "plus", 3, det=True)
def plus(g, args):
    a, b, c = (_integer(g, x, None, "plus/3") for x in args)
    if a is not None and b is not None:
        return g.subst.unify(args[2], a + b)
    if a is not None and c is not None:
        return g.subst.unify(args[1], c - a)
    if b is not None and c is not None:
        return g.subst.unify(args[0], c - b)
    raise error(g, "plus/3 needs two bound arguments (instantiation error)")

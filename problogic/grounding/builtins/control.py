"""Control constructs: conjunction, disjunction, if-then-else, negation, call/N."""

from __future__ import annotations

from ...language.terms import Term, Var
from .base import Registry, error, register

CONTROL: Registry = {}


@register(CONTROL, ",", 2)
def conjunction(g, goal, depth):
    for first in g.solve(goal.args[0], depth):
        for second in g.solve(goal.args[1], depth):
            yield first + second


@register(CONTROL, ";", 2)
def disjunction(g, goal, depth):
    left = g.subst.deref(goal.args[0])
    if type(left) is Term and left.functor == "->" and len(left.args) == 2:
        yield from if_then_else(g, left.args[0], left.args[1], goal.args[1], depth, goal)
        return
    yield from g.solve(left, depth)
    yield from g.solve(goal.args[1], depth)


CONTROL[("|", 2)] = disjunction  # ProbLog reads (a | b) as a disjunction


@register(CONTROL, "->", 2)
def if_then(g, goal, depth):
    yield from if_then_else(g, goal.args[0], goal.args[1], None, depth, goal)


def if_then_else(g, condition, then, otherwise, depth, goal):
    """``(C -> T ; E)`` with Prolog's committed choice. A probabilistic condition has no
    per-world meaning under committed choice (ProbLog rejects ``->`` altogether), so it is an
    error rather than a silently wrong answer."""
    mark = g.subst.mark()
    for lits in g.solve(condition, depth):
        if lits:
            raise error(g, "the condition of if-then-else must be deterministic; "
                        "write (C, T ; \\+ C, E) for a probabilistic condition", goal)
        yield from g.solve(then, depth)
        g.subst.undo(mark)
        return
    g.subst.undo(mark)
    if otherwise is not None:
        yield from g.solve(otherwise, depth)


@register(CONTROL, "\\+", 1)
def negation(g, goal, depth):
    lits = g.solve_negation(goal.args[0], depth, goal.location)
    if lits is not None:
        yield lits


CONTROL[("not", 1)] = negation


def negated_conjunction(g, goal, depth):
    """``\\+(A, B, C)``: ProbLog reads a prefix operator before parentheses as applied to
    their contents, here the conjunction ``(A, B, C)`` (DeepProbLog's examples rely on it)."""
    conjunction = goal.args[-1]
    for conjunct in reversed(goal.args[:-1]):
        conjunction = Term(",", (conjunct, conjunction))
    lits = g.solve_negation(conjunction, depth, goal.location)
    if lits is not None:
        yield lits


for _arity in range(2, 17):
    CONTROL[("\\+", _arity)] = negated_conjunction


@register(CONTROL, "true", 0)
def true(g, goal, depth):
    yield ()


@register(CONTROL, "fail", 0)
def fail(g, goal, depth):
    return
    yield


CONTROL[("false", 0)] = fail


@register(CONTROL, "once", 1)
def once(g, goal, depth):
    mark = g.subst.mark()
    for lits in g.solve(goal.args[0], depth):
        if lits:
            raise error(g, "once/1 of a probabilistic goal has no per-world meaning", goal)
        yield ()
        break
    g.subst.undo(mark)


def add_arguments(g, closure, extra, goal):
    closure = g.subst.deref(closure)
    if type(closure) is Var:
        raise error(g, "call/N: goal is an unbound variable (instantiation error)", goal)
    if type(closure) is not Term:
        raise error(g, f"call/N: {closure!r} is not callable (type error)", goal)
    return Term(closure.functor, closure.args + tuple(extra), goal.location)


def _call(g, goal, depth):
    target = add_arguments(g, goal.args[0], goal.args[1:], goal)
    yield from g.solve(target, depth)


for _arity in range(1, 9):
    CONTROL[("call", _arity)] = _call


def _try_call(g, goal, depth):
    """try_call/N: call/N, except that a goal whose predicate is not defined fails instead
    of raising an error. (ProbLog also swallows errors raised further down; here they still
    end the run, since a half-evaluated table cannot be trusted.)"""
    target = add_arguments(g, goal.args[0], goal.args[1:], goal)
    if (target.signature not in g.builtins and g.predicate_index(target.signature) is None):
        return
    yield from g.solve(target, depth)


for _arity in range(1, 9):
    CONTROL[("call_nc", _arity)] = _call  # "no cache": tabling here is never observable
    CONTROL[("try_call", _arity)] = _try_call


@register(CONTROL, "nocache", 2)
def nocache(g, goal, depth):
    """nocache(Name, Arity): ProbLog's hint not to table a predicate; tables are never
    observable here, so it only checks its arguments."""
    name, arity = (g.subst.deref(a) for a in goal.args)
    if not (type(name) is Term and not name.args and type(arity) is int and arity >= 0):
        raise error(g, f"nocache/2 expects an atom and an arity, not "
                    f"{g.subst.resolve(goal)!r}", goal)
    yield ()

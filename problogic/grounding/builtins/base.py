"""Shared helpers for builtin predicates.

A builtin is ``fn(grounder, goal, depth) -> Iterator[literals]``, registered by name and arity.
Most builtins are deterministic tests or unifications; :func:`deterministic` turns a function
``(grounder, args) -> bool`` into such a generator, undoing its bindings when resumed.
"""

from __future__ import annotations

from typing import Callable

from ...errors import GroundingError, LimitExceededError
from ...language.terms import Term, TermLike, Var, iter_list

Registry = dict[tuple[str, int], Callable]


def deterministic(test: Callable) -> Callable:
    def builtin(g, goal, depth):
        mark = g.subst.mark()
        try:
            success = test(g, goal.args)
        except GroundingError as exc:
            if exc.location is None:  # point at the call when the test could not
                exc.location = goal.location or g.location_hint()
            raise
        if success:
            yield ()
        g.subst.undo(mark)

    builtin.__name__ = test.__name__
    builtin.__doc__ = test.__doc__
    return builtin


def register(registry: Registry, name: str, arity: int, *, det: bool = False):
    def decorate(fn):
        registry[(name, arity)] = deterministic(fn) if det else fn
        return fn

    return decorate


def error(g, message: str, goal: Term | None = None) -> GroundingError:
    """A grounding error at ``goal``. Without a located goal the :func:`deterministic` wrapper
    fills in the call's location."""
    return GroundingError(message, getattr(goal, "location", None))


def check_size(g, size: int, what: str, goal: Term) -> None:
    """``what`` (a term of ``size`` arguments or elements, about to be built) must fit the
    ground size limit: ``length(L, 10^9)`` would otherwise fill the memory before any deadline
    check."""
    if size > g.limits.max_ground_size:
        raise LimitExceededError(f"{what} exceeds the ground size limit "
                                 f"of {g.limits.max_ground_size} (raise it with "
                                 "--max-ground-size)", getattr(goal, "location", None))


def resolved(g, term: TermLike) -> TermLike:
    return g.subst.resolve(term)


def need_bound(g, term: TermLike, what: str, goal: Term) -> TermLike:
    term = g.subst.deref(term)
    if type(term) is Var:
        raise error(g, f"{what} is unbound (instantiation error) in {resolved(g, goal)!r}", goal)
    return term


def proper_list(g, term: TermLike, goal: Term) -> list:
    items, tail = iter_list(g.subst.resolve(term))
    if type(tail) is Var:
        raise error(g, f"partial list (instantiation error) in {resolved(g, goal)!r}", goal)
    if tail != Term("[]"):
        raise error(g, f"{tail!r} is not a list (type error) in {resolved(g, goal)!r}", goal)
    return items

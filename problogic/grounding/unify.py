"""Unification over a mutable substitution with a trail (undone on backtracking).

The grounder binds variables in one :class:`Substitution`; every choice point remembers
``mark()`` and calls ``undo(mark)`` before trying its next alternative. Terms themselves never
change.
"""

from __future__ import annotations

from ..language.terms import Term, TermLike, Var

# Marker functor for the canonical variables of variant keys and stored non-ground answers.
CANONICAL_VAR = "$VAR\x00"


class Substitution:
    __slots__ = ("bindings", "trail")

    def __init__(self) -> None:
        self.bindings: dict[Var, TermLike] = {}
        self.trail: list[Var] = []

    def mark(self) -> int:
        return len(self.trail)

    def undo(self, mark: int) -> None:
        trail, bindings = self.trail, self.bindings
        while len(trail) > mark:
            del bindings[trail.pop()]

    def deref(self, term: TermLike) -> TermLike:
        bindings = self.bindings
        while type(term) is Var:
            value = bindings.get(term)
            if value is None:
                return term
            term = value
        return term

    def bind(self, var: Var, value: TermLike) -> None:
        self.bindings[var] = value
        self.trail.append(var)

    def unify(self, a: TermLike, b: TermLike) -> bool:
        bindings = self.bindings
        while type(a) is Var:
            value = bindings.get(a)
            if value is None:
                break
            a = value
        while type(b) is Var:
            value = bindings.get(b)
            if value is None:
                break
            b = value
        if a is b:
            return True
        ta, tb = type(a), type(b)
        if ta is Var:
            bindings[a] = b
            self.trail.append(a)
            return True
        if tb is Var:
            bindings[b] = a
            self.trail.append(b)
            return True
        if ta is Term:
            if tb is not Term:
                return False
            if a.ground and b.ground:
                return a == b
            if a.functor != b.functor or len(a.args) != len(b.args):
                return False
            unify = self.unify
            for x, y in zip(a.args, b.args):
                if x is not y and not unify(x, y):
                    return False
            return True
        # Numbers and strings: 1 and 1.0 do not unify, as in Prolog.
        return ta is tb and a == b

    def resolve(self, term: TermLike) -> TermLike:
        """The term with every bound variable replaced by its value."""
        if type(term) is Var:
            term = self.deref(term)
            if type(term) is Var:
                return term
        if type(term) is not Term or term.ground:
            return term
        bindings = self.bindings
        args = []
        for a in term.args:
            t = type(a)
            if t is Var:
                while True:
                    value = bindings.get(a)
                    if value is None:
                        break
                    a = value
                    if type(a) is not Var:
                        break
                t = type(a)
            if t is Term and not a.ground:
                a = self.resolve(a)
            args.append(a)
        return Term(term.functor, tuple(args), term.location)


def rename(term: TermLike, mapping: dict) -> TermLike:
    """Copy ``term`` with each variable replaced by a fresh one (shared through ``mapping``)."""
    if type(term) is Var:
        fresh = mapping.get(term)
        if fresh is None:
            fresh = mapping[term] = Var(term.name)
        return fresh
    if type(term) is not Term or term.ground:
        return term
    args = []
    for a in term.args:
        t = type(a)
        if t is Var:
            fresh = mapping.get(a)
            if fresh is None:
                fresh = mapping[a] = Var(a.name)
            a = fresh
        elif t is Term and not a.ground:
            a = rename(a, mapping)
        args.append(a)
    return Term(term.functor, tuple(args), term.location)


def canonical(term: TermLike, numbering: dict | None = None) -> TermLike:
    """A variant key: variables replaced by numbered markers in order of occurrence.

    Two terms are variants (equal up to renaming) exactly when their canonical forms are equal.
    """
    if numbering is None:
        numbering = {}
    if type(term) is Var:
        index = numbering.get(term)
        if index is None:
            index = numbering[term] = len(numbering)
        return _marker(index)
    if type(term) is not Term or term.ground:
        return term
    args = []
    for a in term.args:
        t = type(a)
        if t is Var:
            index = numbering.get(a)
            if index is None:
                index = numbering[a] = len(numbering)
            a = _MARKERS[index] if index < len(_MARKERS) else _marker(index)
        elif t is Term and not a.ground:
            a = canonical(a, numbering)
        args.append(a)
    return Term(term.functor, tuple(args), term.location)


_MARKERS: list[Term] = []  # the marker of variable i, shared (terms are immutable)


def _marker(index: int) -> Term:
    while len(_MARKERS) <= index:
        _MARKERS.append(Term(CANONICAL_VAR, (len(_MARKERS),)))
    return _MARKERS[index]

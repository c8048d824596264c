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

A clause is prepared (:class:`PreparedClause`: body flattened, variables listed) when its
predicate is first called, and compiled per head on first use; :class:`PredicateIndex` holds
a predicate's prepared clauses indexed on the first argument of their heads.
"""

from __future__ import annotations

from ..language.program import Clause, ProbabilisticClause
from ..language.terms import TRUE as TRUE_ATOM, Term, TermLike, Var, conjuncts, variables
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


class PreparedClause:
    """A clause with its body flattened and its variables listed once, ready to be renamed."""

    __slots__ = ("clause", "index", "heads", "body", "variables", "instance_variables",
                 "probabilistic", "compiled")

    def __init__(self, clause: Clause | ProbabilisticClause, index: int, local_arguments: dict):
        self.clause = clause
        self.index = index
        self.probabilistic = isinstance(clause, ProbabilisticClause)
        self.heads = clause.head_atoms
        body = [] if clause.body == TRUE_ATOM else conjuncts(clause.body)
        self.body = tuple(body)
        if not body and all(head.ground for head in self.heads):
            # a ground fact (most clauses of a data-heavy program): nothing to walk
            self.variables = self.instance_variables = ()
        else:
            # A variable only in an annotation such as t(_) gets no slot.
            self.variables = tuple(variables(Term("$clause", tuple(self.heads) + self.body)))
            # The variables identifying a ground instance of a probabilistic clause: those of
            # the heads and of the body, except where the body never binds them (`\+ r(X, _)`).
            bound = [t for goal in self.body for t in _binding_parts(goal, local_arguments)]
            self.instance_variables = tuple(variables(Term("$clause", tuple(self.heads) +
                                                           tuple(bound))))
        self.compiled: dict[int, CompiledClause] = {}  # by head index, built on first use


def _binding_parts(goal: TermLike, local_arguments: dict) -> list[TermLike]:
    """The parts of a body goal whose variables solving it may bind."""
    if type(goal) is Term:
        if goal.functor in (",", ";", "->") and len(goal.args) == 2:
            return [t for a in goal.args for t in _binding_parts(a, local_arguments)]
        local = local_arguments.get((goal.functor, len(goal.args)))
        if local is not None:
            return [a for i, a in enumerate(goal.args) if i not in local]
    return [goal]


# Kinds of compiled body goals.
CALL, BUILTIN, IS, COMPARE, GENERAL = range(5)
_COMPARISON_OPS = ("<", ">", "=<", ">=", "=:=", "=\\=")


class CompiledGoal:
    """One body goal: its template and how to run it (see :mod:`.clauses`)."""

    __slots__ = ("kind", "template", "signature", "builtin", "left", "right", "test", "pin")

    def __init__(self, t, builtins: dict, arith: dict):
        self.template = t
        self.signature = self.builtin = self.left = self.right = self.test = self.pin = None
        if type(t) is Term or type(t) is Compound:
            self.signature = signature = (t.functor, len(t.args))
            self.builtin = builtins.get(signature)
        else:  # a variable or a number: solve() decides (an error unless bound to a goal)
            self.kind = GENERAL
            return
        if self.builtin is None:
            self.kind = CALL
            return
        self.kind = BUILTIN
        fast = self.builtin is arith.get(signature)
        if fast and signature == ("is", 2):
            self.right = expression(t.args[1])
            if self.right is not None:
                self.kind, self.left = IS, t.args[0]
        elif fast and signature[1] == 2 and signature[0] in _COMPARISON_OPS:
            left, right = expression(t.args[0]), expression(t.args[1])
            if left is not None and right is not None:
                self.kind, self.left, self.right = COMPARE, left, right
                self.test = comparison(signature[0])


class CompiledClause:
    """A clause (one of its heads) with variables as frame slots: see :mod:`.clauses`."""

    __slots__ = ("size", "head_args", "goals")

    def __init__(self, prepared: PreparedClause, head_index: int, builtins: dict,
                 arith: dict):
        slots = {v: i for i, v in enumerate(prepared.variables)}
        seen: set = set()
        self.size = len(slots)
        self.head_args = tuple(template(a, slots, seen)
                               for a in prepared.heads[head_index].args)
        self.goals = tuple(CompiledGoal(template(g, slots, seen), builtins, arith)
                           for g in prepared.body)
        for goal, after in zip(self.goals, self.goals[1:]):
            if goal.kind is not CALL:
                continue
            if after.kind is IS:
                goal.pin = Pin.of(goal.template, after.left, after.template.args[1])
            elif after.kind is COMPARE and after.template.functor == "=:=":
                left, right = after.template.args
                goal.pin = Pin.of(goal.template, left, right) or \
                    Pin.of(goal.template, right, left)


def _first_arg_key(term: TermLike):
    t = type(term)
    if t is Term:
        return (term.functor, len(term.args))
    if t is Var:
        return None
    return (t, term)


class PredicateIndex:
    """The clauses of one predicate, indexed on the first argument of their head."""

    def __init__(self, entries: list[tuple[PreparedClause, int]]):
        # entries: (clause, which head) in source order
        self.all = entries
        self.by_key: dict[object, list] = {}  # each key's clauses: its own and the open ones
        self.open: list = []  # clauses whose first argument is a variable
        for entry in entries:  # one pass: a key's list starts with the open clauses so far
            prepared, head_index = entry
            head = prepared.heads[head_index]
            own = _first_arg_key(head.args[0]) if head.args else None
            if own is None:
                self.open.append(entry)
                for clauses in self.by_key.values():
                    clauses.append(entry)
            else:
                clauses = self.by_key.get(own)
                if clauses is None:
                    clauses = self.by_key[own] = list(self.open)
                clauses.append(entry)

    def candidates(self, first_arg: TermLike):
        if first_arg is None:
            return self.all
        key = _first_arg_key(first_arg)
        if key is None:
            return self.all
        return self.by_key.get(key, self.open)

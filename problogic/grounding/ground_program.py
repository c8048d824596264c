"""The ground program: the output of grounding, the input of the formula stage.

It is an AND-OR graph over *literals*. A literal is a non-zero int: ``+n`` refers to node
``n``, ``-n`` to its negation. Node 1 is the constant true, so ``TRUE = 1`` and ``FALSE = -1``.

Node kinds:

* ``CHOICE``: ``variable == value`` for a categorical :class:`ChoiceVariable` (one per ground
  probabilistic fact, annotated disjunction instance or, later, neural predicate call);
* ``AND``: all child literals hold;
* ``OR``: some child literal holds. A derived atom is an OR over its ground bodies; it carries
  the atom as its name. ORs may form positive cycles (recursion); the formula stage resolves
  them with least-fixpoint semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import SourceLocation
from ..language.terms import Term

TRUE = 1
FALSE = -1


def sorted_set(literals) -> tuple[int, ...]:
    """``tuple(sorted(set(literals)))``, without the set and the sort for the bodies of one
    or two literals that most ground programs are made of (a third of the cost)."""
    if len(literals) < 2:
        return tuple(literals)
    if len(literals) == 2:
        a, b = literals
        return (a, b) if a < b else (b, a) if b < a else (a,)
    return tuple(sorted(set(literals)))


def contradictory(lits: tuple[int, ...]) -> bool:
    """Whether a :func:`sorted_set` of literals holds a literal and its negation."""
    if len(lits) < 2:
        return False
    return lits[0] == -lits[1] if len(lits) == 2 else not {-lit for lit in lits}.isdisjoint(lits)


CONST, CHOICE, AND, OR = 0, 1, 2, 3


def reachable(kinds, payload, roots: list[int]) -> list[int]:
    """The nodes other than TRUE that the root literals reach (``kinds``/``payload`` indexed
    by node), each once."""
    seen: set[int] = {TRUE}
    order = []
    stack = [abs(r) for r in roots]
    gates = (AND, OR)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        if kinds[node] in gates:
            stack.extend(map(abs, payload[node]))
    return order


@dataclass(frozen=True)
class NeuralCall:
    """A neural predicate's call: network ``network`` applied to ``inputs`` (ground terms,
    e.g. tensor placeholders); value ``k`` of the variable is ``domain[k]`` (nn/4), or true and
    false (nn/2)."""

    network: str
    inputs: tuple
    domain: tuple


@dataclass
class ChoiceVariable:
    """A categorical random variable: one ground probabilistic clause instance.

    ``probabilities[k]`` is the probability of value ``k``; for a probabilistic fact value 0 is
    "true" and value 1 "false"; for an annotated disjunction value ``k < len(heads)`` picks head
    ``k`` and a final extra value is the implicit "none" when the probabilities sum below 1.
    ``annotations`` keeps each value's annotation term (``t(0.3)``, ``nn(...)``, or a number) for
    learning; ``heads`` the ground head atoms (``None`` for "none"/"false").
    """

    probabilities: list[float]
    heads: list[Term | None]
    annotations: list[object]
    location: SourceLocation | None = None
    label: str = ""
    neural: NeuralCall | None = None  # probabilities come from a network at evaluation
    tunable: int | None = None  # index of the t(...) clause whose parameters it shares
    is_fact: bool = False  # a probabilistic fact or annotated disjunction without a body
    decision: bool = False  # ?::head, a decision: its value is set, not drawn (problogic dt)
    # t(...) clause instances: each body (its literals) it was derived with (an ordered set)
    bodies: dict[tuple[int, ...], None] = field(default_factory=dict)

    @property
    def arity(self) -> int:
        return len(self.probabilities)


@dataclass
class GroundProgram:
    kinds: list[int] = field(default_factory=lambda: [CONST, CONST])
    # CHOICE: (variable, value); AND/OR: tuple of child literals.
    payload: list[tuple] = field(default_factory=lambda: [(), ()])
    names: dict[int, Term] = field(default_factory=dict)
    variables: list[ChoiceVariable] = field(default_factory=list)
    queries: list[tuple[Term, int]] = field(default_factory=list)
    evidence: list[tuple[Term, int, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._choice_nodes: dict[tuple[int, int], int] = {}
        self._and_nodes: dict[tuple[int, ...], int] = {}
        self._or_nodes: dict[tuple[int, ...], int] = {}

    def __len__(self) -> int:
        return len(self.kinds) - 1

    def add_variable(self, variable: ChoiceVariable) -> int:
        self.variables.append(variable)
        return len(self.variables) - 1

    def choice(self, variable: int, value: int) -> int:
        key = (variable, value)
        node = self._choice_nodes.get(key)
        if node is None:
            node = self._new(CHOICE, key)
            self._choice_nodes[key] = node
        return node

    def conjunction(self, literals) -> int:
        """A literal for the conjunction of ``literals`` (shared when it already exists)."""
        lits = sorted_set(literals)
        if TRUE in lits:
            lits = tuple(lit for lit in lits if lit != TRUE)
        if FALSE in lits:
            return FALSE
        if not lits:
            return TRUE
        if len(lits) == 1:
            return lits[0]
        if contradictory(lits):
            return FALSE
        node = self._and_nodes.get(lits)
        if node is None:
            node = self._new(AND, lits)
            self._and_nodes[lits] = node
        return node

    def disjunction(self, literals) -> int:
        """A literal for the disjunction of ``literals`` (shared when it already exists, as
        for conjunctions: a recursive component's fixpoint derives the same bodies on every
        pass, and a fresh node per pass would be a new body each time, never a fixpoint)."""
        lits = tuple(dict.fromkeys(lit for lit in literals if lit != FALSE))
        if TRUE in lits:
            return TRUE
        if not lits:
            return FALSE
        if len(lits) == 1:
            return lits[0]
        key = tuple(sorted(lits))
        node = self._or_nodes.get(key)
        if node is None:
            node = self._new(OR, lits)
            self._or_nodes[key] = node
        return node

    def new_or(self, name: Term | None = None) -> int:
        """An OR node whose children are filled in later (a derived atom)."""
        node = self._new(OR, ())
        if name is not None:
            self.names[node] = name
        return node

    def set_children(self, node: int, literals: tuple[int, ...]) -> None:
        self.payload[node] = literals

    def _new(self, kind: int, payload: tuple) -> int:
        self.kinds.append(kind)
        self.payload.append(payload)
        return len(self.kinds) - 1

    def describe(self, literal: int) -> str:
        node = abs(literal)
        sign = "\\+" if literal < 0 else ""
        if node == TRUE:
            return "false" if literal < 0 else "true"
        name = self.names.get(node)
        if name is not None:
            return f"{sign}{name}"
        if self.kinds[node] == CHOICE:
            var, value = self.payload[node]
            head = self.variables[var].heads[value]
            return f"{sign}{head}" if head is not None else f"{sign}choice({var},{value})"
        return f"{sign}node{node}"

"""Hypothesis strategies that generate random ProbLog programs small enough for brute force.

A generated :class:`RandomProgram` is both a data structure (read by tests/bruteforce.py, which
grounds it naively over its finite domain and enumerates its possible worlds) and a ProbLog text
(:meth:`RandomProgram.render`, read by problogic and by ProbLog).

What the programs contain:

* a finite domain of 2 or 3 constants and a deterministic ``dom/1`` fact for each;
* a few predicates of arity 0 or 1, each with a stratum (0, 1 or 2);
* probabilistic facts (repeated facts included), deterministic facts, annotated disjunctions
  as facts (with and without the implicit "none" choice);
* rules with conjunctive bodies, deterministic, probabilistic (``0.5::h(X) :- b(X, Y).``) and
  annotated-disjunction heads, with variables that occur only in the body (a probabilistic
  clause makes one independent choice per full substitution of its variables);
* negation (``\\+`` and ``not/1``), stratified: a body may negate only predicates of a strictly
  lower stratum, while positive literals may use the same stratum (so positive recursion and
  cycles occur); a negated literal's variables are bound by positive literals before it;
* optionally a random directed graph (``edge/2`` facts, self-loops and cycles included) with
  ``path/2`` defined by right, left or double recursion;
* evidence (``evidence(A)``, ``evidence(A, true)``, ``evidence(A, false)``, ``evidence(\\+A)``)
  and ground queries, plus non-ground queries (``query(p(_))``, ``query(path(a, _))``) on
  predicates whose definitions use no negation.

Every probability is a multiple of 1/16, written in decimal (``0.3125``): all of them, their
sums and the products of up to 12 of them are exact in binary floating point, so an annotated
disjunction summing to 1 has exactly no "none" mass, and evidence of probability 0 is exactly 0
in any engine. The number of possible worlds is kept at most 2**12 (:data:`MAX_WORLD_BITS`) by
budgeting every probabilistic clause by the number of its ground instances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from hypothesis import strategies as st

MAX_WORLD_BITS = 12.0
SIXTEENTH = Fraction(1, 16)
CONSTANTS = ("a", "b", "c")
VARIABLES = ("X", "Y", "Z")


def is_variable(arg: str) -> bool:
    return arg[0].isupper() or arg == "_"


@dataclass(frozen=True)
class Atom:
    pred: str
    args: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.pred if not self.args else f"{self.pred}({','.join(self.args)})"

    def variables(self) -> set[str]:
        return {arg for arg in self.args if is_variable(arg)}

    def substitute(self, binding: dict[str, str]) -> Atom:
        return Atom(self.pred, tuple(binding.get(arg, arg) for arg in self.args))


@dataclass(frozen=True)
class Literal:
    atom: Atom
    positive: bool = True
    style: str = "\\+"  # how a negative literal is written: "\\+" or "not"

    def __str__(self) -> str:
        if self.positive:
            return str(self.atom)
        if self.style == "not":
            return f"not({self.atom})"
        return f"\\+ {self.atom}"


@dataclass(frozen=True)
class Clause:
    """``heads :- body``. One head with probability None is a deterministic clause; one head
    with a probability is a probabilistic fact or rule; several heads form an annotated
    disjunction. ``fails`` marks a stub ``h :- fail.`` that only declares the predicate."""

    heads: tuple[tuple[Fraction | None, Atom], ...]
    body: tuple[Literal, ...] = ()
    fails: bool = False

    def variables(self) -> list[str]:
        names: set[str] = set()
        for _, atom in self.heads:
            names |= atom.variables()
        for literal in self.body:
            names |= literal.atom.variables()
        return sorted(names)

    def is_probabilistic(self) -> bool:
        return any(prob is not None for prob, _ in self.heads)

    def render(self) -> str:
        if len(self.heads) == 1 and self.heads[0][0] is None:
            head = str(self.heads[0][1])
        else:
            head = "; ".join(f"{format_probability(p)}::{atom}" for p, atom in self.heads)
        if self.fails:
            return f"{head} :- fail."
        if not self.body:
            return f"{head}."
        return f"{head} :- {', '.join(str(literal) for literal in self.body)}."


@dataclass(frozen=True)
class Evidence:
    atom: Atom
    value: bool
    style: str  # "plain" (evidence(a)), "explicit" (evidence(a, true)), "negated" (evidence(\+a))

    def render(self) -> str:
        if self.style == "explicit":
            return f"evidence({self.atom}, {'true' if self.value else 'false'})."
        if self.value:
            return f"evidence({self.atom})."
        return f"evidence(\\+ {self.atom})." if self.style == "negated" else (
            f"evidence({self.atom}, false)."
        )


@dataclass(repr=False)
class RandomProgram:
    domain: tuple[str, ...]
    arity: dict[str, int]
    stratum: dict[str, int]
    clauses: list[Clause]
    evidence: list[Evidence] = field(default_factory=list)
    queries: list[Atom] = field(default_factory=list)  # "_" arguments: non-ground query

    def render(self) -> str:
        lines = [clause.render() for clause in self.clauses]
        lines += [item.render() for item in self.evidence]
        lines += [f"query({atom})." for atom in self.queries]
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:  # shown by hypothesis when a test fails
        return "RandomProgram(<<<\n" + self.render() + ">>>)"


def format_probability(prob: Fraction) -> str:
    if prob == 0:
        return "0.0"
    if prob == 1:
        return "1.0"
    return repr(float(prob))  # exact: a multiple of 1/16


# ---------------------------------------------------------------------------------------------
# strategies


def _choice_bits(options: int) -> float:
    return math.log2(options) if options > 1 else 0.0


@st.composite
def probabilities(draw, allow_bounds: bool = True) -> Fraction:
    """A probability that is a multiple of 1/16; 0 and 1 now and then."""
    if allow_bounds and draw(st.integers(0, 19)) == 19:
        return Fraction(draw(st.sampled_from([0, 1])))
    return draw(st.integers(1, 15)) * SIXTEENTH


@st.composite
def ad_probabilities(draw, heads: int) -> tuple[list[Fraction], bool]:
    """Probabilities for an annotated disjunction with ``heads`` heads, summing to at most 1;
    returns them and whether an implicit "none" remains."""
    total = draw(st.sampled_from([16, 16, draw(st.integers(heads, 15))]))
    # split `total` sixteenths into `heads` positive parts
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), min_size=heads - 1,
                                max_size=heads - 1, unique=True)))
    bounds = [0, *cuts, total]
    parts = [bounds[i + 1] - bounds[i] for i in range(heads)]
    return [part * SIXTEENTH for part in parts], total < 16


class _Builder:
    """Draws the parts of one program while keeping the world budget."""

    def __init__(self, draw, domain, arity, stratum):
        self.draw = draw
        self.domain = domain
        self.arity = arity
        self.stratum = stratum
        self.bits = 0.0
        self.clauses: list[Clause] = []

    def fits(self, bits: float) -> bool:
        return self.bits + bits <= MAX_WORLD_BITS + 1e-9

    def constant(self) -> str:
        return self.draw(st.sampled_from(self.domain))

    def ground_atom(self, pred: str) -> Atom:
        return Atom(pred, tuple(self.constant() for _ in range(self.arity[pred])))

    def add(self, clause: Clause, bits: float) -> None:
        self.bits += bits
        self.clauses.append(clause)

    def instances(self, clause: Clause) -> int:
        return len(self.domain) ** len(clause.variables())

    def probabilistic_fact(self, preds: list[str]) -> None:
        pred = self.draw(st.sampled_from(preds))
        atom = self.ground_atom(pred)
        if self.fits(1.0) and self.draw(st.integers(0, 5)) < 5:
            self.add(Clause(((self.draw(probabilities()), atom),)), 1.0)
        else:
            self.add(Clause(((None, atom),)), 0.0)

    def ad_fact(self, preds: list[str]) -> None:
        heads = self.draw(st.integers(2, 3))
        atoms = []
        for _ in range(heads):
            atom = self.ground_atom(self.draw(st.sampled_from(preds)))
            if atom not in atoms:
                atoms.append(atom)
        if len(atoms) < 2:
            return
        probs, none = self.draw(ad_probabilities(len(atoms)))
        bits = _choice_bits(len(atoms) + none)
        if self.fits(bits):
            self.add(Clause(tuple(zip(probs, atoms))), bits)

    def body_literal(self, head_stratum: int, variables: tuple[str, ...]) -> Literal:
        """A literal allowed in a body of a clause whose heads are in ``head_stratum``."""
        positive_preds = [p for p in self.arity if p != "dom" and self.stratum[p] <= head_stratum]
        negative_preds = [p for p in self.arity if p != "dom" and self.stratum[p] < head_stratum]
        positive = not negative_preds or self.draw(st.integers(0, 3)) > 0
        pred = self.draw(st.sampled_from(positive_preds if positive else negative_preds))
        args = tuple(
            self.draw(st.sampled_from(variables)) if self.draw(st.booleans()) else self.constant()
            for _ in range(self.arity[pred])
        )
        style = self.draw(st.sampled_from(["\\+", "not"]))
        return Literal(Atom(pred, args), positive, style)

    def rule(self, heads_preds: list[str]) -> None:
        """A rule (deterministic, probabilistic or annotated disjunction) over the domain."""
        kind = self.draw(st.sampled_from(["det", "det", "prob", "ad"]))
        n_heads = self.draw(st.integers(2, 3)) if kind == "ad" else 1
        heads_pred = [self.draw(st.sampled_from(heads_preds))]
        level = self.stratum[heads_pred[0]]
        same_level = [p for p in heads_preds if self.stratum[p] == level]
        heads_pred += [self.draw(st.sampled_from(same_level)) for _ in range(n_heads - 1)]
        variables = VARIABLES[: self.draw(st.integers(1, 2))]
        head_var = variables[0]
        head_atoms = []
        for pred in heads_pred:
            args = tuple(
                head_var if self.draw(st.integers(0, 2)) > 0 else self.constant()
                for _ in range(self.arity[pred])
            )
            if Atom(pred, args) not in head_atoms:
                head_atoms.append(Atom(pred, args))
        body = [self.body_literal(level, variables) for _ in range(self.draw(st.integers(1, 3)))]
        # safety: every variable of the heads occurs positively, and every variable of a
        # negative literal in a positive literal before it (ProbLog reads \+ p(X) with X
        # free as "no p(_)", the brute-force reference per value of X: they differ)
        positive_vars: set[str] = set()
        needed: set[str] = set()
        for literal in body:
            if literal.positive:
                positive_vars |= literal.atom.variables()
            else:
                needed |= literal.atom.variables() - positive_vars
        for atom in head_atoms:
            needed |= atom.variables() - positive_vars
        body = [Literal(Atom("dom", (var,))) for var in sorted(needed)] + body
        if kind == "ad" and len(head_atoms) >= 2:
            probs, none = self.draw(ad_probabilities(len(head_atoms)))
            heads = tuple(zip(probs, head_atoms))
            per_instance = _choice_bits(len(head_atoms) + none)
        elif kind == "prob":
            heads = ((self.draw(probabilities(allow_bounds=False)), head_atoms[0]),)
            per_instance = 1.0
        else:
            heads = ((None, head_atoms[0]),)
            per_instance = 0.0
        clause = Clause(heads, tuple(body))
        bits = per_instance * self.instances(clause)
        if not self.fits(bits):
            clause = Clause(((None, head_atoms[0]),), tuple(body))
            bits = 0.0
        self.add(clause, bits)


def _graph_clauses(style: str) -> list[Clause]:
    """path/2 over edge/2, written with right, left or double recursion."""
    edge = lambda x, y: Literal(Atom("edge", (x, y)))  # noqa: E731
    path = lambda x, y: Literal(Atom("path", (x, y)))  # noqa: E731
    head = Atom("path", ("X", "Y"))
    second = {
        "right": (edge("X", "Z"), path("Z", "Y")),
        "left": (path("X", "Z"), edge("Z", "Y")),
        "double": (path("X", "Z"), path("Z", "Y")),
    }[style]
    return [Clause(((None, head),), (edge("X", "Y"),)), Clause(((None, head),), second)]


def negation_free(program_clauses: list[Clause], pred: str) -> bool:
    """True when no clause that ``pred`` depends on (transitively) has a negative literal."""
    seen, todo = set(), [pred]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for clause in program_clauses:
            if any(atom.pred == current for _, atom in clause.heads):
                for literal in clause.body:
                    if not literal.positive:
                        return False
                    todo.append(literal.atom.pred)
    return True


@st.composite
def random_programs(draw, allow_evidence: bool = True) -> RandomProgram:
    """A random stratified ProbLog program with at most 2**12 possible worlds."""
    domain = CONSTANTS[: draw(st.integers(2, 3))]
    n_preds = draw(st.integers(2, 5))
    arity = {f"p{i}": draw(st.integers(0, 1)) for i in range(n_preds)}
    stratum = {name: draw(st.integers(0, 2)) for name in arity}
    arity["dom"] = 1
    stratum["dom"] = 0
    graph = draw(st.integers(0, 9)) < 4
    if graph:
        arity.update(edge=2, path=2)
        stratum.update(edge=0, path=draw(st.integers(0, 1)))
    builder = _Builder(draw, domain, arity, stratum)

    for constant in domain:
        builder.add(Clause(((None, Atom("dom", (constant,))),)), 0.0)
    plain = [p for p in arity if p[0] == "p" and p[1:].isdigit()]
    if graph:
        for _ in range(draw(st.integers(2, 6))):
            builder.probabilistic_fact(["edge"])
        for clause in _graph_clauses(draw(st.sampled_from(["right", "left", "double"]))):
            builder.add(clause, 0.0)
    for _ in range(draw(st.integers(1, 5))):
        builder.probabilistic_fact(plain)
    for _ in range(draw(st.integers(0, 2))):
        builder.ad_fact(plain)
    for _ in range(draw(st.integers(1, 5))):
        builder.rule(plain)

    clauses = builder.clauses
    # every predicate needs a clause, or calling it is an unknown-predicate error
    defined = {atom.pred for clause in clauses for _, atom in clause.heads}
    for pred in sorted(set(arity) - defined):
        head = Atom(pred, ("_",) * arity[pred])
        clauses.append(Clause(((None, head),), fails=True))

    atoms = [Atom(p, args) for p in arity if p != "dom"
             for args in _tuples(domain, arity[p])]
    # atoms that some clause can conclude: evidence on them is seldom impossible
    heads = sorted(
        {
            atom.substitute(dict(zip(clause.variables(), values)))
            for clause in clauses
            if not clause.fails
            for _, atom in clause.heads
            if atom.pred != "dom"
            for values in _tuples(domain, len(clause.variables()))
        },
        key=str,
    ) or atoms
    queries = draw(st.lists(st.sampled_from(atoms), min_size=1, max_size=3, unique=True))
    open_preds = [p for p in arity if p not in ("dom", "edge") and arity[p] > 0
                  and negation_free(clauses, p)]
    if open_preds and draw(st.integers(0, 3)) == 0:
        pred = draw(st.sampled_from(open_preds))
        if arity[pred] == 1:
            queries.append(Atom(pred, ("_",)))
        else:
            queries.append(Atom(pred, (draw(st.sampled_from([*domain, "_"])), "_")))
    evidence = []
    if allow_evidence and draw(st.integers(0, 9)) < 6:
        for atom in draw(st.lists(st.sampled_from(heads), min_size=1, max_size=3, unique=True)):
            value = draw(st.integers(0, 2)) < 2
            style = draw(st.sampled_from(["plain", "explicit", "negated"]))
            evidence.append(Evidence(atom, value, style))
    return RandomProgram(domain, arity, stratum, clauses, evidence, queries)


def _tuples(domain, n):
    if n == 0:
        return [()]
    return [(x, *rest) for x in domain for rest in _tuples(domain, n - 1)]

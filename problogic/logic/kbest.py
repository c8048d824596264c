"""k-best proofs: a lower bound of a query's probability from its k most probable proofs.

For a program whose exact circuit is too large, :class:`KBest` keeps, per query, the ``k``
most probable *proofs* (explanations) and compiles only their disjunction, exactly, with the
ordinary stages: the :class:`~problogic.logic.formula.Formula` of the ground program is
rewritten into a smaller formula (:func:`kbest_formula`), whose roots are DNFs over the same
choice variables, and that formula goes through ``compile`` and ``evaluate`` as any other.

A proof is a consistent partial assignment of choice variables (``variable == value``) that
makes the query true whatever the other variables are: one derivation of it, read off the
formula with negation pushed down to the choices (``\\+ (a, b)`` is ``\\+ a ; \\+ b``, and the
negation of ``v == k`` is ``v == j`` for some other value ``j``). Its probability is the
product of its assignments' probabilities. Proofs come out of a uniform-cost (best-first)
search in order of non-increasing probability, ties broken by a fixed rule, so the k best
proofs of ``k + 1`` include those of ``k``; a proof subsumed by a better one (a superset of
its assignments) adds nothing and is skipped.

Error behaviour (what the tests check on random programs):

* without evidence, the result is a **lower bound** of the exact ``P(query)``: every kept
  proof implies the query, so their disjunction does;
* it is **monotone** in ``k``: more proofs, a larger disjunction;
* it is **exact** once ``k`` reaches the number of proofs (``complete`` says so);
* with evidence, the result is ``L(query & evidence) / (1 - L(not evidence))``, where ``L`` is
  the k-best lower bound: a lower bound of ``P(query | evidence)`` that is also monotone in
  ``k`` and exact once both searches are complete.

The search is exponential in the worst case (so is the number of proofs); it stops after
``k`` proofs per root and after ``Limits.max_ground_size`` search states.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from ..errors import LimitExceededError
from ..grounding.ground_program import AND, CHOICE, FALSE, OR, TRUE
from ..language.terms import Term
from ..limits import Deadline, Limits
from .formula import Formula, _variable_order

Proof = frozenset  # of (variable, value) pairs


@dataclass(frozen=True)
class KBest:
    """Approximate each query by its ``k`` most probable proofs (a lower bound; see the module
    documentation for the error behaviour).

    >>> import problogic as pl
    >>> from problogic.logic.kbest import KBest
    >>> prog = pl.Program.from_string("0.5::a. 0.4::b. q :- a. q :- b. query(q).")
    >>> prog.evaluate(approximation=KBest(1))      # only the proof {a}
    {'q': 0.5}
    >>> prog.evaluate(approximation=KBest(2))      # both proofs: exact
    {'q': 0.7}
    """

    k: int

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1:
            raise ValueError(f"KBest needs a positive integer k, got {self.k!r}")


@dataclass
class ProofSearch:
    """The proofs found for one root, best first, and whether the search found them all."""

    proofs: list[Proof]
    probabilities: list[float]
    complete: bool


@dataclass
class KBestFormula:
    """The rewritten formula: one query per original query (its kept proofs of ``query and
    evidence``), then, when there is evidence, one root for the kept proofs of ``not
    evidence``. ``searches`` holds the proof search of each of those roots."""

    formula: Formula
    queries: list[Term]
    has_evidence: bool
    searches: list[ProofSearch] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every search found every proof: the answers are exact."""
        return all(s.complete for s in self.searches)


def best_proofs(formula: Formula, alternatives: list[tuple[int, ...]], k: int, *,
                max_states: int = 5_000_000, deadline: Deadline | None = None,
                probabilities: list[list[float]] | None = None) -> ProofSearch:
    """The ``k`` most probable proofs of the disjunction of ``alternatives`` (each a
    conjunction of formula literals), best first.

    A search state is a partial assignment and the literals still to prove; its priority is
    the probability of the assignment, which never grows as literals are proved, so proofs
    leave the queue in non-increasing order of probability (uniform-cost search). Ties go to
    the state created last (depth first), which makes the order independent of ``k``.
    ``probabilities``: each variable's, in place of the formula's own (network outputs).
    """
    deadline = deadline or Deadline(None)
    if probabilities is None:
        probabilities = [v.probabilities for v in formula.variables]
    kinds, payload = formula.kinds, formula.payload
    queue: list[tuple[float, int, dict[int, int], tuple[int, ...]]] = []
    counter = 0
    # States already queued, as (assignment, set of pending literals): one reached again by
    # another path (a shared subformula, the branches of a negated disjunction) has the same
    # priority and the same proofs. Without this, a search with no proof to find (evidence
    # of probability 0) explored millions of copies of a few states on a ten-clause program.
    queued: set[tuple[frozenset, frozenset]] = set()

    def push(probability: float, assignment: dict[int, int], pending: tuple[int, ...]):
        nonlocal counter
        if probability > 0.0:
            # choice literals the assignment decides: dropped when they hold, the state
            # when one fails (so that equal states compare equal)
            kept = []
            for lit in pending:
                node = abs(lit)
                if kinds.get(node) == CHOICE:
                    var, value = payload[node]
                    held = assignment.get(var)
                    if held is not None:
                        if (held == value) != (lit > 0):
                            return
                        continue
                kept.append(lit)
            pending = tuple(kept)
            state = (frozenset(assignment.items()), frozenset(pending))
            if state in queued:
                return
            queued.add(state)
            counter += 1
            if counter > max_states:
                raise LimitExceededError(
                    f"k-best search exceeds {max_states} states (lower k, or raise "
                    "--max-ground-size)")
            heapq.heappush(queue, (-probability, -counter, assignment, pending))

    for conjunction in alternatives:
        push(1.0, {}, tuple(conjunction))
    proofs: list[Proof] = []
    found: list[float] = []
    while queue and len(proofs) < k:
        negative, _, assignment, pending = heapq.heappop(queue)
        probability = -negative
        deadline.check("k-best proof search")
        # Prove literals that need no branching in place; stop at the first that branches.
        while pending:
            lit, rest = pending[0], pending[1:]
            node = abs(lit)
            if lit == TRUE:
                pending = rest
                continue
            if lit == FALSE:
                break
            kind = kinds[node]
            if kind == CHOICE:
                var, value = payload[node]
                held = assignment.get(var)
                if held is not None:
                    if (held == value) != (lit > 0):
                        break  # contradicts the assignment: no proof down this path
                    pending = rest
                    continue
                if lit > 0:
                    assignment = {**assignment, var: value}
                    p = probabilities[var][value]
                    if p == 1.0:
                        pending = rest
                        continue
                    push(probability * p, assignment, rest)  # requeued at its new priority
                    break
                for other, p in enumerate(probabilities[var]):  # v != value: some other value
                    if other != value:
                        push(probability * p, {**assignment, var: other}, rest)
                break
            conjunctive = (kind == AND) == (lit > 0)
            children = payload[node] if lit > 0 else tuple(-c for c in payload[node])
            if lit in rest:  # a shared subformula: proved once, or a state would equal
                rest = tuple(other for other in rest if other != lit)  # its own parent
            if conjunctive:
                pending = children + rest
                continue
            for child in reversed(children):  # so that the first child is popped first
                push(probability, assignment, (child,) + rest)
            break
        else:
            if probability > 0.0:
                proof = frozenset(assignment.items())
                if not any(p <= proof for p in proofs):  # new, and not subsumed
                    proofs.append(proof)
                    found.append(probability)
        # after a break: the state branched (its children are queued) or failed
    return ProofSearch(proofs, found, complete=not queue)


def kbest_formula(formula: Formula, k: int, limits: Limits | None = None,
                  deadline: Deadline | None = None,
                  probabilities: list[list[float]] | None = None) -> KBestFormula:
    """Rewrite ``formula`` into the disjunctions of the k best proofs of each query (and of
    the negated evidence), over the same choice variables; compile it as any formula.
    ``probabilities`` rank the proofs in place of the variables' own (see
    :func:`best_proofs`)."""
    limits = limits or Limits()
    required = tuple(lit if value else -lit for _, lit, value in formula.evidence)
    builder = _DNFBuilder(formula)
    queries, searches = [], []
    for term, lit in formula.queries:
        search = best_proofs(formula, [(lit,) + required], k,
                             max_states=limits.max_ground_size, deadline=deadline,
                             probabilities=probabilities)
        queries.append((term, builder.disjunction(search.proofs)))
        searches.append(search)
    if required:
        search = best_proofs(formula, [(-lit,) for lit in required], k,
                             max_states=limits.max_ground_size, deadline=deadline,
                             probabilities=probabilities)
        queries.append((Term("$not_evidence"), builder.disjunction(search.proofs)))
        searches.append(search)
    rewritten = Formula(builder.kinds, builder.payload, formula.variables, builder.order,
                        queries, [])
    rewritten.variable_order = _variable_order(rewritten)
    return KBestFormula(rewritten, [t for t, _ in formula.queries], bool(required), searches)


class _DNFBuilder:
    """Formula nodes for disjunctions of proofs; choice nodes keep their original ids (they
    are shared by every proof), new AND/OR nodes get fresh ids above the original ones."""

    def __init__(self, formula: Formula):
        self.kinds: dict[int, int] = {}
        self.payload: dict[int, tuple] = {}
        self.order: list[int] = []
        self.choice_of = {payload: node for node, payload in formula.payload.items()
                          if formula.kinds[node] == CHOICE}
        self.next_id = max(formula.kinds, default=1) + 1

    def _new(self, kind: int, payload: tuple, node: int | None = None) -> int:
        if node is None:
            node, self.next_id = self.next_id, self.next_id + 1
        self.kinds[node], self.payload[node] = kind, payload
        self.order.append(node)
        return node

    def choice(self, var: int, value: int) -> int:
        node = self.choice_of.get((var, value))
        if node is None:  # a value reached only through a negation: a node of its own
            node = self._new(CHOICE, (var, value))
            self.choice_of[(var, value)] = node
        elif node not in self.kinds:
            self._new(CHOICE, (var, value), node)
        return node

    def disjunction(self, proofs: list[Proof]) -> int:
        if any(not proof for proof in proofs):
            return TRUE  # the empty proof: the root always holds
        terms = []
        for proof in proofs:
            literals = tuple(self.choice(var, value) for var, value in sorted(proof))
            terms.append(literals[0] if len(literals) == 1 else self._new(AND, literals))
        if not terms:
            return FALSE
        return terms[0] if len(terms) == 1 else self._new(OR, tuple(terms))

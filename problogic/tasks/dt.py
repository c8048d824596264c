"""Decision-theoretic ProbLog: the truth values of the decisions (``?::umbrella.``) that
maximise the expected utility, as ``problog dt`` finds them.

Utilities are the answers of ``utility(Atom, Value)`` (facts or rules; ``Atom`` may be
``\\+A``); the expected utility of a strategy (a truth value per decision) is
``sum Value * P(Atom | strategy, evidence)``. The atoms are grounded and compiled once, with
the decisions as free variables; every strategy is then an assignment of their weights (1 for
the chosen value, 0 for the other), and strategies are evaluated many at a time, as a batch
of weight vectors over the same diagrams (:class:`~problogic.compile.arrays.DiagramArrays`).

``search="exhaustive"`` (the default) tries every strategy in ProbLog's order (the first
decision is the most significant bit, all false first) and keeps the first best;
``search="local"`` is ProbLog's greedy search: it starts from the decisions with a positive
utility of their own, flips each decision in turn while that improves the score, and stops
when a whole round of flips improves nothing.

Two differences from ProbLog: without decisions the score is the expected utility (ProbLog
says 0), and a strategy that makes the evidence impossible is passed over (ProbLog raises an
error when it meets one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..compile.arrays import DiagramArrays, weight_layout
from ..compile.compiler import compile_roots
from ..errors import GroundingError, InconsistentEvidenceError, LimitExceededError
from ..grounding.arithmetic import evaluate as evaluate_arithmetic
from ..grounding.engine import Grounder, ground_with
from ..grounding.queries import declared
from ..language.printing import format_term
from ..language.program import Program as ParsedProgram
from ..language.terms import Term, Var, is_number
from ..limits import Deadline, Limits
from ..logic.formula import build_formula

SEARCHES = ("exhaustive", "local")
MAX_EXHAUSTIVE = 20  # decisions: 2^20 strategies at most, else the local search
BATCH_CELLS = 4_000_000  # strategies x diagram rows evaluated in one numpy pass


@dataclass
class Strategy:
    """The best strategy found: each decision atom (as ProbLog writes it) with its truth value
    (1 or 0), the expected utility, and how many strategies were evaluated."""

    decisions: dict[str, int]
    score: float
    evaluated: int


def best_strategy(program: ParsedProgram, search: str = "exhaustive",
                  limits: Limits | None = None) -> Strategy:
    """The strategy with the highest expected utility (see the module doc)."""
    from ..pipeline import with_library

    if search not in SEARCHES:
        raise ValueError(f"search = {search!r}: expected one of {', '.join(SEARCHES)}")
    limits = limits or Limits()
    deadline = Deadline(limits.timeout)
    grounder = Grounder(with_library(program), limits, deadline)
    grounder.run_directives()
    utilities = _utilities(grounder)
    atoms = list(dict.fromkeys(atom for atom, _, _ in utilities))
    ground = ground_with(grounder, atoms, False, run_directives=False)
    literal = {answer: lit for answer, lit in ground.queries}
    decisions = [var for var, v in enumerate(ground.variables) if v.decision]
    layout = _DecisionLayout([ground.variables[var] for var in decisions])
    if search == "exhaustive" and layout.columns > MAX_EXHAUSTIVE:
        raise LimitExceededError(
            f"{layout.columns} decisions make 2^{layout.columns} strategies: use the local "
            "search (--search local)")
    ground.queries = [(atom, literal[atom]) for atom in atoms]
    formula = build_formula(ground, limits, deadline)
    compiled = compile_roots(formula, limits, deadline)
    decision_slot = dict(zip(decisions, layout.starts))
    slots, constants = weight_layout(compiled.order, formula.variables, decision_slot.get,
                                     len(layout.sources))
    arrays = DiagramArrays(compiled.manager, [compiled.evidence] + compiled.queries, slots)
    values = {atom: i for i, atom in enumerate(atoms)}
    gains = np.zeros(len(atoms))
    losses = np.zeros(len(atoms))  # the utilities of \+atom, paid when the atom is false
    for atom, negated, value in utilities:
        (losses if negated else gains)[values[atom]] += value
    scorer = _Scorer(arrays, constants, gains, losses, layout, deadline)
    if search == "exhaustive":
        chosen, score, evaluated = _exhaustive(scorer, layout)
    else:
        own = {format_term(atom): value for atom, negated, value in utilities if not negated}
        chosen, score, evaluated = _local(scorer, layout, layout.start(own))
    if score == -math.inf:
        raise InconsistentEvidenceError("the evidence is inconsistent under every strategy")
    return Strategy(dict(zip(layout.names, chosen)), score, evaluated)


class _DecisionLayout:
    """A strategy is a row of 0/1 over the decision atoms (ProbLog's decisions, each head of
    an annotated disjunction of decisions one of them); the decision variables' weights are
    read off it: a decision ``?::h`` has the weights (true, false) = (s, 1 - s), a disjunction
    ``?::h1; ?::h2`` one weight per head, valid when exactly one is 1."""

    def __init__(self, variables):
        self.names: list[str] = []
        self.starts: list[int] = []  # each decision variable's first weight slot
        sources, complemented = [], []  # per weight slot: the column it reads, 1 - it?
        self.groups: list[range] = []  # the columns of each disjunction of decisions
        for variable in variables:
            column = len(self.names)
            self.starts.append(len(sources))
            heads = [h for h in variable.heads if h is not None]
            self.names += [format_term(h) for h in heads]
            if len(heads) == 1:
                sources += [column, column]
                complemented += [False, True]
            else:
                sources += range(column, column + len(heads))
                complemented += [False] * len(heads)
                self.groups.append(range(column, column + len(heads)))
        self.columns = len(self.names)
        self.sources = np.array(sources, dtype=np.int64)
        self.complemented = np.array(complemented, dtype=bool)
        self.group_of = {c: g for g in self.groups for c in g}

    def weights(self, strategies: np.ndarray) -> np.ndarray:
        w = strategies[:, self.sources].astype(np.float64)
        w[:, self.complemented] = 1.0 - w[:, self.complemented]
        return w

    def valid(self, strategies: np.ndarray) -> np.ndarray:
        ok = np.ones(len(strategies), dtype=bool)
        for g in self.groups:
            ok &= strategies[:, g.start:g.stop].sum(axis=1) == 1
        return ok

    def start(self, own: dict[str, float]) -> list[int]:
        """ProbLog's start of the local search: the decisions with a positive utility of
        their own (in a disjunction, the first such head, else its first head)."""
        row = [1 if own.get(name, 0.0) > 0 else 0 for name in self.names]
        for g in self.groups:
            first = next((c for c in g if row[c]), g.start)
            for c in g:
                row[c] = int(c == first)
        return row

    def moved(self, row: list[int], column: int) -> list[int] | None:
        """``row`` with ``column`` flipped (a decision) or chosen (a head of a disjunction;
        None when it already is)."""
        g = self.group_of.get(column)
        out = list(row)
        if g is None:
            out[column] = 1 - out[column]
            return out
        if row[column]:
            return None
        for c in g:
            out[c] = int(c == column)
        return out


def _utilities(grounder: Grounder) -> list[tuple[Term, bool, float]]:
    """(atom, negated, value) per answer of ``utility/2``."""
    out = []
    for declaration in declared(grounder, Term("utility", (Var("U"), Var("V")))):
        atom, value = declaration.args
        location = declaration.location or grounder.location_hint()
        negated = isinstance(atom, Term) and atom.functor in ("\\+", "not") and atom.arity == 1
        if negated:
            atom = atom.args[0]
        if not isinstance(atom, Term) or not atom.ground:
            raise GroundingError(f"utility of {format_term(atom)}: not a ground atom", location)
        number = value if is_number(value) else evaluate_arithmetic(value, location)
        out.append((atom, negated, float(number)))
    return out


class _Scorer:
    """Expected utilities of strategies (rows of 0/1 per decision atom), many per numpy pass;
    a row that is not a strategy (see :meth:`_DecisionLayout.valid`) scores -inf."""

    def __init__(self, arrays: DiagramArrays, constants: np.ndarray, gains: np.ndarray,
                 losses: np.ndarray, layout: _DecisionLayout, deadline: Deadline):
        self.arrays, self.gains, self.losses, self.deadline = arrays, gains, losses, deadline
        self.layout = layout
        with np.errstate(divide="ignore"):
            self.log_constants = np.log(constants)
        self.batch = max(1, BATCH_CELLS // arrays.size)
        self.evaluated = 0

    def scores(self, strategies: np.ndarray) -> np.ndarray:
        out = []
        for start in range(0, len(strategies), self.batch):
            self.deadline.check_now("decision search")
            chunk = strategies[start:start + self.batch]
            with np.errstate(divide="ignore"):
                log_weights = np.concatenate(
                    [np.log(self.layout.weights(chunk)),
                     np.broadcast_to(self.log_constants, (len(chunk), len(self.log_constants)))],
                    axis=1)
            roots = self.arrays.log_values(log_weights)[:, self.arrays.roots]
            evidence = roots[:, :1]
            with np.errstate(invalid="ignore"):
                truth = np.exp(roots[:, 1:] - evidence)  # P(atom | strategy, evidence)
                score = truth @ self.gains + (1.0 - truth) @ self.losses
            ok = np.isfinite(evidence[:, 0]) & self.layout.valid(chunk)
            out.append(np.where(ok, score, -math.inf))
        self.evaluated += len(strategies)
        return np.concatenate(out) if out else np.zeros(0)


def _exhaustive(scorer: _Scorer, layout: _DecisionLayout) -> tuple[list[int], float, int]:
    """Every strategy in ProbLog's order (the first decision the most significant bit, all
    false first; a disjunction's heads first to last), keeping the first best."""
    count = layout.columns
    best, best_score = None, -math.inf
    block = 1 << max(0, min(count, 16))
    shifts = np.arange(count - 1, -1, -1)
    for start in range(0, 1 << count, block):
        numbers = np.arange(start, min(start + block, 1 << count))
        strategies = (numbers[:, None] >> shifts) & 1
        for g in layout.groups:  # a disjunction's heads in their written order, as ProbLog
            strategies[:, g.start:g.stop] = strategies[:, g.start:g.stop][:, ::-1]
        strategies = strategies[layout.valid(strategies)]
        if not len(strategies):
            continue
        scores = scorer.scores(strategies)
        i = int(np.argmax(scores))
        if best is None or scores[i] > best_score:
            best, best_score = strategies[i].tolist(), float(scores[i])
    return best or [], best_score, scorer.evaluated


def _local(scorer: _Scorer, layout: _DecisionLayout, start: list[int]
           ) -> tuple[list[int], float, int]:
    """ProbLog's greedy search: change one decision at a time while that improves the score,
    until a whole round improves nothing."""
    chosen = list(start)
    best = float(scorer.scores(np.array([chosen]))[0])
    last = None  # the last decision atom whose change improved the score
    while True:
        for i in range(len(chosen)):
            if last == i:
                return chosen, best, scorer.evaluated
            candidate = layout.moved(chosen, i)
            if candidate is None:
                continue
            score = float(scorer.scores(np.array([candidate]))[0])
            if score > best:
                best, last, chosen = score, i, candidate
        if last is None:
            return chosen, best, scorer.evaluated


__all__ = ["SEARCHES", "Strategy", "best_strategy"]

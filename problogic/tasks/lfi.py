"""Learning from interpretations: the probabilities of a program's ``t(...)`` clauses fitted to
partial observations by expectation maximisation, as ``problog lfi`` does.

An example is a set of evidence (``evidence(atom, true).``, ``evidence(atom).``, ...); in an
examples file, lines starting with ``---`` separate the examples. Each distinct example is
grounded and compiled once, with one diagram per value of each ``t(...)`` clause instance the
evidence reaches: "this instance took value k and its body held", conjoined with the evidence.
Each iteration then evaluates those diagrams at the current parameters (E step) and sets each
learnable value to its expected count over the expected count of its clause's instances whose
bodies held (M step), tied across the ground instances of a clause:

    p_k = R * sum_e sum_i P(value k, body_i | e) / sum_e sum_i sum_{j free} P(value j, body_i | e)

where the free values are the learnable heads and the implicit "none", and R is what the fixed
heads of an annotated disjunction leave (1 when there are none). For a probabilistic fact or
rule this is ProbLog's update, P(fact and body | e) / P(body | e) summed over the examples,
including its details: identical examples count with their multiplicity, a posterior below
1e-6 counts as 0, and a value no example says anything about keeps its current value. The
iterations stop when no probability changes by more than ``min_change`` in an iteration, or
after ``max_iterations``.

Two differences. ProbLog stops when the sum of the logarithms of the learned values changes
by at most its ``min_improv``; that sum also stalls while EM still moves parameters that
trade off against each other (two probabilities whose product the examples fix), so ProbLog
can stop far from the optimum. And ProbLog treats the learnable heads of an annotated disjunction as exhaustive
(it rescales them to sum to 1 and ignores the examples where none of them holds); here the
implicit "none" is learned like the heads, so the two agree where the examples make one head
true each time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..compile import mdd
from ..compile.compiler import compile_roots
from ..errors import ParseError, ProgramError, SourceLocation
from ..grounding.engine import ground_program
from ..grounding.ground_program import TRUE, GroundProgram
from ..grounding.probabilistic import _is_tunable, tunable_initial
from ..language.parser import parse_program
from ..language.printing import format_term
from ..language.program import ProbabilisticClause
from ..language.program import Program as ParsedProgram
from ..language.terms import Term, Var
from ..limits import Deadline, Limits
from ..logic.formula import build_formula

SEPARATOR = "---"  # a line starting with it ends an example
NEGLIGIBLE_POSTERIOR = 1e-6  # a posterior below this counts as 0 (as ProbLog's lfi)
UNDETERMINED = 1e-15  # expected counts at most this are 0 (as ProbLog's lfi)
TINY_EVIDENCE = 1e-250  # below this, P(evidence) is computed from logarithms
BODY = -1  # the target "the instance's body held"


@dataclass
class Example:
    """One interpretation: its evidence clauses, where it starts in its file, and how many
    examples in the data are identical to it."""

    program: ParsedProgram
    location: SourceLocation
    key: tuple
    count: int = 1


@dataclass
class LearnedParameter:
    """One learnable annotation: ``name`` as ``problog lfi`` writes it (``t(_)::a(X)``)."""

    name: str
    value: float


@dataclass
class LearningResult:
    """What learning found: the log-likelihood of the examples at the learned parameters, each
    learnable annotation's value in source order, the EM iterations run, where the examples
    start that were ignored because their evidence had probability 0, and the program with
    each ``t(...)`` replaced by its value."""

    log_likelihood: float
    parameters: list[LearnedParameter]
    iterations: int
    ignored: list[SourceLocation] = field(default_factory=list)
    model: str = ""


def read_examples(text: str, file: str | None = None) -> list[Example]:
    """The examples of an examples file: evidence clauses, ``---`` lines between examples.
    Identical examples are merged into one with a count; examples without clauses are
    dropped."""
    lines = text.splitlines(keepends=True)
    examples: dict[tuple, Example] = {}
    start = 0
    for end in [i for i, line in enumerate(lines) if line.strip().startswith(SEPARATOR)] + \
            [len(lines)]:
        chunk = "".join(lines[start:end])
        if chunk.strip():
            # blank lines before the chunk keep the parser's line numbers right
            program = parse_program("\n" * start + chunk, file)
            if any(isinstance(c, ProbabilisticClause) for c in program.clauses):
                clause = next(c for c in program.clauses if isinstance(c, ProbabilisticClause))
                raise ParseError("an example holds evidence, not probabilistic clauses",
                                 clause.location)
            if program.clauses or program.directives:
                key = tuple(repr(c.head) + ":-" + repr(c.body) for c in program.clauses)
                if key in examples:
                    examples[key].count += 1
                else:
                    examples[key] = Example(program, SourceLocation(start + 1, 1, file), key)
        start = end + 1
    return list(examples.values())


@dataclass
class _Parameters:
    """The learnable clauses: per clause index, its values' probabilities (the heads, then
    "none"), which values are learned, and its annotations for printing."""

    values: dict[int, list[float]]
    free: dict[int, list[int]]
    names: list[tuple[int, int, str]]  # (clause index, head index, name) per annotation
    spans: list[tuple[int, int, int]]  # (clause index, head index, offset) per annotation


def _parameters(model: ParsedProgram) -> _Parameters:
    values, free, names = {}, {}, []
    for index, clause in enumerate(model.clauses):
        if not isinstance(clause, ProbabilisticClause):
            continue
        annotations = [a for a, _ in clause.heads]
        if not any(_is_tunable(a) for a in annotations):
            continue
        values[index] = tunable_initial(annotations, clause.location)
        learnable = [k for k, a in enumerate(annotations) if _is_tunable(a)]
        free[index] = learnable + [len(annotations)]  # and "none"
        names += [(index, k, f"{format_term(annotations[k])}::{format_term(clause.heads[k][1])}")
                  for k in learnable]
    return _Parameters(values, free, names, [])


@dataclass
class _CompiledExample:
    """An example's diagrams: its evidence, then per (clause, value) the diagrams of "an
    instance took the value and its body held" conjoined with the evidence."""

    count: int
    location: SourceLocation
    manager: mdd.MDDManager
    roots: list[int]
    nodes: list[int]  # children first, for evaluation
    level_weights: list  # per level: a clause index (learned) or fixed probabilities
    targets: list[tuple[int, int]]  # (clause index, value) of roots[1:]


def _compile_example(model: ParsedProgram, example: Example, learnable: set[int],
                     limits: Limits, deadline: Deadline) -> _CompiledExample | None:
    from ..pipeline import with_library

    combined = ParsedProgram(list(model.clauses) + list(example.program.clauses),
                             list(model.directives) + list(example.program.directives),
                             model.source_name)
    ground = ground_program(with_library(combined), limits, deadline, goals=[])
    if not ground.evidence:
        return None
    targets = _add_targets(ground, learnable)
    formula = build_formula(ground, limits, deadline)
    neural = [v for v in formula.variables if v.neural is not None]
    if neural:
        raise ProgramError("learning from interpretations takes plain probabilities, not "
                           "neural predicates (train those with problogic.Model)",
                           neural[0].location)
    compiled = compile_roots(formula, limits, deadline)
    level_weights = []
    for var in compiled.order:
        variable = formula.variables[var]
        level_weights.append(variable.tunable if variable.tunable in learnable
                             else variable.probabilities)
    roots = [compiled.evidence] + compiled.queries
    return _CompiledExample(example.count, example.location, compiled.manager, roots,
                            mdd.evaluation_order(compiled.manager, roots), level_weights,
                            targets)


def _add_targets(ground: GroundProgram, learnable: set[int]) -> list[tuple[int, int]]:
    """Add queries for each learnable clause instance that grounding the example met: its
    body held (value ``BODY``), and it took head k and its body held, for each head k.
    Returns (clause index, value) per query. (An instance the evidence does not depend on
    counts with its prior, as in ProbLog.)"""
    reached = [var for var, variable in enumerate(ground.variables)
               if variable.tunable in learnable]
    targets = []
    for var in reached:
        variable = ground.variables[var]
        body = ground.disjunction(ground.conjunction(b) for b in variable.bodies) \
            if variable.bodies else TRUE
        ground.queries.append((Term("$lfi"), body))
        targets.append((variable.tunable, BODY))
        for value in range(variable.arity - 1):  # the heads; the last value is "none"
            ground.queries.append((Term("$lfi"), ground.conjunction([ground.choice(var, value),
                                                                     body])))
            targets.append((variable.tunable, value))
    return targets


class _Learner:
    def __init__(self, parameters: _Parameters, examples: list[_CompiledExample]):
        self.parameters = parameters
        self.examples = examples
        self.ignored: dict[SourceLocation, None] = {}

    def _posteriors(self, example: _CompiledExample) -> tuple[float, list[float]] | None:
        """log P(evidence) and P(target | evidence) per target; None when P(evidence) = 0."""
        values = self.parameters.values
        weights = [values[w] if isinstance(w, int) else w for w in example.level_weights]
        counts = mdd.probabilities(example.manager, example.roots, weights, example.nodes)
        if counts[0] >= TINY_EVIDENCE:
            return math.log(counts[0]), [c / counts[0] for c in counts[1:]]
        logs = mdd.log_probabilities(example.manager, example.roots, weights)
        if logs[0] == -math.inf:
            return None
        return logs[0], [math.exp(log - logs[0]) for log in logs[1:]]

    def expected_counts(self) -> tuple[float, dict[int, list[float]]]:
        """The E step: the log-likelihood at the current parameters and, per learnable
        clause, the expected count of each value under a body that held."""
        # per clause: the expected count of each head, then of the bodies (index -1)
        counts = {index: [0.0] * (len(v) + 1) for index, v in self.parameters.values.items()}
        log_likelihood = 0.0
        for example in self.examples:
            result = self._posteriors(example)
            if result is None:
                self.ignored[example.location] = None
                continue
            log_evidence, posteriors = result
            log_likelihood += example.count * log_evidence
            for (index, value), posterior in zip(example.targets, posteriors):
                if posterior >= NEGLIGIBLE_POSTERIOR:
                    counts[index][value] += example.count * posterior
        return log_likelihood, counts

    def update(self, counts: dict[int, list[float]]) -> float:
        """The M step; returns the largest change of a value."""
        change = 0.0
        for index, values in self.parameters.values.items():
            free = self.parameters.free[index]  # the learnable heads, then "none"
            fixed = [k for k in range(len(values) - 1) if k not in free]
            total = counts[index][BODY] - sum(counts[index][k] for k in fixed)
            if total <= UNDETERMINED:
                continue  # nothing in the examples bears on this clause: keep its values
            available = sum(values[k] for k in free)
            before = list(values)
            for k in free[:-1]:
                count = counts[index][k]
                values[k] = 0.0 if count <= UNDETERMINED else available * count / total
            values[-1] = max(available - sum(values[k] for k in free[:-1]), 0.0)
            change = max(change, max(abs(a - b) for a, b in zip(before, values)))
        return change


def learn(model: ParsedProgram, source: str | None, examples: list[Example], *,
          max_iterations: int = 10_000, min_change: float = 1e-10,
          limits: Limits | None = None) -> LearningResult:
    """Fit the ``t(...)`` annotations of ``model`` (whose text is ``source``, for the learned
    model; may be None) to ``examples`` (see the module doc)."""
    limits = limits or Limits()
    deadline = Deadline(limits.timeout)
    parameters = _parameters(model)
    if not parameters.values:
        raise ProgramError("the program has no learnable parameters (t(...)::...)")
    learnable = set(parameters.values)
    compiled = [c for e in examples
                if (c := _compile_example(model, e, learnable, limits, deadline)) is not None]
    learner = _Learner(parameters, compiled)
    iterations, change = 0, math.inf
    log_likelihood, counts = learner.expected_counts()
    while iterations < max_iterations and change > min_change:
        deadline.check("learning")
        change = learner.update(counts)
        iterations += 1
        log_likelihood, counts = learner.expected_counts()
    learned = [LearnedParameter(name, parameters.values[index][k])
               for index, k, name in parameters.names]
    model_text = learned_model(model, source, parameters) if source is not None else ""
    return LearningResult(log_likelihood, learned, iterations, list(learner.ignored),
                          model_text)


def format_value(value: float) -> str:
    """A learned probability as ProbLog writes it in a model: 15 significant digits."""
    text = f"{value:.15g}"
    return text if any(c in text for c in ".en") else text + ".0"


def learned_model(model: ParsedProgram, source: str, parameters: _Parameters) -> str:
    """``source`` with each learnable annotation ``t(...)`` replaced by its learned value."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    edits = []
    for index, values in parameters.values.items():
        clause = model.clauses[index]
        for k, (annotation, _) in enumerate(clause.heads):
            location = getattr(annotation, "location", None)
            if not _is_tunable(annotation) or location is None:
                continue
            begin = starts[location.line - 1] + location.column - 1
            end = _closing(source, begin)
            if end is not None:
                edits.append((begin, end, format_value(values[k])))
    for begin, end, text in sorted(edits, reverse=True):
        source = source[:begin] + text + source[end:]
    return source


def _closing(text: str, begin: int) -> int | None:
    """The end of the term ``t(...)`` starting at ``begin`` (past its closing parenthesis)."""
    if not text.startswith("t(", begin):
        return None
    depth = 0
    for i in range(begin + 1, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


__all__ = ["Example", "LearnedParameter", "LearningResult", "learn", "read_examples"]

"""Learning from interpretations: the probabilities of a program's ``t(...)`` clauses fitted to
partial observations by expectation maximisation, as ``problog lfi`` does.

An example is a set of evidence facts (``evidence(atom, true).``, ``evidence(atom).``,
``evidence(\\+atom).``); in an examples file, lines starting with ``---`` separate the
examples. Each iteration sets each learnable value to its expected count over the expected
count of its clause's instances whose bodies held (tied across the ground instances of a
clause):

    p_k = R * sum_e sum_i P(value k, body_i | e) / sum_e sum_i sum_{j free} P(value j, body_i | e)

where the free values are the learnable heads and the implicit "none" (not learned where two
or more heads are learnable: see below), and R is what the fixed heads of an annotated
disjunction leave (1 when there are none). For a probabilistic fact or rule this is ProbLog's
update, P(fact and body | e) / P(body | e) summed over the examples,
with its details: identical examples count with their multiplicity, a posterior below 1e-6
counts as 0 (for a fact: a mean posterior over its instances and examples), a value no
example says anything about keeps its current value, and an instance counts in the examples
whose evidence reaches it. The iterations stop when no probability changes by more than
``min_change``, or after ``max_iterations``.

How: the atoms of all examples are grounded together (the atoms that the reading of
disjunctions below adds, over the same tables) and compiled into one set of
decision diagrams, with a root per distinct example for its evidence. The expected counts of
an instance whose body is true (a fact) are the gradient of the log-likelihood with respect
to its log-probabilities: one backward pass over those roots for all examples. An instance
with a body also needs P(body | e), which no gradient gives: it gets roots of its own, "its
body held" and "it took head k and its body held", each conjoined with the evidence. Each
iteration evaluates every root at once, level by level in numpy (:class:`~problogic.compile.arrays.DiagramArrays`).

As in ProbLog, an annotated disjunction with two or more learnable heads (``t(...)``) is
exhaustive: its heads, learnable and fixed, share all the probability, the implicit "none"
getting none of it after the first update (a fact's "false", and the "none" of a disjunction
with one learnable head, are learned like the heads). And as ProbLog reads the evidence on
such heads: where an example makes all its learnable heads false but one, and says nothing
of that one, the one is true (:func:`_completed`), even where a fixed head could hold.

One difference from ProbLog: ProbLog stops when the sum of the logarithms of the learned
values changes by at most its ``min_improv``; that sum also stalls while EM still moves
parameters that trade off against each other (two probabilities whose product the examples
fix), so ProbLog can stop far from the optimum.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from ..compile.arrays import DiagramArrays, weight_layout
from ..compile.compiler import compile_roots
from ..errors import ParseError, ProgramError, SourceLocation
from ..grounding.session import GroundingSession
from ..grounding.ground_program import CHOICE, FALSE, GroundProgram, reachable
from ..grounding.probabilistic import is_tunable, tunable_initial
from ..grounding.unify import Substitution
from ..language.parser import parse_program
from ..language.printing import format_term
from ..language.program import Clause, ProbabilisticClause, format_clause
from ..language.program import Program as ParsedProgram
from ..language.terms import Term
from ..limits import Deadline, Limits
from ..logic.formula import build_formula

SEPARATOR = "---"  # a line starting with it ends an example
NEGLIGIBLE_POSTERIOR = 1e-6  # a posterior below this counts as 0 (as ProbLog's lfi)
UNDETERMINED = 1e-15  # expected counts at most this are 0 (as ProbLog's lfi)
BODY = -1  # the target "the instance's body held"


@dataclass
class Example:
    """One interpretation: its evidence, where it starts in its file, and how many examples
    in the data are identical to it."""

    evidence: tuple[tuple[Term, bool], ...]
    location: SourceLocation
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
    """The examples of an examples file: evidence facts, ``---`` lines between examples.
    Identical examples are merged into one with a count; empty ones are dropped."""
    lines = text.splitlines(keepends=True)
    separators = [i for i, line in enumerate(lines) if line.strip().startswith(SEPARATOR)]
    # One parse of the whole file, separators blanked (so that locations stay right); each
    # clause belongs to the example between the separators around its line.
    blanked = list(lines)
    for i in separators:
        blanked[i] = "\n"
    program = parse_program("".join(blanked), file)
    if program.directives:
        raise ParseError("an example holds evidence facts, not directives",
                         program.directives[0].location)
    chunks: list[list[tuple[Term, bool]]] = [[] for _ in range(len(separators) + 1)]
    for clause in program.clauses:
        chunks[bisect.bisect_left(separators, clause.location.line - 1)].append(
            _evidence(clause))
    examples: dict[tuple, Example] = {}
    for number, chunk in enumerate(chunks):
        evidence = tuple(chunk)
        if evidence in examples:
            examples[evidence].count += 1
        elif evidence:
            first_line = separators[number - 1] + 2 if number else 1
            examples[evidence] = Example(evidence, SourceLocation(first_line, 1, file))
    return list(examples.values())


def _evidence(clause) -> tuple[Term, bool]:
    """(atom, value) of an evidence fact: ``evidence(A, true|false)``, ``evidence(A)``,
    ``evidence(\\+A)``."""
    head = clause.head if isinstance(clause, Clause) else None
    if head is None or clause.body != Term("true") or head.functor != "evidence" or \
            head.arity not in (1, 2):
        raise ParseError("an example holds evidence facts: evidence(Atom, true) or "
                         "evidence(Atom, false)", clause.location)
    atom, value = head.args[0], head.args[1] if head.arity == 2 else Term("true")
    if value not in (Term("true"), Term("false")):
        raise ParseError(f"evidence value {format_term(value)} is not true or false",
                         clause.location)
    truth = value == Term("true")
    if isinstance(atom, Term) and atom.functor in ("\\+", "not") and atom.arity == 1:
        atom, truth = atom.args[0], not truth
    if not isinstance(atom, Term) or not atom.ground:
        raise ParseError(f"evidence {format_term(atom)} is not a ground atom", clause.location)
    return atom, truth


@dataclass
class _Parameters:
    """The learnable parameters: per key (a clause index; ``(clause index, values)`` for a
    clause with ``t(_, X, ...)``, a set per value of its extra arguments, known once grounded)
    its values' probabilities (the heads, then "none"), which values are learned (the
    learnable heads, then "none"), and each learnable annotation's name; ``per_value``: the
    clauses with extra arguments, each with its keys in the order they were met."""

    values: dict[object, list[float]]
    free: dict[object, list[int]]
    names: list[tuple[object, int, str]]  # (key, head index, name) per annotation
    per_value: dict[int, list[tuple]] = field(default_factory=dict)

    def add(self, key, annotations, heads, location) -> None:
        self.values[key] = tunable_initial(annotations, location)
        learnable = [k for k, a in enumerate(annotations) if is_tunable(a)]
        # an annotated disjunction with two or more learnable heads has no "none" to learn:
        # as in ProbLog, its heads are exhaustive
        self.free[key] = learnable + ([len(annotations)] if len(learnable) < 2 else [])
        self.names += [(key, k, f"{format_term(annotations[k])}::{format_term(heads[k])}")
                       for k in learnable]


def _parameters(model: ParsedProgram) -> _Parameters:
    parameters = _Parameters({}, {}, [])
    for index, clause in enumerate(model.clauses):
        if not isinstance(clause, ProbabilisticClause):
            continue
        annotations = [a for a, _ in clause.heads]
        if not any(is_tunable(a) for a in annotations):
            continue
        if any(is_tunable(a) and a.arity > 1 for a in annotations):
            parameters.per_value[index] = []  # its parameters appear as it is grounded
        else:
            parameters.add(index, annotations, clause.head_atoms, clause.location)
    return parameters


class _Learner:
    """The examples' diagrams and the expected counts they give at the current parameters.

    A learnable clause instance whose body is true (a fact, or a rule over facts that always
    hold) takes its expected counts from the gradient of the log-likelihood: one backward
    pass over the evidence diagrams for all examples (its weights sit in the "fact" copy of
    the clause's values). An instance with a body needs P(body | evidence), which no
    gradient gives: it gets diagrams of its own, "took head k and its body held" and "its
    body held", each under the evidence (its weights sit in the "rule" copy)."""

    def __init__(self, model: ParsedProgram, parameters: _Parameters,
                 examples: list[Example], limits: Limits, deadline: Deadline):
        from ..pipeline import with_library

        self.parameters = parameters
        session = GroundingSession(with_library(model), limits)
        atoms = list(dict.fromkeys(atom for e in examples for atom, _ in e.evidence))
        ground = session.ground(atoms, deadline)
        completed = _completed(examples, ground)
        if completed is not examples:  # the inferred heads too, over the tables so far
            examples = completed
            atoms = list(dict.fromkeys(atom for e in examples for atom, _ in e.evidence))
            ground = session.ground(atoms, deadline)
        session.close()
        for variable in ground.variables:  # t(_, X): a set of parameters per value of X
            key = variable.tunable
            if isinstance(key, tuple) and key not in parameters.values:
                parameters.per_value[key[0]].append(key)
                k = len(variable.heads) - (variable.heads[-1] is None)
                parameters.add(key, variable.annotations[:k], variable.heads[:k],
                               variable.location)
        literal = {answer: lit for answer, lit in ground.queries}
        ground.queries = []
        self.ignored: dict[SourceLocation, None] = {}
        examples, evidence_lits = self._consistent(examples, literal)
        learnable = set(parameters.values)
        # slots of the flat weight vector: the values of each clause twice ("fact" and
        # "rule" copies), then the constants of the fixed variables
        self.fact_slot, self.rule_slot, offset = {}, {}, 0
        for copy in (self.fact_slot, self.rule_slot):
            for index, values in parameters.values.items():
                copy[index] = offset
                offset += len(values)
        # the roots: per example its evidence, then its rules' targets (under the evidence)
        evidence_root, target_example, target_of = [], [], []
        self.instances = {index: 0.0 for index in learnable}  # reached facts, counted
        for number, (example, lits) in enumerate(zip(examples, evidence_lits)):
            evidence = ground.conjunction(lits)
            evidence_root.append(len(ground.queries))
            ground.queries.append((Term("$lfi"), evidence))
            for var in _reached(ground, lits, learnable):
                variable = ground.variables[var]
                if not variable.bodies:
                    self.instances[variable.tunable] += example.count
                    continue
                for target, node in _rule_targets(ground, var):
                    ground.queries.append((Term("$lfi"), ground.conjunction([node, evidence])))
                    target_example.append(number)
                    target_of.append(target)
        formula = build_formula(ground, limits, deadline)
        neural = [v for v in formula.variables if v.neural is not None]
        if neural:
            raise ProgramError("learning from interpretations takes plain probabilities, "
                               "not neural predicates (train those with problogic.Model)",
                               neural[0].location)
        compiled = compile_roots(formula, limits, deadline)
        def slot_of(var):
            variable = formula.variables[var]
            if variable.tunable not in learnable:
                return None
            return (self.rule_slot if variable.bodies else self.fact_slot)[variable.tunable]

        slots, self.constants = weight_layout(compiled.order, formula.variables, slot_of,
                                              offset)
        self.diagrams = DiagramArrays(compiled.manager, compiled.queries, slots)
        self.examples = examples
        self.counts = np.array([e.count for e in examples], dtype=np.float64)
        self.evidence_root = np.array(evidence_root, dtype=np.int64)
        is_target = np.ones(len(compiled.queries), dtype=bool)
        is_target[evidence_root] = False
        self.target_root = np.flatnonzero(is_target)
        self.target_example = np.array(target_example, dtype=np.int64)
        # each target's place in the flat table of counts: per clause, heads then bodies
        self.count_slot = {}
        for index, values in parameters.values.items():
            for k in [*range(len(values)), BODY]:
                self.count_slot[(index, k)] = len(self.count_slot)
        self.target_slot = np.array([self.count_slot[t] for t in target_of], dtype=np.int64)

    def _consistent(self, examples: list[Example], literal: dict):
        """The examples whose evidence grounding alone does not make false, with their
        evidence literals (the others are ignored, as those whose evidence has probability 0
        at the current parameters)."""
        kept, kept_lits = [], []
        for example in examples:
            lits = [literal[atom] if truth else -literal[atom]
                    for atom, truth in example.evidence]
            if FALSE in lits or set(lits) & {-lit for lit in lits}:
                self.ignored[example.location] = None
            else:
                kept.append(example)
                kept_lits.append(lits)
        return kept, kept_lits

    def expected_counts(self) -> tuple[float, dict[int, list[float]]]:
        """The E step: the log-likelihood at the current parameters and, per learnable
        clause, the expected count of each value, then of the bodies that held (at
        ``BODY``), over the examples."""
        values = self.parameters.values
        current = np.array([v for _ in range(2) for vs in values.values() for v in vs])
        weights = np.concatenate([current, self.constants])
        with np.errstate(divide="ignore"):
            log_weights = np.log(weights)
        node_values = self.diagrams.log_values(log_weights[None])[0]
        roots = node_values[self.diagrams.roots]
        evidence = roots[self.evidence_root]
        possible = np.isfinite(evidence)
        for number in np.flatnonzero(~possible):
            self.ignored[self.examples[number].location] = None
        log_likelihood = float(np.dot(self.counts[possible], evidence[possible]))
        # rules: the posteriors of their targets (below 1e-6 counts as 0, as in ProbLog)
        with np.errstate(invalid="ignore"):  # -inf - -inf: an impossible example, zeroed
            posterior = np.exp(roots[self.target_root] - evidence[self.target_example])
        posterior[~possible[self.target_example]] = 0.0
        posterior[posterior < NEGLIGIBLE_POSTERIOR] = 0.0
        totals = np.bincount(self.target_slot, posterior * self.counts[self.target_example],
                             minlength=len(self.count_slot))
        # facts: the flow through their edges; the flow that skips their level (where the
        # evidence does not depend on them) splits as their prior. A value whose mean
        # posterior is below 1e-6 counts 0 (ProbLog: each posterior below 1e-6 counts 0).
        seeds = np.zeros(len(roots))
        seeds[self.evidence_root[possible]] = self.counts[possible]
        mass = self.diagrams.edge_masses(log_weights, node_values, seeds)
        counts = {}
        for index, vs in values.items():
            row = [float(totals[self.count_slot[(index, k)]]) for k in [*range(len(vs)), BODY]]
            start = self.fact_slot[index]
            flow = mass[start:start + len(vs)]
            skipped = max(self.instances[index] - float(flow.sum()), 0.0)
            for k, value in enumerate(vs):
                count = float(flow[k]) + value * skipped
                if count >= NEGLIGIBLE_POSTERIOR * self.instances[index]:
                    row[k] += count
            row[BODY] += self.instances[index]
            counts[index] = row
        return log_likelihood, counts

    def update(self, counts: dict[int, list[float]]) -> float:
        """The M step; returns the largest change of a value."""
        change = 0.0
        for index, values in self.parameters.values.items():
            free = self.parameters.free[index]  # the learnable heads, then "none" if learned
            heads = [k for k in free if k < len(values) - 1]
            fixed = [k for k in range(len(values) - 1) if k not in free]
            total = counts[index][BODY] - sum(counts[index][k] for k in fixed)
            if len(heads) == len(free):  # exhaustive heads: they share what the fixed leave
                total = min(total, sum(counts[index][k] for k in heads))
            if total <= UNDETERMINED:
                continue  # nothing in the examples bears on this clause: keep its values
            # what the fixed heads leave, from the constants: no rounding error accumulates
            available = 1.0 - sum(values[k] for k in fixed)
            learned = [0.0 if counts[index][k] <= UNDETERMINED
                       else available * counts[index][k] / total for k in heads]
            excess = sum(learned) / available if available > 0.0 else 1.0
            if excess > 1.0:  # rounding: the heads' counts can exceed the bodies' by an ulp
                learned = [value / excess for value in learned]
            new = list(values)
            for k, value in zip(heads, learned):
                new[k] = value
            new[-1] = max(available - sum(learned), 0.0)
            change = max(change, max(abs(a - b) for a, b in zip(values, new)))
            values[:] = new
        return change


def _completed(examples: list[Example], ground: GroundProgram) -> list[Example]:
    """ProbLog's reading of the evidence on an annotated disjunction with two or more
    learnable heads: its learnable heads are exhaustive, so where an example makes all of
    them false but one, and says nothing of that one, the one is true. An example where
    every learnable head of some such disjunction is false is left as it is, as ProbLog
    leaves it. ``examples`` itself when nothing is inferred."""
    groups = []
    for variable in ground.variables:
        if variable.tunable is not None:
            heads = [h for h, a in zip(variable.heads, variable.annotations)
                     if h is not None and is_tunable(a)]
            if len(heads) > 1:
                groups.append(heads)
    out, changed = [], False
    for example in examples:
        truth = dict(example.evidence)
        added: list[tuple[Term, bool]] = []
        for heads in groups:
            known = [truth.get(h) for h in heads]
            if all(k is False for k in known):
                added = []
                break
            if known.count(None) == 1 and known.count(False) == len(heads) - 1:
                added.append((heads[known.index(None)], True))
        if added:
            changed = True
            example = Example(example.evidence + tuple(dict.fromkeys(added)), example.location,
                              example.count)
        out.append(example)
    return out if changed else examples


def _reached(ground: GroundProgram, lits: list[int], learnable: set[int]) -> list[int]:
    """The variables of learnable clause instances that the evidence ``lits`` reaches."""
    return list(dict.fromkeys(
        ground.payload[node][0] for node in reachable(ground.kinds, ground.payload, lits)
        if ground.kinds[node] == CHOICE
        and ground.variables[ground.payload[node][0]].tunable in learnable))


def _rule_targets(ground: GroundProgram, var: int):
    """((clause index, value), literal) for a rule instance: "its body held" (value
    ``BODY``), and for each head k "it took head k and its body held"."""
    variable = ground.variables[var]
    body = ground.disjunction(ground.conjunction(b) for b in variable.bodies)
    yield (variable.tunable, BODY), body
    for value in range(variable.arity - 1):  # the heads; the last value is "none"
        yield (variable.tunable, value), ground.conjunction([ground.choice(var, value), body])


def learn(model: ParsedProgram, source: str | None, examples: list[Example], *,
          max_iterations: int = 10_000, min_change: float = 1e-10,
          limits: Limits | None = None, leak: float | None = None) -> LearningResult:
    """Fit the ``t(...)`` annotations of ``model`` (whose text is ``source``, for the learned
    model; may be None) to ``examples`` (see the module doc). ``leak``: while learning, each
    atom that some example observes true is also a probabilistic fact of this probability
    (ProbLog's ``-l``: no example is impossible for want of a proof); the learned model
    ends with those facts, as ProbLog writes it."""
    limits = limits or Limits()
    deadline = Deadline(limits.timeout)
    parameters = _parameters(model)
    if not parameters.values and not parameters.per_value:
        raise ProgramError("the program has no learnable parameters (t(...)::...)")
    leaks = _leak_facts(examples, leak)
    learned_from = model
    if leaks:
        learned_from = model.copy()
        for clause in leaks:
            learned_from.add(clause)
    learner = _Learner(learned_from, parameters, examples, limits, deadline)
    iterations, change = 0, math.inf
    log_likelihood, counts = learner.expected_counts()
    while iterations < max_iterations and change > min_change:
        deadline.check_now("learning")
        change = learner.update(counts)
        iterations += 1
        log_likelihood, counts = learner.expected_counts()
    learned = [LearnedParameter(name, parameters.values[index][k])
               for index, k, name in parameters.names]
    model_text = learned_model(model, source, parameters) if source is not None else ""
    if leaks and source is not None:
        model_text = "\n".join([model_text.rstrip("\n"), *map(format_clause, leaks), ""])
    return LearningResult(log_likelihood, learned, iterations, list(learner.ignored),
                          model_text)


def _leak_facts(examples: list[Example], leak: float | None) -> list[ProbabilisticClause]:
    """``leak::atom.`` for each atom observed true in some example, in order of first
    observation (none without ``leak``)."""
    if leak is None:
        return []
    if not 0.0 <= leak <= 1.0:
        raise ProgramError(f"leak probability {leak!r} is outside [0, 1]")
    atoms = dict.fromkeys(atom for example in examples for atom, value in example.evidence
                          if value)
    return [ProbabilisticClause(((leak, atom),), Term("true")) for atom in atoms]


def format_value(value: float) -> str:
    """A learned probability as ProbLog writes it in a model: 15 significant digits."""
    text = f"{value:.15g}"
    return text if any(c in text for c in ".en") else text + ".0"


def learned_model(model: ParsedProgram, source: str, parameters: _Parameters) -> str:
    """``source`` with each learnable annotation ``t(...)`` replaced by its learned value; a
    clause with ``t(_, X)`` becomes a clause per value of ``X``, as ``problog lfi`` writes
    it."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    edits = []
    for index, keys in parameters.per_value.items():
        clause = model.clauses[index]
        location = clause.location
        begin = starts[location.line - 1] + location.column - 1
        end = _clause_end(source, begin)
        if end is not None:
            edits.append((begin, end, "\n".join(
                _per_value_clause(clause, key[1], parameters.values[key]) for key in keys)))
    for index, values in parameters.values.items():
        if isinstance(index, tuple):
            continue
        clause = model.clauses[index]
        for k, (annotation, _) in enumerate(clause.heads):
            location = getattr(annotation, "location", None)
            if not is_tunable(annotation) or location is None:
                continue
            begin = starts[location.line - 1] + location.column - 1
            end = _closing(source, begin)
            if end is not None:
                edits.append((begin, end, format_value(values[k])))
    for begin, end, text in sorted(edits, reverse=True):
        source = source[:begin] + text + source[end:]
    return source


def _per_value_clause(clause: ProbabilisticClause, values: tuple, learned: list[float]) -> str:
    """The text of ``clause`` for one value of its ``t(_, X)`` arguments, learned values in."""
    subst = Substitution()
    extra = [arg for a, _ in clause.heads if is_tunable(a) for arg in a.args[1:]]
    for arg, value in zip(extra, values):
        subst.unify(arg, value)
    heads = tuple((learned[k] if is_tunable(a) else subst.resolve(a), subst.resolve(h))
                  for k, (a, h) in enumerate(clause.heads))
    return format_clause(ProbabilisticClause(heads, subst.resolve(clause.body)),
                         lambda p: format_value(p) if type(p) is float else format_term(p))


def _clause_end(text: str, begin: int) -> int | None:
    """The index past the '.' that ends the clause starting at ``begin`` (a '.' followed by
    white space, '%' or the end, outside quotes and comments), or None."""
    i, n = begin, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            i += 1
            while i < n and text[i] != c:
                i += 2 if text[i] == "\\" else 1
        elif c == "%":
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 1
        elif text.startswith("0'", i):
            i += 2
        elif c == "." and (i + 1 == n or text[i + 1].isspace() or text[i + 1] == "%"):
            return i + 1
        i += 1
    return None


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

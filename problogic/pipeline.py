"""The inference pipeline, stage by stage, with a timing for each.

parse -> Program -> ground -> GroundProgram -> formula -> Formula -> compile -> Circuit
-> evaluate -> marginal probabilities.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .circuit.circuit import Circuit
from .compile import mdd
from .compile.compiler import CompiledRoots, circuit_from_roots, compile_roots, compile_tied
from .deepstack import call_with_deep_stack
from .errors import InconsistentEvidenceError, LimitExceededError, ProgramError
from .grounding.engine import ground_program
from .grounding.session import GroundingSession
from .grounding.ground_program import GroundProgram
from .grounding.probabilistic import has_free_tunable
from .language.parser import parse_program
from .language.printing import format_term
from .language.terms import Term
from .language.program import Program as ParsedProgram, negative_heads
from .limits import Deadline, Limits
from .logic.formula import Formula, build_formula
from .logic.kbest import KBest, KBestFormula, kbest_formula


@dataclass
class RunResult:
    """Marginals of the queries (keys written as ProbLog writes atoms, in query order), the
    seconds spent in each stage and the sizes of the intermediate structures."""

    probabilities: dict[str, float]
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)


LIBRARIES = ("lists", "apply")
# Loaded only by a use_module directive: cut and control both define cut/2, differently;
# scope adds clauses to ':'/2, which programs define too (its clauses join theirs).
OPTIONAL_LIBRARIES = ("cut", "control", "scope")
MERGED_LIBRARIES = ("scope",)


@lru_cache(maxsize=None)
def _library(name: str) -> ParsedProgram:
    """A Prolog library of ours (parsed once per process)."""
    text = resources.files("problogic.grounding.library").joinpath(f"{name}.pl").read_text()
    return parse_program(text, f"library({name})")


def with_library(program: ParsedProgram) -> ParsedProgram:
    """The program plus the library predicates it does not define itself: those of
    :data:`LIBRARIES` and of the optional libraries it loads (a predicate two libraries
    define has the clauses of both, as in ProbLog), after the program files it loads
    (:mod:`.language.include`)."""
    from .language.include import library_name, with_included_files

    program = with_included_files(program)
    combined = program.copy()
    loaded = [library_name(d.goal.args[0]) for d in program.directives
              if isinstance(d.goal, Term) and d.goal.functor == "use_module"
              and d.goal.arity in (1, 2)]
    defined = set(program.by_signature)
    for name in LIBRARIES + tuple(dict.fromkeys(n for n in loaded if n in OPTIONAL_LIBRARIES)):
        for clause in _library(name).clauses:
            if name in MERGED_LIBRARIES or \
                    not any(h.signature in defined for h in clause.head_atoms):
                combined.add(clause)
    return negative_heads(combined)


class Stages:
    """Runs the stages one by one, recording their times. ``propagate_evidence``: grounding
    leaves out the answers of non-ground queries that the evidence makes false by
    propagation, as ProbLog's command line does (its Python API keeps them, at 0)."""

    def __init__(self, limits: Limits | None = None, propagate_evidence: bool = False):
        self.limits = limits or Limits()
        self.propagate_evidence = propagate_evidence
        self.deadline = Deadline(self.limits.timeout)
        self.timings: dict[str, float] = {}

    def _timed(self, name, fn, *args):
        start = time.perf_counter()
        try:
            return fn(*args)
        except RecursionError:
            raise LimitExceededError(
                f"{name}: structure too deeply nested for this machine's stack") from None
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    def parse(self, source: str, file: str | None = None) -> ParsedProgram:
        return self._timed("parse", parse_program, source, file)

    def ground(self, program: ParsedProgram, goals=None) -> GroundProgram:
        return self._timed("ground", ground_program, with_library(program), self.limits,
                           self.deadline, goals, self.propagate_evidence)

    def ground_in(self, session: GroundingSession, goals: list) -> GroundProgram:
        """Ground ``goals`` with ``session``'s tables (see :class:`GroundingSession`)."""
        return self._timed("ground", session.ground, goals, self.deadline)

    def formula(self, ground: GroundProgram) -> Formula:
        return self._timed("formula", build_formula, ground, self.limits, self.deadline)

    def compile(self, formula: Formula) -> CompiledRoots:
        return self._timed("compile", compile_roots, formula, self.limits, self.deadline)

    def compile_tied(self, formula: Formula) -> tuple[CompiledRoots, int]:
        """:meth:`compile` with the queries tied to variables above the formula's, for MAP
        (see :func:`~problogic.compile.compiler.compile_tied`)."""
        return self._timed("compile", compile_tied, formula, self.limits, self.deadline)

    def circuit(self, formula: Formula, roots: CompiledRoots) -> Circuit:
        return self._timed("circuit", circuit_from_roots, formula, roots)

    def evaluate(self, formula: Formula, roots: CompiledRoots) -> dict[str, float]:
        return self._timed("evaluate", marginals, formula, roots)

    def approximate(self, formula: Formula, approximation: KBest) -> KBestFormula:
        """The formula of the k best proofs of each query (see :mod:`.logic.kbest`)."""
        if not isinstance(approximation, KBest):
            raise TypeError(f"unknown approximation {approximation!r} (use problogic.KBest)")
        check_plain_probabilities(formula)
        return self._timed("approximate", kbest_formula, formula, approximation.k,
                           self.limits, self.deadline)

    def evaluate_bounds(self, approximate: KBestFormula,
                        roots: CompiledRoots) -> dict[str, float]:
        return self._timed("evaluate", kbest_marginals, approximate, roots)


def check_plain_probabilities(formula: Formula) -> None:
    """Plain inference needs a number for every variable: no networks, no free ``t(_)``."""
    variables = [formula.variables[v] for v in formula.variable_order]
    neural = [v for v in variables if v.neural is not None]
    if neural:
        names = sorted({v.neural.network for v in neural})
        raise ProgramError(f"the program uses neural predicates ({', '.join(names)}): "
                           "evaluate it with problogic.Model and its networks",
                           neural[0].location)
    decisions = [v for v in variables if v.decision]
    if decisions:
        raise ProgramError("the program has decisions (?::...): find the best ones with "
                           "problogic dt", decisions[0].location)
    free = [v for v in variables if v.tunable is not None and has_free_tunable(v)]
    if free:
        raise ProgramError("t(_) has no value for inference: give an initial value such as "
                           "t(0.5), or learn it with problogic.Model", free[0].location)


def _root_probabilities(formula: Formula, roots: CompiledRoots) -> list[float]:
    """Weighted model counts of [evidence, query_1 & evidence, ...]."""
    check_plain_probabilities(formula)
    variables = [formula.variables[v] for v in roots.order]
    return mdd.probabilities(roots.manager, [roots.evidence] + roots.queries,
                             [v.probabilities for v in variables])


# Below this, P(evidence) has lost digits to underflow (or is 0 in float only): the
# conditional probabilities are computed from logarithms instead.
TINY_EVIDENCE = 1e-250


def marginals(formula: Formula, roots: CompiledRoots) -> dict[str, float]:
    """P(query | evidence) for each query, computed on the compiled diagrams (each variable's
    probabilities sum to 1, so this needs no smooth circuit)."""
    values = _root_probabilities(formula, roots)
    if formula.evidence and values[0] < TINY_EVIDENCE:  # underflow: divide in log space
        weights = [formula.variables[v].probabilities for v in roots.order]
        logs = mdd.log_probabilities(roots.manager, [roots.evidence] + roots.queries, weights)
        if logs[0] == -math.inf:
            raise InconsistentEvidenceError("the evidence is inconsistent (it has probability "
                                            "0)", evidence_location(formula))
        values = [1.0] + [math.exp(log - logs[0]) for log in logs[1:]]
    evidence = values[0]
    out: dict[str, float] = {}
    for (term, _), value in zip(formula.queries, values[1:]):
        out[format_term(term)] = value / evidence if formula.evidence else value
    return out


def kbest_marginals(approximate: KBestFormula, roots: CompiledRoots) -> dict[str, float]:
    """Lower bounds of P(query | evidence) from the compiled k-best formula: the kept proofs'
    probability of ``query & evidence``, divided, when there is evidence, by the upper bound
    ``1 - L(not evidence)`` of P(evidence)."""
    values = _root_probabilities(approximate.formula, roots)[1:]
    if approximate.has_evidence:
        *values, not_evidence = values
        evidence_bound = 1.0 - not_evidence
        if evidence_bound <= 0.0:
            raise InconsistentEvidenceError("the evidence is inconsistent (it has probability 0)",
                                            evidence_location(approximate.formula))
        values = [min(1.0, value / evidence_bound) for value in values]
    return {format_term(term): value for term, value in zip(approximate.queries, values)}


def evidence_location(formula: Formula):
    """Where the first located piece of evidence is (for an inconsistent-evidence error)."""
    for term, _, _ in formula.evidence:
        if getattr(term, "location", None) is not None:
            return term.location
    return None


def run_program(program: ParsedProgram, limits: Limits | None = None,
                stages: Stages | None = None, approximation: KBest | None = None,
                propagate_evidence: bool = False) -> RunResult:
    """Run the stages on a parsed program. ``approximation=KBest(k)`` compiles the k best
    proofs of each query instead of the whole formula: lower bounds (see
    :mod:`problogic.logic.kbest`); ``stats["complete"]`` is 1 when they are exact."""
    stages = stages or Stages(limits, propagate_evidence)

    def body():
        ground = stages.ground(program)
        formula = stages.formula(ground)
        stats = {"ground_nodes": len(ground), "choice_variables": len(ground.variables),
                 "formula_nodes": formula.size}
        if approximation is None:
            roots = stages.compile(formula)
            probabilities = stages.evaluate(formula, roots)
        else:
            approximate = stages.approximate(formula, approximation)
            roots = stages.compile(approximate.formula)
            probabilities = stages.evaluate_bounds(approximate, roots)
            stats["proofs"] = sum(len(s.proofs) for s in approximate.searches)
            stats["complete"] = int(approximate.complete)
        stats["diagram_nodes"] = mdd.size(roots.manager, [roots.evidence] + roots.queries)
        return RunResult(probabilities, dict(stages.timings), stats)

    return call_with_deep_stack(body)


def run(source: str, *, file: str | None = None, limits: Limits | None = None,
        approximation: KBest | None = None, propagate_evidence: bool = False,
        **limit_options) -> RunResult:
    """Parse, ground, compile and evaluate ``source``; see :class:`RunResult`.

    ``limit_options`` (``max_depth``, ``max_ground_size``, ``timeout``) override ``limits``;
    ``approximation=KBest(k)`` gives k-best lower bounds instead of exact marginals;
    ``propagate_evidence`` (see :class:`Stages`) answers as ProbLog's command line does.
    """
    if limit_options:
        base = limits or Limits()
        limits = Limits(**{**base.__dict__, **limit_options})
    stages = Stages(limits, propagate_evidence)
    return call_with_deep_stack(
        lambda: run_program(stages.parse(source, file), limits, stages, approximation))

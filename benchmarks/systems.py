"""The systems a benchmark case can run on, and what one run of a system measures.

A *system runner* takes the text of a ProbLog program and returns a :class:`Measurement`:
the answers (query atom to probability) and the seconds spent in each phase. Runners import
their system lazily, inside the call, because they execute in the worker subprocess only; the
harness process never imports torch, problog or problogic.

A runner raises :class:`SystemUnavailable` when its system is not installed (a baseline that
is missing is a result, ``unavailable``, not a crash). Any other exception is an ``error``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

PHASES = ("parse", "ground", "formula", "compile", "evaluate", "train_step")
"""Phase names, in pipeline order. A system reports the subset it can measure."""


@dataclass
class Measurement:
    """What one run of one system on one case produced."""

    answers: dict[str, float]
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase
    stats: dict[str, int] = field(default_factory=dict)  # sizes: ground program, circuit, ...
    time_s: float | None = None  # the headline seconds (e.g. per update); None: the whole call
    metrics: dict[str, float] = field(default_factory=dict)  # accuracy, memory, throughput, ...


class SystemUnavailable(RuntimeError):
    """The system (or a tool it needs) is not installed here."""


ProgramRunner = Callable[[str], Measurement]

WARM_UP_PROGRAM = "0.5::a. 0.5::b. c :- a, \\+ b. query(c).\n"
"""Run once before timing so that one-time costs (imports, grammar tables) are not timed."""


@dataclass(frozen=True)
class ProgramSystem:
    """A system that answers the queries of a ProbLog program given as text."""

    name: str
    run: ProgramRunner

    def prepare(self) -> None:
        """Import the system and run a trivial program; raises SystemUnavailable if missing."""
        self.run(WARM_UP_PROGRAM)


def run_problogic(source: str) -> Measurement:
    """problogic's own pipeline, through the public ``problogic.run``."""
    import problogic  # an ImportError here is an error of the subject, not "unavailable"

    result = problogic.run(source)
    return Measurement(
        answers={str(k): float(v) for k, v in result.probabilities.items()},
        phases={str(k): float(v) for k, v in result.timings.items()},
        stats={str(k): int(v) for k, v in getattr(result, "stats", {}).items()},
    )


def _import_problog():
    try:
        import problog
    except ImportError as exc:
        raise SystemUnavailable(f"problog is not installed ({exc})") from exc
    return problog


def _problog_ground(source: str, phases: dict[str, float], stats: dict[str, int]):
    """Parse, ground and break cycles as ProbLog's default pipeline does; returns the LogicDAG."""
    from problog.engine import DefaultEngine
    from problog.formula import LogicDAG, LogicFormula
    from problog.program import PrologString

    start = time.perf_counter()
    engine = DefaultEngine()
    database = engine.prepare(PrologString(source))
    phases["parse"] = time.perf_counter() - start

    start = time.perf_counter()
    ground = LogicFormula.create_from(database, engine=engine)
    phases["ground"] = time.perf_counter() - start
    stats["ground_nodes"] = len(ground)

    start = time.perf_counter()
    dag = LogicDAG.create_from(ground)
    phases["formula"] = time.perf_counter() - start
    stats["formula_nodes"] = len(dag)
    return dag


def _problog_answers(compiled, phases: dict[str, float]) -> dict[str, float]:
    start = time.perf_counter()
    result = compiled.evaluate()
    phases["evaluate"] = time.perf_counter() - start
    return {str(term): float(p) for term, p in result.items()}


def run_problog_sdd(source: str) -> Measurement:
    """ProbLog 2 with SDD compilation (PySDD)."""
    problog = _import_problog()
    if not problog.system_info.get("sdd_module"):
        raise SystemUnavailable("ProbLog's SDD backend needs PySDD (pip install pysdd)")
    from problog.sdd_formula import SDD

    phases: dict[str, float] = {}
    stats: dict[str, int] = {}
    dag = _problog_ground(source, phases, stats)
    start = time.perf_counter()
    compiled = SDD.create_from(dag)
    phases["compile"] = time.perf_counter() - start
    try:
        stats["circuit_size"] = int(compiled.get_manager().get_manager().size())
    except Exception:  # the size is informative only
        pass
    return Measurement(_problog_answers(compiled, phases), phases, stats)


def run_problog_ddnnf(source: str) -> Measurement:
    """ProbLog 2 with d-DNNF compilation (c2d when installed, else the bundled dsharp)."""
    problog = _import_problog()
    if not (problog.system_info.get("c2d") or problog.system_info.get("dsharp")):
        raise SystemUnavailable("ProbLog's d-DNNF backend needs a c2d or dsharp binary")
    from problog.cnf_formula import CNF
    from problog.ddnnf_formula import DDNNF

    phases: dict[str, float] = {}
    stats: dict[str, int] = {}
    dag = _problog_ground(source, phases, stats)
    start = time.perf_counter()
    cnf = CNF.create_from(dag)
    phases["formula"] += time.perf_counter() - start
    stats["cnf_clauses"] = int(cnf.clausecount)
    start = time.perf_counter()
    compiled = DDNNF.create_from(cnf)
    phases["compile"] = time.perf_counter() - start
    stats["circuit_size"] = len(compiled)
    return Measurement(_problog_answers(compiled, phases), phases, stats)


PROGRAM_SYSTEMS: dict[str, ProgramSystem] = {
    system.name: system
    for system in (
        ProgramSystem("problogic", run_problogic),
        ProgramSystem("problog-sdd", run_problog_sdd),
        ProgramSystem("problog-ddnnf", run_problog_ddnnf),
    )
}
"""Systems that answer the queries of a plain ProbLog program."""

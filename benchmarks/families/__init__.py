"""Benchmark families: one module each, discovered automatically.

A family module in this package defines a module-level ``FAMILY`` (a :class:`Family`). Adding a
family is adding one module; nothing else needs editing. Modules whose name starts with ``_``
are helpers and are not registered.

A family knows its sizes (``tiny`` for the test suite, ``quick`` for ``--quick``, ``full``), the
systems it runs on (the first is the subject, ``problogic``; ``baselines`` are what ratios are
taken against) and how to run one case: ``run_case(system, size) -> Measurement``, which is
called inside the worker subprocess, after ``prepare(system)`` (imports and a warm-up run,
untimed; it raises ``SystemUnavailable`` for a missing baseline). Family modules must stay
cheap to import (no torch or problog at module level): the harness imports all of them to list
and schedule cases.

Families whose case is a ProbLog program use :func:`program_family`, which gives them the
runners of :data:`benchmarks.systems.PROGRAM_SYSTEMS`. Families with other workloads (neural
predicates, training steps, devices) pass their own ``run_case``; their
:class:`~benchmarks.systems.Measurement` may set a headline ``time_s`` (seconds per update, per
forward pass) other than the wall time of the call, and ``metrics`` (accuracy, memory).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import time
from dataclasses import dataclass
from typing import Callable

from benchmarks.systems import PROGRAM_SYSTEMS, Measurement, SystemUnavailable

SIZE_SETS = ("tiny", "quick", "full")
PROFILE_VARIABLE = "PROBLOGIC_BENCH_PROFILE"
"""Set by the harness for its workers: the size set of the run (``tiny``, ``quick``, ``full``)."""


def profile() -> str:
    """The profile this worker runs under, for families whose work per case depends on it
    (training updates, repeats); ``full`` outside the harness."""
    value = os.environ.get(PROFILE_VARIABLE, "full")
    if value not in SIZE_SETS:
        raise ValueError(f"{PROFILE_VARIABLE}={value!r}: expected one of {', '.join(SIZE_SETS)}")
    return value


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    sizes: dict[str, tuple[int, ...]]  # keyed by SIZE_SETS
    systems: tuple[str, ...]  # the subject first, then the baselines
    run_case: Callable[[str, int], Measurement]
    prepare: Callable[[str], None] = lambda system: None  # imports and warm-up, not timed
    baselines: tuple[str, ...] = ()  # ratios are baseline time / subject time
    size_label: str = "n"
    order: int = 100  # position in listings and the report
    program: Callable[[int], str] | None = None  # the program text, for program families
    # Why a system does not run at a size (None: it does); such a case is ``skipped``, with
    # the reason, without starting a worker.
    not_run: Callable[[str, int], str | None] = lambda system, size: None
    time_label: str = "seconds per case, parse to answers"  # what the headline time measures
    tolerance: float = 0.0  # answers may differ by max(this, --tolerance) (float32 families)

    @property
    def subject(self) -> str:
        return self.systems[0]

    def sizes_for(self, size_set: str) -> tuple[int, ...]:
        return self.sizes[size_set]


def program_family(
    name: str,
    description: str,
    program: Callable[[int], str],
    *,
    tiny: tuple[int, ...],
    quick: tuple[int, ...],
    full: tuple[int, ...],
    systems: tuple[str, ...] = ("problogic", "problog-sdd", "problog-ddnnf"),
    size_label: str = "n",
    order: int = 100,
) -> Family:
    """A family whose case of size n is the ProbLog program ``program(n)``."""
    unknown = [s for s in systems if s not in PROGRAM_SYSTEMS]
    if unknown:
        raise ValueError(f"family {name}: no program runner for {unknown}")

    def run_case(system: str, size: int) -> Measurement:
        return PROGRAM_SYSTEMS[system].run(program(size))

    def prepare(system: str) -> None:
        PROGRAM_SYSTEMS[system].prepare()

    return Family(
        name=name,
        description=description,
        sizes={"tiny": tiny, "quick": quick, "full": full},
        systems=systems,
        run_case=run_case,
        prepare=prepare,
        baselines=systems[1:],
        size_label=size_label,
        order=order,
        program=program,
    )


def whole_call_runners(runners: dict[str, Callable[[int], dict[str, float]]],
                       baseline_module: str, phase: str):
    """``prepare`` and ``run_case`` for a family that times one whole call per case:
    ``runners[system](size)`` returns the answers, its time is the phase ``phase``. ``prepare``
    makes a baseline whose module ``baseline_module`` does not import unavailable, then warms
    each system up at size 2."""
    subject = next(iter(runners))

    def run_case(system: str, size: int) -> Measurement:
        start = time.perf_counter()
        answers = runners[system](size)
        return Measurement(answers, {phase: time.perf_counter() - start})

    def prepare(system: str) -> None:
        if system != subject:
            try:
                importlib.import_module(baseline_module)
            except ImportError as exc:
                raise SystemUnavailable(f"{baseline_module} does not import: {exc}") from None
        run_case(system, 2)

    return prepare, run_case


def registry() -> dict[str, Family]:
    """All families of this package, by name, in report order."""
    found: list[Family] = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        family = getattr(module, "FAMILY", None)
        if not isinstance(family, Family):
            raise TypeError(f"{module.__name__} defines no FAMILY of type Family")
        found.append(family)
    found.sort(key=lambda f: (f.order, f.name))
    names = [f.name for f in found]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"families registered twice: {sorted(duplicates)}")
    return {f.name: f for f in found}


def get(name: str) -> Family:
    families = registry()
    if name not in families:
        raise KeyError(f"unknown family {name!r}; known: {', '.join(families)}")
    return families[name]

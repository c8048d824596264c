"""Run benchmark cases in worker subprocesses with time limits, and check that systems agree.

A *case* is (family, system, size). Each case runs in its own process (``python -m
benchmarks.worker``) in its own process group, so that a time-out kills the system and any
compiler it started (dsharp), and a crash (a segfault, the out-of-memory killer) is recorded as
an ``error`` instead of ending the run. Every case yields exactly one :class:`CaseResult`:

=========== =============================================================================
status      meaning
=========== =============================================================================
ok          answered; ``time_s`` is the median wall time of the repeats
disagree    answered, but differs by more than the tolerance from another system that answered
timeout     no repeat finished within ``timeout_s`` (imports and warm-up are not counted)
error       the system raised, or its process died; ``reason`` says how
unavailable the system is not installed here (a baseline, or a device such as CUDA)
skipped     not run: the same system timed out at a smaller size of this family, or the
            family does not run that system at that size (``reason`` says which)
=========== =============================================================================
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from benchmarks.families import PROFILE_VARIABLE, Family

REPO_ROOT = Path(__file__).resolve().parent.parent
ANSWERED = ("ok", "disagree")


def default_memory_limit_gib() -> float:
    """Three quarters of the machine's memory, so that one blow-up cannot take it down."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0
    return round(0.75 * total, 1)


@dataclass(frozen=True)
class Settings:
    size_set: str = "full"  # tiny | quick | full
    sizes: tuple[int, ...] | None = None  # overrides the family's size set
    systems: tuple[str, ...] | None = None  # restrict to these systems
    timeout_s: float = 300.0  # per case, after imports and warm-up
    repeats: int = 5  # at most; slow cases run fewer times
    repeat_budget_s: float = 30.0  # repeats stop once this much time is spent on a case
    startup_timeout_s: float = 180.0  # imports and warm-up
    tolerance: float = 1e-6  # absolute, on every answer
    memory_limit_gib: float = field(default_factory=default_memory_limit_gib)
    skip_after_timeout: bool = True


@dataclass
class CaseResult:
    """One line of results.jsonl."""

    family: str
    system: str
    size: int
    status: str
    reason: str = ""
    time_s: float | None = None  # median total wall time of the repeats
    times_s: list[float] = field(default_factory=list)  # every repeat
    phases_s: dict[str, float] = field(default_factory=dict)  # median per phase
    answers: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)  # median per metric (accuracy, MB)
    wall_s: float | None = None  # median wall time of the call (== time_s unless a family
    # reports another headline time, such as seconds per update)
    peak_rss_mb: float | None = None
    timeout_s: float | None = None
    disagrees_with: list[str] = field(default_factory=list)
    max_abs_diff: float | None = None  # largest difference from another system's answers
    subject: bool = False  # the system that ratios are computed for (problogic)
    baseline: bool = False  # a system ratios are taken against
    run_id: str = ""
    machine: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "CaseResult":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _median(values: Iterable[float]) -> float:
    return float(statistics.median(list(values)))


def _read_events(path: Path) -> list[dict]:
    events = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return events
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut by a kill
            pass
    return events


def _tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return ""
    return " | ".join(text.splitlines()[-lines:])[-800:]


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _supervise(process: subprocess.Popen, events_path: Path, settings: Settings) -> str:
    """Wait for the worker; kill it at the limit. Returns "", "timeout" or "startup"."""
    started = time.monotonic()
    deadline = started + settings.startup_timeout_s
    ready = False
    while process.poll() is None:
        now = time.monotonic()
        if not ready and any(e.get("event") == "ready" for e in _read_events(events_path)):
            ready = True
            deadline = now + settings.timeout_s
        if now >= deadline:
            _kill_group(process)
            return "timeout" if ready else "startup"
        time.sleep(0.02 if now - started < 2 else 0.1)
    return ""


def run_case(
    family: Family, system: str, size: int, settings: Settings, raw_dir: Path
) -> CaseResult:
    """Run one case in a worker subprocess and summarise what it reported."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{family.name}-{system}-{size}"
    events_path = raw_dir / f"{stem}.jsonl"
    stderr_path = raw_dir / f"{stem}.log"
    events_path.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "benchmarks.worker",
        "--family", family.name, "--system", system, "--size", str(size),
        "--result", str(events_path),
        "--repeats", str(settings.repeats),
        "--repeat-budget", str(settings.repeat_budget_s),
        "--memory-limit-gib", str(settings.memory_limit_gib),
    ]  # fmt: skip
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("MPLBACKEND", "Agg")
    env[PROFILE_VARIABLE] = settings.size_set
    result = CaseResult(family.name, system, size, status="error", timeout_s=settings.timeout_s)

    with open(stderr_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            killed_for = _supervise(process, events_path, settings)
        finally:  # also on Ctrl-C, and for anything the worker left running (a compiler)
            _kill_group(process)

    events = _read_events(events_path)
    runs = [e for e in events if e.get("event") == "run"]
    failures = [e for e in events if e.get("event") in ("error", "unavailable")]
    if failures:
        result.status = failures[0]["event"]
        result.reason = failures[0].get("message", "")
    elif runs:
        result.status = "ok"
        if killed_for:
            result.reason = f"time limit reached during repeat {len(runs) + 1}"
    elif killed_for == "timeout":
        result.status = "timeout"
        result.reason = f"no answer within {settings.timeout_s:g} s"
    elif killed_for == "startup":
        result.status = "error"
        result.reason = f"imports and warm-up took over {settings.startup_timeout_s:g} s"
    else:
        code = process.returncode
        how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        result.status = "error"
        limit = (
            f", memory limit {settings.memory_limit_gib:g} GiB" if settings.memory_limit_gib else ""
        )
        result.reason = f"worker died ({how}{limit}) without a result: {_tail(stderr_path)}"

    if runs and result.status == "ok":
        result.times_s = [r["total_s"] for r in runs]
        result.time_s = _median(result.times_s)
        phase_names = sorted({p for r in runs for p in r["phases_s"]})
        result.phases_s = {
            p: _median(r["phases_s"][p] for r in runs if p in r["phases_s"]) for p in phase_names
        }
        metric_names = list(dict.fromkeys(m for r in runs for m in r.get("metrics", {})))
        result.metrics = {
            m: _median(r["metrics"][m] for r in runs if r["metrics"].get(m) is not None)
            for m in metric_names
            if any(r["metrics"].get(m) is not None for r in runs)
        }
        result.wall_s = _median(r.get("wall_s", r["total_s"]) for r in runs)
        result.answers = runs[0]["answers"]
        result.stats = runs[-1]["stats"]
        result.peak_rss_mb = max(r.get("peak_rss_mb") or 0.0 for r in runs)
    return result


def normalize_atom(text: str) -> str:
    """An atom without layout outside quotes (ProbLog writes ``[0, 1]``, others ``[0,1]``)."""
    out, quote = [], None
    for char in text:
        if quote:
            out.append(char)
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            out.append(char)
        elif not char.isspace():
            out.append(char)
    return "".join(out)


def compare_answers(a: dict[str, float], b: dict[str, float]) -> float | None:
    """The largest difference between two answer sets, absolute for values within [-1, 1]
    (probabilities) and relative beyond (log-probabilities): ``|x - y| / max(1, |x|, |y|)``.
    inf if their queries differ; None if either set is empty (nothing to compare)."""
    if not a or not b:
        return None
    left = {normalize_atom(k): v for k, v in a.items()}
    right = {normalize_atom(k): v for k, v in b.items()}
    if left.keys() != right.keys():
        return float("inf")
    return max(
        abs(left[k] - right[k]) / max(1.0, abs(left[k]), abs(right[k])) for k in left
    )


def check_agreement(results: list[CaseResult], tolerance: float) -> None:
    """Mark every answering system that differs from another answering system as ``disagree``.

    Both sides of a disagreement are marked: which one is wrong is for a person to find out.
    Systems that answered without answers to compare (an empty set) are not compared.
    """
    answered = [r for r in results if r.status in ANSWERED]
    for result in answered:
        differences = {
            other.system: difference
            for other in answered
            if other is not result
            and (difference := compare_answers(result.answers, other.answers)) is not None
        }
        if differences:
            result.max_abs_diff = max(differences.values())
        result.disagrees_with = sorted(s for s, d in differences.items() if not d <= tolerance)
        result.status = "disagree" if result.disagrees_with else "ok"
        if result.disagrees_with:
            result.reason = f"answers differ from {', '.join(result.disagrees_with)}"


Progress = Callable[[CaseResult], None]


def run_family(
    family: Family,
    settings: Settings,
    raw_dir: Path,
    *,
    run_id: str = "",
    machine: dict | None = None,
    on_size_done: Callable[[list[CaseResult]], None] | None = None,
    progress: Progress | None = None,
) -> list[CaseResult]:
    """Every case of one family, sizes in increasing order, all systems at each size."""
    sizes = sorted(settings.sizes or family.sizes_for(settings.size_set))
    systems = [s for s in family.systems if settings.systems is None or s in settings.systems]
    stopped: dict[str, CaseResult] = {}  # system -> the result that stops further sizes
    everything: list[CaseResult] = []
    for size in sizes:
        at_size = []
        for system in systems:
            previous = stopped.get(system)
            why_not = family.not_run(system, size)
            if why_not:
                # no time limit recorded: this is no lower bound on the system's time
                result = CaseResult(family.name, system, size, status="skipped", reason=why_not)
            elif previous is not None:
                result = CaseResult(family.name, system, size, status=previous.status)
                if previous.status == "timeout":
                    result.status = "skipped"
                    result.reason = f"skipped after timeout at {family.size_label}={previous.size}"
                else:
                    result.reason = previous.reason
                result.timeout_s = settings.timeout_s
            else:
                result = run_case(family, system, size, settings, raw_dir)
                if result.status == "unavailable" or (
                    result.status == "timeout" and settings.skip_after_timeout
                ):
                    stopped[system] = result
            result.subject = system == family.subject
            result.baseline = system in family.baselines
            result.run_id = run_id
            result.machine = machine or {}
            at_size.append(result)
        check_agreement(at_size, max(settings.tolerance, family.tolerance))
        for result in at_size:
            if progress:
                progress(result)
        everything.extend(at_size)
        if on_size_done:
            on_size_done(at_size)
    return everything


def read_results(path: Path) -> list[CaseResult]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [CaseResult.from_dict(json.loads(line)) for line in lines if line.strip()]


def write_results(path: Path, results: list[CaseResult]) -> None:
    """Write atomically, so a run cut short leaves the last complete file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text("".join(r.to_json() + "\n" for r in results), encoding="utf-8")
    partial.replace(path)

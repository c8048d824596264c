"""Run one benchmark case (family, system, size) in this process and report it as JSON lines.

    python -m benchmarks.worker --family counts --system problog-sdd --size 8 --result FILE

The harness starts one worker per case, in its own process group, and kills it at the time
limit. The worker appends events to FILE, one JSON object per line, flushed as they happen,
so that what finished before a kill is kept:

- ``{"event": "ready"}`` once the system is imported and warmed up (the time limit starts here);
- ``{"event": "run", "repeat": i, "total_s": ..., "wall_s": ..., "phases_s": {...},
  "answers": {...}, "stats": {...}, "metrics": {...}, "peak_rss_mb": ...}`` for each repeat
  (``total_s`` is the family's headline time, by default the wall time of the call);
- ``{"event": "unavailable", "message": ...}`` when a baseline is not installed;
- ``{"event": "error", "message": ..., "traceback": ...}`` when the system raised.

A memory limit (``--memory-limit-gib``) keeps one case from taking the machine down: a case
that runs past it fails with MemoryError (status ``error``) or dies (also ``error``).

Repeats: after the first run, the case runs again while fewer than ``--repeats`` runs are done
and the wall time spent so far plus the last run's wall time stays within ``--repeat-budget``
seconds, so slow cases run once and fast ones give a median.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import traceback


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


class _EventLog:
    def __init__(self, path: str):
        self._file = open(path, "a", encoding="utf-8")

    def write(self, event: str, **fields) -> None:
        self._file.write(json.dumps({"event": event, **fields}, sort_keys=True) + "\n")
        self._file.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    parser.add_argument("--family", required=True)
    parser.add_argument("--system", required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--result", required=True, help="file to append JSON-line events to")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--repeat-budget", type=float, default=0.0)
    parser.add_argument("--memory-limit-gib", type=float, default=0.0, help="0: no limit")
    args = parser.parse_args(argv)
    if args.memory_limit_gib > 0:
        # RLIMIT_DATA bounds the heap (malloc, anonymous mappings) but not address space that
        # is only reserved, so torch and CUDA still start; running past it raises MemoryError.
        limit = int(args.memory_limit_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))

    from benchmarks.families import get
    from benchmarks.systems import SystemUnavailable

    log = _EventLog(args.result)
    family = get(args.family)
    if args.system not in family.systems:
        log.write("error", message=f"family {family.name} has no system {args.system}")
        return 0
    try:
        family.prepare(args.system)
    except SystemUnavailable as exc:
        log.write("unavailable", message=str(exc))
        return 0
    except Exception as exc:  # the subject failing to import or to run at all is an error
        log.write(
            "error", message=_one_line(exc), traceback=traceback.format_exc(), phase="prepare"
        )
        return 0
    log.write("ready")

    spent = 0.0
    for repeat in range(max(1, args.repeats)):
        start = time.perf_counter()
        try:
            measurement = family.run_case(args.system, args.size)
        except SystemUnavailable as exc:
            log.write("unavailable", message=str(exc))
            return 0
        except Exception as exc:
            log.write("error", message=_one_line(exc), traceback=traceback.format_exc())
            return 0
        wall = time.perf_counter() - start
        spent += wall
        log.write(
            "run",
            repeat=repeat,
            total_s=wall if measurement.time_s is None else measurement.time_s,
            wall_s=wall,
            phases_s=measurement.phases,
            answers=measurement.answers,
            stats=measurement.stats,
            metrics=measurement.metrics,
            peak_rss_mb=round(_peak_rss_mb(), 1),
        )
        if spent + wall > args.repeat_budget:
            break
    return 0


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.splitlines()[0][:500] if text else type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m benchmarks [FAMILY ...] [--quick] [--timeout S] [--out DIR]``.

Runs the chosen families (all by default) on problogic and the baselines, each case in its own
subprocess with a time limit, and writes to ``--out``: ``results.jsonl`` (one line per case),
``table.md``, ``<family>.png`` and ``machine.json``; per-case worker logs go to ``raw/``.

Exit status: 0 when the run completed (time-outs and unavailable baselines are results), 1 when
some systems disagree or problogic itself failed with an error, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import families as family_registry
from benchmarks.harness import CaseResult, Settings, read_results, run_family, write_results
from benchmarks.machine import machine_info, summary
from benchmarks.report import cell, readme_section, update_readme, write_report

DEFAULT_OUT = Path(__file__).resolve().parent / "results"

PROFILES = {
    # size set, time limit per case, repeats at most, seconds of repeats per case at most.
    # quick must finish in under 10 minutes on 2 cores: every baseline times out about once
    # per family (ProbLog, DeepProbLog: see README.md), about 17 time-outs in all, so the
    # limit is 20 s, not 60 s.
    "quick": dict(size_set="quick", timeout_s=20.0, repeats=3, repeat_budget_s=5.0),
    "full": dict(size_set="full", timeout_s=300.0, repeats=5, repeat_budget_s=30.0),
}


def _sizes(text: str) -> tuple[str | None, tuple[int, ...] | None]:
    if text in family_registry.SIZE_SETS:
        return text, None
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--sizes takes one of {', '.join(family_registry.SIZE_SETS)} or a list like 4,6,8"
        ) from None
    if not sizes or min(sizes) < 0:
        raise argparse.ArgumentTypeError("--sizes needs non-negative sizes")
    return None, sizes


def build_parser(known: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark problogic against ProbLog and DeepProbLog, family by family.",
        epilog="Families: " + ", ".join(known),
    )
    parser.add_argument(
        "families", nargs="*", metavar="FAMILY", help="families to run (default: all)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the quick profile: quick sizes, 20 s limit, at most 3 repeats",
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=(None, None),
        help="size set (tiny, quick, full) or a comma list of sizes for every family",
    )
    parser.add_argument(
        "--systems",
        type=lambda s: tuple(s.split(",")),
        help="comma list of systems to run (default: all of each family)",
    )
    parser.add_argument("--timeout", type=float, help="seconds per case (quick 20, full 300)")
    parser.add_argument("--repeats", type=int, help="repeats per case at most (quick 3, full 5)")
    parser.add_argument(
        "--repeat-budget",
        type=float,
        help="stop repeating a case once this many seconds are spent (quick 5, full 30)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=1e-6,
        help="largest absolute difference between systems' answers (default 1e-6)",
    )
    parser.add_argument(
        "--memory-limit",
        type=float,
        help="GiB of heap per case, 0 for none (default: 3/4 of the machine's memory)",
    )
    parser.add_argument(
        "--no-skip",
        action="store_true",
        help="run larger sizes even after a system timed out at a smaller one",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="only rewrite table.md and the plots from OUT/results.jsonl",
    )
    parser.add_argument(
        "--list", action="store_true", help="list families, systems and sizes, then exit"
    )
    parser.add_argument(
        "--readme",
        type=Path,
        help="also write the tables into this file, between its benchmark markers",
    )
    return parser


def _progress(result: CaseResult) -> None:
    runs = f" ({len(result.times_s)} runs)" if len(result.times_s) > 1 else ""
    reason = f": {result.reason}" if result.reason and result.status != "ok" else ""
    print(
        f"  {result.family} {result.size:>4} {result.system:<14} {cell(result) or result.status}"
        f"{runs}{reason}"[:240],
        file=sys.stderr,
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    registry = family_registry.registry()
    parser = build_parser(list(registry))
    args = parser.parse_args(argv)
    unknown = [name for name in args.families if name not in registry]
    if unknown:
        parser.error(f"unknown families: {', '.join(unknown)} (known: {', '.join(registry)})")
    chosen = [registry[name] for name in (args.families or registry)]
    known_systems = {system for family in chosen for system in family.systems}
    if args.systems and not set(args.systems) <= known_systems:
        unknown_systems = ", ".join(sorted(set(args.systems) - known_systems))
        parser.error(
            f"unknown systems: {unknown_systems} (known: {', '.join(sorted(known_systems))})"
        )

    if args.list:
        for family in chosen:
            print(f"{family.name}: {family.description}")
            print(f"  systems: {', '.join(family.systems)}")
            for size_set in family_registry.SIZE_SETS:
                print(f"  {size_set}: {', '.join(map(str, family.sizes_for(size_set)))}")
        return 0

    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / "results.jsonl"
    command = "python -m benchmarks " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    command = command.strip()

    if args.report_only:
        machine = (
            json.loads((out_dir / "machine.json").read_text())
            if (out_dir / "machine.json").exists()
            else None
        )
        if not results_path.exists():
            parser.error(f"--report-only: no {results_path}")
        original = (machine or {}).get("command", command)
        results = read_results(results_path)
        paths = write_report(results, out_dir, machine, original)
        if args.readme:
            update_readme(args.readme, readme_section(results, machine, original))
            paths.append(args.readme)
        print("\n".join(str(p) for p in paths))
        return 0

    profile = dict(PROFILES["quick" if args.quick else "full"])
    size_set, sizes = args.sizes
    if size_set:
        profile["size_set"] = size_set
    for key, value in (
        ("timeout_s", args.timeout),
        ("repeats", args.repeats),
        ("repeat_budget_s", args.repeat_budget),
    ):
        if value is not None:
            profile[key] = value
    if profile["timeout_s"] <= 0 or profile["repeats"] < 1:
        parser.error("--timeout must be positive and --repeats at least 1")
    if args.memory_limit is not None:
        profile["memory_limit_gib"] = args.memory_limit
    settings = Settings(
        sizes=sizes,
        systems=args.systems,
        tolerance=args.tolerance,
        skip_after_timeout=not args.no_skip,
        **profile,
    )

    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    machine = machine_info()
    machine.update(run_id=run_id, command=command)
    (out_dir / "machine.json").write_text(json.dumps(machine, indent=2, sort_keys=True) + "\n")
    print(
        f"run {run_id}: {machine['cores']} cores, torch {machine.get('torch')}, "
        f"device {machine['device']}; results in {out_dir}",
        file=sys.stderr,
    )

    rerun = {f.name for f in chosen}
    kept = [r for r in read_results(results_path) if r.family not in rerun]
    new: list[CaseResult] = []

    def save(at_size: list[CaseResult]) -> None:
        new.extend(at_size)
        write_results(results_path, kept + new)

    started = time.monotonic()
    for family in chosen:
        print(f"{family.name}: {family.description}", file=sys.stderr, flush=True)
        run_family(
            family,
            settings,
            out_dir / "raw",
            run_id=run_id,
            machine=summary(machine),
            on_size_done=save,
            progress=_progress,
        )
    write_results(results_path, kept + new)
    paths = write_report(kept + new, out_dir, machine, command)
    if args.readme:
        update_readme(args.readme, readme_section(kept + new, machine, command))
        paths.append(args.readme)
    print(
        f"done in {time.monotonic() - started:.0f} s: "
        + ", ".join(str(p) for p in [results_path, out_dir / "machine.json", *paths]),
        file=sys.stderr,
    )

    failed = [r for r in new if r.status == "disagree" or (r.subject and r.status == "error")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

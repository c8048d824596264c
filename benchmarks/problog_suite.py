"""Answers, not times: a folder of ProbLog programs run through ``problog`` and ``problogic``.

    python -m benchmarks.problog_suite DIR [--timeout S] [--json OUT]

Every ``*.pl`` below DIR runs through both command lines (``dt`` for files under a
``dtproblog`` folder; a program with an ``EXAMPLES.ev`` file beside it through ``lfi`` with
it, comparing the learned models' numbers). Each program ends in one of: ``same`` (the same
atoms and probabilities within 1e-6, variable names such as ``X3`` / ``_0`` aside; for lfi
the same numbers within 1e-3), ``both refuse``, ``only problog refuses``, ``only problogic
refuses``, ``differ`` or ``timeout``. The table of counts and the programs that are not the
same go to standard output; ``--json`` also writes every output.

Meant for ProbLog's own test programs (the ``test/`` folder of its repository, which its
PyPI package does not ship, so they are not here): the README's figures come from such a run.
Exit status 0 whatever the outcome (a difference is a result), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ANSWER = re.compile(r"^\s*(.*?):\s+([-+0-9.eE]+|nan|inf)\s*$")
VARIABLE = re.compile(r"\b(X\d+|V_\d+|_\d+)\b")  # ProbLog's and problogic's fresh names
LEARNED = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:e-?\d+)?)::")
PROBLOG = [sys.executable, "-c", "import sys; from problog.tasks import main; sys.exit(main())"]


def _run(command: list[str], cwd: Path, timeout: float):
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)
        return done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        return None, "", ""


def answers(output: str) -> dict[str, float]:
    """``atom: probability`` lines, variable names made alike."""
    out = {}
    for line in output.splitlines():
        match = ANSWER.match(line)
        if match:
            out[VARIABLE.sub("_", match.group(1).strip())] = float(match.group(2))
    return out


def learned(model: str) -> list[float]:
    """The probabilities of a learned model, in order, comments left out."""
    text = "\n".join(line.split("%")[0] for line in model.splitlines())
    return [float(m.group(1)) for m in LEARNED.finditer(text)]


def _verdict(problog_failed: bool, problogic_failed: bool, same: bool) -> str:
    if problog_failed and problogic_failed:
        return "both refuse"
    if problog_failed:
        return "only problog refuses"
    if problogic_failed:
        return "only problogic refuses"
    return "same" if same else "differ"


def compare(path: Path, problog: list[str], problogic: list[str], timeout: float) -> dict:
    """One program through both command lines (see the module doc)."""
    examples = path.with_suffix(".ev")
    if examples.exists():
        return _compare_lfi(path, examples, problog, problogic, timeout)
    task = ["dt"] if "dtproblog" in path.parts else []
    runs = {name: _run(command + task + [path.name], path.parent, timeout)
            for name, command in (("problog", problog), ("problogic", problogic))}
    if any(code is None for code, _, _ in runs.values()):
        return {"verdict": "timeout", "runs": runs}
    ours, theirs = answers(runs["problogic"][1]), answers(runs["problog"][1])
    problog_failed = runs["problog"][0] != 0 or (not theirs and bool(runs["problog"][2].strip()))
    same = ours.keys() == theirs.keys() and all(abs(ours[k] - theirs[k]) <= 1e-6 for k in ours)
    return {"verdict": _verdict(problog_failed, runs["problogic"][0] != 0, same), "runs": runs}


def _compare_lfi(path: Path, examples: Path, problog, problogic, timeout: float) -> dict:
    runs, models = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        for name, command in (("problog", problog), ("problogic", problogic)):
            output = Path(folder) / f"{name}.pl"
            runs[name] = _run(command + ["lfi", path.name, examples.name, "-O", str(output)],
                              path.parent, timeout)
            models[name] = output.read_text() if output.exists() else None
    if any(code is None for code, _, _ in runs.values()):
        return {"verdict": "timeout", "runs": runs}
    theirs = learned(models["problog"]) if models["problog"] is not None else None
    ours = learned(models["problogic"]) if models["problogic"] is not None else None
    same = theirs is not None and ours is not None and len(theirs) == len(ours) and \
        all(abs(a - b) <= 1e-3 for a, b in zip(theirs, ours))
    return {"verdict": _verdict(theirs is None, ours is None, same), "runs": runs,
            "models": models}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.problog_suite",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--json", type=Path, help="write every output there")
    parser.add_argument("--problog", type=shlex.split, default=PROBLOG,
                        help="the ProbLog command (default: its console script's main, which "
                             "exits 1 on an error; 'python -m problog' exits 0)")
    parser.add_argument("--problogic", type=shlex.split, default=[sys.executable, "-m",
                                                                 "problogic"],
                        help="the problogic command (default: python -m problogic)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    programs = sorted(args.folder.rglob("*.pl"))
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: compare(p.resolve(), args.problog, args.problogic,
                                                  args.timeout), programs))
    counts = Counter(r["verdict"] for r in results)
    print("| verdict | programs |\n|---|---|")
    for verdict, count in counts.most_common():
        print(f"| {verdict} | {count} |")
    for path, result in zip(programs, results):
        if result["verdict"] not in ("same", "both refuse"):
            print(f"{result['verdict']}: {path.relative_to(args.folder)}")
    if args.json:
        args.json.write_text(json.dumps(
            {str(p.relative_to(args.folder)): r for p, r in zip(programs, results)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

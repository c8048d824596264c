"""The benchmark harness cannot rot: every registered family runs at its tiny size through the
same entry point as ``python -m benchmarks``, and the outputs are checked for shape.

The end-to-end test is strict about problogic (it must answer, status ok, and agree with
every baseline that answered); baselines that are not installed are allowed to be
``unavailable``, never missing.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # benchmarks/ is not an installed package
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import families  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    CaseResult,
    Settings,
    check_agreement,
    compare_answers,
    normalize_atom,
    read_results,
    run_family,
)
from benchmarks.report import markdown, matplotlib_available, ratio_cell, write_report  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STATUSES = {"ok", "disagree", "timeout", "error", "unavailable", "skipped"}
REQUIRED_FIELDS = {
    "family", "system", "size", "status", "reason", "time_s", "times_s", "phases_s", "answers",
    "stats", "timeout_s", "disagrees_with", "subject", "baseline", "run_id", "machine",
}  # fmt: skip


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def problog_backend_available(system: str) -> bool:
    if not _installed("problog"):
        return False
    import problog

    if system == "problog-sdd":
        return bool(problog.system_info.get("sdd_module"))
    if system == "problog-ddnnf":
        return bool(problog.system_info.get("c2d") or problog.system_info.get("dsharp"))
    return True


def test_registry_lists_the_program_families():
    registry = families.registry()
    assert {"counts", "sums", "graphs", "smokers"} <= set(registry)
    for family in registry.values():
        assert family.subject == "problogic"
        assert set(family.baselines) <= set(family.systems)
        for size_set in families.SIZE_SETS:
            sizes = family.sizes_for(size_set)
            assert sizes and list(sizes) == sorted(sizes)


@pytest.mark.parametrize("name", ["counts", "sums", "graphs", "smokers"])
def test_programs_are_deterministic_and_query_something(name):
    family = families.get(name)
    for size in family.sizes_for("quick"):
        text = family.program(size)
        assert text == family.program(size)
        assert "query(" in text


def test_counts_label_sums_to_n():
    from benchmarks.families.counts import program

    text = program(7)
    label = next(line for line in text.splitlines() if line.startswith("label :-"))
    counts = [int(k) for k in re.findall(r"cnt\(L, c\d, (\d+)\)", label)]
    assert len(counts) == 3
    assert sum(counts) == 7


@pytest.mark.parametrize("name", ["counts", "sums"])
def test_annotated_disjunctions_sum_to_one(name):
    from fractions import Fraction

    for line in families.get(name).program(5).splitlines():
        if line.count("::") > 1:
            total = sum(
                Fraction(part.split("::")[0].strip()) for part in line.rstrip(".").split(";")
            )
            assert total == 1, line


def test_atoms_compare_without_layout():
    assert normalize_atom("sum([0, 1, 2], 9)") == "sum([0,1,2],9)"
    assert normalize_atom("p('a b', c)") == "p('a b',c)"
    assert compare_answers({"sum([0, 1],9)": 0.5}, {"sum([0,1],9)": 0.5 + 1e-9}) < 1e-6
    assert compare_answers({"a": 0.5}, {"b": 0.5}) == float("inf")


def _result(system, status="ok", time_s=1.0, answers=None, **fields):
    return CaseResult(
        "counts",
        system,
        8,
        status,
        time_s=time_s,
        times_s=[time_s] if time_s else [],
        answers=answers or {},
        timeout_s=60.0,
        subject=system == "problogic",
        baseline=system != "problogic",
        **fields,
    )


def test_disagreement_marks_both_sides_and_reaches_the_table():
    results = [
        _result("problogic", answers={"label": 0.25}),
        _result("problog-sdd", answers={"label": 0.25 + 1e-3}),
        _result("problog-ddnnf", "timeout", None),
    ]
    check_agreement(results, 1e-6)
    assert [r.status for r in results] == ["disagree", "disagree", "timeout"]
    assert results[0].disagrees_with == ["problog-sdd"]
    assert results[0].max_abs_diff == pytest.approx(1e-3)
    table = markdown(results)
    assert "DISAGREE" in table
    assert "timeout (>60 s)" in table


def test_ratios_are_baseline_over_problogic_with_lower_bounds_for_timeouts():
    subject = _result("problogic", time_s=0.5)
    assert ratio_cell(_result("problog-sdd", time_s=2.0), subject) == "4×"
    assert ratio_cell(_result("problog-sdd", "timeout", None), subject) == ">120×"
    assert ratio_cell(_result("problog-sdd", "skipped", None), subject) == ">120×"
    assert ratio_cell(_result("problog-sdd", "unavailable", None), subject) == "—"
    assert ratio_cell(_result("problog-sdd"), _result("problogic", "error", None)) == "—"


def test_report_of_every_status(tmp_path):
    results = [
        _result("problogic", answers={"label": 0.1}, phases_s={"parse": 0.1, "evaluate": 0.2}),
        _result("problog-sdd", "timeout", None),
        _result("problog-ddnnf", "unavailable", None, reason="no dsharp"),
    ]
    results += [
        _result(r.system, s, None)
        for r, s in zip(results, ["error", "skipped", "unavailable"], strict=True)
    ]
    for r in results[3:]:
        r.size = 10
    paths = write_report(results, tmp_path)
    table = (tmp_path / "table.md").read_text()
    assert "| n | problogic | problog-sdd | problog-ddnnf |" in table
    assert "skipped" in table and "no dsharp" in table and "error" in table
    if matplotlib_available():
        assert (tmp_path / "counts.png").read_bytes().startswith(PNG_SIGNATURE)
        assert tmp_path / "counts.png" in paths


@pytest.mark.parametrize("system", ["problog-ddnnf", "problog-sdd"])
def test_timeout_is_a_result_and_larger_sizes_are_skipped(tmp_path, system):
    if not problog_backend_available(system):
        pytest.skip(f"{system} is not installed")
    # ProbLog takes seconds (SDD) to minutes (d-DNNF) on counts with n = 14
    settings = Settings(sizes=(14, 15), systems=(system,), timeout_s=0.5, repeats=1)
    results = run_family(families.get("counts"), settings, tmp_path)
    assert [(r.size, r.status) for r in results] == [(14, "timeout"), (15, "skipped")]
    assert "n=14" in results[1].reason


def test_a_case_that_runs_out_of_memory_is_an_error_not_a_crash(tmp_path):
    settings = Settings(sizes=(3,), systems=("problogic",), memory_limit_gib=0.03, repeats=1)
    [result] = run_family(families.get("counts"), settings, tmp_path)
    assert result.status == "error" and result.reason


def test_command_line_usage_errors():
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "no-such-family"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "unknown families" in run.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--list"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listing.returncode == 0 and "counts" in listing.stdout


def test_tiny_run_of_every_family(tmp_path):
    """The whole pipeline at the tiny sizes: worker subprocesses, JSON lines, table, plots."""
    registry = families.registry()
    command = [
        sys.executable,
        "-m",
        "benchmarks",
        "--sizes",
        "tiny",
        "--repeats",
        "1",
        "--timeout",
        "120",
        "--out",
        str(tmp_path),
    ]
    run = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200)

    results_path = tmp_path / "results.jsonl"
    lines = results_path.read_text().splitlines()
    for line in lines:
        assert REQUIRED_FIELDS <= set(json.loads(line)), line
    results = read_results(results_path)
    assert all(r.status in STATUSES for r in results)
    by_case = {(r.family, r.system, r.size): r for r in results}
    expected = {
        (f.name, s, n) for f in registry.values() for s in f.systems for n in f.sizes_for("tiny")
    }
    assert set(by_case) == expected, "every case must have exactly one row"

    machine = json.loads((tmp_path / "machine.json").read_text())
    assert machine["cores"] >= 1 and "torch" in machine and "device" in machine

    table = (tmp_path / "table.md").read_text()
    for family in registry.values():
        assert f"## {family.name}" in table
        if matplotlib_available():
            assert (tmp_path / f"{family.name}.png").read_bytes().startswith(PNG_SIGNATURE)

    for (family, system, size), result in sorted(by_case.items()):
        if result.subject or problog_backend_available(system):
            assert result.status == "ok", (
                f"{family} {system} n={size}: {result.status}: {result.reason}"
            )
            assert result.answers and result.time_s > 0
            assert all(0.0 <= p <= 1.0 + 1e-9 for p in result.answers.values())
        else:
            assert result.status == "unavailable", f"{family} {system}: {result.status}"
    assert run.returncode == 0, run.stderr[-3000:]

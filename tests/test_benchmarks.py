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


ALL_FAMILIES = {
    "counts", "sums", "graphs", "chains", "hmm", "smokers", "digit-addition", "hwf",
    "forth-sort", "forth-add", "vision-counts", "layers", "gpu", "aggregates", "facts",
}  # fmt: skip


def cuda_available() -> bool:
    if not _installed("torch"):
        return False
    import torch

    return torch.cuda.is_available()


def system_available(system: str) -> bool:
    """Whether a system can run here (baselines and devices may be missing)."""
    if system.startswith("problog-"):  # problog-sdd, problog-ddnnf, problog-enum (SDD)
        return problog_backend_available("problog-sdd" if system == "problog-enum" else system)
    if system == "deepproblog":
        return _installed("deepproblog")
    if system == "problogic-cuda":
        return cuda_available()
    return True


def test_registry_lists_every_family():
    registry = families.registry()
    assert ALL_FAMILIES <= set(registry)
    for family in registry.values():
        assert family.subject.startswith("problogic")
        assert set(family.baselines) <= set(family.systems)
        assert family.subject not in family.baselines
        for size_set in families.SIZE_SETS:
            sizes = family.sizes_for(size_set)
            assert sizes and list(sizes) == sorted(sizes)


@pytest.mark.parametrize("name", ["counts", "sums", "graphs", "chains", "hmm", "smokers",
                                  "facts"])
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


def test_answers_compare_absolutely_below_one_relatively_above_and_not_when_empty():
    assert compare_answers({"a": 0.2}, {"a": 0.3}) == pytest.approx(0.1)
    assert compare_answers({"log p": -200.0}, {"log p": -200.002}) == pytest.approx(1e-5, rel=1e-3)
    assert compare_answers({}, {"a": 0.5}) is None
    results = [_result("problogic", answers={}), _result("problog-sdd", answers={"a": 0.1})]
    check_agreement(results, 1e-6)
    assert [r.status for r in results] == ["ok", "ok"]


def test_a_system_the_family_does_not_run_is_skipped_with_its_reason(tmp_path):
    family = families.get("digit-addition")
    assert family.not_run("problogic-carry", 15) is None
    reason = family.not_run("deepproblog", 15)
    assert reason and "carry" in reason
    settings = Settings(sizes=(15,), systems=("problogic", "deepproblog"), repeats=1)
    results = run_family(family, settings, tmp_path)
    assert [(r.system, r.status, r.timeout_s) for r in results] == [
        ("problogic", "skipped", None), ("deepproblog", "skipped", None),
    ]  # fmt: skip
    assert not list(tmp_path.glob("*.jsonl")), "no worker may start"
    table = markdown(results, size_labels={"digit-addition": "N"})
    assert "problogic not run at N = 15: the accumulator program" in table
    assert ">" not in "".join(line for line in table.splitlines() if line.startswith("| 15"))


def test_vision_programs_state_the_same_label():
    from benchmarks.families._vision import count_program, enumeration_program, instance

    rows, counts = instance(7, 4)
    assert len(rows) == 7 and all(len(row) == 4 for row in rows) and sum(counts) == 7
    for row in rows:
        assert sum(round(float(p) * 1000) for p in row) == 1000
    count, enumeration = count_program(7, 4), enumeration_program(7, 4)
    label = f"[{','.join(map(str, counts))}]"
    assert label in count and label in enumeration
    assert "roll(img,6,c3)" in enumeration and "cls(6,c3)" in count
    assert count == count_program(7, 4)
    with pytest.raises(ValueError, match="K >= 2"):
        instance(3, 1)


@pytest.mark.skipif(not _installed("problog"), reason="problog is not installed")
def test_vision_programs_agree_with_each_other_and_with_enumeration():
    """The recursive count and ProbKT's enumeration give P(label) by brute force."""
    import itertools
    import math

    from benchmarks.families._vision import count_program, enumeration_program, instance
    from benchmarks.systems import run_problogic

    rows, counts = instance(4, 3)
    exact = sum(
        math.prod(float(rows[i][c]) for i, c in enumerate(world))
        for world in itertools.product(range(3), repeat=4)
        if [world.count(c) for c in range(3)] == list(counts)
    )
    from problog import get_evaluatable
    from problog.program import PrologString

    for text in (count_program(4, 3), enumeration_program(4, 3)):
        [value] = get_evaluatable().create_from(PrologString(text)).evaluate().values()
        assert value == pytest.approx(exact, abs=1e-12)
    assert run_problogic(count_program(4, 3)).answers["label"] == pytest.approx(exact, abs=1e-12)


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
    """The whole pipeline at the tiny sizes: worker subprocesses, JSON lines, table, plots.

    Two runs side by side (the program families, and the others), so that a machine with a
    free core finishes sooner: most of a tiny case is its worker importing torch."""
    registry = families.registry()
    groups = [
        [name for name, family in registry.items() if family.program is not None and
         not name.startswith("vision")],
        [name for name, family in registry.items() if family.program is None or
         name.startswith("vision")],
    ]  # fmt: skip
    assert sorted(groups[0] + groups[1]) == sorted(registry)
    runs = []
    for index, group in enumerate(groups):
        out = tmp_path / f"run{index}"
        command = [sys.executable, "-m", "benchmarks", *group, "--sizes", "tiny",
                   "--repeats", "1", "--timeout", "120", "--out", str(out)]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        runs.append((group, out, process))
    for group, out, process in runs:
        _, stderr = process.communicate(timeout=1200)
        assert process.returncode == 0, stderr[-3000:]
        _check_tiny_run([registry[name] for name in group], out)


def _check_tiny_run(chosen, out):
    results_path = out / "results.jsonl"
    lines = results_path.read_text().splitlines()
    for line in lines:
        assert REQUIRED_FIELDS <= set(json.loads(line)), line
    results = read_results(results_path)
    assert all(r.status in STATUSES for r in results)
    by_case = {(r.family, r.system, r.size): r for r in results}
    expected = {(f.name, s, n) for f in chosen for s in f.systems for n in f.sizes_for("tiny")}
    assert set(by_case) == expected, "every case must have exactly one row"

    machine = json.loads((out / "machine.json").read_text())
    assert machine["cores"] >= 1 and "torch" in machine and "device" in machine

    table = (out / "table.md").read_text()
    for family in chosen:
        assert f"## {family.name}" in table
        if matplotlib_available():
            assert (out / f"{family.name}.png").read_bytes().startswith(PNG_SIGNATURE)

    programs = {f.name for f in chosen if f.program is not None}
    for (family, system, size), result in sorted(by_case.items()):
        if system_available(system):
            assert result.status == "ok", (
                f"{family} {system} n={size}: {result.status}: {result.reason}"
            )
            assert result.answers and result.time_s > 0
            if family in programs:  # probabilities; gpu answers log P
                assert all(0.0 <= p <= 1.0 + 1e-9 for p in result.answers.values())
        else:
            assert result.status == "unavailable", f"{family} {system}: {result.status}"
    if "vision-counts" in programs:  # what the families measure besides time reaches the table
        assert "images_per_s" in table
    if any(f.name == "digit-addition" for f in chosen):
        assert "rss_mb" in table and "test_sum_accuracy" not in table  # tiny runs no test


def test_readme_section_replaces_only_the_marked_text(tmp_path):
    from benchmarks.report import README_END, README_START, readme_section, update_readme

    readme = tmp_path / "README.md"
    readme.write_text(f"# P\n\nbefore\n{README_START}\nold table\n{README_END}\nafter\n")
    results = [_result("problogic", answers={"a": 0.5}, phases_s={"parse": 0.1})]
    section = readme_section(results, command="python -m benchmarks --quick")
    assert "### counts" in section and "Phase times" not in section
    update_readme(readme, section)
    text = readme.read_text()
    assert "old table" not in text and "### counts" in text
    assert text.startswith("# P\n\nbefore\n") and text.endswith(f"{README_END}\nafter\n")
    readme.write_text("no markers")
    with pytest.raises(ValueError, match="markers"):
        update_readme(readme, section)


def _addition_case(system, query_mode="ground", native=False, epoch_s=1.0, warm_ms=1.0):
    updates = [epoch_s / 1500 * 1e3] * 1500
    return {"case": {"system": system, "digits": 1, "program": "accumulator",
                     "query_mode": query_mode, "native_conv": native},
            "status": "ok", "epoch_complete": True, "epoch_shapes": 19,
            "rss_mb": {"start": 100.0},
            "cold": {"updates": 1500, "wall_s": epoch_s, "update_ms": updates, "shapes": 19,
                     "rss_trace": [{"updates": 1500, "examples": 3000, "shapes": 19,
                                    "cached_circuits": 19, "rss_mb": 120.0}]},
            "warm": {"mean_ms": warm_ms}}


def test_the_digit_addition_report_pairs_each_case_with_its_convolution_backend():
    from benchmarks.digit_addition import _fastest
    from benchmarks.digit_addition_report import markdown as addition_markdown, summarise

    assert _fastest([{"mean_ms": 2.0}, {"mean_ms": 1.5}, {"mean_ms": 3.0}]) == {
        "mean_ms": 1.5, "pass_means_ms": [2.0, 1.5, 3.0]}
    assert _fastest([]) == {"count": 0}
    results = {"config": {"train_size": 3000, "batch_size": 2, "test_size": 1000, "lr": 1e-3,
                          "seed": 0},
               "cases": [_addition_case("ours", "answers", epoch_s=2.0, warm_ms=1.25),
                         _addition_case("deepproblog", epoch_s=50.0, warm_ms=30.0),
                         _addition_case("ours", "answers", native=True, epoch_s=1.0),
                         _addition_case("deepproblog", native=True, epoch_s=40.0)]}
    results["summary"] = summary = summarise(results)
    row = summary["accumulator"][1]
    assert row["ratios_ours_answers"]["epoch_s"] == pytest.approx(25.0)
    assert row["ratios_ours_answers"]["warm_update_ms"] == pytest.approx(24.0)
    assert row["ratios_ours_answers_native"]["epoch_s"] == pytest.approx(40.0)
    text = addition_markdown(results)
    assert "N=1, problogic (sum unbound): epoch time 25.0x" in text
    assert "N=1, problogic (sum unbound), native convolutions: epoch time 40.0x" in text


def test_the_digit_addition_report_gives_each_paired_round_its_ratio():
    # Paired cases (DeepProbLog and problogic in one process, alternating passes): a ratio
    # per round, their median and the ratio of the fastest passes; a case without rounds
    # says why.
    from benchmarks.digit_addition_report import markdown as addition_markdown, summarise

    rounds = [{"deepproblog": 160.0, "ours": 1.6, "ours_answers": 2.0},
              {"deepproblog": 150.0, "ours": 1.5, "ours_answers": 1.5},
              {"deepproblog": 200.0, "ours": 4.0, "ours_answers": 2.5}]
    results = {"config": {"train_size": 3000, "batch_size": 2, "test_size": 1000, "lr": 1e-3,
                          "seed": 0},
               "cases": [{"case": {"system": "paired", "digits": 2, "program": "accumulator"},
                          "status": "ok", "rounds": [{"update_ms": r} for r in rounds]},
                         {"case": {"system": "paired", "digits": 1, "program": "accumulator"},
                          "status": "unavailable", "reason": "No module named 'deepproblog'"}]}
    results["summary"] = summary = summarise(results)
    paired = summary["paired"][2]
    assert paired["ours"]["ratios"] == pytest.approx([100.0, 100.0, 50.0])
    assert paired["ours"]["median_ratio"] == pytest.approx(100.0)
    assert paired["ours"]["fastest_ratio"] == pytest.approx(100.0)
    assert paired["ours_answers"]["median_ratio"] == pytest.approx(80.0)
    text = addition_markdown(results)
    assert "| 2 | problogic | 1.60, 1.50, 4.00 | 100x, 100x, 50x | 100x | 100x |" in text
    assert "| 1 | - | unavailable: No module named 'deepproblog' | - | - | - |" in text


def test_pseudo_box_quality_matches_each_true_box_once():
    from problogic_vision.data.records import SceneRecord

    from benchmarks.probkt_pseudo import round_quality

    truth = SceneRecord("t.png", 32, 32, [[0, 0, 10, 10], [20, 20, 30, 30]], [0, 1], [1, 1])
    pseudo = [
        # both boxes found, one with the wrong class
        SceneRecord("p.png", 32, 32, [[0, 0, 10, 9], [20, 21, 30, 30]], [0, 0], [2, 0]),
        # the same true box twice: the second is unmatched, the other true box left over
        SceneRecord("p.png", 32, 32, [[0, 0, 10, 10], [1, 0, 10, 10]], [0, 0], [2, 0]),
        SceneRecord("p.png", 32, 32, [[0, 0, 10, 10], [20, 20, 30, 30]], [0, 1], [1, 1]),
    ]
    assert round_quality(pseudo, lambda record: truth) == dict(
        images=3, pseudo_boxes=6, true_boxes=6, matched=5, right=4, images_right=1)


def test_probkt_report_rebuilds_the_committed_table(tmp_path):
    """``python -m benchmarks.probkt --report-only`` reads the committed results."""
    import shutil

    from benchmarks.probkt import report

    committed = REPO_ROOT / "benchmarks" / "results" / "probkt"
    rows = sorted(committed.glob("*.json"))
    assert rows
    for path in rows:
        shutil.copy(path, tmp_path)
    assert report(tmp_path) == (committed / "table.md").read_text()
    table = (tmp_path / "table.md").read_text()
    assert len(table.splitlines()) > 2 + len(rows)  # every run gives a row per stage


@pytest.mark.skipif(not _installed("problog"), reason="problog is not installed")
def test_problog_suite_sorts_programs_by_verdict(tmp_path, capsys):
    """benchmarks.problog_suite: one program of each verdict, an lfi test with examples."""
    from benchmarks.problog_suite import main

    (tmp_path / "same.pl").write_text("0.3::a. b :- \\+a. q(X) :- X = f(_).\n"
                                      "query(b). query(q(_)).")
    (tmp_path / "refused.pl").write_text("query(undefined_thing).")
    (tmp_path / "ours.pl").write_text(":- dynamic(f/1).\nquery(f(_)).")  # ProbLog: no dynamic/1
    (tmp_path / "differ.pl").write_text("r(a). r(b). r(a).\ns(L) :- findall(X, r(X), L).\n"
                                        "query(s(_)).")  # ProbLog keeps the duplicate
    (tmp_path / "learn.pl").write_text("t(_)::a. t(_)::b.")
    (tmp_path / "learn.ev").write_text("evidence(a).\n---\nevidence(a).\nevidence(b, false).")
    assert main([str(tmp_path), "--json", str(tmp_path / "out.json")]) == 0
    out = capsys.readouterr().out
    assert "| same | 2 |" in out and "| both refuse | 1 |" in out
    assert "differ: differ.pl" in out and "only problog refuses: ours.pl" in out
    verdicts = {name: r["verdict"]
                for name, r in json.loads((tmp_path / "out.json").read_text()).items()}
    assert verdicts["learn.pl"] == "same" and verdicts["same.pl"] == "same"

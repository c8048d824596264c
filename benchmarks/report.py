"""results.jsonl to a Markdown table (table.md) and one plot per family (<family>.png).

The headline is the ratio baseline time / problogic time at each size, both measured in the
same run on the same machine (a ratio above 1 means problogic is faster). A baseline that
timed out (or was skipped after timing out at a smaller size) gives a lower bound, ``>N×``.
Times are medians of the repeats of a case.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from pathlib import Path

from benchmarks.harness import ANSWERED, CaseResult
from benchmarks.systems import PHASES


def _seconds(value: float) -> str:
    if value >= 100:
        return f"{value:.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 0.001:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def _ratio(value: float) -> str:
    return f"{value:.0f}×" if value >= 100 else f"{value:.3g}×"


def cell(result: CaseResult | None) -> str:
    if result is None:
        return ""
    if result.status == "ok":
        return _seconds(result.time_s)
    if result.status == "disagree":
        return f"{_seconds(result.time_s)} **DISAGREE**"
    if result.status == "timeout":
        return f"timeout (>{result.timeout_s:g} s)"
    return result.status


def ratio_cell(baseline: CaseResult | None, subject: CaseResult | None) -> str:
    if baseline is None or subject is None or subject.status not in ANSWERED or not subject.time_s:
        return "—"
    if baseline.status in ANSWERED:
        text = _ratio(baseline.time_s / subject.time_s)
        return f"{text} DISAGREE" if "disagree" in (baseline.status, subject.status) else text
    if baseline.status in ("timeout", "skipped") and baseline.timeout_s:
        return f">{_ratio(baseline.timeout_s / subject.time_s)}"
    return "—"


def _by_family(results: list[CaseResult]) -> dict[str, list[CaseResult]]:
    grouped: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        grouped[result.family].append(result)
    return grouped


def _systems(results: list[CaseResult]) -> tuple[str | None, list[str], list[str]]:
    """(subject, baselines, all systems in first-seen order)."""
    systems = list(dict.fromkeys(r.system for r in results))
    subject = next((r.system for r in results if r.subject), None)
    baselines = list(dict.fromkeys(r.system for r in results if r.baseline))
    return subject, baselines, systems


def family_table(results: list[CaseResult], size_label: str = "n") -> list[str]:
    subject, baselines, systems = _systems(results)
    table = {(r.size, r.system): r for r in results}
    sizes = sorted({r.size for r in results})
    header = [size_label] + systems + [f"{b} / {subject}" for b in baselines if subject]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for size in sizes:
        row = [str(size)] + [cell(table.get((size, s))) for s in systems]
        if subject:
            row += [ratio_cell(table.get((size, b)), table.get((size, subject))) for b in baselines]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _differs(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) > 1e-9 * max(abs(a), abs(b), 1.0)


def phase_table(results: list[CaseResult], size_label: str = "n") -> list[str]:
    answered = [r for r in results if r.status in ANSWERED and r.phases_s]
    if not answered:
        return []
    present = {p for r in answered for p in r.phases_s}
    phases = [p for p in PHASES if p in present] + sorted(present - set(PHASES))
    with_wall = any(_differs(r.wall_s, r.time_s) for r in answered)
    header = [size_label, "system"] + phases + ["headline"] + (["wall"] if with_wall else [])
    header.append("runs")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in sorted(answered, key=lambda r: (r.size, r.system)):
        row = [str(r.size), r.system]
        row += [_seconds(r.phases_s[p]) if p in r.phases_s else "" for p in phases]
        row.append(_seconds(r.time_s))
        if with_wall:
            row.append(_seconds(r.wall_s) if r.wall_s is not None else "")
        row.append(str(len(r.times_s)))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _metric(value: float) -> str:
    if value == 0 or 0.001 <= abs(value) < 1e5:
        return f"{value:.4g}"
    return f"{value:.3g}"


def metrics_table(results: list[CaseResult], size_label: str = "n") -> list[str]:
    """Per case, what a family measures besides time (accuracy, memory, throughput)."""
    measured = [r for r in results if r.status in ANSWERED and r.metrics]
    if not measured:
        return []
    names = list(dict.fromkeys(m for r in measured for m in r.metrics))
    header = [size_label, "system"] + names
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in sorted(measured, key=lambda r: (r.size, r.system)):
        row = [str(r.size), r.system]
        row += [_metric(r.metrics[m]) if m in r.metrics else "" for m in names]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _problems(results: list[CaseResult], size_label: str = "n") -> list[str]:
    notes = []
    seen_unavailable = set()
    not_run: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in results:
        if r.status == "skipped" and r.timeout_s is None:  # the family does not run it there
            not_run[(r.system, r.reason)].append(r.size)
        elif r.status == "unavailable":
            if r.system not in seen_unavailable:
                notes.append(f"- {r.system}: unavailable: {r.reason}")
                seen_unavailable.add(r.system)
        elif r.status in ("error", "disagree"):
            diff = f" (max |Δ| = {r.max_abs_diff:.3g})" if r.max_abs_diff is not None else ""
            notes.append(f"- {size_label}={r.size} {r.system}: {r.status}: {r.reason}{diff}")
    for (system, reason), sizes in not_run.items():
        where = ", ".join(map(str, sizes))
        notes.append(f"- {system} not run at {size_label} = {where}: {reason}")
    return notes


def markdown(
    results: list[CaseResult],
    machine: dict | None = None,
    command: str = "",
    size_labels: dict[str, str] | None = None,
    descriptions: dict[str, str] | None = None,
    time_labels: dict[str, str] | None = None,
    *,
    title: str = "# Benchmark results",
    phases: bool = True,
) -> str:
    """The report: per family its table, problems and metrics, then (``phases``) the phase
    times. Families are ``##`` sections under ``title`` (``###`` when ``title`` is empty, for
    embedding in a document whose section this is)."""
    level = "##" if title else "###"
    size_labels = size_labels or {}
    descriptions = descriptions or {}
    time_labels = time_labels or {}
    lines = [title, ""] if title else []
    if command:
        lines += [f"Command: `{command}`", ""]
    if machine:
        torch = machine.get("torch") or "not installed"
        lines += [
            f"Machine: {machine.get('cores')} cores ({machine.get('cpu')}), "
            f"{machine.get('memory_gib')} GiB, Python {machine.get('python')}, torch {torch}, "
            f"device {machine.get('device')}.",
            "",
        ]
    lines += [
        "Times are medians over repeats, excluding process start, imports and a warm-up run;",
        "each family says what its time measures. `B / S` is baseline time over subject time",
        "in the same run (above 1: the subject, problogic, is faster; `>N×`: the baseline ran",
        "out of time). **DISAGREE** marks answers differing by more than the tolerance between",
        "systems that both answered.",
        "",
    ]
    for family, family_results in _by_family(results).items():
        label = size_labels.get(family, "n")
        lines += [f"{level} {family}", ""]
        if descriptions.get(family):
            lines += [descriptions[family], ""]
        if time_labels.get(family):
            lines += [f"Time: {time_labels[family]}.", ""]
        lines += family_table(family_results, label) + [""]
        problems = _problems(family_results, label)
        if problems:
            lines += problems + [""]
        metrics = metrics_table(family_results, label)
        if metrics:
            lines += metrics + [""]
    phase_sections = []
    for family, family_results in _by_family(results).items() if phases else ():
        rows = phase_table(family_results, size_labels.get(family, "n"))
        if rows:
            phase_sections += [f"### {family}", ""] + rows + [""]
    if phase_sections:
        lines += ["## Phase times (medians)", ""] + phase_sections
    return "\n".join(lines).rstrip() + "\n"


MARKERS = {"timeout": "x", "skipped": None, "error": "X", "disagree": "D"}


def plot_family(
    family: str,
    results: list[CaseResult],
    path: Path,
    size_label: str = "n",
    title: str = "",
    time_label: str = "",
) -> None:
    """Time against size, log time axis, one line per system; time-outs drawn at the limit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    systems = list(dict.fromkeys(r.system for r in results))
    limits = [r.timeout_s for r in results if r.timeout_s]
    for index, system in enumerate(systems):
        color = f"C{index}"
        own = sorted((r for r in results if r.system == system), key=lambda r: r.size)
        answered = [r for r in own if r.status in ANSWERED and r.time_s]
        ax.plot(
            [r.size for r in answered],
            [max(r.time_s, 1e-6) for r in answered],
            marker="o",
            color=color,
            label=system,
        )
        timeouts = [r for r in own if r.status == "timeout" and r.timeout_s]
        if timeouts:
            ax.scatter(
                [r.size for r in timeouts],
                [r.timeout_s for r in timeouts],
                marker="x",
                s=80,
                color=color,
                label=f"{system} timeout",
                zorder=3,
            )
        failed = [r for r in own if r.status == "error"]
        if failed:  # at the bottom edge: an error has no time
            ax.scatter(
                [r.size for r in failed],
                [0.03] * len(failed),
                marker="X",
                s=60,
                color=color,
                label=f"{system} error",
                zorder=3,
                transform=ax.get_xaxis_transform(),
                clip_on=False,
            )
        wrong = [r for r in answered if r.status == "disagree"]
        if wrong:
            ax.scatter(
                [r.size for r in wrong],
                [r.time_s for r in wrong],
                marker="D",
                s=70,
                facecolors="none",
                edgecolors="red",
                label=f"{system} DISAGREE",
                zorder=4,
            )
    if limits:
        ax.axhline(max(limits), color="grey", linestyle=":", linewidth=1, label="time limit")
    ax.set_yscale("log")
    ax.set_xlabel(size_label)
    lines = textwrap.wrap(time_label, 55) if time_label else ["time (s, median)"]
    if len(lines) > 3:
        lines = lines[:2] + [_shorten(" ".join(lines[2:]), 55)]
    ax.set_ylabel("\n".join(lines), fontsize=7)
    ax.set_title(family, fontsize=12, loc="left")
    if title:
        ax.set_title(title, fontsize=8, loc="right")
    sizes = sorted({r.size for r in results})
    if sizes and sizes[0] > 0 and sizes[-1] / sizes[0] >= 50:  # e.g. circuit sizes 1e3..1e5
        ax.set_xscale("log")
    elif len(sizes) <= 16:
        ax.set_xticks(sizes)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def write_report(
    results: list[CaseResult], out_dir: Path, machine: dict | None = None, command: str = ""
) -> list[Path]:
    """Write table.md and one PNG per family (if matplotlib is installed); returns the paths."""
    from benchmarks.families import registry

    families = registry()
    labels = {name: f.size_label for name, f in families.items()}
    descriptions = {name: f.description for name, f in families.items()}
    time_labels = {name: f.time_label for name, f in families.items()}
    order = {name: i for i, name in enumerate(families)}
    results = sorted(results, key=lambda r: (order.get(r.family, len(order)), r.family, r.size))
    written = []
    table = out_dir / "table.md"
    text = markdown(results, machine, command, labels, descriptions, time_labels)
    table.write_text(text, encoding="utf-8")
    written.append(table)
    if matplotlib_available():
        for family, family_results in _by_family(results).items():
            path = out_dir / f"{family}.png"
            plot_family(
                family,
                family_results,
                path,
                labels.get(family, "n"),
                _shorten(descriptions.get(family, ""), 70),
                time_labels.get(family, ""),
            )
            written.append(path)
    return written


README_START = "<!-- benchmarks:start (python -m benchmarks --report-only --readme README.md) -->"
README_END = "<!-- benchmarks:end -->"


def readme_section(
    results: list[CaseResult], machine: dict | None = None, command: str = ""
) -> str:
    """The per-family tables, problems and metrics, without phase times, for README.md."""
    from benchmarks.families import registry

    families = registry()
    order = {name: i for i, name in enumerate(families)}
    results = sorted(results, key=lambda r: (order.get(r.family, len(order)), r.family, r.size))
    return markdown(
        results,
        machine,
        command,
        {name: f.size_label for name, f in families.items()},
        {name: f.description for name, f in families.items()},
        {name: f.time_label for name, f in families.items()},
        title="",
        phases=False,
    )


def update_readme(path: Path, section: str) -> None:
    """Replace the text between the benchmark markers of ``path`` with ``section``."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"{path} has no {README_START!r} ... {README_END!r} markers")
    head = text[: start + len(README_START)]
    path.write_text(head + "\n\n" + section.strip() + "\n\n" + text[end:], encoding="utf-8")

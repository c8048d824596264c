"""The digit-addition benchmark's summary: ratios measured in one run, and its Markdown."""

from __future__ import annotations

import math
import statistics


def _find(results: dict, system: str, digits: int, program: str = "accumulator",
          query_mode: str = "ground", native_conv: bool = False):
    for case in results["cases"]:
        c = case.get("case", {})
        if (c.get("system"), c.get("digits"), c.get("program"), c.get("query_mode", "ground"),
                c.get("native_conv", False)) == (system, digits, program, query_mode,
                                                  native_conv):
            return case
    return None


# Our accumulator variants: the sum bound in the query (one circuit per sum, as DeepProbLog
# does) or left unbound (one circuit whose roots are every sum, each example's selected);
# (query mode, native convolutions). Each is compared with DeepProbLog's case of the same
# convolution backend.
OURS = {"ours": ("ground", False), "ours_answers": ("answers", False),
        "ours_answers_native": ("answers", True)}
DEEPPROBLOG = {"deepproblog": False, "deepproblog_native": True}
NAMES = {"ours": "problogic", "ours_answers": "problogic (sum unbound)",
         "ours_answers_native": "problogic (sum unbound), native convolutions",
         "deepproblog": "DeepProbLog", "deepproblog_native": "DeepProbLog, native convolutions"}


# The problogic variants of a paired case (benchmarks/digit_addition_paired.py): label: mode
PAIRED = {"ours": "ground", "ours_answers": "answers"}


def _baseline(label: str) -> str:
    """The DeepProbLog case an ``OURS`` label is compared with."""
    return "deepproblog_native" if OURS[label][1] else "deepproblog"


def _get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d or d[k] is None:
            return None
        d = d[k]
    return d


def _epoch_estimate(case: dict, batches: int) -> tuple[float | None, bool]:
    """(seconds for one epoch, extrapolated?). Measured when the case ran the whole epoch;
    otherwise extrapolated from its own measurements: (shapes the epoch needs) x (cold cost
    per new shape, the cold pass less its updates at the warm cost) + updates x warm cost."""
    cold = case.get("cold") or {}
    if case.get("epoch_complete"):
        return cold.get("wall_s"), False
    done = cold.get("updates") or 0
    warm_ms = _get(case, "warm", "mean_ms")
    shapes = cold.get("shapes", cold.get("cached_circuits"))
    if not done or warm_ms is None or not shapes:
        return None, True
    per_shape = max(0.0, cold["wall_s"] - done * warm_ms / 1e3) / shapes
    return case.get("epoch_shapes", shapes) * per_shape + batches * warm_ms / 1e3, True


def _ratios(o: dict, d: dict, ours: dict, dpl: dict) -> dict:
    """DeepProbLog / problogic for one of our variants ``o`` (its case ``ours``)."""
    ratios = {}
    for key in ("epoch_s", "warm_update_ms", "test_per_example_ms"):
        if o.get(key) and d.get(key):
            ratios[key] = d[key] / o[key]
    k = min(len(o["update_ms"]), len(d["update_ms"]))
    if k:  # the same first k updates (the same batches) on both sides
        o["first_updates_ms"] = sum(o["update_ms"][:k]) / k
        d["first_updates_ms"] = sum(d["update_ms"][:k]) / k
        ratios["first_updates_ms"] = d["first_updates_ms"] / o["first_updates_ms"]
        ratios["first_updates"] = o["first_updates_k"] = d["first_updates_k"] = k
    o_hits = _get(ours, "test", "hits")
    d_hits = _get(dpl, "test", "hits")
    if o_hits and d_hits and o["epoch_complete"] and d["epoch_complete"]:
        # the same training, on the same test examples (DeepProbLog's may be fewer)
        k = min(len(o_hits), len(d_hits))
        o["test_sum_accuracy_same_examples"] = o_hits[:k].count("1") / k
        d["test_sum_accuracy_same_examples"] = d_hits[:k].count("1") / k
        ratios["accuracy_points"] = 100 * (o_hits[:k].count("1") - d_hits[:k].count("1")) / k
        ratios["accuracy_examples"] = k
    if d["status"] == "timeout" and not d.get("updates_measured") and o["update_ms"]:
        ratios["first_update_lower_bound"] = d["process_wall_s"] / (o["update_ms"][0] / 1e3)
    return ratios


def summarise_paired(case: dict) -> dict:
    """Per problogic variant: each round's ratio DeepProbLog / problogic, their median, and
    the ratio of each side's fastest pass; with every mean update time."""
    rounds = [r["update_ms"] for r in case.get("rounds") or []]
    if not rounds:
        return {}
    deepproblog = [r["deepproblog"] for r in rounds]
    out = {"rounds": len(rounds), "deepproblog_ms": deepproblog}
    for label in PAIRED:
        ours = [r[label] for r in rounds if label in r]
        if len(ours) != len(rounds):
            continue
        ratios = [d / o for d, o in zip(deepproblog, ours)]
        out[label] = {"update_ms": ours, "ratios": ratios,
                      "median_ratio": statistics.median(ratios),
                      "fastest_ratio": min(deepproblog) / min(ours)}
    return out


def summarise(results: dict) -> dict:
    config = results["config"]
    batches = math.ceil(config["train_size"] / config["batch_size"])
    rows = {}
    for n in (1, 2, 3, 4):
        found = {label: _find(results, "ours", n, query_mode=mode, native_conv=native)
                 for label, (mode, native) in OURS.items()}
        found.update({label: _find(results, "deepproblog", n, native_conv=native)
                      for label, native in DEEPPROBLOG.items()})
        row: dict = {}
        for label, case in found.items():
            if case is None:
                continue
            epoch, extrapolated = _epoch_estimate(case, batches)
            cold = case.get("cold") or {}
            trace = cold.get("rss_trace") or []
            row[label] = {
                "status": case.get("status"),
                "epoch_s": epoch, "epoch_extrapolated": extrapolated,
                "epoch_update_ms": 1e3 * epoch / batches if epoch else None,
                "warm_update_ms": _get(case, "warm", "mean_ms"),
                "updates_measured": cold.get("updates", 0),
                "test_sum_accuracy": _get(case, "test", "sum_accuracy"),
                "test_examples": _get(case, "test", "examples"),
                "test_per_example_ms": (_get(case, "test", "model_scored", "per_example_ms")
                                        if label in OURS else
                                        _get(case, "test", "per_example_ms")),
                "rss_start_mb": _get(case, "rss_mb", "start"),
                "rss_trace": [(t["examples"], round(t["rss_mb"], 1)) for t in trace],
                "cached": trace[-1].get("shapes", trace[-1].get("cached_circuits"))
                if trace else None,
                "process_wall_s": case.get("process_wall_s"),
                "reason": case.get("reason"),
                "update_ms": cold.get("update_ms") or [],
                "epoch_complete": bool(case.get("epoch_complete")),
            }
            if label in OURS and cold.get("shapes") and "compile_total_s" in cold:
                # per shape, not per update: an update may compile two
                row[label]["compile_per_shape_s"] = cold["compile_total_s"] / cold["shapes"]
            row[label]["epoch_shapes"] = case.get("epoch_shapes")
            if label in DEEPPROBLOG and len(trace) >= 1 and cold.get("updates"):
                first = case["rss_mb"]["start"]
                per = (trace[-1]["rss_mb"] - first) / max(1, trace[-1]["cached_circuits"])
                row[label]["rss_per_cached_circuit_mb"] = per
                row[label]["epoch_rss_growth_mb_extrapolated"] = per * case["epoch_shapes"]
        for label in OURS:
            baseline = _baseline(label)
            if label in row and baseline in row:
                row["ratios" if label == "ours" else f"ratios_{label}"] = _ratios(
                    row[label], row[baseline], found[label], found[baseline])
        rows[n] = row
    carry = {}
    for n in sorted({c["case"]["digits"] for c in results["cases"]
                     if c.get("case", {}).get("program") == "carry"}):
        case = _find(results, "ours", n, "carry")
        epoch, extrapolated = _epoch_estimate(case, batches)
        carry[n] = {"status": case.get("status"), "epoch_s": epoch,
                    "epoch_extrapolated": extrapolated,
                    "warm_update_ms": _get(case, "warm", "mean_ms"),
                    "compile_s": _get(case, "cold", "compile_total_s"),
                    "circuit_nodes": _get(case, "circuits", "max_nodes"),
                    "circuit_edges": _get(case, "circuits", "max_edges"),
                    "test": case.get("test")}
    paired = {}
    for n in (1, 2, 3, 4):
        case = _find(results, "paired", n)
        if case is not None:
            paired[n] = {"status": case.get("status"), "reason": case.get("reason"),
                         **summarise_paired(case)}
    return {"accumulator": rows, "carry": carry, "paired": paired}


def _fmt(value, spec: str = ".3g", suffix: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:{spec}}{suffix}"


def _load_range(results: dict) -> str:
    loads = [c["load_average_start"] for c in results["cases"] if c.get("load_average_start")]
    return f"{min(loads):.1f} to {max(loads):.1f}" if loads else "unknown"


def _ratio_text(row: dict, label: str, ratios: dict) -> str:
    parts, baseline = [], _baseline(label)
    names = {"epoch_s": "epoch time", "first_updates_ms": "first updates",
             "warm_update_ms": "warm update", "test_per_example_ms": "test per example"}
    for key, name in names.items():
        if key in ratios:
            extra = " (extrapolated)" if key == "epoch_s" and (
                row[label]["epoch_extrapolated"] or row[baseline]["epoch_extrapolated"]) \
                else ""
            parts.append(f"{name} {ratios[key]:.1f}x{extra}")
    if "accuracy_points" not in ratios and row[label].get("test_sum_accuracy") is not None:
        parts.append("test accuracy not compared (DeepProbLog did not train the whole epoch)")
    if "accuracy_points" in ratios:
        parts.append(f"test sum accuracy problogic - DeepProbLog "
                     f"{ratios['accuracy_points']:+.1f} points on the same "
                     f"{ratios['accuracy_examples']} examples ("
                     f"{100 * row[label]['test_sum_accuracy_same_examples']:.1f}% vs "
                     f"{100 * row[baseline]['test_sum_accuracy_same_examples']:.1f}%)")
    if ratios.get("first_update_lower_bound"):
        parts.append(f"first update > {ratios['first_update_lower_bound']:.1f}x "
                     "(DeepProbLog did not finish it)")
    return ", ".join(parts)


def markdown(results: dict) -> str:
    s = results["summary"]
    c = results["config"]
    machine = results.get("machine", {})
    lines = [
        "# Digit addition: problogic.Model vs DeepProbLog (ExactEngine)", "",
        f"scikit-learn 8x8 digits, {c['train_size']} training / {c['test_size']} test "
        f"examples, batch {c['batch_size']}, Adam lr {c['lr']}, one torch thread, seed "
        f"{c['seed']}; machine: {machine.get('cpu', '?')} ({machine.get('cores', '?')} "
        "cores, load average at the start of the cases "
        f"{_load_range(results)}). Ratios are DeepProbLog / problogic, measured in this run. "
        "'x' marks an epoch time extrapolated from the case's own measurements (circuits "
        "the epoch needs x cost per new circuit + updates x warm update), not measured.", "",
        "## DeepProbLog's accumulator program", "",
        "Updates: 'epoch mean' is the epoch time over its updates (compilation included); "
        "'first k' the mean of the first k updates, the same batches on both sides; 'warm' "
        "the same batches again with every circuit cached (the fastest of three passes, on "
        "both sides).", "",
        "| N | system | status | epoch (s) | epoch mean / update (ms) | first k updates (ms) "
        "| warm update (ms) | test sum acc. | test / example (ms) | circuits cached | "
        "RSS start -> end (MB) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for n, row in s["accumulator"].items():
        for label in (*OURS, *DEEPPROBLOG):
            r = row.get(label)
            if not r:
                continue
            name = NAMES[label]
            epoch = _fmt(r["epoch_s"], ".1f") + (" x" if r["epoch_extrapolated"] and
                                                  r["epoch_s"] else "")
            acc = (_fmt(100 * r["test_sum_accuracy"], ".1f", "%") +
                   f" (n={r['test_examples']})") if r["test_sum_accuracy"] is not None else "-"
            trace = r["rss_trace"]
            rss = f"{_fmt(r['rss_start_mb'], '.0f')} -> {trace[-1][1]:.0f}" if trace else "-"
            status = r["status"] + (f" ({r['updates_measured']} updates)"
                                    if r["updates_measured"] else "")
            first = (f"{r['first_updates_ms']:.1f} (k={r['first_updates_k']})"
                     if r.get("first_updates_ms") else "-")
            lines.append(f"| {n} | {name} | {status} | {epoch} | "
                         f"{_fmt(r['epoch_update_ms'], '.1f')} | {first} | "
                         f"{_fmt(r['warm_update_ms'], '.1f')} | {acc} | "
                         f"{_fmt(r['test_per_example_ms'], '.1f')} | "
                         f"{_fmt(r['cached'], 'd')} | {rss} |")
    lines += ["", "Ratios (DeepProbLog / problogic, same run):", ""]
    for n, row in s["accumulator"].items():
        for label in OURS:
            ratios = row.get("ratios" if label == "ours" else f"ratios_{label}")
            if ratios:
                lines.append(f"- N={n}, {NAMES[label]}: " + _ratio_text(row, label, ratios))
    for n, row in s["accumulator"].items():
        d = row.get("deepproblog")  # the main case's memory
        if d and d.get("rss_per_cached_circuit_mb") is not None:
            lines.append(f"- N={n}: DeepProbLog memory per cached circuit "
                         f"{d['rss_per_cached_circuit_mb']:.1f} MB (RSS growth / circuits); "
                         f"for the {d['epoch_shapes']} circuits of an epoch "
                         f"{d['epoch_rss_growth_mb_extrapolated'] / 1024:.1f} GB (extrapolated)")
        for label in OURS:
            o = row.get(label)
            if o and o.get("compile_per_shape_s") is not None:
                lines.append(f"- N={n}: {NAMES[label]} ground+compile per shape "
                             f"{o['compile_per_shape_s']:.3f} s; RSS by examples seen "
                             f"{o['rss_trace']}")
    if s.get("paired"):
        lines += ["", "## Warm updates side by side (a process per system, passes in turns)",
                  "",
                  "Both systems on the same batches, each in its own process, in rounds: "
                  "DeepProbLog's pass, then each problogic variant's (after an untimed pass: "
                  "its caches are cold after the other process's turn), the order flipped "
                  "every round, so that each round's ratio compares passes seconds apart. "
                  "Update times are each round's mean per update; the last column is the "
                  "ratio of each side's fastest round (interference only slows a pass "
                  "down).", "",
                  "| N | system | update (ms), by round | ratio by round | median ratio | "
                  "ratio of fastest passes |", "| --- | --- | --- | --- | --- | --- |"]
        for n, p in s["paired"].items():
            if not p.get("rounds"):
                lines.append(f"| {n} | - | {p.get('status')}: {p.get('reason') or ''} "
                             "| - | - | - |")
                continue
            times = ", ".join(f"{t:.1f}" for t in p["deepproblog_ms"])
            lines.append(f"| {n} | {NAMES['deepproblog']} | {times} | | | |")
            for label in PAIRED:
                v = p.get(label)
                if v:
                    lines.append(
                        f"| {n} | {NAMES[label]} | "
                        f"{', '.join(f'{t:.2f}' for t in v['update_ms'])} | "
                        f"{', '.join(f'{r:.0f}x' for r in v['ratios'])} | "
                        f"{v['median_ratio']:.0f}x | {v['fastest_ratio']:.0f}x |")
    lines += ["", "## Carry program (problogic only; one circuit per N)", "",
              "| N | status | epoch (s) | warm update (ms) | compile (s) | circuit nodes / edges"
              " | test sum acc. | sum digits acc. | single digit acc. |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for n, r in s["carry"].items():
        t = r.get("test") or {}
        epoch = _fmt(r["epoch_s"], ".1f") + (" x" if r["epoch_extrapolated"] and
                                              r["epoch_s"] else "")
        lines.append(f"| {n} | {r['status']} | {epoch} | {_fmt(r['warm_update_ms'], '.1f')} | "
                     f"{_fmt(r['compile_s'], '.2f')} | {_fmt(r['circuit_nodes'], 'd')} / "
                     f"{_fmt(r['circuit_edges'], 'd')} | "
                     f"{_fmt(100 * t['sum_accuracy'] if 'sum_accuracy' in t else None, '.1f', '%')}"
                     f" ({t.get('sum_rule', '-')}) | "
                     f"{_fmt(100 * t['result_digit_accuracy'] if t else None, '.1f', '%')} | "
                     f"{_fmt(100 * t['digit_accuracy'] if t else None, '.1f', '%')} |")
    notes = []
    for case in results["cases"]:
        if case.get("status") not in ("ok",):
            notes.append(f"- {case.get('case', {}).get('system')} N="
                         f"{case.get('case', {}).get('digits')} "
                         f"{case.get('case', {}).get('program')}: {case.get('status')}: "
                         f"{case.get('reason', '')}")
    if notes:
        lines += ["", "## Cases that did not complete", ""] + notes
    return "\n".join(lines) + "\n"



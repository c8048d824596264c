"""ProbKT learning results and ablations: source-only, fine-tuned on weak labels, and after each
relabel-retrain round, on the digit scenes (count, range, presence or sum labels) and the
molecules (atom counts).

    python -m benchmarks.probkt                      # CPU, the demo configs (small scale)
    python -m benchmarks.probkt --data digits --labels range,presence,sum --variants probkt
    python -m benchmarks.probkt --full --device cuda # full size, one GPU (< 10 minutes)
    python -m benchmarks.probkt --report-only        # rebuild the table from saved results

Variants (the ablations of the issue): ``probkt`` (all detections take part, relabeling with
the most probable world consistent with the label), ``max4`` (images with more than 4
detections are dropped, as the original code had to), ``argmax`` (relabeling with each box's
independent argmax, kept only when its counts agree with the label, as the original did).
All variants and labels fine-tune one pretrained detector per data set
(``RUNS/<data>-<scale>-pretrained``, trained on source boxes with the config's pretraining),
so they differ only where the ablation or the label acts. The run directories
(``RUNS/<data>-<label>-<scale>-<variant>/``: checkpoints, logs, ``results.json``) stay out of
the repository; each run's results and times go to ``OUT/<data>-<label>-<scale>-<variant>.json``
and the table of all of them to ``OUT/table.md``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

CONFIGS = {"digits": "problogic_vision/configs/digits_demo.toml",
           "molecules": "problogic_vision/configs/molecules_demo.toml"}
# The ablations run one relabel-retrain round (CPU budget): compare them with probkt's round1.
VARIANTS = {
    "probkt": [],
    "max4": ["train.max_boxes=4", "train.rounds=1"],
    "argmax": ["train.relabel=independent_argmax", "train.rounds=1"],
}
# Full size: 10x the demo's images and more epochs, for one GPU.
FULL = ["data.sizes={source_train = 2000, source_test = 200, target_train = 2000, "
        "target_test = 500, ood_test = 500}",
        "train.pretrain_epochs=12", "train.finetune_epochs=4", "train.retrain_epochs=4",
        "train.batch_size=16", "eval.batch_size=64"]
STAGES = ("source_only", "finetuned", "round1", "round2")


# Weak labels, as config overrides. range: exact counts below 2, "at least 2" above (on
# these scenes a digit seldom appears twice, so it tells nearly as much as the counts);
# presence: each class present or not (range labels with threshold 1); sum: the digits' sum.
LABELS = {
    "count": ['data.label="count"'],
    "range": ['data.label="range"', "data.range_threshold=2"],
    "presence": ['data.label="range"', "data.range_threshold=1"],
    "sum": ['data.label="sum"'],
}


def run_name(data: str, label: str, scale: str, variant: str) -> str:
    return f"{data}-{label}-{scale}-{variant}"


def run(data: str, label: str, variant: str, runs: Path, *, full: bool, device: str) -> dict:
    """One variant on one data set with one kind of weak label, fine-tuning the data set's
    shared pretrained detector (``RUNS/<data>-<scale>-pretrained``, trained on the first
    call)."""
    from problogic_vision.train import load_config, train

    scale = "full" if full else "demo"
    common = ["log.progress=false", f'data.root="runs/data/{data}_{scale}"',
              f'train.device="{device}"'] + (FULL if full else [])
    pretrained = runs / f"{data}-{scale}-pretrained"
    if not (pretrained / "model.pt").exists():
        config = load_config(CONFIGS[data], common + [f'log.run_dir="{pretrained}"',
                                                      "train.rounds=0", "train.finetune_epochs=0"])
        start = time.perf_counter()
        train(config)
        (pretrained / "seconds.txt").write_text(f"{time.perf_counter() - start:.1f}\n")
    run_dir = runs / run_name(data, label, scale, variant)
    overrides = common + [f'log.run_dir="{run_dir}"', *LABELS[label],
                          f'model.init="{pretrained / "model.pt"}"', "train.pretrain_epochs=0"]
    config = load_config(CONFIGS[data], overrides + VARIANTS[variant])
    start = time.perf_counter()
    result = train(config)
    return {"data": data, "variant": variant, "scale": scale, "status": result.status,
            "seconds": round(time.perf_counter() - start, 1), "label": label,
            "pretrain_seconds": float((pretrained / "seconds.txt").read_text()),
            "results": result.state.results, "relabel": result.state.relabel,
            "device": device, "threads": torch.get_num_threads()}


LABEL_METRIC = {"count": "count_accuracy", "range": "range_accuracy",
                "presence": "range_accuracy", "sum": "sum_accuracy"}


def table(rows: list[dict]) -> str:
    """Markdown: per data set and label the source-only detector once, then each variant
    after fine-tuning and after each relabel-retrain round. Count accuracy: every class count
    of the image exact (comparable across labels); label accuracy: the weak label's own
    (the counts within the range label, the digits' sum)."""
    lines = ["| data (label) | detector | target count acc | target label acc | "
             "target mAP@0.5 | OOD count acc | OOD mAP@0.5 |",
             "|---|---|---|---|---|---|---|"]
    shown: set[tuple[str, str]] = set()
    for row in rows:
        name = f"{row['data']} ({row['label']}, {row['scale']})"
        for stage in STAGES:
            res = row["results"].get(stage)
            if res is None or (stage == "source_only" and (name, stage) in shown):
                continue
            shown.add((name, stage))
            label = "source only" if stage == "source_only" else f"{row['variant']}: {stage}"
            target, ood = res.get("target_test", {}), res.get("ood_test", {})
            cells = [target.get("count_accuracy"), target.get(LABEL_METRIC[row["label"]]),
                     target.get("map_50"), ood.get("count_accuracy"), ood.get("map_50")]
            lines.append(f"| {name} | {label} | " + " | ".join(map(_pct, cells)) + " |")
    return "\n".join(lines) + "\n"


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="digits,molecules")
    parser.add_argument("--labels", default="count",
                        help="weak labels to fine-tune on: count, range, presence, sum "
                             "(digits only)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--full", action="store_true", help="full size (a GPU run)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--runs", type=Path, default=Path("runs/probkt"),
                        help="run directories: checkpoints and logs")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/probkt"),
                        help="each run's results (JSON) and table.md")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        plan = [(data, label, variant) for data in args.data.split(",")
                for label in args.labels.split(",") for variant in args.variants.split(",")]
        for data, label, variant in plan:
            if data not in CONFIGS or label not in LABELS or variant not in VARIANTS:
                parser.error(f"unknown data {data!r}, label {label!r} or variant {variant!r}")
            if label == "sum" and data != "digits":
                parser.error(f"{data} has no class values: sum labels are for digits")
        for data, label, variant in plan:
            row = run(data, label, variant, args.runs, full=args.full, device=args.device)
            name = run_name(data, label, row["scale"], variant)
            (args.out / f"{name}.json").write_text(json.dumps(row, indent=1) + "\n")
            print(f"{name}: {row['status']} in {row['seconds']} s", flush=True)
    print(report(args.out), end="")


def report(out: Path) -> str:
    """Rebuild ``OUT/table.md`` from the runs' results in ``out``; returns the table."""
    labels = {name: i for i, name in enumerate(LABELS)}
    variants = {name: i for i, name in enumerate(VARIANTS)}
    rows = sorted((json.loads(p.read_text()) for p in out.glob("*.json")),
                  key=lambda r: (r["data"], labels.get(r["label"], 99), r["scale"],
                                 variants.get(r["variant"], 99)))
    text = table(rows)
    (out / "table.md").write_text(text)
    return text


if __name__ == "__main__":
    main()

"""ProbKT learning results and ablations: source-only, fine-tuned on weak labels, and after each
relabel-retrain round, on the digit scenes (sum labels) and the molecules (atom counts).

    python -m benchmarks.probkt                      # CPU, the demo configs (small scale)
    python -m benchmarks.probkt --full --device cuda # full size, one GPU (< 10 minutes)
    python -m benchmarks.probkt --report-only        # rebuild the table from saved results

Variants (the ablations of the issue): ``probkt`` (all detections take part, relabeling with
the most probable world consistent with the label), ``max4`` (images with more than 4
detections are dropped, as the original code had to), ``argmax`` (relabeling with each box's
independent argmax, kept only when its counts agree with the label, as the original did).
Every variant runs the whole loop from the same seed. Results: ``OUT/<data>-<variant>/`` (the
run directories, with ``results.json``), ``OUT/results.json`` and ``OUT/table.md``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

CONFIGS = {"digits": "problogic_vision/configs/digits_demo.toml",
           "molecules": "problogic_vision/configs/molecules_demo.toml"}
VARIANTS = {
    "probkt": [],
    "max4": ["train.max_boxes=4"],
    "argmax": ["train.relabel=independent_argmax"],
}
# Full size: 10x the demo's images and more epochs, for one GPU.
FULL = ["data.sizes={source_train = 2000, source_test = 200, target_train = 2000, "
        "target_test = 500, ood_test = 500}",
        "train.pretrain_epochs=12", "train.finetune_epochs=4", "train.retrain_epochs=4",
        "train.batch_size=16", "eval.batch_size=64"]
STAGES = ("source_only", "finetuned", "round1", "round2")


def run(data: str, variant: str, out: Path, *, full: bool, device: str) -> dict:
    from problogic_vision.train import load_config, train

    scale = "full" if full else "demo"
    overrides = [f'log.run_dir="{out / f"{data}-{variant}"}"', "log.progress=false",
                 f'data.root="runs/data/{data}_{scale}"', f'train.device="{device}"']
    overrides += VARIANTS[variant] + (FULL if full else [])
    config = load_config(CONFIGS[data], overrides)
    start = time.perf_counter()
    result = train(config)
    return {"data": data, "variant": variant, "scale": scale, "status": result.status,
            "seconds": round(time.perf_counter() - start, 1), "label": config.data.label,
            "results": result.state.results, "relabel": result.state.relabel,
            "device": device, "threads": torch.get_num_threads()}


def table(rows: list[dict]) -> str:
    """Markdown: one line per (data, variant, stage); accuracy is the label's own (sum
    accuracy for sum labels, count accuracy otherwise)."""
    lines = ["| data | variant | stage | target acc | target mAP@0.5 | OOD acc | OOD mAP@0.5 |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        metric = "sum_accuracy" if row["label"] == "sum" else "count_accuracy"
        for stage in STAGES:
            res = row["results"].get(stage)
            if res is None:
                continue
            cells = []
            for split in ("target_test", "ood_test"):
                m = res.get(split, {})
                cells += [_pct(m.get(metric)), _pct(m.get("map_50"))]
            lines.append(f"| {row['data']} ({row['label']}) | {row['variant']} | {stage} | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="digits,molecules")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--full", action="store_true", help="full size (a GPU run)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/probkt"))
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    saved = args.out / "results.json"
    rows = json.loads(saved.read_text()) if saved.exists() else []
    if not args.report_only:
        for data in args.data.split(","):
            for variant in args.variants.split(","):
                if data not in CONFIGS or variant not in VARIANTS:
                    parser.error(f"unknown data {data!r} or variant {variant!r}")
                row = run(data, variant, args.out, full=args.full, device=args.device)
                rows = [r for r in rows if (r["data"], r["variant"], r["scale"]) !=
                        (data, variant, row["scale"])] + [row]
                saved.write_text(json.dumps(rows, indent=1))
                print(f"{data}/{variant}: {row['status']} in {row['seconds']} s", flush=True)
    text = table(rows)
    (args.out / "table.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

"""How right ProbKT's pseudo boxes are: each relabel round of a run against the generated
ground truth of the weakly labelled images.

    python -m benchmarks.probkt_pseudo runs/probkt/molecules-demo-probkt \
        --data runs/data/molecules_demo

A pseudo box is *matched* when it overlaps a true box not matched yet at IoU >= 0.5 (the
pseudo boxes in their order, each to its best free true box); *right* when the matched true
box has its class; an image is right when every pseudo box is right and no true box is left.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from torchvision.ops import box_iou

from problogic_vision.data import read_split

PSEUDO = "pseudo"


def round_quality(pseudo_records, truth_of) -> dict[str, int]:
    """Counts for one round's pseudo records; ``truth_of(record)`` is its true record."""
    out = dict(images=0, pseudo_boxes=0, true_boxes=0, matched=0, right=0, images_right=0)
    for record in pseudo_records:
        truth = truth_of(record)
        pseudo = torch.tensor(record.boxes, dtype=torch.float64).reshape(-1, 4)
        true = torch.tensor(truth.boxes, dtype=torch.float64).reshape(-1, 4)
        iou = box_iou(pseudo, true) if len(pseudo) and len(true) else torch.zeros(
            len(pseudo), len(true), dtype=torch.float64)
        free = torch.ones(len(true), dtype=torch.bool)
        right = 0
        for i in range(len(pseudo)):
            overlap = torch.where(free, iou[i], torch.zeros_like(iou[i]))
            if len(true) and overlap.max() >= 0.5:
                j = int(overlap.argmax())
                free[j] = False
                out["matched"] += 1
                right += record.classes[i] == truth.classes[j]
        out["right"] += right
        out["images"] += 1
        out["pseudo_boxes"] += len(pseudo)
        out["true_boxes"] += len(true)
        out["images_right"] += right == len(pseudo) == len(true)
    return out


def run_quality(run_dir: Path, data_root: Path) -> dict[str, dict[str, int]]:
    """Each relabel round of the run in ``run_dir`` (its ``pseudo/pseudo_roundR`` splits)."""
    truths: dict[str, list] = {}

    def truth_of(record):
        split = record.extra["pseudo_of"]
        if split not in truths:
            truths[split] = read_split(data_root, split)
        return truths[split][record.extra["index"]]

    rounds = sorted(p.name for p in (run_dir / PSEUDO).glob("pseudo_round*"))
    return {name: round_quality(read_split(run_dir / PSEUDO, name), truth_of)
            for name in rounds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--data", type=Path, required=True, help="the run's data.root")
    args = parser.parse_args(argv)
    print("| round | images | pseudo boxes | true boxes | matched | class right | images right |")
    print("|---|---|---|---|---|---|---|")
    for name, q in run_quality(args.run_dir, args.data).items():
        share = q["right"] / max(q["pseudo_boxes"], 1)
        print(f"| {name} | {q['images']} | {q['pseudo_boxes']} | {q['true_boxes']} | "
              f"{q['matched']} | {q['right']} ({share:.1%}) | {q['images_right']} |")


if __name__ == "__main__":
    main()

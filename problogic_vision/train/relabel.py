"""Relabeling: turn the detections on weakly labelled images into pseudo boxes.

Two rules (config ``train.relabel``):

* ``most_probable_world`` (ours): the most probable assignment of a class (or "no object") to
  every detection among the worlds consistent with the image's label, computed exactly by
  ``label.most_probable_assignment``; images whose label has probability 0 under the
  detections get no pseudo boxes and are left out.
* ``independent_argmax`` (the original ProbKT): each detection scoring at least
  ``relabel_threshold`` takes its own argmax class; the image is kept only when the counts of
  those classes agree with the label.

``max_boxes`` reproduces the original code's cap: images with more detections are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from .labels import label_satisfied, weak_label


@dataclass
class RelabelStats:
    """How many images were relabeled and why the others were left out."""

    images: int = 0
    kept: int = 0
    inconsistent: int = 0     # label impossible (probability 0) or argmax counts disagree
    too_many_boxes: int = 0   # dropped by max_boxes
    pseudo_boxes: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def assign_classes(mode: str, class_probs: list[torch.Tensor], counts: torch.Tensor,
                   sums: torch.Tensor | None, values: torch.Tensor | None, *, label_kind: str,
                   range_threshold: int, relabel_threshold: float = 0.5
                   ) -> list[torch.Tensor | None]:
    """Per image, the class of each detection (-1 = no object), or None to leave it out."""
    if mode == "most_probable_world":
        n_det = torch.tensor([p.shape[0] for p in class_probs])
        label = weak_label(label_kind, counts, sums, values, range_threshold, n_det)
        log_p = label.log_probability(class_probs).detach()
        assignment = label.most_probable_assignment(class_probs)
        return [a.long().cpu() if torch.isfinite(lp) else None
                for a, lp in zip(assignment, log_p)]
    if mode == "independent_argmax":
        out: list[torch.Tensor | None] = []
        num_classes = counts.shape[1]
        for i, probs in enumerate(class_probs):
            probs = probs.detach().cpu()
            if probs.shape[0] == 0:
                classes = torch.zeros(0, dtype=torch.long)
            else:
                scores, best = probs.max(dim=1)
                keep = probs.sum(dim=1) >= relabel_threshold
                classes = torch.where(keep & (scores > 0), best, torch.full_like(best, -1))
            pred = torch.bincount(classes[classes >= 0], minlength=num_classes).view(1, -1)
            ok = label_satisfied(label_kind, pred, counts[i:i + 1].cpu(),
                                 None if sums is None else sums[i:i + 1].cpu(),
                                 None if values is None else values.cpu(), range_threshold)
            out.append(classes if bool(ok[0]) else None)
        return out
    raise ValueError(f"unknown relabel mode {mode!r}; expected most_probable_world or "
                     "independent_argmax")


def pseudo_record(record, boxes: torch.Tensor, classes: torch.Tensor, *, file: str,
                  source_split: str, index: int):
    """A copy of ``record`` whose boxes are the detections assigned a class."""
    keep = classes >= 0
    kept_classes = classes[keep].tolist()
    counts = [0] * len(record.counts)
    for c in kept_classes:
        counts[c] += 1
    extra = dict(record.extra or {})
    extra.update({"pseudo_of": source_split, "index": int(index),
                  "label_counts": list(record.counts)})
    return replace(record, file=file,
                   boxes=[[round(float(v), 3) for v in box] for box in boxes[keep].tolist()],
                   classes=kept_classes, counts=counts, extra=extra)

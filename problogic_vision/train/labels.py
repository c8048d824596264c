"""Weak image-level labels built from a split's ground truth: counts, ranges or sums.

The target domain only reveals one of these per image:

* ``count``: the number of objects of every class (``pv.CountLabel``);
* ``range``: for each class, the exact count when it is below ``range_threshold`` t, and only
  "at least t" from t on (``pv.RangeLabel``) -- "1 cylinder, more than 1 sphere";
* ``sum``: the sum of the class values of the objects, e.g. of the digits (``pv.SumLabel``).
"""

from __future__ import annotations

import torch

import problogic_vision as pv


def count_ranges(counts: torch.Tensor, threshold: int,
                 n_detections: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Inclusive bounds ``(low, high)`` of the range rule: exact below ``threshold``, at least
    ``threshold`` above. The open upper end is ``max(threshold, n_detections)`` per image (no
    world has more objects than detections), or a large bound when that is not given."""
    counts = counts.long()
    above = counts >= threshold
    low = torch.where(above, torch.full_like(counts, threshold), counts)
    if n_detections is None:
        top = torch.full_like(counts, torch.iinfo(torch.int32).max)
    else:
        top = torch.clamp(n_detections.long().view(-1, 1), min=threshold).expand_as(counts)
    high = torch.where(above, top, counts)
    return low, high


def weak_label(kind: str, counts: torch.Tensor, sums: torch.Tensor | None,
               values: torch.Tensor | None, range_threshold: int,
               n_detections: torch.Tensor | None = None):
    """The ``pv`` label object for a batch of images; ``counts`` Long[B, K], ``sums`` Long[B]."""
    if kind == "count":
        return pv.CountLabel(counts.long())
    if kind == "range":
        low, high = count_ranges(counts, range_threshold, n_detections)
        return pv.RangeLabel(low, high)
    if kind == "sum":
        if values is None:
            raise ValueError("data.label = 'sum' needs class values; this data set's meta.json "
                             "has \"values\": null")
        if sums is None or bool((sums < 0).any()):
            raise ValueError("data.label = 'sum' but some records have no \"sum\"")
        return pv.SumLabel(values, sums.long())
    raise ValueError(f"unknown label kind {kind!r}; expected count, range or sum")


def label_satisfied(kind: str, pred_counts: torch.Tensor, counts: torch.Tensor,
                    sums: torch.Tensor | None, values: torch.Tensor | None,
                    range_threshold: int) -> torch.Tensor:
    """Bool[B]: do hard predicted counts (Long[B, K]) agree with each image's weak label?"""
    pred_counts = pred_counts.long()
    if kind == "count":
        return (pred_counts == counts.long()).all(dim=1)
    if kind == "range":
        low, high = count_ranges(counts, range_threshold)
        return ((pred_counts >= low) & (pred_counts <= high)).all(dim=1)
    if kind == "sum":
        totals = (pred_counts.double() * values.double().view(1, -1)).sum(dim=1)
        return torch.isclose(totals, sums.double())
    raise ValueError(f"unknown label kind {kind!r}; expected count, range or sum")

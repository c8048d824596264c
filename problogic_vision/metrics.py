"""Evaluation metrics: count, range and sum accuracy over images; mAP through torchmetrics.

Accuracies are exact-match rates over images. Detection mAP is torchmetrics'
``MeanAveragePrecision`` (COCO protocol, pycocotools backend), never re-implemented here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import Tensor

from .adapters.detections import Detections


def _as_long_matrix(name: str, value, shape: tuple[int, ...] | None = None) -> Tensor:
    tensor = torch.as_tensor(value)
    if tensor.is_floating_point():
        if not torch.isfinite(tensor).all() or (tensor != tensor.round()).any():
            raise ValueError(f"{name} must hold integers, got {tensor.tolist()}")
    elif tensor.dtype == torch.bool:
        raise TypeError(f"{name} must hold integers, got a bool tensor")
    tensor = tensor.long().cpu()
    if shape is not None and tuple(tensor.shape) != shape:
        raise ValueError(f"{name} must have shape {list(shape)}, got {list(tensor.shape)}")
    return tensor


def _check_batch(name: str, tensor: Tensor, dims: int) -> None:
    if tensor.dim() != dims:
        raise ValueError(f"{name} must have {dims} dimension(s), got shape {list(tensor.shape)}")
    if tensor.shape[0] == 0:
        raise ValueError(f"{name} is empty: an accuracy over no images is undefined")


def predicted_counts(detections: Sequence[Detections], num_classes: int,
                     threshold: float = 0.5) -> Tensor:
    """Long[B, K]: per image, the number of detections with score (P(object)) >= ``threshold``
    counted under their most probable class."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
    counts = torch.zeros(len(detections), num_classes, dtype=torch.long)
    for i, det in enumerate(detections):
        if det.num_classes != num_classes:
            raise ValueError(f"detections[{i}] has {det.num_classes} classes, "
                             f"expected num_classes = {num_classes}")
        labels = det.labels[det.scores >= threshold].cpu()
        counts[i] = torch.bincount(labels, minlength=num_classes)
    return counts


def predicted_sums(pred_counts, values) -> Tensor:
    """Float[B]: per image, the sum of class values over the counted objects."""
    counts = _as_long_matrix("pred_counts", pred_counts)
    values = torch.as_tensor(values, dtype=torch.float64).cpu()
    if counts.dim() != 2 or values.shape != (counts.shape[1],):
        raise ValueError(f"pred_counts [B, K] and values [K] disagree: shapes "
                         f"{list(counts.shape)} and {list(values.shape)}")
    return counts.double() @ values


def count_accuracy(pred_counts, true_counts) -> float:
    """Fraction of images whose predicted counts equal the true counts for every class.

    Both are [B, K] integer tensors (or nested lists)."""
    pred = _as_long_matrix("pred_counts", pred_counts)
    _check_batch("pred_counts", pred, 2)
    true = _as_long_matrix("true_counts", true_counts, tuple(pred.shape))
    return (pred == true).all(dim=1).double().mean().item()


def range_accuracy(pred_counts, low, high) -> float:
    """Fraction of images with ``low <= predicted count <= high`` for every class.

    All three are [B, K] (bounds inclusive)."""
    pred = _as_long_matrix("pred_counts", pred_counts)
    _check_batch("pred_counts", pred, 2)
    low = _as_long_matrix("low", low, tuple(pred.shape))
    high = _as_long_matrix("high", high, tuple(pred.shape))
    bad = (low > high).nonzero()
    if len(bad):
        i, k = bad[0].tolist()
        raise ValueError(f"empty range at image {i}, class {k}: low {low[i, k].item()} "
                         f"> high {high[i, k].item()}")
    return ((low <= pred) & (pred <= high)).all(dim=1).double().mean().item()


def sum_accuracy(pred_sums, true_sums) -> float:
    """Fraction of images whose predicted sum equals the true sum; both [B]."""
    pred = _as_long_matrix("pred_sums", pred_sums)
    _check_batch("pred_sums", pred, 1)
    true = _as_long_matrix("true_sums", true_sums, tuple(pred.shape))
    return (pred == true).double().mean().item()


def detection_map(detections: Sequence[Detections], targets: Sequence[Mapping]) -> dict[str, float]:
    """COCO mAP (IoU 0.5:0.95) and mAP@0.5 of ``detections`` against ground-truth ``targets``.

    ``targets[i]`` holds ``boxes`` Float[n, 4] and ``classes`` Long[n] (0-based; ``labels`` is
    accepted too). Each detection is ranked by the probability of its most probable class.
    Computed by ``torchmetrics.detection.MeanAveragePrecision`` (pycocotools backend); as
    there, a value is -1 when no image has a ground-truth box.
    """
    from torchmetrics.detection import MeanAveragePrecision

    if len(detections) != len(targets):
        raise ValueError(f"got {len(detections)} detections for {len(targets)} targets")
    preds, truths = [], []
    for i, (det, target) in enumerate(zip(detections, targets)):
        classes = target.get("classes", target.get("labels"))
        if classes is None or "boxes" not in target:
            raise ValueError(f"targets[{i}] needs 'boxes' and 'classes' (keys: {sorted(target)})")
        boxes = torch.as_tensor(target["boxes"], dtype=torch.float32).reshape(-1, 4).cpu()
        classes = _as_long_matrix(f"targets[{i}]['classes']", classes, (boxes.shape[0],))
        probs = det.class_probs.detach().float().cpu()
        if not torch.isfinite(probs).all():
            raise ValueError(f"detections[{i}].class_probs has non-finite values")
        labels = det.labels.cpu()
        preds.append({"boxes": det.boxes.detach().float().cpu(),
                      "scores": probs.gather(1, labels[:, None]).squeeze(1),
                      "labels": labels})
        truths.append({"boxes": boxes, "labels": classes})
    metric = MeanAveragePrecision(iou_type="bbox", backend="pycocotools")
    metric.update(preds, truths)
    result = metric.compute()
    return {"map": float(result["map"]), "map_50": float(result["map_50"])}

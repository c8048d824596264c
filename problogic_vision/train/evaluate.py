"""Evaluation of a detector on one split: count, range and sum accuracy, mAP and mAP@0.5."""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, Dataset, Subset

from problogic_vision.data import collate_scenes
from problogic_vision.metrics import (count_accuracy, detection_map, predicted_counts,
                                      range_accuracy, sum_accuracy)

from .labels import count_ranges


@torch.no_grad()
def evaluate_split(detector, dataset: Dataset, *, num_classes: int,
                   values: torch.Tensor | None, device: torch.device, batch_size: int = 16,
                   count_threshold: float = 0.5, score_threshold: float = 0.05,
                   max_detections: int = 100, range_threshold: int | None = None,
                   max_images: int | None = None, progress: bool = False,
                   desc: str = "eval") -> dict[str, float]:
    """Metrics of ``detector`` on ``dataset`` (items as ``SceneDataset`` gives them).

    ``count_accuracy``: all class counts exact, counts taken from detections scoring at least
    ``count_threshold``; ``sum_accuracy`` (when the classes have values): the sum of the
    counted objects' values; ``range_accuracy`` (when ``range_threshold`` is given): the
    counts fall in the range label; ``map`` / ``map_50``: COCO mAP through torchmetrics.
    """
    from tqdm.auto import tqdm

    if max_images is not None and max_images < len(dataset):
        dataset = Subset(dataset, range(max_images))
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, collate_fn=collate_scenes,
                        generator=torch.Generator())  # leaves the global RNG alone
    was_training = detector.training
    detector.eval()
    detections, targets = [], []
    try:
        for images, batch_targets in tqdm(loader, desc=desc, disable=not progress, leave=False):
            images = [im.to(device) for im in images]
            dets = detector.detect(images, score_threshold=score_threshold,
                                   max_detections=max_detections)
            detections.extend(d.detach().to("cpu") for d in dets)
            targets.extend(batch_targets)
    finally:
        detector.train(was_training)
    if not targets:
        return {"images": 0.0}
    pred = predicted_counts(detections, num_classes, threshold=count_threshold)
    true = torch.stack([t["counts"] for t in targets]).long()
    metrics = {"images": float(len(targets)), "count_accuracy": float(count_accuracy(pred, true))}
    if values is not None:
        sums = torch.stack([t["sum"] for t in targets]).long()
        if bool((sums >= 0).all()):
            pred_sums = (pred.double() * values.double().view(1, -1)).sum(dim=1)
            metrics["sum_accuracy"] = float(sum_accuracy(pred_sums.round().long(), sums))
    if range_threshold is not None:
        low, high = count_ranges(true, range_threshold)
        metrics["range_accuracy"] = float(range_accuracy(pred, low, high))
    maps = detection_map(detections, [{"boxes": t["boxes"], "classes": t["classes"]}
                                      for t in targets])
    metrics["map"] = float(maps["map"])
    metrics["map_50"] = float(maps["map_50"])
    return metrics

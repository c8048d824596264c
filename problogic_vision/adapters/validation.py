"""Checks on detector inputs, with errors that name the offending value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import Tensor


def check_images(images) -> list[Tensor]:
    """Validate images: a sequence of Float[3, H, W] (or one Float[B, 3, H, W]) with finite values.

    Returns them as a list; raises ``TypeError``/``ValueError`` naming the bad image.
    """
    if isinstance(images, Tensor):
        if images.dim() != 4:
            raise ValueError("images as one tensor must have shape [B, 3, H, W], "
                             f"got {tuple(images.shape)}")
        images = list(images.unbind(0))
    if not isinstance(images, Sequence) or isinstance(images, (str, bytes)):
        raise TypeError(f"images must be a list of Tensor[3, H, W], got {type(images).__name__}")
    for i, image in enumerate(images):
        if not isinstance(image, Tensor):
            raise TypeError(f"images[{i}] must be a Tensor[3, H, W], got {type(image).__name__}")
        if image.dim() != 3 or image.shape[0] != 3:
            raise ValueError(f"images[{i}] must have shape [3, H, W], got {tuple(image.shape)}")
        if image.shape[1] < 1 or image.shape[2] < 1:
            raise ValueError(f"images[{i}] is empty: shape {tuple(image.shape)}")
        if not image.is_floating_point():
            raise TypeError(f"images[{i}] must be a floating-point tensor, got {image.dtype}")
        if not torch.isfinite(image).all():
            bad = (~torch.isfinite(image)).nonzero()[0].tolist()
            raise ValueError(f"images[{i}] has a non-finite value {image[tuple(bad)].item()} "
                             f"at (c, y, x) = {tuple(bad)}")
    return list(images)


def check_targets(targets, num_images: int, num_classes: int) -> list[dict[str, Tensor]]:
    """Validate supervised targets: one dict per image with ``boxes`` Float[n, 4] (x1 < x2,
    y1 < y2, finite) and ``classes`` Long[n] in ``[0, num_classes)``.

    Returns a list of ``{"boxes": Float[n, 4], "classes": Long[n]}``.
    """
    if not isinstance(targets, Sequence) or isinstance(targets, (str, bytes)):
        raise TypeError(f"targets must be a list of dicts, got {type(targets).__name__}")
    if len(targets) != num_images:
        raise ValueError(f"got {len(targets)} targets for {num_images} images")
    checked = []
    for i, target in enumerate(targets):
        if not isinstance(target, Mapping):
            raise TypeError(f"targets[{i}] must be a dict, got {type(target).__name__}")
        for key in ("boxes", "classes"):
            if key not in target:
                raise ValueError(f"targets[{i}] has no {key!r} entry (keys: {sorted(target)})")
        boxes = torch.as_tensor(target["boxes"])
        classes = torch.as_tensor(target["classes"])
        if boxes.numel() == 0:
            boxes = boxes.reshape(0, 4)
        if boxes.dim() != 2 or boxes.shape[1] != 4:
            raise ValueError(f"targets[{i}]['boxes'] must have shape [n, 4], "
                             f"got {tuple(boxes.shape)}")
        if classes.dim() != 1 or classes.shape[0] != boxes.shape[0]:
            raise ValueError(f"targets[{i}]['classes'] must have shape [{boxes.shape[0]}], "
                             f"got {tuple(classes.shape)}")
        if classes.is_floating_point() or classes.dtype == torch.bool:
            raise TypeError(f"targets[{i}]['classes'] must hold integers, got {classes.dtype}")
        boxes = boxes.float()
        for j, box in enumerate(boxes.tolist()):
            if not all(v == v and abs(v) != float("inf") for v in box):
                raise ValueError(f"targets[{i}]['boxes'][{j}] = {box} is not finite")
            if box[2] <= box[0] or box[3] <= box[1]:
                raise ValueError(f"targets[{i}]['boxes'][{j}] = {box} is degenerate: "
                                 "need x1 < x2 and y1 < y2")
        for j, c in enumerate(classes.tolist()):
            if not 0 <= c < num_classes:
                raise ValueError(f"targets[{i}]['classes'][{j}] = {c} is out of range "
                                 f"[0, {num_classes})")
        checked.append({"boxes": boxes, "classes": classes.long()})
    return checked


def check_positive_int(name: str, value) -> int:
    """``value`` as an int >= 1, else a ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


def check_probability(name: str, value) -> float:
    """``value`` as a float in [0, 1], else a ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)

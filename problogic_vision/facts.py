"""Detections as probabilistic facts.

An image with ``n`` detections over ``K`` classes becomes ``n`` categorical variables, one
annotated disjunction per detection::

    p::object_class(I, c0); p::object_class(I, c1); ... :- between(0, n - 1, I).

where the heads are *groups* of classes. A query usually distinguishes only a few groups (for
"2 cubes and 1 sphere" over 12 classes: cube, sphere, no object, anything else), so a
:class:`Grouping` names, for each head, the columns of the detector's distribution whose
probabilities it adds up; columns in no group make up the AD's implicit "none" value. Column
``K`` is "no object" (``1 - row sum``). The probabilities written in the program are
placeholders: the compiled circuit is evaluated with the detector's grouped probabilities as
its leaf weights, so one compilation serves every image with the same query shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import torch
from torch import Tensor

from problogic.neural.weights import reading_dtype, tolerance

TOLERANCE = 1e-4  # slack for rows that sum to 1 in float32


class DetectionError(ValueError):
    """Malformed detector output or label (the message names the offending value)."""


@dataclass(frozen=True)
class Grouping:
    """The heads of each detection's annotated disjunction: ``names[g]`` is the atom of group
    ``g`` and ``columns[g]`` the distribution columns it sums (``K`` = no object)."""

    names: tuple[str, ...]
    columns: tuple[tuple[int, ...], ...]

    def matrix(self, num_classes: int, dtype, device) -> Tensor:
        """``[K + 1, G + 1]`` 0/1 matrix: column ``g`` sums group ``g``, the last column the
        columns of no group (the implicit "none"). Cached: labels repeat across batches."""
        return _membership(self, num_classes, dtype, torch.device(device))


@lru_cache(maxsize=4096)
def _membership(grouping: Grouping, num_classes: int, dtype, device) -> Tensor:
    membership = torch.zeros(num_classes + 1, len(grouping.names) + 1, dtype=dtype,
                             device=device)
    grouped = torch.zeros(num_classes + 1, dtype=torch.bool)
    for g, columns in enumerate(grouping.columns):
        membership[list(columns), g] = 1
        grouped[list(columns)] = True
    membership[(~grouped).nonzero().flatten().tolist(), -1] = 1
    return membership


def detection_clause(num_detections: int, grouping: Grouping) -> str:
    """The annotated disjunction of every detection over the groups (placeholder weights that
    leave room for the implicit "none", so that it always exists as the last value)."""
    placeholder = 0.5 / len(grouping.names)
    heads = "; ".join(f"{placeholder!r}::object_class(I, {name})" for name in grouping.names)
    return f"{heads} :- between(0, {num_detections - 1}, I).\n" if num_detections else ""


def with_no_object(class_probs: Tensor) -> Tensor:
    """``[..., n, K]`` rows to ``[..., n, K + 1]``, the last column ``1 - row sum``."""
    rest = (1 - class_probs.sum(dim=-1, keepdim=True)).clamp_min(0)
    return torch.cat([class_probs, rest], dim=-1)


def check_class_probs(class_probs, num_classes: int | None = None) -> list[Tensor]:
    """Validate detector output: a ``Tensor[B, n, K]`` or a list of ``Tensor[n_i, K]`` of finite
    probabilities in [0, 1], rows summing to at most 1 (up to the rounding of their dtype).
    Returns the list form, half-precision rows as float32 (the circuits' sums and products
    in bfloat16 would keep two or three digits)."""
    if isinstance(class_probs, Tensor):
        if class_probs.dim() != 3:
            raise DetectionError(f"class_probs must be Tensor[B, n, K] or a list of "
                                 f"Tensor[n_i, K]; got shape {tuple(class_probs.shape)}")
        images = list(class_probs.unbind(0))
    elif isinstance(class_probs, (list, tuple)):
        images = list(class_probs)
    else:
        raise DetectionError(f"class_probs must be a tensor or a list of tensors, "
                             f"not {type(class_probs).__name__}")
    for i, probs in enumerate(images):
        if not isinstance(probs, Tensor):
            raise DetectionError(f"class_probs[{i}] is a {type(probs).__name__}, not a tensor")
        if probs.dim() != 2:
            raise DetectionError(f"class_probs[{i}] must be Tensor[n, K]; got shape "
                                 f"{tuple(probs.shape)}")
        if not probs.is_floating_point():
            raise DetectionError(f"class_probs[{i}] has dtype {probs.dtype}; probabilities "
                                 "must be floating point")
        if num_classes is not None and probs.shape[1] != num_classes:
            raise DetectionError(f"class_probs[{i}] has {probs.shape[1]} classes, expected "
                                 f"{num_classes}")
        num_classes = probs.shape[1]
        values = probs.detach()
        if not torch.isfinite(values).all():
            raise DetectionError(f"class_probs[{i}] has non-finite values (NaN or inf) at "
                                 f"detection {_first_row(~torch.isfinite(values))}")
        bad = (values < 0) | (values > 1)
        if bad.any():
            row = _first_row(bad)
            raise DetectionError(f"class_probs[{i}] has value {values[bad][0].item():g} outside "
                                 f"[0, 1] at detection {row}")
        slack = tolerance(values.dtype, TOLERANCE)
        sums = values.to(reading_dtype(values.dtype)).sum(dim=1)
        if (sums > 1 + slack).any():
            row = int((sums > 1 + slack).nonzero()[0])
            raise DetectionError(f"class_probs[{i}] detection {row} sums to "
                                 f"{sums[row].item():g} > 1 (apply a softmax)")
    return [p.to(reading_dtype(p.dtype)) for p in images]


def _first_row(mask: Tensor) -> int:
    return int(mask.nonzero()[0, 0])

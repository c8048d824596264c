"""The per-image output of a detector: boxes with a full class distribution each."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass
class Detections:
    """Detections of one image.

    Attributes:
        boxes: Float[n, 4], ``(x1, y1, x2, y2)`` in pixels of the original image.
        class_probs: Float[n, K], P(detection i is an object of class k); rows sum to at most 1
            (up to rounding), the remainder ``1 - row sum`` being P(detection i is no object).
        scores: Float[n], the row sums of ``class_probs`` (P(detection i is an object)).
        features: Float[n, D], the feature vector the detector classified each box from.

    With ``Detector.detect(..., with_grad=True)``, ``class_probs``, ``scores`` and ``features``
    are differentiable with respect to the detector's parameters; boxes never are.
    """

    boxes: Tensor
    class_probs: Tensor
    scores: Tensor
    features: Tensor

    def __post_init__(self) -> None:
        n = self.boxes.shape[0] if self.boxes.dim() == 2 else -1
        if self.boxes.dim() != 2 or self.boxes.shape[1] != 4:
            raise ValueError("Detections.boxes must have shape [n, 4], "
                             f"got {tuple(self.boxes.shape)}")
        if self.class_probs.dim() != 2 or self.class_probs.shape[0] != n:
            raise ValueError(f"Detections.class_probs must have shape [{n}, K], "
                             f"got {tuple(self.class_probs.shape)}")
        if tuple(self.scores.shape) != (n,):
            raise ValueError(f"Detections.scores must have shape [{n}], "
                             f"got {tuple(self.scores.shape)}")
        if self.features.dim() != 2 or self.features.shape[0] != n:
            raise ValueError(f"Detections.features must have shape [{n}, D], "
                             f"got {tuple(self.features.shape)}")

    @classmethod
    def from_probs(cls, boxes: Tensor, class_probs: Tensor, features: Tensor) -> "Detections":
        """Detections whose scores are the row sums of ``class_probs``."""
        return cls(boxes, class_probs, class_probs.sum(dim=1), features)

    @classmethod
    def empty(cls, num_classes: int, feature_dim: int = 0, device=None) -> "Detections":
        """No detections (an image where nothing was found)."""
        zeros = torch.zeros
        return cls(zeros(0, 4, device=device), zeros(0, num_classes, device=device),
                   zeros(0, device=device), zeros(0, feature_dim, device=device))

    @property
    def labels(self) -> Tensor:
        """Long[n]: the most probable class of each detection (0-based)."""
        if self.class_probs.shape[0] == 0:
            return torch.zeros(0, dtype=torch.long, device=self.class_probs.device)
        return self.class_probs.argmax(dim=1)

    @property
    def num_classes(self) -> int:
        """K, the number of object classes."""
        return self.class_probs.shape[1]

    def __len__(self) -> int:
        return self.boxes.shape[0]

    def detach(self) -> "Detections":
        """A copy cut from the autograd graph."""
        return Detections(self.boxes.detach(), self.class_probs.detach(), self.scores.detach(),
                          self.features.detach())

    def to(self, device) -> "Detections":
        """A copy on ``device``."""
        return Detections(self.boxes.to(device), self.class_probs.to(device),
                          self.scores.to(device), self.features.to(device))

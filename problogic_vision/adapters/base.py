"""The Detector interface shared by all wrapped torchvision models."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from contextlib import contextmanager

import torch
from torch import Tensor, nn
from torchvision.models.detection.transform import resize_boxes
from torchvision.ops import boxes as box_ops

from .detections import Detections
from .validation import check_images, check_positive_int, check_probability, check_targets

# boxes narrower than this (pixels of the resized image) are dropped, as torchvision does
MIN_BOX_SIZE = 1e-2


class Detector(nn.Module, metaclass=ABCMeta):
    """A torchvision detector whose inference returns full class distributions per box.

    Subclasses implement ``_predict``; this class validates inputs, moves them to the model's
    device, converts 0-based classes to torchvision labels and handles gradients.

    Attributes:
        model: the wrapped torchvision model (``FasterRCNN``, ``RetinaNet`` or ``FCOS``).
        num_classes: K, the number of object classes (no background).
        score_threshold: default minimum P(object) kept by ``detect``.
        detections_per_image: default maximum number of detections kept by ``detect``.
    """

    #: added to 0-based classes to obtain the wrapped model's labels
    label_offset: int = 0

    def __init__(self, model: nn.Module, num_classes: int, *, score_threshold: float = 0.05,
                 detections_per_image: int = 100):
        super().__init__()
        self.model = model
        self.num_classes = check_positive_int("num_classes", num_classes)
        self.score_threshold = check_probability("score_threshold", score_threshold)
        self.detections_per_image = check_positive_int("detections_per_image",
                                                       detections_per_image)

    def _placed(self, images: list[Tensor]) -> list[Tensor]:
        parameter = next(self.parameters())
        return [image.to(device=parameter.device, dtype=parameter.dtype) for image in images]

    def forward(self, images, targets=None, **detect_options):
        """Supervised losses of the wrapped model (its loss dict) for boxes with 0-based classes.

        Args:
            images: list of Float[3, H, W] (sizes may differ) or Float[B, 3, H, W].
            targets: one dict per image, ``{"boxes": Float[n, 4], "classes": Long[n]}``
                (other keys are ignored).

        Needs train mode (``.train()``), as the torchvision models compute losses only there.
        Without targets, returns ``self.detect(images, **detect_options)``: the way to run
        ``detect(..., with_grad=True)`` through a ``DistributedDataParallel`` wrapper (which
        then needs ``find_unused_parameters=True``: the proposal stage gets no gradient).
        """
        if targets is None:
            return self.detect(images, **detect_options)
        if detect_options:
            raise TypeError(f"detection options {sorted(detect_options)} need targets=None")
        if not self.training:
            raise RuntimeError("Detector.forward computes supervised losses and needs train "
                               "mode: call .train() first, or use .detect() for inference")
        images = check_images(images)
        targets = check_targets(targets, len(images), self.num_classes)
        if not images:
            raise ValueError("Detector.forward needs at least one image")
        images = self._placed(images)
        device = images[0].device
        labelled = [{"boxes": t["boxes"].to(device, images[0].dtype),
                     "labels": t["classes"].to(device) + self.label_offset} for t in targets]
        return self.model(images, labelled)

    def detect(self, images, *, score_threshold: float | None = None,
               max_detections: int | None = None, with_grad: bool = False) -> list[Detections]:
        """Detect objects: one ``Detections`` per image, boxes in original image pixels.

        Args:
            images: list of Float[3, H, W] (sizes may differ) or Float[B, 3, H, W].
            score_threshold: keep detections with P(object) >= this (default: the detector's).
            max_detections: keep at most this many per image, most probable first (default:
                the detector's ``detections_per_image``).
            with_grad: keep ``class_probs`` (and ``scores``, ``features``) differentiable with
                respect to the parameters. Works in train and eval mode; proposal generation
                always runs with its evaluation-time settings and is not differentiated.

        Non-maximum suppression is class-agnostic: a box is one object whose class is uncertain.
        """
        images = check_images(images)
        threshold = check_probability(
            "score_threshold", self.score_threshold if score_threshold is None else score_threshold)
        if max_detections is None:
            max_detections = self.detections_per_image
        limit = check_positive_int("max_detections", max_detections)
        if not images:
            return []
        images = self._placed(images)
        with torch.set_grad_enabled(with_grad):
            detections = self._predict(images, threshold, limit)
        return detections if with_grad else [d.detach() for d in detections]

    @abstractmethod
    def _predict(self, images: list[Tensor], score_threshold: float,
                 max_detections: int) -> list[Detections]:
        """Detections of images already validated and placed on the model's device."""

    @staticmethod
    def _to_original_sizes(boxes: list[Tensor], resized_sizes, original_sizes) -> list[Tensor]:
        # the transform's postprocess is a no-op in train mode, so scale the boxes directly
        return [resize_boxes(b, resized, original)
                for b, resized, original in zip(boxes, resized_sizes, original_sizes)]


@contextmanager
def eval_mode(*modules: nn.Module):
    """Run ``modules`` with their evaluation-time behaviour, restoring their modes afterwards.

    Used for parameter-free or non-differentiated stages (resizing transform, region proposals)
    so that ``detect`` behaves the same in train and eval mode and never needs targets.
    """
    modes = [(m, m.training) for module in modules for m in module.modules()]
    for module in modules:
        module.train(False)
    try:
        yield
    finally:
        for m, mode in modes:
            m.training = mode


def select_detections(boxes: Tensor, class_probs: Tensor, image_size, *, score_threshold: float,
                      max_detections: int, nms_threshold: float,
                      candidates: int | None = None) -> tuple[Tensor, Tensor]:
    """Post-process the candidate boxes of one image (resized-image coordinates).

    Clips boxes to the image, keeps P(object) = row sum >= ``score_threshold`` and boxes wider
    and taller than ``MIN_BOX_SIZE``, optionally the ``candidates`` best before NMS, then
    class-agnostic NMS and the ``max_detections`` best. Returns the selected (clipped) boxes
    and their row indices, most probable first.
    """
    boxes = box_ops.clip_boxes_to_image(boxes.detach(), image_size)
    scores = class_probs.detach().sum(dim=1)
    widths, heights = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    index = torch.where((scores >= score_threshold) & (widths >= MIN_BOX_SIZE)
                        & (heights >= MIN_BOX_SIZE))[0]
    if candidates is not None and index.numel() > candidates:
        index = index[scores[index].topk(candidates).indices]
    keep = box_ops.nms(boxes[index], scores[index], nms_threshold)[:max_detections]
    index = index[keep]
    return boxes[index], index

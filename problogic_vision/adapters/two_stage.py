"""Faster R-CNN with per-box class distributions, composed from torchvision's submodules."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import Tensor
from torchvision.models.detection import FasterRCNN

from .base import Detector, eval_mode, select_detections
from .detections import Detections


class FasterRCNNDetector(Detector):
    """A ``torchvision`` ``FasterRCNN`` built with ``K + 1`` classes (label 0 = background).

    Inference per proposal: softmax over the K + 1 classes; ``class_probs`` = the K object
    columns, so P(no object) = P(background); the box is the regression of the most probable
    object class; then class-agnostic NMS (``roi_heads.nms_thresh``). Features are the box
    head's output (``Float[n, representation_size]``). With gradients, only the selected
    detections' box head outputs are recomputed with grad (same values, much cheaper
    backward pass).
    """

    label_offset = 1

    def __init__(self, model: FasterRCNN, num_classes: int, **options):
        super().__init__(model, num_classes, **options)
        predicted = model.roi_heads.box_predictor.cls_score.out_features
        if predicted != num_classes + 1:
            raise ValueError(f"the Faster R-CNN predicts {predicted} classes, expected "
                             f"num_classes + 1 = {num_classes + 1} (background first)")

    def _predict(self, images: list[Tensor], score_threshold: float,
                 max_detections: int) -> list[Detections]:
        model = self.model
        roi_heads = model.roi_heads
        original_sizes = [tuple(image.shape[-2:]) for image in images]
        # eval-time resizing and proposals: no targets needed, same behaviour in train mode
        with eval_mode(model.transform):
            image_list, _ = model.transform(images)
        features = model.backbone(image_list.tensors)
        if isinstance(features, Tensor):
            features = OrderedDict([("0", features)])
        with eval_mode(model.rpn):
            proposals, _ = model.rpn(image_list, features)
        with_grad = torch.is_grad_enabled()
        # Selection needs no gradient. With one, the box head runs twice: over every proposal
        # without grad to select, then over the selected few with grad, so that the backward
        # pass (RoIAlign's scatter above all) covers those few instead of every proposal.
        with torch.no_grad():
            box_features, probs, regression = self._box_head(features, proposals,
                                                             image_list.image_sizes)
            decoded = roi_heads.box_coder.decode(regression, proposals)  # [P, K+1, 4]

        counts = [len(p) for p in proposals]
        selected_boxes, indices = [], []
        for probs_i, boxes_i, size in zip(probs.split(counts), decoded.split(counts),
                                          image_list.image_sizes):
            object_probs = probs_i[:, 1:]
            best = object_probs.argmax(dim=1) + 1
            boxes = boxes_i[torch.arange(len(best), device=best.device), best]
            boxes, index = select_detections(
                boxes, object_probs, size, score_threshold=score_threshold,
                max_detections=max_detections, nms_threshold=roi_heads.nms_thresh)
            selected_boxes.append(boxes)
            indices.append(index)
        if with_grad:
            kept = [p[index] for p, index in zip(proposals, indices)]
            box_features, probs, _ = self._box_head(features, kept, image_list.image_sizes)
            probs_per_image = probs.split([len(index) for index in indices])
            feats_per_image = box_features.split([len(index) for index in indices])
        else:
            probs_per_image = [p[index] for p, index in zip(probs.split(counts), indices)]
            feats_per_image = [f[index] for f, index in zip(box_features.split(counts), indices)]
        boxes = self._to_original_sizes(selected_boxes, image_list.image_sizes, original_sizes)
        return [Detections.from_probs(b, p[:, 1:], f)
                for b, p, f in zip(boxes, probs_per_image, feats_per_image)]

    def _box_head(self, features, proposals: list[Tensor],
                  image_sizes) -> tuple[Tensor, Tensor, Tensor]:
        """Box features, class distributions (K + 1 columns, background first) and box
        regressions of the proposals of all images, concatenated in image order."""
        roi_heads = self.model.roi_heads
        box_features = roi_heads.box_head(roi_heads.box_roi_pool(features, proposals,
                                                                 image_sizes))
        class_logits, box_regression = roi_heads.box_predictor(box_features)
        return box_features, torch.softmax(class_logits, dim=-1), box_regression

"""RetinaNet and FCOS with per-box class distributions, composed from torchvision's submodules."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torchvision.models.detection import FCOS, RetinaNet

from .base import Detector, eval_mode, select_detections
from .detections import Detections


def _per_anchor(output: Tensor, width: int) -> Tensor:
    """(N, A * width, H, W) -> (N, H * W * A, width), torchvision's anchor order."""
    n, _, h, w = output.shape
    return output.view(n, -1, width, h, w).permute(0, 3, 4, 1, 2).reshape(n, -1, width)


class OneStageDetector(Detector):
    """A torchvision ``RetinaNet`` or ``FCOS`` built with K classes (no background label).

    These heads give each anchor independent per-class scores ``s_k`` (sigmoid; for FCOS
    ``sqrt(sigmoid(logit_k) * sigmoid(centerness))``, as torchvision scores them). They become
    a distribution by ``p_k = s_k / max(1, sum_j s_j)``: unchanged while the scores sum to at
    most 1, rescaled to sum to 1 otherwise; P(no object) = ``1 - sum_k p_k``. Each anchor gives
    one class-agnostic box; the ``model.topk_candidates`` most probable anchors go through
    class-agnostic NMS (``model.nms_thresh``). Features are the classification tower's output
    at the anchor's location (``Float[n, 256]``).
    """

    label_offset = 0

    def __init__(self, model: nn.Module, num_classes: int, **options):
        if not isinstance(model, (RetinaNet, FCOS)):
            raise TypeError(f"OneStageDetector wraps RetinaNet or FCOS, got {type(model).__name__}")
        super().__init__(model, num_classes, **options)
        predicted = model.head.classification_head.num_classes
        if predicted != num_classes:
            raise ValueError(f"the {type(model).__name__} predicts {predicted} classes, "
                             f"expected num_classes = {num_classes}")

    def _predict(self, images: list[Tensor], score_threshold: float,
                 max_detections: int) -> list[Detections]:
        model = self.model
        original_sizes = [tuple(image.shape[-2:]) for image in images]
        with eval_mode(model.transform):
            image_list, _ = model.transform(images)
        features = list(model.backbone(image_list.tensors).values())
        anchors = model.anchor_generator(image_list, features)
        num_anchors = model.anchor_generator.num_anchors_per_location()[0]

        head = model.head.classification_head
        towers = [head.conv(f) for f in features]
        logits = torch.cat([_per_anchor(head.cls_logits(t), self.num_classes) for t in towers], 1)
        # one feature vector per location, shared by its anchors: (N, sum H*W, C)
        locations = torch.cat([t.flatten(2).transpose(1, 2) for t in towers], 1)
        if isinstance(model, FCOS):
            regression, centerness = model.head.regression_head(features)
            scores = torch.sqrt(torch.sigmoid(logits) * torch.sigmoid(centerness))
        else:
            regression = model.head.regression_head(features)
            scores = torch.sigmoid(logits)
        probs = scores / scores.sum(dim=-1, keepdim=True).clamp(min=1.0)

        selected = []
        for i, size in enumerate(image_list.image_sizes):
            if isinstance(model, FCOS):
                boxes = model.box_coder.decode(regression[i].detach(), anchors[i])
            else:
                boxes = model.box_coder.decode_single(regression[i].detach(), anchors[i])
            boxes, index = select_detections(
                boxes, probs[i], size, score_threshold=score_threshold,
                max_detections=max_detections, nms_threshold=model.nms_thresh,
                candidates=model.topk_candidates)
            selected.append((boxes, probs[i][index], locations[i][index // num_anchors]))
        boxes = self._to_original_sizes([s[0] for s in selected], image_list.image_sizes,
                                        original_sizes)
        return [Detections.from_probs(b, p, f) for b, (_, p, f) in zip(boxes, selected)]

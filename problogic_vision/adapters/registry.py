"""``build_detector``: detectors by name, always built without downloading weights."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn
from torchvision.models import detection
from torchvision.models.detection.anchor_utils import AnchorGenerator

from .base import Detector
from .one_stage import OneStageDetector
from .tiny import tiny_fasterrcnn
from .two_stage import FasterRCNNDetector
from .validation import check_positive_int

COMMON_OPTIONS = ("min_size", "max_size", "anchor_sizes", "aspect_ratios",
                  "detections_per_image", "score_threshold", "trainable_backbone_layers")
TINY_OPTIONS = ("channels", "representation_size", "box_batch_size_per_image",
                "sampling_ratio")


def _check_sizes(name: str, sizes, count: int | None = None) -> tuple:
    sizes = tuple(sizes) if isinstance(sizes, (list, tuple)) else None
    if not sizes or not all(isinstance(s, (int, float)) and not isinstance(s, bool) and s > 0
                            for s in sizes):
        raise ValueError(f"{name} must be a non-empty sequence of positive numbers, got {sizes!r}")
    if count is not None and len(sizes) != count:
        raise ValueError(f"{name} needs {count} values (one per feature level), got {sizes!r}")
    return sizes


def _resnet_stages(model: nn.Module) -> list[list[nn.Module]]:
    body = model.backbone.body
    return [[body.conv1, body.bn1], [body.layer1], [body.layer2], [body.layer3], [body.layer4]]


def _mobilenet_stages(model: nn.Module) -> list[list[nn.Module]]:
    # torchvision's stage boundaries for MobileNet: the first block, each strided block, the last
    blocks = list(model.backbone.body.children())
    strided = {i for i, block in enumerate(blocks) if getattr(block, "_is_cn", False)}
    starts = sorted({0, len(blocks) - 1} | strided)
    return [blocks[a:b] for a, b in zip(starts, starts[1:] + [len(blocks)])]


def freeze_backbone(stages: list[list[nn.Module]], trainable: int | None) -> None:
    """Freeze all but the last ``trainable`` backbone stages (``None``: all trainable).

    torchvision ignores ``trainable_backbone_layers`` when no pretrained weights are loaded;
    here it always applies, so weights loaded later from a local file can be fine-tuned.
    """
    if trainable is None:
        return
    if (isinstance(trainable, bool) or not isinstance(trainable, int)
            or not 0 <= trainable <= len(stages)):
        raise ValueError(f"trainable_backbone_layers must be an integer in [0, {len(stages)}], "
                         f"got {trainable!r}")
    for stage in stages[:len(stages) - trainable]:
        for module in stage:
            module.requires_grad_(False)


def _torchvision_kwargs(options: dict) -> dict:
    kwargs = {"weights": None, "weights_backbone": None}
    for key in ("min_size", "max_size"):
        if options.get(key) is not None:
            kwargs[key] = check_positive_int(key, options[key])
    return kwargs


def _fasterrcnn(builder: Callable, levels: int | None, stages: Callable):
    def build(num_classes: int, options: dict) -> Detector:
        kwargs = _torchvision_kwargs(options)
        ratios = _check_sizes("aspect_ratios", options.get("aspect_ratios") or (0.5, 1.0, 2.0))
        if options.get("anchor_sizes") is not None:
            if levels is None:  # every feature level gets every size (MobileNet's layout)
                sizes = _check_sizes("anchor_sizes", options["anchor_sizes"])
                per_level = (sizes,) * 3
            else:
                sizes = _check_sizes("anchor_sizes", options["anchor_sizes"], levels)
                per_level = tuple((s,) for s in sizes)
            kwargs["rpn_anchor_generator"] = AnchorGenerator(per_level, (ratios,) * len(per_level))
        elif options.get("aspect_ratios") is not None:
            raise ValueError("aspect_ratios needs anchor_sizes for this detector")
        model = builder(num_classes=num_classes + 1, **kwargs)
        freeze_backbone(stages(model), options.get("trainable_backbone_layers"))
        return FasterRCNNDetector(model, num_classes, **_detector_kwargs(options))
    return build


def _one_stage(builder: Callable, octaves: bool):
    def build(num_classes: int, options: dict) -> Detector:
        kwargs = _torchvision_kwargs(options)
        default_ratios = (0.5, 1.0, 2.0) if octaves else (1.0,)
        ratios = _check_sizes("aspect_ratios", options.get("aspect_ratios") or default_ratios)
        if options.get("anchor_sizes") is not None:
            sizes = _check_sizes("anchor_sizes", options["anchor_sizes"], 5)
            # RetinaNet's layout: three octave scales per level; FCOS: one point per location
            per_level = tuple((s, s * 2 ** (1 / 3), s * 2 ** (2 / 3)) if octaves else (s,)
                              for s in sizes)
            kwargs["anchor_generator"] = AnchorGenerator(per_level, (ratios,) * 5)
        elif options.get("aspect_ratios") is not None:
            raise ValueError("aspect_ratios needs anchor_sizes for this detector")
        model = builder(num_classes=num_classes, **kwargs)
        freeze_backbone(_resnet_stages(model), options.get("trainable_backbone_layers"))
        return OneStageDetector(model, num_classes, **_detector_kwargs(options))
    return build


def _tiny(num_classes: int, options: dict) -> Detector:
    sizes = ("min_size", "max_size") + TINY_OPTIONS
    kwargs = {key: options[key] for key in sizes if options.get(key) is not None}
    for key, value in kwargs.items():
        check_positive_int(key, value)
    if options.get("anchor_sizes") is not None:
        kwargs["anchor_sizes"] = _check_sizes("anchor_sizes", options["anchor_sizes"])
    if options.get("aspect_ratios") is not None:
        kwargs["aspect_ratios"] = _check_sizes("aspect_ratios", options["aspect_ratios"])
    if options.get("detections_per_image") is not None:
        kwargs["detections_per_image"] = options["detections_per_image"]
    model = tiny_fasterrcnn(num_classes, **kwargs)
    freeze_backbone(model.backbone.stages(), options.get("trainable_backbone_layers"))
    return FasterRCNNDetector(model, num_classes, **_detector_kwargs(options))


def _detector_kwargs(options: dict) -> dict:
    return {key: options[key] for key in ("score_threshold", "detections_per_image")
            if options.get(key) is not None}


BUILDERS: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "tiny_fasterrcnn": (_tiny, COMMON_OPTIONS + TINY_OPTIONS),
    "fasterrcnn_resnet50_fpn": (_fasterrcnn(detection.fasterrcnn_resnet50_fpn, 5, _resnet_stages),
                                COMMON_OPTIONS),
    "fasterrcnn_mobilenet_v3_large_fpn": (
        _fasterrcnn(detection.fasterrcnn_mobilenet_v3_large_fpn, None, _mobilenet_stages),
        COMMON_OPTIONS),
    "retinanet_resnet50_fpn": (_one_stage(detection.retinanet_resnet50_fpn, True), COMMON_OPTIONS),
    "fcos_resnet50_fpn": (_one_stage(detection.fcos_resnet50_fpn, False), COMMON_OPTIONS),
}
DETECTOR_NAMES = tuple(BUILDERS)


def build_detector(name: str, num_classes: int, **options) -> Detector:
    """Build the detector ``name`` for ``num_classes`` object classes, with random weights.

    Names: ``DETECTOR_NAMES``. Options (all optional):

    - ``min_size``, ``max_size``: the resizing of torchvision's ``GeneralizedRCNNTransform``
      (tiny default 128 / 192; torchvision's defaults for the others).
    - ``anchor_sizes``, ``aspect_ratios``: anchor sizes in pixels of the resized image; one per
      FPN level (5) for the ResNet-50 models, any number for ``tiny_fasterrcnn`` and the
      MobileNet model (every size on every level).
    - ``trainable_backbone_layers``: the number of trainable backbone stages, counted from the
      top (default: all).
    - ``detections_per_image`` (default 100), ``score_threshold`` (default 0.05): the defaults
      of ``Detector.detect``.
    - ``tiny_fasterrcnn`` only: ``channels`` (64), ``representation_size`` (256),
      ``box_batch_size_per_image`` (128 RoIs sampled per image for the box loss) and
      ``sampling_ratio`` (2 RoIAlign samples per bin and axis); the last two trade a little
      accuracy for faster CPU training.

    >>> detector = build_detector("tiny_fasterrcnn", num_classes=3)
    >>> detector.num_classes
    3
    """
    if name not in BUILDERS:
        raise ValueError(f"unknown detector {name!r}; known: {', '.join(DETECTOR_NAMES)}")
    build, allowed = BUILDERS[name]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(map(repr, unknown))} for detector "
                         f"{name!r}; allowed: {', '.join(allowed)}")
    return build(check_positive_int("num_classes", num_classes), options)

"""Torchvision detectors whose inference returns, per box, a full class distribution.

``build_detector(name, num_classes, **options)`` gives a ``Detector``: ``forward(images,
targets)`` returns the supervised loss dict (0-based classes), ``detect(images)`` a list of
``Detections`` (boxes, class_probs with P(no object) = 1 - row sum, scores, features).
"""

from .base import Detector
from .detections import Detections
from .one_stage import OneStageDetector
from .registry import DETECTOR_NAMES, build_detector
from .two_stage import FasterRCNNDetector

__all__ = ["DETECTOR_NAMES", "Detections", "Detector", "FasterRCNNDetector", "OneStageDetector",
           "build_detector"]

"""problogic_vision.metrics: accuracies over images and mAP through torchmetrics."""

import pytest
import torch

from problogic_vision.adapters import Detections
from problogic_vision.metrics import (count_accuracy, detection_map, predicted_counts,
                                      predicted_sums, range_accuracy, sum_accuracy)

BOXES = torch.tensor([[0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 40.0, 40.0], [50.0, 5.0, 70.0, 30.0]])
CLASSES = torch.tensor([0, 1, 1])


def detections(boxes, probs):
    probs = torch.as_tensor(probs, dtype=torch.float32)
    return Detections.from_probs(torch.as_tensor(boxes, dtype=torch.float32), probs,
                                 torch.zeros(len(probs), 4))


PROBS = [[0.9, 0.05], [0.1, 0.8], [0.0, 0.7]]


def test_map_is_one_for_perfect_predictions_and_lower_when_shifted_or_misclassified():
    target = {"boxes": BOXES, "classes": CLASSES}
    perfect = detection_map([detections(BOXES, PROBS)], [target])
    assert perfect == {"map": pytest.approx(1.0), "map_50": pytest.approx(1.0)}
    # a 3 px shift: IoU 0.32 for the small box (missed at 0.5), ~0.6-0.7 for the others
    shifted = detection_map([detections(BOXES + 3.0, PROBS)], [target])
    assert 0.0 < shifted["map"] < shifted["map_50"] < 1.0
    swapped = detection_map([detections(BOXES, [[0.05, 0.9], [0.8, 0.1], [0.0, 0.7]])], [target])
    assert swapped["map_50"] < 1.0
    missing = detection_map([Detections.empty(2)], [target])
    assert missing == {"map": 0.0, "map_50": 0.0}


def test_map_over_several_images_accepts_labels_key_and_reports_no_ground_truth():
    targets = [{"boxes": BOXES[:1], "labels": CLASSES[:1]}, {"boxes": BOXES[1:], "classes": [1, 1]}]
    dets = [detections(BOXES[:1], PROBS[:1]), detections(BOXES[1:], PROBS[1:])]
    assert detection_map(dets, targets)["map_50"] == pytest.approx(1.0)
    no_truth = {"boxes": torch.zeros(0, 4), "classes": torch.zeros(0, dtype=torch.long)}
    assert detection_map([detections(BOXES, PROBS)], [no_truth]) == {"map": -1.0, "map_50": -1.0}


def test_map_input_errors():
    with pytest.raises(ValueError, match="got 1 detections for 2 targets"):
        detection_map([Detections.empty(2)], [{"boxes": BOXES, "classes": CLASSES}] * 2)
    with pytest.raises(ValueError, match="needs 'boxes' and 'classes'"):
        detection_map([Detections.empty(2)], [{"boxes": BOXES}])
    with pytest.raises(ValueError, match=r"must have shape \[3\], got \[2\]"):
        detection_map([Detections.empty(2)], [{"boxes": BOXES, "classes": [0, 1]}])
    nan = detections(BOXES, [[float("nan"), 0.1], [0.1, 0.8], [0.0, 0.7]])
    with pytest.raises(ValueError, match="non-finite"):
        detection_map([nan], [{"boxes": BOXES, "classes": CLASSES}])


def test_predicted_counts_use_scores_and_most_probable_class():
    dets = [detections(BOXES, [[0.9, 0.05], [0.1, 0.8], [0.3, 0.1]]), Detections.empty(2)]
    assert predicted_counts(dets, 2).tolist() == [[1, 1], [0, 0]]
    assert predicted_counts(dets, 2, threshold=0.3).tolist() == [[2, 1], [0, 0]]
    assert predicted_counts(dets, 2, threshold=0.0).tolist() == [[2, 1], [0, 0]]
    with pytest.raises(ValueError, match=r"detections\[0\] has 2 classes, expected .* = 3"):
        predicted_counts(dets, 3)
    with pytest.raises(ValueError, match="threshold must be in \\[0, 1\\], got 2"):
        predicted_counts(dets, 2, threshold=2)


def test_count_accuracy_needs_every_class_exact():
    pred = torch.tensor([[1, 2, 0], [1, 1, 1], [0, 0, 0], [3, 0, 1]])
    true = torch.tensor([[1, 2, 0], [1, 1, 2], [0, 0, 0], [0, 0, 1]])
    assert count_accuracy(pred, true) == 0.5
    assert count_accuracy(pred.tolist(), pred.float()) == 1.0
    with pytest.raises(ValueError, match=r"true_counts must have shape \[4, 3\], got \[4, 2\]"):
        count_accuracy(pred, true[:, :2])
    with pytest.raises(ValueError, match="pred_counts must have 2 dimension"):
        count_accuracy(pred[0], true[0])
    with pytest.raises(ValueError, match="empty"):
        count_accuracy(torch.zeros(0, 3), torch.zeros(0, 3))
    with pytest.raises(ValueError, match="must hold integers"):
        count_accuracy(pred + 0.5, true)


def test_range_accuracy_bounds_are_inclusive():
    pred = torch.tensor([[1, 3], [0, 5], [2, 2]])
    low = torch.tensor([[1, 2], [1, 0], [0, 0]])
    high = torch.tensor([[1, 10], [2, 5], [2, 1]])
    assert range_accuracy(pred, low, high) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="empty range at image 0, class 1: low 4 > high 3"):
        range_accuracy(pred, [[0, 4], [0, 0], [0, 0]], [[9, 3], [9, 9], [9, 9]])
    with pytest.raises(ValueError, match=r"high must have shape \[3, 2\]"):
        range_accuracy(pred, low, high[:2])


def test_sum_accuracy_and_predicted_sums():
    assert sum_accuracy([3, 7, 10, 0], torch.tensor([3, 8, 10, 1])) == 0.5
    with pytest.raises(ValueError, match=r"true_sums must have shape \[2\], got \[3\]"):
        sum_accuracy([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="pred_sums must have 1 dimension"):
        sum_accuracy([[1, 2]], [[1, 2]])
    counts = torch.tensor([[1, 0, 2], [0, 3, 0]])
    sums = predicted_sums(counts, torch.tensor([4, 5, 6]))
    assert sums.tolist() == [16.0, 15.0]
    assert sum_accuracy(sums, [16, 14]) == 0.5
    with pytest.raises(ValueError, match="values \\[K\\] disagree"):
        predicted_sums(counts, [1, 2])

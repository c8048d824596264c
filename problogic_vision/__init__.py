"""problogic_vision: object-detector outputs as probabilistic facts, exact count, range and sum
queries over them, and the ProbKT loop that fine-tunes a detector on weak image-level labels.

>>> import torch, problogic_vision as pv
>>> probs = [torch.tensor([[0.7, 0.2], [0.6, 0.3], [0.1, 0.8]])]    # 3 detections, 2 classes
>>> pv.count_probability(probs, torch.tensor([[2, 1]]))             # exactly 2 of class 0, 1 of 1
tensor([0.3690])
"""

from .facts import DetectionError
from .queries import (CountLabel, QueryLabel, RangeLabel, SumLabel, count_probability,
                      most_probable_assignment, query_probability, range_probability,
                      sum_probability)

__all__ = [
    "count_probability", "range_probability", "sum_probability", "query_probability",
    "most_probable_assignment", "CountLabel", "RangeLabel", "SumLabel", "QueryLabel",
    "DetectionError",
]

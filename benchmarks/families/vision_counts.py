"""vision-counts: the probability of a count label over n detections with K = 3 classes.

problogic_vision's count query against the same label written as a ProbLog program (plain
recursive count: problogic, ProbLog SDD, DeepProbLog's ExactEngine) and as ProbKT's
enumeration of class lists (ProbLog SDD); see :mod:`benchmarks.families._vision`.
"""

from benchmarks.families._vision import vision_family

FAMILY = vision_family(
    "vision-counts",
    3,
    tiny=(3,),
    quick=(3, 6, 9, 15, 50),
    full=(3, 6, 8, 9, 10, 12, 15, 20, 30, 50),
    order=50,
)

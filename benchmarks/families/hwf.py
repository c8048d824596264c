"""hwf: DeepProbLog's handwritten formulas (``examples/HWF/model.pl``), trained on both
systems; a case is formulas of ``size`` symbols (see :mod:`._deepproblog_examples`)."""

from benchmarks.families._deepproblog_examples import deepproblog_family

FAMILY = deepproblog_family(
    "hwf", "DeepProbLog's handwritten formula program: expression(Symbols, Value) over n "
    "symbols (random feature vectors), problogic.Model vs DeepProbLog's ExactEngine",
    {"tiny": (3,), "quick": (1, 3, 5, 7), "full": (1, 3, 5, 7, 9)}, "symbols", 61)

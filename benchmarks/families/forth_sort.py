"""forth-sort: DeepProbLog's bubble sort with a learned swap network
(``examples/Forth/Sort/compare.pl``), trained on both systems; a case is lists of ``size``
digits (see :mod:`._deepproblog_examples`)."""

from benchmarks.families._deepproblog_examples import deepproblog_family

FAMILY = deepproblog_family(
    "forth-sort", "DeepProbLog's bubble sort with a learned swap network on pairs of digits: "
    "forth_sort(List, Sorted), lists of n digits, problogic.Model vs DeepProbLog",
    {"tiny": (2,), "quick": (2, 3, 4, 5, 6), "full": (2, 3, 4, 5, 6, 7, 8)}, "length", 62)

"""forth-add: DeepProbLog's addition with learned result and carry networks
(``examples/Forth/Add/choose.pl``), trained on both systems; a case is numbers of ``size``
digits (see :mod:`._deepproblog_examples`)."""

from benchmarks.families._deepproblog_examples import deepproblog_family

FAMILY = deepproblog_family(
    "forth-add", "DeepProbLog's addition with learned result and carry networks on digits: "
    "add(A, B, 0, Sum), numbers of N digits, problogic.Model vs DeepProbLog",
    {"tiny": (1,), "quick": (1, 2, 4, 8), "full": (1, 2, 4, 8, 16)}, "N", 63)

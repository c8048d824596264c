"""DeepProbLog's engines. problogic has one, exact inference, so :class:`ExactEngine` only
marks the choice; the approximate engine (SWI-Prolog) has no counterpart."""

from __future__ import annotations


class ExactEngine:
    """Exact inference: every query grounded, compiled once per shape and evaluated batched."""

    def __init__(self, model=None):
        self.model = model


class ApproximateEngine:
    """Refused: DeepProbLog's approximate engine searches proofs in SWI-Prolog."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            "DeepProbLog's ApproximateEngine has no counterpart in problogic; use ExactEngine, "
            "or problogic.Model.query(..., approximation=problogic.KBest(k)) for a lower bound "
            "from the k most probable proofs")

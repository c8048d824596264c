"""DeepProbLog's engines, as choices of problogic's inference.

:class:`ExactEngine`: exact inference. :class:`ApproximateEngine`: each query's probability is
a lower bound from its ``k`` most probable proofs (problogic's :class:`~problogic.KBest`),
searched per batch element under that element's network outputs. DeepProbLog's approximate
engine searches proofs in SWI-Prolog, best first under a heuristic; this one always finds the
``k`` most probable proofs, which DeepProbLog's ``ucs`` heuristic (best first by the partial
proof's probability) aims at too and its ``geometric_mean`` heuristic approximates. (Not
compared with DeepProbLog's engine, which needs SWI-Prolog.)
"""

from __future__ import annotations

from ..logic.kbest import KBest


class ExactEngine:
    """Exact inference: every query grounded, compiled once per shape and evaluated batched."""

    def __init__(self, model=None):
        self.model = model

    approximation = None  # what Model.query is given


class Heuristic:
    """The name of one of DeepProbLog's proof-search heuristics (see the module doc)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"ApproximateEngine.{self.name}"


class ApproximateEngine:
    """``k``-best proofs inference: a lower bound of each query's probability, monotone in
    ``k``, exact once ``k`` covers every proof, differentiable (see the module doc).

    ``heuristic``: ``ApproximateEngine.ucs`` or ``ApproximateEngine.geometric_mean`` (both
    give the ``k`` most probable proofs here). DeepProbLog's ``exploration`` (proofs sampled
    at random while training), ``timeout`` and learned heuristics have no counterpart and are
    refused."""

    geometric_mean = Heuristic("geometric_mean")
    ucs = Heuristic("ucs")

    def __init__(self, model, k: int, heuristic: Heuristic, exploration: bool = False,
                 timeout=None, ignore_timeout: bool = False):
        if not isinstance(heuristic, Heuristic):
            raise ValueError(f"heuristic {heuristic!r}: use ApproximateEngine.ucs or "
                             "ApproximateEngine.geometric_mean (learned heuristics have no "
                             "counterpart in problogic)")
        if exploration:
            raise ValueError("exploration (proofs sampled at random while training) has no "
                             "counterpart in problogic: the k most probable proofs are used")
        if timeout is not None:
            raise ValueError("a proof-search timeout has no counterpart in problogic: the "
                             "search finds the k most probable proofs (limits: "
                             "problogic.Limits(timeout=...) on the model)")
        self.model = model
        self.k = k
        self.heuristic = heuristic
        self.approximation = KBest(k)  # checks k

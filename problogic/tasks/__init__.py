"""Inference tasks beyond marginals."""

from .mpe import MostProbableExplanation, most_probable_explanation

__all__ = ["MostProbableExplanation", "most_probable_explanation"]

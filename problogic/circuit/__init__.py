"""Compiled circuits and their evaluation."""

from .circuit import Circuit
from .evaluate import evaluate_probability

__all__ = ["Circuit", "evaluate_probability"]

"""Neural predicates: programs with networks, batched and differentiable."""

from .answers import Answers
from .model import Model

__all__ = ["Answers", "Model"]

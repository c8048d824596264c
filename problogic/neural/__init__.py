"""Neural predicates: programs with networks, batched and differentiable."""

from .model import Model

__all__ = ["Model"]

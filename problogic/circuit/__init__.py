"""Compiled circuits: exact float64 evaluation and layerized batched tensor evaluation."""

from .circuit import Circuit
from .evaluate import evaluate_probability

_LAYERS = ("TensorCircuit", "circuit_weights", "stack_weights")


def __getattr__(name: str):
    # the tensor side on first use: it needs torch, which exact evaluation never does
    if name in _LAYERS:
        from . import layers

        return getattr(layers, name)
    raise AttributeError(f"module 'problogic.circuit' has no attribute {name!r}")


__all__ = ["Circuit", "evaluate_probability", *_LAYERS]

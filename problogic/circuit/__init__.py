"""Compiled circuits: exact float64 evaluation and layerized batched tensor evaluation."""

from .circuit import Circuit
from .evaluate import evaluate_probability
from .layers import TensorCircuit, circuit_weights, stack_weights

__all__ = ["Circuit", "evaluate_probability", "TensorCircuit", "circuit_weights",
           "stack_weights"]

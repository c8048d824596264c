"""Exact evaluation of a circuit in float64, node by node.

This is the reference evaluator for single programs (the command line, ``problogic.evaluate``).
Batched, differentiable evaluation on CPU or CUDA uses the layerized circuit instead.
"""

from __future__ import annotations

import math

from .circuit import FALSE_LEAF, INDICATOR, PRODUCT, SUM, TRUE_LEAF, Circuit


def evaluate_probability(circuit: Circuit, weights: list[list[float]] | None = None) -> list[float]:
    """The value of every root; ``weights[v][k]`` defaults to the variables' probabilities."""
    if weights is None:
        weights = [v.probabilities for v in circuit.variables]
    values = [0.0] * len(circuit)
    kinds, children, indicators = circuit.kinds, circuit.children, circuit.indicators
    fsum, prod = math.fsum, math.prod
    for i, kind in enumerate(kinds):
        if kind == SUM:
            values[i] = fsum([values[c] for c in children[i]])
        elif kind == PRODUCT:
            values[i] = prod([values[c] for c in children[i]])
        elif kind == INDICATOR:
            var, value = indicators[i]
            values[i] = weights[var][value]
        elif kind == TRUE_LEAF:
            values[i] = 1.0
        else:
            assert kind == FALSE_LEAF
    return [values[r] for r in circuit.roots]

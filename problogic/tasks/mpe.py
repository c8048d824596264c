"""The most probable explanation: the most probable world consistent with the evidence.

The compiled circuit's evidence root is evaluated in the max-product semiring by the layerized
circuit, and the maximising world is decoded. As ``problog mpe`` does, the explanation lists
the probabilistic facts (and fact-level annotated disjunctions) of the relevant ground
program: ``atom`` when it holds, ``\\+atom`` when it does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..circuit.layers import TensorCircuit, circuit_weights
from ..errors import InconsistentEvidenceError
from ..language.printing import format_term


@dataclass
class MostProbableExplanation:
    probability: float  # P(world and evidence)
    literals: list[str]  # "atom" or "\\+atom", in source order


def most_probable_explanation(formula, circuit) -> MostProbableExplanation:
    from ..pipeline import check_plain_probabilities, evidence_location

    check_plain_probabilities(formula)
    module = TensorCircuit(circuit)
    weights = circuit_weights(circuit, 1, semiring="max", dtype=torch.float64)
    result = module.mpe(weights)
    log_value = result.value[0, 0].item()
    if log_value == float("-inf"):
        raise InconsistentEvidenceError("the evidence is inconsistent (it has probability 0)",
                                        evidence_location(formula))
    chosen = result.assignment[0, 0].tolist()
    entries = []
    for variable, value in zip(circuit.variables, chosen):
        if not variable.is_fact or variable.neural is not None:
            continue
        head = variable.heads[value]
        if len(variable.heads) == 2 and variable.heads[1] is None:  # a probabilistic fact
            text = format_term(variable.heads[0])
            entries.append((variable.location, text if value == 0 else "\\+" + text))
        elif head is not None:
            entries.append((variable.location, format_term(head)))
    entries.sort(key=lambda e: (e[0].line, e[0].column) if e[0] is not None else (0, 0))
    return MostProbableExplanation(math.exp(log_value), [text for _, text in entries])

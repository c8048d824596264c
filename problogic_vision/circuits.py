"""Compile detection programs with problogic and evaluate them batched on detector outputs.

A :class:`DetectionProgram` goes through problogic's pipeline (parse, ground, formula, compile,
layerize) once per key; the result, a :class:`CompiledDetectionProgram`, knows for every
weight column of its circuit which detection and which group it reads, so that the leaf
weights of a whole batch are one gather from the grouped log-probabilities ``[B, n, G + 1]``.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass, field

import torch
from torch import Tensor

from problogic.circuit.layers import TensorCircuit
from problogic.deepstack import call_with_deep_stack
from problogic.language.terms import Term
from problogic.limits import Limits
from problogic.pipeline import Stages

from .facts import DetectionError
from .programs import DetectionProgram


@dataclass
class CompiledDetectionProgram:
    """One key's circuit. ``answers`` maps each query atom to its root (root 0 is the
    evidence); ``detection[v]`` is the detection of circuit variable ``v`` and
    ``weight_index[c]`` the flat ``detection * (G + 1) + group`` read by weight column ``c``
    (value ``G``, the AD's implicit "none", reads the last group column)."""

    module: TensorCircuit
    answers: dict[Term, int]
    detection: list[int]
    weight_index: Tensor
    num_groups: int
    timings: dict[str, float] = field(default_factory=dict)

    def copy_to(self, device) -> "CompiledDetectionProgram":
        """A copy on ``device`` (this one stays where it is)."""
        return CompiledDetectionProgram(copy.deepcopy(self.module).to(device), self.answers,
                                        self.detection, self.weight_index.to(device),
                                        self.num_groups, self.timings)

    def log_weights(self, grouped_log: Tensor) -> Tensor:
        """``[B, n, G + 1]`` grouped log-probabilities to the circuit's ``[B, V]`` weights."""
        return grouped_log.flatten(1).index_select(1, self.weight_index)


def compile_detection_program(program: DetectionProgram,
                              limits: Limits | None = None) -> CompiledDetectionProgram:
    """Run problogic's pipeline on ``program`` and layerize the circuit."""
    stages = Stages(limits)

    def build():
        formula = stages.formula(stages.ground(stages.parse(program.source, "<detections>")))
        circuit = stages.circuit(formula, stages.compile(formula))
        return formula, circuit

    formula, circuit = call_with_deep_stack(build)
    groups = len(program.grouping.names)
    detection, index = [], []
    for variable in circuit.variables:
        heads = [h for h in variable.heads if h is not None]
        d = heads[0].args[0] if heads else None
        if not isinstance(d, int) or any(h.functor != "object_class" for h in heads):
            raise DetectionError(f"the program makes {variable.label or variable} a random "
                                 "choice; only object_class/2 may be probabilistic")
        detection.append(d)
        # Values: one per head in group order (all groups, as the placeholder weights are all
        # positive), then the implicit "none".
        index.extend(d * (groups + 1) + g for g in range(groups + 1))
        if variable.arity != groups + 1:
            raise AssertionError(f"detection {d}: {variable.arity} values for {groups} groups")
    answers = {term: r + 1 for r, (term, _) in enumerate(formula.queries)}
    module = TensorCircuit(circuit)
    return CompiledDetectionProgram(module, answers, detection,
                                    torch.tensor(index, dtype=torch.long), groups,
                                    dict(stages.timings))


class CircuitCache:
    """Compiled detection programs by key and device, least recently used first out. Each
    device has its own copy, made from the CPU's: one copy moved back and forth would cost a
    transfer per call where images come from several devices."""

    def __init__(self, max_entries: int = 1024, limits: Limits | None = None):
        self.max_entries = max_entries
        self.limits = limits
        self._entries: OrderedDict[tuple, CompiledDetectionProgram] = OrderedDict()
        self.compilations = 0

    def get(self, program: DetectionProgram, device=None) -> CompiledDetectionProgram:
        """The compiled program on ``device`` (default: the CPU), compiled on first use."""
        device = torch.device(device or "cpu")
        key = (program.key, device)
        entry = self._entries.get(key)
        if entry is None:
            if device.type == "cpu":
                entry = compile_detection_program(program, self.limits)
                self.compilations += 1
            else:
                entry = self.get(program).copy_to(device)
            self._entries[key] = entry
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


DEFAULT_CACHE = CircuitCache()

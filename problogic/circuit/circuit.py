"""The compiled circuit: a smooth, deterministic, decomposable DAG of sums and products.

Nodes are numbered so that children come before their parents. Leaves are the constants and the
*indicators* ``[variable == value]`` of the choice variables; a SUM node adds its children (in a
compiled circuit they are mutually exclusive: deterministic), a PRODUCT multiplies them (they
mention disjoint variables: decomposable), and every SUM's children mention the same variables
(smooth), so the circuit is correct in every commutative semiring: probability, log-probability,
max-product, gradients. Several roots share one circuit: one compilation serves every query.

The flat arrays make the circuit easy to layerize into index tensors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..grounding.ground_program import ChoiceVariable

FALSE_LEAF, TRUE_LEAF, INDICATOR, SUM, PRODUCT = 0, 1, 2, 3, 4


@dataclass
class Circuit:
    kinds: list[int] = field(default_factory=list)
    children: list[tuple[int, ...]] = field(default_factory=list)
    # INDICATOR nodes: (variable, value); other nodes: None
    indicators: list[tuple[int, int] | None] = field(default_factory=list)
    roots: list[int] = field(default_factory=list)
    variables: list[ChoiceVariable] = field(default_factory=list)
    # variable i of the circuit is variable source_variables[i] of the ground program
    source_variables: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.kinds)

    @property
    def num_edges(self) -> int:
        return sum(len(c) for c in self.children)

    def add(self, kind: int, children: tuple[int, ...] = (),
            indicator: tuple[int, int] | None = None) -> int:
        self.kinds.append(kind)
        self.children.append(children)
        self.indicators.append(indicator)
        return len(self.kinds) - 1

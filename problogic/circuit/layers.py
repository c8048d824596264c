"""Layerized circuits: a compiled :class:`~problogic.circuit.circuit.Circuit` as a handful of
index tensors, evaluated batched by one Python loop over layers (KLay-style).

Layout of the node values: one tensor ``values: [N, B]``, node-major (each node's batch vector is
contiguous, so a gather copies whole rows). Rows ``0`` and ``1`` hold the constants FALSE and
TRUE, rows ``2 .. 2 + V`` the leaf weights (the indicator of value ``k`` of variable ``v`` is row
``2 + offset[v] + k``), then the internal nodes, layer after layer. A node's layer is its height
(leaves 0), so a layer reads only rows of lower layers, already computed. Inside a layer the
nodes are grouped in *blocks* of one kind (SUM or PRODUCT) and one padded fan-in ``K``: a block
is ``child_rows: LongTensor[n * K]`` and an output slice ``[start, stop)``; evaluating it is one
``index_select`` (``[n, K, B]``) and one reduction over ``K`` written straight into its slice.
Padding points at the FALSE row for sums and the TRUE row for products.

Weights (the input) are ``Tensor[B, V]`` in the semiring's domain, column ``offset[v] + k`` for
``[v == k]`` (:class:`WeightLayout`; :func:`stack_weights` builds it from per-variable tensors,
:func:`circuit_weights` from the circuit's own probabilities). The output is ``Tensor[B, R]``,
one column per root of the circuit (root 0 the evidence, then each query conjoined with it).

Gradients: the forward pass runs outside autograd, writing into the ``values`` buffer in place,
and one hand-written backward pass walks the layers in reverse, scattering each block's
vector-Jacobian product into a ``grads: [N, B]`` buffer with ``index_add_``. Autograd through
in-place slice writes would copy the whole buffer at every layer; a chain of per-layer tensors
would need pass-through nodes for edges that skip layers. First-order only (``gradcheck``
passes; there is no double backward).

Before layerizing, structure is merged: nodes with the same kind and the same sorted children
become one, one-child sums and products become their child, FALSE is dropped from sums and
TRUE from products, a product with a FALSE factor is FALSE, and nodes no root reaches are
dropped. All of these hold in every semiring.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple, Sequence

import torch
from torch import Tensor, nn

from .circuit import FALSE_LEAF, INDICATOR, PRODUCT, SUM, TRUE_LEAF, Circuit
from .semirings import MAX_PRODUCT, PROBABILITY, Semiring, get_semiring

FALSE_ROW, TRUE_ROW, FIRST_WEIGHT_ROW = 0, 1, 2

# Building blocks trades padding against the fixed cost of a torch call; one call costs about
# as much as this many padded child slots (each a row of B values).
DEFAULT_CALL_COST = 256


# ---- the weight layout -----------------------------------------------------------------------

@dataclass(frozen=True)
class WeightLayout:
    """Where the weight of ``[variable == value]`` sits in ``weights: Tensor[B, size]``."""

    arities: tuple[int, ...]
    offsets: tuple[int, ...]  # column of value 0 of each variable

    @classmethod
    def from_arities(cls, arities: Sequence[int]) -> "WeightLayout":
        offsets, total = [], 0
        for arity in arities:
            offsets.append(total)
            total += arity
        return cls(tuple(arities), tuple(offsets))

    @classmethod
    def from_circuit(cls, circuit: Circuit) -> "WeightLayout":
        return cls.from_arities([v.arity for v in circuit.variables])

    @property
    def size(self) -> int:
        return sum(self.arities)

    @property
    def num_variables(self) -> int:
        return len(self.arities)

    def column(self, variable: int, value: int) -> int:
        return self.offsets[variable] + value

    def split(self, weights: Tensor) -> list[Tensor]:
        """The inverse of :func:`stack_weights`: ``[B, V]`` to one ``[B, arity_v]`` per variable."""
        return list(torch.split(weights, list(self.arities), dim=1))


def stack_weights(per_variable: Sequence[Tensor]) -> Tensor:
    """``[B, arity_v]`` per variable (in the circuit's variable order) to ``weights: [B, V]``."""
    if not per_variable:
        raise ValueError("stack_weights needs at least one variable; use torch.empty(B, 0)")
    return torch.cat(list(per_variable), dim=1)


def circuit_weights(circuit: Circuit, batch_size: int = 1, *,
                    semiring: Semiring | str = PROBABILITY, dtype: torch.dtype = torch.float64,
                    device: torch.device | str | None = None) -> Tensor:
    """The circuit's own probabilities, encoded for ``semiring``, as ``weights: [batch_size, V]``."""
    flat = [p for v in circuit.variables for p in v.probabilities]
    row = torch.tensor(flat, dtype=dtype, device=device).reshape(1, len(flat))
    return get_semiring(semiring).encode(row).expand(batch_size, -1).clone()


# ---- layerization (pure Python, no torch) ----------------------------------------------------

@dataclass(frozen=True)
class Block:
    """``n`` nodes of one kind and padded fan-in ``K``, written to rows ``[start, stop)``; their
    children are ``child_rows[edge_start : edge_start + K * n]`` of the plan, slot-major (the
    first child of every node, then the second, ...), so that the gather views as ``[K, n, B]``."""

    kind: int  # SUM or PRODUCT
    start: int
    stop: int
    fan_in: int
    edge_start: int

    @property
    def size(self) -> int:
        return self.stop - self.start

    @property
    def edge_stop(self) -> int:
        return self.edge_start + self.size * self.fan_in


@dataclass
class LayerPlan:
    """The result of :func:`layerize`: rows, blocks per layer, and the flat child index."""

    layout: WeightLayout
    num_rows: int
    layers: list[list[Block]]  # layer 1 upwards (layer 0, the leaves, needs no block)
    child_rows: list[int]  # concatenated padded children of every block
    root_rows: list[int]
    node_rows: list[int]  # the row of each node of the source circuit (-1: dropped)

    @property
    def num_edges(self) -> int:
        return len(self.child_rows)


def _merge(circuit: Circuit, layout: WeightLayout):
    """Hash-cons the circuit. Returns (kinds, children, node_ids) of the merged DAG, whose first
    ``2 + V`` nodes are the leaf rows and whose children always precede their parents."""
    num_leaves = FIRST_WEIGHT_ROW + layout.size
    kinds = [FALSE_LEAF, TRUE_LEAF] + [INDICATOR] * layout.size
    children: list[tuple[int, ...]] = [()] * num_leaves
    table: dict[tuple, int] = {}
    ids = []
    for kind, kids, indicator in zip(circuit.kinds, circuit.children, circuit.indicators):
        if kind == FALSE_LEAF:
            ids.append(FALSE_ROW)
        elif kind == TRUE_LEAF:
            ids.append(TRUE_ROW)
        elif kind == INDICATOR:
            ids.append(FIRST_WEIGHT_ROW + layout.column(*indicator))
        else:
            ids.append(_merge_internal(kind, [ids[c] for c in kids], kinds, children, table))
    return kinds, children, ids


def _merge_internal(kind, kids, kinds, children, table) -> int:
    identity, absorbing = (FALSE_ROW, None) if kind == SUM else (TRUE_ROW, FALSE_ROW)
    if absorbing is not None and absorbing in kids:
        return absorbing
    kids = sorted(k for k in kids if k != identity)
    if not kids:
        return identity
    if len(kids) == 1:
        return kids[0]
    key = (kind, tuple(kids))
    node = table.get(key)
    if node is None:
        node = table[key] = len(kinds)
        kinds.append(kind)
        children.append(key[1])
    return node


def _reachable(children, roots, num_leaves) -> list[bool]:
    keep = [False] * len(children)
    for r in roots:
        keep[r] = True
    for node in range(len(children) - 1, num_leaves - 1, -1):
        if keep[node]:
            for c in children[node]:
                keep[c] = True
    return keep


def _split_fan_ins(fan_ins: list[int], call_cost: int) -> list[tuple[int, int]]:
    """Cut nodes sorted by fan-in into contiguous groups, each padded to its largest fan-in,
    minimising padded slots + ``call_cost`` per group (dynamic programming over the distinct
    fan-ins). Returns ``(end index, padded fan-in)`` per group."""
    counts = Counter(fan_ins)
    distinct = sorted(counts)
    ends = list(accumulate(counts[f] for f in distinct))  # nodes with fan-in <= distinct[i]
    best = [0] + [None] * len(distinct)  # best[j]: cost of the first j distinct fan-ins
    cut = [0] * (len(distinct) + 1)
    for j in range(1, len(distinct) + 1):
        for i in range(j):
            nodes = ends[j - 1] - (ends[i - 1] if i else 0)
            cost = best[i] + call_cost + nodes * distinct[j - 1]
            if best[j] is None or cost < best[j]:
                best[j], cut[j] = cost, i
    groups, j = [], len(distinct)
    while j:
        groups.append((ends[j - 1], distinct[j - 1]))
        j = cut[j]
    return groups[::-1]


def layerize(circuit: Circuit, call_cost: int = DEFAULT_CALL_COST) -> LayerPlan:
    """Merge the circuit's structure and lay it out in layers of blocks (see the module doc)."""
    layout = WeightLayout.from_circuit(circuit)
    kinds, children, ids = _merge(circuit, layout)
    num_leaves = FIRST_WEIGHT_ROW + layout.size
    roots = [ids[r] for r in circuit.roots]
    keep = _reachable(children, roots, num_leaves)
    height = [0] * len(kinds)
    by_layer: dict[int, list[int]] = {}
    for node in range(num_leaves, len(kinds)):
        if keep[node]:
            height[node] = 1 + max(height[c] for c in children[node])
            by_layer.setdefault(height[node], []).append(node)

    row = list(range(num_leaves)) + [-1] * (len(kinds) - num_leaves)
    layers, child_rows, next_row = [], [], num_leaves
    for h in sorted(by_layer):
        blocks = []
        for kind in (SUM, PRODUCT):
            nodes = sorted((n for n in by_layer[h] if kinds[n] == kind),
                           key=lambda n: len(children[n]))
            if not nodes:
                continue
            pad = FALSE_ROW if kind == SUM else TRUE_ROW
            begin = 0
            for end, fan_in in _split_fan_ins([len(children[n]) for n in nodes], call_cost):
                blocks.append(Block(kind, next_row, next_row + end - begin, fan_in,
                                    len(child_rows)))
                group = nodes[begin:end]
                for k in range(fan_in):  # slot-major: slot k of every node, then slot k + 1
                    child_rows += [row[children[n][k]] if k < len(children[n]) else pad
                                   for n in group]
                for n in group:
                    row[n] = next_row
                    next_row += 1
                begin = end
        layers.append(blocks)
    return LayerPlan(layout, next_row, layers, child_rows, [row[r] for r in roots],
                     [row[i] for i in ids])



"""Layerization: a compiled circuit to the plan of a :class:`~.layers.TensorCircuit`, in pure
Python (no torch): merged structure, rows, layers and blocks of one padded shape.

Row layout (see :mod:`.layers`): rows ``0`` and ``1`` are the constants FALSE and TRUE, rows
``2 .. 2 + V`` the leaf weights in :class:`WeightLayout` order, then the internal nodes, layer
after layer.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from torch import Tensor

from .circuit import FALSE_LEAF, INDICATOR, PRODUCT, SUM, TRUE_LEAF, Circuit

FALSE_ROW, TRUE_ROW, FIRST_WEIGHT_ROW = 0, 1, 2

# Building blocks trades padding against the fixed cost of a torch call; one call costs about
# as much as this many padded child slots (each a row of B values).
DEFAULT_CALL_COST = 256


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
        """The inverse of :func:`~.layers.stack_weights`: ``[B, V]`` to one ``[B, arity_v]`` per
        variable."""
        import torch  # only here: layerization itself needs no torch

        return list(torch.split(weights, list(self.arities), dim=1))


# ---- layerization (pure Python, no torch) ----------------------------------------------------

@dataclass(frozen=True)
class Block:
    """``n`` nodes, each a sum of ``terms`` products of ``factors`` rows, written to rows
    ``[start, stop)``. A SUM node is a block with one factor per term, a PRODUCT node one with a
    single term; a SUM whose children are small products (a decision: ``[v == k] * child_k``)
    takes their factors directly, which saves writing and re-reading the product rows.

    The factor rows are ``child_rows[edge_start : edge_stop]`` of the plan, laid out
    ``[factors, terms, n]`` (slot-major), so that the gather views as ``[F, K * n, B]`` and
    every slice is a contiguous block of rows. Padding: a missing factor is the TRUE row, a
    missing term is FALSE times TRUE ..., the zero of every semiring.
    """

    start: int
    stop: int
    terms: int  # K
    factors: int  # F
    edge_start: int

    @property
    def size(self) -> int:
        return self.stop - self.start

    @property
    def edge_stop(self) -> int:
        return self.edge_start + self.factors * self.terms * self.size


@dataclass
class LayerPlan:
    """The result of :func:`layerize`: rows, blocks per layer, and the flat child index."""

    layout: WeightLayout
    num_rows: int
    layers: list[list[Block]]  # layer 1 upwards (layer 0, the leaves, needs no block)
    child_rows: Sequence[int]  # concatenated padded factor rows of every block
    root_rows: Sequence[int]
    node_rows: list[int]  # the row of each node of the source circuit (-1: merged away)

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


def _parents(kinds, children, roots, num_leaves) -> list[list[int] | None]:
    """The parents of every node that some root reaches (a root counts itself as a parent);
    ``None`` for the nodes no root reaches."""
    parents: list[list[int] | None] = [None] * len(kinds)
    for r in roots:
        parents[r] = []
    for r in roots:
        parents[r].append(r)
    for node in range(len(kinds) - 1, num_leaves - 1, -1):
        if parents[node] is not None:
            for c in children[node]:
                if parents[c] is None:
                    parents[c] = []
                parents[c].append(node)
    return parents


def _inlined(kinds, children, parents, max_factors: int) -> list[bool]:
    """Products taken into their SUM parents instead of getting a row: those with only SUM
    parents (no root, no product) where re-reading the factors in each parent, ``F * P`` rows,
    costs no more than writing the row and reading it back, ``F + 1 + P``."""
    inline = [False] * len(kinds)
    for node, kind in enumerate(kinds):
        if kind != PRODUCT or parents[node] is None:
            continue
        factors, users = len(children[node]), parents[node]
        inline[node] = (factors <= max_factors and factors * len(users) <= factors + 1 + len(users)
                        and all(p != node and kinds[p] == SUM for p in users))
    return inline


def _terms(node, kinds, children, inline) -> list[tuple[int, ...]]:
    """A node as a sum of products of rows."""
    if kinds[node] == PRODUCT:
        return [children[node]]
    return [children[c] if inline[c] else (c,) for c in children[node]]


def _split_shapes(shapes: list[tuple[int, int]], call_cost: int) -> list[int]:
    """Cut nodes sorted by shape ``(factors, terms)`` into contiguous groups, each padded to the
    largest factors and terms in it, minimising padded slots + ``call_cost`` per group (dynamic
    programming over the distinct shapes). Returns the end index of each group."""
    counts = Counter(shapes)
    distinct = sorted(counts)
    ends = list(accumulate(counts[s] for s in distinct))
    best: list[float] = [0.0] + [math.inf] * len(distinct)
    cut = [0] * (len(distinct) + 1)
    for j in range(1, len(distinct) + 1):
        terms = 0
        for i in range(j - 1, -1, -1):  # group = distinct[i:j]
            terms = max(terms, distinct[i][1])
            nodes = ends[j - 1] - (ends[i - 1] if i else 0)
            cost = best[i] + call_cost + nodes * distinct[j - 1][0] * terms
            if cost < best[j]:
                best[j], cut[j] = cost, i
    groups, j = [], len(distinct)
    while j:
        groups.append(ends[j - 1])
        j = cut[j]
    return groups[::-1]


def _block_rows(node_terms: list[list[tuple[int, ...]]], terms: int, factors: int,
                row: list[int]) -> list[int]:
    """The padded factor rows of a block, ``[factors, terms, n]`` flattened."""
    flat = []
    for f in range(factors):
        for k in range(terms):
            for node in node_terms:
                if k >= len(node):
                    flat.append(FALSE_ROW if f == 0 else TRUE_ROW)
                elif f >= len(node[k]):
                    flat.append(TRUE_ROW)
                else:
                    flat.append(row[node[k][f]])
    return flat


def layerize(circuit: Circuit, call_cost: int = DEFAULT_CALL_COST,
             max_inlined_factors: int = 4) -> LayerPlan:
    """Merge the circuit's structure and lay it out in layers of blocks (see the module doc).

    A node's layer is its height over the rows it reads. ``call_cost`` (in padded rows) trades
    padding against the number of blocks; ``max_inlined_factors = 0`` keeps every product as
    its own row (plain sum and product layers)."""
    layout = WeightLayout.from_circuit(circuit)
    kinds, children, ids = _merge(circuit, layout)
    num_leaves = FIRST_WEIGHT_ROW + layout.size
    roots = [ids[r] for r in circuit.roots]
    parents = _parents(kinds, children, roots, num_leaves)
    inline = _inlined(kinds, children, parents, max_inlined_factors)
    terms: dict[int, list[tuple[int, ...]]] = {}
    height = [0] * len(kinds)
    by_layer: dict[int, list[int]] = {}
    for node in range(num_leaves, len(kinds)):
        if parents[node] is None or inline[node]:
            continue
        terms[node] = _terms(node, kinds, children, inline)
        height[node] = 1 + max(height[r] for term in terms[node] for r in term)
        by_layer.setdefault(height[node], []).append(node)

    row = list(range(num_leaves)) + [-1] * (len(kinds) - num_leaves)
    layers, child_rows, next_row = [], [], num_leaves
    for h in sorted(by_layer):
        def shape(n):
            return max(map(len, terms[n])), len(terms[n])

        nodes = sorted(by_layer[h], key=shape)
        blocks, begin = [], 0
        for end in _split_shapes([shape(n) for n in nodes], call_cost):
            group = nodes[begin:end]
            factors = max(shape(n)[0] for n in group)
            width = max(shape(n)[1] for n in group)
            blocks.append(Block(next_row, next_row + len(group), width, factors,
                                len(child_rows)))
            child_rows += _block_rows([terms[n] for n in group], width, factors, row)
            for n in group:
                row[n] = next_row
                next_row += 1
            begin = end
        layers.append(blocks)
    return LayerPlan(layout, next_row, layers, child_rows, [row[r] for r in roots],
                     [row[i] for i in ids])

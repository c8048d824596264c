"""Layerization: a compiled circuit to the plan of a :class:`~.layers.TensorCircuit`, in Python
and numpy (no torch): merged structure, rows, layers and blocks of one padded shape.

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

import numpy as np

if TYPE_CHECKING:
    from torch import Tensor

from ..collector import collector_paused
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
    child_rows: np.ndarray  # int64: the concatenated padded factor rows of every block
    root_rows: Sequence[int]
    node_rows: list[int]  # the row of each node of the source circuit (-1: merged away)

    @property
    def num_edges(self) -> int:
        return len(self.child_rows)


def _merge(circuit: Circuit, layout: WeightLayout):
    """Hash-cons the circuit. Returns (kinds, children, node_ids) of the merged DAG, whose first
    ``2 + V`` nodes are the leaf rows and whose children always precede their parents.
    Constants are folded: FALSE absorbs a product, TRUE (in a product) and FALSE (in a sum)
    drop out, and a node left with one child is that child."""
    num_leaves = FIRST_WEIGHT_ROW + layout.size
    kinds = [FALSE_LEAF, TRUE_LEAF] + [INDICATOR] * layout.size
    children: list[tuple[int, ...]] = [()] * num_leaves
    tables: dict[int, dict[tuple[int, ...], int]] = {SUM: {}, PRODUCT: {}}
    ids: list[int] = []
    append = ids.append
    offsets = layout.offsets
    for kind, kids, indicator in zip(circuit.kinds, circuit.children, circuit.indicators):
        if kind == SUM or kind == PRODUCT:
            mapped = [ids[c] for c in kids]
            if kind == PRODUCT:
                if FALSE_ROW in mapped:
                    append(FALSE_ROW)
                    continue
                identity = TRUE_ROW
            else:
                identity = FALSE_ROW
            if identity in mapped:
                mapped = [k for k in mapped if k != identity]
            if len(mapped) < 2:
                append(mapped[0] if mapped else identity)
                continue
            mapped.sort()
            key = tuple(mapped)
            table = tables[kind]
            node = table.get(key)
            if node is None:
                node = table[key] = len(kinds)
                kinds.append(kind)
                children.append(key)
            append(node)
        elif kind == FALSE_LEAF:
            append(FALSE_ROW)
        elif kind == TRUE_LEAF:
            append(TRUE_ROW)
        else:
            variable, value = indicator
            append(FIRST_WEIGHT_ROW + offsets[variable] + value)
    return kinds, children, ids


def _inlined(kinds, children, roots, num_leaves, max_factors: int) -> tuple[bytearray, bytearray]:
    """Which nodes some root reaches, and which products are taken into their SUM parents
    instead of getting a row: those with only SUM parents (no root, no product) where
    re-reading the factors in each parent, ``F * P`` rows, costs no more than writing the row
    and reading it back, ``F + 1 + P``. One sweep down the node numbers (parents come after
    their children) counts each node's reached parents and notes a non-SUM one."""
    size = len(kinds)
    reached, blocked = bytearray(size), bytearray(size)  # blocked: a root or a non-SUM parent
    users = [0] * size
    for r in roots:
        reached[r] = blocked[r] = 1
    for node in range(size - 1, num_leaves - 1, -1):
        if not reached[node]:
            continue
        kids = children[node]
        if kinds[node] == SUM:
            for c in kids:
                reached[c] = 1
                users[c] += 1
        else:
            for c in kids:
                reached[c] = blocked[c] = 1
                users[c] += 1
    inline = bytearray(size)
    for node in range(num_leaves, size):
        if kinds[node] == PRODUCT and reached[node] and not blocked[node]:
            factors, parents = len(children[node]), users[node]
            inline[node] = factors <= max_factors and factors * parents <= factors + 1 + parents
    return reached, inline


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
                row: np.ndarray) -> np.ndarray:
    """The padded factor rows of a block, ``[factors, terms, n]`` flattened. A missing term
    reads FALSE then TRUE rows, a missing factor the TRUE row (the leaves FALSE and TRUE are
    their own rows)."""
    missing_term = (FALSE_ROW,) + (TRUE_ROW,) * (factors - 1)
    flat = []
    for node in node_terms:
        for term in node:
            flat.extend(term)
            flat.extend((TRUE_ROW,) * (factors - len(term)))
        flat.extend(missing_term * (terms - len(node)))
    nodes = np.array(flat, dtype=np.int64).reshape(len(node_terms), terms, factors)
    return row[nodes.transpose(2, 1, 0).ravel()]


def layerize(circuit: Circuit, call_cost: int = DEFAULT_CALL_COST,
             max_inlined_factors: int = 4) -> LayerPlan:
    """Merge the circuit's structure and lay it out in layers of blocks (see the module doc).

    A node's layer is its height over the rows it reads. ``call_cost`` (in padded rows) trades
    padding against the number of blocks; ``max_inlined_factors = 0`` keeps every product as
    its own row (plain sum and product layers)."""
    layout = WeightLayout.from_circuit(circuit)
    with collector_paused():  # millions of tuples and lists, no cyclic garbage
        return _layerize(circuit, layout, call_cost, max_inlined_factors)


def _layerize(circuit: Circuit, layout: WeightLayout, call_cost: int,
              max_inlined_factors: int) -> LayerPlan:
    kinds, children, ids = _merge(circuit, layout)
    num_leaves = FIRST_WEIGHT_ROW + layout.size
    roots = [ids[r] for r in circuit.roots]
    reached, inline = _inlined(kinds, children, roots, num_leaves, max_inlined_factors)
    terms: dict[int, list[tuple[int, ...]]] = {}
    height = [0] * len(kinds)
    by_layer: dict[int, list[int]] = {}
    for node in range(num_leaves, len(kinds)):
        if not reached[node] or inline[node]:
            continue
        node_terms = terms[node] = _terms(node, kinds, children, inline)
        height[node] = h = 1 + max(height[r] for term in node_terms for r in term)
        by_layer.setdefault(h, []).append(node)

    row = np.full(len(kinds), -1, dtype=np.int64)
    row[:num_leaves] = np.arange(num_leaves)
    layers, pieces, edges, next_row = [], [], 0, num_leaves
    for h in sorted(by_layer):
        shapes = {n: (max(map(len, terms[n])), len(terms[n])) for n in by_layer[h]}
        nodes = sorted(by_layer[h], key=shapes.__getitem__)
        blocks, begin = [], 0
        for end in _split_shapes([shapes[n] for n in nodes], call_cost):
            group = nodes[begin:end]
            factors = max(shapes[n][0] for n in group)
            width = max(shapes[n][1] for n in group)
            blocks.append(Block(next_row, next_row + len(group), width, factors, edges))
            pieces.append(_block_rows([terms[n] for n in group], width, factors, row))
            edges += len(pieces[-1])
            row[group] = np.arange(next_row, next_row + len(group))
            next_row += len(group)
            begin = end
        layers.append(blocks)
    child_rows = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
    return LayerPlan(layout, next_row, layers, child_rows, row[roots].tolist(),
                     row[ids].tolist())

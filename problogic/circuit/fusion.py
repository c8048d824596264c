"""Fusing layerized circuits: the disjoint union of several :class:`~.layers.TensorCircuit`
as one, so that a batch whose elements fall into several shapes runs one pass over the layers
instead of one per shape (a DeepProbLog batch of two additions with different sums has two
circuits; a batch of 32 at two digits has about 30, each a few blocks of microseconds of
arithmetic and of fixed cost per call).

Layer ``l`` of the union holds layer ``l`` of every member (a member's layer reads only its
own lower layers); blocks of the same padded shape ``(factors, terms)`` become one block,
their rows side by side. Only identical shapes merge, never re-padded: every node keeps its
own operations in their order, so on the numpy blocks (CPU, at most two torch threads: a
training loop's path) a fused pass computes the same bits as the members' own passes, and an
element's result does not depend on which shapes share its batch. (Torch's CPU kernels
compute a tensor's tail elements in a scalar loop whose ``exp2`` differs from the vectorised
one by an ulp, and fusing moves elements; on those the results agree to rounding.)

Rows of the union: FALSE, TRUE, every member's leaves (member after member: the weights
``[B, V]`` are the members' weights side by side), then the merged layers. Roots: every
member's roots, member after member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .layerize import FALSE_ROW, FIRST_WEIGHT_ROW, TRUE_ROW, Block, LayerPlan, WeightLayout
from .layers import TensorCircuit


@dataclass(frozen=True)
class Fusion:
    """A fused circuit and where each member's part of it is."""

    module: TensorCircuit
    roots: list[slice]    # each member's roots among the module's
    weights: list[slice]  # each member's weight columns among the module's


def fuse(modules: Sequence[TensorCircuit]) -> Fusion:
    """The union of ``modules`` as one circuit, on their device. Its log-space passes never
    go through probability space (the route chosen by a circuit's size, see
    :mod:`.layers`): fuse only circuits that stay in log space themselves
    (:meth:`~.layers.TensorCircuit.log_passes_in_numpy`), or the union would compute other
    bits than its members."""
    maps = [np.full(m.num_rows, -1, dtype=np.int64) for m in modules]
    weights, roots, arities = [], [], []
    next_row, next_root = FIRST_WEIGHT_ROW, 0
    for row_of, module in zip(maps, modules):
        row_of[FALSE_ROW], row_of[TRUE_ROW] = FALSE_ROW, TRUE_ROW
        size = module.weight_size
        row_of[FIRST_WEIGHT_ROW:FIRST_WEIGHT_ROW + size] = np.arange(next_row, next_row + size)
        weights.append(slice(next_row - FIRST_WEIGHT_ROW, next_row - FIRST_WEIGHT_ROW + size))
        roots.append(slice(next_root, next_root + module.num_roots))
        arities.extend(module.layout.arities)
        next_row += size
        next_root += module.num_roots

    # rows first (a block's factors are rows of lower layers, all numbered before it)
    layers, groups, edge = [], [], 0
    for level in range(max(m.num_layers for m in modules)):
        shapes: dict[tuple[int, int], list[tuple[int, Block]]] = {}
        for member, module in enumerate(modules):
            for block in module.layers[level] if level < module.num_layers else ():
                shapes.setdefault((block.factors, block.terms), []).append((member, block))
        blocks = []
        for (factors, terms), members in sorted(shapes.items()):
            start = next_row
            for member, block in members:
                maps[member][block.start:block.stop] = np.arange(next_row,
                                                                 next_row + block.size)
                next_row += block.size
            blocks.append(Block(start, next_row, terms, factors, edge))
            edge += factors * terms * (next_row - start)
            groups.append(members)
        layers.append(blocks)

    # then each merged block's factor rows, [factors, terms, n] with the members side by side
    kids = [m.host_child_rows for m in modules]
    child_rows = [np.concatenate(
        [maps[member][kids[member][block.edge_start:block.edge_stop]].reshape(
            block.factors, block.terms, block.size) for member, block in members], axis=2)
        .ravel() for members in groups]
    root_rows = np.concatenate([row_of[m.host_root_rows]
                                for row_of, m in zip(maps, modules)])
    plan = LayerPlan(WeightLayout.from_arities(arities), next_row, layers,
                     np.concatenate(child_rows) if child_rows else np.empty(0, np.int64),
                     root_rows, [])
    fused = TensorCircuit(plan)
    fused.log_through_probability = False
    return Fusion(fused.to(modules[0].child_rows.device), roots, weights)

"""Decision diagrams as numpy arrays, for evaluating many roots under many weight vectors.

Exact inference evaluates a diagram node by node (:mod:`.mdd`), once. Tasks that evaluate the
same diagrams again and again, under other weights (learning's iterations, the strategies of a
decision problem), lay them out once as arrays: rows sorted by height, so that the rows of one
height are one slice, each with its children's rows and the weight slot of each edge.
"""

from __future__ import annotations

import numpy as np

from . import mdd


def weight_layout(order: list[int], variables, slot_of, first_constant: int
                  ) -> tuple[list[int], np.ndarray]:
    """Where each level's weights start in a flat weight vector: ``slot_of(var)`` for a
    variable whose weights the caller sets (None for the others), else a slot among the
    constants, which follow from ``first_constant`` on and are returned (the fixed
    variables' probabilities, level by level). ``order``: the variable of each level."""
    slots, constants = [], []
    for var in order:
        slot = slot_of(var)
        if slot is None:
            slot = first_constant + len(constants)
            constants += variables[var].probabilities
        slots.append(slot)
    return slots, np.array(constants, dtype=np.float64)


class DiagramArrays:
    """Decision diagrams evaluated together in log space, one numpy step per height: a node's
    value is ``logsumexp_k(log w[slot_k] + value[kid_k])`` (levels a path skips sum out to
    log 1 = 0, since each variable's weights sum to 1). ``slots[level]``: where the weights of
    that level's values start in the flat weight vector."""

    def __init__(self, manager: mdd.MDDManager, roots: list[int], slots: list[int]):
        order = mdd.evaluation_order(manager, roots)
        height = {mdd.FALSE: 0, mdd.TRUE: 0}
        for node in order:
            height[node] = 1 + max(height[kid] for kid in manager.kids[node])
        # rows: FALSE, TRUE, then the nodes by height, so that each height is one slice
        order.sort(key=height.__getitem__)
        index = {mdd.FALSE: 0, mdd.TRUE: 1}
        for node in order:
            index[node] = len(index)
        width = max([len(manager.kids[n]) for n in order], default=1)
        kids = np.zeros((len(index), width), dtype=np.int64)  # padding: FALSE
        weight = np.zeros((len(index), width), dtype=np.int64)
        for node in order:
            row, level = index[node], manager.level[node]
            children = [index[kid] for kid in manager.kids[node]]
            kids[row, :len(children)] = children
            weight[row, :len(children)] = range(slots[level], slots[level] + len(children))
        heights = np.array([0, 0] + [height[node] for node in order], dtype=np.int64)
        bounds = np.searchsorted(heights, np.arange(1, heights.max() + 2))
        self.groups = [(a, b, kids[a:b], weight[a:b])
                       for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        self.roots = np.array([index[r] for r in roots], dtype=np.int64)
        self.size = len(index)

    def log_values(self, log_weights: np.ndarray) -> np.ndarray:
        """``[B, rows]``: the log weighted model count of every row (the roots' rows:
        :attr:`roots`) under each of the ``B`` weight vectors ``log_weights[b]``."""
        value = np.empty((len(log_weights), self.size))
        value[:, 0], value[:, 1] = -np.inf, 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            for a, b, kids, weight in self.groups:
                terms = log_weights[:, weight] + value[:, kids]
                top = terms.max(axis=2)
                safe = np.where(np.isfinite(top), top, 0.0)
                value[:, a:b] = safe + np.log(np.exp(terms - safe[..., None]).sum(axis=2))
        return value

    def edge_masses(self, log_weights: np.ndarray, value: np.ndarray,
                    seeds: np.ndarray) -> np.ndarray:
        """Per weight slot: the sum over roots of ``seeds[root]`` times the share of the root's
        weighted model count whose paths take an edge of that slot, i.e. the gradient of
        ``sum(seeds * log value[roots])`` with respect to the log weights (reverse mode; one
        weight vector, ``value`` its :meth:`log_values` row)."""
        adjoint = np.zeros(self.size)
        np.add.at(adjoint, self.roots, seeds)
        mass = np.zeros(len(log_weights))
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            for a, b, kids, weight in reversed(self.groups):
                share = np.exp(log_weights[weight] + value[kids] - value[a:b, None])
                flow = adjoint[a:b, None] * share
                flow = np.where(flow == flow, flow, 0.0).ravel()  # 0 where a row is -inf
                adjoint[:a] += np.bincount(kids.ravel(), flow, minlength=a)[:a]
                mass += np.bincount(weight.ravel(), flow, minlength=len(log_weights))
        return mass

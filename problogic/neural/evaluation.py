"""Evaluating every shape of one query call as a single autograd node.

A call's batch elements fall into shapes (one compiled circuit each); a DeepProbLog batch of
two examples typically has two. Built from autograd operations, each shape would cost a chain
of nodes (weight gathers, a concatenation, the circuit, the root arithmetic, the assembly) and
their backward calls: on small circuits that overhead, not the circuits, dominated a training
step. :class:`EvaluateShapes` takes the call's network outputs and ``t(...)`` logits, builds
the :class:`~.weights.LogTable`, does the forward pass of every circuit outside autograd, and
returns the gradient of every network output in one backward call.

The circuits run as passes (:class:`CircuitPass`): one shape's circuit on its elements, or the
fused circuit of several shapes with as many elements each (the model fuses the shapes of a
call layout it sees again, see ``Model._passes``), each shape a :class:`ShapePart` of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import torch
from torch import Tensor

from ..circuit.layers import (FIRST_WEIGHT_ROW, LOG_PROBABILITY, TensorCircuit, backward_roots,
                              evaluate_roots)
from ..circuit.semirings import NUMPY_DTYPES
from .weights import LeafWeights, LogTable, on_host


@dataclass
class ShapePart:
    """One shape's part of a call: its batch elements (the rows of its circuit pass, in
    order), its roots among the pass's, and where its results go in the output
    ``[B, width]``."""

    elements: list[int]
    columns: Tensor | None     # output column of each answer root; None: column 0 only
    has_evidence: bool         # its first root is the evidence: results are conditioned on it
    # k-best (see Model.query): its last root is L(not evidence), a lower bound, and results
    # are divided by 1 - L, an upper bound of P(evidence)
    evidence_bound: bool = False
    roots: slice = field(default_factory=lambda: slice(None))  # all of them

    @cached_property
    def host(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Numpy views of the part's elements and answer columns (for the numpy path, where
        a ``.numpy()`` call costs more than a small step)."""
        return (np.asarray(self.elements, dtype=np.int64),
                None if self.columns is None else self.columns.numpy())


@dataclass
class CircuitPass:
    """One evaluation of a circuit on ``B_p`` rows of weights: a shape's circuit on its
    elements, or fused circuits (:func:`~problogic.circuit.fusion.fuse`) on shapes with
    ``B_p`` elements each, row ``i`` holding element ``i`` of every part."""

    module: TensorCircuit
    leaves: LeafWeights
    index: Tensor              # [B_p, n] positions in the table of its learnable columns
    parts: list[ShapePart]

    @cached_property
    def host_index(self) -> np.ndarray:
        return self.index.numpy()


@dataclass
class Layout:
    """Where the parts' results go, ``[batch, width]``: for ground queries (``ground``; the
    parts cover every element once) the rows ``order`` (the parts' elements, concatenated,
    pass after pass; None where that is the batch in order), for answers one column per
    answer. ``select`` (answers): one column per element, the result is then that column of
    each row (``-inf`` where it is -1: no answer). Ground and selected results are
    ``[batch]``."""

    batch: int
    width: int
    ground: bool
    select: np.ndarray | None = None


def _results(roots: Tensor, part: ShapePart) -> Tensor:
    """``log P(answer | evidence)`` from a part's roots ``[B_p, 1 + A]`` (root 0: evidence),
    or its k-best bound ``log L(answer & evidence) - log(1 - L(not evidence))``."""
    if part.evidence_bound:
        bound = roots[:, 1:-1] - torch.log(-torch.expm1(roots[:, -1:]))
        return bound.clamp_max_(0.0)  # <= 0 in exact arithmetic: L(q & e) <= 1 - L(not e)
    return roots[:, 1:] - roots[:, :1] if part.has_evidence else roots[:, 1:]


def _grad_roots(g: Tensor, part: ShapePart, last: Tensor | None) -> Tensor:
    """A part's roots' gradient ``[B_p, R]`` from its results' gradient ``g: [B_p, A]``."""
    if part.evidence_bound:  # d/dr -log(1 - e^r) = e^r / (1 - e^r)
        scale = torch.exp(last) / -torch.expm1(last)
        return torch.cat([g.new_zeros(len(g), 1), g, g.sum(1, keepdim=True) * scale], 1)
    first = -g.sum(1, keepdim=True) if part.has_evidence else g.new_zeros(len(g), 1)
    return torch.cat([first, g], 1)


def _select(result: Tensor, columns: Tensor) -> Tensor:
    """``result[b, columns[b]]``, ``[B]`` (``-inf`` where the column is -1)."""
    picked = result.gather(1, columns.clamp_min(0).unsqueeze(1))[:, 0]
    return picked.masked_fill_(columns < 0, float("-inf"))


def _unselect(grad: Tensor, columns: Tensor, width: int) -> Tensor:
    """The gradient ``[B, width]`` of :func:`_select`'s input given its output's ``[B]``."""
    return grad.new_zeros(len(grad), width).scatter_(
        1, columns.clamp_min(0).unsqueeze(1), grad.masked_fill(columns < 0, 0.0).unsqueeze(1))


def _parts(passes: list[CircuitPass]) -> list[ShapePart]:
    return passes[0].parts if len(passes) == 1 else [t for p in passes for t in p.parts]


class EvaluateShapes(torch.autograd.Function):
    """The call's sources (``table.sources``: network outputs, ``t(...)`` logits) to ``log
    P`` of every element and answer, ``[B, width]`` (``-inf`` where an element's shape has no
    such answer), or ``[B]``: of each element's ground query or selected answer
    (``layout.select``)."""

    @staticmethod
    def forward(ctx, table: LogTable, passes: list[CircuitPass], layout: Layout,
                order: Tensor | None, *sources: Tensor) -> Tensor:
        keep = any(ctx.needs_input_grad[4:])
        if _host_call(table, passes):
            return _host_forward(ctx, table, passes, layout, order, keep)
        values, table_state = table.log_values()
        results, lasts, saved_passes = [], [], []
        for circuit_pass in passes:
            weights = circuit_pass.leaves.weights(values, circuit_pass.index)
            out, saved = evaluate_roots(circuit_pass.module, weights, LOG_PROBABILITY, keep)
            for part in circuit_pass.parts:
                roots = out[:, part.roots]
                results.append(_results(roots, part))
                lasts.append(roots[:, -1:] if part.evidence_bound else None)
            saved_passes.append(saved)
        parts = _parts(passes)
        if order is None:  # one part, or ground parts whose rows are the batch in order
            result = results[0] if len(results) == 1 else torch.cat(results)
        elif layout.ground:  # scatter the concatenated rows to their elements
            result = results[0].new_empty(layout.batch, 1)
            result[order] = torch.cat(results)
        else:
            result = values.new_full((layout.batch, layout.width), float("-inf"))
            for part, part_result in zip(parts, results):
                rows = torch.as_tensor(part.elements, device=part_result.device).unsqueeze(1)
                result[rows, part.columns] = part_result
        if layout.select is not None:
            result = _select(result, torch.from_numpy(layout.select).to(result.device))
        elif layout.ground:
            result = result[:, 0]
        if keep:
            ctx.host, ctx.lasts = False, lasts
            ctx.table, ctx.table_state, ctx.passes, ctx.layout = table, table_state, passes, layout
            ctx.states = [p._replace(tensors=()) for p in saved_passes]  # tensors: saved below
            ctx.counts = [len(p.tensors) for p in saved_passes]
            ctx.save_for_backward(*(t for p in saved_passes for t in p.tensors),
                                  *(() if order is None else (order,)))
            ctx.has_order = order is not None
        return result

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: Tensor):
        if ctx.host:
            return (None, None, None, None, *_host_backward(ctx, grad))
        saved, passes, layout = ctx.saved_tensors, ctx.passes, ctx.layout
        parts = _parts(passes)
        if layout.select is not None:
            grad = _unselect(grad, torch.from_numpy(layout.select).to(grad.device),
                             layout.width)
        elif layout.ground:
            grad = grad[:, None]
        if not ctx.has_order:
            grads = grad.split([len(part.elements) for part in parts])
        elif layout.ground:
            grads = grad.index_select(0, saved[-1]).split([len(part.elements)
                                                           for part in parts])
        else:
            grads = [grad[torch.as_tensor(part.elements, device=grad.device).unsqueeze(1),
                          part.columns] for part in parts]
        grad_flat = grad.new_zeros(ctx.table.size)
        start, first = 0, 0
        for circuit_pass, state, count in zip(passes, ctx.states, ctx.counts):
            tensors, start = saved[start:start + count], start + count
            state = state._replace(tensors=tuple(tensors))
            module, stop = circuit_pass.module, first + len(circuit_pass.parts)
            seeds = [_grad_roots(g, part, last) for part, g, last in zip(
                circuit_pass.parts, grads[first:stop], ctx.lasts[first:stop])]
            first = stop
            if len(seeds) == 1:
                grad_roots = seeds[0]
            else:  # fused circuits: each part seeds its own roots
                grad_roots = grad.new_zeros(len(seeds[0]), module.num_roots)
                for part, seed in zip(circuit_pass.parts, seeds):
                    grad_roots[:, part.roots] = seed
            grad_weights = backward_roots(module, state, grad_roots)
            index, columns = circuit_pass.index, circuit_pass.leaves.columns
            if index.numel():
                grad_flat.index_add_(0, index.reshape(-1), grad_weights[:, columns].reshape(-1))
        return (None, None, None, None,
                *ctx.table.vjp(ctx.table_state, grad_flat, ctx.needs_input_grad[4:]))


# ---- the same call on numpy arrays ---------------------------------------------------------
# On CPU every step of a call on a small circuit costs more in torch's per-call dispatch (and
# in the Python layers around each step) than in arithmetic: a DeepProbLog batch's circuits
# take a few microseconds of numpy work. These two functions do the whole call on numpy
# arrays: the same operations as above, in the same order (the circuit through
# TensorCircuit.numpy_layers/numpy_layers_backward, the kernels _values and _backward use), so
# the results are the same.

def _host_call(table: LogTable, passes: list[CircuitPass]) -> bool:
    """Whether a call runs on numpy arrays: CPU sources of a numpy dtype, at most two torch
    threads (as TensorCircuit's own numpy passes), and circuits whose log-space passes run in
    numpy (decided per circuit, by its size)."""
    return (all(on_host(source) for source in table.sources) and table.dtype in NUMPY_DTYPES
            and torch.get_num_threads() <= 2
            and all(p.module.log_passes_in_numpy() for p in passes))


def _host_results(roots: np.ndarray, part: ShapePart) -> np.ndarray:
    """:func:`_results` on numpy roots ``[B_p, R]``."""
    if part.evidence_bound:
        bound = roots[:, 1:-1] - np.log(-np.expm1(roots[:, -1:]))
        return np.minimum(bound, 0.0, out=bound)
    return roots[:, 1:] - roots[:, :1] if part.has_evidence else roots[:, 1:]


def _host_forward(ctx, table: LogTable, passes: list[CircuitPass], layout: Layout,
                  order: Tensor | None, keep: bool) -> Tensor:
    # one errstate for the call (log 0 = -inf is meant; a context costs more than a step)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _host_forward_steps(ctx, table, passes, layout, order, keep)


def _host_forward_steps(ctx, table: LogTable, passes: list[CircuitPass], layout: Layout,
                        order: Tensor | None, keep: bool) -> Tensor:
    flat, table_state = table.log_values(host=True)
    results, lasts, values_of = [], [], []
    for circuit_pass in passes:
        module, index = circuit_pass.module, circuit_pass.host_index
        columns, constants = circuit_pass.leaves.host_leaves(table.dtype)
        # the leaves' rows straight from the table (the circuits are small: fresh buffers,
        # which glibc then serves from its heap without page faults)
        values = np.empty((module.num_rows, index.shape[0]), flat.dtype)
        values[:FIRST_WEIGHT_ROW + module.weight_size] = constants
        if index.size:
            values[columns] = flat.take(index.T) * LOG_PROBABILITY.scale
        module.numpy_layers(values, LOG_PROBABILITY)
        roots = values.take(module.host_root_rows, axis=0).T
        roots = np.divide(roots, LOG_PROBABILITY.scale, order="C")
        for part in circuit_pass.parts:
            part_roots = roots[:, part.roots]
            results.append(_host_results(part_roots, part))
            lasts.append(part_roots[:, -1:] if part.evidence_bound else None)
        values_of.append(values)
    if order is None:
        result = results[0] if len(results) == 1 else np.concatenate(results)
    elif layout.ground:
        result = np.empty((layout.batch, 1), flat.dtype)
        result[order.numpy()] = np.concatenate(results)
    else:
        result = np.full((layout.batch, layout.width), -np.inf, flat.dtype)
        for part, part_result in zip(_parts(passes), results):
            elements, columns = part.host
            result[elements[:, None], columns] = part_result
    if layout.select is not None:
        columns = layout.select
        result = result[np.arange(len(columns)), columns]
        result[columns < 0] = -np.inf
    elif layout.ground:
        result = result[:, 0]
    if keep:
        ctx.host, ctx.values, ctx.lasts = True, values_of, lasts
        ctx.table, ctx.table_state, ctx.passes, ctx.layout = table, table_state, passes, layout
        ctx.order = None if order is None else order.numpy()
    return torch.from_numpy(np.ascontiguousarray(result))


def _host_backward(ctx, grad: Tensor) -> list[Tensor | None]:
    with np.errstate(divide="ignore", invalid="ignore"):  # as _host_forward
        return _host_backward_steps(ctx, grad)


def _host_backward_steps(ctx, grad: Tensor) -> list[Tensor | None]:
    passes, layout = ctx.passes, ctx.layout
    parts = _parts(passes)
    g = grad.numpy()
    if layout.select is not None:
        columns = layout.select
        full = np.zeros((len(g), layout.width), g.dtype)
        rows = np.flatnonzero(columns >= 0)
        full[rows, columns[rows]] = g[rows]
        g = full
    elif layout.ground:
        g = g[:, None]
    if len(parts) == 1 and ctx.order is None:
        grads = [g]
    elif layout.ground:  # rows in the parts' order, then each part's (not np.split: slow)
        rows, grads, start = g if ctx.order is None else g[ctx.order], [], 0
        for part in parts:
            grads.append(rows[start:start + len(part.elements)])
            start += len(part.elements)
    else:
        grads = [g[part.host[0][:, None], part.host[1]] for part in parts]
    grad_flat = np.zeros(ctx.table.size, g.dtype)
    first = 0
    for circuit_pass, values in zip(passes, ctx.values):
        module = circuit_pass.module
        grad_roots = np.zeros((values.shape[1], module.num_roots), g.dtype)
        for part, g_part, last in zip(circuit_pass.parts, grads[first:], ctx.lasts[first:]):
            seed = grad_roots[:, part.roots]  # a view: the part's roots
            seed[:, 1:1 + g_part.shape[1]] = g_part
            if part.evidence_bound:  # d/dr -log(1 - e^r) = e^r / (1 - e^r)
                seed[:, -1:] = g_part.sum(1, keepdims=True) * np.exp(last) / -np.expm1(last)
            elif part.has_evidence:
                seed[:, 0] = -g_part.sum(1)
        first += len(circuit_pass.parts)
        grads_rows = np.zeros(values.shape, values.dtype)
        if module.distinct_roots():  # an assignment: a fraction of a scatter's cost
            grads_rows[module.host_root_rows] = grad_roots.T
        else:
            torch.from_numpy(grads_rows).index_add_(0, module.root_rows,
                                                    torch.from_numpy(grad_roots.T))
        module.numpy_layers_backward(values, grads_rows, LOG_PROBABILITY)
        index = circuit_pass.host_index
        columns, _ = circuit_pass.leaves.host_leaves(ctx.table.dtype)
        if index.size:
            grad_flat += np.bincount(index.T.ravel(), minlength=len(grad_flat),
                                     weights=grads_rows[columns].ravel())
    return ctx.table.vjp(ctx.table_state, grad_flat, ctx.needs_input_grad[4:])

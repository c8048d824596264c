"""Evaluating every shape of one query call as a single autograd node.

A call's batch elements fall into shapes (one compiled circuit each); a DeepProbLog batch of
two examples typically has two. Built from autograd operations, each shape would cost a chain
of nodes (weight gathers, a concatenation, the circuit, the root arithmetic, the assembly) and
their backward calls: on small circuits that overhead, not the circuits, dominated a training
step. :class:`EvaluateShapes` takes the call's network outputs and ``t(...)`` logits, builds
the :class:`~.weights.LogTable`, does the forward pass of every shape outside autograd, and
returns the gradient of every network output in one backward call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch
from torch import Tensor

from ..circuit.layers import (FIRST_WEIGHT_ROW, LOG_PROBABILITY, TensorCircuit, backward_roots,
                              evaluate_roots)
from .weights import NUMPY_DTYPES, LogTable, WeightPlan, on_host


@dataclass
class ShapeRun:
    """One shape's part of a call: its circuit, its weights' plan and table positions, and
    where its results go in the output ``[B, width]``."""

    module: TensorCircuit
    plan: WeightPlan
    index: Tensor              # [B_s, n] positions in the table of its learnable columns
    elements: list[int]        # its batch elements (rows of the output)
    columns: Tensor | None     # output column of each answer root; None: column 0 only
    has_evidence: bool         # root 0 is the evidence: results are conditioned on it
    # k-best (see Model.query): the last root is L(not evidence), a lower bound, and results
    # are divided by 1 - L, an upper bound of P(evidence)
    evidence_bound: bool = False

    @cached_property
    def host(self) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Numpy views of the CPU run's elements, answer columns and index (for the numpy
        path, where a ``.numpy()`` call costs more than a small step)."""
        return (np.asarray(self.elements, dtype=np.int64),
                None if self.columns is None else self.columns.numpy(), self.index.numpy())

    def weights(self, flat: Tensor) -> Tensor:
        """``[B_s, V]`` log weights: the constant row, learnable columns from ``flat``."""
        row = self.plan.constant_row(flat.dtype, flat.device)
        weights = row.expand(self.index.shape[0], -1).clone()
        if self.index.numel():
            weights[:, self.plan.columns] = flat[self.index]
        return weights


@dataclass
class Layout:
    """Where the runs' results go, ``[batch, width]``: for ground queries (``ground``; the
    runs cover every element once) the rows ``order`` (the runs' elements, concatenated;
    None where that is the batch in order), for answers one column per answer. ``select``
    (answers): one column per element, the result is then that column of each row (``-inf``
    where it is -1: no answer). Ground and selected results are ``[batch]``."""

    batch: int
    width: int
    ground: bool
    select: np.ndarray | None = None


def _results(roots: Tensor, run: ShapeRun) -> Tensor:
    """``log P(answer | evidence)`` from the roots ``[B_s, 1 + A]`` (root 0: evidence), or
    its k-best bound ``log L(answer & evidence) - log(1 - L(not evidence))``."""
    if run.evidence_bound:
        bound = roots[:, 1:-1] - torch.log(-torch.expm1(roots[:, -1:]))
        return bound.clamp_max_(0.0)  # <= 0 in exact arithmetic: L(q & e) <= 1 - L(not e)
    return roots[:, 1:] - roots[:, :1] if run.has_evidence else roots[:, 1:]


def _grad_roots(g: Tensor, run: ShapeRun, last: Tensor | None) -> Tensor:
    """The roots' gradient ``[B_s, R]`` from the results' gradient ``g: [B_s, A]``."""
    if run.evidence_bound:  # d/dr -log(1 - e^r) = e^r / (1 - e^r)
        scale = torch.exp(last) / -torch.expm1(last)
        return torch.cat([g.new_zeros(len(g), 1), g, g.sum(1, keepdim=True) * scale], 1)
    first = -g.sum(1, keepdim=True) if run.has_evidence else g.new_zeros(len(g), 1)
    return torch.cat([first, g], 1)


def _select(result: Tensor, columns: Tensor) -> Tensor:
    """``result[b, columns[b]]``, ``[B]`` (``-inf`` where the column is -1)."""
    picked = result.gather(1, columns.clamp_min(0).unsqueeze(1))[:, 0]
    return picked.masked_fill_(columns < 0, float("-inf"))


def _unselect(grad: Tensor, columns: Tensor, width: int) -> Tensor:
    """The gradient ``[B, width]`` of :func:`_select`'s input given its output's ``[B]``."""
    return grad.new_zeros(len(grad), width).scatter_(
        1, columns.clamp_min(0).unsqueeze(1), grad.masked_fill(columns < 0, 0.0).unsqueeze(1))


class EvaluateShapes(torch.autograd.Function):
    """The call's sources (``table.sources``: network outputs, ``t(...)`` logits) to ``log
    P`` of every element and answer, ``[B, width]`` (``-inf`` where an element's shape has no
    such answer), or ``[B]``: of each element's ground query or selected answer
    (``layout.select``)."""

    @staticmethod
    def forward(ctx, table: LogTable, runs: list[ShapeRun], layout: Layout,
                order: Tensor | None, *sources: Tensor) -> Tensor:
        keep = any(ctx.needs_input_grad[4:])
        if _host_call(table, runs):
            return _host_forward(ctx, table, runs, layout, order, keep)
        values, table_state = table.log_values()
        parts, passes = [], []
        for run in runs:
            out, saved = evaluate_roots(run.module, run.weights(values), LOG_PROBABILITY, keep)
            parts.append(_results(out, run))
            if keep and run.evidence_bound:  # its last root, for the gradient
                saved = saved._replace(tensors=saved.tensors + (out[:, -1:],))
            passes.append(saved)
        if order is None:  # one run, or ground runs whose rows are the batch in order
            result = parts[0] if len(parts) == 1 else torch.cat(parts)
        elif layout.ground:  # scatter the concatenated rows to their elements
            result = parts[0].new_empty(layout.batch, 1)
            result[order] = torch.cat(parts)
        else:
            result = values.new_full((layout.batch, layout.width), float("-inf"))
            for run, part in zip(runs, parts):
                rows = torch.as_tensor(run.elements, device=part.device).unsqueeze(1)
                result[rows, run.columns] = part
        if layout.select is not None:
            result = _select(result, torch.from_numpy(layout.select).to(result.device))
        elif layout.ground:
            result = result[:, 0]
        if keep:
            ctx.host = False
            ctx.table, ctx.table_state, ctx.runs, ctx.layout = table, table_state, runs, layout
            ctx.passes = [p._replace(tensors=()) for p in passes]  # tensors: saved below
            ctx.counts = [len(p.tensors) for p in passes]
            ctx.save_for_backward(*(t for p in passes for t in p.tensors),
                                  *(() if order is None else (order,)))
            ctx.has_order = order is not None
        return result

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: Tensor):
        if ctx.host:
            return (None, None, None, None, *_host_backward(ctx, grad))
        saved, runs, layout = ctx.saved_tensors, ctx.runs, ctx.layout
        if layout.select is not None:
            grad = _unselect(grad, torch.from_numpy(layout.select).to(grad.device),
                             layout.width)
        elif layout.ground:
            grad = grad[:, None]
        if not ctx.has_order:
            grads = grad.split([len(run.elements) for run in runs])
        elif layout.ground:
            grads = grad.index_select(0, saved[-1]).split([len(run.elements) for run in runs])
        else:
            grads = [grad[torch.as_tensor(run.elements, device=grad.device).unsqueeze(1),
                          run.columns] for run in runs]
        host = on_host(grad)
        grad_flat = grad.new_zeros(ctx.table.size)
        start = 0
        for run, state, count, g in zip(runs, ctx.passes, ctx.counts, grads):
            tensors, start = saved[start:start + count], start + count
            last = None
            if run.evidence_bound:
                *tensors, last = tensors
            state = state._replace(tensors=tuple(tensors))
            grad_weights = backward_roots(run.module, state, _grad_roots(g, run, last))
            if not run.index.numel():
                continue
            if host:  # numpy's bincount: a tenth of index_add_'s dispatch on small batches
                grad_flat.numpy()[...] += np.bincount(
                    run.index.numpy().ravel(), minlength=len(grad_flat),
                    weights=grad_weights.numpy()[:, run.plan.columns.numpy()].ravel())
            else:
                grad_flat.index_add_(0, run.index.reshape(-1),
                                     grad_weights[:, run.plan.columns].reshape(-1))
        return (None, None, None, None,
                *ctx.table.vjp(ctx.table_state, grad_flat, ctx.needs_input_grad[4:]))


# ---- the same call on numpy arrays ---------------------------------------------------------
# On CPU every step of a call on a small circuit costs more in torch's per-call dispatch (and
# in the Python layers around each step) than in arithmetic: a DeepProbLog batch's circuits
# take a few microseconds of numpy work. These two functions do the whole call on numpy
# arrays: the same operations as above, in the same order (the circuit through
# TensorCircuit.numpy_forward/numpy_backward, the kernels _values and _backward use), so the
# results are the same.

def _host_call(table: LogTable, runs: list[ShapeRun]) -> bool:
    """Whether a call runs on numpy arrays: CPU sources of a numpy dtype, at most two torch
    threads (as TensorCircuit's own numpy passes), and circuits whose log-space passes run in
    numpy (decided per circuit, by its size)."""
    return (all(on_host(source) for source in table.sources) and table.dtype in NUMPY_DTYPES
            and torch.get_num_threads() <= 2
            and all(run.module.log_passes_in_numpy() for run in runs))


def _host_results(roots: np.ndarray, run: ShapeRun) -> np.ndarray:
    """:func:`_results` on numpy roots ``[B_s, R]``."""
    if run.evidence_bound:
        with np.errstate(divide="ignore"):
            bound = roots[:, 1:-1] - np.log(-np.expm1(roots[:, -1:]))
        return np.minimum(bound, 0.0, out=bound)
    return roots[:, 1:] - roots[:, :1] if run.has_evidence else roots[:, 1:]


def _host_forward(ctx, table: LogTable, runs: list[ShapeRun], layout: Layout,
                  order: Tensor | None, keep: bool) -> Tensor:
    flat, table_state = table.log_values(host=True)
    parts, passes = [], []
    for run in runs:
        module, index = run.module, run.host[2]
        columns, constants = run.plan.host_leaves(table.dtype)
        # the leaves' rows straight from the table (the circuits are small: fresh buffers,
        # which glibc then serves from its heap without page faults)
        values = np.empty((module.num_rows, len(run.elements)), flat.dtype)
        values[:FIRST_WEIGHT_ROW + module.weight_size] = constants
        if index.size:
            values[columns] = np.take(flat, index.T) * LOG_PROBABILITY.scale
        module.numpy_forward(None, values, LOG_PROBABILITY)
        roots = np.take(values, module.numpy_root_rows(), axis=0).T
        roots = np.divide(roots, LOG_PROBABILITY.scale, order="C")
        parts.append(_host_results(roots, run))
        passes.append((values, roots[:, -1:] if run.evidence_bound else None))
    if order is None:
        result = parts[0] if len(parts) == 1 else np.concatenate(parts)
    elif layout.ground:
        result = np.empty((layout.batch, 1), flat.dtype)
        result[order.numpy()] = np.concatenate(parts)
    else:
        result = np.full((layout.batch, layout.width), -np.inf, flat.dtype)
        for run, part in zip(runs, parts):
            result[run.host[0][:, None], run.host[1]] = part
    if layout.select is not None:
        columns = layout.select
        result = result[np.arange(len(columns)), columns]
        result[columns < 0] = -np.inf
    elif layout.ground:
        result = result[:, 0]
    if keep:
        ctx.host, ctx.passes = True, passes
        ctx.table, ctx.table_state, ctx.runs, ctx.layout = table, table_state, runs, layout
        ctx.order = None if order is None else order.numpy()
    return torch.from_numpy(np.ascontiguousarray(result))


def _host_backward(ctx, grad: Tensor) -> list[Tensor | None]:
    runs, layout = ctx.runs, ctx.layout
    g = grad.numpy()
    if layout.select is not None:
        columns = layout.select
        full = np.zeros((len(g), layout.width), g.dtype)
        rows = np.flatnonzero(columns >= 0)
        full[rows, columns[rows]] = g[rows]
        g = full
    elif layout.ground:
        g = g[:, None]
    if len(runs) == 1 and ctx.order is None:
        grads = [g]
    elif layout.ground:  # rows in the runs' order, then split
        rows = g if ctx.order is None else g[ctx.order]
        grads = np.split(rows, np.cumsum([len(run.elements) for run in runs])[:-1])
    else:
        grads = [g[run.host[0][:, None], run.host[1]] for run in runs]
    grad_flat = np.zeros(ctx.table.size, g.dtype)
    for run, (values, last), g_run in zip(runs, ctx.passes, grads):
        module = run.module
        grad_roots = np.zeros((len(g_run), module.num_roots), g.dtype)
        grad_roots[:, 1:1 + g_run.shape[1]] = g_run
        if run.evidence_bound:  # d/dr -log(1 - e^r) = e^r / (1 - e^r)
            grad_roots[:, -1:] = g_run.sum(1, keepdims=True) * np.exp(last) / -np.expm1(last)
        elif run.has_evidence:
            grad_roots[:, 0] = -g_run.sum(1)
        grads_rows = np.zeros(values.shape, values.dtype)
        roots, distinct = module.numpy_root_rows(), module.distinct_roots()
        if distinct:  # an assignment: a fraction of a scatter's cost
            grads_rows[roots] = grad_roots.T
        else:
            torch.from_numpy(grads_rows).index_add_(0, module.root_rows,
                                                    torch.from_numpy(grad_roots.T))
        module.numpy_backward(values, grads_rows, LOG_PROBABILITY)
        index, (columns, _) = run.host[2], run.plan.host_leaves(ctx.table.dtype)
        if index.size:
            grad_flat += np.bincount(index.T.ravel(), minlength=len(grad_flat),
                                     weights=grads_rows[columns].ravel())
    return ctx.table.vjp(ctx.table_state, grad_flat, ctx.needs_input_grad[4:])

"""Evaluating every shape of one query call as a single autograd node.

A call's batch elements fall into shapes (one compiled circuit each); a DeepProbLog batch of
two examples typically has two. Built from autograd operations, each shape would cost a chain
of nodes (weight gathers, a concatenation, the circuit, the root arithmetic, the assembly) and
their backward calls: on small circuits that overhead, not the circuits, dominated a training
step. :class:`EvaluateShapes` does the forward pass of every shape outside autograd and
returns the gradient of the whole :class:`~.weights.LogTable` in one backward call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from ..circuit.layers import LOG_PROBABILITY, TensorCircuit, backward_roots, evaluate_roots
from .weights import WeightPlan, on_host


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

    def weights(self, flat: Tensor) -> Tensor:
        """``[B_s, V]`` log weights: the constant row, learnable columns from ``flat``."""
        row = self.plan.constant_row(flat.dtype, flat.device)
        if on_host(flat):  # the same in numpy: a few microseconds instead of a few dozen
            weights = np.repeat(row.numpy(), self.index.shape[0], axis=0)
            if self.index.numel():
                weights[:, self.plan.columns.numpy()] = np.take(flat.numpy(),
                                                               self.index.numpy())
            return torch.from_numpy(weights)
        weights = row.expand(self.index.shape[0], -1).clone()
        if self.index.numel():
            weights[:, self.plan.columns] = flat[self.index]
        return weights


@dataclass
class Layout:
    """Where the runs' results go, ``[batch, width]``: for ground queries (``ground``; the
    runs cover every element once) the rows ``order`` (the runs' elements, concatenated;
    None where that is the batch in order), for answers one column per answer."""

    batch: int
    width: int
    ground: bool


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


class EvaluateShapes(torch.autograd.Function):
    """``flat`` (the call's :class:`~.weights.LogTable`) to ``log P`` of every element and
    answer, ``[B, width]`` (``-inf`` where an element's shape has no such answer)."""

    @staticmethod
    def forward(ctx, flat: Tensor, runs: list[ShapeRun], layout: Layout,
                order: Tensor | None) -> Tensor:
        keep = ctx.needs_input_grad[0]
        values = flat.detach().reshape(-1)
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
        if keep:
            ctx.runs, ctx.layout, ctx.flat_shape = runs, layout, flat.shape
            ctx.passes = [p._replace(tensors=()) for p in passes]  # tensors: saved below
            ctx.counts = [len(p.tensors) for p in passes]
            ctx.save_for_backward(*(t for p in passes for t in p.tensors),
                                  *(() if order is None else (order,)))
            ctx.has_order = order is not None
        return result

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: Tensor):
        saved, runs, layout = ctx.saved_tensors, ctx.runs, ctx.layout
        if not ctx.has_order:
            grads = grad.split([len(run.elements) for run in runs])
        elif layout.ground:
            grads = grad.index_select(0, saved[-1]).split([len(run.elements) for run in runs])
        else:
            grads = [grad[torch.as_tensor(run.elements, device=grad.device).unsqueeze(1),
                          run.columns] for run in runs]
        host = on_host(grad)
        grad_flat = grad.new_zeros(ctx.flat_shape.numel())
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
        return grad_flat.view(ctx.flat_shape), None, None, None

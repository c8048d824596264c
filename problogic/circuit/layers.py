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
    """``n`` nodes of one kind and padded fan-in ``fan_in``, written to rows ``[start, stop)``;
    their children are ``child_rows[edge_start : edge_start + n * fan_in]`` of the plan."""

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
                for n in nodes[begin:end]:
                    kids = [row[c] for c in children[n]]
                    child_rows += kids + [pad] * (fan_in - len(kids))
                    row[n] = next_row
                    next_row += 1
                begin = end
        layers.append(blocks)
    return LayerPlan(layout, next_row, layers, child_rows, [row[r] for r in roots],
                     [row[i] for i in ids])


# ---- evaluation ------------------------------------------------------------------------------

class MPEResult(NamedTuple):
    """The most probable world consistent with each root.

    ``value: [B, R]``: its log-probability (``-inf`` where the root is impossible);
    ``assignment: LongTensor[B, R, num_variables]``: the value of every variable in it
    (``-1`` for every variable where the root is impossible).
    """

    value: Tensor
    assignment: Tensor


class TensorCircuit(nn.Module):
    """A compiled circuit as index tensors, evaluated in a semiring on a batch of weights.

    >>> import torch, problogic as pl
    >>> from problogic.circuit.layers import TensorCircuit, circuit_weights
    >>> _, circuit = pl.Program.from_string("0.6::a. 0.3::b. q :- a. q :- b. query(q).").compile()
    >>> tc = TensorCircuit(circuit)
    >>> tc(circuit_weights(circuit, semiring="log"), semiring="log").exp()   # [B=1, R=2]
    tensor([[1.0000, 0.7200]], dtype=torch.float64)

    ``compile=True`` wraps the layer loops in :func:`torch.compile`. Measured on CPU (2 cores,
    torch 2.x, counts circuits of 10k and 160k nodes, batch 128) it does not pay: the loop is
    unrolled into one graph per circuit, compiling takes minutes on the large circuit, and the
    kernels are memory-bound gathers the eager ops already run at full speed (see
    benchmarks/layers_bench.py). It stays an option for GPUs, where it fuses the per-block
    kernels; if compilation fails the eager loop is used, with a warning.
    """

    def __init__(self, circuit: Circuit, *, compile: bool = False,
                 call_cost: int = DEFAULT_CALL_COST):
        super().__init__()
        plan = layerize(circuit, call_cost)
        self.layout = plan.layout
        self.num_rows = plan.num_rows
        self.layers = plan.layers
        self.num_roots = len(plan.root_rows)
        self.register_buffer("child_rows", torch.tensor(plan.child_rows, dtype=torch.long),
                             persistent=False)
        self.register_buffer("root_rows", torch.tensor(plan.root_rows, dtype=torch.long),
                             persistent=False)
        # For decoding an MPE: the variable and value of each weight column.
        columns = [(v, k) for v, a in enumerate(self.layout.arities) for k in range(a)]
        self.register_buffer("column_variable", torch.tensor([v for v, _ in columns],
                                                             dtype=torch.long), persistent=False)
        self.register_buffer("column_value", torch.tensor([k for _, k in columns],
                                                          dtype=torch.long), persistent=False)
        self._forward_values = _forward_values
        self._backward_values = _backward_values
        if compile:
            self._compile()

    # -- sizes --
    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def num_variables(self) -> int:
        return self.layout.num_variables

    @property
    def weight_size(self) -> int:
        return self.layout.size

    @property
    def num_edges(self) -> int:
        return self.child_rows.numel()

    def extra_repr(self) -> str:
        return (f"rows={self.num_rows}, layers={self.num_layers}, edges={self.num_edges}, "
                f"variables={self.num_variables}, roots={self.num_roots}")

    def _compile(self) -> None:
        try:
            self._forward_values = torch.compile(_forward_values, dynamic=False)
            self._backward_values = torch.compile(_backward_values, dynamic=False)
        except Exception as error:  # torch.compile unavailable on this platform
            warnings.warn(f"torch.compile failed ({error}); using the eager layer loop",
                          RuntimeWarning, stacklevel=3)
            self._forward_values = _forward_values
            self._backward_values = _backward_values

    def _run_forward(self, leaves: Tensor, semiring: Semiring) -> Tensor:
        try:
            return self._forward_values(leaves, self.layers, self.child_rows, self.num_rows,
                                        semiring)
        except Exception as error:
            if self._forward_values is _forward_values:
                raise
            warnings.warn(f"torch.compile failed ({type(error).__name__}: {error}); using the "
                          "eager layer loop", RuntimeWarning, stacklevel=3)
            self._forward_values = _forward_values
            self._backward_values = _backward_values
            return _forward_values(leaves, self.layers, self.child_rows, self.num_rows, semiring)

    def _check(self, weights: Tensor) -> None:
        if weights.dim() != 2 or weights.shape[1] != self.weight_size:
            raise ValueError(f"weights must be [batch, {self.weight_size}], got "
                             f"{list(weights.shape)}")
        if not weights.is_floating_point():
            raise TypeError(f"weights must be floating point, got {weights.dtype}")

    def forward(self, weights: Tensor, semiring: Semiring | str = "log") -> Tensor:
        """``weights: [B, V]`` in the semiring's domain (log-probabilities for ``"log"`` and
        ``"max"``) to the value of every root, ``[B, R]``, differentiable in ``weights``."""
        self._check(weights)
        return _EvaluateCircuit.apply(weights, self, get_semiring(semiring))

    def values(self, weights: Tensor, semiring: Semiring | str = "log") -> Tensor:
        """Every row's value, ``[num_rows, B]`` (no gradient); rows as in the module doc."""
        self._check(weights)
        with torch.no_grad():
            return self._run_forward(weights.detach().T, get_semiring(semiring))

    def mpe(self, log_weights: Tensor) -> MPEResult:
        """The most probable world consistent with each root, for each batch element.

        ``log_weights: [B, V]`` log-probabilities. The value is the max-product value of the
        root; the assignment is decoded by following the maximising child of every SUM node
        (the first on ties) from the root down through every child of the PRODUCT nodes. In a
        smooth, decomposable circuit whose roots mention every variable (what the compiler
        builds) this reaches exactly one indicator of each variable; a variable the root does
        not mention would stay ``-1``.
        """
        values = self.values(log_weights, MAX_PRODUCT)
        root_values = values.index_select(0, self.root_rows).T  # [B, R]
        assignment = self._decode(values)  # [V_count, R * B]
        batch = values.shape[1]
        assignment = assignment.view(-1, self.num_roots, batch).permute(2, 1, 0)
        impossible = (root_values == float("-inf")).unsqueeze(-1)
        return MPEResult(root_values, assignment.masked_fill(impossible, -1).contiguous())

    @torch.no_grad()
    def _decode(self, values: Tensor) -> Tensor:
        """Backtrack from the roots: ``active[row, r * B + b]`` counts the chosen parents of a
        row. Returns the value of every variable, ``LongTensor[num_variables, R * B]``."""
        batch, roots = values.shape[1], self.num_roots
        active = torch.zeros(self.num_rows, roots * batch, dtype=torch.int32,
                             device=values.device)
        root_columns = torch.arange(roots * batch, device=values.device).view(roots, batch)
        active[self.root_rows.unsqueeze(1).expand(roots, batch), root_columns] += 1
        for blocks in reversed(self.layers):
            for block in blocks:
                _decode_block(block, values, active, self.child_rows, roots)
        return self._assignment(active[FIRST_WEIGHT_ROW:FIRST_WEIGHT_ROW + self.weight_size])

    def _assignment(self, chosen: Tensor) -> Tensor:
        """``chosen: [V, R * B]`` (counts of the chosen indicators) to the value of each
        variable, ``[num_variables, R * B]``; -1 where none is chosen."""
        picked = chosen > 0
        value = torch.where(picked, self.column_value.unsqueeze(1), -1)
        variable = self.column_variable.unsqueeze(1).expand_as(value)
        assignment = torch.full((self.num_variables, chosen.shape[1]), -1, dtype=torch.long,
                                device=chosen.device)
        assignment.scatter_reduce_(0, variable, value, reduce="amax")
        per_variable = torch.zeros_like(assignment).scatter_add_(0, variable, picked.long())
        if bool((per_variable > 1).any()):
            raise RuntimeError("MPE decoding chose two values of one variable: the circuit is "
                               "not decomposable")
        return assignment


def _block_children(child_rows: Tensor, block: Block) -> Tensor:
    return child_rows[block.edge_start:block.edge_stop]


def _forward_values(leaves: Tensor, layers: list[list[Block]], child_rows: Tensor,
                    num_rows: int, semiring: Semiring) -> Tensor:
    """``leaves: [V, B]`` (weights transposed) to ``values: [num_rows, B]``."""
    batch = leaves.shape[1]
    values = leaves.new_empty(num_rows, batch)
    values[FALSE_ROW].fill_(semiring.zero)
    values[TRUE_ROW].fill_(semiring.one)
    values[FIRST_WEIGHT_ROW:FIRST_WEIGHT_ROW + leaves.shape[0]].copy_(leaves)
    for blocks in layers:
        for block in blocks:
            x = values.index_select(0, _block_children(child_rows, block))
            reduce = semiring.add if block.kind == SUM else semiring.multiply
            reduce(x.view(block.size, block.fan_in, batch), values[block.start:block.stop])
    return values


def _backward_values(values: Tensor, grad_roots: Tensor, root_rows: Tensor,
                     layers: list[list[Block]], child_rows: Tensor, num_leaves: int,
                     semiring: Semiring) -> Tensor:
    """``grad_roots: [R, B]`` to the gradient of every leaf row, ``[num_leaves, B]``: one pass
    over the layers in reverse; a block's rows are complete when it is reached, because all
    their parents sit in higher layers."""
    batch = values.shape[1]
    grads = torch.zeros_like(values)
    grads.index_add_(0, root_rows, grad_roots)
    for blocks in reversed(layers):
        for block in blocks:
            kids = _block_children(child_rows, block)
            x = values.index_select(0, kids).view(block.size, block.fan_in, batch)
            vjp = semiring.add_vjp if block.kind == SUM else semiring.multiply_vjp
            grad_x = vjp(x, values[block.start:block.stop], grads[block.start:block.stop])
            grads.index_add_(0, kids, grad_x.reshape(-1, batch))
    return grads[:num_leaves]


def _decode_block(block: Block, values: Tensor, active: Tensor, child_rows: Tensor,
                  roots: int) -> None:
    """Pass the activity of a block's rows (``[n, R * B]``) to their chosen children."""
    batch = values.shape[1]
    kids = _block_children(child_rows, block)
    parents = active[block.start:block.stop].clone()  # scatter_add_ refuses aliasing
    if block.kind == PRODUCT:
        active.index_add_(0, kids, parents.repeat_interleave(block.fan_in, dim=0))
        return
    x = values.index_select(0, kids).view(block.size, block.fan_in, batch)
    choice = x.argmax(dim=1)  # [n, B], the same for every root
    chosen = kids.view(block.size, block.fan_in).gather(1, choice)  # [n, B] rows
    chosen = chosen.unsqueeze(1).expand(-1, roots, -1).reshape(block.size, roots * batch)
    active.scatter_add_(0, chosen, parents)


class _EvaluateCircuit(torch.autograd.Function):
    """weights ``[B, V]`` -> root values ``[B, R]``, with the hand-written backward pass."""

    @staticmethod
    def forward(ctx, weights: Tensor, module: TensorCircuit, semiring: Semiring) -> Tensor:
        values = module._run_forward(weights.detach().T, semiring)
        if ctx.needs_input_grad[0]:
            ctx.save_for_backward(values)
            ctx.module, ctx.semiring = module, semiring
        return values.index_select(0, module.root_rows).T.contiguous()

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_output: Tensor):
        (values,) = ctx.saved_tensors
        module = ctx.module
        num_leaves = FIRST_WEIGHT_ROW + module.weight_size
        grads = module._backward_values(values, grad_output.T.contiguous(), module.root_rows,
                                        module.layers, module.child_rows, num_leaves,
                                        ctx.semiring)
        return grads[FIRST_WEIGHT_ROW:].T, None, None

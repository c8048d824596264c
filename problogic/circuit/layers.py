"""Layerized circuits: a compiled :class:`~problogic.circuit.circuit.Circuit` as a handful of
index tensors, evaluated batched by one Python loop over layers (KLay-style).

Layout of the node values: one tensor ``values: [N, B]``, node-major (each node's batch vector is
contiguous, so a gather copies whole rows). Rows ``0`` and ``1`` hold the constants FALSE and
TRUE, rows ``2 .. 2 + V`` the leaf weights (the indicator of value ``k`` of variable ``v`` is row
``2 + offset[v] + k``), then the internal nodes, layer after layer. A node's layer is its height
over the rows it reads (leaves 0), so a layer reads only rows of lower layers, already computed.

Inside a layer the nodes are grouped in *blocks* (:class:`Block`) of one padded shape: ``n``
nodes, each a sum of ``K`` terms, each term a product of ``F`` rows. A SUM node is a block with
``F = 1``, a PRODUCT node one with ``K = 1``; a SUM whose children are small products with no
other use (a decision ``sum_k [v == k] * child_k``, the compiler's staple) reads their factors
directly, so those products get no row: half the rows, layers and gathers on compiled circuits.
Evaluating a block is one ``index_select`` of its factor rows (``[F, K * n, B]``), a product over
``F`` and a sum over ``K`` written straight into its slice of rows. Padding is the TRUE row for
a missing factor and FALSE for a missing term, the semiring's one and zero.

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

On CPU (float32 and float64, at most two torch threads) both passes run block by block on
numpy views of the same buffers with the semiring's numpy kernels (:mod:`.semirings`): the
same operations in the same order as the torch loop, without torch's per-call dispatch, which
dominated small circuits (a B = 1 circuit of four blocks: 177 to 108 us forward). Gathers use
``np.take``, ten times faster than fancy indexing of rows.

Log space through probability space: the log semiring's forward pass first runs in probability
space (no exponential or logarithm per node: about twice as fast) and keeps that result where
it provably equals the log-space one up to rounding: every weight and every row at most 1 (so
no rounding error grows along a path) and every root at least ``edges * tiny / eps`` (the
absolute error of all the underflows together is then below the rounding error of the root).
The backward pass then runs in probability space as well, seeded with ``grad / root`` (the
derivative of the log) and multiplied by the leaf probability at the end; its underflows are
bounded by the same margin. Otherwise (weights above 1, a root too small or impossible, a
non-finite gradient) the log-space passes run instead.

Before layerizing, structure is merged (hash-consing): nodes with the same kind and the same
sorted children become one, one-child sums and products become their child, FALSE is dropped
from sums and TRUE from products, a product with a FALSE factor is FALSE, and nodes no root
reaches are dropped. All of these hold in every semiring.
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple, Sequence

import numpy as _np
import torch
from torch import Tensor, nn

from .circuit import Circuit
from .layerize import (DEFAULT_CALL_COST, FALSE_ROW, FIRST_WEIGHT_ROW, TRUE_ROW, Block,
                       LayerPlan, WeightLayout, layerize)

__all__ = ["TensorCircuit", "MPEResult", "WeightLayout", "layerize", "stack_weights",
           "circuit_weights", "FIRST_WEIGHT_ROW", "SavedPass", "evaluate_roots",
           "backward_roots"]
from .semirings import (LOG_PROBABILITY, MAX_PRODUCT, PROBABILITY, Semiring, _numpy_ok,
                        first_argmax, get_semiring)


# Log space goes through probability space (see the module doc) on circuits with at least this
# many edges: below, its fixed cost (a dozen small calls for the checks) exceeds what it saves.
# Decided per circuit, never per batch, so that an element's result does not depend on its
# batch.
PROBABILITY_ROUTE_MIN_EDGES = 10_000



# ---- the weight layout -----------------------------------------------------------------------

def stack_weights(per_variable: Sequence[Tensor]) -> Tensor:
    """``[B, arity_v]`` per variable (in the circuit's variable order) to ``weights: [B, V]``."""
    if not per_variable:
        raise ValueError("stack_weights needs at least one variable; use torch.empty(B, 0)")
    return torch.cat(list(per_variable), dim=1)


def circuit_weights(circuit: Circuit, batch_size: int = 1, *,
                    semiring: Semiring | str = PROBABILITY, dtype: torch.dtype = torch.float64,
                    device: torch.device | str | None = None) -> Tensor:
    """The circuit's own probabilities, encoded for ``semiring``: ``weights: [batch_size, V]``."""
    flat = [p for v in circuit.variables for p in v.probabilities]
    row = torch.tensor(flat, dtype=dtype, device=device).reshape(1, len(flat))
    return get_semiring(semiring).encode(row).expand(batch_size, -1).clone()


# ---- evaluation ------------------------------------------------------------------------------

class MPEResult(NamedTuple):
    """The most probable world consistent with each root.

    ``value: [B, R]``: its log-probability (``-inf`` where the root is impossible);
    ``assignment: LongTensor[B, R, num_variables]``: the value of every variable in it
    (``-1`` for every variable where the root is impossible).
    """

    value: Tensor
    assignment: Tensor


def _references(tensor: Tensor) -> tuple[int, int] | None:
    """How many holders a tensor has: of the tensor itself (an autograd graph that saved it)
    and of its storage (views). ``None`` where torch does not say (private API): no reuse."""
    try:
        return (tensor._use_count(),
                torch._C._storage_Use_Count(tensor.untyped_storage()._cdata))
    except (AttributeError, RuntimeError):
        return None


class _Workspace:
    """Reuses the ``[num_rows, B]`` buffers across calls on CPU.

    A buffer of many megabytes comes straight from ``mmap`` and first touching its pages costs
    more than the whole layer loop (measured 45 ms of page faults for 80 MB, against 4 ms for
    a memset). A buffer is handed out again only when nothing else refers to it: not a saved
    autograd graph (until its backward has run), not a view a caller kept. On other devices
    the caching allocator already does this, and every call allocates.
    """

    def __init__(self):
        self._buffers: dict[str, tuple[Tensor, tuple[int, int]]] = {}

    def take(self, name: str, shape: tuple[int, ...], like: Tensor,
             dtype: torch.dtype | None = None) -> Tensor:
        dtype = dtype or like.dtype
        if like.device.type != "cpu":
            return torch.empty(shape, dtype=dtype, device=like.device)
        held = self._buffers.get(name)
        if held is not None:
            buffer, alone = held
            if buffer.shape == shape and buffer.dtype == dtype and _references(buffer) == alone:
                return buffer
        buffer = torch.empty(shape, dtype=dtype)
        alone = _references(buffer)
        if alone is not None:
            self._buffers[name] = (buffer, alone)
        return buffer

    def clear(self) -> None:
        self._buffers.clear()

    def __getstate__(self) -> dict:  # pickling a module does not save scratch memory
        return {"_buffers": {}}


class TensorCircuit(nn.Module):
    """A compiled circuit as index tensors, evaluated in a semiring on a batch of weights.

    >>> import torch, problogic as pl
    >>> from problogic.circuit.layers import TensorCircuit, circuit_weights
    >>> _, circuit = pl.Program.from_string("0.6::a. 0.3::b. q :- a. q :- b. query(q).").compile()
    >>> tc = TensorCircuit(circuit)
    >>> tc(circuit_weights(circuit, semiring="log"), semiring="log").exp()   # [B=1, R=2]
    tensor([[1.0000, 0.7200]], dtype=torch.float64)

    ``circuit`` may also be a :class:`~.layerize.LayerPlan` already laid out (as
    :func:`~.fusion.fuse` makes). ``call_cost`` and ``max_inlined_factors`` tune the layout
    (see :func:`layerize`).
    ``compile=True`` wraps the forward and backward layer loops in :func:`torch.compile` (one
    graph per semiring, dtype and batch size; if compiling fails, the eager loop is used, with a
    warning). On CPU it does not pay, so it is off by default. Measured on 2 cores, float32,
    batch 128: on a 114-row circuit (9 layers) it halves the forward time (0.21 to 0.10 ms,
    Python overhead), on a 3k-row one (39 layers) the forward is slower (1.2 to 4.5 ms in
    probability space, 3.0 to 3.6 ms in log space) and every new graph takes 15-30 s to compile;
    the eager blocks are memory-bound gathers and reductions already. Worth trying on GPUs, where
    it fuses the small per-block kernels.
    """

    def __init__(self, circuit: Circuit | LayerPlan, *, compile: bool = False,
                 call_cost: int = DEFAULT_CALL_COST, max_inlined_factors: int = 4):
        super().__init__()
        plan = circuit if isinstance(circuit, LayerPlan) else layerize(
            circuit, call_cost, max_inlined_factors)
        self.layout = plan.layout
        self.num_rows = plan.num_rows
        self.layers = plan.layers
        self.num_roots = len(plan.root_rows)
        self._workspace = _Workspace()
        # The index arrays stay on the host too (shared with the buffers while those are on
        # CPU): the numpy passes and fusion read them there, never copying back from a device.
        self.host_child_rows = _np.asarray(plan.child_rows, dtype=_np.int64)
        self.host_root_rows = _np.asarray(plan.root_rows, dtype=_np.int64)
        self.register_buffer("child_rows", torch.from_numpy(self.host_child_rows),
                             persistent=False)
        self.register_buffer("root_rows", torch.from_numpy(self.host_root_rows),
                             persistent=False)
        # For decoding an MPE: the variable and value of each weight column.
        columns = [(v, k) for v, a in enumerate(self.layout.arities) for k in range(a)]
        self.register_buffer("column_variable", torch.tensor([v for v, _ in columns],
                                                             dtype=torch.long), persistent=False)
        self.register_buffer("column_value", torch.tensor([k for _, k in columns],
                                                          dtype=torch.long), persistent=False)
        self._forward_layers = _forward_layers
        self._backward_layers = _backward_layers
        # Log space through probability space where exact, on circuits of at least
        # PROBABILITY_ROUTE_MIN_EDGES edges (see the module doc); False runs the log-space
        # passes always (same results up to rounding; for measurements).
        self.log_through_probability = True
        if compile:
            self._compile()

    # -- sizes --
    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def num_blocks(self) -> int:
        return sum(len(blocks) for blocks in self.layers)

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
        return (f"rows={self.num_rows}, layers={self.num_layers}, blocks={self.num_blocks}, "
                f"edges={self.num_edges}, variables={self.num_variables}, "
                f"roots={self.num_roots}")

    def clear_workspace(self) -> None:
        """Free the reusable ``[num_rows, B]`` buffers (see :class:`_Workspace`)."""
        self._workspace.clear()

    # -- torch.compile --
    def _compile(self) -> None:
        try:
            self._forward_layers = torch.compile(_forward_layers, dynamic=False)
            self._backward_layers = torch.compile(_backward_layers, dynamic=False)
        except Exception as error:  # torch.compile unavailable on this platform
            self._eager(error)

    def _eager(self, error: Exception) -> None:
        warnings.warn(f"torch.compile failed ({type(error).__name__}: {error}); using the "
                      "eager layer loop", RuntimeWarning, stacklevel=4)
        self._forward_layers = _forward_layers
        self._backward_layers = _backward_layers

    def _run(self, loop: str, *args, before_retry=None) -> None:
        """Run the (possibly compiled) forward or backward loop, falling back to eager;
        ``before_retry`` restores what a failed compiled run may have written."""
        function = getattr(self, loop)
        try:
            function(*args)
        except Exception as error:
            if function in (_forward_layers, _backward_layers):
                raise
            self._eager(error)
            if before_retry is not None:
                before_retry()
            getattr(self, loop)(*args)

    # -- evaluation --
    def _check(self, weights: Tensor) -> None:
        if weights.dim() != 2 or weights.shape[1] != self.weight_size:
            raise ValueError(f"weights must be [batch, {self.weight_size}], got "
                             f"{list(weights.shape)}")
        if not weights.is_floating_point():
            raise TypeError(f"weights must be floating point, got {weights.dtype}")

    def _values(self, weights: Tensor, semiring: Semiring, fresh: bool = False) -> Tensor:
        """Every row's value, ``[num_rows, B]``."""
        batch = weights.shape[0]
        if fresh:
            values = weights.new_empty(self.num_rows, batch)
        else:
            values = self._workspace.take("values", (self.num_rows, batch), weights)
        if self._numpy_pass(values, semiring):  # the same steps on the numpy views
            vn = values.numpy()
            vn[FALSE_ROW], vn[TRUE_ROW] = semiring.zero, semiring.one
            _np.multiply(weights.detach().numpy().T, semiring.scale,
                         out=vn[FIRST_WEIGHT_ROW:FIRST_WEIGHT_ROW + self.weight_size])
            with _np.errstate(divide="ignore", invalid="ignore"):  # log 0 = -inf is meant
                self.numpy_layers(vn, semiring)
            return values
        values[FALSE_ROW].fill_(semiring.zero)
        values[TRUE_ROW].fill_(semiring.one)
        leaves = values[FIRST_WEIGHT_ROW:FIRST_WEIGHT_ROW + self.weight_size]
        leaves.copy_(weights.detach().T)
        if semiring.scale != 1.0:  # the semiring's internal domain (log space: base 2)
            leaves.mul_(semiring.scale)
        self._run("_forward_layers", values, self.layers, self.child_rows, semiring)
        return values

    def numpy_layers(self, values: "_np.ndarray", semiring: Semiring) -> None:
        """The forward pass in numpy, with the semiring's numpy kernels: every internal row of
        ``values: [num_rows, B]``, whose first ``2 + V`` rows (FALSE, TRUE, the leaves,
        scaled by ``semiring.scale``) the caller has filled. The caller also silences numpy's
        divide and invalid warnings (``log 0 = -inf`` is meant): one context per call, not
        per block."""
        batch, kernel = values.shape[1], semiring.numpy_kernels[0]
        # take, not values[kids]: fancy indexing of rows costs 10x more (81 against 8 us for
        # 5k rows of 2); the method, not np.take, whose Python wrapper doubles a small call
        for block, kids, _ in self._numpy_blocks():
            x = values.take(kids, axis=0).reshape(block.factors, block.terms, block.size,
                                                  batch)
            kernel(x, values[block.start:block.stop])

    def numpy_layers_backward(self, values: "_np.ndarray", grads: "_np.ndarray",
                              semiring: Semiring) -> None:
        """The backward pass in numpy, from :meth:`numpy_layers`' ``values``: ``grads: [
        num_rows, B]`` (seeded at the roots) accumulates every row's gradient; the caller
        silences numpy's warnings, as for the forward pass. The scatter of each block's
        gradient into its factor rows is torch's ``index_add_`` on the same memory: numpy's
        ``np.add.at`` is three times slower."""
        batch, grads_tensor = values.shape[1], torch.from_numpy(grads)
        vjp = semiring.numpy_kernels[1]
        for block, kids, kids_tensor in reversed(self._numpy_blocks()):
            x = values.take(kids, axis=0).reshape(block.factors, block.terms, block.size,
                                                  batch)
            grad_x = vjp(x, values[block.start:block.stop], grads[block.start:block.stop])
            grads_tensor.index_add_(0, kids_tensor, torch.from_numpy(grad_x.reshape(-1, batch)))

    def _numpy_pass(self, values: Tensor, semiring: Semiring) -> bool:
        """Whether a pass runs block by block in numpy: on CPU, in the eager loop, for a
        semiring with numpy kernels. On small circuits torch's per-call dispatch (views,
        gathers, conversions: a dozen calls per block) cost more than the arithmetic; the
        kernels and their order of operations are the same, so the results are too."""
        return (semiring.numpy_kernels is not None and self._forward_layers is _forward_layers
                and _numpy_ok(values))

    def distinct_roots(self) -> bool:
        """Whether no two roots share a row (cached): then the roots' gradient is seeded by
        an assignment, not a scatter."""
        distinct = self.__dict__.get("_distinct_root_cache")
        if distinct is None:
            rows = self.host_root_rows
            distinct = len(set(rows.tolist())) == len(rows)
            self.__dict__["_distinct_root_cache"] = distinct
        return distinct

    def log_passes_in_numpy(self) -> bool:
        """Whether :func:`evaluate_roots` runs this circuit's log-space passes in numpy on CPU
        (the eager loop, below the probability route's size): a caller may then run them on
        numpy arrays itself (:meth:`numpy_layers`, :meth:`numpy_layers_backward`)."""
        return self._forward_layers is _forward_layers and not (
            self.log_through_probability and self.num_edges >= PROBABILITY_ROUTE_MIN_EDGES)

    def _numpy_blocks(self) -> list[tuple[Block, "_np.ndarray", Tensor]]:
        """Every block with its factor rows as a numpy array and a CPU tensor (cached)."""
        blocks = self.__dict__.get("_numpy_block_cache")
        if blocks is None:
            rows = torch.from_numpy(self.host_child_rows)
            blocks = [(block, rows[block.edge_start:block.edge_stop].numpy(),
                       rows[block.edge_start:block.edge_stop])
                      for layer in self.layers for block in layer]
            self.__dict__["_numpy_block_cache"] = blocks
        return blocks

    def _log_by_probability(self, log_weights: Tensor):
        """The log semiring's rows computed in probability space: ``(values [N, B], roots
        [R, B], exact [B])``, probabilities, and which batch elements they are exact for up to
        rounding (see the module doc). Each element is judged on its own column alone, so
        an element's result never depends on the rest of its batch."""
        values = self._values(log_weights.detach().exp(), PROBABILITY)
        roots = values.index_select(0, self.root_rows)
        info = torch.finfo(values.dtype)
        # Rows may exceed 1 by rounding; allow 1 + 1e-3, whose growth over the layers the
        # margin absorbs.
        slack = 1e-3
        margin = (math.log2(self.num_edges + self.num_rows) + math.log2(info.tiny)
                  - math.log2(info.eps) + self.num_layers * math.log2(1 + slack))
        exact = (values.amax(dim=0) <= 1 + slack) & (roots.amin(dim=0) >= 2.0 ** margin)
        if log_weights.shape[1]:
            exact &= log_weights.detach().amax(dim=1) <= 0  # a weight above 1: no bound
        return values, roots, exact

    def forward(self, weights: Tensor, semiring: Semiring | str = "log") -> Tensor:
        """``weights: [B, V]`` in the semiring's domain (log-probabilities for ``"log"`` and
        ``"max"``) to the value of every root, ``[B, R]``, differentiable in ``weights``."""
        self._check(weights)
        return _EvaluateCircuit.apply(weights, self, get_semiring(semiring))

    def values(self, weights: Tensor, semiring: Semiring | str = "log") -> Tensor:
        """Every row's value, ``[num_rows, B]`` (no gradient); rows as in the module doc."""
        self._check(weights)
        semiring = get_semiring(semiring)
        with torch.no_grad():
            values = self._values(weights, semiring, fresh=True)
            return values if semiring.scale == 1.0 else values.div_(semiring.scale)

    @torch.no_grad()
    def mpe(self, log_weights: Tensor) -> MPEResult:
        """The most probable world consistent with each root, for each batch element.

        ``log_weights: [B, V]`` log-probabilities. The value is the max-product value of the
        root; the assignment is decoded by following the maximising child of every SUM node
        (the first on ties) from the root down through every child of the PRODUCT nodes. In a
        smooth, decomposable circuit whose roots mention every variable (what the compiler
        builds) this reaches exactly one indicator of each variable; a variable the root does
        not mention would stay ``-1``.
        """
        self._check(log_weights)
        values = self._values(log_weights, MAX_PRODUCT)
        root_values = values.index_select(0, self.root_rows).T  # [B, R]
        assignment = self._decode(values)  # [num_variables, R * B]
        batch = values.shape[1]
        assignment = assignment.view(-1, self.num_roots, batch).permute(2, 1, 0)
        impossible = (root_values == float("-inf")).unsqueeze(-1)
        return MPEResult(root_values.contiguous(),
                         assignment.masked_fill(impossible, -1).contiguous())

    def _decode(self, values: Tensor) -> Tensor:
        """Backtrack from the roots: ``active[row, r * B + b]`` counts the chosen parents of a
        row. Returns the value of every variable, ``LongTensor[num_variables, R * B]``."""
        batch, roots = values.shape[1], self.num_roots
        active = self._workspace.take("active", (self.num_rows, roots * batch), values,
                                      dtype=torch.int32)
        active.zero_()
        root_columns = torch.arange(roots * batch, device=values.device).view(roots, batch)
        active[self.root_rows.unsqueeze(1).expand(roots, batch), root_columns] = 1
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


def _gather(values: Tensor, child_rows: Tensor, block: Block) -> tuple[Tensor, Tensor]:
    """The block's factor rows and their values, ``[F, K * n, B]``."""
    kids = child_rows[block.edge_start:block.edge_stop]
    x = values.index_select(0, kids).view(block.factors, block.terms * block.size, -1)
    return kids, x


def _terms_of(x: Tensor, block: Block, semiring: Semiring) -> Tensor:
    """``x: [F, K * n, B]`` to the value of every term, ``[K, n, B]`` (x left intact)."""
    if block.factors == 1:
        return x.view(block.terms, block.size, -1)
    terms = x.new_empty(x.shape[1:])
    semiring.multiply(x, terms)
    return terms.view(block.terms, block.size, -1)


def _evaluate_block(values: Tensor, child_rows: Tensor, block: Block,
                    semiring: Semiring) -> None:
    _, x = _gather(values, child_rows, block)
    out = values[block.start:block.stop]
    fused = semiring.sum_of_products
    if fused is not None and fused(x.view(block.factors, block.terms, block.size, -1), out):
        return
    if block.terms == 1:
        semiring.multiply(x, out)
    else:
        semiring.add(_terms_of(x, block, semiring), out)


def _forward_layers(values: Tensor, layers: list[list[Block]], child_rows: Tensor,
                    semiring: Semiring) -> None:
    """Fill the internal rows of ``values: [num_rows, B]`` (leaf rows already set), layer by
    layer; each block writes its result straight into its slice of rows."""
    for blocks in layers:
        for block in blocks:
            _evaluate_block(values, child_rows, block, semiring)


def _block_vjp(values: Tensor, grads: Tensor, child_rows: Tensor, block: Block,
               semiring: Semiring) -> None:
    """Scatter the vector-Jacobian product of one block into its factors' gradient rows."""
    kids, x = _gather(values, child_rows, block)
    y, grad_y = values[block.start:block.stop], grads[block.start:block.stop]
    fused = semiring.sum_of_products_vjp
    grad_x = None if fused is None else fused(
        x.view(block.factors, block.terms, block.size, -1), y, grad_y)
    if grad_x is not None:
        pass
    elif block.terms == 1:
        grad_x = semiring.multiply_vjp(x, grad_y)
    elif block.factors == 1:
        grad_x = semiring.add_vjp(x.view(block.terms, block.size, -1), y, grad_y)
    else:
        grad_terms = semiring.add_vjp(_terms_of(x, block, semiring), y, grad_y)
        grad_x = semiring.multiply_vjp(x, grad_terms.reshape(x.shape[1:]))
    grads.index_add_(0, kids, grad_x.reshape(kids.shape[0], -1))


def _backward_layers(values: Tensor, grads: Tensor, layers: list[list[Block]],
                     child_rows: Tensor, semiring: Semiring) -> None:
    """Accumulate into ``grads: [num_rows, B]`` (the roots' rows already seeded) the gradient
    of every row: the layers in reverse, each block scattering its vector-Jacobian product to
    its factors. A block's rows are complete when it is reached: their parents are higher."""
    for blocks in reversed(layers):
        for block in blocks:
            _block_vjp(values, grads, child_rows, block, semiring)


def _decode_block(block: Block, values: Tensor, active: Tensor, child_rows: Tensor,
                  roots: int) -> None:
    """Pass the activity of a block's rows (``[n, R * B]``) on to the factors of their chosen
    term (of their only term, for products)."""
    parents = active[block.start:block.stop]
    n, terms = block.size, block.terms
    if terms == 1:
        kids = child_rows[block.edge_start:block.edge_stop]
        active.index_add_(0, kids, parents.repeat(block.factors, 1))
        return
    kids, x = _gather(values, child_rows, block)
    choice = first_argmax(_terms_of(x, block, MAX_PRODUCT))  # [n, B], the same for every root
    node = torch.arange(n, device=kids.device).unsqueeze(1)
    first = choice * n + node  # [n, B] index of the chosen term's first factor
    factor = torch.arange(block.factors, device=kids.device).view(-1, 1, 1) * (terms * n)
    chosen = kids[first.unsqueeze(0) + factor]  # [F, n, B] rows
    chosen = chosen.unsqueeze(2).expand(-1, -1, roots, -1).reshape(block.factors * n, -1)
    active.scatter_add_(0, chosen, parents.repeat(block.factors, 1))


class SavedPass(NamedTuple):
    """What a backward pass needs of a forward pass (see :func:`evaluate_roots`).
    ``tensors``: ``(values,)``, or ``(values, roots, weights)`` where the log semiring went
    through probability space, ``exact`` then saying for which elements that was exact."""

    tensors: tuple[Tensor, ...]
    semiring: Semiring
    exact: Tensor | None


def evaluate_roots(module: TensorCircuit, weights: Tensor, semiring: Semiring,
                   keep: bool = False) -> tuple[Tensor, SavedPass | None]:
    """The roots' values ``[B, R]`` (semiring domain) of ``weights: [B, V]``, outside
    autograd; with ``keep``, also what :func:`backward_roots` needs. The caller must hold the
    saved tensors through ``ctx.save_for_backward`` (the workspace hands a buffer out again
    once nothing but itself refers to it)."""
    if semiring is LOG_PROBABILITY and module.log_through_probability and \
            module.num_edges >= PROBABILITY_ROUTE_MIN_EDGES:
        values, roots, exact = module._log_by_probability(weights)
        out = roots.log().T.contiguous()
        if not bool(exact.all()):
            rows = torch.logical_not(exact).nonzero().squeeze(1)
            log_values = module._values(weights[rows], LOG_PROBABILITY, fresh=True)
            out[rows] = _roots(module, log_values, LOG_PROBABILITY)
        return out, SavedPass((values, roots, weights), LOG_PROBABILITY, exact) if keep else None
    values = module._values(weights, semiring)
    out = _roots(module, values, semiring)
    return out, SavedPass((values,), semiring, None) if keep else None


def backward_roots(module: TensorCircuit, saved: SavedPass, grad_roots: Tensor) -> Tensor:
    """The gradient of the weights ``[B, V]`` given the roots' gradient ``[B, R]``."""
    if saved.exact is None:
        (values,) = saved.tensors
        return _backward(module, values, grad_roots, saved.semiring)
    values, roots, weights = saved.tensors
    exact = saved.exact
    # In probability space: d log r / d r = 1 / r at the roots, d p / d log p = p at the
    # leaves. Elements without an exact forward pass get a zero seed here.
    seed = torch.where(exact.unsqueeze(1), grad_roots / roots.T, 0.0)
    grad = _backward(module, values, seed, PROBABILITY)
    grad.mul_(values[FIRST_WEIGHT_ROW:FIRST_WEIGHT_ROW + module.weight_size].T)
    again = torch.logical_not(exact & torch.isfinite(grad).all(dim=1))
    if bool(again.any()):  # no exact forward pass, or an overflow: the log-space passes
        rows = again.nonzero().squeeze(1)
        del values, roots
        with torch.no_grad():
            log_values = module._values(weights[rows], LOG_PROBABILITY)
        grad[rows] = _backward(module, log_values, grad_roots[rows], LOG_PROBABILITY)
    return grad


class _EvaluateCircuit(torch.autograd.Function):
    """weights ``[B, V]`` -> root values ``[B, R]``, with the hand-written backward pass."""

    @staticmethod
    def forward(ctx, weights: Tensor, module: TensorCircuit, semiring: Semiring) -> Tensor:
        out, saved = evaluate_roots(module, weights, semiring, keep=ctx.needs_input_grad[0])
        if saved is not None:
            ctx.save_for_backward(*saved.tensors)
            ctx.module, ctx.semiring, ctx.exact = module, saved.semiring, saved.exact
        return out

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_output: Tensor):
        saved = SavedPass(ctx.saved_tensors, ctx.semiring, ctx.exact)
        return backward_roots(ctx.module, saved, grad_output), None, None


def _roots(module: TensorCircuit, values: Tensor, semiring: Semiring) -> Tensor:
    """The roots' values ``[B, R]`` in the semiring's domain. The gradient needs no step back
    from the internal domain: the scaling of the leaves and this one cancel in the chain
    rule (see Semiring.scale)."""
    if _numpy_ok(values):  # the same on numpy views (4 small torch calls cost ~15 us)
        roots = values.numpy().take(module.host_root_rows, axis=0).T
        return torch.from_numpy(_np.divide(roots, semiring.scale, order="C"))
    roots = values.index_select(0, module.root_rows).T.contiguous()
    return roots if semiring.scale == 1.0 else roots.div_(semiring.scale)


def _backward(module: TensorCircuit, values: Tensor, grad_roots: Tensor,
              semiring: Semiring) -> Tensor:
    """The gradient of the leaves, ``[B, V]``, given the rows' values and the roots'
    gradient ``[B, R]``."""
    grads = module._workspace.take("grads", tuple(values.shape), values)

    def seed():
        grads.zero_()
        grads.index_add_(0, module.root_rows, grad_roots.T.to(grads.dtype))

    seed()
    if module._numpy_pass(values, semiring):
        with _np.errstate(divide="ignore", invalid="ignore"):
            module.numpy_layers_backward(values.numpy(), grads.numpy(), semiring)
        # a copy (never a view, even for B = 1): the workspace keeps grads for the next call
        return torch.from_numpy(grads.numpy()[FIRST_WEIGHT_ROW:
                                              FIRST_WEIGHT_ROW + module.weight_size].T.copy())
    module._run("_backward_layers", values, grads, module.layers, module.child_rows,
                semiring, before_retry=seed)
    leaves = grads[FIRST_WEIGHT_ROW:FIRST_WEIGHT_ROW + module.weight_size]
    # a copy (never a view, even for B = 1): the workspace keeps grads for the next call
    return leaves.T.clone(memory_format=torch.contiguous_format)

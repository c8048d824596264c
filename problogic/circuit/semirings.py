"""Semirings for the layerized circuit, as operations on padded blocks of children.

A block of the :class:`~problogic.circuit.layers.TensorCircuit` is ``n`` nodes, each a sum of
``K`` terms, each a product of ``F`` rows. It gathers the factor values into
``x: Tensor[F, K * n, B]`` (slot first, batch last, so every slice ``x[f]`` is a contiguous
block of rows), reduces dimension 0 with :attr:`Semiring.multiply` to the terms
``[K, n, B]`` and those again over dimension 0 with :attr:`Semiring.add` to ``[n, B]``. A SUM
node is a block with ``F = 1``, a PRODUCT node one with ``K = 1``. Nodes with fewer terms or
factors are padded with the semiring's zero or one. The backward pass is written by hand (one
pass over the layers in reverse, see :mod:`.layers`), so each semiring also gives the
vector-Jacobian products of its two reductions.

Three semirings:

* :data:`PROBABILITY`: ``(+, *)`` on probabilities;
* :data:`LOG_PROBABILITY`: ``(logsumexp, +)`` on log-probabilities, the default for training:
  no underflow however many factors a product has; a sum whose children are all ``-inf`` is
  ``-inf`` with zero gradient (never NaN). Inside the circuit it runs in base 2 (values
  ``log2 p``, :attr:`Semiring.scale`), where the exponentials and logarithms are the cheap
  ones; on CPU those go through numpy's SIMD ufuncs, several times faster than torch's;
* :data:`MAX_PRODUCT`: ``(max, +)`` on log-probabilities: the value of the most probable world
  (the gradient flows to the maximising child, ties to the first).

Weights are given in the semiring's own domain; :meth:`Semiring.encode` maps probabilities there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as _np
import torch
from torch import Tensor

# reduce(x: [K, n, B], out: [n, B]) writes the reduction of dimension 0 into out. x is a fresh
# gather owned by the caller: a reduction may overwrite it.
Reduce = Callable[[Tensor, Tensor], None]
# add_vjp(x: [K, n, B], y: [n, B], grad_y: [n, B]) -> grad_x: [K, n, B]; may overwrite x.
AddVJP = Callable[[Tensor, Tensor, Tensor], Tensor]
# multiply_vjp(x: [F, n, B], grad_y: [n, B]) -> grad_x: [F, n, B], from the factors alone (no
# division by the product, which a zero factor would break); must not overwrite x.
MultiplyVJP = Callable[[Tensor, Tensor], Tensor]


@dataclass(frozen=True)
class Semiring:
    """A commutative semiring as two reductions over dimension 0 of ``[K, n, B]`` tensors (sum
    over terms, product over factors), their vector-Jacobian products, and the constants."""

    name: str
    zero: float  # additive identity: the FALSE leaf and the padding of sums
    one: float  # multiplicative identity: the TRUE leaf and the padding of products
    add: Reduce
    add_vjp: AddVJP
    multiply: Reduce
    multiply_vjp: MultiplyVJP
    encode: Callable[[Tensor], Tensor]  # probabilities -> the semiring's domain
    decode: Callable[[Tensor], Tensor]  # the semiring's domain -> probabilities
    # Inside a circuit, values are the domain's times ``scale``: log space runs in base 2
    # (log2 p), where exponentials need no multiplication first. Both reductions commute
    # with the scaling, and so do their vector-Jacobian products: gradients need no rescaling.
    scale: float = 1.0
    # Optional: a whole block at once, x: [F, K, n, B] -> out: [n, B] (may overwrite x);
    # returns False where it does not apply (then add and multiply are used).
    sum_of_products: Callable[[Tensor, Tensor], bool] | None = None
    # Optional: its vector-Jacobian product, (x: [F, K, n, B], out: [n, B], grad_out: [n, B])
    # -> grad_x [F, K, n, B] (may overwrite x); None where it does not apply.
    sum_of_products_vjp: Callable[[Tensor, Tensor, Tensor], Tensor | None] | None = None
    # Optional: both as numpy kernels on arrays: whole passes on CPU then run in numpy (see
    # :mod:`.layers`).
    numpy_kernels: tuple[Callable, Callable] | None = None

    def __repr__(self) -> str:
        return f"Semiring({self.name!r})"


# Reductions over the outer dimension K: for K = 2 or 3 (most nodes) binary ops, else one
# reduction; both stream over contiguous [n, B] slices.

def _sum(x: Tensor, out: Tensor) -> None:
    _fold(x, out, torch.add)


def _fold(x: Tensor, out: Tensor, op) -> Tensor:
    """Reduce dimension 0 of ``x`` with the binary ``op`` into ``out``, leaving x intact, in
    an order that depends on the number of terms only: a batch element's result never
    depends on the batch around it (torch's reductions change their order with the shape).
    Two or three terms (nearly every node) take binary ops, which cost half a reduction; more
    fold in halves, ``2 log2 K`` ops. Works on tensors and on numpy arrays (numpy ufuncs).
    Returns ``out``."""
    k = x.shape[0]
    if k == 1:
        out[...] = x[0]
        return out
    while k > 3:
        half = k // 2
        folded = op(x[:half], x[half:2 * half])
        if k % 2:
            op(folded[0], x[k - 1], out=folded[0])
        x, k = folded, half
    op(x[0], x[1], out=out)
    if k == 3:
        op(out, x[2], out=out)
    return out


def _broadcast(x: Tensor, grad_y: Tensor) -> Tensor:
    """d(sum_k x_k)/dx_k = 1: the parent's gradient for every child."""
    return grad_y.unsqueeze(0).expand_as(x)


def _sum_vjp(x: Tensor, y: Tensor, grad_y: Tensor) -> Tensor:
    """d(sum_k x_k)/dx_k = 1 (the add of probability space)."""
    return _broadcast(x, grad_y)


# ---- probability space -----------------------------------------------------------------------

def _prod(x: Tensor, out: Tensor) -> None:
    _fold(x, out, torch.mul)


def _np_probability_sum_of_products(xn, on) -> None:
    """``on = sum_k prod_f xn[f, k]`` for numpy ``xn: [F, K, n, B]``: the same operations as
    :func:`_prod` then :func:`_sum`, without torch's per-call dispatch and indexing (a few
    microseconds each, a dozen per block)."""
    if xn.shape[1] == 1:  # a product
        _fold(xn[:, 0], on, _np.multiply)
    elif xn.shape[0] == 1:  # a sum
        _fold(xn[0], on, _np.add)
    else:
        t = _np.empty(xn.shape[1:], xn.dtype)
        _fold(xn, t, _np.multiply)
        _fold(t, on, _np.add)


def _np_probability_sum_of_products_vjp(xn, yn, gy):
    """Its gradient: d/dx[f, k] = grad_y * (the product of the other factors of term k), by
    exclusive prefix and suffix products beyond two factors (no division: a zero factor
    keeps the right derivative)."""
    factors = xn.shape[0]
    grad = _np.empty(xn.shape, xn.dtype)
    if factors == 1:
        grad[0] = gy  # broadcast over the terms
    elif factors == 2:
        _np.multiply(xn[1], gy, out=grad[0])
        _np.multiply(xn[0], gy, out=grad[1])
    else:
        grad[0] = 1
        _np.cumprod(xn[:-1], axis=0, out=grad[1:])  # products of the factors before f
        suffix = _np.cumprod(xn[:0:-1], axis=0)[::-1]  # products of the factors after f
        _np.multiply(grad[:-1], suffix, out=grad[:-1])
        _np.multiply(grad, gy, out=grad)
    return grad


def _prod_vjp(x: Tensor, grad_y: Tensor) -> Tensor:
    """d(prod_k x_k)/dx_j = prod_{k != j} x_k, by exclusive prefix and suffix products, so that
    a zero factor gives the right derivative (y / x_j would be 0/0)."""
    if x.shape[0] == 2:
        grad_x = torch.empty_like(x)
        torch.mul(x[1], grad_y, out=grad_x[0])
        torch.mul(x[0], grad_y, out=grad_x[1])
        return grad_x
    ones = torch.ones_like(x[:1])
    before = torch.cat([ones, x[:-1].cumprod(0)])
    after = torch.cat([x[1:].flip(0).cumprod(0).flip(0), ones])
    return before.mul_(after).mul_(grad_y)


# ---- log space -------------------------------------------------------------------------------

def _finite_shift(m: Tensor) -> Tensor:
    """The shift for a stable logsumexp: the max, raised to the lowest finite number where it
    is -inf (all children impossible), so that ``x - shift`` is never ``-inf - (-inf)``."""
    return m.clamp_min_(torch.finfo(m.dtype).min)


def _exp2_(x: Tensor) -> Tensor:
    """2 ** x in place. On CPU through numpy's SIMD ``exp2`` (float32 and float64): faster than
    torch's ``exp2``, itself about 3x torch's ``exp`` (measured on AVX-512, one thread), and
    exponentials dominate log space."""
    if _numpy_ok(x):
        _np.exp2(x.numpy(), out=x.numpy())
        return x
    return x.exp2_()


def _log2_(x: Tensor) -> Tensor:
    """log2(x) in place. On CPU through numpy's SIMD ``log2``: 4x torch's on AVX-512 (17 against
    70 us for 41k floats, one thread); a log-space layer takes one per node."""
    if _numpy_ok(x):
        with _np.errstate(divide="ignore", invalid="ignore"):  # log(0) = -inf is meant
            _np.log2(x.numpy(), out=x.numpy())
        return x
    return x.log2_()


def _numpy_ok(x: Tensor) -> bool:
    # numpy() needs a plain CPU tensor that no autograd graph follows (the layer loop runs
    # outside autograd) of a dtype numpy computes in the same precision. numpy runs on one
    # thread: with more than two torch threads, torch's parallel kernels are used instead
    # (measured faster on one thread: numpy's exp2 1.4x, log2 4x, a fused block's dispatch
    # 3x; torch splits large tensors over its threads). Decided by the thread count, never by
    # the tensor's size, so that a batch element's result does not depend on its batch.
    return (x.device.type == "cpu" and x.dtype in NUMPY_DTYPES and not x.requires_grad
            and x.is_contiguous() and torch.get_num_threads() <= 2)


# the dtypes numpy computes in, as torch and numpy types
NUMPY_DTYPES = {torch.float32: _np.float32, torch.float64: _np.float64}
_FINITE_MIN = {_np.float32: _np.finfo(_np.float32).min, _np.float64: _np.finfo(_np.float64).min}
_LOG2_E = 1.0 / math.log(2.0)


def _log2sumexp2(x: Tensor, out: Tensor) -> None:
    """log2(sum_k 2 ** x_k), stably (shifted by the max). Not torch.logsumexp/logaddexp: on
    CPU they cost 5-10x this (logaddexp goes through log1p)."""
    shift = _finite_shift(x.amax(dim=0))
    _sum(_exp2_(x.sub_(shift)), out)
    _log2_(out).add_(shift)  # log(0) + shift = -inf where every child is -inf


def _np_log2_sum_of_products(xn, on) -> None:
    """``on = log2 sum_k 2 ** (sum_f xn[f, k])`` for numpy ``xn: [F, K, n, B]``, overwriting
    xn: the same operations as :func:`_sum` then :func:`_log2sumexp2`, without torch's per-call
    dispatch (a dozen calls per block, about a fifth of a log-space forward pass on a 100k-node
    circuit at batch 128) and with numpy's faster exp2 and log2. Like every numpy kernel, it
    runs under ``np.errstate(divide="ignore", invalid="ignore")``, set once per pass by its
    caller (the context costs more than a small block)."""
    terms = xn.shape[1]
    if terms == 1:  # a product: the sum of its factors
        _fold(xn[:, 0], on, _np.add)
        return
    t = xn[0] if xn.shape[0] == 1 else _fold(xn, _np.empty(xn.shape[1:], xn.dtype), _np.add)
    # the terms' maximum: in any order (a maximum is exact), as torch's amax
    shift = _np.maximum.reduce(t, axis=0)  # not np.max: its Python wrapper costs a microsecond
    _np.maximum(shift, _FINITE_MIN[shift.dtype.type], out=shift)  # as _finite_shift
    _np.subtract(t, shift, out=t)
    _np.exp2(t, out=t)
    _fold(t, on, _np.add)
    _np.log2(on, out=on)  # log(0) = -inf is meant (callers silence numpy's warning)
    _np.add(on, shift, out=on)


def _np_log2_sum_of_products_vjp(xn, yn, gy):
    """Its gradient: every factor of term k gets ``grad_y * 2 ** (term_k - y)`` (0, not NaN,
    where y is -inf); overwrites and returns xn."""
    factors = xn.shape[0]
    if xn.shape[1] == 1:  # a product: 2 ** (y - y) = 1, so every factor gets grad_y (0 where
        # y is -inf, as below), without recomputing the sum of its factors
        xn[...] = _np.where(yn > -_np.inf, gy, 0.0)
        return xn
    # the terms [K, n, B] (one factor: its own row, computed in place)
    t = xn[0] if factors == 1 else _fold(xn, _np.empty(xn.shape[1:], xn.dtype), _np.add)
    shift = _np.maximum(yn, _FINITE_MIN[yn.dtype.type])  # as _finite_shift
    _np.subtract(t, shift, out=t)
    _np.exp2(t, out=t)
    _np.multiply(t, gy, out=t)
    if factors > 1:
        xn[...] = t  # every factor of a term gets the term's gradient
    return xn


def _log2sumexp2_vjp(x: Tensor, y: Tensor, grad_y: Tensor) -> Tensor:
    """d y / d x_k = 2 ** (x_k - y), which is 0 (not NaN) where y = -inf: x_k is -inf too."""
    return _exp2_(x.sub_(_finite_shift(y.clone()))).mul_(grad_y)


def first_argmax(x: Tensor) -> Tensor:
    """``x: [K, n, B]`` to the first index of the maximum over ``K``, ``[n, B]``. A loop of
    comparisons: ``argmax`` over an outer dimension is not vectorised on CPU (100x slower)."""
    best, choice = x[0], torch.zeros(x.shape[1:], dtype=torch.long, device=x.device)
    for k in range(1, x.shape[0]):
        better = x[k] > best
        choice.masked_fill_(better, k)
        best = torch.maximum(best, x[k])
    return choice


def _max(x: Tensor, out: Tensor) -> None:
    if x.shape[0] == 2:
        torch.maximum(x[0], x[1], out=out)
    else:
        torch.amax(x, dim=0, out=out)


def _max_vjp(x: Tensor, y: Tensor, grad_y: Tensor) -> Tensor:
    """The gradient goes to the first maximising child (a subgradient)."""
    slots = torch.arange(x.shape[0], device=x.device).view(-1, 1, 1)
    return (slots == first_argmax(x)).to(x.dtype).mul_(grad_y)


def _log(p: Tensor) -> Tensor:
    return torch.log(p)


def _through_numpy(kernel):
    """A numpy block kernel as the semiring's ``sum_of_products`` on tensors (False where
    numpy does not apply, see :func:`_numpy_ok`)."""
    def sum_of_products(x: Tensor, out: Tensor) -> bool:
        if not (_numpy_ok(x) and _numpy_ok(out)):
            return False
        with _np.errstate(divide="ignore", invalid="ignore"):
            kernel(x.numpy(), out.numpy())
        return True
    return sum_of_products


def _vjp_through_numpy(kernel):
    """A numpy block kernel's gradient as ``sum_of_products_vjp`` on tensors."""
    def sum_of_products_vjp(x: Tensor, y: Tensor, grad_y: Tensor) -> Tensor | None:
        if not (_numpy_ok(x) and _numpy_ok(y) and _numpy_ok(grad_y)):
            return None
        with _np.errstate(divide="ignore", invalid="ignore"):
            return torch.from_numpy(kernel(x.numpy(), y.numpy(), grad_y.numpy()))
    return sum_of_products_vjp


PROBABILITY = Semiring(
    name="probability", zero=0.0, one=1.0,
    add=_sum, add_vjp=_sum_vjp, multiply=_prod, multiply_vjp=_prod_vjp,
    encode=lambda p: p, decode=lambda v: v,
    sum_of_products=_through_numpy(_np_probability_sum_of_products),
    sum_of_products_vjp=_vjp_through_numpy(_np_probability_sum_of_products_vjp),
    numpy_kernels=(_np_probability_sum_of_products, _np_probability_sum_of_products_vjp),
)
LOG_PROBABILITY = Semiring(
    name="log", zero=-math.inf, one=0.0,
    add=_log2sumexp2, add_vjp=_log2sumexp2_vjp, multiply=_sum, multiply_vjp=_broadcast,
    encode=_log, decode=torch.exp, scale=_LOG2_E,
    sum_of_products=_through_numpy(_np_log2_sum_of_products),
    sum_of_products_vjp=_vjp_through_numpy(_np_log2_sum_of_products_vjp),
    numpy_kernels=(_np_log2_sum_of_products, _np_log2_sum_of_products_vjp),
)
MAX_PRODUCT = Semiring(
    name="max", zero=-math.inf, one=0.0,
    add=_max, add_vjp=_max_vjp, multiply=_sum, multiply_vjp=_broadcast,
    encode=_log, decode=torch.exp,
)

SEMIRINGS = {s.name: s for s in (PROBABILITY, LOG_PROBABILITY, MAX_PRODUCT)}
SEMIRINGS.update({"prob": PROBABILITY, "log_probability": LOG_PROBABILITY,
                  "max_product": MAX_PRODUCT, "mpe": MAX_PRODUCT})


def get_semiring(semiring: Semiring | str) -> Semiring:
    """A semiring, or its name: ``"probability"``, ``"log"`` or ``"max"`` (and aliases)."""
    if isinstance(semiring, Semiring):
        return semiring
    try:
        return SEMIRINGS[semiring]
    except KeyError:
        raise ValueError(f"unknown semiring {semiring!r}; expected one of "
                         f"{sorted(SEMIRINGS)}") from None

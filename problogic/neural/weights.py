"""Leaf weights of a compiled query: network outputs for neural variables, the program's
probabilities for the others, in log space and in the circuit's weight layout."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..circuit.circuit import Circuit
from ..circuit.layers import stack_weights
from ..errors import ProgramError
from ..language.terms import Term
from .bindings import BoundQuery

TOLERANCE = 1e-5  # rounding slack when checking a network's probabilities


def _input_name(term, network: str) -> str:
    if isinstance(term, Term) and term.functor == "tensor" and term.arity == 1 and \
            isinstance(term.args[0], Term) and not term.args[0].args:
        return term.args[0].functor
    raise ProgramError(f"network {network!r} is called on {term!r}, which is not a tensor "
                       "bound in the query (bind the variable to a tensor)")


class NetworkCalls:
    """Collects which batch elements each network must see, calls each network once on all of
    them, and hands out the log-probability rows (with the "no value" remainder appended)."""

    def __init__(self, networks: nn.ModuleDict, bound: BoundQuery):
        self.networks = networks
        self.bound = bound
        self.needed: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        # key -> (log rows [M, K + 1] or [M, 2], element -> row)
        self.rows: dict[tuple, tuple[Tensor, dict[int, int]]] = {}
        self.dtype: torch.dtype | None = None
        self.device: torch.device | None = None
        self._picked: dict[tuple, Tensor | None] = {}
        self.log_rows: dict[tuple, Tensor] = {}

    @staticmethod
    def key(variable) -> tuple[str, tuple[str, ...]]:
        call = variable.neural
        return call.network, tuple(_input_name(t, call.network) for t in call.inputs)

    def request(self, keys, indices: list[int]) -> None:
        """``keys``: the network calls of one shape (:func:`network_keys`)."""
        for key in keys:
            missing = [name for name in key[1] if name not in self.bound.inputs]
            if missing:
                raise ProgramError(f"network {key[0]!r} needs the tensors {missing}, "
                                   "which the query does not bind")
            self.needed.setdefault(key, set()).update(indices)

    def run(self) -> None:
        by_network: dict[str, list] = {}
        for key, elements in self.needed.items():
            by_network.setdefault(key[0], []).append((key, sorted(elements)))
        for network, groups in by_network.items():
            arity = len(groups[0][0][1])
            inputs = [torch.cat([self._input(key[1][j], elements) for key, elements in groups])
                      for j in range(arity)]
            output = self.networks[network](*inputs)
            check_probabilities(output, network)
            if output.dim() == 1:
                output = output.unsqueeze(1)
            self.dtype, self.device = output.dtype, output.device
            start = 0
            for key, elements in groups:
                rows = output[start:start + len(elements)]
                self.rows[key] = (rows, {e: i for i, e in enumerate(elements)})
                start += len(elements)

    def _input(self, name: str, elements: list[int]) -> Tensor:
        tensor = self.bound.inputs[name]
        if len(elements) == len(tensor):  # every element (elements are sorted): no copy
            return tensor
        return tensor[elements]

    def select(self, rows: Tensor, key, indices: list[int]) -> Tensor:
        """The rows (of the call of ``key``, or a tensor computed from them) of ``indices``."""
        cache = (key, id(indices))
        if cache not in self._picked:
            position = self.rows[key][1]
            if len(indices) == len(position) and \
                    all(position[i] == r for r, i in enumerate(indices)):
                self._picked[cache] = None  # the call's rows are the elements, in order
            else:
                self._picked[cache] = torch.as_tensor([position[i] for i in indices],
                                                      device=rows.device)
        picked = self._picked[cache]
        return rows if picked is None else rows.index_select(0, picked)

    def output(self, variable, indices: list[int]) -> Tensor:
        """The network's output rows for the batch elements ``indices``."""
        key = self.key(variable)
        return self.select(self.rows[key][0], key, indices)


def network_keys(circuit: Circuit) -> list[tuple[str, tuple[str, ...]]]:
    """The distinct network calls of a circuit's neural variables."""
    return list(dict.fromkeys(NetworkCalls.key(v) for v in circuit.variables
                              if v.neural is not None))


def check_probabilities(output: Tensor, network: str) -> None:
    """Reject network outputs that are not (sub-)probability rows, naming the network."""
    if not isinstance(output, Tensor):
        raise ProgramError(f"network {network!r} returned {type(output).__name__}, "
                           "not a tensor")
    values = output.detach()
    # one test (one synchronisation) in the common case; the diagnosis only on failure
    row_sums = values.sum(dim=1) if values.dim() == 2 else values.new_zeros(1)
    if not values.numel():
        return
    in_range = (values.abs() - 0.5).abs().max() <= 0.5 + TOLERANCE  # NaN compares false
    if bool(in_range & (row_sums.max() <= 1 + TOLERANCE)):
        return
    if not torch.isfinite(values).all():
        raise ProgramError(f"network {network!r} returned non-finite values (NaN or inf)")
    if (values < -TOLERANCE).any() or (values > 1 + TOLERANCE).any():
        bad = values[(values < -TOLERANCE) | (values > 1 + TOLERANCE)][0].item()
        raise ProgramError(f"network {network!r} returned {bad:g}, outside [0, 1] (apply a "
                           "softmax or sigmoid)")
    row = int((row_sums > 1 + TOLERANCE).nonzero()[0])
    raise ProgramError(f"network {network!r} returned a row summing to "
                       f"{values[row].sum().item():g} > 1 (row {row})")


def safe_log(p: Tensor) -> Tensor:
    """log p with log 0 = -inf and no NaN gradient at 0."""
    positive = p > 0
    return torch.where(positive, torch.log(torch.where(positive, p, torch.ones_like(p))),
                       torch.full_like(p, float("-inf")))


def _log_rows(calls: NetworkCalls, variable, key) -> Tensor:
    """The log-probabilities of every value of a neural variable, for all the rows of its
    network call (computed once per call and variable kind)."""
    cache = (key, bool(variable.neural.domain), variable.arity)
    found = calls.log_rows.get(cache)
    if found is not None:
        return found
    out = calls.rows[key][0]
    if not variable.neural.domain:  # nn/2: one probability per call
        p = out.reshape(-1)
        probs = torch.stack([p, 1 - p], dim=1)
    else:
        if out.shape[1] != variable.arity - 1:
            raise ProgramError(
                f"network {variable.neural.network!r} returned {out.shape[1]} columns "
                f"for a domain of {variable.arity - 1} values")
        rest = (1 - out.sum(dim=1, keepdim=True)).clamp_min(0)
        probs = torch.cat([out, rest], dim=1)
    found = calls.log_rows[cache] = safe_log(probs)
    return found


def _constant_log_weights(circuit: Circuit, variable_index: int, dtype, device) -> Tensor:
    """``[1, arity]`` log-probabilities of a variable with fixed probabilities, cached on the
    circuit per dtype and device."""
    cache = circuit.__dict__.setdefault("_log_constants", {})
    key = (variable_index, dtype, device)
    found = cache.get(key)
    if found is None:
        probs = torch.tensor(circuit.variables[variable_index].probabilities, dtype=dtype,
                             device=device)
        found = cache[key] = safe_log(probs).unsqueeze(0)
    return found


def variable_log_weights(circuit: Circuit, calls: NetworkCalls, indices: list[int],
                         dtype: torch.dtype, device, tunables=None, keys=None) -> Tensor:
    """``Tensor[len(indices), V]``: log weights of every value of every circuit variable.
    ``keys``: the network key of each neural variable, in order (saves recomputing them)."""
    batch = len(indices)
    columns = []
    keys = iter(keys) if keys is not None else None
    softmaxed: dict[int, Tensor] = {}
    for number, variable in enumerate(circuit.variables):
        if variable.tunable is not None and tunables is not None:
            found = softmaxed.get(variable.tunable)
            if found is None:
                logits = tunables[f"clause_{variable.tunable}"].to(device=device, dtype=dtype)
                found = softmaxed[variable.tunable] = torch.log_softmax(logits, 0)
            columns.append(found.expand(batch, -1))
            continue
        if variable.neural is None:
            columns.append(_constant_log_weights(circuit, number, dtype, device)
                           .expand(batch, -1))
            continue
        key = next(keys) if keys is not None else calls.key(variable)
        log_rows = _log_rows(calls, variable, key).to(dtype)
        columns.append(calls.select(log_rows, key, indices))
    return stack_weights(columns) if columns else torch.empty(batch, 0, dtype=dtype,
                                                              device=device)


def neural_variable_keys(circuit: Circuit) -> list[tuple[str, tuple[str, ...]]]:
    """The network key of each neural variable of the circuit, in variable order."""
    return [NetworkCalls.key(v) for v in circuit.variables if v.neural is not None]

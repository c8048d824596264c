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
    them, and hands out the rows."""

    def __init__(self, networks: nn.ModuleDict, bound: BoundQuery):
        self.networks = networks
        self.bound = bound
        self.needed: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        self.rows: dict[tuple[str, tuple[str, ...]], tuple[Tensor, dict[int, int]]] = {}
        self.dtype: torch.dtype | None = None
        self.device: torch.device | None = None

    @staticmethod
    def key(variable) -> tuple[str, tuple[str, ...]]:
        call = variable.neural
        return call.network, tuple(_input_name(t, call.network) for t in call.inputs)

    def request(self, circuit: Circuit, indices: list[int]) -> None:
        for variable in circuit.variables:
            if variable.neural is not None:
                key = self.key(variable)
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
            inputs = [torch.cat([self.bound.inputs[key[1][j]][elements]
                                 for key, elements in groups]) for j in range(arity)]
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

    def output(self, variable, indices: list[int]) -> Tensor:
        rows, position = self.rows[self.key(variable)]
        picked = torch.as_tensor([position[i] for i in indices], device=rows.device)
        return rows.index_select(0, picked)


def check_probabilities(output: Tensor, network: str) -> None:
    """Reject network outputs that are not (sub-)probability rows, naming the network."""
    if not isinstance(output, Tensor):
        raise ProgramError(f"network {network!r} returned {type(output).__name__}, "
                           "not a tensor")
    values = output.detach()
    if not torch.isfinite(values).all():
        raise ProgramError(f"network {network!r} returned non-finite values (NaN or inf)")
    if (values < -TOLERANCE).any() or (values > 1 + TOLERANCE).any():
        bad = values[(values < -TOLERANCE) | (values > 1 + TOLERANCE)][0].item()
        raise ProgramError(f"network {network!r} returned {bad:g}, outside [0, 1] (apply a "
                           "softmax or sigmoid)")
    if values.dim() == 2 and (values.sum(dim=1) > 1 + TOLERANCE).any():
        row = int((values.sum(dim=1) > 1 + TOLERANCE).nonzero()[0])
        raise ProgramError(f"network {network!r} returned a row summing to "
                           f"{values[row].sum().item():g} > 1 (row {row})")


def safe_log(p: Tensor) -> Tensor:
    """log p with log 0 = -inf and no NaN gradient at 0."""
    positive = p > 0
    return torch.where(positive, torch.log(torch.where(positive, p, torch.ones_like(p))),
                       torch.full_like(p, float("-inf")))


def variable_log_weights(circuit: Circuit, calls: NetworkCalls, indices: list[int],
                         dtype: torch.dtype, device, tunables=None) -> Tensor:
    """``Tensor[len(indices), V]``: log weights of every value of every circuit variable."""
    batch = len(indices)
    columns = []
    for variable in circuit.variables:
        if variable.tunable is not None and tunables is not None:
            logits = tunables[f"clause_{variable.tunable}"].to(device=device, dtype=dtype)
            columns.append(torch.log_softmax(logits, 0).expand(batch, -1))
            continue
        if variable.neural is None:
            probs = torch.tensor(variable.probabilities, dtype=dtype, device=device)
            columns.append(safe_log(probs).expand(batch, -1))
            continue
        out = calls.output(variable, indices).to(dtype)
        if not variable.neural.domain:  # nn/2: one probability per call
            p = out.reshape(batch)
            probs = torch.stack([p, 1 - p], dim=1)
        else:
            if out.shape[1] != variable.arity - 1:
                raise ProgramError(
                    f"network {variable.neural.network!r} returned {out.shape[1]} columns "
                    f"for a domain of {variable.arity - 1} values")
            rest = (1 - out.sum(dim=1, keepdim=True)).clamp_min(0)
            probs = torch.cat([out, rest], dim=1)
        columns.append(safe_log(probs))
    return stack_weights(columns) if columns else torch.empty(batch, 0, dtype=dtype,
                                                              device=device)

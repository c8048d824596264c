"""Leaf weights of compiled queries: network outputs for neural variables, ``t(...)``
parameters for tunable ones, the program's probabilities for the others, in log space.

Every learnable log-probability of one ``Model.query`` call sits in one flat vector, the
:class:`LogTable`, computed from its *sources* (each network's output, each ``t(...)``
clause's logits) outside autograd; a shape's weights ``[B_s, V]`` are its constant row with
the learnable columns gathered from the table by an index ``[B_s, n]``
(:meth:`LogTable.index`). The evaluation of a call (:mod:`.evaluation`) is one autograd node
from the sources to the results: in its backward pass every shape's gradient accumulates into
the table's, which :meth:`LogTable.vjp` takes back to the sources. (Built from autograd
operations, each step would cost a node, and on small circuits those nodes, not the circuits,
dominated a training step.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from ..circuit.layerize import FIRST_WEIGHT_ROW
from ..circuit.semirings import LOG_PROBABILITY, NUMPY_DTYPES
from ..errors import ProgramError
from ..grounding.ground_program import ChoiceVariable
from .bindings import BoundQuery
from .calls import (CallLayout, Key, call_inputs, call_layout, data_inputs, deterministic_needs,
                    key_info, network_key)

TOLERANCE = 1e-5  # rounding slack when checking a network's probabilities


def tolerance(dtype: torch.dtype, least: float = TOLERANCE) -> float:
    """The rounding slack for probabilities of ``dtype``: ``least``, or four units in the last
    place of a half-precision type (bfloat16 softmax rows sum to 1 +- 0.003)."""
    return max(least, 4 * torch.finfo(dtype).eps)


def reading_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype probabilities of ``dtype`` are computed in: float32 at least (half precision
    read as float32, as autocast does for reductions: a log-sum-exp over thousands of terms
    in bfloat16 would keep two or three digits)."""
    return torch.promote_types(dtype, torch.float32)


# A table section: ("neural", network, has a domain), the rows of every call of the network,
# or ("tunable", clause index).
Section = tuple


@dataclass
class LeafWeights:
    """How a circuit takes its weights ``[B, V]``: the learnable columns, read from the
    table by an index ``[B, n]`` (:meth:`LogTable.index`), and every column's fixed
    probability (1 in the learnable ones)."""

    columns: Tensor           # [n] learnable weight columns, ascending
    constants: list[float]    # [V]

    @classmethod
    def joined(cls, parts: Sequence["LeafWeights"]) -> "LeafWeights":
        """The leaves of fused circuits (:func:`~problogic.circuit.fusion.fuse`): each
        part's columns after those of the parts before it; an index is then the parts'
        indices side by side."""
        columns, offset = [], 0
        for part in parts:
            columns.append(part.columns + offset)
            offset += len(part.constants)
        return cls(torch.cat(columns), [c for part in parts for c in part.constants])

    def constant_row(self, dtype: torch.dtype, device) -> Tensor:
        """``[1, V]`` log-probabilities of the fixed columns (0 in the learnable ones), cached
        per dtype and device."""
        cache = self.__dict__.setdefault("_rows", {})
        row = cache.get((dtype, device))
        if row is None:
            row = cache[(dtype, device)] = safe_log(
                torch.tensor(self.constants, dtype=dtype, device=device)).unsqueeze(0)
        return row

    def weights(self, flat: Tensor, index: Tensor) -> Tensor:
        """``[B, V]`` log weights: the constant row, the learnable columns from the flat table
        ``flat`` at ``index: [B, n]``."""
        row = self.constant_row(flat.dtype, flat.device)
        weights = row.expand(index.shape[0], -1).clone()
        if index.numel():
            weights[:, self.columns] = flat[index]
        return weights

    def host_leaves(self, dtype: torch.dtype) -> tuple[np.ndarray, np.ndarray]:
        """For the numpy path of a call (cached per dtype): the circuit rows of the learnable
        columns, and the first ``2 + V`` rows of the circuit's values, ``[2 + V, 1]``: FALSE,
        TRUE and every column's weight (the constants; 0 in the learnable ones), scaled to
        the log semiring's base 2 (see :mod:`problogic.circuit.layers`)."""
        cache = self.__dict__.setdefault("_host_leaves", {})
        found = cache.get(dtype)
        if found is None:
            # scaled in the dtype itself, as the torch path scales its leaves
            row = self.constant_row(dtype, torch.device("cpu")).numpy()[0]
            constants = np.concatenate([np.array([LOG_PROBABILITY.zero, LOG_PROBABILITY.one],
                                                 row.dtype), row * LOG_PROBABILITY.scale])
            found = cache[dtype] = (self.columns.cpu().numpy() + FIRST_WEIGHT_ROW,
                                    constants[:, None])
        return found

    def to(self, device) -> None:
        self.columns = self.columns.to(device)


@dataclass
class WeightPlan(LeafWeights):
    """How one compiled circuit takes its weights, fixed at compilation: the learnable
    columns, the section each reads, and its value within the section's row."""

    sections: list[Section]   # the distinct sections the shape reads
    column_section: np.ndarray  # [n] position in ``sections`` of each column
    column_key: np.ndarray    # [n] position in ``network_keys`` of each column (0: tunable)
    column_value: np.ndarray  # [n] value within the section's row (0 .. arity - 1)
    arities: list[int]        # the row width of each section
    network_keys: list        # the distinct network calls

    @classmethod
    def of(cls, variables: Sequence[ChoiceVariable]) -> "WeightPlan":
        """The plan of a circuit over ``variables`` (its own, in order)."""
        columns, section_of, values, sections, arities = [], [], [], {}, []
        key_of: list[int] = []
        keys: dict = {}
        constants: list[float] = []
        for variable in variables:
            key = 0
            if variable.decision:
                raise ProgramError("decisions (?::...) are for problogic dt, not for a Model",
                                   variable.location)
            if variable.neural is not None:
                section = ("neural", variable.neural.network, bool(variable.neural.domain))
                key = keys.setdefault(network_key(variable), len(keys))
            elif variable.tunable is not None:
                if isinstance(variable.tunable, tuple):
                    raise ProgramError("t(_, X)::... (a parameter per value of X) is for "
                                       "problogic lfi; a Model learns t(_) clauses",
                                       variable.location)
                section = ("tunable", variable.tunable)
            else:
                constants.extend(variable.probabilities)
                continue
            position = sections.setdefault(section, len(sections))
            if position == len(arities):
                arities.append(variable.arity)
            for value in range(variable.arity):
                columns.append(len(constants))
                section_of.append(position)
                key_of.append(key)
                values.append(value)
                constants.append(1.0)
        return cls(torch.tensor(columns, dtype=torch.long), constants, list(sections),
                   np.array(section_of, dtype=np.int64), np.array(key_of, dtype=np.int64),
                   np.array(values, dtype=np.int64), arities, list(keys))


@dataclass
class TableLayout:
    """The part of a :class:`LogTable` that only the call's layout (its shapes and their
    elements) decides: the probabilistic networks' calls, the deterministic ones' by depth
    (see :mod:`.calls`), and the sections' widths."""

    calls: CallLayout
    deterministic: list[CallLayout]
    arities: dict[Section, int]


class LogTable:
    """The learnable log-probabilities of one query call, flat: each network called once on
    the stacked inputs of every element that needs it (:mod:`.calls`), then one section per
    network call kind (rows ``[M, arity]``: the output with its "no value" remainder, or ``p,
    1 - p`` for nn/2) and one per ``t(...)`` clause (its log-softmax). :meth:`index` maps a
    shape's learnable columns to positions in the table (:meth:`log_values`)."""

    def __init__(self, networks: nn.ModuleDict, bound: BoundQuery, tunables=None):
        self.networks = networks
        self.bound = bound
        self.tunables = tunables
        self.needed: dict[Key, set[int]] = {}
        self.outputs: dict[str, Tensor] = {}
        # key -> row of each batch element in its network's output (-1: not called)
        self.rows: dict[Key, np.ndarray] = {}
        self.arities: dict[Section, int] = {}  # the sections the shapes read
        self.offsets: dict[Section, int] = {}  # where each starts in the flat table
        self.sources: list[Tensor] = []  # per section: the network output or the logits
        self.size = 0  # of the flat table
        self.dtype: torch.dtype | None = None
        self.device: torch.device | None = None
        self._host: dict[str, object] = {}  # numbers for ranking proofs, see probabilities

    def request(self, plan: WeightPlan, indices: list[int]) -> None:
        """The batch elements ``indices`` of a shape with weight plan ``plan``."""
        for key in plan.network_keys:
            missing = sorted(key_info(key).placeholders - self.bound.inputs.keys())
            if missing:
                raise ProgramError(f"network {key[0]!r} needs the tensors {missing}, "
                                   "which the query does not bind")
            self.needed.setdefault(key, set()).update(indices)
        for section, arity in zip(plan.sections, plan.arities):
            self.arities.setdefault(section, arity)

    def layout(self) -> TableLayout:
        """The networks' calls and the sections, from the requests (see :class:`TableLayout`:
        a caller may keep it for the next call of the same layout)."""
        batch = self.bound.batch_size
        return TableLayout(call_layout(self.needed, batch),
                           [call_layout(level, batch)
                            for level in deterministic_needs(self.needed)],
                           dict(self.arities))

    def run(self, default_device, layout: TableLayout | None = None) -> TableLayout:
        """Call every network once (the deterministic ones first, by depth), then lay out the
        flat table. ``default_device()``: the device when no network runs. ``layout``: that
        of an earlier call with the same requests (then none is needed); returns the layout
        used."""
        layout = layout or self.layout()
        self.rows, self.arities = layout.calls.rows, layout.arities
        outputs: dict[Key, Tensor] = {}  # the deterministic networks' outputs, by call
        rows: dict[Key, np.ndarray] = {}
        for level in layout.deterministic:
            rows.update(level.rows)
            for network, groups in level.calls.items():
                output = self._call(network, level, outputs, rows, default_device)
                check_output_rows(output, network, level.row_counts[network])
                for key, _ in groups:
                    outputs[key] = output
        for network in layout.calls.calls:
            output = self._call(network, layout.calls, outputs, rows, default_device)
            check_output_shape(output, network, layout.calls.row_counts[network])
            if output.dim() == 1:
                output = output.unsqueeze(1)
            self.outputs[network] = output
            self.dtype = output.dtype if self.dtype is None else \
                torch.promote_types(self.dtype, output.dtype)
            self.device = output.device
        self.dtype = reading_dtype(self.dtype or torch.get_default_dtype())
        self.device = self.device or default_device()
        offset = 0
        for section, arity in self.arities.items():
            source = self._source(section, arity)
            self.offsets[section] = offset
            self.sources.append(source)
            offset += arity * (len(source) if section[0] == "neural" else 1)
        self.size = offset
        return layout

    def log_values(self, host: bool = False) -> tuple[Tensor, list]:
        """The flat table, ``[size]``, outside autograd: each neural section's rows ``log [p,
        1 - sum p]`` (checked, see :func:`check_probabilities`), each ``t(...)`` clause's
        log-softmax; and what :meth:`vjp` needs. ``host``: as numpy arrays (CPU sources of a
        numpy dtype only; the caller silences numpy's divide warning: ``log 0 = -inf``)."""
        parts, saved = [], []
        for (section, arity), source in zip(self.arities.items(), self.sources):
            source = source.detach()
            if section[0] == "tunable":
                rows = torch.log_softmax(source.to(device=self.device, dtype=self.dtype), 0)
                if len(rows) < arity:  # a closed annotated disjunction: "none" impossible
                    rows = torch.cat([rows, rows.new_full((arity - len(rows),), -math.inf)])
                if host:
                    rows = rows.numpy()
                saved.append(rows)
            elif host:
                rows, probabilities = host_log_rows(source.numpy(), section[1], source)
                saved.append(probabilities)
            else:
                rows, probabilities = log_rows(source, section[1], self.dtype)
                saved.append(probabilities)
            parts.append(rows.reshape(-1))
        if host:
            dtype = NUMPY_DTYPES[self.dtype]
            flat = parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else \
                np.empty(0, dtype)
            return flat.astype(dtype, copy=False), saved
        if len(parts) == 1:
            return parts[0].to(self.dtype), saved
        if not parts:
            return torch.empty(0, dtype=self.dtype, device=self.device), saved
        return torch.cat([p.to(self.dtype) for p in parts]), saved

    def vjp(self, saved: list, grad, needed: Sequence[bool]) -> list[Tensor | None]:
        """The gradient of each source (:attr:`sources`) given the flat table's, ``grad:
        [size]`` (a numpy array after ``log_values(host=True)``), and what :meth:`log_values`
        saved; None where not ``needed``."""
        out = []
        for (section, arity), source, saved, need in zip(
                self.arities.items(), self.sources, saved, needed):
            if not need:
                out.append(None)
                continue
            start = self.offsets[section]
            host = isinstance(saved, np.ndarray)
            g = grad[start:start + (saved.size if host else saved.numel())].reshape(saved.shape)
            if section[0] == "tunable":  # the parameters' columns only (see log_values)
                g, saved = g[:len(source)], saved[:len(source)]
            if host:
                if section[0] == "tunable":  # log-softmax: g - softmax * sum g
                    g = g - np.exp(saved) * g.sum()
                else:
                    g = host_log_rows_vjp(saved, g)
                out.append(torch.from_numpy(g.astype(NUMPY_DTYPES[source.dtype],
                                                     copy=False)))
                continue
            if section[0] == "tunable":
                g = g - saved.exp() * g.sum()
            else:
                g = log_rows_vjp(saved, g)
            out.append(g.to(source.dtype))
        return out

    def probabilities(self, variables: Sequence[ChoiceVariable], keys: Sequence,
                      element: int) -> list[list[float]]:
        """Every variable's probabilities for one batch element, as numbers (to rank
        proofs): network outputs with their remainder, ``t(...)`` parameters' softmax.
        ``keys``: each variable's :func:`network_key` (None for the others)."""
        out = []
        for variable, key in zip(variables, keys):
            if key is not None:
                rows = self._host.get(key[0])
                if rows is None:  # once per network and call
                    rows = self._host[key[0]] = self.outputs[key[0]].detach().double().cpu()
                row = rows[self.rows[key][element]].tolist()
                out.append(row + [max(0.0, 1.0 - sum(row))])
            elif variable.tunable is not None and self.tunables is not None:
                name = f"clause_{variable.tunable}"
                if name not in self._host:  # once per clause and call
                    self._host[name] = tunable_probabilities(self.tunables[name],
                                                             variable.arity)
                out.append(self._host[name])
            else:
                out.append(variable.probabilities)
        return out

    def _call(self, network: str, layout: CallLayout, outputs, rows,
              default_device) -> Tensor:
        module = self.networks[network]  # known: checked when the shape was compiled

        def device():  # for inputs made here (walking the parameters costs microseconds)
            return next((p.device for p in module.parameters()), None) or default_device()

        inputs = data_inputs(layout, network, device)
        if inputs is None:
            inputs = call_inputs(layout.calls[network], self.bound.inputs, outputs, rows,
                                 device)
        return module(*inputs)

    def _source(self, section: Section, arity: int) -> Tensor:
        """The autograd tensor behind one section: a network's output ``[M, K]`` (checked
        for its number of columns), or a ``t(...)`` clause's logits."""
        if section[0] == "tunable":
            return self.tunables[f"clause_{section[1]}"]
        _, network, has_domain = section
        out = self.outputs[network]
        if not has_domain and out.shape[1] != 1:  # nn/2: one probability per call
            raise ProgramError(f"network {network!r} returned {out.shape[1]} columns for a "
                               "single probability (nn/2 takes one)")
        if has_domain and out.shape[1] != arity - 1:
            raise ProgramError(f"network {network!r} returned {out.shape[1]} columns for a "
                               f"domain of {arity - 1} values")
        return out

    def index(self, plan: WeightPlan, indices: list[int]) -> Tensor:
        """``LongTensor[len(indices), n]``: the position in the table of each learnable
        column of the shape, for each of its batch elements (index arithmetic in numpy: a
        few microseconds, where torch's dispatch would cost more than the evaluation of a
        small circuit)."""
        if not plan.sections:
            return torch.empty(len(indices), 0, dtype=torch.long, device=self.device)
        starts = np.array([self.offsets[s] for s in plan.sections])
        widths = np.array([self.arities[s] if s[0] == "neural" else 0  # a single row
                           for s in plan.sections])
        section = plan.column_section
        index = starts[section] + plan.column_value  # [n]
        if plan.network_keys:
            rows = np.stack([self.rows[key][indices] for key in plan.network_keys], 1)
            index = index + rows[:, plan.column_key] * widths[section]  # [B_s, n]
        else:  # tunable clauses only: the same row for every element
            index = np.repeat(index[None], len(indices), axis=0)
        return torch.from_numpy(index).to(self.device)


def log_rows(p: Tensor, network: str, dtype: torch.dtype | None = None) -> tuple[Tensor, Tensor]:
    """A network's probabilities ``p: [M, K]`` (no autograd) to ``log [p, 1 - sum p]``,
    ``[M, K + 1]`` (the remainder clamped at 0; ``log 0 = -inf``), and ``[p, 1 - sum p]`` for
    :func:`log_rows_vjp`, in ``dtype`` (default: ``p``'s). Rejects rows that are not
    (sub-)probabilities up to ``p``'s rounding, naming the network
    (:func:`check_probabilities`). On CPU a call's numpy path uses :func:`host_log_rows`."""
    slack = tolerance(p.dtype)
    q = p if dtype is None else p.to(dtype)
    probs = torch.cat([q, 1 - q.sum(dim=1, keepdim=True)], dim=1)
    # every value and the remainder in [0, 1] up to rounding; NaN fails the comparison.
    # One reduction and one synchronisation; the diagnosis only on failure.
    if probs.numel() and not bool((probs - 0.5).abs().max() <= 0.5 + slack):
        check_probabilities(p, network)
    probs[:, -1:].clamp_min_(0)
    return probs.log(), probs


def host_log_rows(pn: np.ndarray, network: str, p: Tensor) -> tuple[np.ndarray, np.ndarray]:
    """:func:`log_rows` on the numpy view ``pn`` of ``p`` (``p``: for the diagnosis); the
    caller silences numpy's divide warning (``log 0 = -inf`` is meant)."""
    probs = np.empty((pn.shape[0], pn.shape[1] + 1), pn.dtype)
    probs[:, :-1] = pn
    np.subtract(1, pn.sum(axis=1), out=probs[:, -1])
    if probs.size and not (probs.min() >= -TOLERANCE and probs.max() <= 1 + TOLERANCE):
        check_probabilities(p, network)  # the diagnosis (NaN fails the test above)
    np.maximum(probs[:, -1], 0, out=probs[:, -1])
    return np.log(probs), probs


def log_rows_vjp(probs: Tensor, grad: Tensor) -> Tensor:
    """The gradient of ``p`` given that of :func:`log_rows`' result (0 where a probability is
    0: ``log 0`` is a constant ``-inf`` there)."""
    scaled = torch.where(probs > 0, grad / probs, 0.0)  # d log p / d p
    return scaled[:, :-1] - scaled[:, -1:]  # the remainder's share: - d/d rest


def host_log_rows_vjp(probs: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """:func:`log_rows_vjp` on numpy arrays."""
    scaled = np.divide(grad, probs, out=np.zeros_like(probs), where=probs > 0)
    return scaled[:, :-1] - scaled[:, -1:]


def on_host(x: Tensor) -> bool:
    """A CPU tensor of a dtype numpy computes in: the small steps of a call then run on numpy
    views (``x.detach().numpy()``), without torch's per-call dispatch."""
    return x.device.type == "cpu" and x.dtype in NUMPY_DTYPES


def check_output_shape(output, network: str, rows: int) -> None:
    """A network's output must be a floating-point tensor ``[rows, K]`` (or ``[rows]``): one
    row per stacked input."""
    if not isinstance(output, Tensor):
        raise ProgramError(f"network {network!r} returned {type(output).__name__}, "
                           "not a tensor")
    if not output.is_floating_point():
        raise ProgramError(f"network {network!r} returned a tensor of {output.dtype}; "
                           "probabilities must be floating point")
    if output.dim() not in (1, 2) or output.shape[0] != rows:
        raise ProgramError(f"network {network!r} returned shape {list(output.shape)} for "
                           f"{rows} inputs; expected [{rows}, K], a row of probabilities "
                           "per input")


def tunable_probabilities(logits: Tensor, arity: int) -> list[float]:
    """A ``t(...)`` clause's probabilities from its logits, as numbers: one per head and
    "none" (0 where the clause has no parameter for it, see ``tunable_parameters``)."""
    values = torch.softmax(logits.detach().double(), 0).tolist()
    return values + [0.0] * (arity - len(values))


def check_output_rows(output, network: str, rows: int) -> None:
    """A deterministic network's output must be a tensor with a row per stacked input."""
    if not isinstance(output, Tensor):
        raise ProgramError(f"network {network!r} returned {type(output).__name__}, "
                           "not a tensor")
    if output.dim() == 0 or output.shape[0] != rows:
        raise ProgramError(f"network {network!r} returned shape {list(output.shape)} for "
                           f"{rows} inputs; expected a row per input")


def check_probabilities(output: Tensor, network: str) -> None:
    """Reject network outputs that are not (sub-)probability rows, naming the network."""
    slack = tolerance(output.dtype)
    values = output.detach().to(reading_dtype(output.dtype))
    # one test (one synchronisation) in the common case; the diagnosis only on failure
    row_sums = values.sum(dim=1) if values.dim() == 2 else values.new_zeros(1)
    if not values.numel():
        return
    in_range = (values - 0.5).abs().max() <= 0.5 + slack  # NaN compares false
    if bool(in_range & (row_sums.max() <= 1 + slack)):
        return
    if not torch.isfinite(values).all():
        raise ProgramError(f"network {network!r} returned non-finite values (NaN or inf)")
    if (values < -slack).any() or (values > 1 + slack).any():
        bad = values[(values < -slack) | (values > 1 + slack)][0].item()
        raise ProgramError(f"network {network!r} returned {bad:g}, outside [0, 1] (apply a "
                           "softmax or sigmoid)")
    row = int((row_sums > 1 + slack).nonzero()[0])
    raise ProgramError(f"network {network!r} returned a row summing to "
                       f"{values[row].sum().item():g} > 1 (row {row})")


def safe_log(p: Tensor) -> Tensor:
    """log p with log 0 = -inf and no NaN gradient at 0."""
    positive = p > 0
    return torch.where(positive, torch.log(torch.where(positive, p, torch.ones_like(p))),
                       torch.full_like(p, float("-inf")))

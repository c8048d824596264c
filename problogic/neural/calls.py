"""The network calls of one ``Model.query``: which rows each network computes, and its inputs.

A neural variable's call is its network and its ground input terms, the call's *key*. Each
input is one of

* ``tensor(Name)``: the tensor bound to ``Name`` in the query, a row per batch element;
* ``tensor(nn(Net, Inputs))``: the output of a deterministic network (DeepProbLog's
  ``nn(Net, Inputs, Output) :: p(..., Output)``), computed first, from its own inputs;
* any other ground term (an integer, an atom, a list...): handed to the network as data.

A call whose inputs depend on the batch element gets one row of its network's output per
element; a call on data alone gets one row, shared by every element. Each network is called
once per query call and kind (and per level of nested deterministic networks) on the stacked
inputs of all its rows: position by position, tensors are concatenated, numbers become one
tensor (``int64`` when all are integers), and anything else is passed as a list of Python
values (atoms and strings as ``str``, lists as lists, other compound terms as
:class:`~problogic.language.terms.Term`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import torch
from torch import Tensor

from ..errors import ProgramError
from ..language.terms import String, Term, TermLike, is_number, iter_list

Key = tuple  # (network name, input terms)


def network_key(variable) -> Key:
    """A neural variable's call: its network and its ground input terms."""
    return variable.neural.network, variable.neural.inputs


def placeholder_name(term: TermLike) -> str | None:
    """``Name`` for a query's tensor ``tensor(Name)``, else None."""
    if type(term) is Term and term.functor == "tensor" and len(term.args) == 1:
        inner = term.args[0]
        if type(inner) is Term and not inner.args:
            return inner.functor
    return None


def deterministic_call(term: TermLike) -> Key | None:
    """The key of the deterministic network call whose output ``term`` names
    (``tensor(nn(Net, Inputs))``), else None."""
    if type(term) is Term and term.functor == "tensor" and len(term.args) == 1:
        inner = term.args[0]
        if type(inner) is Term and inner.functor == "nn" and len(inner.args) == 2:
            network, inputs = inner.args
            items, tail = iter_list(inputs)
            if type(network) is Term and not network.args and tail == Term("[]"):
                return network.functor, tuple(items)
    return None


@dataclass(frozen=True)
class KeyInfo:
    per_element: bool          # some input depends on the batch element
    depth: int                 # 0: no deterministic network among its inputs
    placeholders: frozenset    # the query tensors it reads, also through other networks
    nested: tuple              # the deterministic calls among its inputs
    reads: frozenset           # the deterministic networks it reads, also through others


@lru_cache(maxsize=65536)
def key_info(key: Key) -> KeyInfo:
    network, inputs = key
    per_element, depth, names, nested, reads = False, 0, set(), [], set()
    for term in inputs:
        name = placeholder_name(term)
        if name is not None:
            per_element = True
            names.add(name)
            continue
        inner = deterministic_call(term)
        if inner is not None:
            info = key_info(inner)
            per_element |= info.per_element
            depth = max(depth, info.depth + 1)
            names |= info.placeholders
            reads |= info.reads | {inner[0]}
            nested.append(inner)
            continue
        if _mentions_tensor(term):
            raise ProgramError(f"network {network!r} is called on {term}, which holds a "
                               "tensor inside a term: pass the tensor as an input of its own")
    return KeyInfo(per_element, depth, frozenset(names), tuple(nested), frozenset(reads))


def _mentions_tensor(term: TermLike) -> bool:
    if type(term) is not Term:
        return False
    if term.functor == "tensor" and len(term.args) == 1:
        return True
    return any(_mentions_tensor(a) for a in term.args)


def python_value(term: TermLike):
    """A ground input term as the network sees it: numbers as numbers, atoms and strings as
    ``str``, proper lists as lists, other compound terms as they are."""
    if is_number(term):
        return term
    if isinstance(term, String):
        return term.value
    if type(term) is Term:
        if not term.args:
            return term.functor
        if term.functor == "." and len(term.args) == 2:
            items, tail = iter_list(term)
            if tail == Term("[]"):
                return [python_value(item) for item in items]
    return term


@dataclass
class CallLayout:
    """The calls of one kind (probabilistic, or deterministic at one depth): each network's
    groups ``(key, sorted elements)`` and each key's row in its network's output per batch
    element (-1: not needed; a shared key has one row for all its elements)."""

    calls: dict[str, list[tuple[Key, list[int]]]]
    rows: dict[Key, np.ndarray]
    row_counts: dict[str, int]
    # the stacked inputs of the networks called on data alone, by (network, device): the
    # same at every call of this layout (see :func:`data_inputs`)
    data_inputs: dict[tuple, list] = field(default_factory=dict)


def call_layout(needed: dict[Key, set[int]], batch_size: int) -> CallLayout:
    calls: dict[str, list] = {}
    for key, elements in needed.items():
        calls.setdefault(key[0], []).append((key, sorted(elements)))
    rows, counts = {}, {}
    for network, groups in calls.items():
        arities = {len(key[1]) for key, _ in groups}
        if len(arities) > 1:
            raise ProgramError(f"network {network!r} is called with {sorted(arities)} inputs: "
                               "a network takes one number of inputs")
        start = 0
        for key, elements in groups:
            rows[key] = np.full(batch_size, -1, dtype=np.int64)
            if key_info(key).per_element:
                rows[key][elements] = np.arange(start, start + len(elements))
                start += len(elements)
            else:
                rows[key][elements] = start
                start += 1
        counts[network] = start
    return CallLayout(calls, rows, counts)


def deterministic_needs(needed: dict[Key, set[int]]) -> list[dict[Key, set[int]]]:
    """The deterministic calls that the calls ``needed`` read, with the elements each is
    needed for, by depth (those reading no other deterministic network first)."""
    levels: list[dict[Key, set[int]]] = []
    stack = [(key, elements) for key, elements in needed.items()]
    while stack:
        key, elements = stack.pop()
        for inner in key_info(key).nested:
            depth = key_info(inner).depth
            while len(levels) <= depth:
                levels.append({})
            found = levels[depth].setdefault(inner, set())
            if not elements <= found:
                found |= elements
                stack.append((inner, elements))
    return levels


def call_inputs(groups, tensors: dict[str, Tensor], outputs: dict[Key, Tensor],
                deterministic_rows: dict[Key, np.ndarray], device) -> list:
    """A network's stacked inputs, position by position, for its ``groups`` (see
    :class:`CallLayout`): ``tensors`` are the query's, ``outputs`` and
    ``deterministic_rows`` the deterministic networks' results so far; ``device()``: where
    inputs made of numbers go."""
    # each group's rows: one per element, or one for all (a call on data alone)
    rows = [(key[1], elements, len(elements)) if key_info(key).per_element else
            (key[1], elements[:1], 1) for key, elements in groups]
    return [_stack([_input(inputs[j], picked, count, tensors, outputs, deterministic_rows)
                    for inputs, picked, count in rows], device)
            for j in range(len(groups[0][0][1]))]


def data_inputs(layout: CallLayout, network: str, device) -> list | None:
    """A network's stacked inputs where every call of it in ``layout`` is on data alone (no
    tensor of the query, no deterministic network): computed at the layout's first call and
    kept in it (Forth addition's networks on digits and carries: a fifth of a warm update
    went into stacking them again). None where some input changes from call to call."""
    groups = layout.calls[network]
    if any(key_info(key).per_element or key_info(key).depth for key, _ in groups):
        return None
    where = device()
    found = layout.data_inputs.get((network, where))
    if found is None:
        found = layout.data_inputs[(network, where)] = call_inputs(groups, {}, {}, {},
                                                                   lambda: where)
    return found


def _input(term, elements: list[int], count: int, tensors, outputs, deterministic_rows):
    name = placeholder_name(term)
    if name is not None:
        tensor = tensors[name]
        return tensor if len(elements) == tensor.shape[0] else tensor[elements]
    inner = deterministic_call(term)
    if inner is not None:
        output = outputs[inner]
        rows = deterministic_rows[inner][elements]
        if not key_info(inner).per_element:
            return output[int(rows[0]):int(rows[0]) + 1].expand(count, *output.shape[1:])
        return output[torch.from_numpy(rows).to(output.device)]
    return [python_value(term)] * count


def _stack(parts: list, device):
    if all(isinstance(p, Tensor) for p in parts):
        return parts[0] if len(parts) == 1 else torch.cat(parts)
    flat = [v for p in parts for v in (p.unbind(0) if isinstance(p, Tensor) else p)]
    if all(is_number(v) and not isinstance(v, bool) for v in flat):
        dtype = torch.long if all(isinstance(v, int) for v in flat) else \
            torch.get_default_dtype()
        return torch.tensor(flat, dtype=dtype, device=device())
    return flat

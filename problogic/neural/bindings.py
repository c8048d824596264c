"""Binding a query's variables to batches: ``model.query("add(X, Y, Z)", X=a, Y=b, Z=s)``.

Each binding holds one value per batch element along dimension 0:

* a tensor whose elements are themselves tensors (``images[b]`` has dimensions) binds the
  variable to the placeholder term ``tensor(X)``; the network inputs are looked up at
  evaluation time, so every element shares one ground structure;
* a tensor of scalars, or a list of numbers, strings or terms, binds the variable to that
  value, which becomes part of the element's ground structure (``add(tensor(X), tensor(Y), 7)``).

Elements with the same resulting query form one *shape*: it is grounded and compiled once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import torch

from ..language.parser import parse_term
from ..language.terms import String, Term, TermLike, Var, variables
from ..grounding.unify import Substitution


@lru_cache(maxsize=4096)
def placeholder(name: str) -> Term:
    """The term standing for the network input bound to variable ``name`` (one object per
    name: the cached ground queries then compare by identity)."""
    return Term("tensor", (Term(name),))


@dataclass
class BoundQuery:
    """A query bound to a batch: the elements grouped by ground query (shape), and the input
    tensors behind each placeholder, batch first."""

    batch_size: int
    shapes: dict[Term, list[int]] = field(default_factory=dict)
    inputs: dict[str, torch.Tensor] = field(default_factory=dict)
    free: tuple[Var, ...] = ()  # the query's variables no binding names (answers)


def _as_term(value, name: str) -> TermLike:
    if isinstance(value, torch.Tensor):
        value = value.item()
    if isinstance(value, bool):
        return Term("true" if value else "false")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if not value or value[0].isupper():
            return String(value)
        term = _parse_ground(value)
        return parse_term(value) if term is None else term
    if isinstance(value, (Term, String)):
        return value
    raise TypeError(f"binding {name}: cannot use {type(value).__name__} {value!r} as a term")


@lru_cache(maxsize=1024)
def _parse_query(text: str) -> TermLike:
    return parse_term(text)


@lru_cache(maxsize=65536)
def _parse_ground(text: str) -> TermLike | None:
    """A binding's text as a term where it is ground (cached: a training loop binds the same
    values again and again; parsing them was a fifth of a warm update of DeepProbLog's Forth
    addition), else None: a value with variables is parsed afresh each time, so that two
    values never share a variable."""
    term = parse_term(text)
    return term if not isinstance(term, Var) and getattr(term, "ground", True) else None


@lru_cache(maxsize=1024)
def _variables(term: Term) -> tuple[dict[str, Var], tuple[Var, ...]]:
    found = tuple(variables(term))
    return {v.name: v for v in found}, found


@lru_cache(maxsize=65536)
def _ground(term: Term, names: tuple[str, ...], values: tuple) -> Term:
    """``term`` with the variables ``names`` bound to ``values`` (cached: a training loop
    binds the same few values again and again)."""
    by_name = _variables(term)[0]
    subst = Substitution()
    for name, value in zip(names, values):
        subst.bind(by_name[name], value)
    return subst.resolve(term)


def bind_query(query: str | Term, bindings: dict) -> BoundQuery:
    term = _parse_query(query) if isinstance(query, str) else query
    if not isinstance(term, Term):
        raise ValueError(f"query {query!r} is not an atom")
    names, found = _variables(term)
    unknown = sorted(set(bindings) - set(names))
    if unknown:
        raise ValueError(f"bindings {unknown} name no variable of the query {query!r}")
    for name, value in bindings.items():
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or \
                getattr(value, "ndim", 1) == 0:
            raise ValueError(f"binding {name}: one value per batch element along dimension 0 "
                             f"(a tensor or a list), got {value!r}")
    # shape[0], not len(): Tensor.__len__ is a Python function (a microsecond each)
    sizes = {name: value.shape[0] if isinstance(value, torch.Tensor) else len(value)
             for name, value in bindings.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"bindings disagree on the batch size: {sizes}")
    batch = next(iter(sizes.values())) if sizes else 1
    if batch == 0:
        raise ValueError("empty batch")
    bound = BoundQuery(batch, free=tuple(v for v in found if v.name not in bindings))
    per_element: dict[str, list[TermLike]] = {}
    for name, value in bindings.items():
        if isinstance(value, torch.Tensor) and value.dim() > 1:
            if not torch.is_floating_point(value) and value.dtype not in (torch.uint8,):
                value = value.float()
            bound.inputs[name] = value
            per_element[name] = [placeholder(name)] * batch
        elif isinstance(value, (list, tuple)) and value and isinstance(value[0], torch.Tensor) \
                and value[0].dim() > 0:
            bound.inputs[name] = torch.stack(list(value))
            per_element[name] = [placeholder(name)] * batch
        else:
            if hasattr(value, "tolist"):  # a tensor or numpy array: Python numbers, at once
                value = value.tolist()
            per_element[name] = [_as_term(v, name) for v in value]
    # Group the elements by their values first, then build each distinct query once.
    order = list(per_element)
    groups: dict[tuple, list[int]] = {}
    for b, key in enumerate(zip(*(per_element[name] for name in order))):
        groups.setdefault(key, []).append(b)
    if not order:
        groups[()] = list(range(batch))
    names_order = tuple(order)
    for key, elements in groups.items():
        bound.shapes.setdefault(_ground(term, names_order, key), []).extend(elements)
    return bound

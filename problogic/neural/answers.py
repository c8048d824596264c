"""The result of a non-ground :meth:`problogic.Model.query`: the probability of every answer.

``model.query("addition(X, Y, Z)", X=a, Y=b)`` leaves ``Z`` unbound: each batch element's
query is grounded once with all its answers as roots of one circuit, and the result maps each
value of ``Z`` to ``Tensor[B]`` (``P(answer | evidence)``; 0, or ``-inf`` in log space, where
an element has no such answer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

import torch
from torch import Tensor

from ..language.printing import format_term
from ..language.terms import String, Term, TermLike, Var


def match(pattern: TermLike, term: TermLike, out: dict) -> None:
    """Bind the variables of ``pattern`` (into ``out``, by identity) to the parts of the
    ground ``term`` that an answer put in their place."""
    if isinstance(pattern, Var):
        out[pattern] = term
    elif isinstance(pattern, Term) and isinstance(term, Term):
        for p, t in zip(pattern.args, term.args):
            match(p, t, out)


def answer_key(value: TermLike):
    """An answer value as a Python key: numbers stay numbers, other terms become their text
    as ProbLog writes it (``five``, ``f(a,1)``, ``"a string"``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value.value if isinstance(value, String) else format_term(value)
    return value


def _order(key):
    parts = key if isinstance(key, tuple) else (key,)
    return tuple((0, p, "") if isinstance(p, (int, float)) else (1, 0, str(p)) for p in parts)


class Answers(Mapping):
    """The answers of a query with unbound variables, for a batch.

    ``variables``: the unbound variables' names, in order of first occurrence in the query;
    ``answers``: one per column, the value of the variable (a tuple of values when there are
    several), sorted (numbers first, by value); ``values``: ``Tensor[B, len(answers)]`` of
    ``P(answer | evidence)`` (its logarithm when ``log``), differentiable like a ground query.
    Answers are not exclusive in general (a predicate may hold for several values at once), so
    a row sums to 1 only when the program makes the answer unique, as in digit addition.

    As a mapping, ``answers[key]`` is the column of one answer, ``Tensor[B]``.

    :meth:`Model.query <problogic.Model.query>` evaluates the circuits when they are first
    read: ``values`` evaluates every answer (once, then kept), while :meth:`select` before
    ``values`` evaluates only the selected answer of each element, in one step. (For that,
    ``evaluate(columns)`` returns the values ``[B, A]`` for None, else ``[B]``: each element's
    column, a numpy array, ``columns[b] = -1`` for no answer.)
    """

    def __init__(self, variables: tuple[str, ...], answers: tuple,
                 values: Tensor | None = None, log: bool = False, *,
                 evaluate: Callable[[np.ndarray | None], Tensor] | None = None,
                 batch: int | None = None):
        if (values is None) == (evaluate is None) or (evaluate is not None and batch is None):
            raise ValueError("Answers takes values, or evaluate and batch")
        self.variables, self.answers, self.log = variables, answers, log
        self._values, self._evaluate = values, evaluate
        self._batch = len(values) if values is not None else batch
        self._columns: dict | None = None

    @property
    def values(self) -> Tensor:
        if self._values is None:
            self._values = self._evaluate(None)
        return self._values

    def __getitem__(self, key) -> Tensor:
        return self.values[:, self._column(key)]

    def __iter__(self):
        return iter(self.answers)

    def __len__(self) -> int:
        return len(self.answers)

    def __repr__(self) -> str:
        return (f"Answers(variables={self.variables}, answers={list(self.answers)[:10]}"
                f"{' ...' if len(self.answers) > 10 else ''}, log={self.log})")

    def _column(self, key) -> int:
        try:
            return self._column_map()[key]
        except KeyError:
            raise KeyError(f"{key!r} is not an answer (answers: {list(self.answers)[:10]}"
                           f"{' ...' if len(self.answers) > 10 else ''})") from None

    def _column_map(self) -> dict:
        if self._columns is None:
            self._columns = {key: i for i, key in enumerate(self.answers)}
        return self._columns

    def select(self, keys) -> Tensor:
        """``Tensor[B]``: for each batch element, the probability (or log) of the answer
        ``keys[b]`` (a list, or a tensor of numbers); 0 (``-inf``) for a value that is no
        answer. Differentiable: train on a labelled answer with ``-select(labels).mean()``."""
        if isinstance(keys, Tensor):
            keys = keys.tolist()
        if len(keys) != self._batch:
            raise ValueError(f"select needs one key per batch element ({self._batch}), got "
                             f"{len(keys)}")
        columns = self._column_map()
        index = np.array([columns.get(key, -1) for key in keys], dtype=np.int64)
        if self._values is None:  # only the selected answers, in the evaluation itself
            return self._evaluate(index)
        values = self._values
        index = torch.from_numpy(index).to(values.device)
        picked = values.gather(1, index.clamp_min(0).unsqueeze(1))
        missing = (index < 0).unsqueeze(1)
        return picked.masked_fill(missing, float("-inf") if self.log else 0.0).squeeze(1)

    def most_probable(self) -> list:
        """The most probable answer of each batch element (the first of equals)."""
        return [self.answers[i] for i in self.values.argmax(1).tolist()]


def collect_keys(pattern: Term, free: list[Var], answers: list[Term]) -> list:
    """The key of each ground answer of ``pattern``: the values of its ``free`` variables."""
    keys = []
    for answer in answers:
        bound: dict = {}
        match(pattern, answer, bound)
        values = tuple(answer_key(bound[v]) for v in free)
        keys.append(values[0] if len(values) == 1 else values)
    return keys


def sorted_keys(keys) -> list:
    return sorted(set(keys), key=_order)

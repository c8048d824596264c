"""DeepProbLog 2.1 as an oracle for neural programs (a helper module, not a test).

:func:`deepproblog_probabilities` runs queries through DeepProbLog's ExactEngine with the given
networks and tensor sources and returns each query's probability as a differentiable tensor,
so that a test can compare both probabilities and gradients with ``problogic.Model``'s on the
same network parameters. Nothing of DeepProbLog is copied into problogic; its example programs
are read from the installed package (:func:`example_program`).

The two systems hand a network its inputs differently (problogic: a batch of stacked
tensors, integers as an ``int64`` tensor, atoms and strings as ``str``; DeepProbLog: batches
of one, terms as ProbLog's terms), so a test wraps one core module in :class:`ForDeepProbLog`,
which converts DeepProbLog's inputs to problogic's before calling it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

with warnings.catch_warnings():  # "ApproximateEngine is not available": not used here
    warnings.simplefilter("ignore")
    import deepproblog
    from deepproblog.engines import ExactEngine
    from deepproblog.model import Model
    from deepproblog.network import Network
    from deepproblog.query import Query
from problog.logic import Constant, Term


def example_program(path: str) -> str:
    """The text of one of DeepProbLog's example programs, ``path`` under its ``examples/``."""
    return (Path(deepproblog.__file__).parent / "examples" / path).read_text()


def _python(value):
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, Constant):
        return value.value.strip('"') if isinstance(value.value, str) else value.value
    return str(value)


class ForDeepProbLog(torch.nn.Module):
    """``core`` as DeepProbLog calls it: each input position is a stacked tensor or a list of
    ProbLog terms; lists of numbers become one tensor (``int64`` for integers), lists of
    strings and atoms lists of ``str``, as problogic passes them."""

    def __init__(self, core: torch.nn.Module):
        super().__init__()
        self.core = core

    def forward(self, *columns):
        converted = []
        for column in columns:
            if isinstance(column, torch.Tensor):
                converted.append(column)
                continue
            values = [_python(v) for v in column]
            if all(isinstance(v, int) for v in values):
                converted.append(torch.tensor(values, dtype=torch.long))
            elif all(isinstance(v, (int, float)) for v in values):
                converted.append(torch.tensor(values, dtype=torch.get_default_dtype()))
            else:
                converted.append(values)
        return self.core(*converted)


class _Source:
    def __init__(self, tensor: torch.Tensor):
        self.tensor = tensor

    def __getitem__(self, args):
        return self.tensor[int(args[0])]


def deepproblog_probabilities(program: str, networks: dict[str, torch.nn.Module],
                              queries: list[str],
                              sources: dict[str, torch.Tensor] | None = None) -> list:
    """P(query) by DeepProbLog's ExactEngine for each query (ProbLog syntax, tensors written
    ``tensor(SOURCE(I))`` for row ``I`` of ``sources[SOURCE]``), as differentiable tensors.
    ``networks``: name -> core module (wrapped in :class:`ForDeepProbLog` here)."""
    nets = [Network(ForDeepProbLog(core), name, batching=True)
            for name, core in networks.items()]
    model = Model(program, nets, load=False)
    model.set_engine(ExactEngine(model), cache=False)
    for name, tensor in (sources or {}).items():
        model.add_tensor_source(name, _Source(tensor))
    results = model.solve([Query(Term.from_string(q)) for q in queries])
    out = []
    for result in results:
        (value,) = result.result.values()
        out.append(value if isinstance(value, torch.Tensor) else
                   torch.tensor(float(value), dtype=torch.float64))
    return out

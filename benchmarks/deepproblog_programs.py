"""DeepProbLog's own example programs on both systems: workloads, networks, and runners.

The programs are read, unchanged, from the installed ``deepproblog`` package
(:func:`example_program`). Both systems get the same networks (one core module each, shared
parameters), the same queries in the same batches and the same optimizer:

* ``problogic.Model``: one ``model.query`` per batch, the batch's values bound to the query's
  variables;
* DeepProbLog's ExactEngine (circuits cached per query, as in its training loop): one
  ``model.solve`` per batch, the tensors in a tensor source.

The two hand a network its inputs differently (problogic: a batch of stacked tensors,
integers as an ``int64`` tensor, atoms and strings as ``str``; DeepProbLog: batches of one,
terms as ProbLog's terms), so the DeepProbLog side wraps each core in
:class:`ForDeepProbLog`, which converts its inputs to problogic's.

Workloads (:data:`WORKLOADS`; a size is the problem's length):

* ``hwf``: DeepProbLog's handwritten formulas, ``expression(Symbols, Value)``, over
  ``size`` symbols (digits and operators alternating) drawn as random feature vectors;
* ``forth-sort``: its bubble sort with a learned swap decision (``Forth/Sort/compare.pl``),
  ``forth_sort(List, Sorted)`` on lists of ``size`` digits;
* ``forth-add``: its digit-by-digit addition with learned result and carry networks
  (``Forth/Add/choose.pl``), ``add(A, B, 0, Sum)`` on numbers of ``size`` digits.
"""

from __future__ import annotations

import random
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

FEATURES = 16  # the length of a "symbol image" of the hwf workload


def example_program(path: str) -> str:
    """The text of one of DeepProbLog's example programs, ``path`` under its ``examples/``."""
    import deepproblog

    return (Path(deepproblog.__file__).parent / "examples" / path).read_text()


class Features(nn.Module):
    """Feature rows ``[N, F]`` to a distribution over ``k`` values."""

    def __init__(self, features: int, k: int):
        super().__init__()
        self.linear = nn.Linear(features, k)

    def forward(self, x):
        return torch.softmax(self.linear(x), 1)


class OneHot(nn.Module):
    """Integer inputs (one ``int64`` tensor ``[N]`` per position, position ``j`` below
    ``widths[j]``) to a distribution over ``k`` values."""

    def __init__(self, widths: tuple[int, ...], k: int):
        super().__init__()
        self.widths = widths
        self.linear = nn.Linear(sum(widths), k)

    def forward(self, *columns):
        x = torch.cat([nn.functional.one_hot(c, w).to(self.linear.weight.dtype)
                       for c, w in zip(columns, self.widths)], 1)
        return torch.softmax(self.linear(x), 1)


# -- DeepProbLog's side --------------------------------------------------------------------

def _python(value):
    from problog.logic import Constant

    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, Constant):
        return value.value.strip('"') if isinstance(value.value, str) else value.value
    return str(value)


class ForDeepProbLog(nn.Module):
    """``core`` as DeepProbLog calls it: each input position is a stacked tensor or a list of
    ProbLog terms; lists of numbers become one tensor (``int64`` for integers), lists of
    strings and atoms lists of ``str``, as problogic passes them."""

    def __init__(self, core: nn.Module):
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


def deepproblog_model(program: str, cores: dict[str, nn.Module],
                      sources: dict[str, torch.Tensor] | None = None, cache: bool = False):
    """DeepProbLog's Model of ``program`` with its ExactEngine; ``tensor(NAME(I))`` is row I
    of ``sources[NAME]``."""
    with warnings.catch_warnings():  # "ApproximateEngine is not available": not used here
        warnings.simplefilter("ignore")
        from deepproblog.engines import ExactEngine
        from deepproblog.model import Model
        from deepproblog.network import Network
    nets = [Network(ForDeepProbLog(core), name, batching=True) for name, core in cores.items()]
    model = Model(program, nets, load=False)
    model.set_engine(ExactEngine(model), cache=cache)
    for name, tensor in (sources or {}).items():
        model.add_tensor_source(name, _Source(tensor))
    return model


def deepproblog_solve(model, queries: list[str]) -> list[torch.Tensor]:
    """P(query) by DeepProbLog for each query (ProbLog syntax), differentiable."""
    from deepproblog.query import Query
    from problog.logic import Term

    out = []
    for result in model.solve([Query(Term.from_string(q)) for q in queries]):
        (value,) = result.result.values()
        out.append(value.reshape(()) if isinstance(value, torch.Tensor) else
                   torch.tensor(float(value), dtype=torch.float64))
    return out


def deepproblog_probabilities(program: str, cores: dict[str, nn.Module], queries: list[str],
                              sources: dict[str, torch.Tensor] | None = None) -> list:
    """P(query) by DeepProbLog's ExactEngine for each query, as differentiable tensors."""
    return deepproblog_solve(deepproblog_model(program, cores, sources), queries)


# -- workloads -----------------------------------------------------------------------------

@dataclass
class Workload:
    """A program, its networks, and examples of one query form: ``template``'s variables take
    each example's values (a tensor row, or a term written as text)."""

    program: str
    cores: dict[str, nn.Module]
    template: str
    examples: list[dict[str, object]]

    def batch_bindings(self, batch: list[dict]) -> dict:
        """problogic's bindings of a batch: tensors stacked, terms as a list."""
        return {name: torch.stack([e[name] for e in batch]) if isinstance(value, torch.Tensor)
                else [e[name] for e in batch] for name, value in batch[0].items()}

    def deepproblog_queries(self, source: list[torch.Tensor]) -> list[str]:
        """Each example's query in ProbLog syntax, its tensors appended to ``source`` and
        written ``tensor(src(I))``."""
        queries = []
        for example in self.examples:
            def value(match, example=example):
                v = example[match.group(0)]
                if isinstance(v, torch.Tensor):
                    source.append(v)
                    return f"tensor(src({len(source) - 1}))"
                return str(v)
            queries.append(re.sub(r"\b[A-Z]\w*", value, self.template))
        return queries


def _hwf(size: int, rng: random.Random) -> Workload:
    symbols = [f"S{i}" for i in range(size)]
    examples = []
    for _ in range(64):
        digits = [rng.randrange(1, 10) for _ in range((size + 1) // 2)]
        operators = [rng.choice("+-*/") for _ in range(size // 2)]
        text = "".join(f"{d}{o}" for d, o in zip(digits, operators + [""]))
        example = {name: torch.randn(FEATURES) for name in symbols}
        example["R"] = float(eval(text))  # the same precedence as the program's parse
        examples.append(example)
    return Workload(example_program("HWF/model.pl"),
                    {"net1": Features(FEATURES, 10), "net2": Features(FEATURES, 4)},
                    f"expression([{', '.join(symbols)}], R)", examples)


def _forth_sort(size: int, rng: random.Random) -> Workload:
    examples = []
    for _ in range(64):
        values = [rng.randrange(10) for _ in range(size)]
        examples.append({"L": str(values).replace(" ", ""),
                         "S": str(sorted(values)).replace(" ", "")})
    return Workload(example_program("Forth/Sort/compare.pl"),
                    {"swap_net": OneHot((10, 10), 2)}, "forth_sort(L, S)", examples)


def _forth_add(size: int, rng: random.Random) -> Workload:
    examples = []
    for _ in range(64):
        a = [rng.randrange(10) for _ in range(size)]
        b = [rng.randrange(10) for _ in range(size)]
        total = int("".join(map(str, a))) + int("".join(map(str, b)))
        digits = [int(c) for c in str(total).rjust(size + 1, "0")]
        examples.append({"A": str(a).replace(" ", ""), "B": str(b).replace(" ", ""),
                         "R": str(digits).replace(" ", "")})
    return Workload(example_program("Forth/Add/choose.pl"),
                    {"neural1": OneHot((10, 10, 2), 10), "neural2": OneHot((10, 10, 2), 2)},
                    "add(A, B, 0, R)", examples)


WORKLOADS = {"hwf": _hwf, "forth-sort": _forth_sort, "forth-add": _forth_add}


def workload(name: str, size: int, seed: int = 0) -> Workload:
    torch.manual_seed(seed)
    return WORKLOADS[name](size, random.Random(seed))


# -- training ------------------------------------------------------------------------------

@dataclass
class Trainer:
    """One system's training loop on a workload: ``probabilities(batch)`` and ``step``."""

    workload: Workload
    system: str  # "problogic" or "deepproblog"
    batch_size: int = 4

    def __post_init__(self):
        cores = self.workload.cores
        self.parameters = [p for core in cores.values() for p in core.parameters()]
        self.optimizer = torch.optim.Adam(self.parameters, lr=1e-3)
        if self.system == "problogic":
            import problogic as pl

            self.model = pl.Model(self.workload.program, networks=cores)
        else:
            source: list[torch.Tensor] = []
            self.queries = self.workload.deepproblog_queries(source)
            tensors = torch.stack(source) if source else torch.zeros(1)
            self.model = deepproblog_model(self.workload.program, cores, {"src": tensors},
                                           cache=True)

    def batches(self, count: int) -> list[list[int]]:
        n = len(self.workload.examples)
        return [[(i * self.batch_size + j) % n for j in range(self.batch_size)]
                for i in range(count)]

    def probabilities(self, batch: list[int]) -> torch.Tensor:
        if self.system == "problogic":
            examples = [self.workload.examples[i] for i in batch]
            return self.model.query(self.workload.template,
                                    **self.workload.batch_bindings(examples))
        return torch.stack(deepproblog_solve(self.model, [self.queries[i] for i in batch]))

    def step(self, batch: list[int]) -> float:
        """One update: forward, -sum log P, backward, Adam; its seconds."""
        start = time.perf_counter()
        loss = -self.probabilities(batch).clamp_min(1e-30).log().sum()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return time.perf_counter() - start

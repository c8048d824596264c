"""DeepProbLog's data sets and loader: a data set turns an index into a :class:`~.query.Query`,
the loader cuts the queries into batches (lists of queries)."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from math import ceil
from pathlib import Path
from typing import Any

from .query import Query


class Dataset(ABC):
    """A data set of queries: subclasses give ``__len__`` and ``to_query(i)``."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def to_query(self, i: int) -> Query: ...

    def to_queries(self) -> list[Query]:
        return [self.to_query(i) for i in range(len(self))]

    def subset(self, i: int, j: int | None = None) -> "Dataset":
        """Queries ``[0, i)``, or ``[i, j)`` when ``j`` is given."""
        start, stop = (0, i) if j is None else (i, j)
        return _Subset(self, start, min(stop, len(self)))


class _Subset(Dataset):
    def __init__(self, dataset: Dataset, start: int, stop: int):
        self.dataset, self.start, self.stop = dataset, start, stop

    def __len__(self) -> int:
        return self.stop - self.start

    def to_query(self, i: int) -> Query:
        return self.dataset.to_query(self.start + i)


class QueryDataset(Dataset):
    """Queries from a list, or from a file of DeepProbLog's text form, one per line:
    ``P::subs(Query, [[Key, Value], ...]).`` or ``P::Query.`` (``P::`` optional, default 1)."""

    def __init__(self, queries: list[Query] | str | Path):
        self.queries = list(queries) if isinstance(queries, list) else load_queries(queries)

    def __len__(self) -> int:
        return len(self.queries)

    def to_query(self, i: int) -> Query:
        return self.queries[i]


def load_queries(path: str | Path) -> list[Query]:
    """The queries of a text file (see :class:`QueryDataset`), read by ProbLog's parser."""
    from problog.logic import term2list
    from problog.parser import PrologParser
    from problog.program import ExtendedPrologFactory

    parser = PrologParser(ExtendedPrologFactory())
    queries = []
    for term in parser.parseString(Path(path).read_text()):
        p = 1.0 if term.probability is None else float(term.probability)
        term = term.with_probability()
        if term.functor == "subs" and len(term.args) == 2:
            pairs = (term2list(pair, False) for pair in term2list(term.args[1], False))
            queries.append(Query(term.args[0], {key: value for key, value in pairs}, p))
        else:
            queries.append(Query(term, p=p))
    return queries


class DataLoader:
    """Batches of ``batch_size`` queries of ``dataset`` (any object with ``to_queries()``, a
    DeepProbLog data set too), in order or shuffled anew each epoch (``random.Random(seed)``,
    the same orders as DeepProbLog's loader); the last batch may be shorter."""

    def __init__(self, dataset: Any, batch_size: int, shuffle: bool = True,
                 seed: int | None = None):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.dataset = dataset.to_queries()
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = random.Random(seed)
        self.epoch = 0

    def __iter__(self):
        indices = list(range(len(self.dataset)))
        if self.shuffle(self.epoch) if callable(self.shuffle) else self.shuffle:
            self.rng.shuffle(indices)
        for start in range(0, len(indices), self.batch_size):
            yield [self.dataset[i] for i in indices[start:start + self.batch_size]]
        self.epoch += 1

    def __len__(self) -> int:
        return ceil(len(self.dataset) / self.batch_size)

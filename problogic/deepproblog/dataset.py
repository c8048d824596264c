"""DeepProbLog's data sets and loader: a data set turns an index into a :class:`~.query.Query`,
the loader cuts the queries into batches (lists of queries). Data sets combine as
DeepProbLog's do (``a + b``, ``subset``, ``fold``), mutate (:class:`MutatingDataset`, with
the noise of :class:`NoiseMutatorDecorator` and :class:`NumericIncorrectOutputMutator`, drawn
as DeepProbLog draws it for the same seed), and :class:`ImageDataset` reads image files."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from math import ceil
from pathlib import Path
from typing import Any, Callable

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
        return _Selection(self, range(start, min(stop, len(self))))

    def fold(self, n: int, i: int) -> tuple["Dataset", "Dataset"]:
        """``(training, held out)`` for fold ``i`` of ``n``: query ``j`` is in fold
        ``j % n``."""
        if not 0 <= i < n:
            raise ValueError(f"fold {i} of {n}: expected 0 <= i < n")
        return (_Selection(self, [j for j in range(len(self)) if j % n != i]),
                _Selection(self, range(i, len(self), n)))

    def __add__(self, other: "Dataset") -> "Dataset":
        """The queries of ``self``, then those of ``other``."""
        return _Concatenation(self, other)

    def __str__(self) -> str:
        return "\n".join(str(self.to_query(i)) for i in range(min(len(self), 5)))

    def to_file_repr(self, i: int) -> str:
        """Query ``i`` as a line of DeepProbLog's text form (:meth:`Query.to_text_query`)."""
        return self.to_query(i).to_text_query()

    def write_to_file(self, f) -> None:
        """Every query, one line each, to the open text file ``f`` (a :class:`QueryDataset`
        reads it back)."""
        for i in range(len(self)):
            f.write(self.to_file_repr(i) + "\n")


class _Selection(Dataset):
    """Some queries of ``dataset``, by position; item ``i`` (``selection[i]``, where the
    data set is also a tensor source) is the data set's item at that position, as in
    DeepProbLog's subsets."""

    def __init__(self, dataset: Dataset, positions):
        self.dataset, self.positions = dataset, positions

    def __len__(self) -> int:
        return len(self.positions)

    def to_query(self, i: int) -> Query:
        return self.dataset.to_query(self.positions[i])

    def __getitem__(self, i: int):
        return self.dataset[self.positions[i]]


class _Concatenation(Dataset):
    def __init__(self, first: Dataset, second: Dataset):
        self.first, self.second = first, second

    def __len__(self) -> int:
        return len(self.first) + len(self.second)

    def to_query(self, i: int) -> Query:
        if i < len(self.first):
            return self.first.to_query(i)
        return self.second.to_query(i - len(self.first))


class MutatingDataset(Dataset):
    """``inner``'s queries, each passed through ``mutator(index, query)`` (noisy labels,
    negative examples)."""

    def __init__(self, inner_dataset: Dataset, mutator: Callable[[int, Query], Query]):
        self.inner_dataset, self.mutator = inner_dataset, mutator

    def __len__(self) -> int:
        return len(self.inner_dataset)

    def to_query(self, i: int) -> Query:
        return self.mutator(i, self.inner_dataset.to_query(i))


def _seed(seed: int | None) -> int:
    return random.SystemRandom().randint(0, 2 ** 64) if seed is None else seed


class NoiseMutatorDecorator:
    """A mutator that applies ``inner_mutator`` to a query with probability ``p``; whether it
    does depends on the query's index and ``seed`` only (``random.Random(seed ^ index)``, as
    in DeepProbLog), so each epoch sees the same noise."""

    def __init__(self, p: float, inner_mutator: Callable[[int, Query], Query],
                 seed: int | None = None):
        self.p, self.inner_mutator, self.seed = p, inner_mutator, _seed(seed)

    def __call__(self, index: int, query: Query) -> Query:
        if random.Random(self.seed ^ index).random() < self.p:
            return self.inner_mutator(index, query)
        return query


class NumericIncorrectOutputMutator:
    """A mutator that replaces each numeric output argument of a query with another value of
    ``domain``, drawn from ``random.Random(seed ^ index)`` as DeepProbLog draws it;
    ``change_p``: the mutated query's target probability becomes ``1 - p``."""

    def __init__(self, domain: list[int], change_p: bool = False, seed: int | None = None):
        self.domain, self.change_p, self.seed = domain, change_p, _seed(seed)

    def __call__(self, index: int, query: Query) -> Query:
        rng = random.Random(self.seed ^ index)
        args = list(query.query.args)
        for i in query.output_ind:
            value = getattr(args[i], "value", None)
            if not isinstance(value, (int, float)) or len(set(self.domain) - {value}) == 0:
                raise ValueError(f"output argument {args[i]} of {query.query}: not a number "
                                 "with another value in the domain")
            new = value
            while new == value:
                new = rng.choice(self.domain)
            args[i] = type(args[i])(new)
        return Query(query.query(*args), query.substitution,
                     1.0 - query.p if self.change_p else query.p, query.output_ind)


class ImageDataset(Dataset):
    """A data set whose tensors are image files ``root/<index>.<extension>``: ``self[index]``
    (or ``self[(index,)]``, a tensor source's key) is that image in RGB, through
    ``transform`` when given. Subclasses give ``__len__`` and ``to_query``."""

    def __init__(self, root: str | Path, extension: str = "png", transform=None):
        self.root, self.extension, self.transform = Path(root), extension, transform

    def __getitem__(self, index):
        from PIL import Image

        if isinstance(index, tuple):
            index = index[0]
        with Image.open(self.root / f"{index}.{self.extension}") as image:
            image = image.convert("RGB")
        return self.transform(image) if self.transform is not None else image


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

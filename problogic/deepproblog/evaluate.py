"""DeepProbLog's evaluation: the confusion matrix of the most probable answers."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean

import numpy as np
import torch

from .model import Model


class ConfusionMatrix:
    """Counts of (predicted, actual) classes; the classes grow as they are seen."""

    def __init__(self, classes: int | list = 0):
        self.classes = list(range(classes)) if isinstance(classes, int) else list(classes)
        self.matrix = np.zeros((len(self.classes),) * 2, dtype=np.int64)

    def _index(self, c) -> int:
        if c not in self.classes:
            self.classes.append(c)
            grown = np.zeros((len(self.classes),) * 2, dtype=np.int64)
            grown[:-1, :-1] = self.matrix
            self.matrix = grown
        return self.classes.index(c)

    def add_item(self, predicted, actual) -> None:
        row, column = self._index(predicted), self._index(actual)  # may grow the matrix
        self.matrix[row, column] += 1

    def accuracy(self) -> float:
        total = self.matrix.sum()
        return float(np.trace(self.matrix) / total) if total else 0.0

    def __str__(self) -> str:
        width = max([len(str(c)) for c in self.classes] + [5])
        head = " " * (width + 1) + " ".join(f"{c!s:>{width}}" for c in self.classes)
        rows = [f"{c!s:>{width}} " + " ".join(f"{v:>{width}}" for v in row)
                for c, row in zip(self.classes, self.matrix)]
        return "\n".join(["predicted (rows) against actual (columns)", head] + rows)


EVALUATION_BATCH = 256  # queries solved together (DeepProbLog solves them one by one)


def _solved(model: Model, queries: list):
    """The result of each query, solved in batches of :data:`EVALUATION_BATCH`."""
    for start in range(0, len(queries), EVALUATION_BATCH):
        yield from model.solve(queries[start:start + EVALUATION_BATCH])


def get_confusion_matrix(model: Model, dataset, verbose: int = 0,
                         eps: float | None = None) -> ConfusionMatrix:
    """Each query of ``dataset`` with its output left open; the most probable answer's output
    against the query's (``eps``: outputs are numbers, equal within ``eps``)."""
    matrix = ConfusionMatrix()
    model.eval()
    with torch.no_grad():
        queries = dataset.to_queries()
        open_queries = [query.variable_output() for query in queries]
        for i, (query, answer) in enumerate(zip(queries, _solved(model, open_queries))):
            actual = str(query.output_values()[0])
            if not len(answer):
                predicted = "no_answer"
            else:
                best = max(answer.result, key=lambda term: float(answer.result[term]))
                predicted = str(best.args[query.output_ind[0]])
                if eps is not None:
                    predicted, actual = float(predicted), float(actual)
                    if abs(actual - predicted) < eps:
                        predicted = actual
                if verbose > 1 and predicted != actual:
                    print(f"{i} {actual} vs {float(answer.result[best])}::{predicted} for "
                          f"query {query}")
            matrix.add_item(predicted, actual)
    if verbose > 0:
        print(matrix)
        print("Accuracy", matrix.accuracy())
    return matrix


def get_fact_accuracy(model: Model, dataset, verbose: int = 0, threshold: float = 0.5,
                      empty_answer: str = "false") -> ConfusionMatrix:
    """Each query as a fact: true when its probability reaches ``threshold``, against its
    target probability."""
    matrix = ConfusionMatrix()
    probabilities = defaultdict(list)
    model.eval()
    with torch.no_grad():
        queries = dataset.to_queries()
        for query, answer in zip(queries, _solved(model, queries)):
            if not len(answer):
                predicted = empty_answer
            else:
                p = float(answer.result[answer.query])
                predicted = "true" if p >= threshold else "false"
                probabilities[predicted].append(p)
            matrix.add_item(predicted, "true" if query.p >= threshold else "false")
    if verbose > 0:
        for c, values in probabilities.items():
            print(f"Average probability for class {c}: {mean(values)}")
        print(matrix)
        print("Accuracy", matrix.accuracy())
    return matrix

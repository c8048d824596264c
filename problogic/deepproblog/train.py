"""DeepProbLog's training loop, ``train_model``: the same updates (the mean loss of a batch,
one step of every network's optimizer), computed by one batched ``solve`` per batch and one
backward pass."""

from __future__ import annotations

import bisect
import time
from pathlib import Path
from typing import Any, Callable

import torch
from torch import Tensor

from .model import Model
from .utils.stop_condition import EpochStop

EPS = 1e-12  # added to probabilities under a logarithm, as DeepProbLog does
LossFunction = Callable[[Tensor, float], Tensor]


def cross_entropy(p: Tensor, target: float) -> Tensor:
    """DeepProbLog's loss of a query with target probability ``target``."""
    pos, neg = p.clamp(min=0.0), (1.0 - p).clamp(min=0.0)
    if target == 1.0:
        return -torch.log(pos + EPS)
    if target == 0.0:
        return -torch.log(neg + EPS)
    return -(target * torch.log(pos + EPS) + (1.0 - target) * torch.log(neg + EPS))


def mse(p: Tensor, target: float) -> Tensor:
    return (p - target) ** 2


LOSSES: dict[str, LossFunction] = {"cross_entropy": cross_entropy, "mse": mse}


class Logger:
    """Values by name and iteration, and comments; written as DeepProbLog writes its logs
    (``#`` comments, then ``i,name,...`` rows)."""

    def __init__(self):
        self.log_data: dict[str, dict[int, Any]] = {}
        self.indices: list[int] = []
        self.comments: list[str] = []

    def log(self, name: str, index: int, value: Any) -> None:
        at = bisect.bisect_left(self.indices, index)  # indices mostly come in order
        if at == len(self.indices) or self.indices[at] != index:
            self.indices.insert(at, index)
        self.log_data.setdefault(name, {})[index] = value

    def log_list(self, index: int, data) -> None:
        for name, value in data or ():
            self.log(name, index, value)

    def comment(self, text: str) -> None:
        self.comments += text.split("\n")

    def get_attribute(self, name: str, include_indices: bool = False):
        values = self.log_data.get(name, {})
        indices = [i for i in self.indices if i in values]
        return (indices, [values[i] for i in indices]) if include_indices else \
            [values[i] for i in indices]

    def __str__(self) -> str:
        columns = list(self.log_data)
        lines = [f"#{c}" for c in self.comments] + ["i," + ",".join(columns)]
        lines += [",".join([str(i)] + [str(self.log_data[c].get(i, "")) for c in columns])
                  for i in self.indices]
        return "\n".join(lines)

    def write_to_file(self, name: str) -> None:
        path = Path(name + ".log")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(self))


class TrainObject:
    """The state of a training run: ``i`` (iterations, from 1 as in DeepProbLog), ``epoch``,
    ``logger``; ``hooks`` are ``(every, function)`` pairs called with this object."""

    def __init__(self, model: Model):
        self.model = model
        self.logger = Logger()
        self.i = 1
        self.epoch = 0
        self.accumulated_loss = 0.0
        self.hooks: list[tuple[int, Callable]] = []
        self.start = self.previous_log = 0.0
        self.timing = 0.0

    def get_loss(self, batch: list, loss: Callable, with_negatives: bool = False) -> float:
        """Back-propagate the batch's loss (the mean over the queries that have an answer)
        and return it."""
        if with_negatives:
            return self._loss_with_negatives(batch, loss)
        results = self.model.solve(batch)
        self.timing += sum(r.eval_time for r in results)
        answered = [(r, q) for r, q in zip(results, batch) if len(r)]
        if not answered:
            return 0.0
        total = sum(loss(r.result[r.query], q.p) for r, q in answered) \
            / len(answered)
        total.backward()
        return float(total.detach())

    def _loss_with_negatives(self, batch: list, loss: Callable) -> float:
        """DeepProbLog's ``with_negatives``: every answer of the query with its outputs left
        open is pushed to 0, except the expected one. A query whose expected answer is not
        among them is trained on its own (and, as in DeepProbLog, left out of the total)."""
        results = self.model.solve([q.variable_output() for q in batch])
        counted, uncounted = [], []
        for r, q in zip(results, batch):
            expected = q.substitute().query
            if expected not in r.result:
                uncounted.extend(loss(p, q.p) for p in self.model.solve([q])[0].result.values())
                continue
            counted.append(loss(r.result[expected], q.p) / len(batch))
            negatives = [term for term in r.result if term != expected]
            counted.extend(loss(r.result[term], 0.0) / (len(batch) * len(negatives))
                           for term in negatives)
        if not counted and not uncounted:
            return 0.0
        total = sum(counted) if counted else torch.zeros(())
        (total + sum(uncounted)).backward()
        return float(total.detach())

    def write_to_file(self, name: str) -> None:
        """The log, to ``name.log`` (see :meth:`Logger.write_to_file`)."""
        self.logger.write_to_file(name)

    def train(self, loader, stop_condition, verbose: int = 1,
              loss_function_name: str = "cross_entropy", with_negatives: bool = False,
              log_iter: int = 100, initial_test: bool = True, **kwargs) -> Logger:
        """Train until ``stop_condition`` (a number of epochs, or an object with
        ``is_stop(train_object)`` such as DeepProbLog's stop conditions). ``kwargs``:
        ``test`` (a function of the model returning ``[(name, value)]``, run every
        ``test_iter`` iterations), ``snapshot_name`` and ``snapshot_iter``."""
        if loss_function_name not in LOSSES:
            raise ValueError(f"unknown loss {loss_function_name!r} (known: "
                             f"{', '.join(LOSSES)})")
        loss = LOSSES[loss_function_name]
        stop = EpochStop(stop_condition) if isinstance(stop_condition, int) else stop_condition
        if "test" in kwargs and initial_test:
            self._test(kwargs["test"])
        self.start = self.previous_log = time.time()
        while not stop.is_stop(self):
            self.model.optimizer.step_epoch()
            if verbose and len(loader) > log_iter:
                print("Epoch", self.epoch + 1)
            for batch in loader:
                self.i += 1
                self.model.train()
                self.model.optimizer.zero_grad()
                self.accumulated_loss += self.get_loss(batch, loss, with_negatives)
                self.model.optimizer.step()
                self._log(verbose, log_iter, **kwargs)
                for every, hook in self.hooks:
                    if self.i % every == 0:
                        hook(self)
                if stop.is_stop(self):
                    break
            self.epoch += 1
        if "snapshot_name" in kwargs:
            self.model.save_state(f"{kwargs['snapshot_name']}_final.mdl")
        return self.logger

    def _log(self, verbose: int, log_iter: int, snapshot_iter: int | None = None,
             test_iter: int = 1000, **kwargs) -> None:
        now = time.time()
        if "snapshot_name" in kwargs and snapshot_iter and self.i % snapshot_iter == 0:
            self.model.save_state(f"{kwargs['snapshot_name']}_iter_{self.i}.mdl")
        if verbose and self.i % log_iter == 0:  # as DeepProbLog: silent runs log nothing
            print(f"Iteration: {self.i}\ts:{now - self.previous_log:.4f}\tAverage Loss: "
                  f"{self.accumulated_loss / log_iter}")
            self.logger.log("time", self.i, now - self.start)
            self.logger.log("loss", self.i, self.accumulated_loss / log_iter)
            self.logger.log("eval_time", self.i, self.timing / log_iter)
            self.accumulated_loss, self.timing, self.previous_log = 0.0, 0.0, now
        if "test" in kwargs and self.i % test_iter == 0:
            self._test(kwargs["test"])

    def _test(self, test: Callable) -> None:
        with torch.no_grad():
            self.logger.log_list(self.i, test(self.model))


def train_model(model: Model, loader, stop_condition, **kwargs) -> TrainObject:
    """Train ``model`` on the batches of ``loader`` (see :meth:`TrainObject.train`)."""
    train_object = TrainObject(model)
    train_object.train(loader, stop_condition, **kwargs)
    return train_object

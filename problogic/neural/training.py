"""A plain training loop for :class:`problogic.Model`: any torch optimizer plugs in.

>>> import torch, problogic as pl
>>> from problogic.neural.training import train
>>> class Coin(torch.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.logit = torch.nn.Parameter(torch.zeros(1))
...     def forward(self, x):                       # [N, 1] -> [N, 2]: heads, tails
...         p = torch.sigmoid(self.logit).expand(len(x), 1)
...         return torch.cat([p, 1 - p], dim=1)
>>> model = pl.Model("nn(coin, [X], S, [h, t]) :: side(X, S).", networks={"coin": Coin()})
>>> batches = [{"query": "side(X, h)", "X": torch.zeros(4, 1)}] * 20
>>> history = train(model, batches, torch.optim.Adam(model.parameters(), lr=0.1),
...                 epochs=2, progress=False)
>>> history["epoch_loss"][1] < history["epoch_loss"][0]
True

A *batch* is whatever ``loss(model, batch)`` understands. The default loss, :func:`query_loss`,
takes a mapping ``{"query": text, VAR: values, ...}`` and returns the mean of
``-log P(query)`` over the batch elements, which is DeepProbLog's cross-entropy on true
queries. ``batches`` is an iterable that is iterated again at each epoch, or a function of
the epoch number returning the batches of that epoch (a new shuffle per epoch, say).
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Iterable, Mapping

import torch
from torch import Tensor

Batch = Any
LossFunction = Callable[[torch.nn.Module, Batch], Tensor]


def query_loss(model, batch: Mapping[str, Any]) -> Tensor:
    """Mean of ``-log P(query)`` over the batch: ``batch = {"query": text, VAR: values...}``."""
    bindings = {k: v for k, v in batch.items() if k != "query"}
    return -model.query(batch["query"], log=True, **bindings).mean()


class _Progress:
    """tqdm when it is installed, else one line on stderr every ``log_every`` updates."""

    def __init__(self, enabled: bool, total: int | None, epoch: int, epochs: int,
                 log_every: int):
        self.enabled, self.total, self.log_every = enabled, total, log_every
        self.label = f"epoch {epoch + 1}/{epochs}"
        self.bar = None
        self.count = 0
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, desc=self.label, leave=False, file=sys.stderr)

    def update(self, loss: float) -> None:
        self.count += 1
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
            if self.count % self.log_every == 0:
                self.bar.set_postfix(loss=f"{loss:.4f}")
        elif self.count % self.log_every == 0:
            of = f"/{self.total}" if self.total else ""
            print(f"{self.label}: update {self.count}{of}, loss {loss:.4f}", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def train(model: torch.nn.Module, batches: Iterable[Batch] | Callable[[int], Iterable[Batch]],
          optimizer: torch.optim.Optimizer, *, epochs: int = 1,
          loss: LossFunction = query_loss,
          evaluate: Callable[[torch.nn.Module], Mapping[str, float]] | None = None,
          progress: bool = True, log_every: int = 50,
          max_updates: int | None = None) -> dict[str, list]:
    """Train ``model`` for ``epochs`` passes over ``batches``: for each batch
    ``optimizer.zero_grad(); loss(model, batch).backward(); optimizer.step()``.

    ``evaluate(model)`` runs after each epoch (in ``eval`` mode, without gradients) and its
    numbers are recorded. ``max_updates`` stops early after that many updates in all.
    Returns the history: ``loss`` (every update), ``epoch_loss`` (mean per epoch),
    ``epoch_time_s`` (training time of each epoch, evaluation excluded), ``updates`` (per
    epoch) and ``eval`` (the evaluation results per epoch, when ``evaluate`` is given).
    """
    history: dict[str, list] = {"loss": [], "epoch_loss": [], "epoch_time_s": [],
                                "updates": [], "eval": []}
    done = 0
    for epoch in range(epochs):
        epoch_batches = batches(epoch) if callable(batches) else batches
        total = len(epoch_batches) if hasattr(epoch_batches, "__len__") else None
        bar = _Progress(progress, total, epoch, epochs, log_every)
        model.train()
        losses: list[float] = []
        start = time.perf_counter()
        try:
            for batch in epoch_batches:
                if max_updates is not None and done >= max_updates:
                    break
                optimizer.zero_grad(set_to_none=True)
                value = loss(model, batch)
                value.backward()
                optimizer.step()
                losses.append(float(value.detach()))
                done += 1
                bar.update(losses[-1])
        finally:
            bar.close()
        history["epoch_time_s"].append(time.perf_counter() - start)
        history["loss"].extend(losses)
        history["epoch_loss"].append(sum(losses) / len(losses) if losses else float("nan"))
        history["updates"].append(len(losses))
        if evaluate is not None:
            model.eval()
            with torch.no_grad():
                history["eval"].append(dict(evaluate(model)))
            model.train()
        if progress:
            line = f"epoch {epoch + 1}/{epochs}: loss {history['epoch_loss'][-1]:.4f}, " \
                   f"{history['epoch_time_s'][-1]:.1f} s"
            if evaluate is not None:
                line += ", " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                                         for k, v in history["eval"][-1].items())
            print(line, file=sys.stderr)
        if max_updates is not None and done >= max_updates:
            break
    return history

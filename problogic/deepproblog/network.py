"""DeepProbLog's ``Network``: a torch module under the name the program's ``nn(...)`` uses,
with the optimizer (and learning rate scheduler) that trains it."""

from __future__ import annotations

from typing import IO, Any

import torch
from torch import nn


class Network:
    """``network_module`` as network ``name``.

    ``batching=True``: the module takes the stacked inputs of a whole batch (how problogic
    always calls networks). ``batching=False``: it takes one example at a time, as DeepProbLog
    calls such networks; the model then calls it once per input row (see
    :class:`OneByOne`). ``k``: only k of the network's values are possible for each input,
    as in DeepProbLog (see :class:`KeepK`; DeepProbLog's example scripts test with
    ``k=1``)."""

    def __init__(self, network_module: nn.Module, name: str,
                 optimizer: torch.optim.Optimizer | None = None, scheduler: Any = None,
                 k: int | None = None, batching: bool = False):
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
            raise ValueError(f"network {name!r}: k must be a positive integer or None, "
                             f"got {k!r}")
        self.network_module = network_module
        self.name = name
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.batching = batching
        self.k = k
        module = network_module if batching else OneByOne(network_module)
        self.module = module if k is None else KeepK(module, k)

    def parameters(self):
        return self.network_module.parameters()

    def zero_grad(self) -> None:
        if self.optimizer is not None:
            self.optimizer.zero_grad()

    def step(self) -> None:
        if self.optimizer is not None:
            self.optimizer.step()

    def step_epoch(self) -> None:
        if self.scheduler is not None:
            self.scheduler.step()

    def train(self) -> None:
        self.module.train()

    def eval(self) -> None:
        self.module.eval()

    def cuda(self, device=None) -> "Network":
        self.network_module.cuda(device)
        return self

    def save(self, location: str | IO[bytes], complete: bool = False) -> None:
        """The module's state (``complete``: the optimizer's and scheduler's too)."""
        torch.save(self.state(complete), location)

    def state(self, complete: bool = False) -> dict:
        state = {"model_state_dict": self.network_module.state_dict()}
        if complete and self.optimizer is not None:
            state["optimizer_state_dict"] = self.optimizer.state_dict()
        if complete and self.scheduler is not None:
            state["scheduler_state_dict"] = self.scheduler.state_dict()
        return state

    def load(self, location: str | IO[bytes]) -> None:
        self.load_state(torch.load(location, weights_only=True))

    def load_state(self, state: dict) -> None:
        self.network_module.load_state_dict(state["model_state_dict"])
        if "optimizer_state_dict" in state and self.optimizer is not None:
            self.optimizer.load_state_dict(state["optimizer_state_dict"])
        if "scheduler_state_dict" in state and self.scheduler is not None:
            self.scheduler.load_state_dict(state["scheduler_state_dict"])

    def get_hyperparameters(self) -> dict:
        return {"name": self.name, "module": str(self.network_module),
                "optimizer": str(self.optimizer), "k": self.k}


class KeepK(nn.Module):
    """DeepProbLog's ``Network(k=...)``: of each output row (a distribution over the
    network's values, last dimension) only ``k`` values stay possible, the others get
    probability 0, as if DeepProbLog had not grounded them. In evaluation mode they are the
    k most probable; in training mode k values drawn without replacement in proportion to
    their probabilities (DeepProbLog's ``numpy.random.choice``; here the k largest of
    log-probabilities plus Gumbel noise, the same distribution, from torch's generator).
    Gradients flow through the kept values."""

    def __init__(self, module: nn.Module, k: int):
        super().__init__()
        self.module = module
        self.k = k

    def forward(self, *inputs):
        out = self.module(*inputs)
        if out.dim() == 0 or self.k >= out.shape[-1]:
            return out
        scores = out.detach()
        if self.training:
            uniform = torch.rand_like(scores).clamp_min(torch.finfo(scores.dtype).tiny)
            scores = scores.clamp_min(0).log() - (-uniform.log()).log()
        kept = torch.zeros_like(out, dtype=torch.bool)
        kept.scatter_(-1, scores.topk(self.k, dim=-1).indices, True)
        return torch.where(kept, out, torch.zeros_like(out))


class OneByOne(nn.Module):
    """A module that takes one example, called on each row of stacked inputs in turn; its
    outputs (a leading dimension of 1 dropped) are stacked again."""

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module

    def forward(self, *inputs):
        rows = len(inputs[0])
        outputs = []
        for i in range(rows):
            out = self.module(*(x[i] for x in inputs))
            outputs.append(out.squeeze(0) if out.dim() > 1 and out.shape[0] == 1 else out)
        return torch.stack(outputs)

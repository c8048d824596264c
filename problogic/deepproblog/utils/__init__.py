"""The helpers of DeepProbLog's ``deepproblog.utils`` that its scripts import: parameter
counts, output folders, grids of hyperparameters and time stamps for run names.
``stop_condition`` and ``standard_networks`` are submodules, as in DeepProbLog."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from time import strftime
from typing import Any

from torch import nn


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters (elements of those that require gradients)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def check_path(path: str | os.PathLike) -> None:
    """Make the folder that will hold the file ``path``, if it is missing."""
    folder = os.path.dirname(str(path))
    if folder:
        os.makedirs(folder, exist_ok=True)


def get_configuration(parameters: dict[str, list], i: int) -> dict[str, Any]:
    """The ``i``-th point of the grid ``parameters`` (name -> values), the first name's
    values varying fastest; ``i`` wraps around the grid's size."""
    configuration = {}
    for name, values in parameters.items():
        i, position = divmod(i, len(values))
        configuration[name] = values[position]
    return configuration


def config_to_string(configuration: dict[str, Any]) -> str:
    """``name_value`` pairs joined by ``_``, for run names."""
    return "_".join(f"{name}_{value}" for name, value in configuration.items())


def format_time() -> str:
    """A local time stamp to the minute, ``_YYMMDD_HHMM``."""
    return strftime("_%y%m%d_%H%M")


def format_time_precise() -> str:
    """A UTC time stamp to the microsecond, ``YYMMDD_HHMMSSffffff``."""
    return datetime.now(timezone.utc).strftime("%y%m%d_%H%M%S%f")


__all__ = ["count_parameters", "check_path", "get_configuration", "config_to_string",
           "format_time", "format_time_precise"]

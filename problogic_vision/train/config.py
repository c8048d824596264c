"""Training configuration: a TOML file read into validated dataclasses.

A config file has five tables, each optional (every key has a default)::

    [data]                      # where the scenes live and which weak label the target gets
    kind = "digits"             # a problogic_vision.data.DATASET_KINDS entry (for generation)
    root = "runs/data/digits"   # relative to the current working directory
    generate = true             # generate the data set when ROOT/meta.json is missing
    label = "sum"               # "count" | "range" | "sum"
    range_threshold = 2         # range labels: exact count below t, "at least t" from t on
    folds = 1                   # k-fold split of target_train; fold `fold` is held out
    fold = 0

    [model]  name = "tiny_fasterrcnn", options = {}, init = "path/to/model.pt" (optional)
    [train]  seed, device, batch_size, lr, epochs per stage, rounds, ablation switches ...
    [eval]   splits, count_threshold, max_images, batch_size
    [log]    run_dir, tensorboard, wandb, progress, log_every

Unknown tables or keys, wrong types and out-of-range values raise :class:`ConfigError` naming
the offending key and value, before anything is trained.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LABEL_KINDS = ("count", "range", "sum")
RELABEL_MODES = ("most_probable_world", "independent_argmax")
OPTIMIZERS = ("sgd", "adam", "adamw")
DEVICES = ("auto", "cpu", "cuda")


class ConfigError(ValueError):
    """A config file or override that cannot be used; the message names the key and value."""


@dataclass
class DataConfig:
    """Where the scenes are and which weak label the target domain carries."""

    kind: str = "digits"
    root: str = "runs/data/digits"
    generate: bool = True
    seed: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    label: str = "count"
    range_threshold: int = 2
    folds: int = 1
    fold: int = 0


@dataclass
class ModelConfig:
    """The detector: a ``problogic_vision.adapters.build_detector`` name and its options."""

    name: str = "tiny_fasterrcnn"
    options: dict[str, Any] = field(default_factory=dict)
    # Weights to start from (a state dict such as a run's model.pt, loaded with
    # weights_only=True): ablations share one pretrained detector with pretrain_epochs = 0.
    init: str | None = None


@dataclass
class TrainConfig:
    """Optimisation, the stage lengths and the ProbKT ablation switches."""

    seed: int = 0
    device: str = "auto"
    batch_size: int = 8
    num_workers: int = 0
    optimizer: str = "sgd"
    lr: float = 0.01
    finetune_lr: float | None = None      # None: same as lr
    # Retraining continues from the fine-tuned detector with a fresh optimizer; None: lr.
    # On the molecules demo, 2e-4 instead of 1e-3 gained 2.5 points of target accuracy on
    # average over three seeds, and was steadier (see README, ProbKT results).
    retrain_lr: float | None = None
    momentum: float = 0.9
    weight_decay: float = 1e-4
    grad_clip: float | None = 10.0
    pretrain_epochs: int = 4
    finetune_epochs: int = 2
    retrain_epochs: int = 2
    rounds: int = 2
    source_weight: float = 0.0            # weight of the supervised source loss in fine-tuning
    max_boxes: int | None = None          # None: all detections; n: drop images with more
    relabel: str = "most_probable_world"  # or "independent_argmax" (the original ProbKT)
    score_threshold: float = 0.05         # detections kept for the weak loss and relabeling
    max_detections: int = 100
    relabel_threshold: float = 0.5        # independent_argmax: minimum detection score
    checkpoint_every: int = 50            # steps; checkpoints are also written at stage ends


@dataclass
class EvalConfig:
    """Which splits are evaluated after each stage and how detections become counts."""

    splits: list[str] = field(default_factory=lambda: ["target_test", "ood_test"])
    count_threshold: float = 0.5
    max_images: int | None = None
    batch_size: int = 16


@dataclass
class LogConfig:
    """Run directory (logs, checkpoints, pseudo labels) and optional experiment trackers."""

    run_dir: str = "runs/probkt"
    tensorboard: bool = False
    wandb: bool = False
    progress: bool = True
    log_every: int = 10


@dataclass
class Config:
    """A whole training run; ``Config.from_dict(tomllib.load(f))`` validates every key."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    log: LogConfig = field(default_factory=LogConfig)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Config":
        if not isinstance(raw, dict):
            raise ConfigError(f"a config must be a table of tables, got {type(raw).__name__}")
        sections = {f.name: f for f in dataclasses.fields(cls)}
        kwargs = {}
        for name, value in raw.items():
            if name not in sections:
                raise ConfigError(f"unknown config table [{name}]; expected one of "
                                  f"{', '.join(sections)}")
            if not isinstance(value, dict):
                raise ConfigError(f"[{name}] must be a table, got {value!r}")
            kwargs[name] = _section(sections[name].default_factory, name, value)
        config = cls(**kwargs)
        config.validate()
        return config

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of primitives (stored in checkpoints, loadable with weights_only)."""
        return dataclasses.asdict(self)

    def validate(self) -> None:
        """Cross-field and range checks; raises :class:`ConfigError`."""
        d, t, e, lg = self.data, self.train, self.eval, self.log
        _one_of("data.label", d.label, LABEL_KINDS)
        _one_of("train.relabel", t.relabel, RELABEL_MODES)
        _one_of("train.optimizer", t.optimizer, OPTIMIZERS)
        _one_of("train.device", t.device, DEVICES)
        for key in ("batch_size", "max_detections", "checkpoint_every"):
            _at_least(f"train.{key}", getattr(t, key), 1)
        for key in ("pretrain_epochs", "finetune_epochs", "retrain_epochs", "rounds",
                    "num_workers", "seed"):
            _at_least(f"train.{key}", getattr(t, key), 0)
        _at_least("data.range_threshold", d.range_threshold, 1)
        _at_least("data.folds", d.folds, 1)
        if not 0 <= d.fold < d.folds:
            raise ConfigError(f"data.fold = {d.fold} must lie in [0, data.folds = {d.folds})")
        for split, size in d.sizes.items():
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise ConfigError(f"data.sizes.{split} = {size!r} must be a non-negative int")
        if t.max_boxes is not None:
            _at_least("train.max_boxes", t.max_boxes, 1)
        for key in ("lr", "momentum", "weight_decay", "source_weight", "score_threshold",
                    "relabel_threshold"):
            _finite_nonnegative(f"train.{key}", getattr(t, key))
        if t.lr <= 0:
            raise ConfigError(f"train.lr = {t.lr!r} must be positive")
        for key in ("finetune_lr", "retrain_lr"):
            value = getattr(t, key)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ConfigError(f"train.{key} = {value!r} must be positive")
        if t.grad_clip is not None and not (math.isfinite(t.grad_clip) and t.grad_clip > 0):
            raise ConfigError(f"train.grad_clip = {t.grad_clip!r} must be positive")
        for key in ("score_threshold", "relabel_threshold"):
            if getattr(t, key) > 1:
                raise ConfigError(f"train.{key} = {getattr(t, key)!r} must lie in [0, 1]")
        if not 0 <= e.count_threshold <= 1:
            raise ConfigError(f"eval.count_threshold = {e.count_threshold!r} must lie in [0, 1]")
        _at_least("eval.batch_size", e.batch_size, 1)
        if e.max_images is not None:
            _at_least("eval.max_images", e.max_images, 1)
        _at_least("log.log_every", lg.log_every, 1)
        if not d.root:
            raise ConfigError("data.root must not be empty")
        if not lg.run_dir:
            raise ConfigError("log.run_dir must not be empty")


def load_config(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Read a TOML config file, apply ``table.key=value`` overrides, validate.

    An override value is parsed as a TOML value (``train.max_boxes=4``, ``log.run_dir="x"``);
    when that fails it is taken as a bare string (``train.relabel=independent_argmax``).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    for item in overrides:
        apply_override(raw, item)
    return Config.from_dict(raw)


def apply_override(raw: dict[str, Any], item: str) -> None:
    """Set ``table.key`` (or ``table.key.subkey``) in a raw config dict from ``key=value``."""
    key, sep, text = item.partition("=")
    parts = key.strip().split(".")
    if not sep or len(parts) < 2 or not all(parts):
        raise ConfigError(f"override {item!r} must look like table.key=value")
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    if isinstance(value, str) and value.lower() in ("none", "null"):
        value = None
    table = raw
    for part in parts[:-1]:
        table = table.setdefault(part, {})
        if not isinstance(table, dict):
            raise ConfigError(f"override {item!r}: {part} is not a table")
    table[parts[-1]] = value


def _section(factory, name: str, values: dict[str, Any]):
    cls = factory().__class__
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown key {name}.{key}; expected one of "
                              f"{', '.join(sorted(known))}")
        kwargs[key] = _check_type(f"{name}.{key}", value, hints[key])
    return cls(**kwargs)


def _check_type(key: str, value: Any, hint: Any) -> Any:
    """Check a TOML value against a field annotation (None is spelled by omitting the key or
    by the string "none" in an override)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _check_type(key, value, inner[0])
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key} = {value!r} must be true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key} = {value!r} must be an integer")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key} = {value!r} must be a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key} = {value!r} must be a string")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{key} = {value!r} must be a list")
        return [_check_type(f"{key}[{i}]", v, args[0]) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key} = {value!r} must be a table")
        if args[1] is Any:
            return dict(value)
        return {k: _check_type(f"{key}.{k}", v, args[1]) for k, v in value.items()}
    return value


def _one_of(key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{key} = {value!r} must be one of {', '.join(choices)}")


def _at_least(key: str, value: int, low: int) -> None:
    if value < low:
        raise ConfigError(f"{key} = {value!r} must be >= {low}")


def _finite_nonnegative(key: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{key} = {value!r} must be a finite number >= 0")

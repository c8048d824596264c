"""Metric logs: JSON lines and CSV in the run directory, plus optional trackers.

``metrics.jsonl`` holds one JSON object per event (``{"stage", "round", "epoch", "step",
"global_step", "split", <metric>: value, ...}``); ``metrics.csv`` holds the same numbers in
long form, one row per metric (``stage,round,epoch,step,global_step,split,metric,value``), so
the column set never changes. TensorBoard (``SummaryWriter``) and Weights & Biases (offline
mode) receive the same scalars when enabled in the config; enabling one that is not installed
is an error. On resume both files are cut back to the lines the checkpoint had seen, so events
after the last checkpoint are not duplicated when they are replayed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from pathlib import Path
from typing import Any

CSV_FIELDS = ("stage", "round", "epoch", "step", "global_step", "split", "metric", "value")
KEY_FIELDS = ("stage", "round", "epoch", "step", "global_step", "split")


class MetricLogger:
    """Append-only metric sink; a no-op on ranks other than 0 (``enabled=False``)."""

    def __init__(self, run_dir: str | Path, *, enabled: bool = True, tensorboard: bool = False,
                 wandb: bool = False, run_name: str = "probkt", config: dict | None = None):
        self.enabled = enabled
        self.run_dir = Path(run_dir)
        self.jsonl_path = self.run_dir / "metrics.jsonl"
        self.csv_path = self.run_dir / "metrics.csv"
        self._tb = None
        self._wandb = None
        if not enabled:
            return
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if not self.csv_path.exists():
            self.csv_path.write_text(",".join(CSV_FIELDS) + "\n")
        if tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError as error:
                raise RuntimeError("log.tensorboard = true but tensorboard is not installed "
                                   "(pip install tensorboard)") from error
            self._tb = SummaryWriter(log_dir=str(self.run_dir / "tensorboard"))
        if wandb:
            try:
                import wandb as wandb_module
            except ImportError as error:
                raise RuntimeError("log.wandb = true but wandb is not installed "
                                   "(pip install wandb)") from error
            self._wandb = wandb_module.init(mode="offline", dir=str(self.run_dir),
                                            name=run_name, config=config or {})

    def line_counts(self) -> dict[str, int]:
        """Lines written so far to each file (stored in checkpoints)."""
        if not self.enabled:
            return {"jsonl": 0, "csv": 0}
        return {"jsonl": _count_lines(self.jsonl_path), "csv": _count_lines(self.csv_path)}

    def truncate(self, counts: dict[str, int]) -> None:
        """Cut the files back to ``counts`` lines (events logged after the checkpoint)."""
        if not self.enabled:
            return
        _truncate_lines(self.jsonl_path, counts.get("jsonl", 0))
        _truncate_lines(self.csv_path, max(1, counts.get("csv", 1)))

    def log(self, metrics: dict[str, float], **keys: Any) -> None:
        """Record scalar ``metrics`` under ``keys`` (stage, round, epoch, step, split...)."""
        if not self.enabled:
            return
        record = {"time": round(time.time(), 3), **keys,
                  **{k: _clean(v) for k, v in metrics.items()}}
        with self.jsonl_path.open("a") as handle:
            handle.write(json.dumps(record) + "\n")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for name, value in metrics.items():
            writer.writerow([keys.get(k, "") for k in KEY_FIELDS] + [name, _clean(value)])
        with self.csv_path.open("a") as handle:
            handle.write(buffer.getvalue())
        step = int(keys.get("global_step", 0))
        prefix = "/".join(str(keys[k]) for k in ("stage", "split") if keys.get(k))
        if self._tb is not None:
            for name, value in metrics.items():
                self._tb.add_scalar(f"{prefix}/{name}", float(value), step)
        if self._wandb is not None:
            self._wandb.log({f"{prefix}/{k}": float(v) for k, v in metrics.items()}, step=step)

    def close(self) -> None:
        if self._tb is not None:
            self._tb.close()
        if self._wandb is not None:
            self._wandb.finish()


def read_metrics(run_dir: str | Path) -> list[dict[str, Any]]:
    """The events of a run's ``metrics.jsonl``, in order."""
    path = Path(run_dir) / "metrics.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _clean(value: Any) -> Any:
    value = float(value)
    return value if math.isfinite(value) else None


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _truncate_lines(path: Path, keep: int) -> None:
    if not path.exists():
        return
    lines = path.read_text().splitlines(keepends=True)
    if len(lines) > keep:
        path.write_text("".join(lines[:keep]))

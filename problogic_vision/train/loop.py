"""The ProbKT loop as a resumable sequence of stages.

Stages, in order (``plan_stages``)::

    pretrain            supervised on source_train (boxes)
    evaluate:source_only
    finetune            weak labels on target_train: loss = -log P(label | detections)
    evaluate:finetuned
    relabel_r           pseudo boxes from the label-consistent assignment  } r = 1 .. rounds
    retrain_r           supervised on source_train + pseudo_round{r}       }
    evaluate:round{r}                                                      }

The position in this plan (stage, epoch, batch within the epoch, global step) is stored in
every checkpoint together with the model, the optimizer and all RNG states. The order of the
batches of an epoch is a pure function of (seed, stage, epoch) -- a ``DistributedSampler``
seeded per stage -- so a resumed run skips the batches already done and then sees exactly the
batches, and draws exactly the random numbers, that an uninterrupted run would have.

Fine-tuning loss: the mean over images of -log P(label | detections). An image whose label has
probability 0 under its detections (e.g. it counts 3 objects but only 2 boxes were detected)
gives no gradient, so it is skipped and counted in the ``impossible`` column of the logs;
images dropped by ``max_boxes`` are counted in ``too_many_boxes``.
"""

from __future__ import annotations

import math
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch.utils.data import ConcatDataset, DataLoader, Dataset, Subset
from torch.utils.data.distributed import DistributedSampler

from problogic_vision.data import (SceneDataset, collate_scenes, generate, read_meta,
                                   read_split, write_split)

from . import distributed as dist_utils
from .checkpoint import load_checkpoint, rng_state, save_checkpoint, seed_everything, set_rng_state
from .config import Config, ConfigError
from .evaluate import evaluate_split
from .labels import weak_label
from .logs import MetricLogger
from .relabel import RelabelStats, assign_classes, pseudo_record

CHECKPOINT_NAME = "checkpoint.pt"
PSEUDO_ROOT = "pseudo"


@dataclass(frozen=True)
class Stage:
    """One step of the plan: ``kind`` in pretrain, evaluate, finetune, relabel, retrain."""

    kind: str
    name: str
    round: int = 0


def plan_stages(config: Config) -> list[Stage]:
    """The stages of a run, in order."""
    stages = [Stage("pretrain", "pretrain"), Stage("evaluate", "source_only"),
              Stage("finetune", "finetune"), Stage("evaluate", "finetuned")]
    for r in range(1, config.train.rounds + 1):
        stages += [Stage("relabel", f"relabel_{r}", r), Stage("retrain", f"retrain_{r}", r),
                   Stage("evaluate", f"round{r}", r)]
    return stages


@dataclass
class TrainState:
    """Where the run is: stage index, epoch and batch in it, global step, results so far."""

    stage_index: int = 0
    epoch: int = 0
    step: int = 0
    global_step: int = 0
    results: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    relabel: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"stage_index": self.stage_index, "epoch": self.epoch, "step": self.step,
                "global_step": self.global_step, "results": self.results,
                "relabel": self.relabel}


@dataclass
class TrainResult:
    """What :func:`train` returns: ``status`` is "completed" or "interrupted"."""

    status: str
    run_dir: Path
    state: TrainState
    detector: torch.nn.Module


class Interrupted(Exception):
    """Raised inside the loop when a stop was requested; the checkpoint is already written."""


def train(config: Config, *, stop_after_steps: int | None = None,
          step_callback: Callable[[TrainState], None] | None = None,
          build_detector: Callable[..., torch.nn.Module] | None = None) -> TrainResult:
    """Run (or resume) the ProbKT loop described by ``config``.

    Re-running with the same config continues from ``<run_dir>/checkpoint.pt``. The run stops
    cleanly, after writing a checkpoint, on SIGTERM/SIGINT or after ``stop_after_steps``
    optimisation steps of this call (``status == "interrupted"``). ``step_callback`` is called
    after every step (tests inject failures with it); ``build_detector`` replaces
    ``problogic_vision.adapters.build_detector``.
    """
    return _Run(config, build_detector).run(stop_after_steps, step_callback)


class _Run:
    def __init__(self, config: Config, build_detector):
        self.cfg = config
        self.build_detector = build_detector
        self.run_dir = Path(config.log.run_dir)
        self.stages = plan_stages(config)
        self.stop_requested = False

    # ----------------------------------------------------------------------------- setup
    def _setup(self) -> None:
        cfg = self.cfg
        want_cuda = cfg.train.device == "cuda" or (cfg.train.device == "auto"
                                                   and torch.cuda.is_available())
        if cfg.train.device == "cuda" and not torch.cuda.is_available():
            raise ConfigError("train.device = 'cuda' but CUDA is not available")
        device = torch.device("cuda" if want_cuda else "cpu")
        self.dist = dist_utils.init_distributed(device)
        if want_cuda:
            device = torch.device("cuda", self.dist.local_rank)
            torch.cuda.set_device(device)
        self.device = device
        seed_everything(cfg.train.seed)
        self.data_root = Path(cfg.data.root)
        if self.dist.is_main and not (self.data_root / "meta.json").exists():
            if not cfg.data.generate:
                raise ConfigError(f"data.root = {str(self.data_root)!r} has no meta.json and "
                                  "data.generate = false")
            generate(cfg.data.kind, self.data_root, seed=cfg.data.seed,
                     sizes=cfg.data.sizes or None, **cfg.data.options)
        dist_utils.barrier(self.dist)
        _check_existing_data(self.data_root, cfg)
        self.source = SceneDataset(self.data_root, "source_train")
        self.target = SceneDataset(self.data_root, "target_train")
        self.num_classes = self.source.num_classes
        self.values = self.source.values
        if cfg.data.label == "sum" and self.values is None:
            raise ConfigError(f"data.label = 'sum' but {self.data_root}/meta.json has no values")
        self.target_indices, self.heldout_indices = fold_indices(
            len(self.target), cfg.data.folds, cfg.data.fold, cfg.train.seed)
        if self.build_detector is None:
            from problogic_vision.adapters import build_detector
            self.build_detector = build_detector
        self.model = self.build_detector(cfg.model.name, self.num_classes,
                                         **cfg.model.options).to(device)
        if cfg.model.init is not None:
            init = Path(cfg.model.init)
            if not init.exists():
                raise ConfigError(f"model.init = {str(init)!r} does not exist")
            self.model.load_state_dict(torch.load(init, map_location=device, weights_only=True))
        dist_utils.broadcast_parameters(self.model, self.dist)
        self.logger = MetricLogger(self.run_dir, enabled=self.dist.is_main,
                                   tensorboard=cfg.log.tensorboard, wandb=cfg.log.wandb,
                                   run_name=self.run_dir.name, config=cfg.to_dict())
        self.state = TrainState()
        self.optimizer_state = None
        self._resume()

    def _resume(self) -> None:
        path = self.run_dir / CHECKPOINT_NAME
        if not path.exists():
            if self.dist.is_main:
                self.run_dir.mkdir(parents=True, exist_ok=True)
            return
        ckpt = load_checkpoint(path, map_location=self.device)
        diff = config_differences(ckpt["config"], self.cfg.to_dict())
        if diff:
            raise ConfigError(f"{path} was written with a different config ({'; '.join(diff)}); "
                              "use another log.run_dir or the original config")
        self.model.load_state_dict(ckpt["model"])
        s = ckpt["state"]
        self.state = TrainState(s["stage_index"], s["epoch"], s["step"], s["global_step"],
                                s["results"], s["relabel"])
        self.optimizer_state = ckpt["optimizer"]
        set_rng_state(ckpt["rng"])
        self.logger.truncate(ckpt["log_lines"])

    # ----------------------------------------------------------------------------- checkpoints
    def _checkpoint(self, optimizer: torch.optim.Optimizer | None) -> None:
        if not self.dist.is_main:
            return
        stage = self.stages[min(self.state.stage_index, len(self.stages) - 1)]
        save_checkpoint(self.run_dir / CHECKPOINT_NAME, {
            "config": self.cfg.to_dict(),
            "stage": stage.name,
            "round": stage.round,
            "state": self.state.as_dict(),
            "model": self.model.state_dict(),
            "optimizer": None if optimizer is None else optimizer.state_dict(),
            "rng": rng_state(),
            "log_lines": self.logger.line_counts(),
            "world_size": self.dist.world_size,
        })

    @contextmanager
    def _stop_on_signals(self):
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def request_stop(signum, frame):
            self.stop_requested = True

        previous = {sig: signal.signal(sig, request_stop)
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    # ----------------------------------------------------------------------------- main loop
    def run(self, stop_after_steps, step_callback) -> TrainResult:
        self._setup()
        self.steps_left = stop_after_steps
        self.step_callback = step_callback
        status = "completed"
        try:
            with self._stop_on_signals():
                while self.state.stage_index < len(self.stages):
                    stage = self.stages[self.state.stage_index]
                    if stage.kind == "evaluate":
                        self._evaluate(stage)
                    elif stage.kind == "relabel":
                        self._relabel(stage)
                    else:
                        self._train_stage(stage)
                    self.state.stage_index += 1
                    self.state.epoch = self.state.step = 0
                    self.optimizer_state = None
                    self._checkpoint(None)
            if self.dist.is_main:
                torch.save(self.model.state_dict(), self.run_dir / "model.pt")
        except Interrupted:
            status = "interrupted"
        finally:
            self.logger.close()
            dist_utils.shutdown(self.dist)
        return TrainResult(status, self.run_dir, self.state, self.model)

    def _after_step(self, optimizer) -> None:
        self.state.global_step += 1
        if self.steps_left is not None:
            self.steps_left -= 1
        stop = self.stop_requested or (self.steps_left is not None and self.steps_left <= 0)
        if self.dist.enabled:  # every rank must stop at the same step
            stop = dist_utils.all_reduce_sum([float(stop)], self.dist, self.device)[0] > 0
        if stop or self.state.global_step % self.cfg.train.checkpoint_every == 0:
            self._checkpoint(optimizer)
        if self.step_callback is not None:  # after the checkpoint: a failure here loses nothing
            self.step_callback(self.state)
        if stop:
            raise Interrupted

    def _optimizer(self, stage: Stage) -> torch.optim.Optimizer:
        t = self.cfg.train
        lr = {"finetune": t.finetune_lr, "retrain": t.retrain_lr}.get(stage.kind) or t.lr
        params = [p for p in self.model.parameters() if p.requires_grad]
        if t.optimizer == "sgd":
            opt = torch.optim.SGD(params, lr=lr, momentum=t.momentum, weight_decay=t.weight_decay)
        elif t.optimizer == "adam":
            opt = torch.optim.Adam(params, lr=lr, weight_decay=t.weight_decay)
        else:
            opt = torch.optim.AdamW(params, lr=lr, weight_decay=t.weight_decay)
        if self.optimizer_state is not None:
            opt.load_state_dict(self.optimizer_state)
            self.optimizer_state = None
        return opt

    def _train_stage(self, stage: Stage) -> None:
        t = self.cfg.train
        if stage.kind == "pretrain":
            dataset, epochs = self.source, t.pretrain_epochs
        elif stage.kind == "finetune":
            dataset, epochs = Subset(self.target, self.target_indices), t.finetune_epochs
        else:
            pseudo = PseudoLabelled(self.target, read_split(self.run_dir / PSEUDO_ROOT,
                                                            f"pseudo_round{stage.round}"))
            dataset, epochs = ConcatDataset([self.source, pseudo]), t.retrain_epochs
        if epochs == 0 or len(dataset) == 0:
            return
        optimizer = self._optimizer(stage)
        params = [p for p in self.model.parameters() if p.requires_grad]
        self.model.train()
        from tqdm.auto import tqdm

        while self.state.epoch < epochs:
            batches = epoch_batches(len(dataset), t.batch_size, seed=t.seed,
                                    stage_index=self.state.stage_index, epoch=self.state.epoch,
                                    rank=self.dist.rank, world_size=self.dist.world_size)
            # its own generator: a DataLoader draws a worker seed from the global RNG when
            # iterated, which would make a resumed epoch draw one number more than the original
            loader = DataLoader(dataset, batch_sampler=batches[self.state.step:],
                                num_workers=t.num_workers, collate_fn=collate_scenes,
                                generator=torch.Generator().manual_seed(self.state.epoch))
            bar = tqdm(total=len(batches), initial=self.state.step,
                       desc=f"{stage.name} epoch {self.state.epoch + 1}/{epochs}",
                       disable=not (self.cfg.log.progress and self.dist.is_main), leave=False)
            sums: dict[str, float] = {}
            for images, targets in loader:
                images = [im.to(self.device) for im in images]
                if stage.kind == "finetune":
                    loss, stats = self._weak_loss(images, targets)
                    if t.source_weight > 0:
                        src_loss = self._source_loss()
                        stats["source_loss"] = float(src_loss)
                        loss = loss + t.source_weight * src_loss
                else:
                    loss, stats = self._supervised_loss(images, targets)
                optimizer.zero_grad(set_to_none=True)
                if loss.requires_grad:
                    loss.backward()
                dist_utils.average_gradients(params, self.dist)
                if t.grad_clip is not None:
                    torch.nn.utils.clip_grad_norm_(params, t.grad_clip)
                if any(p.grad is not None for p in params):
                    optimizer.step()
                for k, v in stats.items():
                    sums[k] = sums.get(k, 0.0) + v
                sums["batches"] = sums.get("batches", 0.0) + 1
                self.state.step += 1
                bar.update(1)
                bar.set_postfix(loss=f"{stats.get('loss', float('nan')):.3f}")
                if self.state.step % self.cfg.log.log_every == 0 or \
                        self.state.step == len(batches):
                    self._log_train(stage, sums)
                    sums = {}
                self._after_step(optimizer)
            bar.close()
            self.state.epoch += 1
            self.state.step = 0

    def _log_train(self, stage: Stage, sums: dict[str, float]) -> None:
        totals = dist_utils.all_reduce_sum(list(sums.values()), self.dist, self.device)
        sums = dict(zip(sums, totals))
        batches = max(sums.pop("batches", 1.0), 1.0)
        counters = {"images", "used", "impossible", "too_many_boxes", "detections"}
        metrics = {k: (v if k in counters else v / batches) for k, v in sums.items()
                   if k != "loss_images"}
        if "loss_images" in sums:  # the weak loss is a mean over the images that contributed
            metrics["loss"] = sums["loss_sum"] / max(sums["loss_images"], 1.0)
            metrics.pop("loss_sum", None)
        self.logger.log(metrics, stage=stage.name, round=stage.round, epoch=self.state.epoch,
                        step=self.state.step, global_step=self.state.global_step + 1,
                        split="train")

    def _supervised_loss(self, images, targets):
        targets = [{"boxes": tg["boxes"].to(self.device), "classes": tg["classes"].to(self.device)}
                   for tg in targets]
        losses = self.model(images, targets)
        loss = sum(losses.values())
        stats = {k: float(v.detach()) for k, v in losses.items()}
        stats["loss"] = float(loss.detach())
        return loss, stats

    def _source_loss(self) -> torch.Tensor:
        """A supervised source batch for the mixed fine-tuning loss, a pure function of the
        global step (so that resuming replays the same batches)."""
        n, bs = len(self.source), self.cfg.train.batch_size
        per_epoch = max(1, math.ceil(n / bs))
        cycle, pos = divmod(self.state.global_step, per_epoch)
        g = torch.Generator().manual_seed(self.cfg.train.seed * 1_000_003 + cycle)
        order = torch.randperm(n, generator=g).tolist()
        idx = order[pos * bs:(pos + 1) * bs] or order[:bs]
        images, targets = collate_scenes([self.source[i] for i in idx])
        loss, _ = self._supervised_loss([im.to(self.device) for im in images], targets)
        return loss

    def _weak_loss(self, images, targets):
        t, d = self.cfg.train, self.cfg.data
        dets = self.model.detect(images, with_grad=True, score_threshold=t.score_threshold,
                                 max_detections=t.max_detections)
        counts = torch.stack([tg["counts"] for tg in targets]).to(self.device)
        sums = torch.stack([tg["sum"] for tg in targets]).to(self.device)
        values = None if self.values is None else self.values.to(self.device)
        return weak_loss(dets, counts, sums, label_kind=d.label, values=values,
                         range_threshold=d.range_threshold, max_boxes=t.max_boxes)

    # ----------------------------------------------------------------------------- relabel
    @torch.no_grad()
    def _relabel(self, stage: Stage) -> None:
        if self.dist.is_main:
            records, stats = relabel_split(
                self.model, self.target, self.target_indices, config=self.cfg,
                device=self.device, values=self.values, data_root=self.data_root,
                pseudo_root=self.run_dir / PSEUDO_ROOT,
                progress=self.cfg.log.progress, desc=stage.name)
            write_pseudo_split(self.run_dir / PSEUDO_ROOT, self.data_root,
                               f"pseudo_round{stage.round}", records)
            self.state.relabel[stage.name] = stats.as_dict()
            self.logger.log({k: float(v) for k, v in stats.as_dict().items()},
                            stage=stage.name, round=stage.round, epoch=0, step=0,
                            global_step=self.state.global_step, split="target_train")
        dist_utils.barrier(self.dist)

    # ----------------------------------------------------------------------------- evaluate
    def _evaluate(self, stage: Stage) -> None:
        # Every rank evaluates the whole split, only rank 0 writes: torchmetrics' mAP gathers
        # its state over the process group when one exists, so a rank-0-only evaluation would
        # wait forever for the others. Exact duplicates leave every metric unchanged.
        e, t = self.cfg.eval, self.cfg.train
        splits: list[tuple[str, Dataset]] = [(s, SceneDataset(self.data_root, s))
                                             for s in e.splits]
        if self.heldout_indices:
            splits.append(("target_heldout", Subset(self.target, self.heldout_indices)))
        results = {}
        for name, dataset in splits:
            metrics = evaluate_split(
                self.model, dataset, num_classes=self.num_classes, values=self.values,
                device=self.device, batch_size=e.batch_size,
                count_threshold=e.count_threshold, score_threshold=t.score_threshold,
                max_detections=t.max_detections,
                range_threshold=(self.cfg.data.range_threshold
                                 if self.cfg.data.label == "range" else None),
                max_images=e.max_images, progress=self.cfg.log.progress,
                desc=f"{stage.name} {name}")
            results[name] = metrics
            self.logger.log(metrics, stage=f"eval_{stage.name}", round=stage.round,
                            epoch=0, step=0, global_step=self.state.global_step, split=name)
        self.state.results[stage.name] = results
        if self.dist.is_main:
            _write_json(self.run_dir / "results.json",
                        {"results": self.state.results, "relabel": self.state.relabel})
        dist_utils.barrier(self.dist)


def weak_loss(detections, counts: torch.Tensor, sums: torch.Tensor, *, label_kind: str,
              values: torch.Tensor | None, range_threshold: int, max_boxes: int | None = None
              ) -> tuple[torch.Tensor, dict[str, float]]:
    """Mean over images of -log P(label | detections), and counters for the logs.

    Images with more than ``max_boxes`` detections are dropped (``too_many_boxes``); images
    whose label has probability 0 under their detections give no gradient and are skipped
    (``impossible``); the mean runs over the remaining ``used`` images (0 when none is left).
    """
    device = counts.device
    n_det = torch.tensor([len(x) for x in detections])
    use = torch.ones(len(detections), dtype=torch.bool)
    if max_boxes is not None:
        use &= n_det <= max_boxes
    idx = use.nonzero().flatten().tolist()
    loss = torch.zeros((), device=device)
    used, loss_sum = 0, 0.0
    if idx:
        label = weak_label(label_kind, counts[idx], sums[idx], values, range_threshold,
                           n_det[idx].to(device))
        log_p = label.log_probability([detections[i].class_probs for i in idx])
        finite = torch.isfinite(log_p)
        used = int(finite.sum())
        if used:
            total = -log_p[finite].sum()
            loss = total / used
            loss_sum = float(total.detach())
    stats = {"images": float(len(detections)), "too_many_boxes": float((~use).sum()),
             "detections": float(n_det.sum()), "used": float(used),
             "impossible": float(len(idx) - used), "loss_sum": loss_sum,
             "loss_images": float(used), "loss": float(loss.detach())}
    return loss, stats


class PseudoLabelled(Dataset):
    """Images of a split with boxes replaced by pseudo boxes (records from a pseudo split,
    each naming its image's index in the original split in ``extra["index"]``)."""

    def __init__(self, base: SceneDataset, records):
        self.base = base
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, i: int):
        record = self.records[i]
        image, target = self.base[int(record.extra["index"])]
        target = dict(target)
        target["boxes"] = torch.tensor(record.boxes, dtype=torch.float32).reshape(-1, 4)
        target["classes"] = torch.tensor(record.classes, dtype=torch.long)
        target["counts"] = torch.tensor(record.counts, dtype=torch.long)
        return image, target


def relabel_split(model, dataset: SceneDataset, indices: list[int], *, config: Config,
                  device: torch.device, values, data_root: Path, pseudo_root: Path,
                  progress: bool = False, desc: str = "relabel"):
    """Pseudo-label ``dataset[indices]`` with ``model``; returns (records, RelabelStats)."""
    from tqdm.auto import tqdm

    t, d = config.train, config.data
    stats = RelabelStats()
    records = []
    model.eval()
    try:
        loader = DataLoader(Subset(dataset, indices), batch_size=config.eval.batch_size,
                            shuffle=False, collate_fn=collate_scenes,
                            generator=torch.Generator())
        for images, targets in tqdm(loader, desc=desc, disable=not progress, leave=False):
            dets = model.detect([im.to(device) for im in images],
                                score_threshold=t.score_threshold,
                                max_detections=t.max_detections)
            dets = [x.detach().to("cpu") for x in dets]
            keep = [i for i, x in enumerate(dets) if t.max_boxes is None or len(x) <= t.max_boxes]
            stats.images += len(dets)
            stats.too_many_boxes += len(dets) - len(keep)
            if not keep:
                continue
            counts = torch.stack([targets[i]["counts"] for i in keep])
            sums = torch.stack([targets[i]["sum"] for i in keep])
            classes = assign_classes(t.relabel, [dets[i].class_probs for i in keep], counts,
                                     sums, values, label_kind=d.label,
                                     range_threshold=d.range_threshold,
                                     relabel_threshold=t.relabel_threshold)
            for i, assignment in zip(keep, classes):
                if assignment is None:
                    stats.inconsistent += 1
                    continue
                index = int(targets[i]["index"])
                record = dataset.records[index]
                file = _relative_file(data_root / record.file, pseudo_root)
                records.append(pseudo_record(record, dets[i].boxes, assignment, file=file,
                                             source_split="target_train", index=index))
                stats.kept += 1
                stats.pseudo_boxes += int((assignment >= 0).sum())
    finally:
        model.train()
    return records, stats


def write_pseudo_split(pseudo_root: Path, data_root: Path, split: str, records) -> Path:
    """Write a pseudo split under ``pseudo_root`` (its own scene root, with the data set's
    meta.json), image paths relative to it so the split is a readable scene data set."""
    import json

    pseudo_root.mkdir(parents=True, exist_ok=True)
    if not (pseudo_root / "meta.json").exists():
        meta = json.loads((data_root / "meta.json").read_text())
        meta["splits"] = {}
        meta.setdefault("options", {})["pseudo_labels_of"] = str(data_root.resolve())
        _write_json(pseudo_root / "meta.json", meta)
    return write_split(pseudo_root, split, records)


def _check_existing_data(root: Path, cfg: Config) -> None:
    """A data set found at ``data.root`` must be the one the config describes: reusing one of
    another kind or size would silently train on other data."""
    meta = read_meta(root)
    if meta["name"] != cfg.data.kind:
        raise ConfigError(f"data.root = {str(root)!r} holds a {meta['name']!r} data set, but "
                          f"data.kind = {cfg.data.kind!r}")
    wrong = {split: (meta["splits"].get(split), size) for split, size in cfg.data.sizes.items()
             if meta["splits"].get(split) != size}
    if wrong:
        found = ", ".join(f"{s}: {have} (config: {want})" for s, (have, want) in wrong.items())
        raise ConfigError(f"data.root = {str(root)!r} holds splits of other sizes ({found}); "
                          "delete it to regenerate, or point data.root elsewhere")


def fold_indices(n: int, folds: int, fold: int, seed: int) -> tuple[list[int], list[int]]:
    """(training, held-out) indices of fold ``fold`` of a seeded k-fold split of ``n`` items."""
    if folds <= 1:
        return list(range(n)), []
    order = np.random.default_rng(seed).permutation(n)
    held = np.sort(np.array_split(order, folds)[fold])
    held_set = set(held.tolist())
    return [i for i in range(n) if i not in held_set], held.tolist()


def epoch_batches(n: int, batch_size: int, *, seed: int, stage_index: int, epoch: int,
                  rank: int = 0, world_size: int = 1) -> list[list[int]]:
    """This rank's batches of one epoch: a seeded ``DistributedSampler`` shuffle (the same on
    every rank, padded so that every rank has the same number of batches), chunked."""
    sampler = DistributedSampler(range(n), num_replicas=world_size, rank=rank, shuffle=True,
                                 seed=seed * 7919 + stage_index, drop_last=False)
    sampler.set_epoch(epoch)
    order = list(sampler)
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def config_differences(old: dict, new: dict, prefix: str = "") -> list[str]:
    """Keys (outside the [log] table) whose values differ between two config dicts."""
    diffs = []
    for key in sorted(set(old) | set(new)):
        if not prefix and key == "log":
            continue
        a, b = old.get(key), new.get(key)
        name = f"{prefix}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            diffs += config_differences(a, b, prefix=f"{name}.")
        elif a != b:
            diffs.append(f"{name}: {a!r} -> {b!r}")
    return diffs


def _relative_file(path: Path, root: Path) -> str:
    import os

    return os.path.relpath(Path(path).resolve(), Path(root).resolve())


def _write_json(path: Path, obj) -> None:
    import json
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w") as handle:
        json.dump(obj, handle, indent=2)
        handle.write("\n")
    os.replace(tmp, path)

"""The ProbKT training loop: config validation, end to end, checkpoints, resume, relabeling,
ablations, the command line and torchrun data parallelism, on a tiny digit data set."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from problogic_vision.adapters import Detections
from problogic_vision.data import SceneDataset, read_split
from problogic_vision.train import (Config, ConfigError, assign_classes, fold_indices,
                                    load_checkpoint, load_config, plan_stages, train)
from problogic_vision.train.config import apply_override
from problogic_vision.train.loop import relabel_split, weak_loss

CONFIGS = Path(__file__).resolve().parents[2] / "problogic_vision" / "configs"


def tiny_config(root, run_dir, **train_overrides) -> Config:
    train_table = {"batch_size": 4, "pretrain_epochs": 1, "finetune_epochs": 1,
                   "retrain_epochs": 1, "rounds": 1, "max_detections": 6,
                   "score_threshold": 0.2, "checkpoint_every": 100, **train_overrides}
    return Config.from_dict({
        "data": {"root": str(root), "generate": False, "label": "count"},
        "model": {"name": "tiny_fasterrcnn"},
        "train": train_table,
        "eval": {"max_images": 4},
        "log": {"run_dir": str(run_dir), "progress": False, "log_every": 1},
    })


# ----------------------------------------------------------------------------- config
@pytest.mark.parametrize("raw, message", [
    ({"trian": {}}, "unknown config table [trian]"),
    ({"train": {"lr_typo": 1}}, "unknown key train.lr_typo"),
    ({"train": {"batch_size": "8"}}, "train.batch_size = '8' must be an integer"),
    ({"train": {"batch_size": 0}}, "train.batch_size = 0 must be >= 1"),
    ({"train": {"relabel": "argmax"}}, "train.relabel = 'argmax' must be one of"),
    ({"train": {"lr": float("nan")}}, "train.lr = nan"),
    ({"train": {"retrain_lr": 0.0}}, "train.retrain_lr = 0.0 must be positive"),
    ({"train": {"max_boxes": 0}}, "train.max_boxes = 0 must be >= 1"),
    ({"data": {"label": "counts"}}, "data.label = 'counts'"),
    ({"data": {"folds": 3, "fold": 3}}, "data.fold = 3 must lie in [0, data.folds = 3)"),
    ({"data": {"sizes": {"source_train": -1}}}, "data.sizes.source_train = -1"),
    ({"eval": {"count_threshold": 2.0}}, "eval.count_threshold = 2.0"),
    ({"log": {"progress": "yes"}}, "log.progress = 'yes' must be true or false"),
    ({"model": []}, "[model] must be a table"),
])
def test_config_errors_name_the_key_and_value(raw, message):
    with pytest.raises(ConfigError) as error:
        Config.from_dict(raw)
    assert message in str(error.value)


@pytest.mark.parametrize("train_table, expected", [
    ({"lr": 0.01}, [0.01, 0.01, 0.01]),
    ({"lr": 0.01, "finetune_lr": 0.002}, [0.01, 0.002, 0.01]),
    ({"lr": 0.01, "finetune_lr": 0.002, "retrain_lr": 0.003}, [0.01, 0.002, 0.003]),
])
def test_each_training_stage_takes_its_learning_rate(train_table, expected):
    from problogic_vision.train.loop import Stage, _Run

    run = _Run(Config.from_dict({"train": {"optimizer": "adam", **train_table}}), None)
    run.model, run.optimizer_state = nn.Linear(2, 2), None
    assert [run._optimizer(Stage(kind, kind)).param_groups[0]["lr"]
            for kind in ("pretrain", "finetune", "retrain")] == expected


def test_config_file_overrides_and_bad_toml(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[train]\nrounds = 1\n[log]\nrun_dir = "r"\n')
    config = load_config(path, ["train.max_boxes=4", "train.relabel=independent_argmax",
                                "data.label='sum'"])
    assert (config.train.rounds, config.train.max_boxes) == (1, 4)
    assert config.train.relabel == "independent_argmax" and config.data.label == "sum"
    assert load_config(path, ["train.max_boxes=none"]).train.max_boxes is None
    with pytest.raises(ConfigError, match="must look like table.key=value"):
        apply_override({}, "rounds=1")
    path.write_text("[train\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")


def test_demo_configs_are_valid():
    for name in ("digits_demo.toml", "digits_quick.toml", "molecules_demo.toml"):
        config = load_config(CONFIGS / name)
        assert [s.name for s in plan_stages(config)][:4] == [
            "pretrain", "source_only", "finetune", "finetuned"]


def test_quick_digits_config_runs_the_whole_loop_in_its_own_directories():
    from problogic_vision.adapters import build_detector

    config = load_config(CONFIGS / "digits_quick.toml")
    demo = load_config(CONFIGS / "digits_demo.toml")
    assert config.data.kind == "digits" and config.data.label == "count"
    assert config.log.run_dir != demo.log.run_dir and config.data.root != demo.data.root
    assert config.train.pretrain_epochs > 0 and config.train.finetune_epochs > 0
    assert [s.name for s in plan_stages(config)][-3:] == [
        f"relabel_{config.train.rounds}", f"retrain_{config.train.rounds}",
        f"round{config.train.rounds}"]
    # the detector options are accepted (building it is cheap; nothing is trained here)
    detector = build_detector(config.model.name, 10, **config.model.options)
    sampler = detector.model.roi_heads.fg_bg_sampler
    assert sampler.batch_size_per_image == config.model.options["box_batch_size_per_image"]


def test_folds_partition_the_split():
    held = [fold_indices(10, 3, f, seed=1)[1] for f in range(3)]
    assert sorted(sum(held, [])) == list(range(10))
    train_idx, held0 = fold_indices(10, 3, 0, seed=1)
    assert not set(train_idx) & set(held0) and len(train_idx) + len(held0) == 10
    assert fold_indices(5, 1, 0, seed=0) == ([0, 1, 2, 3, 4], [])


# ----------------------------------------------------------------------------- weak loss
def _dets(probs: list[list[float]]) -> Detections:
    p = torch.tensor(probs, dtype=torch.float32).reshape(-1, 2)
    boxes = torch.tensor([[i * 10.0, 0.0, i * 10.0 + 8, 8.0] for i in range(p.shape[0])])
    return Detections.from_probs(boxes.reshape(-1, 4), p, torch.zeros(p.shape[0], 1))


def test_weak_loss_skips_impossible_images_and_caps_boxes():
    dets = [_dets([[0.7, 0.2], [0.1, 0.8]]),                     # label (1, 1): possible
            _dets([[0.9, 0.1]]),                                 # label (2, 0): impossible
            _dets([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])]         # 3 boxes
    counts = torch.tensor([[1, 1], [2, 0], [1, 1]])
    sums = torch.full((3,), -1)
    loss, stats = weak_loss(dets, counts, sums, label_kind="count", values=None,
                            range_threshold=2)
    # image 2 has one box for two objects; image 3's boxes are certain objects (rows sum to 1),
    # three of them, for a label of two
    assert stats["impossible"] == 2 and stats["used"] == 1
    assert loss.item() == pytest.approx(-torch.log(torch.tensor(0.7 * 0.8 + 0.2 * 0.1)).item(),
                                        rel=1e-5)
    _, capped = weak_loss(dets, counts, sums, label_kind="count", values=None,
                          range_threshold=2, max_boxes=2)
    assert capped["too_many_boxes"] == 1 and capped["used"] + capped["impossible"] == 2


# ----------------------------------------------------------------------------- relabel
class FixedDetector(nn.Module):
    """Returns the same detections for every image."""

    def __init__(self, probs: torch.Tensor):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))
        self.probs = probs

    def detect(self, images, **_):
        n = self.probs.shape[0]
        boxes = torch.tensor([[4.0 * i, 4.0, 4.0 * i + 10, 14.0] for i in range(n)])
        return [Detections.from_probs(boxes, self.probs, torch.zeros(n, 1)) for _ in images]


def _relabel(root, tmp_path, detector, **train_overrides):
    config = tiny_config(root, tmp_path / "run", **train_overrides)
    dataset = SceneDataset(root, "target_train")
    return dataset, *relabel_split(detector, dataset, list(range(len(dataset))), config=config,
                                   device=torch.device("cpu"), values=dataset.values,
                                   data_root=Path(root), pseudo_root=tmp_path / "pseudo")


def test_most_probable_world_pseudo_boxes_match_the_count_label(digits_root, tmp_path):
    torch.manual_seed(0)
    probs = torch.softmax(torch.randn(5, 10), dim=1) * 0.9   # every class possible, 5 boxes
    dataset, records, stats = _relabel(digits_root, tmp_path, FixedDetector(probs))
    possible = [r for r in dataset.records if sum(r.counts) <= 5]
    assert stats.kept == len(possible) == len(records) and stats.inconsistent == 0
    for record in records:
        assert record.counts == record.extra["label_counts"]
        assert len(record.boxes) == len(record.classes) == sum(record.counts)
        original = dataset.records[record.extra["index"]]
        assert record.counts == original.counts
        assert (Path(tmp_path / "pseudo") / record.file).resolve() == \
            (Path(digits_root) / original.file).resolve()
    assert stats.pseudo_boxes == sum(sum(r.counts) for r in records)


def test_max_boxes_ablation_drops_crowded_images(digits_root, tmp_path):
    probs = torch.full((5, 10), 0.09)
    _, records, stats = _relabel(digits_root, tmp_path, FixedDetector(probs), max_boxes=4)
    assert records == [] and stats.too_many_boxes == stats.images == 8


def test_independent_argmax_keeps_only_images_whose_argmax_counts_match(digits_root, tmp_path):
    dataset = SceneDataset(digits_root, "target_train")
    first = dataset.records[0]
    # one confident detection per object of the first image, plus one low-score box
    rows = []
    for c in first.classes:
        row = torch.full((10,), 0.01)
        row[c] = 0.9
        rows.append(row)
    rows.append(torch.full((10,), 0.02))
    probs = torch.stack(rows)
    _, records, stats = _relabel(digits_root, tmp_path, FixedDetector(probs),
                                 relabel="independent_argmax")
    same = [r for r in dataset.records if r.counts == first.counts]
    assert len(records) == len(same) == stats.kept and stats.inconsistent == 8 - len(same)
    assert records[0].extra["index"] == 0 and records[0].counts == first.counts
    assert len(records[0].boxes) == len(first.classes)   # the low-score box is no object


def test_assign_classes_range_and_sum_labels():
    probs = [torch.tensor([[0.6, 0.3], [0.2, 0.7], [0.45, 0.45]])]
    values = torch.tensor([1, 2])
    sums = torch.tensor([4])
    mpw = assign_classes("most_probable_world", probs, torch.tensor([[1, 1]]), sums, values,
                         label_kind="sum", range_threshold=2)[0]
    assert mpw is not None
    assert int(sum(values[c] for c in mpw.tolist() if c >= 0)) == 4
    rng = assign_classes("most_probable_world", probs, torch.tensor([[2, 0]]), None, None,
                         label_kind="range", range_threshold=2)[0]
    assert int((rng == 0).sum()) >= 2 and int((rng == 1).sum()) == 0


# ----------------------------------------------------------------------------- end to end
def test_end_to_end_checkpoint_and_resume(digits_root, tmp_path):
    full = train(tiny_config(digits_root, tmp_path / "full"))
    assert full.status == "completed"
    assert set(full.state.results) == {"source_only", "finetuned", "round1"}
    for split in ("target_test", "ood_test"):
        metrics = full.state.results["round1"][split]
        assert 0 <= metrics["count_accuracy"] <= 1 and "map_50" in metrics
    steps = full.state.global_step
    assert steps == 3 + 2 + 5   # 12 source / 4, 8 target / 4, (12 + pseudo) / 4

    ckpt_path = tmp_path / "full" / "checkpoint.pt"
    raw = torch.load(ckpt_path, weights_only=True)
    assert raw["state"]["stage_index"] == len(plan_stages(tiny_config(digits_root, "x")))
    assert load_checkpoint(ckpt_path)["state"]["global_step"] == steps
    events = [json.loads(line) for line in (tmp_path / "full" / "metrics.jsonl").open()]
    assert {e["stage"] for e in events} >= {"pretrain", "finetune", "relabel_1", "retrain_1",
                                            "eval_source_only", "eval_round1"}
    assert (tmp_path / "full" / "metrics.csv").read_text().startswith("stage,round,epoch")
    pseudo = read_split(tmp_path / "full" / "pseudo", "pseudo_round1")
    assert all(r.counts == r.extra["label_counts"] for r in pseudo)

    # killed after step 4 (mid fine-tuning) with checkpoints every 2 steps: resume replays
    # nothing before step 4 and ends with the uninterrupted run's weights
    seen = []

    def crash_after_four(state):
        seen.append(state.global_step)
        if state.global_step == 4:
            raise RuntimeError("simulated kill")

    config = tiny_config(digits_root, tmp_path / "killed", checkpoint_every=2)
    with pytest.raises(RuntimeError, match="simulated kill"):
        train(config, step_callback=crash_after_four)
    assert load_checkpoint(tmp_path / "killed" / "checkpoint.pt")["state"]["global_step"] == 4
    record = lambda state: seen.append(state.global_step)  # noqa: E731
    partial = train(config, stop_after_steps=3, step_callback=record)
    assert partial.status == "interrupted" and partial.state.global_step == 7
    resumed = train(config, step_callback=record)
    assert resumed.status == "completed"
    assert seen == list(range(1, steps + 1))   # no step lost, none done twice
    for key, value in full.detector.state_dict().items():
        assert torch.equal(value, resumed.detector.state_dict()[key]), key
    assert resumed.state.results == full.state.results
    lines = (tmp_path / "killed" / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == len((tmp_path / "full" / "metrics.jsonl").read_text().splitlines())

    with pytest.raises(ConfigError, match="different config"):
        train(tiny_config(digits_root, tmp_path / "killed", lr=0.5))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_the_probkt_loop_runs_on_cuda(digits_root, tmp_path):
    """Pretraining, fine-tuning on counts, relabeling and retraining on a GPU (the test above
    compares weights bit for bit, which CUDA's atomic adds do not promise)."""
    result = train(tiny_config(digits_root, tmp_path / "cuda", device="cuda"))
    assert result.status == "completed"
    assert next(result.detector.parameters()).is_cuda
    for split in ("target_test", "ood_test"):
        assert 0 <= result.state.results["round1"][split]["count_accuracy"] <= 1


def test_existing_data_of_another_size_or_kind_is_refused(digits_root, tmp_path):
    config = tiny_config(digits_root, tmp_path / "run")
    config.data.sizes = {"source_train": 999}
    with pytest.raises(ConfigError, match="source_train: 12 \\(config: 999\\)"):
        train(config)
    config = tiny_config(digits_root, tmp_path / "run")
    config.data.kind = "shapes"
    with pytest.raises(ConfigError, match="holds a 'digits' data set"):
        train(config)


def test_model_init_starts_from_saved_weights(digits_root, tmp_path):
    first = train(tiny_config(digits_root, tmp_path / "first", rounds=0, finetune_epochs=0))
    config = tiny_config(digits_root, tmp_path / "second", pretrain_epochs=0, rounds=0,
                         finetune_epochs=0)
    config.model.init = str(tmp_path / "first" / "model.pt")
    second = train(config)
    assert second.state.global_step == 0
    for key, value in first.detector.state_dict().items():
        assert torch.equal(value, second.detector.state_dict()[key]), key
    assert second.state.results["source_only"] == first.state.results["source_only"]
    config.model.init = str(tmp_path / "missing.pt")
    config.log.run_dir = str(tmp_path / "third")
    with pytest.raises(ConfigError, match="model.init = .*missing.pt.* does not exist"):
        train(config)


# ----------------------------------------------------------------------------- command line
def _write_tiny_toml(path: Path, root, run_dir) -> Path:
    path.write_text(f"""
[data]
root = {json.dumps(str(root))}
generate = false
[train]
batch_size = 4
pretrain_epochs = 1
finetune_epochs = 0
retrain_epochs = 0
rounds = 0
max_detections = 6
[eval]
max_images = 2
[log]
run_dir = {json.dumps(str(run_dir))}
progress = false
""")
    return path


def test_cli_train_interrupt_resume_and_errors(digits_root, tmp_path, capsys):
    from problogic_vision.cli import main

    config = _write_tiny_toml(tmp_path / "c.toml", digits_root, tmp_path / "run")
    assert main(["train", str(config), "--max-steps", "1"]) == 130
    assert main(["train", str(config)]) == 0
    assert load_checkpoint(tmp_path / "run" / "checkpoint.pt")["state"]["global_step"] == 3
    assert main(["evaluate", str(config)]) == 0
    out = capsys.readouterr().out
    assert '"target_test"' in out
    sizes = "source_train=1,source_test=0,target_train=1,target_test=0,ood_test=0"
    assert main(["generate", "digits", str(tmp_path / "gen"), "--sizes", sizes]) == 0
    assert len(read_split(tmp_path / "gen", "target_train")) == 1
    assert main(["train", str(tmp_path / "nope.toml")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["train", str(config), "--set", "train.optimizer=lbfgs"]) == 1
    assert "train.optimizer = 'lbfgs'" in capsys.readouterr().err


def test_torchrun_two_gloo_processes(digits_root, tmp_path):
    config = _write_tiny_toml(tmp_path / "c.toml", digits_root, tmp_path / "run")
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(Path(__file__).parents[2]))
    # A session of its own, so that a time-out kills the workers too, not just the launcher.
    proc = subprocess.Popen(
        [sys.executable, "-m", "torch.distributed.run", "--standalone",
         "--nproc_per_node=2", "-m", "problogic_vision.cli", "train", str(config)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    assert proc.returncode == 0, stderr[-3000:]
    ckpt = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert ckpt["world_size"] == 2
    # 12 source images over 2 ranks of batch 4: 2 steps per epoch, each rank its own shard
    assert ckpt["state"]["global_step"] == 2
    assert json.loads((tmp_path / "run" / "results.json").read_text())["results"]["source_only"]

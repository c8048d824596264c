"""The ProbKT loop: pretrain on boxes, fine-tune on weak labels, relabel, retrain.

>>> from problogic_vision.train import load_config, train       # doctest: +SKIP
>>> result = train(load_config("problogic_vision/configs/digits_demo.toml"))  # doctest: +SKIP
>>> result.state.results["round1"]["target_test"]["count_accuracy"]          # doctest: +SKIP

Or from the shell: ``problogic-vision train CONFIG [--set table.key=value ...]``; re-running the
same command after a kill resumes from ``<run_dir>/checkpoint.pt``. Under ``torchrun`` the run
is data parallel (gloo on CPU, nccl on CUDA). See ``loop`` for the stages and the treatment of
images whose label is impossible under the detections, ``config`` for the config file.
"""

from .checkpoint import load_checkpoint, save_checkpoint
from .config import Config, ConfigError, load_config
from .labels import count_ranges, label_satisfied, weak_label
from .loop import Stage, TrainResult, TrainState, fold_indices, plan_stages, train
from .relabel import RelabelStats, assign_classes

__all__ = ["Config", "ConfigError", "RelabelStats", "Stage", "TrainResult", "TrainState",
           "assign_classes", "count_ranges", "fold_indices", "label_satisfied", "load_checkpoint",
           "load_config", "plan_stages", "save_checkpoint", "train", "weak_label"]

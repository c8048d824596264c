"""The ``problogic-vision`` command.

* ``problogic-vision train CONFIG [--set table.key=value ...] [--run-dir DIR]`` runs the ProbKT
  loop of a TOML config (see ``problogic_vision.train.config``); re-running the same command
  resumes from the run directory's checkpoint. Under ``torchrun`` it trains data parallel.
* ``problogic-vision generate KIND ROOT [--seed S] [--sizes split=N,...] [--option K=JSON]``
  writes a scene data set (``problogic_vision.data``).
* ``problogic-vision evaluate CONFIG|CHECKPOINT [--set ...]`` evaluates the run's latest
  checkpoint (or the given one) on the configured splits and prints the metrics as JSON.

Errors go to stderr as ``problogic-vision: error: message`` with exit status 1 (2 for usage
errors); ``--debug`` shows the traceback. A stop by SIGTERM/SIGINT writes a checkpoint and exits
with status 130.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

PROG = "problogic-vision"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="ProbKT: detectors trained from "
                                     "weak image-level labels with probabilistic logic.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = sub.add_parser("train", help="run (or resume) the ProbKT loop of a config file")
    train.add_argument("config", metavar="CONFIG", help="TOML config file")
    _add_overrides(train)
    train.add_argument("--max-steps", type=int, default=None,
                       help="stop (with a checkpoint) after this many optimisation steps")

    gen = sub.add_parser("generate", help="write a generated scene data set",
                         add_help=False)
    gen.add_argument("rest", nargs=argparse.REMAINDER)

    ev = sub.add_parser("evaluate", help="evaluate a run's checkpoint on the eval splits")
    ev.add_argument("target", metavar="CONFIG|CHECKPOINT",
                    help="a config file (its run's latest checkpoint) or a checkpoint.pt")
    _add_overrides(ev)
    for p in (train, ev):
        p.add_argument("--debug", action="store_true", help="show Python tracebacks")
    return parser


def _add_overrides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="TABLE.KEY=VALUE",
                        help="override a config value (TOML syntax), e.g. train.max_boxes=4")
    parser.add_argument("--run-dir", default=None, help="override log.run_dir")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "generate":
        from problogic_vision.data.__main__ import main as generate_main
        return generate_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args)
        return _evaluate(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the command line reports, --debug re-raises
        if args.debug:
            traceback.print_exc()
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1


def _load(args):
    from problogic_vision.train.config import load_config

    overrides = list(args.overrides)
    if args.run_dir is not None:
        overrides.append(f"log.run_dir={json.dumps(args.run_dir)}")
    return load_config(args.config if hasattr(args, "config") else args.target, overrides)


def _train(args) -> int:
    from problogic_vision.train import train

    config = _load(args)
    result = train(config, stop_after_steps=args.max_steps)
    if result.state.results and (result.run_dir / "results.json").exists():
        print(f"results: {result.run_dir / 'results.json'}", file=sys.stderr)
    if result.status == "interrupted":
        print(f"{PROG}: stopped at step {result.state.global_step}; re-run the same command "
              "to resume", file=sys.stderr)
        return 130
    print(json.dumps(result.state.results, indent=2))
    return 0


def _evaluate(args) -> int:
    import torch

    from problogic_vision.adapters import build_detector
    from problogic_vision.data import SceneDataset, read_meta
    from problogic_vision.train.checkpoint import load_checkpoint
    from problogic_vision.train.config import Config, apply_override
    from problogic_vision.train.evaluate import evaluate_split
    from problogic_vision.train.loop import CHECKPOINT_NAME

    target = Path(args.target)
    if target.suffix == ".toml":
        config = _load(args)
        path = Path(config.log.run_dir) / CHECKPOINT_NAME
    else:
        path = target
        config = None
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}; train first")
    ckpt = load_checkpoint(path)
    if config is None:
        raw = ckpt["config"]
        for item in args.overrides:
            apply_override(raw, item)
        config = Config.from_dict(raw)
    device = torch.device("cuda" if config.train.device != "cpu" and torch.cuda.is_available()
                          else "cpu")
    meta = read_meta(config.data.root)
    num_classes = len(meta["classes"])
    values = None if meta.get("values") is None else torch.tensor(meta["values"],
                                                                   dtype=torch.float32)
    model = build_detector(config.model.name, num_classes, **config.model.options)
    model.load_state_dict(ckpt["model"])
    model.to(device)
    results = {}
    for split in config.eval.splits:
        results[split] = evaluate_split(
            model, SceneDataset(config.data.root, split), num_classes=num_classes,
            values=values, device=device, batch_size=config.eval.batch_size,
            count_threshold=config.eval.count_threshold,
            score_threshold=config.train.score_threshold,
            max_detections=config.train.max_detections,
            range_threshold=(config.data.range_threshold if config.data.label == "range"
                             else None),
            max_images=config.eval.max_images)
    print(json.dumps({"checkpoint": str(path), "stage": ckpt.get("stage"),
                      "global_step": ckpt["state"]["global_step"], "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

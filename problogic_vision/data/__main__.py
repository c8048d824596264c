"""``python -m problogic_vision.data KIND ROOT [--seed S] [--sizes split=N,...]
[--option KEY=JSON ...]``: write a scene data set (see problogic_vision.data)."""

from __future__ import annotations

import argparse
import json
import sys
import time

from .generate import DATASET_KINDS, generate


def _pairs(text: str, what: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{what} {text!r}: expected KEY=VALUE")
    return key.strip(), value.strip()


def parse_sizes(text: str) -> dict[str, int]:
    """``"source_train=50,ood_test=10"`` -> ``{"source_train": 50, "ood_test": 10}``."""
    sizes = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        split, value = _pairs(item, "size")
        try:
            sizes[split] = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"size {item!r}: {value!r} is not an integer") from None
    return sizes


def parse_option(text: str) -> tuple[str, object]:
    """``"objects=[3, 5]"`` -> ``("objects", [3, 5])``; a value that is not JSON stays a string."""
    key, value = _pairs(text, "option")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m problogic_vision.data",
                                     description="Write a generated scene data set.")
    parser.add_argument("kind", choices=DATASET_KINDS)
    parser.add_argument("root", help="output directory (new, empty, or an earlier data set)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sizes", type=parse_sizes, default=None, metavar="SPLIT=N,...")
    parser.add_argument("--option", type=parse_option, action="append", default=[],
                        metavar="KEY=JSON", help="override a generator option, e.g. objects=[3,5]")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        root = generate(args.kind, args.root, seed=args.seed, sizes=args.sizes,
                        **dict(args.option))
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    meta = json.loads((root / "meta.json").read_text())
    splits = ", ".join(f"{k}={v}" for k, v in meta["splits"].items())
    print(f"{root}: {args.kind}, seed {args.seed}, {splits} "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``generate``: render a data set kind into the on-disk scene format."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from . import digits, molecules, shapes
from .records import FORMAT, SPLITS, SceneRecord, read_meta, write_meta, write_split
from .scenes import Kind, resolve_options

KINDS: dict[str, Kind] = {k.name: k for k in (digits.KIND, shapes.KIND, molecules.KIND)}
DATASET_KINDS = tuple(KINDS)


def get_kind(kind: str) -> Kind:
    """The data set kind called ``kind``; a clear error for an unknown name."""
    try:
        return KINDS[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown data set kind {kind!r}; expected one of "
                         f"{', '.join(DATASET_KINDS)}") from None


def resolve_sizes(kind: Kind, sizes: Mapping[str, int] | None) -> dict[str, int]:
    """The kind's default split sizes updated with ``sizes`` (0 writes an empty split)."""
    resolved = dict(kind.default_sizes)
    for split, count in (sizes or {}).items():
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r} in sizes; "
                             f"expected one of {', '.join(SPLITS)}")
        if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 0:
            raise ValueError(f"size of split {split!r} must be a non-negative integer, "
                             f"got {count!r}")
        resolved[split] = int(count)
    return resolved


def generate(kind: str, root: str | os.PathLike, *, seed: int = 0,
             sizes: Mapping[str, int] | None = None, **options: Any) -> Path:
    """Render data set ``kind`` (one of DATASET_KINDS) under ``root`` and return ``root``.

    ``sizes`` maps split names to image counts (defaults: the kind's demo sizes); ``options``
    override the kind's options (see ``DEFAULT_OPTIONS`` in its module; an unknown option is an
    error). The same kind, seed, options and size give byte-identical files; each image depends
    only on (seed, split, index, options), so growing a split keeps its first images.

    ``root`` may be new, empty, or an earlier data set (its five splits are replaced and other
    directories, e.g. pseudo-labelled splits, are left alone); a non-empty directory without
    ``meta.json`` is refused rather than written into.

    >>> import tempfile
    >>> from problogic_vision.data import read_split
    >>> root = generate("digits", tempfile.mkdtemp(), seed=1, sizes={"source_train": 2})
    >>> len(read_split(root, "source_train"))
    2
    """
    spec = get_kind(kind)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    counts = resolve_sizes(spec, sizes)
    resolved = resolve_options(spec, options)
    renderer = spec.build(seed, resolved)  # checks the options before anything is written

    root = Path(root)
    if root.exists() and not root.is_dir():
        raise NotADirectoryError(f"{root} exists and is not a directory")
    if root.is_dir() and any(root.iterdir()) and not (root / "meta.json").exists():
        raise FileExistsError(f"{root} is a non-empty directory without meta.json; "
                              f"refusing to write a data set into it")
    if (root / "meta.json").exists():
        read_meta(root)  # only a scene data set of this format gets its splits replaced
    root.mkdir(parents=True, exist_ok=True)
    write_meta(root, {
        "format": FORMAT, "name": spec.name, "classes": renderer.classes,
        "values": renderer.values, "seed": seed, "splits": counts,
        "options": _jsonable(resolved),
    })
    for split in SPLITS:
        split_dir = root / split
        if split_dir.exists():
            shutil.rmtree(split_dir)
        (split_dir / "images").mkdir(parents=True)
        records = []
        for index in range(counts[split]):
            scene = renderer.render(split, index)
            file = f"{split}/images/{index:06d}.png"
            scene.image.save(root / file, format="PNG")
            histogram = np.bincount(scene.classes, minlength=len(renderer.classes))
            total = None if renderer.values is None else int(
                sum(renderer.values[c] for c in scene.classes))
            records.append(SceneRecord(file, scene.image.width, scene.image.height,
                                       scene.boxes, scene.classes,
                                       [int(c) for c in histogram], total, scene.extra))
        write_split(root, split, records)
    return root


def _jsonable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value

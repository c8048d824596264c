"""The on-disk scene format: ``meta.json`` plus one ``labels.jsonl`` per split.

Every reader here validates what it reads and names the file and line of anything malformed,
because these files are also written by hand and by the relabelling step of the training loop.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

FORMAT = "problogic-vision-scenes/1"
SPLITS = ("source_train", "source_test", "target_train", "target_test", "ood_test")

_RECORD_KEYS = ("file", "width", "height", "boxes", "classes", "counts", "sum")


class SceneFormatError(ValueError):
    """A scene data set on disk does not follow the documented format."""


@dataclass
class SceneRecord:
    """One image of a split: one line of ``ROOT/<split>/labels.jsonl``.

    ``file`` is relative to the data set root; ``boxes`` are ``[x1, y1, x2, y2]`` in pixels;
    ``classes`` are 0-based class indices, one per box; ``counts`` has one entry per class
    (the weak count label); ``sum`` is the sum of the class values of the objects, or None when
    the data set has no values. ``extra`` holds any further keys of the line (e.g. ``smiles``).
    """

    file: str
    width: int
    height: int
    boxes: list[list[float]]
    classes: list[int]
    counts: list[int]
    sum: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of one labels line (extra keys after the fixed ones)."""
        clash = sorted(set(self.extra) & set(_RECORD_KEYS))
        if clash:
            raise ValueError(f"extra keys {clash} clash with the fixed record keys")
        line = {
            "file": self.file,
            "width": self.width,
            "height": self.height,
            "boxes": [[_plain_number(v) for v in box] for box in self.boxes],
            "classes": [int(c) for c in self.classes],
            "counts": [int(c) for c in self.counts],
            "sum": None if self.sum is None else int(self.sum),
        }
        line.update(self.extra)
        return line

    @classmethod
    def from_json(cls, obj: Any, num_classes: int | None = None) -> "SceneRecord":
        """Validate and convert one parsed labels line; raises ValueError naming the field."""
        if not isinstance(obj, dict):
            raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
        missing = [k for k in _RECORD_KEYS if k not in obj]
        if missing:
            raise ValueError(f"missing key(s) {missing}")
        file = obj["file"]
        if not isinstance(file, str) or not file:
            raise ValueError(f"'file' must be a non-empty string, got {file!r}")
        width, height = (_int_field(obj, k, minimum=1) for k in ("width", "height"))
        boxes = obj["boxes"]
        if not isinstance(boxes, list):
            raise ValueError(f"'boxes' must be a list, got {boxes!r}")
        for box in boxes:
            if (not isinstance(box, list) or len(box) != 4
                    or not all(_is_number(v) and math.isfinite(v) for v in box)):
                raise ValueError(f"each box must be [x1, y1, x2, y2] of finite numbers, "
                                 f"got {box!r}")
            if box[2] < box[0] or box[3] < box[1]:
                raise ValueError(f"box {box!r} has x2 < x1 or y2 < y1")
        classes = _int_list(obj, "classes")
        if len(classes) != len(boxes):
            raise ValueError(f"{len(boxes)} boxes but {len(classes)} classes")
        counts = _int_list(obj, "counts")
        if any(c < 0 for c in counts):
            raise ValueError(f"'counts' must be non-negative, got {counts}")
        if num_classes is not None:
            if len(counts) != num_classes:
                raise ValueError(f"'counts' has {len(counts)} entries, expected {num_classes}")
            bad = [c for c in classes if not 0 <= c < num_classes]
            if bad:
                raise ValueError(f"class index {bad[0]} outside 0..{num_classes - 1}")
        total = obj["sum"]
        if total is not None and not (isinstance(total, int) and not isinstance(total, bool)):
            raise ValueError(f"'sum' must be an integer or null, got {total!r}")
        extra = {k: v for k, v in obj.items() if k not in _RECORD_KEYS}
        return cls(file, width, height, [[float(v) for v in b] for b in boxes], classes, counts,
                   total, extra)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _plain_number(v: Any) -> int | float:
    """Integral floats are written as ints so that labels files stay short and exact."""
    v = float(v)
    return int(v) if v.is_integer() else round(v, 3)


def _int_field(obj: dict, key: str, minimum: int) -> int:
    v = obj[key]
    if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
        raise ValueError(f"'{key}' must be an integer >= {minimum}, got {v!r}")
    return v


def _int_list(obj: dict, key: str) -> list[int]:
    v = obj[key]
    if not isinstance(v, list) or not all(isinstance(c, int) and not isinstance(c, bool)
                                          for c in v):
        raise ValueError(f"'{key}' must be a list of integers, got {v!r}")
    return list(v)


def _check_split_name(split: str) -> None:
    if (not isinstance(split, str) or not split or "/" in split or "\\" in split
            or split.startswith(".")):
        raise ValueError(f"invalid split name {split!r}: expected a plain directory name "
                         f"such as {SPLITS[0]!r}")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and a rename,
    so that readers never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_meta(root: str | os.PathLike) -> dict[str, Any]:
    """Read and validate ``ROOT/meta.json``."""
    path = Path(root) / "meta.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no meta.json; is {root} a scene data set "
                                f"(see problogic_vision.data)?")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise SceneFormatError(f"{path}:{e.lineno}: invalid JSON: {e.msg}") from None
    if not isinstance(meta, dict):
        raise SceneFormatError(f"{path}: expected a JSON object")
    if meta.get("format") != FORMAT:
        raise SceneFormatError(f"{path}: format {meta.get('format')!r}, expected {FORMAT!r}")
    classes = meta.get("classes")
    if not isinstance(classes, list) or not classes or not all(isinstance(c, str) for c in classes):
        raise SceneFormatError(f"{path}: 'classes' must be a non-empty list of names, "
                               f"got {classes!r}")
    values = meta.get("values")
    if values is not None and (not isinstance(values, list) or len(values) != len(classes)
                               or not all(_is_number(v) for v in values)):
        raise SceneFormatError(f"{path}: 'values' must be null or {len(classes)} numbers, "
                               f"got {values!r}")
    if not isinstance(meta.get("splits", {}), dict):
        raise SceneFormatError(f"{path}: 'splits' must be an object")
    return meta


def write_meta(root: str | os.PathLike, meta: dict[str, Any]) -> None:
    """Write ``ROOT/meta.json`` atomically."""
    atomic_write_text(Path(root) / "meta.json", json.dumps(meta, indent=2) + "\n")


def read_split(root: str | os.PathLike, split: str) -> list[SceneRecord]:
    """Read ``ROOT/<split>/labels.jsonl`` into records, validated against ``meta.json``.

    Raises FileNotFoundError (naming the splits that exist) when the split is missing and
    SceneFormatError with ``file:line`` when a line is malformed.
    """
    _check_split_name(split)
    root = Path(root)
    num_classes = len(read_meta(root)["classes"])
    path = root / split / "labels.jsonl"
    if not path.is_file():
        present = sorted(p.parent.name for p in root.glob("*/labels.jsonl"))
        raise FileNotFoundError(f"{path}: no split {split!r} in {root} "
                                f"(splits present: {', '.join(present) or 'none'})")
    records = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise SceneFormatError(f"{path}:{lineno}: invalid JSON: {e.msg}") from None
            try:
                records.append(SceneRecord.from_json(obj, num_classes))
            except ValueError as e:
                raise SceneFormatError(f"{path}:{lineno}: {e}") from None
    return records


def write_split(root: str | os.PathLike, split: str, records: Iterable[SceneRecord]) -> Path:
    """Write ``ROOT/<split>/labels.jsonl`` atomically and return its path.

    Records may point at image files of other splits (pseudo-labelled splits do). When
    ``meta.json`` exists, each record is checked against its classes and the split's image
    count is recorded in ``meta["splits"]``.
    """
    _check_split_name(split)
    root = Path(root)
    meta = read_meta(root) if (root / "meta.json").exists() else None
    num_classes = None if meta is None else len(meta["classes"])
    lines = []
    for i, record in enumerate(records):
        obj = record.to_json()
        try:  # the same validation as reading, so that nothing unreadable is ever written
            SceneRecord.from_json(obj, num_classes)
        except ValueError as e:
            raise ValueError(f"record {i} of split {split!r}: {e}") from None
        lines.append(json.dumps(obj, separators=(",", ":")) + "\n")
    path = root / split / "labels.jsonl"
    atomic_write_text(path, "".join(lines))
    if meta is not None and meta.get("splits", {}).get(split) != len(lines):
        meta.setdefault("splits", {})[split] = len(lines)
        write_meta(root, meta)
    return path

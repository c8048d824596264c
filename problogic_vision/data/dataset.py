"""``SceneDataset``: one split of a scene data set as a torch Dataset."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from .records import SceneRecord, read_meta, read_split


class SceneDataset(Dataset):
    """Images and labels of ``ROOT/<split>``.

    Item ``i`` is ``(image, target)``: ``image`` a FloatTensor[3, H, W] in [0, 1] and
    ``target`` a dict with ``boxes`` Float[n, 4] (x1, y1, x2, y2 in pixels), ``classes``
    Long[n] (0-based), ``counts`` Long[K], ``sum`` Long[] (-1 when the record has none) and
    ``index`` (``i``).

    Attributes: ``classes`` (K names), ``values`` (Tensor[K] of class values, long when they
    are integers, or None), ``num_classes`` (K), ``records`` (list of SceneRecord), ``root``,
    ``split``, ``meta`` (the parsed meta.json).

    >>> from problogic_vision.data import generate
    >>> import tempfile
    >>> root = generate("shapes", tempfile.mkdtemp(), sizes={"target_test": 3})
    >>> image, target = SceneDataset(root, "target_test")[0]
    >>> image.shape, target["counts"].shape
    (torch.Size([3, 64, 64]), torch.Size([18]))
    """

    def __init__(self, root: str | os.PathLike, split: str):
        self.root = Path(root)
        self.split = split
        self.meta = read_meta(self.root)
        self.classes: list[str] = list(self.meta["classes"])
        self.num_classes = len(self.classes)
        values = self.meta.get("values")
        if values is None:
            self.values = None
        elif all(float(v).is_integer() for v in values):
            self.values = torch.tensor([int(v) for v in values], dtype=torch.long)
        else:
            self.values = torch.tensor(values, dtype=torch.float32)
        self.records: list[SceneRecord] = read_split(self.root, split)

    def __len__(self) -> int:
        return len(self.records)

    def load_image(self, index: int) -> torch.Tensor:
        """The image of record ``index`` as Float[3, H, W] in [0, 1]."""
        record = self.records[index]
        path = self.root / record.file
        if not path.is_file():
            raise FileNotFoundError(f"{path}: image of record {index} of split {self.split!r} "
                                    f"is missing")
        with Image.open(path) as im:
            pixels = np.asarray(im.convert("RGB"))
        if pixels.shape[:2] != (record.height, record.width):
            raise ValueError(f"{path}: image is {pixels.shape[1]}x{pixels.shape[0]} but record "
                             f"{index} of split {self.split!r} says {record.width}x{record.height}")
        return torch.from_numpy(pixels.copy()).permute(2, 0, 1).float().div_(255.0)

    def target(self, index: int) -> dict[str, Any]:
        """The label dict of record ``index`` (see the class docstring)."""
        record = self.records[index]
        return {
            "boxes": torch.tensor(record.boxes, dtype=torch.float32).reshape(-1, 4),
            "classes": torch.tensor(record.classes, dtype=torch.long),
            "counts": torch.tensor(record.counts, dtype=torch.long),
            "sum": torch.tensor(-1 if record.sum is None else record.sum, dtype=torch.long),
            "index": index,
        }

    def __getitem__(self, index: int) -> tuple[torch.Tensor, dict[str, Any]]:
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for split {self.split!r} "
                             f"of {len(self)} images")
        index %= len(self)
        return self.load_image(index), self.target(index)


def collate_scenes(batch: list[tuple[torch.Tensor, dict]]) -> tuple[list[torch.Tensor], list[dict]]:
    """DataLoader ``collate_fn``: images of different sizes stay a list, as torchvision's
    detectors expect; returns ``(images, targets)``."""
    images, targets = zip(*batch) if batch else ((), ())
    return list(images), list(targets)

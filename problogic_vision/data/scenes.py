"""What the three scene generators share: the kind description, per-image random streams,
option checking, and placing objects without heavy overlap."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from PIL import Image

from .records import SPLITS


@dataclass
class Scene:
    """One rendered image with its objects: boxes ``[x1, y1, x2, y2]`` in pixels and 0-based
    classes; ``extra`` goes into the labels line as further keys."""

    image: Image.Image
    boxes: list[list[float]]
    classes: list[int]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Renderer:
    """A data set kind set up for one seed and one set of options."""

    classes: list[str]
    values: list[int] | None
    render: Callable[[str, int], Scene]  # (split, index) -> Scene, deterministic


@dataclass(frozen=True)
class Kind:
    """A data set kind: its default split sizes and options, and how to set it up."""

    name: str
    default_sizes: dict[str, int]
    default_options: dict[str, Any]
    build: Callable[[int, dict[str, Any]], Renderer]  # (seed, resolved options) -> Renderer


def image_rng(seed: int, split: str, index: int) -> np.random.Generator:
    """The random stream of one image. Seeding per image (not per data set) keeps every image
    the same whatever the sizes of the splits or the order in which they are generated."""
    return np.random.default_rng([seed, SPLITS.index(split), index])


def pool_rng(seed: int, purpose: int) -> np.random.Generator:
    """A random stream for data-set-wide choices (train/test partitions of source images)."""
    return np.random.default_rng([seed, 1000 + purpose])


# --- option checking: each kind declares its options' defaults; values are checked here so
# that a bad option names itself instead of failing deep inside the drawing code.

def int_range(options: dict, key: str, low: int = 0) -> tuple[int, int]:
    """An inclusive ``[lo, hi]`` integer range option with ``low <= lo <= hi``."""
    v = options[key]
    if (not isinstance(v, (list, tuple)) or len(v) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in v)
            or not low <= v[0] <= v[1]):
        raise ValueError(f"option {key}={v!r}: expected [lo, hi] integers with {low} <= lo <= hi")
    return int(v[0]), int(v[1])


def int_option(options: dict, key: str, low: int, high: int | None = None) -> int:
    v = options[key]
    if (not isinstance(v, int) or isinstance(v, bool) or v < low
            or (high is not None and v > high)):
        bound = f">= {low}" if high is None else f"in {low}..{high}"
        raise ValueError(f"option {key}={v!r}: expected an integer {bound}")
    return int(v)


def float_option(options: dict, key: str, low: float, high: float) -> float:
    v = options[key]
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not low <= v <= high:
        raise ValueError(f"option {key}={v!r}: expected a number in [{low}, {high}]")
    return float(v)


def subset_option(options: dict, key: str, allowed: Sequence) -> list:
    """A non-empty list option whose items all come from ``allowed`` (order kept, no repeats)."""
    v = options[key]
    if not isinstance(v, (list, tuple)) or not v:
        raise ValueError(f"option {key}={v!r}: expected a non-empty list drawn from "
                         f"{list(allowed)}")
    for item in v:
        if item not in allowed:
            raise ValueError(f"option {key}: unknown item {item!r}; "
                             f"expected items of {list(allowed)}")
    if len(set(v)) != len(v):
        raise ValueError(f"option {key}={v!r} repeats an item")
    return list(v)


def resolve_options(kind: Kind, options: dict[str, Any]) -> dict[str, Any]:
    """The kind's defaults updated with ``options``; an unknown option is an error."""
    unknown = sorted(set(options) - set(kind.default_options))
    if unknown:
        raise ValueError(f"unknown option(s) {unknown} for data set kind {kind.name!r}; "
                         f"options: {sorted(kind.default_options)}")
    return {**kind.default_options, **options}


# --- placement

def overlap_fraction(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection area over the area of the smaller of two boxes (0 when disjoint)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller


def place(rng: np.random.Generator, sizes: Sequence[tuple[int, int]], width: int, height: int,
          max_overlap: float, *, margin: int = 1, tries: int = 60, restarts: int = 40
          ) -> list[tuple[int, int]]:
    """Top-left corners for objects of the given ``(w, h)`` sizes, inside the image with a
    ``margin`` and overlapping each other by at most ``max_overlap`` (of the smaller box).

    Random sequential placement, largest first, restarted from scratch when an object finds no
    room; raises ValueError when the objects do not fit, so that infeasible options (too many or
    too large objects for the image) fail loudly instead of silently dropping objects.
    """
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i][0] * sizes[i][1])
    for _ in range(restarts):
        corners: list[tuple[int, int] | None] = [None] * len(sizes)
        placed: list[tuple[int, int, int, int]] = []
        for i in order:
            w, h = sizes[i]
            if w + 2 * margin > width or h + 2 * margin > height:
                raise ValueError(f"an object of {w}x{h} px does not fit a {width}x{height} image")
            for _ in range(tries):
                x = int(rng.integers(margin, width - margin - w + 1))
                y = int(rng.integers(margin, height - margin - h + 1))
                box = (x, y, x + w, y + h)
                if all(overlap_fraction(box, other) <= max_overlap for other in placed):
                    corners[i] = (x, y)
                    placed.append(box)
                    break
            else:
                break
        else:
            return corners  # type: ignore[return-value]
    raise ValueError(f"could not place {len(sizes)} objects of sizes {list(sizes)} in a "
                     f"{width}x{height} image with overlap <= {max_overlap}; use fewer or "
                     f"smaller objects or a larger image_size")


def add_noise(rng: np.random.Generator, pixels: np.ndarray, std: float) -> Image.Image:
    """Add Gaussian pixel noise to a float HxWx3 array in 0..255 and return an RGB image."""
    if std > 0:
        pixels = pixels + rng.normal(0.0, std, size=pixels.shape)
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), "RGB")

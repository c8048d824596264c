"""CLEVR-like 2D shape scenes: every object is a size x colour x shape, e.g. "large red circle",
18 classes by default. Labels are counts only (no class values, no sum).

Source splits leave out ``source_missing_shapes`` (triangles by default), target splits use all
shapes, and the out-of-distribution split has ``ood_extra`` more objects per image.
"""

from __future__ import annotations

import itertools

import numpy as np
from PIL import Image, ImageDraw

from .scenes import (Kind, Renderer, Scene, add_noise, float_option, image_rng, int_option,
                     int_range, place, subset_option)

SHAPES = ("circle", "square", "triangle")
COLOURS = {"red": (205, 40, 40), "green": (40, 160, 60), "blue": (45, 75, 210)}
SIZES = ("small", "large")
SUPERSAMPLE = 4  # shapes are drawn at 4x and downsampled, for anti-aliased edges

DEFAULT_OPTIONS = {
    "image_size": 64,
    "small_size": [8, 11],       # side of a small object, pixels (inclusive range)
    "large_size": [15, 19],
    "objects": [2, 4],
    "ood_extra": 2,
    "source_missing_shapes": ["triangle"],
    "max_overlap": 0.0,
    "noise": 5.0,
}

DEFAULT_SIZES = {"source_train": 200, "source_test": 100, "target_train": 200,
                 "target_test": 100, "ood_test": 100}

CLASSES = [f"{size} {colour} {shape}"
           for size, colour, shape in itertools.product(SIZES, COLOURS, SHAPES)]


def _draw(draw: ImageDraw.ImageDraw, shape: str, box: list[int], colour: tuple) -> None:
    """Draw ``shape`` filling ``box`` (pixel edges, on the supersampled canvas)."""
    x1, y1, x2, y2 = (v * SUPERSAMPLE for v in box)
    x2, y2 = x2 - 1, y2 - 1  # PIL's coordinates are inclusive pixel centres
    if shape == "circle":
        draw.ellipse((x1, y1, x2, y2), fill=colour)
    elif shape == "square":
        draw.rectangle((x1, y1, x2, y2), fill=colour)
    else:
        draw.polygon([(x1, y2), (x2, y2), ((x1 + x2) / 2, y1)], fill=colour)


def build(seed: int, options: dict) -> Renderer:
    size = int_option(options, "image_size", 16)
    small = int_range(options, "small_size", 3)
    large = int_range(options, "large_size", 3)
    if large[0] <= small[1]:
        raise ValueError(f"option large_size={list(large)} must lie above small_size="
                         f"{list(small)} so that the two sizes can be told apart")
    obj_lo, obj_hi = int_range(options, "objects", 1)
    ood_extra = int_option(options, "ood_extra", 0)
    missing = ([] if options["source_missing_shapes"] in ([], ())
               else subset_option(options, "source_missing_shapes", SHAPES))
    if len(missing) == len(SHAPES):
        raise ValueError("option source_missing_shapes leaves no shape for the source splits")
    max_overlap = float_option(options, "max_overlap", 0.0, 1.0)
    noise = float_option(options, "noise", 0.0, 100.0)
    everything = list(range(len(CLASSES)))
    source_classes = [c for c in everything if CLASSES[c].split()[2] not in missing]

    def render(split: str, index: int) -> Scene:
        rng = image_rng(seed, split, index)
        allowed = source_classes if split.startswith("source") else everything
        extra = ood_extra if split == "ood_test" else 0
        n = int(rng.integers(obj_lo, obj_hi + 1)) + extra
        classes = [int(c) for c in rng.choice(allowed, size=n)]
        sides = []
        for c in classes:
            lo, hi = large if CLASSES[c].startswith("large") else small
            sides.append(int(rng.integers(lo, hi + 1)))
        corners = place(rng, [(s, s) for s in sides], size, size, max_overlap)

        background = tuple(int(v) for v in rng.integers(195, 236, size=3))
        canvas = Image.new("RGB", (size * SUPERSAMPLE,) * 2, background)
        draw = ImageDraw.Draw(canvas)
        boxes = []
        for c, side, (x, y) in zip(classes, sides, corners):
            _, colour, shape = CLASSES[c].split()
            jitter = rng.integers(-20, 21, size=3)
            fill = tuple(int(v) for v in np.clip(np.add(COLOURS[colour], jitter), 0, 255))
            box = [x, y, x + side, y + side]
            _draw(draw, shape, box, fill)
            boxes.append(box)
        pixels = np.asarray(canvas.resize((size, size), Image.BOX), dtype=np.float64)
        return Scene(add_noise(rng, pixels, noise), boxes, classes)

    return Renderer(list(CLASSES), None, render)


KIND = Kind("shapes", DEFAULT_SIZES, DEFAULT_OPTIONS, build)

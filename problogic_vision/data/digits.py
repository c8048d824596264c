"""Digit scenes: scikit-learn's bundled 8x8 handwritten digits, upscaled and scattered on a
light, noisy background. Classes "0".."9" with values 0..9, so each image also has a sum label.

Source splits use only ``source_classes`` (digits 0-6 by default), target splits all digits,
and the out-of-distribution split has ``ood_extra`` more digits per image than the target.
Train and test splits draw from disjoint sets of scikit-learn digit images; each labels line
records the scikit-learn index of its digits (``sklearn_index``, one per box).
"""

from __future__ import annotations

import functools

import numpy as np
from PIL import Image

from .scenes import (Kind, Renderer, Scene, add_noise, float_option, image_rng, int_option,
                     int_range, place, pool_rng, subset_option)

INK_THRESHOLD = 0.25  # glyph intensity (0..1) that counts as ink for the tight box

DEFAULT_OPTIONS = {
    "image_size": 64,            # square images, pixels
    "digit_size": [14, 20],      # side of an upscaled 8x8 digit, pixels (inclusive range)
    "objects": [2, 4],           # digits per source/target image (inclusive range)
    "ood_extra": 1,              # extra digits per out-of-distribution image
    "source_classes": [0, 1, 2, 3, 4, 5, 6],
    "test_fraction": 0.3,        # share of scikit-learn's digit images kept for test splits
    "max_overlap": 0.1,          # of the smaller of two boxes
    "noise": 6.0,                # std of the pixel noise, 0..255 scale
}

DEFAULT_SIZES = {"source_train": 200, "source_test": 100, "target_train": 200,
                 "target_test": 100, "ood_test": 100}


@functools.lru_cache(maxsize=1)
def _sklearn_digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # bundled with scikit-learn, no download

    data = load_digits()
    return data.images.astype(np.float32) / 16.0, data.target.astype(np.int64)


def _glyph(image8: np.ndarray, size: int) -> np.ndarray:
    """Upscale an 8x8 glyph (0..1) to ``size`` px and crop it to its ink."""
    big = Image.fromarray(image8, "F").resize((size, size), Image.BILINEAR)
    alpha = np.clip(np.asarray(big), 0.0, 1.0)
    rows = np.flatnonzero((alpha >= INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((alpha >= INK_THRESHOLD).any(axis=0))
    return alpha[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def build(seed: int, options: dict) -> Renderer:
    size = int_option(options, "image_size", 16)
    digit_lo, digit_hi = int_range(options, "digit_size", 4)
    obj_lo, obj_hi = int_range(options, "objects", 1)
    ood_extra = int_option(options, "ood_extra", 0)
    source_classes = subset_option(options, "source_classes", range(10))
    test_fraction = float_option(options, "test_fraction", 0.01, 0.99)
    max_overlap = float_option(options, "max_overlap", 0.0, 1.0)
    noise = float_option(options, "noise", 0.0, 100.0)

    images, labels = _sklearn_digits()
    order = pool_rng(seed, 0).permutation(len(labels))
    n_test = int(round(test_fraction * len(labels)))
    pools = {part: [idx[labels[idx] == d] for d in range(10)]
             for part, idx in (("test", order[:n_test]), ("train", order[n_test:]))}

    def render(split: str, index: int) -> Scene:
        rng = image_rng(seed, split, index)
        allowed = source_classes if split.startswith("source") else list(range(10))
        extra = ood_extra if split == "ood_test" else 0
        n = int(rng.integers(obj_lo, obj_hi + 1)) + extra
        pool = pools["train" if split.endswith("train") else "test"]
        digits = [int(d) for d in rng.choice(allowed, size=n)]
        sources = [int(rng.choice(pool[d])) for d in digits]
        glyphs = [_glyph(images[i], int(rng.integers(digit_lo, digit_hi + 1))) for i in sources]
        corners = place(rng, [(g.shape[1], g.shape[0]) for g in glyphs], size, size, max_overlap)

        background = rng.uniform(185, 245, size=3)
        pixels = np.broadcast_to(background, (size, size, 3)).copy()
        boxes = []
        for glyph, (x, y) in zip(glyphs, corners):
            h, w = glyph.shape
            ink = rng.uniform(0, 90, size=3)
            alpha = glyph[:, :, None]
            region = pixels[y:y + h, x:x + w]
            pixels[y:y + h, x:x + w] = region * (1 - alpha) + ink * alpha
            boxes.append([x, y, x + w, y + h])
        return Scene(add_noise(rng, pixels, noise), boxes, digits, {"sklearn_index": sources})

    return Renderer([str(d) for d in range(10)], list(range(10)), render)


KIND = Kind("digits", DEFAULT_SIZES, DEFAULT_OPTIONS, build)

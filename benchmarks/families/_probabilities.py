"""Seeded, varied probabilities written exactly (in thousandths), so that every system reads
the same numbers and annotated disjunctions sum to exactly 1."""

from __future__ import annotations

import random


def rng_for(family: str, size: int, seed: int = 0) -> random.Random:
    """A generator that depends only on (family, size, seed): programs are reproducible."""
    return random.Random(f"{family}/{size}/{seed}")


def thousandths(value: int) -> str:
    """An integer number of thousandths as a decimal literal: 125 -> '0.125', 1000 -> '1.0'."""
    if not 0 <= value <= 1000:
        raise ValueError(f"{value} thousandths is not a probability")
    if value == 1000:
        return "1.0"
    return f"0.{value:03d}".rstrip("0").ljust(3, "0")


def categorical(rng: random.Random, k: int, low: int = 1, high: int = 20) -> list[str]:
    """k probabilities summing to exactly 1, each at least 0.001, as decimal literals."""
    weights = [rng.randint(low, high) for _ in range(k)]
    total = sum(weights)
    parts = [max(1, round(1000 * w / total)) for w in weights[:-1]]
    while sum(parts) > 1000 - 1:  # leave at least 0.001 for the last one
        parts[parts.index(max(parts))] -= 1
    parts.append(1000 - sum(parts))
    return [thousandths(p) for p in parts]


def probability(rng: random.Random, low: float = 0.1, high: float = 0.9) -> str:
    """One probability drawn uniformly from [low, high], to the thousandth."""
    return thousandths(rng.randint(round(low * 1000), round(high * 1000)))

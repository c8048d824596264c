"""The families of DESIGN.md section 4 stay exact and polynomial: answers against dynamic
programming references, circuit sizes against polynomial bounds (structure, not timing)."""

import re
from collections import defaultdict

import pytest

import problogic as pl
from benchmarks.families import counts, sums


def _ads(source, predicate):
    """{object: {value: probability}} of the annotated disjunctions of ``predicate``."""
    table = defaultdict(dict)
    for p, obj, value in re.findall(rf"([0-9.e-]+)::{predicate}\((\d+),(\w+)\)", source):
        table[int(obj)][value] = float(p)
    return table


def counts_reference(source):
    objects = _ads(source, "obj")
    label = re.search(r"cnt\(L, c1, (\d+)\), cnt\(L, c2, (\d+)\), cnt\(L, c3, (\d+)\)", source)
    target = tuple(int(x) for x in label.groups())
    dist = {(0, 0, 0): 1.0}
    for i in sorted(objects):
        new = defaultdict(float)
        for state, p in dist.items():
            for k, c in enumerate(("c1", "c2", "c3")):
                grown = list(state)
                grown[k] += 1
                new[tuple(grown)] += p * objects[i].get(c, 0.0)
        dist = new
    return dist.get(target, 0.0)


def sums_reference(source, total):
    digits = _ads(source, "digit")
    dist = {0: 1.0}
    for i in sorted(digits):
        new = defaultdict(float)
        for s, p in dist.items():
            for d, q in digits[i].items():
                new[s + int(d)] += p * q
        dist = new
    return dist.get(total, 0.0)


@pytest.mark.parametrize("n", [3, 8, 20, 40])
def test_counts_exact_and_polynomial(n):
    source = counts.program(n)
    result = pl.run(source)
    assert result.probabilities["label"] == pytest.approx(counts_reference(source), rel=1e-9)
    # O(n^3) for three classes: the reachable count vectors per position.
    assert result.stats["diagram_nodes"] <= 2 * (n + 1) ** 3


@pytest.mark.parametrize("n", [1, 4, 15])
def test_digit_sums_exact_and_polynomial(n):
    source = sums.program(n)
    total = sums.target_sum(n)
    result = pl.run(source)
    (value,) = result.probabilities.values()
    assert value == pytest.approx(sums_reference(source, total), rel=1e-9)
    assert result.stats["diagram_nodes"] <= 30 * (9 * n + 1) * n

"""counts: n objects, each an annotated disjunction over K = 3 classes; one query, the joint
label "exactly c_k objects of class k for every k", with the natural recursive count program.

The ground program is polynomial in n (a count per prefix of the list and per value), but its
worlds are 3^n: a compiler that enumerates, or a decision diagram with a bad variable order,
blows up here.
"""

from __future__ import annotations

from benchmarks.families import program_family
from benchmarks.families._probabilities import categorical, rng_for

CLASSES = ("c1", "c2", "c3")


def target_counts(probabilities: list[list[float]]) -> list[int]:
    """The expected count of each class rounded so that the counts sum to n (a likely label)."""
    n = len(probabilities)
    expected = [sum(row[k] for row in probabilities) for k in range(len(CLASSES))]
    counts = [int(e) for e in expected]
    by_remainder = sorted(range(len(CLASSES)), key=lambda k: counts[k] - expected[k])
    for k in by_remainder[: n - sum(counts)]:
        counts[k] += 1
    return counts


def program(n: int) -> str:
    rng = rng_for("counts", n)
    lines = [f"% counts, n = {n}: {n} objects, {len(CLASSES)} classes"]
    rows = []
    for i in range(n):
        probs = categorical(rng, len(CLASSES))
        rows.append([float(p) for p in probs])
        choices = "; ".join(f"{p}::obj({i},{c})" for p, c in zip(probs, CLASSES, strict=True))
        lines.append(f"{choices}.")
    lines.append(f"objs([{','.join(str(i) for i in range(n))}]).")
    lines += [
        "cnt([], _, 0).",
        "cnt([I|T], C, N) :- obj(I, C), cnt(T, C, M), N is M+1.",
        "cnt([I|T], C, N) :- \\+ obj(I, C), cnt(T, C, N).",
    ]
    counts = target_counts(rows)
    calls = ", ".join(f"cnt(L, {c}, {k})" for c, k in zip(CLASSES, counts, strict=True))
    lines.append(f"label :- objs(L), {calls}.")
    lines.append("query(label).")
    return "\n".join(lines) + "\n"


FAMILY = program_family(
    "counts",
    "exact joint count label over n objects with 3 classes each (recursive cnt/3)",
    program,
    tiny=(3,),
    quick=(4, 6, 8, 10, 12, 20, 40),
    full=(4, 6, 8, 10, 12, 15, 20, 30, 40, 50, 75, 100),
    order=10,
)

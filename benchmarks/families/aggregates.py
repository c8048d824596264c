"""aggregates: the total of n dice, each an annotated disjunction over 1..6 with seeded
probabilities, through ProbLog's aggregate library (``total(sum<V>) :- die(_, V).``); the
query is that the total equals floor(3.5 n).

ProbLog's library collects the solutions true in each world (6^n of them); problogic merges
the worlds that agree on the partial total, at most 5n + 1 of them per die.
"""

from __future__ import annotations

from benchmarks.families import program_family
from benchmarks.families._probabilities import categorical, rng_for


def target_total(n: int) -> int:
    return (7 * n) // 2


def program(n: int) -> str:
    rng = rng_for("aggregates", n)
    lines = [f"% aggregates, n = {n}: the total of {n} dice is {target_total(n)}",
             ":- use_module(library(aggregate))."]
    for i in range(n):
        probs = categorical(rng, 6)
        lines.append("; ".join(f"{p}::die({i},{v})" for v, p in enumerate(probs, 1)) + ".")
    lines += ["total(sum<V>) :- die(_, V).", f"query(total({target_total(n)}))."]
    return "\n".join(lines) + "\n"


FAMILY = program_family(
    "aggregates",
    "the total of n dice is floor(3.5 n), by a sum<V> head aggregate (ProbLog's library)",
    program,
    tiny=(2,),
    quick=(1, 2, 3, 5, 10, 20, 40),
    full=(1, 2, 3, 4, 5, 10, 20, 40, 80),
    order=25,
)

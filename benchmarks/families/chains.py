"""chains: left-recursive reachability along a probabilistic chain.

n probabilistic edges ``edge(i, i+1)`` (probabilities drawn from [0.1, 0.9]) and the query
path(0, n) with the left-recursive closure ``path(X, Y) :- path(X, Z), edge(Z, Y)``: the
shape of sequence and time-step models, where each answer extends the one before it. Every
system must derive the n answers of path(0, _) and conjoin n edges; grounding that re-derives
every known answer per new one, or a diagram that copies the path below each new edge, is
quadratic in n.
"""

from __future__ import annotations

from benchmarks.families import program_family
from benchmarks.families._probabilities import probability, rng_for


def program(n: int) -> str:
    if n < 1:
        raise ValueError("chains needs at least 1 edge")
    rng = rng_for("chains", n)
    lines = [f"% chains, n = {n}: a path of {n} probabilistic edges"]
    lines += [f"{probability(rng)}::edge({i},{i + 1})." for i in range(n)]
    lines += [
        "path(X, Y) :- edge(X, Y).",
        "path(X, Y) :- path(X, Z), edge(Z, Y).",
        f"query(path(0,{n})).",
    ]
    return "\n".join(lines) + "\n"


FAMILY = program_family(
    "chains",
    "left-recursive reachability path(0, n) along a chain of n probabilistic edges",
    program,
    tiny=(10,),
    quick=(50, 100, 200, 400, 800),
    full=(50, 100, 200, 400, 800, 1600, 3200),
    order=35,
)

"""graphs: reachability on seeded random cyclic directed graphs.

n nodes and 2n distinct probabilistic edges (probabilities drawn from [0.1, 0.9]); the graph is
redrawn, deterministically, until it has a directed cycle and n-1 is reachable from 0 when all
edges are present. The query is path(0, n-1) with the usual transitive closure, whose positive
loops every system must break.
"""

from __future__ import annotations

import random

from benchmarks.families import program_family
from benchmarks.families._probabilities import probability, rng_for


def _reachable(n: int, edges: list[tuple[int, int]], start: int) -> set[int]:
    successors: dict[int, list[int]] = {u: [] for u in range(n)}
    for u, v in edges:
        successors[u].append(v)
    seen, stack = {start}, [start]
    while stack:
        for v in successors[stack.pop()]:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return seen


def _has_cycle(n: int, edges: list[tuple[int, int]]) -> bool:
    return any(u in _reachable(n, edges, v) for u, v in edges)


def random_graph(n: int, rng: random.Random) -> list[tuple[int, int]]:
    possible = [(u, v) for u in range(n) for v in range(n) if u != v]
    count = min(2 * n, len(possible))
    while True:
        edges = sorted(rng.sample(possible, count))
        if n - 1 in _reachable(n, edges, 0) and _has_cycle(n, edges):
            return edges


def program(n: int) -> str:
    if n < 2:
        raise ValueError("graphs needs at least 2 nodes")
    rng = rng_for("graphs", n)
    edges = random_graph(n, rng)
    lines = [f"% graphs, n = {n}: {len(edges)} probabilistic edges"]
    lines += [f"{probability(rng)}::edge({u},{v})." for u, v in edges]
    lines += [
        "path(X, Y) :- edge(X, Y).",
        "path(X, Y) :- edge(X, Z), path(Z, Y).",
        f"query(path(0,{n - 1})).",
    ]
    return "\n".join(lines) + "\n"


FAMILY = program_family(
    "graphs",
    "reachability path(0, n-1) on a random cyclic digraph with n nodes and 2n edges",
    program,
    tiny=(5,),
    quick=(5, 10, 15, 20, 30, 40),
    full=(5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80),
    order=30,
)

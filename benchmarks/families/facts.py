"""facts: a data-heavy program, most of whose text is facts.

n probabilistic edges of a random directed graph over n / 2 nodes (2 out-edges per node on
average), a deterministic ``node/3`` fact per node with a string and a list, and the
two-hop reachability ``linked(n0, Y)`` to 5 nodes that n0 reaches. The queries reach a handful of
facts: the time is reading the program and finding, among n clauses, the few the queries
need, which is where a knowledge base spends its time.
"""

from __future__ import annotations

from benchmarks.families import program_family
from benchmarks.families._probabilities import probability, rng_for

TARGETS = 5


def program(n: int) -> str:
    rng = rng_for("facts", n)
    nodes = max(2, n // 2)
    edges = [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(n)]
    lines = [f"% facts, n = {n}: {n} probabilistic edges over {nodes} nodes"]
    lines += [f"{probability(rng)}::edge(n{x},n{y})." for x, y in edges]
    lines += [f'node(n{i}, "node {i}", [{i % 7}, {i % 11}, kind{i % 3}]).'
              for i in range(nodes)]
    lines += [
        "linked(X, Y) :- edge(X, Y).",
        "linked(X, Y) :- edge(X, Z), edge(Z, Y), node(Z, _, [_, _, kind1]).",
    ]
    # targets that n0 reaches (a query of probability 0 tells nothing), then any others
    first = {y for x, y in edges if x == 0}
    reached = sorted(first | {y for x, y in edges if x in first and x % 3 == 1})
    targets = (reached + [rng.randrange(nodes) for _ in range(TARGETS)])[:TARGETS]
    lines += [f"query(linked(n0,n{y}))." for y in targets]
    return "\n".join(lines) + "\n"


FAMILY = program_family(
    "facts",
    "a knowledge base: n probabilistic edges and n/2 node facts, two-hop queries from one node",
    program,
    tiny=(100,),
    quick=(1000, 10_000, 50_000, 100_000),
    full=(1000, 10_000, 50_000, 100_000, 200_000),
    order=37,
)

"""smokers: the smokers-and-friends classic on n people with seeded random friendships.

Each person names two random friends (a directed relation, so cycles abound); stress and
influence are probabilistic clauses as in ProbLog's tutorial; the queries are smokes(p) for
every person p, so one circuit answers n queries.
"""

from __future__ import annotations

from benchmarks.families import program_family
from benchmarks.families._probabilities import rng_for

FRIENDS_PER_PERSON = 2


def friendships(n: int) -> list[tuple[int, int]]:
    rng = rng_for("smokers", n)
    pairs = []
    for x in range(n):
        others = [y for y in range(n) if y != x]
        for y in sorted(rng.sample(others, min(FRIENDS_PER_PERSON, len(others)))):
            pairs.append((x, y))
    return pairs


def program(n: int) -> str:
    lines = [f"% smokers, n = {n}"]
    lines += [f"person(p{x})." for x in range(n)]
    lines += [f"friend(p{x},p{y})." for x, y in friendships(n)]
    lines += [
        "0.3::stress(X) :- person(X).",
        "0.2::influences(X, Y) :- person(X), person(Y).",
        "smokes(X) :- stress(X).",
        "smokes(X) :- friend(X, Y), influences(Y, X), smokes(Y).",
        "0.4::asthma(X) :- smokes(X).",
    ]
    lines += [f"query(smokes(p{x}))." for x in range(n)]
    return "\n".join(lines) + "\n"


FAMILY = program_family(
    "smokers",
    "smokers and friends, n people with 2 random friends each; smokes(p) for every p",
    program,
    tiny=(4,),
    quick=(4, 6, 8, 10, 15, 20),
    full=(4, 6, 8, 10, 12, 15, 20, 25, 30),
    order=40,
)

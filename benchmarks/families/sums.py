"""sums: n digits, each an annotated disjunction over 0..9; the query is that their sum equals
s = floor(4.5 n), written recursively over the list of digits.

The number of distinct partial sums is at most 9n + 1, so the ground program is quadratic in n
while the worlds number 10^n.
"""

from __future__ import annotations

from benchmarks.families import program_family
from benchmarks.families._probabilities import categorical, rng_for


def target_sum(n: int) -> int:
    return (9 * n) // 2


def program(n: int) -> str:
    rng = rng_for("sums", n)
    lines = [f"% sums, n = {n}: the sum of {n} digits is {target_sum(n)}"]
    for i in range(n):
        probs = categorical(rng, 10)
        lines.append("; ".join(f"{p}::digit({i},{d})" for d, p in enumerate(probs)) + ".")
    lines += [
        "sum([], 0).",
        "sum([I|T], S) :- digit(I, D), sum(T, S0), S is S0+D.",
    ]
    digits = ",".join(str(i) for i in range(n))
    lines.append(f"query(sum([{digits}],{target_sum(n)})).")
    return "\n".join(lines) + "\n"


FAMILY = program_family(
    "sums",
    "the sum of n digits (each over 0..9) equals floor(4.5 n), recursive sum/2",
    program,
    tiny=(2,),
    quick=(1, 2, 3, 4, 6, 10, 20),
    full=(1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50),
    order=20,
)

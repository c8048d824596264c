"""hmm: filtering in a hidden Markov model of n steps.

Three hidden states, three symbols, an observation at every step (random parameters,
seeded); the query is the state at step n given every observation. The transitions are one
annotated disjunction per step and state, the emissions one per step and state, conditioned
on the state, so that the program reads as the model does. The ground program is linear in
n, and so is a decision diagram whose variable order follows time; an order that places the
emissions away from their step (they meet the transitions only through the state atoms)
doubles in size with every step it is off.
"""

from __future__ import annotations

from benchmarks.families import program_family
from benchmarks.families._probabilities import categorical, rng_for

STATES = ("s0", "s1", "s2")
SYMBOLS = ("x", "y", "z")


def program(n: int) -> str:
    if n < 1:
        raise ValueError("hmm needs at least 1 step")
    rng = rng_for("hmm", n)
    lines = [f"% hmm, n = {n}: {len(STATES)} states, {len(SYMBOLS)} symbols, {n} steps"]
    start = categorical(rng, len(STATES))
    lines.append("; ".join(f"{p}::state(0, {s})" for p, s in zip(start, STATES)) + ".")
    for source in STATES:
        heads = "; ".join(f"{p}::trans(T, {source}, {s})"
                          for p, s in zip(categorical(rng, len(STATES)), STATES))
        lines.append(f"{heads} :- between(1, {n}, T).")
    lines.append("state(T, S) :- T > 0, T1 is T - 1, state(T1, S1), trans(T, S1, S).")
    for state in STATES:
        heads = "; ".join(f"{p}::emit(T, {o})"
                          for p, o in zip(categorical(rng, len(SYMBOLS)), SYMBOLS))
        lines.append(f"{heads} :- between(0, {n}, T), state(T, {state}).")
    lines.append("obs(T, O) :- emit(T, O).")
    lines += [f"evidence(obs({t}, {rng.choice(SYMBOLS)}))." for t in range(n + 1)]
    lines.append(f"query(state({n}, {STATES[0]})).")
    return "\n".join(lines) + "\n"


FAMILY = program_family(
    "hmm",
    "filtering in a hidden Markov model with 3 states and 3 symbols, observed at each of n steps",
    program,
    tiny=(5,),
    quick=(5, 10, 20, 40, 80),
    full=(5, 10, 20, 40, 80, 160, 320),
    order=36,
)

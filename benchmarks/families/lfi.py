"""lfi: learning from interpretations, ``problogic lfi`` against ``problog lfi``.

The parameters of a hidden Markov model (2 states, 2 symbols) are learned from n observed
sequences of 6 steps, drawn from other parameters (seeded): the start and the transitions are
learnable facts (their expected counts come from one backward pass), the emissions learnable
rules (``t(0.8)::emits_a(T, s0) :- s0(T).``, which need diagrams for their bodies). Learnable
annotated disjunctions are left out: ``problog lfi`` gives them other values (see
``problogic.tasks.lfi``). Both
systems start from the same values and run 20 EM iterations (a fixed count, so that both do
the same work whatever their stopping rules); the answers are the learned values, which
agree to 1e-6. The time is the whole call: reading the model and the examples, grounding and
compiling, and the iterations.
"""

from __future__ import annotations

import math
import random

from benchmarks.families import Family, whole_call_runners

STEPS = 6
ITERATIONS = 20

MODEL = """t(0.6)::start.
t(0.7)::stay0(T).
t(0.6)::stay1(T).
s0(0) :- start.
s0(T) :- T > 0, T1 is T - 1, s0(T1), stay0(T1).
s0(T) :- T > 0, T1 is T - 1, \\+s0(T1), \\+stay1(T1).
t(0.8)::emits_a(T, s0) :- s0(T).
t(0.3)::emits_a(T, s1) :- \\+s0(T).
obs(T, a) :- emits_a(T, _).
obs(T, b) :- \\+obs(T, a).
"""


def sequences(n: int) -> list[list[str]]:
    """n observation sequences from a model with start (0.3, 0.7), transitions
    ((0.8, 0.2), (0.3, 0.7)) and P(a) = (0.9, 0.2) in the two states."""
    rng = random.Random(f"lfi-{n}")
    out = []
    for _ in range(n):
        state, observed = 0 if rng.random() < 0.3 else 1, []
        for _ in range(STEPS):
            observed.append("a" if rng.random() < (0.9 if state == 0 else 0.2) else "b")
            stay = 0.8 if state == 0 else 0.7
            state = state if rng.random() < stay else 1 - state
        out.append(observed)
    return out


def examples_text(n: int) -> str:
    return "\n---\n".join("\n".join(f"evidence(obs({t}, {o}), true)." for t, o in enumerate(s))
                          for s in sequences(n))


def _problogic(n: int) -> dict[str, float]:
    import problogic as pl

    result = pl.Program.from_string(MODEL).lfi(examples_text(n), max_iterations=ITERATIONS,
                                               min_change=-1.0)
    # keyed by position: ProbLog spells the names without spaces
    return {str(i): p.value for i, p in enumerate(result.parameters)}


def _problog(n: int) -> dict[str, float]:
    from problog.learning.lfi import run_lfi
    from problog.logic import Constant, Term
    from problog.program import PrologString

    data = [[(Term("obs", Constant(t), Term(o)), True)
             for t, o in enumerate(s)] for s in sequences(n)]
    _, weights, _, _, _ = run_lfi(PrologString(MODEL), data, max_iter=ITERATIONS,
                                      min_improv=-math.inf)
    return {str(i): weight for i, weight in enumerate(weights)}


prepare, run_case = whole_call_runners({"problogic": _problogic, "problog-lfi": _problog},
                                       "problog.learning.lfi", "learn")


FAMILY = Family(
    name="lfi",
    description=f"learning a 2-state HMM's 5 parameters from n sequences of {STEPS} "
                f"observations, {ITERATIONS} EM iterations (problogic lfi vs problog lfi)",
    sizes={"tiny": (2,), "quick": (10, 30, 100, 300), "full": (10, 30, 100, 300, 1000)},
    systems=("problogic", "problog-lfi"),
    run_case=run_case,
    prepare=prepare,
    baselines=("problog-lfi",),
    size_label="sequences",
    order=40,
    time_label="seconds per case: read, ground, compile and 20 EM iterations",
    tolerance=1e-6,
)

"""dt: decision-theoretic ProbLog, ``problogic dt`` against ``problog dt`` (exhaustive search).

Viral marketing along a chain of n people: marketing to a person (a decision, cost 3) makes
them buy with probability 0.6, and a buyer makes the next person buy with probability 0.5
(gain 5 per buyer). Each of the 2^n strategies is scored; the answer is the best expected
utility. The time is the whole call: parsing, grounding, compiling and the search.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr

from benchmarks.families import Family, whole_call_runners


def program(n: int) -> str:
    people = "".join(f"person({i}).\n" for i in range(n))
    friends = "".join(f"next({i}, {i + 1}).\n" for i in range(n - 1))
    return people + friends + """?::market(P) :- person(P).
0.6::persuaded(P) :- person(P).
0.5::influences(P, Q) :- next(P, Q).
buys(P) :- market(P), persuaded(P).
buys(Q) :- next(P, Q), buys(P), influences(P, Q).
utility(buys(P), 5) :- person(P).
utility(market(P), -3) :- person(P).
"""


def _problogic(n: int) -> dict[str, float]:
    import problogic as pl

    return {"score": pl.Program.from_string(program(n)).decide().score}


def _problog(n: int) -> dict[str, float]:
    from problog.program import PrologString
    from problog.tasks.dtproblog import dtproblog

    with redirect_stderr(io.StringIO()):
        _, score, _ = dtproblog(PrologString(program(n)), search="exhaustive")
    return {"score": score}


prepare, run_case = whole_call_runners({"problogic": _problogic, "problog-dt": _problog},
                                       "problog.tasks.dtproblog", "decide")


FAMILY = Family(
    name="dt",
    description="viral marketing along a chain of n people, n decisions, every one of the "
                "2^n strategies scored (problogic dt vs problog dt)",
    sizes={"tiny": (3,), "quick": (4, 8, 12, 16), "full": (4, 8, 12, 16, 20)},
    systems=("problogic", "problog-dt"),
    run_case=run_case,
    prepare=prepare,
    baselines=("problog-dt",),
    size_label="decisions",
    order=41,
    time_label="seconds per case: parse, ground, compile and the exhaustive search",
    tolerance=1e-9,
)

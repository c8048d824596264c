"""Maximum a posteriori (MAP) inference: the truth values of the queries that are most
probable together given the evidence, every other variable summed out.

The formula is compiled with one boolean variable per query above all of its own
variables, each tied to its query (``T_i <-> q_i``) and conjoined with the evidence
(:func:`~problogic.compile.compiler.compile_tied`). With those variables on top, one pass up
the diagram maximises at their levels and sums the weighted values below, which is exact
MAP on a decision diagram, and one path down from the root reads the assignment. A query
the path leaves undecided (both values are as probable) is false, and so is the first of
two equally probable values.

ProbLog's ``problog map`` answers another question: it treats the queries (probabilistic
facts only) as decisions whose utilities are their marginals, so it maximises the sum of
the chosen values' marginals, and with evidence it can return an assignment the evidence
rules out (``0.6::a. 0.6::b. x :- a, \\+b. x :- \\+a, b. evidence(x). query(a).
query(b).``: ProbLog 2.3 answers a and b both false).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..compile import mdd
from ..compile.compiler import CompiledRoots
from ..errors import InconsistentEvidenceError
from ..language.printing import format_term
from ..logic.formula import Formula


@dataclass
class MaximumAPosteriori:
    """``values``: each query's truth value in the most probable assignment (in query
    order); ``posterior``: P(that assignment | the evidence); ``probability``: P(that
    assignment and the evidence); ``evidence``: P(the evidence), 1 without evidence. The
    posterior is divided in log space: it holds where the other two underflow to 0 (the
    evidence of a thousand observations)."""

    values: dict[str, bool]
    posterior: float
    probability: float
    evidence: float


def maximum_a_posteriori(formula: Formula, roots: CompiledRoots,
                         tied: int) -> MaximumAPosteriori:
    """The MAP assignment of ``formula``'s queries given its evidence (see the module doc),
    from its diagrams compiled with the queries tied
    (:func:`~problogic.compile.compiler.compile_tied`)."""
    from ..pipeline import check_plain_probabilities, evidence_location

    check_plain_probabilities(formula)
    manager, top = roots.manager, len(formula.queries)
    weights = [[1.0, 1.0]] * top + [formula.variables[v].probabilities for v in roots.order]
    value = mdd.log_weighted_counts(manager, [tied, roots.evidence], weights, max_levels=top)
    if value[tied] == -math.inf:
        raise InconsistentEvidenceError("the evidence is inconsistent (it has probability 0)",
                                        evidence_location(formula))
    chosen = [0] * top
    node = tied
    while node > mdd.TRUE and manager.level[node] < top:
        kids = manager.kids[node]
        best = max(range(len(kids)), key=lambda k: value[kids[k]])  # ties: the first, false
        chosen[manager.level[node]] = best
        node = kids[best]
    values: dict[str, bool] = {}
    for (term, _), truth in zip(formula.queries, chosen):
        values.setdefault(format_term(term), bool(truth))
    evidence = value[roots.evidence] if formula.evidence else 0.0
    return MaximumAPosteriori(values, math.exp(value[tied] - evidence), math.exp(value[tied]),
                              math.exp(evidence))

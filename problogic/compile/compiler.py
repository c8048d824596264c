"""Knowledge compilation: a :class:`Formula` to a :class:`Circuit`, through MDDs.

Each formula node becomes a multi-valued decision diagram, built bottom-up (the formula is
acyclic, children first) with memoized apply operations in a variable order.

Which order: the formula's own (:func:`~problogic.logic.formula._variable_order`), the same
order upside down, or :func:`~problogic.logic.formula.gate_order`. None is better everywhere,
and by far. Left recursion over a chain of 800 edges makes 320k nodes in the formula's order
and 1.6k upside down (a new edge joins a path above its diagram, or copies it); random graphs
and smokers go either way; a hidden Markov model with evidence every other step makes 442k
nodes at 30 steps in the formula's order, millions upside down, and 1k in the gate order,
which sees that an emission belongs with its step's transitions (the formula's order is
cheaper to compute and better on counts and sums).

So the orders race, deterministically, by work done (memoized operations, which track time
better than nodes made: graphs of 40 nodes make 53k nodes in 56k operations in one order, 63k
in 194k in the other, 0.08 s against 0.33 s). The formula's order runs alone for its first
:data:`FIRST_BUDGET` steps (small programs never see the race); then the upside-down order
joins, and once the formula's order has done :data:`LOCKSTEP_STEPS` steps, the gate order
(computed then: only large formulas pay for it). The formula's order leads; a run behind it
goes next, up to as many steps as the leader's up to :data:`LOCKSTEP_STEPS`, and beyond that
the runs behind share 1/:data:`ALTERNATIVE_SHARE` of the leader's steps. The first to finish
wins. When the formula's order wins, that costs at most 10k steps per other run (some 20-40
ms each) and 1/16 more; when another order is many times smaller, much less than the
formula's order alone (the chain of 800 edges: 2.8 s to 0.01 s; the hidden Markov model of 30
steps: 0.9 s to 0.05 s, and at 50 steps over 5M nodes to 0.2 s).
Runs pause on a budget of steps and resume through their memoized operations
(:class:`~.mdd.Paused`). A run that exceeds ``max_ground_size`` drops out; the error is
raised when every run has.

The diagrams of the roots are then written out as one smooth circuit (see
:mod:`.to_circuit`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grounding.ground_program import AND, CHOICE, FALSE, TRUE
from ..limits import Deadline, Limits
from ..logic.formula import Formula, gate_order
from . import mdd as M
from .to_circuit import circuit_from_mdd

FIRST_BUDGET = 2_000
LOCKSTEP_STEPS = 10_000
ALTERNATIVE_SHARE = 16


@dataclass
class CompiledRoots:
    """Root diagrams: the evidence, then each query conjoined with the evidence; ``order``:
    the formula variable at each level of the diagrams."""

    manager: M.MDDManager
    evidence: int
    queries: list[int]
    order: list[int]


class _Compilation:
    """The diagrams of a formula's nodes in one variable order, built bottom-up; resumable
    (:meth:`run` with a node budget)."""

    def __init__(self, formula: Formula, order: list[int], limits: Limits,
                 deadline: Deadline | None):
        self.formula, self.order = formula, order
        self.level_of = {var: level for level, var in enumerate(order)}
        self.manager = M.MDDManager([formula.variables[v].arity for v in order],
                                    max_nodes=limits.max_ground_size, deadline=deadline)
        self.diagram: dict[int, int] = {}
        self.done = 0  # formula nodes built, in formula.order

    @property
    def steps(self) -> int:
        """Work done so far: the manager's operations."""
        return self.manager.operations

    def run(self, budget: int | None) -> CompiledRoots | None:
        """Go on for about ``budget`` more steps (None: to the end): the roots, or None when
        the budget ran out first. The budget is checked between formula nodes; an operation
        that makes more than four budgets of nodes is paused in its middle (its memoized part
        is walked again when it resumes, which pausing between formula nodes never costs)."""
        manager, formula = self.manager, self.formula
        stop = None if budget is None else self.steps + budget
        manager.pause_at(None if budget is None else len(manager) + 4 * budget)
        try:
            nodes = formula.order
            while self.done < len(nodes):
                if stop is not None and self.steps >= stop:
                    return None
                node = nodes[self.done]
                self.diagram[node] = self._build(node)
                self.done += 1
            evidence = M.TRUE
            for _, lit, value in formula.evidence:
                evidence = manager.conjoin(evidence, self._of(lit) if value else self._of(-lit))
            queries = [manager.conjoin(self._of(lit), evidence) for _, lit in formula.queries]
        except M.Paused:
            return None
        finally:
            manager.pause_at(None)
        return CompiledRoots(manager, evidence, queries, self.order)

    def _of(self, lit: int) -> int:
        if lit == TRUE:
            return M.TRUE
        if lit == FALSE:
            return M.FALSE
        d = self.diagram[abs(lit)]
        return d if lit > 0 else self.manager.negate(d)

    def _build(self, node: int) -> int:
        formula, manager = self.formula, self.manager
        kind = formula.kinds[node]
        if kind == CHOICE:
            var, value = formula.payload[node]
            return manager.literal(self.level_of[var], value)
        children = [self._of(c) for c in formula.payload[node]]
        if kind == AND:
            return manager.conjoin_all(children)
        return manager.disjoin_all(children)


def compile_roots(formula: Formula, limits: Limits | None = None,
                  deadline: Deadline | None = None) -> CompiledRoots:
    """The roots' diagrams in whichever variable order finishes first (see the module doc)."""
    limits = limits or Limits()
    order = formula.variable_order
    primary = _Compilation(formula, order, limits, deadline)
    roots = primary.run(FIRST_BUDGET if len(order) > 1 else None)
    if roots is not None:
        return roots
    runs = [primary, _Compilation(formula, order[::-1], limits, deadline)]
    later = [lambda: gate_order(formula)]  # orders that join once the leader is large
    while True:
        leader = runs[0]  # the formula's order, while it lasts
        if later and leader.steps >= LOCKSTEP_STEPS:
            other = later.pop(0)()
            if all(other != run.order for run in runs):
                runs.append(_Compilation(formula, other, limits, deadline))
            continue
        followers = max(len(runs) - 1, 1)  # beyond the lockstep they share 1/16 of its work
        allowance = max(leader.steps // (ALTERNATIVE_SHARE * followers),
                        min(leader.steps, LOCKSTEP_STEPS))
        run = next((run for run in runs if run.steps < allowance), leader)
        try:  # a run behind catches up to its allowance; the leader grows by a quarter
            roots = run.run(allowance - run.steps + 1 if run is not leader
                            else max(leader.steps // 4, 1))
        except M.NodeLimitExceeded:
            if len(runs) == 1:
                raise
            runs.remove(run)  # the others go on
            continue
        if roots is not None:
            return roots
        if len(runs) == 1 and not later:
            return runs[0].run(None)


def circuit_from_roots(formula: Formula, roots: CompiledRoots):
    """The smooth circuit of compiled roots: [evidence, query_1 & evidence, ...]."""
    variables = [formula.variables[v] for v in roots.order]
    return circuit_from_mdd(roots.manager, [roots.evidence] + roots.queries, variables,
                            roots.order)


def compile_formula(formula: Formula, limits: Limits | None = None,
                    deadline: Deadline | None = None):
    """Compile the formula; the circuit's roots are [evidence, query_1 & evidence, ...]."""
    return circuit_from_roots(formula, compile_roots(formula, limits, deadline))

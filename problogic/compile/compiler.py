"""Knowledge compilation: a :class:`Formula` to a :class:`Circuit`, through MDDs.

Each formula node becomes a multi-valued decision diagram, built bottom-up (the formula is
acyclic, children first) with memoized apply operations in a variable order.

Which order: the formula's own (:func:`~problogic.logic.formula._variable_order`) or the same
order upside down. Neither is better everywhere, and by far. Left recursion over a chain of
800 edges makes 320k nodes in the formula's order and 1.6k upside down (a new edge joins a
path above its diagram, or copies it); counts and sums need the formula's order (10k against
74k operations for 40 counted objects); random graphs, smokers and hidden Markov models go
either way. So the two orders race, deterministically, by work done: memoized operations,
which track time better than nodes made (graphs of 40 nodes make 53k nodes in 56k operations
in one order, 63k in 194k in the other: 0.08 s against 0.33 s). The formula's order runs
alone for its first :data:`FIRST_BUDGET` operations (small programs never see the race), then
the upside-down order runs whenever it is behind: both do as many operations up to
:data:`LOCKSTEP_STEPS` each. Then the run that has built more of the formula per operation
leads (ties: the formula's order), and the other may do 1/:data:`ALTERNATIVE_SHARE` of the
leader's operations. The first to finish wins. When the leader wins, that costs at most 10k
operations (some 20-40 ms) and 1/16 more; when the other is many times smaller, much less
than the leader alone (the chain of 800 edges: 2.8 s to 0.01 s). The comparison picks the
cheaper order where neither is 16 times cheaper: a 3-state hidden Markov model of 80 steps
takes 50k operations upside down, 268k in the formula's order (end to end 0.87 s to 0.18 s);
random graphs of 50 nodes compile in 1.4 s instead of 2.5 s; counts, sums and smokers keep
the formula's order.
Runs pause on a budget of operations and resume through their memoized operations
(:class:`~.mdd.Paused`). A run that exceeds ``max_ground_size`` drops out; the error is
raised when both have.

The diagrams of the roots are then written out as one smooth circuit (see
:mod:`.to_circuit`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..collector import collector_paused
from ..grounding.ground_program import AND, CHOICE, FALSE, TRUE
from ..limits import Deadline, Limits
from ..logic.formula import Formula
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
    (:meth:`run` with a budget of operations)."""

    def __init__(self, formula: Formula, order: list[int], limits: Limits,
                 deadline: Deadline | None, top: int = 0):
        # top: boolean levels of other variables above the formula's (see compile_tied)
        self.formula, self.order = formula, order
        self.level_of = {var: top + level for level, var in enumerate(order)}
        self.manager = M.MDDManager([2] * top + [formula.variables[v].arity for v in order],
                                    max_nodes=limits.max_ground_size, deadline=deadline)
        self.diagram: dict[int, int] = {}
        self.done = 0  # formula nodes built, in formula.order

    @property
    def steps(self) -> int:
        """Work done so far: the manager's operations."""
        return self.manager.operations

    def run(self, budget: int | None) -> CompiledRoots | None:
        """Go on for about ``budget`` more operations (None: to the end): the roots, or None
        when the budget ran out first. The budget is checked between formula nodes; a formula
        node that runs past four budgets is paused in its middle (its memoized part is walked
        again when it resumes, which pausing between formula nodes never costs)."""
        manager, formula = self.manager, self.formula
        stop = None if budget is None else self.steps + budget
        manager.pause_at(None if budget is None else self.steps + 4 * budget)
        try:
            nodes = formula.order
            while self.done < len(nodes):
                if stop is not None and self.steps >= stop:
                    return None
                node = nodes[self.done]
                self.diagram[node] = self._build(node)
                self.done += 1
            # deepest first (conjoin_all): conjoined in source order, each piece below the
            # others walked the whole conjunction so far (2000 pieces: 4.4M operations)
            evidence = manager.conjoin_all([self._of(lit) if value else self._of(-lit)
                                            for _, lit, value in formula.evidence])
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
                  deadline: Deadline | None = None, top: int = 0) -> CompiledRoots:
    """The roots' diagrams, in the formula's variable order or upside down, whichever
    finishes first (see the module doc); ``top`` boolean levels of other variables above
    the formula's (see :func:`compile_tied`)."""
    limits = limits or Limits()
    with collector_paused():
        return _race(formula, limits, _compile_deadline(limits, deadline), top)


def _compile_deadline(limits: Limits, deadline: Deadline | None) -> Deadline:
    """``deadline``, or the end of ``limits.compile_timeout`` from now if that is sooner."""
    return (deadline or Deadline(None)).sooner(limits.compile_timeout, "--compile-timeout")


def _race(formula: Formula, limits: Limits, deadline: Deadline | None,
          top: int = 0) -> CompiledRoots:
    order = formula.variable_order
    primary = _Compilation(formula, order, limits, deadline, top)
    roots = primary.run(FIRST_BUDGET if len(order) > 1 else None)
    if roots is not None:
        return roots
    runs = [primary, _Compilation(formula, order[::-1], limits, deadline, top)]
    compared = False
    while len(runs) == 2:
        first, second = runs
        if not compared and second.steps >= LOCKSTEP_STEPS:
            compared = True  # the lockstep is over: the run further ahead leads from now on
            if second.done * first.steps > first.done * second.steps:
                runs.reverse()
                continue
        allowance = max(first.steps // ALTERNATIVE_SHARE, min(first.steps, LOCKSTEP_STEPS))
        behind = second.steps < allowance
        run = second if behind else first
        try:  # the second catches up to its allowance; the first grows by a quarter
            roots = run.run(allowance - second.steps + 1 if behind
                            else max(first.steps // 4, 1))
        except M.NodeLimitExceeded:
            runs.remove(run)  # the other goes on alone (and raises the same error)
            continue
        if roots is not None:
            return roots
    return runs[0].run(None)


def compile_tied(formula: Formula, limits: Limits | None = None,
                 deadline: Deadline | None = None) -> tuple[CompiledRoots, int]:
    """The roots' diagrams (:func:`compile_roots`) with one boolean variable T_i per query
    above the formula's variables (level i, value 1 for true; level ``len(formula.queries)
    + j`` is ``roots.order[j]``), and the diagram of the evidence and every ``T_i <->
    query_i``. Maximising over the T levels and summing below gives MAP
    (:mod:`problogic.tasks.map`)."""
    roots = compile_roots(formula, limits, deadline, top=len(formula.queries))
    manager = roots.manager
    with collector_paused():
        ties = [roots.evidence]
        for level, query in enumerate(roots.queries):  # query & evidence: the same under it
            tie = manager.literal(level, 1)
            ties.append(manager.disjoin(manager.conjoin(tie, query),
                                        manager.conjoin(manager.negate(tie),
                                                        manager.negate(query))))
        return roots, manager.conjoin_all(ties)


def circuit_from_roots(formula: Formula, roots: CompiledRoots):
    """The smooth circuit of compiled roots: [evidence, query_1 & evidence, ...]."""
    variables = [formula.variables[v] for v in roots.order]
    return circuit_from_mdd(roots.manager, [roots.evidence] + roots.queries, variables,
                            roots.order)


def compile_formula(formula: Formula, limits: Limits | None = None,
                    deadline: Deadline | None = None):
    """Compile the formula; the circuit's roots are [evidence, query_1 & evidence, ...]."""
    return circuit_from_roots(formula, compile_roots(formula, limits, deadline))

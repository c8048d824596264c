"""Knowledge compilation: a :class:`Formula` to a :class:`Circuit`, through MDDs.

Each formula node becomes a multi-valued decision diagram, built bottom-up (the formula is
acyclic, children first) with memoized apply operations in the formula's variable order.

The diagrams of the roots are then written out as one smooth circuit (see :mod:`.to_circuit`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grounding.ground_program import AND, CHOICE, FALSE, TRUE
from ..limits import Deadline, Limits
from ..logic.formula import Formula
from . import mdd as M
from .to_circuit import circuit_from_mdd


@dataclass
class CompiledRoots:
    """Root diagrams: the evidence, then each query conjoined with the evidence."""

    manager: M.MDDManager
    evidence: int
    queries: list[int]


def compile_roots(formula: Formula, limits: Limits | None = None,
                  deadline: Deadline | None = None) -> CompiledRoots:
    limits = limits or Limits()
    order = formula.variable_order
    level_of = {var: level for level, var in enumerate(order)}
    manager = M.MDDManager([formula.variables[v].arity for v in order],
                           max_nodes=limits.max_ground_size, deadline=deadline)
    diagram: dict[int, int] = {}

    def of(lit: int) -> int:
        if lit == TRUE:
            return M.TRUE
        if lit == FALSE:
            return M.FALSE
        d = diagram[abs(lit)]
        return d if lit > 0 else manager.negate(d)

    def build(node: int) -> int:
        kind = formula.kinds[node]
        if kind == CHOICE:
            var, value = formula.payload[node]
            return manager.literal(level_of[var], value)
        children = [of(c) for c in formula.payload[node]]
        if kind == AND:
            return manager.conjoin_all(children)
        return manager.disjoin_all(children)

    for node in formula.order:
        diagram[node] = build(node)
    evidence = M.TRUE
    for _, lit, value in formula.evidence:
        evidence = manager.conjoin(evidence, of(lit) if value else of(-lit))
    queries = [manager.conjoin(of(lit), evidence) for _, lit in formula.queries]
    return CompiledRoots(manager, evidence, queries)


def circuit_from_roots(formula: Formula, roots: CompiledRoots):
    """The smooth circuit of compiled roots: [evidence, query_1 & evidence, ...]."""
    variables = [formula.variables[v] for v in formula.variable_order]
    return circuit_from_mdd(roots.manager, [roots.evidence] + roots.queries, variables,
                            formula.variable_order)


def compile_formula(formula: Formula, limits: Limits | None = None,
                    deadline: Deadline | None = None):
    """Compile the formula; the circuit's roots are [evidence, query_1 & evidence, ...]."""
    return circuit_from_roots(formula, compile_roots(formula, limits, deadline))

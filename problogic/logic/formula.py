"""From the ground program to a propositional formula over choice variables.

The formula keeps the ground program's nodes that the queries and evidence reach, with constants
propagated, and orders them into strongly connected components, dependencies first. A component
of several nodes (or one that refers to itself) is a positive cycle: its meaning is the least
fixpoint (an atom is true only if it has a well-founded proof), which the compiler computes
exactly on canonical decision diagrams. A cycle through negation has no such meaning and is an
error.

Literals use the ground program's encoding: ``+n``/``-n`` for node ``n`` or its negation,
``TRUE = 1``, ``FALSE = -1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..errors import NegativeCycleError
from ..grounding.ground_program import (AND, CHOICE, CONST, FALSE, OR, TRUE, ChoiceVariable,
                                        GroundProgram)
from ..language.terms import Term


@dataclass
class Formula:
    kinds: dict[int, int]
    payload: dict[int, tuple]
    variables: list[ChoiceVariable]
    components: list[tuple[int, ...]]  # dependencies first
    cyclic: list[bool]
    queries: list[tuple[Term, int]]
    evidence: list[tuple[Term, int, bool]]
    variable_order: list[int] = field(default_factory=list)
    names: dict[int, Term] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.kinds)

    def roots(self) -> list[int]:
        return [lit for _, lit in self.queries] + [lit for _, lit, _ in self.evidence]


def _reachable(program: GroundProgram, roots: list[int]) -> list[int]:
    seen: set[int] = set()
    order = []
    stack = [abs(r) for r in roots if abs(r) != TRUE]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        if program.kinds[node] in (AND, OR):
            stack.extend(abs(c) for c in program.payload[node] if abs(c) != TRUE)
    return order


def _components(program: GroundProgram, nodes: list[int]) -> tuple[list, list[bool]]:
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    for node in nodes:
        if program.kinds[node] in (AND, OR):
            graph.add_edges_from((node, abs(c)) for c in program.payload[node] if abs(c) != TRUE)
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]
    groups: dict[int, list[int]] = {}
    for node, component in members.items():
        groups.setdefault(component, []).append(node)
    components, cyclic = [], []
    for component in reversed(list(nx.topological_sort(condensed))):
        group = tuple(sorted(groups[component]))
        is_cyclic = len(group) > 1 or graph.has_edge(group[0], group[0])
        components.append(group)
        cyclic.append(is_cyclic)
    return components, cyclic


def _describe(program: GroundProgram, node: int) -> str:
    return program.describe(node)


def build_formula(program: GroundProgram) -> Formula:
    """Simplify the relevant part of ``program`` and order it for compilation."""
    roots = [lit for _, lit in program.queries] + [lit for _, lit, _ in program.evidence]
    nodes = _reachable(program, roots)
    components, cyclic = _components(program, nodes)
    value: dict[int, int] = {TRUE: TRUE}  # node -> literal it simplifies to

    def lit_of(lit: int) -> int:
        mapped = value[abs(lit)]
        return mapped if lit > 0 else -mapped

    kinds: dict[int, int] = {}
    payload: dict[int, tuple] = {}
    out_components, out_cyclic = [], []
    for group, is_cyclic in zip(components, cyclic):
        if not is_cyclic:
            node = group[0]
            kind = program.kinds[node]
            if kind == CHOICE:
                value[node] = node
                kinds[node], payload[node] = CHOICE, program.payload[node]
                out_components.append(group)
                out_cyclic.append(False)
                continue
            if kind == CONST:
                value[node] = TRUE
                continue
            children = [lit_of(c) for c in program.payload[node]]
            simplified = _simplify(kind, children)
            if isinstance(simplified, int):
                value[node] = simplified
                continue
            value[node] = node
            kinds[node], payload[node] = kind, simplified
            out_components.append(group)
            out_cyclic.append(False)
            continue
        members = set(group)
        for node in group:
            for child in program.payload[node]:
                if child < 0 and abs(child) in members:
                    raise NegativeCycleError(
                        f"negative cycle through {_describe(program, node)}")
        resolved = _simplify_cycle(program, group, members, lit_of)
        live = []
        for node in group:
            if resolved[node] is None:
                value[node] = node
                live.append(node)
            else:
                value[node] = resolved[node]
        for node in live:
            children = []
            for child in program.payload[node]:
                if abs(child) in members:
                    mapped = value[abs(child)]
                    children.append(mapped if child > 0 else -mapped)
                else:
                    children.append(lit_of(child))
            kind = program.kinds[node]
            simplified = _simplify(kind, children)
            if isinstance(simplified, int):  # cannot happen for live nodes, kept for safety
                simplified = (simplified,)
            kinds[node], payload[node] = kind, simplified
        if live:
            out_components.append(tuple(live))
            out_cyclic.append(True)
    queries = [(term, lit_of(lit) if abs(lit) != TRUE else lit) for term, lit in program.queries]
    evidence = [(term, lit_of(lit) if abs(lit) != TRUE else lit, v)
                for term, lit, v in program.evidence]
    # Simplification can disconnect nodes (a cycle without support is false): keep only what
    # the simplified roots still reach.
    live = _live_nodes(kinds, payload, [lit for _, lit in queries] +
                       [lit for _, lit, _ in evidence])
    kept = []
    for group, is_cyclic in zip(out_components, out_cyclic):
        group = tuple(n for n in group if n in live)
        if group:
            kept.append((group, is_cyclic))
    kinds = {n: k for n, k in kinds.items() if n in live}
    payload = {n: p for n, p in payload.items() if n in live}
    formula = Formula(kinds, payload, program.variables, [g for g, _ in kept],
                      [c for _, c in kept], queries, evidence,
                      names={n: t for n, t in program.names.items() if n in live})
    formula.variable_order = _variable_order(formula)
    return formula


def _live_nodes(kinds, payload, roots) -> set[int]:
    live: set[int] = set()
    stack = [abs(r) for r in roots if abs(r) != TRUE]
    while stack:
        node = stack.pop()
        if node in live:
            continue
        live.add(node)
        if kinds[node] != CHOICE:
            stack.extend(abs(c) for c in payload[node] if abs(c) != TRUE)
    return live


def _simplify(kind: int, children: list[int]) -> int | tuple[int, ...]:
    """A constant or single literal, or the remaining children."""
    if kind == AND:
        if FALSE in children:
            return FALSE
        rest = tuple(dict.fromkeys(c for c in children if c != TRUE))
        if not rest:
            return TRUE
        if any(-c in rest for c in rest):
            return FALSE
    else:
        if TRUE in children:
            return TRUE
        rest = tuple(dict.fromkeys(c for c in children if c != FALSE))
        if not rest:
            return FALSE
    if len(rest) == 1:
        return rest[0]
    return rest


def _simplify_cycle(program, group, members, lit_of) -> dict[int, int | None]:
    """Constants inside a positive cycle: TRUE if provable from constants alone, FALSE if not
    provable even when every outside literal holds; None otherwise."""

    def fixpoint(outside_ok) -> set[int]:
        derived: set[int] = set()
        changed = True
        while changed:
            changed = False
            for node in group:
                if node in derived:
                    continue
                children = program.payload[node]

                def holds(c):
                    if abs(c) in members:
                        return abs(c) in derived
                    return outside_ok(lit_of(c))

                ok = all(map(holds, children)) if program.kinds[node] == AND \
                    else any(map(holds, children))
                if ok:
                    derived.add(node)
                    changed = True
        return derived

    certain = fixpoint(lambda lit: lit == TRUE)
    possible = fixpoint(lambda lit: lit != FALSE)
    return {node: TRUE if node in certain else (None if node in possible else FALSE)
            for node in group}


def _variable_order(formula: Formula) -> list[int]:
    """Choice variables in order of first appearance in a depth-first walk from the roots:
    variables used together end up close together, which keeps decision diagrams small."""
    order: list[int] = []
    seen_vars: set[int] = set()
    seen: set[int] = set()
    for root in formula.roots():
        stack = [abs(root)]
        while stack:
            node = stack.pop()
            if node in seen or node not in formula.kinds:
                continue
            seen.add(node)
            if formula.kinds[node] == CHOICE:
                var = formula.payload[node][0]
                if var not in seen_vars:
                    seen_vars.add(var)
                    order.append(var)
            else:
                stack.extend(abs(c) for c in reversed(formula.payload[node]))
    return order

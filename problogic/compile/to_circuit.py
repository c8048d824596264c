"""Writing decision diagrams out as one smooth circuit.

A diagram node deciding variable ``v`` becomes ``SUM_k [v == k] * child_k``. Where an edge skips
levels, the skipped variables are summed out explicitly (``[u == 0] + [u == 1] + ...`` for each
skipped ``u``), which makes the circuit smooth: every root mentions every variable below its top
level. In the probability semiring those sums are 1; in max-product they contribute the best
value of an unconstrained variable, which is what a most probable explanation needs.
"""

from __future__ import annotations

from ..circuit.circuit import FALSE_LEAF, INDICATOR, PRODUCT, SUM, TRUE_LEAF, Circuit
from . import mdd as M


def circuit_from_mdd(manager: M.MDDManager, roots: list[int], variables,
                     source_variables: list[int]) -> Circuit:
    circuit = Circuit(variables=list(variables), source_variables=list(source_variables))
    false_leaf = circuit.add(FALSE_LEAF)
    true_leaf = circuit.add(TRUE_LEAF)
    indicator: dict[tuple[int, int], int] = {}
    anything: dict[int, int] = {}
    gaps: dict[tuple[int, int], int] = {}
    built: dict[int, int] = {M.FALSE: false_leaf, M.TRUE: true_leaf}

    def ind(level: int, value: int) -> int:
        node = indicator.get((level, value))
        if node is None:
            node = indicator[(level, value)] = circuit.add(INDICATOR, (), (level, value))
        return node

    def any_value(level: int) -> int:
        node = anything.get(level)
        if node is None:
            kids = tuple(ind(level, k) for k in range(manager.arities[level]))
            node = anything[level] = circuit.add(SUM, kids)
        return node

    def gap(start: int, stop: int) -> list[int]:
        """Factors summing out the levels in [start, stop): none, or one shared product."""
        if start >= stop:
            return []
        if stop - start == 1:
            return [any_value(start)]
        node = gaps.get((start, stop))
        if node is None:
            node = gaps[(start, stop)] = circuit.add(
                PRODUCT, tuple(any_value(level) for level in range(start, stop)))
        return [node]

    def product(factors: list[int]) -> int:
        return factors[0] if len(factors) == 1 else circuit.add(PRODUCT, tuple(factors))

    # Children before parents: visit the diagram in post-order without recursion.
    def build(root: int) -> int:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node in built:
                continue
            kids = manager.kids[node]
            if not expanded:
                stack.append((node, True))
                stack.extend((k, False) for k in kids if k not in built)
                continue
            level = manager.level[node]
            terms = []
            for value, kid in enumerate(kids):
                if kid == M.FALSE:
                    continue
                factors = [ind(level, value)] + gap(level + 1, manager.level[kid])
                if kid != M.TRUE:
                    factors.append(built[kid])
                terms.append(product(factors))
            built[node] = terms[0] if len(terms) == 1 else circuit.add(SUM, tuple(terms))
        return built[root]

    for root in roots:
        if root == M.FALSE:
            circuit.roots.append(false_leaf)
            continue
        top = manager.level[root]
        factors = gap(0, top)
        if root != M.TRUE:
            factors.append(build(root))
        circuit.roots.append(product(factors) if factors else true_leaf)
    return circuit

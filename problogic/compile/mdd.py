"""Reduced ordered multi-valued decision diagrams (MDDs).

Each level is one categorical choice variable with ``arity`` values; a node at a level has one
child per value. Nodes are hash-consed (equal sub-diagrams are the same node) and reduced (a node
whose children are all equal is that child), so a diagram is canonical for its variable order:
two formulas are equivalent exactly when their diagrams are the same node. An MDD is a
deterministic, decomposable circuit (every node decides one variable, children never mention an
ancestor's variable), and one categorical variable is one node, never K booleans.

Node 0 is false and node 1 is true. Operations are memoized, so ``conjoin`` and ``disjoin`` cost at
most the product of the operands' sizes.
"""

from __future__ import annotations

import math

from ..errors import LimitExceededError
from ..limits import Deadline

FALSE, TRUE = 0, 1
_NEVER = 1 << 62


class NodeLimitExceeded(LimitExceededError):
    """The diagram reached ``max_nodes``."""


class Paused(Exception):
    """The manager reached the operation budget of :meth:`MDDManager.pause_at`. The operation in
    progress is abandoned, but every operation it completed is memoized: running it again
    resumes where it stopped, at the cost of walking what is cached."""


class MDDManager:
    def __init__(self, arities: list[int], max_nodes: int = 10_000_000,
                 deadline: Deadline | None = None):
        self.arities = arities
        self.terminal_level = len(arities)
        self.level: list[int] = [self.terminal_level, self.terminal_level]
        self.kids: list[tuple[int, ...]] = [(), ()]
        # Keys that the cyclic garbage collector does not track (a node's children per level,
        # a pair of nodes as one int): millions of tracked tuples cost it a walk over each
        self._unique: list[dict[tuple[int, ...], int]] = [{} for _ in arities]
        self._and: dict[int, int] = {}
        self._or: dict[int, int] = {}
        self._not: dict[int, int] = {FALSE: TRUE, TRUE: FALSE}
        self.max_nodes = max_nodes
        # operations done (each memoized: a conjunction, disjunction or negation not met
        # before); a better measure of time spent than nodes made
        self.operations = 0
        self._pause = _NEVER  # see pause_at
        self.deadline = deadline or Deadline(None)

    def __len__(self) -> int:
        return len(self.kids)

    def pause_at(self, operations: int | None) -> None:
        """Raise :class:`Paused` when :attr:`operations` would reach ``operations`` (None:
        never)."""
        self._pause = _NEVER if operations is None else operations

    def node(self, level: int, kids: tuple[int, ...]) -> int:
        first = kids[0]
        if kids.count(first) == len(kids):
            return first
        unique = self._unique[level]
        found = unique.get(kids)
        if found is not None:
            return found
        node = len(self.kids)
        if node >= self.max_nodes:
            raise NodeLimitExceeded(
                f"decision diagram exceeds {self.max_nodes} nodes (raise --max-ground-size)")
        if not node & 1023:
            self.deadline.check("compilation")
        self.level.append(level)
        self.kids.append(kids)
        unique[kids] = node
        return node

    def literal(self, level: int, value: int) -> int:
        """The diagram of ``variable(level) == value``."""
        return self.node(level, tuple(TRUE if k == value else FALSE
                                      for k in range(self.arities[level])))

    def negate(self, a: int) -> int:
        found = self._not.get(a)
        if found is None:
            self.operations += 1
            if self.operations >= self._pause:
                raise Paused
            found = self.node(self.level[a], tuple(self.negate(k) for k in self.kids[a]))
            self._not[a] = found
            self._not[found] = a
        return found

    def conjoin(self, a: int, b: int) -> int:
        if a == FALSE or b == FALSE:
            return FALSE
        if a == TRUE or a == b:
            return b
        if b == TRUE:
            return a
        key = a << 32 | b if a < b else b << 32 | a
        found = self._and.get(key)
        if found is not None:
            return found
        found = self._apply(self.conjoin, a, b)
        self._and[key] = found
        return found

    def disjoin(self, a: int, b: int) -> int:
        if a == TRUE or b == TRUE:
            return TRUE
        if a == FALSE or a == b:
            return b
        if b == FALSE:
            return a
        key = a << 32 | b if a < b else b << 32 | a
        found = self._or.get(key)
        if found is not None:
            return found
        found = self._apply(self.disjoin, a, b)
        self._or[key] = found
        return found

    def _apply(self, op, a: int, b: int) -> int:
        self.operations += 1  # inline: once per operation (a method call: 2% of compilation)
        if self.operations >= self._pause:
            raise Paused
        la, lb = self.level[a], self.level[b]
        if la == lb:
            ka, kb = self.kids[a], self.kids[b]
            if len(ka) == 2:  # most variables are boolean: skip the generic zip
                kids = (op(ka[0], kb[0]), op(ka[1], kb[1]))
            else:
                kids = tuple(map(op, ka, kb))
        elif la < lb:
            kids = tuple([op(k, b) for k in self.kids[a]])
        else:
            la = lb
            kids = tuple([op(a, k) for k in self.kids[b]])
        return self.node(la, kids)

    def conjoin_all(self, nodes) -> int:
        if len(nodes) == 2:  # most gates: no sort (either order does the same operations)
            return self.conjoin(nodes[0], nodes[1])
        result = TRUE
        for n in sorted(nodes, key=lambda n: -self.level[n]):
            result = self.conjoin(result, n)
            if result == FALSE:
                break
        return result

    def disjoin_all(self, nodes) -> int:
        if len(nodes) == 2:
            return self.disjoin(nodes[0], nodes[1])
        result = FALSE
        for n in sorted(nodes, key=lambda n: -self.level[n]):
            result = self.disjoin(result, n)
            if result == TRUE:
                break
        return result


def probabilities(manager: MDDManager, roots: list[int],
                  weights: list[list[float]]) -> list[float]:
    """The weighted model count of each root: ``weights[level][k]`` is the probability of
    value ``k`` of the variable at ``level``. Levels a path skips sum out to 1 (each
    variable's weights sum to 1), so no smoothing is needed in this semiring."""
    value = [0.0] * len(manager.kids)
    value[TRUE] = 1.0
    level, kids = manager.level, manager.kids
    for node in evaluation_order(manager, roots):
        w = weights[level[node]]
        below = kids[node]
        if len(below) == 2:
            value[node] = w[0] * value[below[0]] + w[1] * value[below[1]]
        else:
            value[node] = sum(w[k] * value[kid] for k, kid in enumerate(below))
    return [value[r] for r in roots]


def log_probabilities(manager: MDDManager, roots: list[int],
                      weights: list[list[float]]) -> list[float]:
    """:func:`probabilities` in log space (``-inf`` for 0): for roots whose probability is
    below what a float holds (the evidence of a thousand observations)."""
    value = log_weighted_counts(manager, roots, weights)
    return [value[r] for r in roots]


def log_weighted_counts(manager: MDDManager, roots: list[int], weights: list[list[float]],
                        max_levels: int = 0) -> list[float]:
    """The log weighted model count of every node the roots reach, indexed by node (see
    :func:`probabilities`; the entries of nodes they do not reach mean nothing). At the
    first ``max_levels`` levels the values are maximised over instead of summed (their
    weights are not read): with those levels above all others, a root's value is
    max over their assignments of the weighted count of the rest (MAP)."""
    value = [0.0] * len(manager.kids)
    value[FALSE] = -math.inf
    logs = [[math.log(w) if w > 0.0 else -math.inf for w in ws] for ws in weights]
    level, kids = manager.level, manager.kids
    for node in evaluation_order(manager, roots):
        if level[node] < max_levels:
            value[node] = max(value[kid] for kid in kids[node])
            continue
        w = logs[level[node]]
        terms = [w[k] + value[kid] for k, kid in enumerate(kids[node])]
        top = max(terms)
        value[node] = top if top == -math.inf else \
            top + math.log(sum(math.exp(t - top) for t in terms))
    return value


def evaluation_order(manager: MDDManager, roots: list[int]) -> list[int]:
    """The decision nodes the roots reach, each after its children: in increasing order,
    since a node is made after its children. One pass down the node numbers marks what the
    roots reach (a third of a depth-first walk's time)."""
    kids = manager.kids
    reached = bytearray(len(kids))
    for root in roots:
        reached[root] = 1
    for node in range(len(kids) - 1, TRUE, -1):
        if reached[node]:
            for kid in kids[node]:
                reached[kid] = 1
    return [node for node in range(TRUE + 1, len(kids)) if reached[node]]


def holds(manager: MDDManager, root: int, values: list[int]) -> bool:
    """Whether the diagram ``root`` is true when the variable at each level takes
    ``values[level]``: one path down."""
    node = root
    while node > TRUE:
        node = manager.kids[node][values[manager.level[node]]]
    return node == TRUE


def size(manager: MDDManager, roots: list[int]) -> int:
    """Decision nodes reachable from the roots."""
    return len(evaluation_order(manager, roots))

"""From the ground program to a propositional formula over choice variables.

The formula keeps the ground program's nodes that the queries and evidence reach, with constants
propagated, in dependency order (strongly connected components). A component of
several nodes, or one that refers to itself, is a positive cycle: its meaning is the least
fixpoint (an atom is true only if it has a well-founded proof). Cycles are broken by copying
their nodes per context of ancestors (see :class:`_Builder`), so the formula handed to the
compiler is acyclic. A cycle through negation has no such meaning and is an error.

(An earlier version kept cycles and let the compiler iterate decision diagrams to their least
fixpoint; it built every cycle member's full reachability function, and on random graphs of 30
nodes it was 100x slower than unfolding only what the roots need.)

Literals use the ground program's encoding: ``+n``/``-n`` for node ``n`` or its negation,
``TRUE = 1``, ``FALSE = -1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import LimitExceededError, NegativeCycleError
from ..grounding.ground_program import (AND, CHOICE, CONST, FALSE, OR, TRUE, ChoiceVariable,
                                        GroundProgram, reachable)
from ..language.terms import Term
from ..limits import Deadline, Limits


@dataclass
class Formula:
    """An acyclic formula: ``kinds[n]``/``payload[n]`` as in the ground program, ``order`` lists
    every node with children first."""

    kinds: dict[int, int]
    payload: dict[int, tuple]
    variables: list[ChoiceVariable]
    order: list[int]
    queries: list[tuple[Term, int]]
    evidence: list[tuple[Term, int, bool]]
    variable_order: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.kinds)

    def roots(self) -> list[int]:
        return [lit for _, lit in self.queries] + [lit for _, lit, _ in self.evidence]


def _components(program: GroundProgram, roots: list[int]) -> tuple[list, list[bool]]:
    """Strongly connected components of the part of the ground program that ``roots``
    reach, dependencies first, and whether each is a cycle."""
    kinds, payload = program.kinds, program.payload

    def successors(node: int) -> list[int]:
        if kinds[node] in (AND, OR):
            return [abs(c) for c in payload[node] if abs(c) != TRUE]
        return []

    return strongly_connected(reachable(kinds, payload, roots), successors)


def _acyclic_order(kinds, payload, roots: list[int]) -> list[int] | None:
    """The nodes the roots reach, each after every node it reaches, or None where they reach
    a cycle: a depth-first walk from the last root back to the first, children in order,
    which is where Tarjan's algorithm over :func:`reachable`'s nodes starts its walks (so
    the order of :func:`_components`, at a third of the cost)."""
    state: dict[int, bool] = {}  # False: on the walk's path; True: done
    order: list[int] = []
    gates = (AND, OR)
    for root in reversed(roots):
        root = abs(root)
        if root == TRUE or root in state:
            continue
        state[root] = False
        path = [(root, iter(payload[root] if kinds[root] in gates else ()))]
        while path:
            node, children = path[-1]
            for child in children:
                child = abs(child)
                if child == TRUE:
                    continue
                done = state.get(child)
                if done is None:
                    state[child] = False
                    path.append((child, iter(payload[child] if kinds[child] in gates else ())))
                    break
                if not done:  # back to a node on the path: a cycle
                    return None
            else:
                path.pop()
                state[node] = True
                order.append(node)
    return order


def strongly_connected(nodes, successors) -> tuple[list[tuple[int, ...]], list[bool]]:
    """Strongly connected components, each emitted after every component it reaches
    (dependencies first), and whether each is a cycle. Tarjan's algorithm, iterative.
    (networkx's condensation did the same at several times the cost.)"""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    components, cyclic = [], []
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(successors(start)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    advanced = True
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                group.sort()
                components.append(tuple(group))
                cyclic.append(len(group) > 1 or node in successors(node))
    return components, cyclic


class _Builder:
    """Constant propagation in dependency order, then cycle breaking on demand.

    A node of a positive cycle is copied once per *context*: the set of cycle nodes already on
    the path from the root that it can reach again. A derivation that re-enters its own context
    is not well-founded and is dropped, so each copy is acyclic and means exactly the least
    fixpoint. Copies are shared between contexts that agree on the reachable ancestors.

    Sets of cycle atoms are bit masks (each atom of a cycle has a bit): an intersection is one
    int operation and a mask hashes in time linear in its words, where frozensets made per
    call cost a hash of every element (random graphs of 50 nodes: 135k copies, formula stage
    1.55 -> 0.8 s).
    """

    def __init__(self, program: GroundProgram, limits: Limits, deadline: Deadline):
        self.program = program
        # Copies can be exponential in the cycles' size: they count against the ground size
        # limit (with their contexts, which hold most of their memory) and the deadline.
        self.limits, self.deadline = limits, deadline
        self.copied = 0
        self.value: dict[int, int] = {TRUE: TRUE}  # acyclic node -> literal it simplifies to
        self.kinds: dict[int, int] = {}
        self.payload: dict[int, tuple] = {}
        self.order: list[int] = []
        self.cyclic: dict[int, tuple[int, tuple[int, ...]]] = {}  # member -> (kind, children)
        self.bit: dict[int, int] = {}  # cycle atom -> its bit in its cycle's context masks
        self.cycle_of: dict[int, int] = {}  # cycle node -> the number of its cycle
        self.cycles = 0
        self.reach: dict[int, int] = {}  # mask
        self.copies: dict[tuple[int, int], int] = {}
        self.next_id = len(program.kinds)

    def literal(self, lit: int, context: int = 0) -> int:
        node = abs(lit)
        if node in self.cyclic:
            mapped = self.unfold(node, context)
        else:
            mapped = self.value[node]
        return mapped if lit > 0 else -mapped

    def emit(self, node: int, kind: int, children) -> int:
        simplified = _simplify(kind, children) if kind != CHOICE else children
        if isinstance(simplified, int):
            return simplified
        self.kinds[node], self.payload[node] = kind, simplified
        self.order.append(node)
        return node

    def add_acyclic(self, node: int) -> None:
        kind = self.program.kinds[node]
        if kind == CONST:
            self.value[node] = TRUE
        elif kind == CHOICE:
            self.value[node] = self.emit(node, CHOICE, self.program.payload[node])
        elif self.cyclic:
            children = [self.literal(c) for c in self.program.payload[node]]
            self.value[node] = self.emit(node, kind, children)
        else:  # literal() without cycles to unfold
            value = self.value
            children = [value[c] if c > 0 else -value[-c] for c in self.program.payload[node]]
            self.value[node] = self.emit(node, kind, children)

    def add_cycle(self, group: tuple[int, ...]) -> None:
        program = self.program
        members = set(group)
        for node in group:
            for child in program.payload[node]:
                if child < 0 and abs(child) in members:
                    raise NegativeCycleError(
                        f"negative cycle through {program.describe(node)}")
        resolved = _simplify_cycle(program, group, members, self.literal)
        live = {node for node in group if resolved[node] is None}
        for node in group:
            if node not in live:
                self.value[node] = resolved[node]
        for node in live:
            children = []
            for child in program.payload[node]:
                if abs(child) in live:
                    children.append(child)
                elif abs(child) in members:
                    mapped = resolved[abs(child)]
                    children.append(mapped if child > 0 else -mapped)
                else:
                    children.append(self.literal(child))
            self.cyclic[node] = (program.kinds[node], tuple(children))
        self._reachable_atoms(live)

    def _reachable_atoms(self, live: set[int]) -> None:
        """``reach[node]``: the cycle atoms (OR nodes) a node can reach again. Only atoms go
        into contexts: every cycle passes through one, and leaving the AND nodes out lets more
        copies be shared. Computed per strongly connected part of the simplified cycle."""

        def successors(node: int) -> list[int]:
            return [abs(c) for c in self.cyclic[node][1] if abs(c) in live]

        cycle, self.cycles = self.cycles, self.cycles + 1
        atoms = [node for node in sorted(live) if self.cyclic[node][0] == OR]
        for i, node in enumerate(atoms):
            self.bit[node] = 1 << i
        for node in live:
            self.cycle_of[node] = cycle
        parts, looping = strongly_connected(sorted(live), successors)
        part_of = {node: i for i, part in enumerate(parts) for node in part}
        atoms_of = [0] * len(parts)
        for node in atoms:
            atoms_of[part_of[node]] |= self.bit[node]
        reach: list[int] = []
        for i, part in enumerate(parts):  # dependencies first
            atoms = atoms_of[i] if looping[i] else 0
            for node in part:
                for child in successors(node):
                    j = part_of[child]
                    if j != i:
                        atoms |= reach[j] | atoms_of[j]
            reach.append(atoms)
        for node in live:
            self.reach[node] = reach[part_of[node]]

    def unfold(self, node: int, context: int) -> int:
        bit = self.bit.get(node, 0)
        if context & bit:
            return FALSE
        key = (node, context & self.reach[node])
        found = self.copies.get(key)
        if found is not None:
            return found
        kind, children = self.cyclic[node]
        inner = key[1] | bit
        cycle, cycle_of = self.cycle_of[node], self.cycle_of
        # a child in an earlier cycle reaches none of this one's atoms: no context there
        mapped = [c if abs(c) not in cycle_of else
                  self.literal(c, inner if cycle_of[abs(c)] == cycle else 0)
                  for c in children]
        if key[1]:
            copy, self.next_id = self.next_id, self.next_id + 1
            self._count_copy(node, key[1].bit_count())
        else:
            copy = node
        result = self.emit(copy, kind, mapped)
        self.copies[key] = result
        return result


    def _count_copy(self, node: int, context_size: int) -> None:
        self.copied += 1 + context_size
        if self.copied > self.limits.max_ground_size:
            name = self.program.names.get(node)
            raise LimitExceededError(
                "breaking positive cycles" + (f" (through {name})" if name else "") +
                f" needs more than {self.limits.max_ground_size} nodes (raise it with "
                "--max-ground-size)")
        self.deadline.check("cycle breaking")


def build_formula(program: GroundProgram, limits: Limits | None = None,
                  deadline: Deadline | None = None) -> Formula:
    """Simplify the relevant part of ``program``, break its positive cycles and order it.
    Cycle breaking copies nodes; the copies (weighted by their context's size) count against
    ``limits.max_ground_size``, and ``deadline`` is checked as they are made."""
    roots = [lit for _, lit in program.queries] + [lit for _, lit, _ in program.evidence]
    limits = limits or Limits()
    builder = _Builder(program, limits, deadline or Deadline(limits.timeout))
    order = _acyclic_order(program.kinds, program.payload, roots)
    if order is not None:  # the common case: no cycle, every node its own component
        for node in order:
            builder.add_acyclic(node)
    else:
        for group, is_cyclic in zip(*_components(program, roots)):
            if is_cyclic:
                builder.add_cycle(group)
            else:
                builder.add_acyclic(group[0])

    def root(lit: int) -> int:
        return lit if abs(lit) == TRUE else builder.literal(lit)

    queries = [(term, root(lit)) for term, lit in program.queries]
    evidence = [(term, root(lit), v) for term, lit, v in program.evidence]
    # Simplification can disconnect nodes (a cycle without support is false): keep only what
    # the simplified roots still reach.
    live = set(reachable(builder.kinds, builder.payload, [lit for _, lit in queries] +
                          [lit for _, lit, _ in evidence]))
    formula = Formula({n: k for n, k in builder.kinds.items() if n in live},
                      {n: p for n, p in builder.payload.items() if n in live},
                      program.variables, [n for n in builder.order if n in live],
                      queries, evidence)
    formula.variable_order = _variable_order(formula)
    return formula


def _simplify(kind: int, children: list[int]) -> int | tuple[int, ...]:
    """A constant or single literal, or the remaining children (each once, in order)."""
    absorbing, neutral = (FALSE, TRUE) if kind == AND else (TRUE, FALSE)
    if absorbing in children:
        return absorbing
    if len(children) == 2:  # most gates: a third of dict.fromkeys' cost
        a, b = children
        rest = (a,) if a == b else (a, b)
    else:
        rest = tuple(dict.fromkeys(children))
    if neutral in rest:
        rest = tuple(c for c in rest if c != neutral)
    if len(rest) < 2:
        return rest[0] if rest else neutral
    if kind == AND and (rest[0] == -rest[1] if len(rest) == 2 else
                        not {-c for c in rest}.isdisjoint(rest)):
        return FALSE  # a literal and its negation
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


def _variable_order(formula: Formula, iterations: int = 30) -> list[int]:
    """A static variable order: first appearance in a depth-first walk from the roots, then
    refined by FORCE (Aloul, Markov, Sakallah): each variable moves to the mean position of the
    gates it takes part in, so variables used together end up close together. On
    smokers-and-friends with 20 people this shrinks the diagrams tenfold."""
    order = _depth_first_order(formula)
    gates = _gates(formula)
    if len(order) < 3 or not gates:
        return order
    position = {v: float(i) for i, v in enumerate(order)}
    for _ in range(iterations):
        total = dict.fromkeys(order, 0.0)
        count = dict.fromkeys(order, 0)
        for gate, times in gates.items():
            center = sum(position[v] for v in gate) / len(gate)
            for v in gate:
                total[v] += center * times
                count[v] += times
        ranked = sorted(order, key=lambda v: (total[v] / count[v] if count[v] else position[v],
                                              position[v]))
        new_position = {v: float(i) for i, v in enumerate(ranked)}
        if new_position == position:
            break
        position, order = new_position, ranked
    return order


# How far below a gate _gates looks for its variables. Two levels miss what meets only
# through a chain of gates: a hidden Markov model's emission at step t sits beside the state
# atom at t, whose children are conjunctions of the state at t - 1 and a transition into t.
# With two levels the emissions ended up after every transition: 442k diagram nodes at 30
# steps (evidence at every other step), over 5M at 50; with three, 3-state models of 40
# steps compile in 81k operations. Counts, sums, graphs and smokers keep their orders.
GATE_DEPTH = 3


# Up to this many variables, _gates holds sets of variables as bit masks: an int of at most
# 1024 bits is smaller than a frozenset of two, and a union is one int operation (digit
# addition with N = 3: 1.4 s against 5.5 s). Beyond, masks grow with the highest variable,
# not with the set: a gate over 100k facts took 23 s instead of 0.3 s.
MASK_VARIABLES = 1024


def _gates(formula: Formula) -> dict[tuple[int, ...], int]:
    """For each gate, the variables of its choice descendants at most :data:`GATE_DEPTH`
    levels down, sorted; equal sets counted once with their number (a million gates of digit
    addition with N = 3 use a few dozen sets of its six variables)."""
    kinds, payload = formula.kinds, formula.payload
    masks = len(formula.variables) <= MASK_VARIABLES
    within = _within_mask if masks else _within_set
    # the children's sets, per depth: gates share children, so they are memoized
    memo: dict[int, dict] = {d: {} for d in range(1, GATE_DEPTH)}
    counts: dict = {}
    for node, kind in kinds.items():
        if kind != CHOICE:
            members = within(node, GATE_DEPTH, kinds, payload, memo)
            if masks:
                if members & (members - 1):  # two variables or more
                    counts[members] = counts.get(members, 0) + 1
            elif len(members) > 1:
                key = tuple(sorted(members))
                counts[key] = counts.get(key, 0) + 1
    return {_bits(mask): count for mask, count in counts.items()} if masks else counts


def _within_mask(node: int, depth: int, kinds, payload, memo) -> int:
    """The variables of the choice nodes at most ``depth`` levels below ``node``, a mask."""
    mask = 0
    for child in payload[node]:
        child = abs(child)
        kind = kinds.get(child)
        if kind == CHOICE:
            mask |= 1 << payload[child][0]
        elif kind is not None and depth > 1:
            found = memo[depth - 1].get(child)
            if found is None:
                found = memo[depth - 1][child] = _within_mask(child, depth - 1, kinds,
                                                              payload, memo)
            mask |= found
    return mask


def _within_set(node: int, depth: int, kinds, payload, memo) -> set[int]:
    """The variables of the choice nodes at most ``depth`` levels below ``node``."""
    members: set[int] = set()
    for child in payload[node]:
        child = abs(child)
        kind = kinds.get(child)
        if kind == CHOICE:
            members.add(payload[child][0])
        elif kind is not None and depth > 1:
            found = memo[depth - 1].get(child)
            if found is None:
                found = memo[depth - 1][child] = frozenset(
                    _within_set(child, depth - 1, kinds, payload, memo))
            members |= found
    return members


def _bits(mask: int) -> tuple[int, ...]:
    """The positions of the set bits of ``mask``, ascending."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return tuple(out)


def _depth_first_order(formula: Formula) -> list[int]:
    """Choice variables in order of first appearance in a depth-first walk from the roots."""
    kinds, payload = formula.kinds, formula.payload
    order: list[int] = []
    seen_vars: set[int] = set()
    seen: set[int] = set()
    for root in formula.roots():
        stack = [abs(root)]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            kind = kinds.get(node)
            if kind == CHOICE:
                var = payload[node][0]
                if var not in seen_vars:
                    seen_vars.add(var)
                    order.append(var)
            elif kind is not None:
                stack.extend(map(abs, reversed(payload[node])))
    return order

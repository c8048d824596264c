"""What the evidence alone decides: unit propagation of the evidence over the ground program.

ProbLog propagates the evidence while grounding, so an answer of a non-ground query that the
evidence makes false by propagation is no answer at all: ``0.5::a(1). 0.5::a(2).
evidence(\\+ a(2)). query(a(X)).`` answers ``a(1)`` only. :func:`decided_false` finds those
answers here, after grounding, with the same propagation: a node is decided when the evidence
forces it through one gate at a time (an AND with a false child is false, an OR whose other
children are false and which holds has its last child true, a choice made rules out the
variable's other values, ...). A ground query is kept whatever its value (it prints 0).
"""

from __future__ import annotations

from collections import defaultdict

from .ground_program import AND, CHOICE, OR, TRUE, GroundProgram, reachable


def decided_false(program: GroundProgram, literals: list[int]) -> set[int]:
    """The ``literals`` that the evidence makes false by unit propagation (none when the
    evidence contradicts itself: the exact computation reports that). Linear in the size of
    the part the evidence and ``literals`` reach: each gate keeps a count of its undecided
    children."""
    roots = [lit for _, lit, _ in program.evidence] + literals
    kinds, payload = program.kinds, program.payload
    nodes = reachable(kinds, payload, roots)
    parents: dict[int, list[tuple[int, int]]] = defaultdict(list)  # node -> (gate, literal)
    undecided: dict[int, int] = {}  # gate -> children not decided yet
    absorbed: set[int] = set()  # gates with a child that decides them (AND: false, OR: true)
    done: set[int] = set()  # gates whose value has been pushed down to their children
    choices: dict[int, list[int]] = defaultdict(list)  # variable -> its value nodes
    # One atom can have several nodes (the tables of different calls, p(a, X) and p(a, b),
    # each derive p(a, b)): what decides one decides them all.
    namesakes: dict[object, list[int]] = defaultdict(list)
    for node in nodes:
        name = program.names.get(node)
        if name is not None:
            namesakes[name].append(node)
        if kinds[node] in (AND, OR):
            undecided[node] = len(payload[node])
            for child in payload[node]:
                parents[abs(child)].append((node, child))
        elif kinds[node] == CHOICE:
            choices[payload[node][0]].append(node)
    value: dict[int, bool] = {}
    queue: list[int] = []

    def assign(lit: int, holds: bool) -> bool:
        """Decide a literal (with every node of its atom); False on a contradiction."""
        node, holds = abs(lit), holds == (lit > 0)
        known = value.get(node, None if node != TRUE else True)
        if known is not None:
            return known == holds
        name = program.names.get(node)
        for same in namesakes[name] if name is not None else (node,):
            if value.setdefault(same, holds) != holds:
                return False
            queue.append(same)
        return True

    def open_child(gate: int) -> int | None:
        """Its child not decided yet; None where the count lags (a child decided, still in
        the queue: that settles the gate again)."""
        return next((c for c in payload[gate] if abs(c) != TRUE and abs(c) not in value), None)

    def settle(gate: int) -> bool:
        """Decide what ``gate``'s counts and value decide; False on a contradiction."""
        absorbing = kinds[gate] == OR  # OR: a true child decides it; AND: a false one
        if gate in absorbed:
            if not assign(gate, absorbing):
                return False
        elif undecided[gate] == 0 and not assign(gate, not absorbing):
            return False
        own = value.get(gate)
        if own is None or gate in done:
            return True
        if own != absorbing:  # an AND that holds, an OR that fails: every child alike
            done.add(gate)
            return all(assign(c, own) for c in payload[gate])
        if gate not in absorbed and undecided[gate] == 1:  # the last child that can decide
            child = open_child(gate)
            if child is not None:
                done.add(gate)
                return assign(child, absorbing)
        return True

    def decide_choice(node: int) -> bool:
        siblings = choices[payload[node][0]]
        if value[node]:
            return all(assign(s, False) for s in siblings if s != node)
        # the variable takes one of its values: its last open value, when the others are
        # out and every value has a node here (else an absent one may hold)
        open_ = [s for s in siblings if value.get(s) is not False]
        if len(open_) == 1 and len(siblings) == _arity(program, node):
            return assign(open_[0], True)
        return True

    for node in nodes:  # gates whose children are all constants
        if node in undecided:
            for child in payload[node]:
                if abs(child) == TRUE:
                    undecided[node] -= 1
                    if (child > 0) == (kinds[node] == OR):
                        absorbed.add(node)
    for _, lit, holds in program.evidence:
        if not assign(lit, holds):
            return set()
    if not all(settle(gate) for gate in undecided if gate in absorbed or not undecided[gate]):
        return set()
    while queue:
        node = queue.pop()
        if node in undecided and not settle(node):
            return set()
        if kinds[node] == CHOICE and not decide_choice(node):
            return set()
        for gate, lit in parents.get(node, ()):
            undecided[gate] -= 1
            if (value[node] == (lit > 0)) == (kinds[gate] == OR):  # the child decides it
                absorbed.add(gate)
            if not settle(gate):
                return set()
    return {lit for lit in literals
            if lit == -TRUE or abs(lit) in value and value[abs(lit)] != (lit > 0)}


def _arity(program: GroundProgram, node: int) -> int:
    return program.variables[program.payload[node][0]].arity


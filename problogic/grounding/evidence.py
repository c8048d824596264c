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
    evidence contradicts itself: the exact computation reports that)."""
    roots = [lit for _, lit, _ in program.evidence] + literals
    nodes = reachable(program.kinds, program.payload, roots)
    parents: dict[int, list[int]] = defaultdict(list)
    choices: dict[int, list[int]] = defaultdict(list)  # variable -> its value nodes
    # One atom can have several nodes (the tables of different calls, p(a, X) and p(a, b),
    # each derive p(a, b)): what decides one decides them all.
    namesakes: dict[object, list[int]] = defaultdict(list)
    for node in nodes:
        kind = program.kinds[node]
        name = program.names.get(node)
        if name is not None:
            namesakes[name].append(node)
        if kind in (AND, OR):
            for child in program.payload[node]:
                parents[abs(child)].append(node)
        elif kind == CHOICE:
            choices[program.payload[node][0]].append(node)
    value: dict[int, bool] = {TRUE: True}
    queue: list[int] = []

    def assign(lit: int, holds: bool) -> bool:
        node, holds = abs(lit), holds == (lit > 0)
        known = value.get(node)
        if known is not None:
            return known == holds
        name = program.names.get(node)
        for same in namesakes[name] if name is not None else (node,):
            if value.setdefault(same, holds) != holds:
                return False
            queue.append(same)
        return True

    def literal(lit: int) -> bool | None:
        known = value.get(abs(lit))
        return known if known is None or lit > 0 else not known

    def settle(node: int) -> bool:
        """Propagate through ``node``'s gate (its own value, if any, and its children's);
        False on a contradiction."""
        kind = program.kinds[node]
        if kind == CHOICE:
            siblings = choices[program.payload[node][0]]
            if value.get(node):
                return all(assign(s, False) for s in siblings if s != node)
            open_ = [s for s in siblings if value.get(s) is not False]
            # the variable takes one of its values: its last open value, when the others
            # are out and every value has a node here (else an absent one may hold)
            if len(open_) == 1 and len(siblings) == _arity(program, node):
                return assign(open_[0], True)
            return True
        if kind not in (AND, OR):
            return True
        children = program.payload[node]
        absorbing = kind == OR  # OR: a true child decides it; AND: a false one
        states = [literal(c) for c in children]
        if absorbing in states:
            if not assign(node, absorbing):
                return False
        elif all(s is not None for s in states) and not assign(node, not absorbing):
            return False
        own = value.get(node)
        if own is None:
            return True
        if own != absorbing:  # an AND that holds, an OR that fails: every child alike
            return all(assign(c, own) for c in children)
        open_ = [c for c, s in zip(children, states) if s is None]
        if len(open_) == 1 and absorbing not in states:
            return assign(open_[0], absorbing)  # the last child that can decide it
        return True

    for _, lit, holds in program.evidence:
        if not assign(lit, holds):
            return set()
    while queue:
        node = queue.pop()
        for gate in [node] + parents.get(node, []):
            if not settle(gate):
                return set()
    return {lit for lit in literals if literal(lit) is False}


def _arity(program: GroundProgram, node: int) -> int:
    return program.variables[program.payload[node][0]].arity


"""Answer tables of tabled calls.

Every call to a user predicate is tabled by *variant* (the call up to variable renaming). A table
holds the call's answers; each answer is an instance of the call and owns an OR node of the
ground program whose children are the answer's ground bodies. Tables that depend on each other
recursively form a strongly connected component that is re-evaluated until no table gains an
answer or a body (see :mod:`engine`); only then are they complete.
"""

from __future__ import annotations

from ..language.terms import Term, TermLike
from .ground_program import TRUE, GroundProgram

EVALUATING, COMPLETE = 0, 1


class Answer:
    __slots__ = ("term", "node", "bodies", "literal")

    def __init__(self, term: TermLike, node: int):
        self.term = term  # the answer, with private variables if it is not ground
        self.node = node  # its OR node
        self.bodies: dict[tuple[int, ...], None] = {}  # ordered set of body literal tuples
        self.literal = node  # what consumers use: TRUE once known deterministic


class Table:
    __slots__ = ("goal", "key", "status", "answers", "by_key", "dfn", "lowlink", "active",
                 "token", "location", "recursive", "by_argument")

    def __init__(self, goal: Term, dfn: int, key=None):
        self.goal = goal  # private copy of the call
        self.key = key  # the call's variant key in the grounder's tables
        self.status = EVALUATING
        self.answers: list[Answer] = []
        self.by_key: dict[TermLike, Answer] = {}
        self.dfn = dfn
        self.lowlink = dfn
        self.active = False
        self.token: object = None
        self.location = goal.location
        self.recursive = False  # read while incomplete: its component needs a fixpoint
        # see answers_with: position -> {integer value: answers} (None: not integers)
        self.by_argument: dict[int, dict[int, list[Answer]] | None] | None = None

    def add(self, key: TermLike, term: TermLike, body: tuple[int, ...],
            program: GroundProgram) -> bool:
        """Record one derivation; True when it is new (a new answer or a new body)."""
        answer = self.by_key.get(key)
        if answer is None:
            answer = Answer(term, program.new_or(term if isinstance(term, Term) else None))
            self.by_key[key] = answer
            self.answers.append(answer)
        elif body in answer.bodies:
            return False
        answer.bodies[body] = None
        if not body:
            answer.literal = TRUE
        return True

    def answers_with(self, position: int, value: int) -> list[Answer] | None:
        """The answers (of a complete table) whose argument ``position`` is the integer
        ``value``, in order; None where some answer has anything but an integer there (the
        caller then scans them all, and meets whatever error they cause)."""
        if self.by_argument is None:
            self.by_argument = {}
        if position in self.by_argument:
            index = self.by_argument[position]
        else:
            index = {}
            for answer in self.answers:
                argument = answer.term.args[position]
                if type(argument) is not int:
                    index = None
                    break
                index.setdefault(argument, []).append(answer)
            self.by_argument[position] = index
        return None if index is None else index.get(value, [])

    def complete(self, program: GroundProgram) -> None:
        """Freeze the table and write each answer's bodies into its OR node."""
        self.status = COMPLETE
        for answer in self.answers:
            bodies = tuple(program.conjunction(body) for body in answer.bodies)
            program.set_children(answer.node, bodies)
            if TRUE in bodies:
                answer.literal = TRUE
            elif len(bodies) == 1 and abs(bodies[0]) != answer.node:
                # An answer with one body is that body; consumers skip the OR node.
                answer.literal = bodies[0]

"""Answer tables of tabled calls.

Every call to a user predicate is tabled by *variant* (the call up to variable renaming). A table
holds the call's answers; each answer is an instance of the call and owns an OR node of the
ground program whose children are the answer's ground bodies. Tables that depend on each other
recursively form a strongly connected component that is re-evaluated until no table gains an
answer or a body (see :mod:`engine`); only then are they complete.

The OR node needs each body once, but findall/3 counts proofs, as Prolog does: an answer
also keeps its derivations where they are more than one per body (a body derived twice, or
a proof through answers that have several), which :meth:`Grounder.proofs` expands.
"""

from __future__ import annotations

from ..language.terms import Term, TermLike
from .ground_program import TRUE, GroundProgram

EVALUATING, COMPLETE = 0, 1


class Answer:
    __slots__ = ("term", "node", "bodies", "literal", "derivations", "counted")

    def __init__(self, term: TermLike, node: int):
        self.term = term  # the answer, with private variables if it is not ground
        self.node = node  # its OR node
        self.bodies: dict[tuple[int, ...], None] = {}  # ordered set of body literal tuples
        self.literal = node  # what consumers use: TRUE once known deterministic
        # Its derivations, one per proof as Prolog counts them, where that is not simply one
        # per body: [(body, answers with derivations of their own that the proof used)].
        # None: one derivation per body. All-solutions predicates read it (see
        # Grounder.derivations); a derivation in a recursive component counts once per body.
        self.derivations: list[tuple[tuple[int, ...], tuple]] | None = None
        # Complete, and proved more than once in some world: a proof that uses it uses one
        # of its derivations, which the grounder then notes (Grounder.used).
        self.counted = False


class Table:
    __slots__ = ("goal", "key", "status", "answers", "by_key", "dfn", "lowlink", "active",
                 "token", "location", "recursive", "by_argument", "one_pass")

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
        # Evaluated in one pass so far: each derivation was recorded once. A pass that is
        # run again derives everything again, and the derivations are not counted.
        self.one_pass = True

    def add(self, key: TermLike, term: TermLike, body: tuple[int, ...],
            program: GroundProgram, used: tuple = ()) -> bool:
        """Record one derivation, which ``used`` the answers with derivations of their own
        in ``used``; True when it is new (a new answer or a new body)."""
        answer = self.by_key.get(key)
        if answer is None:
            answer = Answer(term, program.new_or(term if isinstance(term, Term) else None))
            self.by_key[key] = answer
            self.answers.append(answer)
        elif body in answer.bodies:
            if self.one_pass:  # a second proof with the same body
                self._count(answer, body, used, new_body=False)
            return False
        answer.bodies[body] = None
        if not body:
            answer.literal = TRUE
        if self.one_pass and (used or answer.derivations is not None):
            self._count(answer, body, used, new_body=True)
        return True

    @staticmethod
    def _count(answer: Answer, body: tuple[int, ...], used: tuple, new_body: bool) -> None:
        if answer.derivations is None:  # until now, one derivation per body
            earlier = list(answer.bodies)[:-1] if new_body else answer.bodies
            answer.derivations = [(b, ()) for b in earlier]
        answer.derivations.append((body, used))

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
            if not self.one_pass:
                answer.derivations = None
            answer.counted = answer.derivations is not None or len(answer.bodies) > 1
            bodies = tuple(program.conjunction(body) for body in answer.bodies)
            program.set_children(answer.node, bodies)
            if TRUE in bodies:
                answer.literal = TRUE
            elif len(bodies) == 1 and abs(bodies[0]) != answer.node:
                # An answer with one body is that body; consumers skip the OR node.
                answer.literal = bodies[0]

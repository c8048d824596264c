"""Query-driven grounding: SLD resolution with tabling, producing a :class:`GroundProgram`.

``solve(goal)`` is a generator: each time it yields, the substitution holds one answer and the
yielded tuple holds the ground literals that answer depends on (empty for a deterministic
answer). Resuming the generator undoes that answer's bindings.

Calls to user predicates are tabled by variant and evaluated completely before their answers are
returned (local scheduling). A call that meets an ancestor still being evaluated reads the
ancestor's answers so far; the oldest table of such a strongly connected component (the
*leader*) then re-runs the component until no table gains an answer or a body, and completes
all of them together. Answers of recursive atoms refer to each other's OR nodes, so positive
cycles reach the ground program, where the formula stage gives them least-fixpoint meaning.
"""

from __future__ import annotations

from typing import Iterator

from ..errors import (GroundingError, LimitExceededError, NegativeCycleError,
                      SourceLocation, UnknownPredicateError)
from ..language.program import Clause, ProbabilisticClause, Program
from ..language.terms import TRUE as TRUE_ATOM, Term, TermLike, Var, conjuncts, variables
from ..limits import Deadline, Limits
from .ground_program import FALSE, TRUE, GroundProgram
from .probabilistic import ChoiceFactory
from .tables import COMPLETE, Table
from .unify import Substitution, canonical, rename

Literals = tuple  # tuple[int, ...]: the literals an answer depends on


class PreparedClause:
    """A clause with its body flattened and its variables listed once, ready to be renamed."""

    __slots__ = ("clause", "index", "heads", "body", "variables", "probabilistic")

    def __init__(self, clause: Clause | ProbabilisticClause, index: int):
        self.clause = clause
        self.index = index
        self.probabilistic = isinstance(clause, ProbabilisticClause)
        if self.probabilistic:
            self.heads = tuple(head for _, head in clause.heads)
        else:
            self.heads = (clause.head,)
        body = [] if clause.body == TRUE_ATOM else conjuncts(clause.body)
        self.body = tuple(body)
        # The variables identifying a ground instance: those of the heads and the body (a
        # variable only in an annotation such as t(_) does not make instances distinct).
        all_terms = Term("$clause", tuple(self.heads) + self.body)
        self.variables = tuple(variables(all_terms))


def _first_arg_key(term: TermLike):
    t = type(term)
    if t is Term:
        return (term.functor, len(term.args))
    if t is Var:
        return None
    return (t, term)


class PredicateIndex:
    """The clauses of one predicate, indexed on the first argument of their head."""

    def __init__(self, entries: list[tuple[PreparedClause, int]]):
        # entries: (clause, which head) in source order
        self.all = entries
        self.by_key: dict[object, list] = {}
        self.open: list = []  # clauses whose first argument is a variable
        keys: dict[object, None] = {}
        for prepared, head_index in entries:
            head = prepared.heads[head_index]
            if head.args:
                key = _first_arg_key(head.args[0])
                if key is not None:
                    keys[key] = None
        for key in keys:
            self.by_key[key] = [e for e in entries if self._matches(e, key)]
        self.open = [e for e in entries if self._matches(e, None)]

    @staticmethod
    def _matches(entry, key) -> bool:
        prepared, head_index = entry
        head = prepared.heads[head_index]
        if not head.args:
            return True
        own = _first_arg_key(head.args[0])
        return own is None or own == key

    def candidates(self, first_arg: TermLike):
        if first_arg is None:
            return self.all
        key = _first_arg_key(first_arg)
        if key is None:
            return self.all
        return self.by_key.get(key, self.open)


class Grounder:
    """Grounds the part of a program relevant to its queries and evidence."""

    def __init__(self, program: Program, limits: Limits | None = None,
                 deadline: Deadline | None = None):
        # late import: builtins call back into the grounder
        from .builtins import BUILTINS, CONTROL_CONSTRUCTS

        self.program = program
        self.limits = limits or Limits()
        self.deadline = deadline or Deadline(self.limits.timeout)
        defined = {c_head.signature for c in program.clauses
                   for c_head in ([c.head] if isinstance(c, Clause) else [h for _, h in c.heads])}
        # A program may define a predicate that is also a builtin (ProbLog programs often
        # bring their own sum_list/2 or concat/2); its own clauses win, except for control.
        self.builtins = {k: v for k, v in BUILTINS.items()
                         if k not in defined or k in CONTROL_CONSTRUCTS}
        self.subst = Substitution()
        self.ground_program = GroundProgram()
        self.choices = ChoiceFactory(self)
        self.tables: dict[TermLike, Table] = {}
        self.stack: list[Table] = []  # incomplete tables, oldest first
        self.path: list[Table] = []  # tables being evaluated, outermost first
        self.clause_locations: list = []  # clauses whose bodies are being solved
        self.pass_token: object = object()
        self.changes = 0
        self.min_incomplete_read = 1 << 60
        self.unknown_fails = False
        self.flags: dict[str, TermLike] = {}
        self._index: dict[tuple[str, int], PredicateIndex] = {}
        prepared = [PreparedClause(c, i) for i, c in enumerate(program.clauses)]
        by_signature: dict[tuple[str, int], list] = {}
        for p in prepared:
            for head_index, head in enumerate(p.heads):
                by_signature.setdefault(head.signature, []).append((p, head_index))
        self._by_signature = by_signature
        self.dynamic: set[tuple[str, int]] = set()

    # -- entry points -------------------------------------------------------------------------

    def run_directives(self) -> None:
        from .directives import run_directive

        for directive in self.program.directives:
            run_directive(self, directive)

    def collect(self, goal: Term) -> list[tuple[TermLike, Literals]]:
        """All answers of ``goal``: (resolved goal, literals), bindings undone afterwards."""
        out = []
        mark = self.subst.mark()
        for lits in self.solve(goal, 0):
            out.append((self.subst.resolve(goal), lits))
        self.subst.undo(mark)
        return out

    # -- resolution ---------------------------------------------------------------------------

    def solve(self, goal: TermLike, depth: int) -> Iterator[Literals]:
        goal = self.subst.deref(goal)
        if type(goal) is not Term:
            if type(goal) is Var:
                raise GroundingError("goal is an unbound variable (instantiation error)",
                                     self.location_hint())
            raise GroundingError(f"goal {goal!r} is not callable (type error)",
                                 self.location_hint())
        signature = (goal.functor, len(goal.args))
        builtin = self.builtins.get(signature)
        if builtin is not None:
            return builtin(self, goal, depth)
        return self.call(goal, signature, depth)

    def solve_conjunction(self, goals, depth: int, start: int = 0) -> Iterator[Literals]:
        if start == len(goals):
            yield ()
            return
        if start == len(goals) - 1:
            yield from self.solve(goals[start], depth)
            return
        for first in self.solve(goals[start], depth):
            for rest in self.solve_conjunction(goals, depth, start + 1):
                yield first + rest

    def call(self, goal: Term, signature, depth: int) -> Iterator[Literals]:
        index = self.predicate_index(signature)
        if index is None:
            if self.unknown_fails or signature in self.dynamic:
                return
            raise UnknownPredicateError(
                f"No clauses found for '{signature[0]}/{signature[1]}'",
                goal.location or self.location_hint())
        subst = self.subst
        resolved = subst.resolve(goal)
        key = canonical(resolved) if not (type(resolved) is Term and resolved.ground) else resolved
        table = self.tables.get(key)
        if table is None or (table.status != COMPLETE and not table.active
                             and table.token is not self.pass_token):
            table = self.evaluate(table, key, resolved, index, depth)
        elif table.status != COMPLETE:
            self.note_incomplete_read(table)
        answers = table.answers if table.status == COMPLETE else list(table.answers)
        if resolved.ground:
            for answer in answers:  # a ground call has at most one answer: itself
                lit = answer.literal
                yield () if lit == TRUE else (lit,)
            return
        for answer in answers:
            term = answer.term
            mark = subst.mark()
            if subst.unify(goal, term if term.ground else rename(term, {})):
                lit = answer.literal
                yield () if lit == TRUE else (lit,)
            subst.undo(mark)

    def note_incomplete_read(self, table: Table) -> None:
        table.recursive = True
        if table.dfn < self.min_incomplete_read:
            self.min_incomplete_read = table.dfn
        if self.path:
            caller = self.path[-1]
            if table.dfn < caller.lowlink:
                caller.lowlink = table.dfn

    def evaluate(self, table: Table | None, key, goal: Term, index: PredicateIndex,
                 depth: int) -> Table:
        if depth > self.limits.max_depth:
            raise LimitExceededError(
                f"maximum resolution depth {self.limits.max_depth} exceeded in a call to "
                f"{goal.functor}/{len(goal.args)} (unbounded recursion? raise it with "
                "--max-depth)", goal.location or self.location_hint())
        self.deadline.check("grounding", goal.location)
        if table is None:
            table = Table(rename(goal, {}), len(self.stack))
            table.location = goal.location or self.location_hint()
            self.tables[key] = table
            self.stack.append(table)
        table.active = True
        table.token = self.pass_token
        self.path.append(table)
        outer_token = self.pass_token
        try:
            while True:
                changes = self.changes
                self.resolve_clauses(table, index, depth)
                if table.lowlink < table.dfn:
                    break  # part of an older table's component: its leader iterates
                component = self.stack[table.dfn:]
                if self.changes == changes or not any(t.recursive for t in component):
                    self.complete_component(table)
                    break
                # Leader of a recursive component that changed: run it again.
                self.pass_token = table.token = object()
        finally:
            table.active = False
            self.path.pop()
            self.pass_token = outer_token
        if self.path and table.status != COMPLETE:
            caller = self.path[-1]
            if table.lowlink < caller.lowlink:
                caller.lowlink = table.lowlink
        return table

    def complete_component(self, leader: Table) -> None:
        program = self.ground_program
        for table in self.stack[leader.dfn:]:
            table.complete(program)
        del self.stack[leader.dfn:]
        if len(program) > self.limits.max_ground_size:
            raise LimitExceededError(
                f"ground program exceeds {self.limits.max_ground_size} nodes "
                "(raise it with --max-ground-size)", leader.location)

    def resolve_clauses(self, table: Table, index: PredicateIndex, depth: int) -> None:
        subst = self.subst
        goal = table.goal
        first_arg = subst.deref(goal.args[0]) if goal.args else None
        for prepared, head_index in index.candidates(first_arg):
            mapping: dict = {}
            head = rename(prepared.heads[head_index], mapping)
            mark = subst.mark()
            self.clause_locations.append(prepared.clause.location)
            if subst.unify(goal, head):
                body = tuple(rename(g, mapping) for g in prepared.body)
                for lits in self.solve_conjunction(body, depth + 1):
                    if not prepared.probabilistic:
                        self.record(table, prepared, lits)
                        continue
                    for choice in self.choices.options(prepared, head_index, mapping):
                        self.record(table, prepared, lits if choice == TRUE else
                                    lits + (choice,))
            self.clause_locations.pop()
            subst.undo(mark)

    def record(self, table: Table, prepared: PreparedClause, lits: Literals) -> None:
        """Add the current answer of ``table``'s goal, derived with ``lits``."""
        answer = self.subst.resolve(table.goal)
        key = answer if type(answer) is not Term or answer.ground else canonical(answer)
        if prepared.probabilistic and key is not answer:
            raise GroundingError(
                f"probabilistic clause has a non-ground answer {answer!r}; "
                "probabilistic facts and clauses must be ground when used",
                prepared.clause.location)
        stored = answer if key is answer else rename(answer, {})
        if table.add(key, stored, tuple(sorted(set(lits))), self.ground_program):
            self.changes += 1

    # -- helpers for builtins -----------------------------------------------------------------

    def predicate_index(self, signature) -> PredicateIndex | None:
        index = self._index.get(signature)
        if index is None:
            entries = self._by_signature.get(signature)
            if not entries:
                return None
            index = self._index[signature] = PredicateIndex(entries)
        return index

    def has_predicate(self, signature) -> bool:
        return signature in self._by_signature

    def location_hint(self) -> SourceLocation | None:
        """The clause being resolved, or else the innermost call, for errors without a term
        of their own to point at."""
        for location in reversed(self.clause_locations):
            if location is not None:
                return location
        for table in reversed(self.path):
            if table.location is not None:
                return table.location
        return None

    def solve_negation(self, goal: TermLike, depth: int,
                       location: SourceLocation | None = None) -> Literals | None:
        """Literals for ``\\+ goal``: None when it fails, ``()`` when it surely holds."""
        saved = self.min_incomplete_read
        self.min_incomplete_read = 1 << 60
        base = len(self.stack)
        options = []
        mark = self.subst.mark()
        try:
            for lits in self.solve(goal, depth):
                if not lits:
                    return None
                options.append(lits)
        finally:
            self.subst.undo(mark)
            if self.min_incomplete_read < base:
                culprit = self.stack[self.min_incomplete_read]
                raise NegativeCycleError(
                    f"negative cycle: {culprit.goal!r} depends on its own negation "
                    f"through \\+ {self.subst.resolve(goal)!r}",
                    location or culprit.location)
            self.min_incomplete_read = min(saved, self.min_incomplete_read)
        if not options:
            return ()
        program = self.ground_program
        positive = program.disjunction(program.conjunction(lits) for lits in options)
        if positive == TRUE:
            return None
        if positive == FALSE:
            return ()
        return (-positive,)


def ground_program(program: Program, limits: Limits | None = None,
                   deadline: Deadline | None = None,
                   goals: list[Term] | None = None) -> GroundProgram:
    """Ground ``program`` for its queries (or for ``goals`` instead) and its evidence."""
    from .queries import collect_queries_and_evidence

    grounder = Grounder(program, limits, deadline)
    grounder.run_directives()
    collect_queries_and_evidence(grounder, goals)
    return grounder.ground_program


__all__ = ["Grounder", "ground_program"]

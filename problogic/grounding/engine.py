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

from typing import Callable, Iterator

from ..collector import collector_paused
from ..errors import (CycleError, GroundingError, LimitExceededError, NegativeCycleError,
                      ProblogicError, SourceLocation, UnknownPredicateError)
from ..language.program import Program
from ..language.terms import Term, TermLike, Var, term_size
from ..limits import Deadline, Limits
from .clauses import (CALL, COMPARE, GENERAL, IS, CompiledClause, NewSlot, PredicateIndex,
                      PreparedClause, build, match)
from .ground_program import FALSE, TRUE, GroundProgram, contradictory, sorted_set
from .probabilistic import ChoiceFactory
from .suggest import spelling_hint
from .tables import COMPLETE, Table
from .unify import Substitution, canonical, rename

Literals = tuple  # tuple[int, ...]: the literals an answer depends on


class Grounder:
    """Grounds the part of a program relevant to its queries and evidence."""

    def __init__(self, program: Program, limits: Limits | None = None,
                 deadline: Deadline | None = None):
        # late import: builtins call back into the grounder
        from .builtins import BUILTINS, CONTROL_CONSTRUCTS, LOCAL_ARGUMENTS

        self.program = program
        # the program's clauses, then those asserted while grounding (the program stays as
        # it was: a session grounds it again)
        self.clauses = list(program.clauses)
        self.limits = limits or Limits()
        self.deadline = deadline or Deadline(self.limits.timeout)
        # (clause index, head index) per signature; clauses are prepared when first called
        # (a program with its libraries has hundreds that a query never reaches).
        by_signature: dict[tuple[str, int], list] = {}
        for i, c in enumerate(program.clauses):
            for head_index, head in enumerate(c.head_atoms):
                by_signature.setdefault(head.signature, []).append((i, head_index))
        self._by_signature = by_signature
        # A program may define a predicate that is also a builtin (ProbLog programs often
        # bring their own sum_list/2 or concat/2); its own clauses win, except for control.
        self.builtins = {k: v for k, v in BUILTINS.items()
                         if k not in by_signature or k in CONTROL_CONSTRUCTS}
        self._local_arguments = {k: v for k, v in LOCAL_ARGUMENTS.items() if k in self.builtins}
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
        self._prepared: dict[int, PreparedClause] = {}
        self.dynamic: set[tuple[str, int]] = set()
        self.completed: list[Table] = []  # tables completed since the clauses last changed
        self.printed: dict = {}  # what write/N and friends printed, per pass (see .output)
        self.records: dict = {}  # library(record): key -> [(term, reference)]
        self.records_made: list = []  # the key of each reference ever made
        # The answers with several derivations (Answer.counted) that the proof being built
        # uses, innermost last: what a recorded derivation used (see Grounder.proofs).
        self.used: list = []
        self._proofs: dict = {}  # answer -> its proofs, see proofs()
        from .builtins.arith import ARITH
        self._arith = ARITH  # builtins that compiled bodies may evaluate in place

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

    def call(self, goal: Term, signature, depth: int) -> Iterator[Literals]:
        return self.call_resolved(self.subst.resolve(goal), signature, depth)

    def call_resolved(self, resolved: Term, signature, depth: int):
        """The answers (an iterable of literal tuples) of a call to a user predicate, given
        the call already resolved. The call's table is evaluated now; the answers bind the
        call's variables while each is consumed, as a generator's would."""
        index, key, table = self._lookup(resolved, signature)
        if index is None:
            return ()
        if table is None or (table.status != COMPLETE and not table.active
                             and table.token is not self.pass_token):
            table = self.evaluate(table, key, resolved, index, depth)
        elif table.status != COMPLETE:
            self.note_incomplete_read(table)
        return self._answers(table, resolved)

    def _lookup(self, resolved: Term, signature) -> tuple:
        """``(index, variant key, table or None)`` of a call; index None: the call fails."""
        index = self.predicate_index(signature)
        if index is None:
            if self.unknown_fails or signature in self.dynamic:
                return None, None, None
            raise UnknownPredicateError(
                f"No clauses found for '{signature[0]}/{signature[1]}'"
                + (self._distributional_hint(signature) or
                   spelling_hint(signature, [*self._by_signature, *self.builtins])),
                resolved.location or self.location_hint())
        key = resolved if resolved.ground else canonical(resolved)
        return index, key, self.tables.get(key)

    def _distributional_hint(self, signature) -> str:
        """Why a predicate that only distributional clauses (``size(N) ~ beta(2, 3)``,
        DC-ProbLog's continuous distributions; clauses of ``~/2`` here) define has none."""
        for i, head_index in self._by_signature.get(("~", 2), ()):
            head = self.clauses[i].head_atoms[head_index].args[0]
            if isinstance(head, Term) and head.signature == signature:
                return (" (its distributional clauses, Head ~ Distribution, need continuous "
                        "distributions, which problogic does not support)")
        return ""

    def _answers(self, table: Table, resolved: Term):
        # An incomplete table's answers are read live: those derived while the caller
        # iterates are consumed in the same pass (a left-recursive path over a chain of n
        # edges then takes two passes, not n)
        answers = table.answers
        # a ground call has at most one answer: itself
        if resolved.ground and not (answers and answers[0].counted):
            return [() if answer.literal == TRUE else (answer.literal,) for answer in answers]
        return self._instances(resolved, answers)

    def _instances(self, resolved: Term, answers: list) -> Iterator[Literals]:
        """Bind ``resolved`` to each answer in turn. An answer is an instance of a variant of
        the call, so only the call's non-ground arguments need unifying."""
        subst = self.subst
        bindings, trail = subst.bindings, subst.trail
        args = resolved.args
        open_args = [(i, a) for i, a in enumerate(args)
                     if type(a) is Var or (type(a) is Term and not a.ground)]
        unify = subst.unify
        for answer in answers:
            term = answer.term
            if not term.ground:
                term = rename(term, {})
            mark = len(trail)
            values = term.args
            for i, a in open_args:
                if type(a) is Var and a not in bindings:  # the common case: bind it
                    bindings[a] = values[i]
                    trail.append(a)
                elif not unify(a, values[i]):
                    break
            else:
                lit = answer.literal
                if not answer.counted:
                    yield () if lit == TRUE else (lit,)
                else:  # the proofs built on this answer use one of its derivations
                    used = self.used
                    size = len(used)
                    used.append(answer)
                    try:
                        yield () if lit == TRUE else (lit,)
                    finally:
                        del used[size:]
            subst.undo(mark)

    def proofs(self, used: tuple, location: SourceLocation | None = None) -> list[Literals]:
        """Each proof of a solution whose proof ``used`` these answers with several
        derivations, as the literals it adds: one per combination of their derivations
        (what Prolog counts as solutions: ``d(a). d(a).`` proves ``d(a)`` twice). At most
        ``limits.max_ground_size`` of them."""
        combined: list[Literals] = [()]
        for answer in used:
            proofs = self._proofs.get(answer)
            if proofs is None:
                proofs = self._proofs[answer] = self._answer_proofs(answer, location)
            combined = [c + p for c in combined for p in proofs]
            if len(combined) > self.limits.max_ground_size:
                raise LimitExceededError(
                    f"a solution has more than {self.limits.max_ground_size} proofs (raise it "
                    "with --max-ground-size)", location or self.location_hint())
        return combined

    def _answer_proofs(self, answer, location) -> list[Literals]:
        if answer.derivations is None:  # one per body
            return list(answer.bodies)
        return [body + more for body, used in answer.derivations
                for more in self.proofs(used, location)]

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
            table = Table(rename(goal, {}), len(self.stack), key)
            table.location = goal.location or self.location_hint()
            self.tables[key] = table
            self.stack.append(table)
        else:  # again, in another pass of its component
            table.one_pass = False
        table.active = True
        table.token = self.pass_token
        self.path.append(table)
        outer_token = self.pass_token
        subst = self.subst
        args = table.goal.args
        first_arg = subst.deref(args[0]) if args else None
        candidates = index.candidates(first_arg)
        locations = self.clause_locations
        used = self.used
        proof_start = len(used)
        try:
            while True:
                changes = self.changes
                # Resolve the call against each clause: inline, not a method, to keep the
                # frames per level of recursion few (see run_body).
                for prepared, head_index in candidates:
                    compiled = prepared.compiled.get(head_index)
                    if compiled is None:
                        compiled = prepared.compiled[head_index] = CompiledClause(
                            prepared, head_index, self.builtins, self._arith)
                    frame = [None] * compiled.size
                    mark = subst.mark()
                    locations.append(prepared.clause.location)
                    for t, x in zip(compiled.head_args, args):
                        if not match(t, x, frame, subst):
                            break
                    else:
                        for lits in self.run_body(compiled.goals, 0, frame, depth + 1, []):
                            proof = tuple(used[proof_start:]) if len(used) > proof_start \
                                else ()
                            if not prepared.probabilistic:
                                self.record(table, prepared, lits, proof)
                                continue
                            mapping = {v: value for v, value in zip(prepared.variables, frame)
                                       if value is not None}
                            for choice in self.choices.options(prepared, head_index, mapping,
                                                               lits):
                                self.record(table, prepared, lits if choice == TRUE else
                                            lits + (choice,), proof)
                    locations.pop()
                    subst.undo(mark)
                if table.lowlink < table.dfn:
                    break  # part of an older table's component: its leader iterates
                component = self.stack[table.dfn:]
                if self.changes == changes or not any(t.recursive for t in component):
                    self.complete_component(table)
                    break
                # Leader of a recursive component that changed: run it again.
                self.deadline.check_now("grounding", table.location)
                self.pass_token = table.token = object()
                table.one_pass = False
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
        component = self.stack[leader.dfn:]
        for table in component:
            table.complete(program)
        self.completed.extend(component)
        del self.stack[leader.dfn:]
        if len(program) > self.limits.max_ground_size:
            raise LimitExceededError(
                f"ground program exceeds {self.limits.max_ground_size} nodes "
                "(raise it with --max-ground-size)", leader.location)

    def run_body(self, goals: tuple, i: int, frame: list, depth: int,
                 found: list) -> Iterator[Literals]:
        """Solve compiled body goals ``goals[i:]`` under ``frame`` (see :mod:`.clauses`);
        yields the literals of ``goals[:i]`` (``found``, extended and restored in place:
        concatenating tuples level by level would cost the square of the body's length)
        followed by those of ``goals[i:]``."""
        subst = self.subst
        n = len(goals)
        mark = subst.mark()
        # Arithmetic over numbers in slots: evaluated in place, no terms, no generators.
        while i < n:
            g = goals[i]
            kind = g.kind
            if kind is IS:
                try:
                    value = g.right(frame, subst)
                except Exception:  # NotFast, or an error the general builtin reports
                    break
                left = g.left
                if type(left) is NewSlot:
                    frame[left.index] = value
                elif not subst.unify(build(left, frame, subst), value):
                    subst.undo(mark)
                    return
            elif kind is COMPARE:
                try:
                    holds = g.test(g.left(frame, subst), g.right(frame, subst))
                except Exception:
                    break
                if not holds:
                    subst.undo(mark)
                    return
            else:
                break
            i += 1
        if i == n:
            yield tuple(found)
            subst.undo(mark)
            return
        g = goals[i]
        goal = build(g.template, frame, subst)
        kind = g.kind
        if kind is CALL:
            # call_resolved, inlined: run_body -> evaluate -> run_body is all the Python
            # frames a level of resolution costs, so deep recursions reach further before
            # the interpreter's recursion limit.
            index, key, table = self._lookup(goal, g.signature)
            if index is None:
                answers = ()
            else:
                if table is None or (table.status != COMPLETE and not table.active
                                     and table.token is not self.pass_token):
                    table = self.evaluate(table, key, goal, index, depth)
                elif table.status != COMPLETE:
                    self.note_incomplete_read(table)
                pinned = None
                if g.pin is not None and table.status == COMPLETE:
                    value = g.pin.value(frame, subst)
                    if value is not None:
                        pinned = table.answers_with(g.pin.position, value)
                answers = (self._answers(table, goal) if pinned is None
                           else self._instances(goal, pinned))
        elif kind is GENERAL:
            answers = self.solve(goal, depth)
        else:
            answers = g.builtin(self, goal, depth)
        if i + 1 == n:
            if found:
                before = tuple(found)
                for last in answers:
                    yield before + last if last else before
            else:
                yield from answers
        else:
            i += 1
            size = len(found)
            for first in answers:
                found.extend(first)
                yield from self.run_body(goals, i, frame, depth, found)
                del found[size:]
        subst.undo(mark)

    def record(self, table: Table, prepared: PreparedClause, lits: Literals,
               used: tuple = ()) -> None:
        """Add the current answer of ``table``'s goal, derived with ``lits`` by a proof that
        ``used`` those answers with several derivations."""
        answer = self.subst.resolve(table.goal)
        key = answer if type(answer) is not Term or answer.ground else canonical(answer)
        if prepared.probabilistic and key is not answer:
            raise GroundingError(
                f"probabilistic clause has a non-ground answer {answer!r}; "
                "probabilistic facts and clauses must be ground when used",
                prepared.clause.location)
        stored = answer if key is answer else rename(answer, {})
        body = sorted_set(lits)
        if contradictory(body):
            return  # a derivation in no world: dropped, as ProbLog drops it
        if table.add(key, stored, body, self.ground_program, used):
            self.changes += 1
            self.deadline.check("grounding", table.location)
            limit = self.limits.max_ground_size
            if len(self.ground_program) > limit:  # endless answers
                raise LimitExceededError(
                    f"ground program exceeds {limit} nodes while deriving answers of "
                    f"{table.goal!r} (infinitely many? raise it with --max-ground-size)",
                    table.location)
            # Endless answers that grow (lists of ever more variables) fill the memory long
            # before they make that many nodes: at 64, 128, ... answers and every 1024, the
            # size of non-ground ones (each a copy; ground ones share their subterms) is
            # estimated.
            answers = len(table.answers)
            if stored is not answer and (not answers & 1023 or answers >= 64 and
                                         not answers & (answers - 1)) and \
                    answers * term_size(stored, limit // answers + 1) > limit:
                raise LimitExceededError(
                    f"the answers of {table.goal!r} exceed {limit} subterms (about "
                    f"{answers} answers of {term_size(stored, limit)}; infinitely many? raise "
                    "it with --max-ground-size)", table.location)

    # -- helpers for builtins -----------------------------------------------------------------

    def predicate_index(self, signature) -> PredicateIndex | None:
        index = self._index.get(signature)
        if index is None:
            entries = self._by_signature.get(signature)
            if not entries:
                return None
            index = self._index[signature] = PredicateIndex(
                [(self._prepare(i), head_index) for i, head_index in entries])
        return index

    def _prepare(self, i: int) -> PreparedClause:
        prepared = self._prepared.get(i)
        if prepared is None:
            prepared = self._prepared[i] = PreparedClause(self.clauses[i], i,
                                                          self._local_arguments)
        return prepared

    def all_clauses(self) -> list[tuple[PreparedClause, int]]:
        """Every (prepared clause, head index) of the program's predicates, in clause order
        (clause/2 with an unbound head); the libraries' clauses are left out, as ProbLog
        lists only those it was told to load."""
        entries = sorted(e for entries in self._by_signature.values() for e in entries)
        return [(self._prepare(i), head_index) for i, head_index in entries
                if not _in_library(self.clauses[i].location)]

    def has_predicate(self, signature) -> bool:
        return signature in self._by_signature

    def add_clauses(self, clauses: list, first: bool = False) -> None:
        """Add clauses while grounding (assertz/1; asserta/1 with ``first``; loaded data)."""
        added: dict[tuple[str, int], list] = {}
        for clause in clauses:
            i = len(self.clauses)
            self.clauses.append(clause)
            for head_index, head in enumerate(clause.head_atoms):
                added.setdefault(head.signature, []).append((i, head_index))
        for signature, entries in added.items():
            old = self._by_signature.get(signature, [])
            self._by_signature[signature] = entries + old if first else old + entries
            self._changed_predicate(signature)

    def remove_clauses(self, signature, which) -> None:
        """Remove the clauses of ``signature`` whose prepared form ``which`` accepts
        (retract/1, retractall/1)."""
        self._by_signature[signature] = [
            (i, head_index) for i, head_index in self._by_signature.get(signature, [])
            if not which(self._prepare(i))]
        self._changed_predicate(signature)

    def _changed_predicate(self, signature) -> None:
        """The clauses of ``signature`` changed: its index is rebuilt when next called, and
        every complete table is forgotten, since any may have read the old clauses (tables
        still being evaluated go on with what they read; ProbLog resets its cache too)."""
        self._index.pop(signature, None)
        self.dynamic.add(signature)  # known, even when its last clause is retracted
        for table in self.completed:  # each complete table is in this list or forgotten
            if self.tables.get(table.key) is table:
                del self.tables[table.key]
        self.completed.clear()

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

    def solve_closed(self, goal: TermLike, depth: int, through: Callable[[], str],
                     location: SourceLocation | None = None,
                     error: type[GroundingError] = CycleError) -> Iterator[Literals]:
        """The solutions of ``goal`` for a construct that needs all of them at once
        (negation, findall/3, aggregates): reading a table of an enclosing incomplete
        component would make the component depend on its own unfinished answers, an
        ``error`` naming the construct (``through()``, called only then: building the text
        on every call cost a tenth of a negation-heavy grounding). Bindings are left to the
        caller."""
        saved = self.min_incomplete_read
        self.min_incomplete_read = 1 << 60
        base = len(self.stack)
        failed = False
        try:
            yield from self.solve(goal, depth)
        except GeneratorExit:  # the caller stopped early: what it read still counts
            raise
        except BaseException:
            failed = True
            raise
        finally:
            read, self.min_incomplete_read = \
                self.min_incomplete_read, min(saved, self.min_incomplete_read)
            if read < base and not failed:
                culprit = self.stack[read]
                raise error(f"{culprit.goal!r} depends on itself through {through()}",
                            location or culprit.location)

    def solve_negation(self, goal: TermLike, depth: int,
                       location: SourceLocation | None = None) -> Literals | None:
        """Literals for ``\\+ goal``: None when it fails, ``()`` when it surely holds."""
        options = []
        mark = self.subst.mark()
        solutions = self.solve_closed(
            goal, depth, lambda: f"\\+ {self.subst.resolve(goal)!r} (negative cycle)",
            location, NegativeCycleError)
        try:
            for lits in solutions:
                if not lits:
                    self.subst.undo(mark)  # (the error names the goal as called)
                    solutions.close()  # explicitly, so that its cycle check raises here
                    return None
                options.append(lits)
        finally:
            self.subst.undo(mark)
        if not options:
            return ()
        program = self.ground_program
        positive = program.disjunction(program.conjunction(lits) for lits in options)
        if positive == TRUE:
            return None
        if positive == FALSE:
            return ()
        return (-positive,)


def _in_library(location) -> bool:
    """Whether a clause comes from a library file ("library(lists)", ...)."""
    return location is not None and (location.file or "").startswith("library(")


def _point_at_caller(exc: ProblogicError, clauses: list) -> None:
    """An error inside a library predicate points at the program's clause that called it
    (``clauses``: the locations of the clauses being resolved when it was raised)."""
    inside = exc.location
    if inside is None or not _in_library(inside):
        return
    for location in reversed(clauses):
        if location is not None and not _in_library(location):
            exc.location = location
            exc.message += f" (inside {inside.file}, line {inside.line})"
            return


def ground_program(program: Program, limits: Limits | None = None,
                   deadline: Deadline | None = None,
                   goals: list[Term] | None = None,
                   propagate_evidence: bool = False) -> GroundProgram:
    """Ground ``program`` for its queries (or for ``goals`` instead) and its evidence
    (``propagate_evidence``: see :func:`.queries.collect_queries_and_evidence`)."""
    grounder = Grounder(program, limits, deadline)
    try:
        return ground_with(grounder, goals, propagate_evidence, run_directives=True)
    finally:  # break its one cycle (choices -> grounder): free it now
        grounder.choices = None


def ground_with(grounder: Grounder, goals, propagate_evidence: bool,
                 run_directives: bool) -> GroundProgram:
    """Ground ``goals`` (None: the program's queries) and the evidence with ``grounder``."""
    from .queries import collect_queries_and_evidence

    try:
        with collector_paused():
            if run_directives:
                grounder.run_directives()
            collect_queries_and_evidence(grounder, goals, propagate_evidence)
            return grounder.ground_program
    except ProblogicError as exc:
        _point_at_caller(exc, grounder.clause_locations)
        raise


__all__ = ["Grounder", "ground_program", "ground_with"]

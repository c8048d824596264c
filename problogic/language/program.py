"""A parsed ProbLog program: clauses, probabilistic clauses and directives.

The parser yields plain terms; :func:`build_program` gives them their ProbLog meaning:

* ``h :- b`` and ``h`` are :class:`Clause`;
* ``p::h :- b``, ``p1::h1 ; p2::h2 :- b`` (annotated disjunctions) and their fact forms are
  :class:`ProbabilisticClause`; the probability expressions stay terms until grounding, because
  ProbLog lets them depend on body variables (``P::coin(X) :- prob(X, P)``) and because
  ``t(_)`` and ``nn(...)`` annotations are not numbers;
* ``:- goal`` is a :class:`Directive`.

``query/1`` and ``evidence/1,2`` are ordinary predicates, as in ProbLog: the grounder calls
them to find the queries, so ``query(path(a, X)) :- node(X).`` works.
"""

from __future__ import annotations


from dataclasses import dataclass, field
from typing import Callable

from ..errors import ProgramError, SourceLocation
from .printing import format_term
from .terms import TRUE, Term, TermLike, Var, conjuncts, is_number


@dataclass(frozen=True)
class Clause:
    """A definite clause ``head :- body`` (``body`` is ``true`` for a fact)."""

    head: Term
    body: TermLike
    location: SourceLocation | None = None

    @property
    def head_atoms(self) -> tuple[Term, ...]:
        """The atoms the clause defines (one; see ProbabilisticClause's)."""
        return (self.head,)


@dataclass(frozen=True)
class ProbabilisticClause:
    """``p1::h1 ; ... ; pn::hn :- body``. One head is a probabilistic fact or clause; several
    form an annotated disjunction, whose ground instances are each one categorical choice."""

    heads: tuple[tuple[TermLike, Term], ...]
    body: TermLike
    location: SourceLocation | None = None
    # The atoms the clause defines, one per head, without their probabilities: made once,
    # read for every clause by every grounding.
    head_atoms: tuple[Term, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "head_atoms", tuple(head for _, head in self.heads))

    @property
    def is_annotated_disjunction(self) -> bool:
        return len(self.heads) > 1


@dataclass(frozen=True)
class Directive:
    goal: TermLike
    location: SourceLocation | None = None


AnyClause = Clause | ProbabilisticClause


@dataclass
class Program:
    """The clauses of a program indexed by predicate, in source order, and its directives."""

    clauses: list[AnyClause] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    source_name: str | None = None
    arguments: tuple[str, ...] = ()  # what cmd_args/1 gives (``problogic -a ARG``)
    library_folders: tuple[str, ...] = ()  # where library(Name) is looked for (``-L DIR``)

    def __post_init__(self) -> None:
        self.by_signature: dict[tuple[str, int], list[AnyClause]] = {}
        for clause in self.clauses:
            self._index(clause)

    def _index(self, clause: AnyClause) -> None:
        heads = clause.head_atoms
        if len(heads) == 1:  # all but annotated disjunctions
            self.by_signature.setdefault(heads[0].signature, []).append(clause)
            return
        seen = set()
        for head in heads:
            if head.signature not in seen:
                seen.add(head.signature)
                self.by_signature.setdefault(head.signature, []).append(clause)

    def copy(self) -> "Program":
        """A program with the same clauses and directives, to add to (its index copied, not
        rebuilt: a program of 100k facts took 1.2 s to index)."""
        copy = Program(directives=list(self.directives), source_name=self.source_name,
                       arguments=self.arguments, library_folders=self.library_folders)
        copy.clauses = list(self.clauses)
        copy.by_signature = {key: list(clauses) for key, clauses in self.by_signature.items()}
        return copy

    def add(self, clause: AnyClause) -> None:
        self.clauses.append(clause)
        self._index(clause)

    def extend(self, other: "Program") -> None:
        for clause in other.clauses:
            self.add(clause)
        self.directives.extend(other.directives)


def format_clause(clause: AnyClause | Directive,
                  annotation: Callable[[TermLike], str] | None = None) -> str:
    """A clause or directive as source text, ending in '.'; ``annotation`` writes the
    probabilities of a probabilistic clause (default: as terms)."""
    if isinstance(clause, Directive):
        return f":- {format_term(clause.goal)}."
    if isinstance(clause, ProbabilisticClause):
        write = annotation or format_term
        head = "; ".join(f"{write(p)}::{format_term(h)}" for p, h in clause.heads)
    else:
        head = format_term(clause.head)
    if clause.body == TRUE:
        return f"{head}."
    return f"{head} :- {format_term(clause.body)}."


def _location(term: TermLike, default: SourceLocation | None) -> SourceLocation | None:
    return getattr(term, "location", None) or default


def _check_head(head: TermLike, location: SourceLocation | None) -> Term:
    if isinstance(head, Var):
        raise ProgramError("clause head is a variable", location)
    if not isinstance(head, Term):
        raise ProgramError(f"clause head {head!r} is not callable", _location(head, location))
    if head.functor == "\\+" and head.arity == 1:  # a negative head: see negative_heads
        return Term(head.functor, (_check_head(head.args[0], location),), head.location)
    if head.functor in (",", ";", "->", "\\+") and head.arity in (1, 2):
        raise ProgramError(f"cannot define control construct {head.functor}/{head.arity}",
                           _location(head, location))
    return head


def _is_negative(head: Term) -> bool:
    return head.functor == "\\+" and head.arity == 1


def negative_heads(program: Program) -> Program:
    """ProbLog's negative head literals: ``p::\\+a :- body`` makes ``a`` false in the worlds
    where it fires, whatever proves ``a``. A predicate with such clauses is rewritten to
    ``a :- '$holds'(a), \\+ '$holds_not'(a).``, its positive clauses defining
    ``'$holds'(a)`` and its negative ones ``'$holds_not'(a)``. A program without negative
    heads (none indexed under ``\\+/1``) is returned as it is."""
    negated = {h.args[0].signature: h.args[0]
               for c in program.by_signature.get(("\\+", 1), ()) for h in c.head_atoms
               if _is_negative(h)}
    if not negated:
        return program
    clauses = program.clauses

    def renamed(head: Term) -> Term:
        if _is_negative(head):
            return Term("$holds_not", (head.args[0],), head.location)
        if head.signature in negated:
            return Term("$holds", (head,), head.location)
        return head

    out = []
    for clause in clauses:
        if isinstance(clause, Clause):
            out.append(Clause(renamed(clause.head), clause.body, clause.location))
        else:
            out.append(ProbabilisticClause(tuple((p, renamed(h)) for p, h in clause.heads),
                                           clause.body, clause.location))
    positive = {h.args[0].signature for c in out for h in c.head_atoms
                if h.functor == "$holds"}
    for signature, example in negated.items():
        head = Term(signature[0], tuple(Var(f"A{i}") for i in range(signature[1])))
        body = Term(",", (Term("$holds", (head,)),
                          Term("\\+", (Term("$holds_not", (head,)),)))) \
            if signature in positive else Term("fail")
        out.append(Clause(head, body, example.location))
    return Program(out, program.directives, program.source_name, program.arguments,
                   program.library_folders)


def _check_body(body: TermLike, location: SourceLocation | None) -> TermLike:
    for goal in conjuncts(body):
        if is_number(goal):
            raise ProgramError(f"body goal {goal!r} is not callable", location)
    return body


def _annotated_heads(head: TermLike, location) -> tuple[tuple[TermLike, Term], ...] | None:
    """``p::h`` or ``p1::h1 ; p2::h2 ; ...`` as (probability, head) pairs, else None."""
    if isinstance(head, Term) and head.functor == "::" and head.arity == 2:
        return ((head.args[0], _check_head(head.args[1], location)),)
    if isinstance(head, Term) and head.functor == ";" and head.arity == 2:
        parts = []
        stack = [head]
        while stack:
            t = stack.pop()
            if isinstance(t, Term) and t.functor == ";" and t.arity == 2:
                stack.append(t.args[1])
                stack.append(t.args[0])
            else:
                parts.append(t)
        if all(isinstance(p, Term) and p.functor == "::" and p.arity == 2 for p in parts):
            return tuple((p.args[0], _check_head(p.args[1], location)) for p in parts)
        if any(isinstance(p, Term) and p.functor == "::" and p.arity == 2 for p in parts):
            raise ProgramError("every head of an annotated disjunction needs a probability",
                               _location(head, location))
    return None


AGGREGATE_FUNCTOR = "$aggregate"  # the parser's term for ``avg<X>`` in a clause head


def _aggregate_clause(head: Term, body: TermLike, location) -> Clause | None:
    """``p(G, sum<X>) :- body`` (ProbLog's aggregate library) as
    ``p(G, R) :- '$aggregate'(sum, X, [G], body, R)``: per world, R aggregates the values of X
    over the body's solutions with the same group G."""
    if head.functor == ":" and head.arity == 2 and isinstance(head.args[1], Term):
        scope, inner = head.args  # Scope:p(G, sum<X>), as in ProbLog's scoped programs
        clause = _aggregate_clause(inner, body, location)
        if clause is None:
            return None
        return Clause(Term(":", (scope, clause.head), head.location), clause.body, location)
    positions = [i for i, a in enumerate(head.args)
                 if isinstance(a, Term) and a.functor == AGGREGATE_FUNCTOR]
    if not positions:
        return None
    if len(positions) > 1:
        raise ProgramError("a clause head may hold only one aggregate", location)
    spec = head.args[positions[0]]
    result = Var("Aggregate")
    group = [a for i, a in enumerate(head.args) if i != positions[0]]
    new_head = Term(head.functor, tuple(result if i == positions[0] else a
                                        for i, a in enumerate(head.args)), head.location)
    goal = Term(AGGREGATE_FUNCTOR, (spec.args[0], spec.args[1], Term("$group", tuple(group)),
                                    body, result), head.location)
    return Clause(new_head, goal, location)


def clause_from_term(term: TermLike, location: SourceLocation | None = None):
    """Interpret one parsed term as a clause or a directive."""
    location = _location(term, location)
    if isinstance(term, Term) and term.functor == ":-" and term.arity == 1:
        return Directive(term.args[0], location)
    if isinstance(term, Term) and term.functor == ":-" and term.arity == 2:
        head, body = term.args
    else:
        head, body = term, TRUE
    body = _check_body(body, location)
    annotated = _annotated_heads(head, location)
    if annotated is not None:
        return ProbabilisticClause(annotated, body, location)
    head = _check_head(head, location)
    return _aggregate_clause(head, body, location) or Clause(head, body, location)


def build_program(terms: list[TermLike], source_name: str | None = None) -> Program:
    clauses: list[AnyClause] = []
    directives: list[Directive] = []
    for term in terms:
        item = clause_from_term(term)
        (directives if isinstance(item, Directive) else clauses).append(item)
    return Program(clauses, directives, source_name)

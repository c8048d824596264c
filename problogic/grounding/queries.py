"""Finding the queries and the evidence of a program and grounding them.

``query/1`` and ``evidence/1,2`` are ordinary (deterministic) predicates: calling them lists the
query and evidence atoms, which are then grounded in turn. A non-ground query stands for every
ground answer; a ground query with no proof is kept with probability 0, as ProbLog does.
"""

from __future__ import annotations

from ..errors import GroundingError
from ..language.terms import Term, Var
from .ground_program import FALSE

TRUE_ATOM, FALSE_ATOM = Term("true"), Term("false")


def _declared(g, head: Term) -> list[Term]:
    if not g.has_predicate(head.signature):
        return []
    out = []
    for term, lits in g.collect(head):
        if lits:
            raise GroundingError(f"{term!r} must not depend on probabilistic facts",
                                 term.location or g.location_hint())
        out.append(term)
    return out


def _ground_atom(g, atom, location):
    """(answer, literal) pairs of a query or evidence atom, one per distinct ground answer."""
    if isinstance(atom, Var):
        raise GroundingError("query/evidence of an unbound variable", location)
    if not isinstance(atom, Term):
        raise GroundingError(f"query/evidence {atom!r} is not callable", location)
    program = g.ground_program
    grouped: dict[Term, list[int]] = {}
    for answer, lits in g.collect(atom.with_location(atom.location or location)):
        if not answer.ground:
            raise GroundingError(f"non-ground answer {answer!r} for query {atom!r}", location)
        grouped.setdefault(answer, []).append(program.conjunction(lits))
    if not grouped and atom.ground:
        return [(atom, FALSE)]
    return [(answer, program.disjunction(lits)) for answer, lits in grouped.items()]


def collect_queries_and_evidence(g, goals: list[Term] | None = None) -> None:
    """Ground the program's queries (or ``goals`` instead) and its evidence."""
    program = g.ground_program
    seen: set[Term] = set()
    if goals is None:
        targets = [(d.args[0], d.location) for d in _declared(g, Term("query", (Var("Q"),)))]
    else:
        targets = [(goal, getattr(goal, "location", None)) for goal in goals]
    for atom, location in targets:
        for answer, lit in _ground_atom(g, atom, location):
            if answer not in seen:
                seen.add(answer)
                program.queries.append((answer, lit))
    evidence = [(d.args[0], TRUE_ATOM, d.location)
                for d in _declared(g, Term("evidence", (Var("E"),)))]
    evidence += [(d.args[0], d.args[1], d.location)
                 for d in _declared(g, Term("evidence", (Var("E"), Var("V"))))]
    for atom, value, location in evidence:
        if isinstance(atom, Term) and atom.functor in ("\\+", "not") and atom.arity == 1:
            atom, value = atom.args[0], FALSE_ATOM if value == TRUE_ATOM else TRUE_ATOM
        if value not in (TRUE_ATOM, FALSE_ATOM):
            raise GroundingError(f"evidence value {value!r} is not true or false", location)
        for answer, lit in _ground_atom(g, atom, location):
            program.evidence.append((answer, lit, value == TRUE_ATOM))

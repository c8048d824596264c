"""Finding the queries and the evidence of a program and grounding them.

``query/1`` and ``evidence/1,2`` are ordinary (deterministic) predicates: calling them lists the
query and evidence atoms, which are then grounded in turn. A non-ground query stands for every
ground answer; a query with no proof is kept with probability 0, as ProbLog does (a
non-ground one as written, its variables named ``_0``, ``_1``, ...).
"""

from __future__ import annotations

from ..errors import GroundingError
from ..language.terms import Term, Var
from .evidence import decided_false
from .ground_program import FALSE, TRUE
from .unify import rename

TRUE_ATOM, FALSE_ATOM = Term("true"), Term("false")


def declared(g, head: Term) -> list[Term]:
    """The query (or evidence) declarations: the answers of ``head``. A declaration whose
    clause body holds in some worlds only declares its atom all the same, as in ProbLog
    (``query(bid(I)) :- appears(I).`` with ``0.3::appears(i1).`` asks for ``bid(i1)``)."""
    if not g.has_predicate(head.signature):
        return []
    return list(dict.fromkeys(term for term, _ in g.collect(head)))


def _located(g, declaration: Term):
    """Where a query or evidence declaration is written (for an error about it): its own
    location, or that of the first clause for it whose head matches (``query(X)``)."""
    if declaration.location is not None:
        return declaration.location
    clauses = [c for c in g.clauses
               if getattr(c, "head", None) is not None
               and c.head.signature == declaration.signature]
    for clause in clauses:
        mark = g.subst.mark()
        matches = g.subst.unify(rename(clause.head, {}), declaration)
        g.subst.undo(mark)
        if matches:
            return clause.location
    return clauses[0].location if clauses else None


def _numbered_variables(term: Term) -> Term:
    """``term`` with its variables renamed ``_0``, ``_1``, ... in order of appearance, so that
    variant answers are one answer."""
    names: dict = {}

    def walk(t):
        if type(t) is Var:
            return names.setdefault(t, Var(f"_{len(names)}"))
        if type(t) is Term and not t.ground:
            return Term(t.functor, tuple(walk(a) for a in t.args))
        return t

    return walk(term)


def _ground_atom(g, atom, declaration: Term):
    """(answer, literal) pairs of a query or evidence atom, one per distinct ground answer."""
    if isinstance(atom, Var):
        raise GroundingError("query/evidence of an unbound variable", _located(g, declaration))
    if not isinstance(atom, Term):
        raise GroundingError(f"query/evidence {atom!r} is not callable",
                             _located(g, declaration))
    location = declaration.location
    program = g.ground_program
    grouped: dict[Term, list[int]] = {}
    for answer, lits in g.collect(atom.with_location(atom.location or location)):
        literal = program.conjunction(lits)
        if not answer.ground:
            # ProbLog answers a query with a non-ground atom that is certainly true (its
            # variables stand for any term), and refuses one whose truth is uncertain
            if literal != TRUE:
                raise GroundingError(
                    f"non-ground answer {answer!r} for query {atom!r} depends on "
                    "probabilistic facts", atom.location or _located(g, declaration))
            answer = _numbered_variables(answer)
        grouped.setdefault(answer, []).append(literal)
    if not grouped and atom.ground:
        return [(atom, FALSE)]
    return [(answer, program.disjunction(lits)) for answer, lits in grouped.items()]


def collect_queries_and_evidence(g, goals: list[Term] | None = None,
                                 propagate_evidence: bool = False) -> None:
    """Ground the program's queries (or ``goals`` instead) and its evidence.
    ``propagate_evidence``: leave out the answers of non-ground queries that the evidence
    makes false by propagation, as ProbLog's command line does (see :mod:`.evidence`); the
    evidence is then grounded first, as there (what a query sees can depend on it: an
    assertion made by an evidence atom)."""
    program = g.ground_program
    # answers of non-ground queries only -> their index: the evidence may rule them out
    open_answers: dict[Term, int] = {}
    asked: list[tuple[Term, list[Term]]] = []  # the declared non-ground queries' answers

    def ground_queries():
        seen: set[Term] = set()
        if goals is None:
            targets = [(d.args[0], d) for d in declared(g, Term("query", (Var("Q"),)))]
        else:
            targets = [(goal, goal) for goal in goals]
        for atom, declaration in targets:
            answers = _ground_atom(g, atom, declaration)
            if goals is None and not atom.ground:
                asked.append((atom, [answer for answer, _ in answers]))
            for answer, lit in answers:
                if answer not in seen:
                    seen.add(answer)
                    program.queries.append((answer, lit))
                    if propagate_evidence and not atom.ground:
                        open_answers[answer] = len(program.queries) - 1
                elif atom.ground:
                    open_answers.pop(answer, None)

    def ground_evidence():
        evidence = [(d.args[0], TRUE_ATOM, d)
                    for d in declared(g, Term("evidence", (Var("E"),)))]
        evidence += [(d.args[0], d.args[1], d)
                     for d in declared(g, Term("evidence", (Var("E"), Var("V"))))]
        for atom, value, declaration in evidence:
            if isinstance(atom, Term) and atom.functor in ("\\+", "not") and atom.arity == 1:
                atom, value = atom.args[0], FALSE_ATOM if value == TRUE_ATOM else TRUE_ATOM
            if value not in (TRUE_ATOM, FALSE_ATOM):
                raise GroundingError(f"evidence value {value!r} is not true or false",
                                     _located(g, declaration))
            for answer, lit in _ground_atom(g, atom, declaration):
                program.evidence.append((answer, lit, value == TRUE_ATOM))

    for stage in ((ground_evidence, ground_queries) if propagate_evidence
                  else (ground_queries, ground_evidence)):
        stage()
    if program.evidence and open_answers:
        indices = open_answers.values()
        ruled_out = decided_false(program, [program.queries[i][1] for i in indices])
        drop = {i for i in indices if program.queries[i][1] in ruled_out}
        program.queries = [q for i, q in enumerate(program.queries) if i not in drop]
    # a declared query left without answers is answered 0, as ProbLog does
    present = {answer for answer, _ in program.queries}
    for atom, answers in asked:
        if not any(answer in present for answer in answers):
            written = _numbered_variables(atom)
            if written not in present:
                present.add(written)
                program.queries.append((written, FALSE))

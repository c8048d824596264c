"""Explanations: the proofs of each query and their probabilities, as ``problog explain``
lists them.

A proof is a consistent assignment of some probabilistic choices that makes the query (and
the evidence) true whatever the other choices are: ``p :- \\+a, c(1).`` reads "p holds in
every world where a is false and c(1) is true". Its probability is the product of its
choices' probabilities. The proofs of a query come from the best-first search of
:mod:`problogic.logic.kbest`, most probable first; a proof that a more probable one subsumes
adds nothing and is not listed. Each listing stops after ``max_proofs`` proofs (a program
can have exponentially many); ``complete`` says whether it holds them all.

A choice is written as its atom: a probabilistic fact ``a`` or ``\\+a``, a head of an
annotated disjunction ``c(2)`` ("none of the heads": each head negated), and a probabilistic
rule that fired ``rule(Line, Head)``, where ProbLog writes its internal ``choice(...)`` terms.
Two more differences from ``problog explain``: the proofs listed are the minimal ones, which
may overlap (ProbLog's are made disjoint, so that their probabilities add up to the query's),
and with evidence they are the proofs of the query together with the evidence, and the
probabilities are conditional on it (ProbLog ignores evidence there).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ProgramError
from ..grounding.ground_program import ChoiceVariable
from ..language.printing import format_term
from ..language.program import format_clause
from ..language.program import Program as ParsedProgram
from ..language.terms import Term
from ..limits import Deadline, Limits
from ..logic.formula import Formula
from ..logic.kbest import best_proofs

MAX_PROOFS = 1000  # per query, by default


@dataclass
class Proof:
    """One proof: its choices (``atom`` or ``\\+atom``, sorted as ProbLog sorts them) and
    its probability."""

    literals: list[str]
    probability: float


@dataclass
class Explanation:
    """The program as read, each query's proofs (most probable first; ``complete``: all of
    them are listed) and each query's probability (given the evidence)."""

    program: list[str]
    proofs: dict[str, list[Proof]]
    complete: dict[str, bool]
    probabilities: dict[str, float]


def explain(program: ParsedProgram, formula: Formula, probabilities: dict[str, float],
            max_proofs: int = MAX_PROOFS, limits: Limits | None = None,
            deadline: Deadline | None = None) -> Explanation:
    """The explanation of ``formula``'s queries (see the module doc); ``probabilities`` are
    their marginals, computed by the caller."""
    from ..pipeline import check_plain_probabilities

    check_plain_probabilities(formula)
    if isinstance(max_proofs, bool) or not isinstance(max_proofs, int) or max_proofs < 1:
        raise ProgramError(f"max_proofs must be a positive integer, got {max_proofs!r}")
    limits = limits or Limits()
    required = tuple(lit if value else -lit for _, lit, value in formula.evidence)
    proofs, complete = {}, {}
    for term, lit in formula.queries:
        search = best_proofs(formula, [(lit,) + required], max_proofs,
                             max_states=limits.max_ground_size, deadline=deadline)
        name = format_term(term)
        proofs[name] = [Proof(_literals(formula.variables, proof), probability)
                        for proof, probability in zip(search.proofs, search.probabilities)]
        complete[name] = search.complete
    return Explanation([format_clause(c) for c in program.directives + program.clauses],
                       proofs, complete, probabilities)


def _literals(variables: list[ChoiceVariable], proof) -> list[str]:
    out = []
    for var, value in proof:
        variable = variables[var]
        head = variable.heads[value]
        if head is not None:
            out.append(_choice(variable, head))
        else:  # "false" of a fact, "none" of an annotated disjunction
            out += [f"\\+{_choice(variable, h)}" for h in variable.heads if h is not None]
    return sorted(out, key=lambda text: (text.removeprefix("\\+"), text))


def _choice(variable: ChoiceVariable, head: Term) -> str:
    """A fact's choice is its atom; a probabilistic rule's, ``rule(Line, Head)``: the rule
    written at that line fired for that head (its head atom may also have other proofs)."""
    if variable.is_fact:
        return format_term(head)
    line = variable.location.line if variable.location is not None else "?"
    return f"rule({line}, {format_term(head)})"


__all__ = ["Explanation", "MAX_PROOFS", "Proof", "explain"]

"""A formula as a weighted CNF, for external weighted model counters (``problogic ground
--format cnf``).

The encoding, in the DIMACS format of the model counting competitions (``c t wmc``, weights
as ``c p weight LITERAL WEIGHT 0``; a literal without a weight line weighs 1):

* a choice variable with two values (a probabilistic fact) is one boolean, weighted with the
  probabilities of its two values;
* one with K > 2 values (an annotated disjunction, with its "none") is K booleans, exactly one
  true (one clause for "at least one", one per pair for "at most one"), each weighted with its
  value's probability when true and 1 when false;
* each AND and OR node of the formula (cycles already broken) is a boolean defined by its
  children (Tseitin): given the choices, its value is forced, so it adds no weight;
* each piece of evidence is a unit clause.

So the weighted model count is P(evidence), and that of the CNF with a query's literal added
is P(query, evidence): ``c query LITERAL ATOM`` lines give each query's literal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ProblogicError
from ..grounding.ground_program import AND, CHOICE, TRUE
from ..language.printing import format_term
from .formula import Formula


@dataclass
class WeightedCNF:
    """Clauses over variables 1..``variables``; ``weights[lit]``: the weight of a literal (1
    where absent); ``queries``: (atom, literal); ``comments``: what each choice boolean is."""

    variables: int = 0
    clauses: list[tuple[int, ...]] = field(default_factory=list)
    weights: dict[int, float] = field(default_factory=dict)
    queries: list[tuple[str, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def new_variable(self) -> int:
        self.variables += 1
        return self.variables

    def to_dimacs(self) -> str:
        lines = ["c t wmc", f"p cnf {self.variables} {len(self.clauses)}"]
        lines += [f"c p weight {lit} {weight!r} 0" for lit, weight in self.weights.items()]
        lines += self.comments
        lines += [f"c query {lit} {atom}" for atom, lit in self.queries]
        lines += [" ".join(map(str, clause)) + " 0" for clause in self.clauses]
        return "\n".join(lines)


def formula_to_cnf(formula: Formula) -> WeightedCNF:
    """The weighted CNF of ``formula`` (see the module doc). Every choice needs fixed
    probabilities: a neural predicate's or a decision's is an error."""
    cnf = WeightedCNF()
    value_literal: dict[tuple[int, int], int] = {}  # (choice variable, value) -> literal
    node_literal: dict[int, int] = {}
    constant = None  # a variable forced true, for roots that simplified to true or false

    def choice_literal(var: int, value: int) -> int:
        if (var, value) not in value_literal:
            _encode_choice(cnf, formula, var, value_literal)
        return value_literal[var, value]

    def literal(lit: int) -> int:
        nonlocal constant
        if abs(lit) == TRUE:
            if constant is None:
                constant = cnf.new_variable()
                cnf.clauses.append((constant,))
            return constant if lit > 0 else -constant
        found = node_literal[abs(lit)]
        return found if lit > 0 else -found

    for node in formula.order:
        kind, payload = formula.kinds[node], formula.payload[node]
        if kind == CHOICE:
            node_literal[node] = choice_literal(*payload)
            continue
        gate = node_literal[node] = cnf.new_variable()
        children = [literal(c) for c in payload]
        if kind == AND:  # gate <-> all children
            cnf.clauses += [(-gate, c) for c in children]
            cnf.clauses.append((gate, *(-c for c in children)))
        else:  # gate <-> some child
            cnf.clauses.append((-gate, *children))
            cnf.clauses += [(gate, -c) for c in children]
    for term, lit, value in formula.evidence:
        cnf.clauses.append((literal(lit) if value else -literal(lit),))
    cnf.queries = [(format_term(term), literal(lit)) for term, lit in formula.queries]
    return cnf


def _encode_choice(cnf: WeightedCNF, formula: Formula, var: int,
                   value_literal: dict[tuple[int, int], int]) -> None:
    variable = formula.variables[var]
    if variable.neural is not None or variable.decision:
        what = "a neural predicate" if variable.neural is not None else "a decision"
        raise ProblogicError(f"a weighted CNF needs fixed probabilities; {what} has none",
                             variable.location)
    names = [format_term(h) if h is not None else "none" for h in variable.heads]
    if variable.arity == 2:
        x = cnf.new_variable()
        value_literal[var, 0], value_literal[var, 1] = x, -x
        cnf.weights[x], cnf.weights[-x] = variable.probabilities
        cnf.comments.append(f"c choice {x} {names[0]}")
        if variable.heads[1] is not None:  # an annotated disjunction of two heads
            cnf.comments.append(f"c choice {-x} {names[1]}")
        return
    indicators = [cnf.new_variable() for _ in range(variable.arity)]
    cnf.clauses.append(tuple(indicators))
    cnf.clauses += [(-a, -b) for i, a in enumerate(indicators) for b in indicators[i + 1:]]
    for value, (x, p) in enumerate(zip(indicators, variable.probabilities)):
        value_literal[var, value] = x
        cnf.weights[x] = p
        cnf.comments.append(f"c choice {x} {names[value]}")

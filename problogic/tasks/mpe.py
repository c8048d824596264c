"""The most probable explanation: the most probable assignment of the relevant probabilistic
atoms that is consistent with the evidence, as ``problog mpe`` defines it.

The atoms maximised over are the choices of the ground program that the queries and the
evidence reach: each probabilistic fact, and each head of an annotated disjunction that is
reached. The heads that are not reached are summed out, as one value "none of the reached
heads" (for ``0.2::a; 0.3::b. query(a).`` the explanation is ``\\+a``, 0.8). Reached atoms that
simplification removes from the formula (a fact that only feeds an unsupported cycle) are
still maximised over, each on its own.

The compiled circuit's evidence root is evaluated in the max-product semiring by the layerized
circuit, each value weighted by its group, and the maximising world is decoded. The explanation
lists, as ProbLog does, the truth of each query in that world, or, without queries, the truth
of each reached probabilistic fact: ``atom`` when it holds, ``\\+atom`` when it does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..circuit.layers import TensorCircuit
from ..compile import mdd
from ..compile.compiler import CompiledRoots, circuit_from_roots
from ..errors import InconsistentEvidenceError
from ..grounding.ground_program import CHOICE, TRUE, GroundProgram, reachable
from ..language.printing import format_term


@dataclass
class MostProbableExplanation:
    probability: float  # P(the explanation's assignment and the evidence)
    literals: list[str]  # "atom" or "\\+atom": the queries in order, or else the facts


def most_probable_explanation(ground: GroundProgram, formula,
                              roots: CompiledRoots) -> MostProbableExplanation:
    """The most probable explanation of ``ground``'s evidence (see the module doc);
    ``formula`` and ``roots`` are compiled from ``ground``."""
    from ..pipeline import check_plain_probabilities, evidence_location

    check_plain_probabilities(formula)
    circuit = circuit_from_roots(formula, roots)  # its variable i: the diagrams' level i
    groups = _value_groups(ground)
    weights = [group_probability for var in circuit.source_variables
               for group_probability in _weights_by_value(ground.variables[var], groups[var])]
    module = TensorCircuit(circuit)
    result = module.mpe(torch.tensor([weights], dtype=torch.float64).log())
    log_value = result.value[0, 0].item()
    if log_value == float("-inf"):
        raise InconsistentEvidenceError("the evidence is inconsistent (it has probability 0)",
                                        evidence_location(formula))
    by_level = result.assignment[0, 0].tolist()
    chosen = dict(zip(circuit.source_variables, by_level))
    for var, var_groups in groups.items():  # reached, but not in the formula
        if var not in chosen:
            values, probability = max(var_groups, key=lambda group: group[1])
            chosen[var] = values[0]
            log_value += math.log(probability) if probability > 0 else float("-inf")
    if formula.queries:
        literals = _query_literals(formula, roots, by_level)
    else:
        literals = _fact_literals(ground, groups, chosen)
    return MostProbableExplanation(math.exp(log_value), literals)


def _value_groups(ground: GroundProgram) -> dict[int, list[tuple[tuple[int, ...], float]]]:
    """Per reached variable, its values grouped: each reached value alone, then the others
    together (if any), each group with its probability."""
    roots = [lit for _, lit in ground.queries] + [lit for _, lit, _ in ground.evidence]
    reached: dict[int, set[int]] = {}
    for node in reachable(ground.kinds, ground.payload, roots):
        if ground.kinds[node] == CHOICE:
            var, value = ground.payload[node]
            reached.setdefault(var, set()).add(value)
    groups = {}
    for var, values in reached.items():
        probabilities = ground.variables[var].probabilities
        own = [((v,), probabilities[v]) for v in sorted(values)]
        rest = tuple(v for v in range(len(probabilities)) if v not in values)
        groups[var] = own + ([(rest, sum(probabilities[v] for v in rest))] if rest else [])
    return groups


def _weights_by_value(variable, groups) -> list[float]:
    """Each value's weight in the max-product circuit: its group's probability (the values of
    the group "none of the reached heads" are one outcome, and the formula cannot tell them
    apart: whichever the circuit picks, it scores the group)."""
    weights = list(variable.probabilities)
    for values, probability in groups:
        for v in values:
            weights[v] = probability
    return weights


def _query_literals(formula, roots: CompiledRoots, by_level: list[int]) -> list[str]:
    """The truth of each query whose formula is not a constant, in the chosen world (which
    satisfies the evidence, so each query's diagram with the evidence decides it)."""
    literals = {}
    for (term, lit), diagram in zip(formula.queries, roots.queries):
        if abs(lit) == TRUE:
            continue  # true or false in every world: ProbLog lists it neither way
        text = format_term(term)
        if mdd.holds(roots.manager, diagram, by_level):
            literals[text] = text
        elif term.functor == "\\+" and len(term.args) == 1:  # a false \+a: a, as ProbLog
            literals[text] = format_term(term.args[0])
        else:
            literals[text] = "\\+" + text
    return list(literals.values())


def _fact_literals(ground: GroundProgram, groups, chosen: dict[int, int]) -> list[str]:
    """The truth of each reached probabilistic fact (each reached head of a fact-level
    annotated disjunction), in source order."""
    entries = []
    for var, var_groups in groups.items():
        variable = ground.variables[var]
        if not variable.is_fact or variable.neural is not None:
            continue
        for values, _ in var_groups:
            head = variable.heads[values[0]]
            if len(values) == 1 and head is not None:
                text = format_term(head)
                location = variable.location
                where = (location.line, location.column) if location is not None else (0, 0)
                entries.append((where, values[0],
                                text if chosen[var] == values[0] else "\\+" + text))
    entries.sort(key=lambda entry: entry[:2])
    return [text for _, _, text in entries]

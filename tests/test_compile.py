"""Formula construction and compilation on random ground programs with positive cycles,
stratified negation and evidence, against brute-force enumeration of the worlds."""

import itertools
import math

import pytest
from hypothesis import given, settings, strategies as st

from problogic.circuit import evaluate_probability
from problogic.circuit.circuit import INDICATOR, PRODUCT, SUM
from problogic.compile.compiler import compile_formula
from problogic.errors import NegativeCycleError
from problogic.grounding.ground_program import ChoiceVariable, GroundProgram
from problogic.language.terms import Term
from problogic.logic.formula import build_formula


@st.composite
def ground_programs(draw):
    arities = draw(st.lists(st.integers(2, 3), min_size=1, max_size=4))
    probabilities = []
    for arity in arities:
        weights = draw(st.lists(st.integers(1, 9), min_size=arity, max_size=arity))
        probabilities.append([w / sum(weights) for w in weights])
    strata = [draw(st.integers(1, 3)), draw(st.integers(0, 3))]
    atoms = [(s, i) for s in range(2) for i in range(strata[s])]
    literal_choices = []
    for var, arity in enumerate(arities):
        literal_choices += [("choice", var, value) for value in range(arity)]
    rules = {}
    for stratum, i in atoms:
        same = [("atom", a, True) for a in atoms if a[0] == stratum]
        lower = [("atom", a, sign) for a in atoms if a[0] < stratum for sign in (True, False)]
        options = literal_choices + same + lower
        bodies = draw(st.lists(st.lists(st.sampled_from(options), min_size=1, max_size=3),
                               min_size=1, max_size=3))
        rules[(stratum, i)] = bodies
    evidence = draw(st.one_of(st.none(), st.tuples(st.sampled_from(atoms), st.booleans())))
    return arities, probabilities, atoms, rules, evidence


def build(arities, probabilities, atoms, rules, evidence):
    program = GroundProgram()
    for arity, probs in zip(arities, probabilities):
        program.add_variable(ChoiceVariable(list(probs), [None] * arity, [None] * arity))
    nodes = {a: program.new_or(Term(f"a{a[0]}_{a[1]}")) for a in atoms}

    def literal(item):
        if item[0] == "choice":
            return program.choice(item[1], item[2])
        node = nodes[item[1]]
        return node if item[2] else -node

    for a in atoms:
        program.set_children(nodes[a], tuple(program.conjunction([literal(x) for x in body])
                                             for body in rules[a]))
    program.queries = [(program.names[nodes[a]], nodes[a]) for a in atoms]
    if evidence is not None:
        program.evidence = [(program.names[nodes[evidence[0]]], nodes[evidence[0]],
                             evidence[1])]
    return program


def least_model(world, atoms, rules):
    true = set()
    for stratum in (0, 1):
        changed = True
        while changed:
            changed = False
            for a in atoms:
                if a[0] != stratum or a in true:
                    continue
                for body in rules[a]:
                    if all(world[x[1]] == x[2] if x[0] == "choice" else
                           ((x[1] in true) == x[2]) for x in body):
                        true.add(a)
                        changed = True
                        break
    return true


def brute_force(arities, probabilities, atoms, rules, evidence):
    totals = {a: 0.0 for a in atoms}
    mass = 0.0
    for world in itertools.product(*(range(k) for k in arities)):
        weight = math.prod(probabilities[v][x] for v, x in enumerate(world))
        model = least_model(world, atoms, rules)
        if evidence is not None and (evidence[0] in model) != evidence[1]:
            continue
        mass += weight
        for a in model:
            totals[a] += weight
    return mass, totals


@settings(max_examples=300, deadline=None, derandomize=True)
@given(ground_programs())
def test_circuit_matches_brute_force(case):
    arities, probabilities, atoms, rules, evidence = case
    program = build(*case)
    formula = build_formula(program)
    circuit = compile_formula(formula)
    values = evaluate_probability(circuit)
    mass, totals = brute_force(*case)
    assert values[0] == pytest.approx(mass, abs=1e-12)
    for (term, _), value, atom in zip(formula.queries, values[1:], atoms):
        assert value == pytest.approx(totals[atom], abs=1e-12), term


@settings(max_examples=100, deadline=None, derandomize=True)
@given(ground_programs())
def test_circuit_is_smooth_deterministic_decomposable(case):
    circuit = compile_formula(build_formula(build(*case)))
    scope = []
    for i, kind in enumerate(circuit.kinds):
        kids = circuit.children[i]
        if kind == INDICATOR:
            scope.append(frozenset([circuit.indicators[i][0]]))
        elif kind == PRODUCT:
            scopes = [scope[c] for c in kids]
            assert sum(map(len, scopes)) == len(frozenset().union(*scopes))  # decomposable
            scope.append(frozenset().union(*scopes))
        elif kind == SUM:
            scopes = {scope[c] for c in kids}
            assert len(scopes) == 1  # smooth
            scope.append(scopes.pop())
        else:
            scope.append(frozenset())
        assert all(c < i for c in kids)  # children first
    for var in range(len(circuit.variables)):  # determinism: indicators sum to one
        assert sum(circuit.variables[var].probabilities) == pytest.approx(1.0)


def test_negative_cycle_is_rejected():
    program = GroundProgram()
    a, b = program.new_or(Term("a")), program.new_or(Term("b"))
    program.set_children(a, (-b,))
    program.set_children(b, (-a,))
    program.queries = [(Term("a"), a)]
    with pytest.raises(NegativeCycleError):
        build_formula(program)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(ground_programs())
def test_diagram_evaluation_equals_circuit_evaluation(case):
    from problogic.compile import mdd
    from problogic.compile.compiler import circuit_from_roots, compile_roots

    formula = build_formula(build(*case))
    roots = compile_roots(formula)
    order = [formula.variables[v].probabilities for v in formula.variable_order]
    direct = mdd.probabilities(roots.manager, [roots.evidence] + roots.queries, order)
    through_circuit = evaluate_probability(circuit_from_roots(formula, roots))
    assert direct == pytest.approx(through_circuit, abs=1e-12)

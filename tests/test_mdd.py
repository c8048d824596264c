"""Decision diagrams: canonicity and agreement with truth tables on random formulas."""

import itertools

from hypothesis import given, settings, strategies as st

from problogic.compile import mdd as M
from fuzz import DERANDOMIZE, examples

ARITIES = [2, 3, 2, 4]


def formulas(depth=3):
    literal = st.tuples(st.just("lit"), st.integers(0, len(ARITIES) - 1), st.integers(0, 3))
    return st.recursive(
        literal,
        lambda inner: st.one_of(
            st.tuples(st.just("not"), inner),
            st.tuples(st.sampled_from(["and", "or"]), inner, inner)),
        max_leaves=12)


def build(manager, f):
    if f[0] == "lit":
        level, value = f[1], f[2] % ARITIES[f[1]]
        return manager.literal(level, value)
    if f[0] == "not":
        return manager.negate(build(manager, f[1]))
    a, b = build(manager, f[1]), build(manager, f[2])
    return manager.conjoin(a, b) if f[0] == "and" else manager.disjoin(a, b)


def truth(f, world):
    if f[0] == "lit":
        return world[f[1]] == f[2] % ARITIES[f[1]]
    if f[0] == "not":
        return not truth(f[1], world)
    a, b = truth(f[1], world), truth(f[2], world)
    return (a and b) if f[0] == "and" else (a or b)


def evaluate(manager, node, world):
    while node not in (M.TRUE, M.FALSE):
        node = manager.kids[node][world[manager.level[node]]]
    return node == M.TRUE


WORLDS = list(itertools.product(*(range(a) for a in ARITIES)))


@settings(max_examples=examples(200), deadline=None, derandomize=DERANDOMIZE)
@given(formulas())
def test_diagram_agrees_with_truth_table(f):
    manager = M.MDDManager(ARITIES)
    node = build(manager, f)
    for world in WORLDS:
        assert evaluate(manager, node, world) == truth(f, world)


@settings(max_examples=examples(100), deadline=None, derandomize=DERANDOMIZE)
@given(formulas(), formulas())
def test_equivalent_formulas_share_one_node(f, g):
    manager = M.MDDManager(ARITIES)
    a, b = build(manager, f), build(manager, g)
    same = all(truth(f, w) == truth(g, w) for w in WORLDS)
    assert (a == b) == same


def test_reduction_and_literals():
    manager = M.MDDManager([3])
    lits = [manager.literal(0, k) for k in range(3)]
    assert manager.disjoin_all(lits) == M.TRUE
    assert manager.conjoin(lits[0], lits[1]) == M.FALSE
    assert manager.negate(lits[0]) == manager.disjoin(lits[1], lits[2])
    assert manager.negate(manager.negate(lits[2])) == lits[2]

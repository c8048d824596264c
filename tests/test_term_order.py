"""The standard order of terms (problogic.grounding.term_order).

Unit tests on a chain of terms in increasing order, a differential test against ProbLog's
``@<`` on the pairs where ProbLog's order is consistent, and hypothesis properties: the order
is total, agrees with an independent (recursive) reference, identifies exactly the identical
terms, and sorting with ``sort_key`` is consistent.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from problogic.grounding.term_order import compare_terms, sort_key, sort_unique
from problogic.language.terms import NIL, String, Term, Var, make_list
from fuzz import examples


def f(name, *args):
    return Term(name, tuple(args))


def atom(name):
    return Term(name)


V1, V2 = Var("A"), Var("B")  # V1 is created first, so V1 @< V2

# Strictly increasing.
CHAIN = [
    V1, V2,
    math.nan, -math.inf, -(10 ** 30), -1.5, -1, -0.5, 0.0, 0, 0.5, 1.0, 1, 1.5, 2, 10.0, 10,
    2 ** 53, 2 ** 53 + 1, 10 ** 30, math.inf,
    String(""), String("A"), String("a"), String("ab"), String("b"),
    atom("A"), atom("Z"), atom("[]"), atom("a"), atom("ab"), atom("b"), atom("été"),
    f("a", 1), f("f", 2), f("f", atom("a")), f("f", f("a", 1)), f("g", atom("a")), f("z", V1),
    make_list([atom("a")]), make_list([atom("a"), atom("b")]), make_list([atom("b")]),
    f("a", 9, 9), f("f", atom("a"), atom("b")), f("f", atom("b"), atom("a")),
    f("a", 1, 1, 1),
]


def test_chain_is_increasing():
    for i, a in enumerate(CHAIN):
        assert compare_terms(a, a) == 0
        for b in CHAIN[i + 1:]:
            assert compare_terms(a, b) == -1, (a, b)
            assert compare_terms(b, a) == 1, (b, a)


def test_sorting_a_shuffled_chain_restores_it():
    rng = random.Random(0)
    for _ in range(20):
        shuffled = CHAIN[:]
        rng.shuffle(shuffled)
        assert all(x is y for x, y in zip(sorted(shuffled, key=sort_key), CHAIN))


def test_equal_numbers():
    assert compare_terms(1, 1) == 0
    assert compare_terms(1.0, 1) == -1  # the float first, as SWI and ProbLog
    assert compare_terms(-0.0, 0.0) == 0  # the same number (and == in Python)
    assert compare_terms(math.nan, math.nan) == 0
    assert compare_terms(10 ** 400, math.inf) == -1


def test_identical_compound_terms_built_apart():
    a = f("f", make_list([1, 2.5, String("s")]), f("g", V1))
    b = f("f", make_list([1, 2.5, String("s")]), f("g", V1))
    assert compare_terms(a, b) == 0
    assert compare_terms(a, f("f", make_list([1, 2.5, String("s")]), f("g", V2))) == -1
    assert compare_terms(a, f("f", make_list([1.0, 2.5, String("s")]), f("g", V1))) == 1


def test_variables_in_creation_order():
    first, second = Var("Z"), Var("A")
    assert compare_terms(first, second) == -1
    assert sorted([second, first], key=sort_key) == [first, second]


def test_deep_terms_do_not_recurse():
    def chain(leaf, depth):
        t = leaf
        for _ in range(depth):
            t = f("s", t)
        return t

    deep_a, deep_b = chain(atom("a"), 100_000), chain(atom("b"), 100_000)
    assert compare_terms(deep_a, deep_b) == -1
    assert compare_terms(deep_b, deep_a) == 1
    assert compare_terms(deep_a, chain(atom("a"), 100_000)) == 0
    long_a = make_list(range(100_000))
    long_b = make_list(list(range(99_999)) + [100_000])
    assert compare_terms(long_a, long_b) == -1


def test_sort_unique_removes_identical_terms_only():
    items = [1, 1.0, 1, atom("b"), atom("a"), atom("b"), f("f", V1), f("f", V1), String("s")]
    assert sort_unique(items) == [1.0, 1, String("s"), atom("a"), atom("b"), f("f", V1)]
    assert [type(x) for x in sort_unique([1, 1.0, 1])] == [float, int]
    assert sort_unique([]) == []


def test_not_a_term():
    with pytest.raises(TypeError):
        compare_terms(True, 1)
    with pytest.raises(TypeError):
        compare_terms("a", atom("a"))


# -- against ProbLog --------------------------------------------------------------------------


def problog_text(term) -> str:
    if isinstance(term, Var):
        return "_"
    if isinstance(term, (int, float)):
        return f"({term!r})" if term < 0 else repr(term)
    if isinstance(term, String):
        return f'"{term.value}"'
    if term.functor == "." and len(term.args) == 2:
        return f"[{problog_text(term.args[0])}|{problog_text(term.args[1])}]"
    if not term.args:
        return term.functor
    return f"{term.functor}({','.join(problog_text(a) for a in term.args)})"


# Pairs (a, b) with a @< b where ProbLog's order is consistent. Left out: ProbLog's number
# order (its sort/2 puts 10.0 before 5 and -1 before -1.5), quoted atoms (ProbLog compares
# their quoted spelling) and two variables (ProbLog says neither X @< Y nor Y @< X).
PROBLOG_PAIRS = [
    (V1, 1), (V1, String("a")), (V1, atom("a")), (V1, f("f", 1)),
    (1, String("a")), (1, atom("a")), (2.5, f("f", 1)),
    (1.0, 1), (2.0, 2), (1, 2), (1, 1.5), (1.5, 2.5),
    (String("a"), String("b")), (String("b"), atom("a")), (String("z"), atom("a")),
    (String("a"), f("f", 1)),
    (atom("a"), atom("b")), (atom("abc"), atom("abd")), (atom("b"), f("a", 1)),
    (NIL, atom("a")), (atom("a"), make_list([atom("a")])),
    (f("f", atom("b")), f("g", atom("a"))), (f("g", atom("a")), f("f", atom("a"), atom("a"))),
    (f("f", atom("a"), atom("b")), f("f", atom("b"), atom("a"))),
    (f("f", f("g", atom("a"))), f("f", f("g", atom("b")))),
    (f("f", atom("a")), make_list([atom("a")])),
    (make_list([atom("a")]), make_list([atom("a"), atom("b")])),
    (make_list([atom("a"), atom("b")]), make_list([atom("b")])),
    (f("f", 1, atom("z")), f("f", 2, atom("a"))),
]


def test_pairs_same_as_problog():
    pytest.importorskip("problog")
    from oracle import problog_marginals

    lines = []
    for i, (a, b) in enumerate(PROBLOG_PAIRS):
        assert compare_terms(a, b) == -1, (a, b)
        lines.append(f"lt({i}) :- {problog_text(a)} @< {problog_text(b)}.")
        lines.append(f"gt({i}) :- {problog_text(b)} @< {problog_text(a)}.")
    lines.append("query(lt(_)). query(gt(_)).")
    result = problog_marginals("\n".join(lines))
    assert {k for k, p in result.items() if p > 0.5} == {f"lt({i})"
                                                         for i in range(len(PROBLOG_PAIRS))}


def test_sort_same_as_problog():
    pytest.importorskip("problog")
    from oracle import problog_marginals

    items = [atom("b"), String("s"), 1.0, f("g", atom("a"), atom("b")), atom("a"), 1,
             f("f", atom("y")), 0.5, f("f", atom("x")), 2, atom("b"), 1]
    text = "[" + ", ".join(problog_text(t) for t in items) + "]"
    result = problog_marginals(f"r(L) :- sort({text}, L). query(r(_)).")
    expected = "[" + ", ".join(problog_text(t) for t in sort_unique(items)) + "]"
    [key] = result
    assert key.replace(" ", "") == f"r({expected})".replace(" ", "")


# -- properties -------------------------------------------------------------------------------

_VARS = [Var("P"), Var("Q"), Var("R")]
_leaves = st.one_of(
    st.sampled_from(_VARS),
    st.integers(-3, 3),
    st.integers(-(10 ** 20), 10 ** 20),
    st.sampled_from([-1.5, -0.0, 0.0, 1.0, 2.0, 2.5, math.inf, -math.inf, math.nan]),
    st.sampled_from(["", "a", "b", "ab"]).map(String),
    st.sampled_from(["a", "b", "[]", "A", "ab"]).map(atom),
)


def _compounds(children):
    return st.builds(lambda name, args: Term(name, tuple(args)),
                     st.sampled_from(["f", "g", "."]), st.lists(children, min_size=1,
                                                                max_size=3))


_terms = st.recursive(_leaves, _compounds, max_leaves=10)


def reference_key(term):
    """An independent, recursive statement of the standard order, for comparison."""
    if isinstance(term, Var):
        return (0, term.serial)
    if isinstance(term, (int, float)):
        if term != term:
            return (1, 0)
        return (1, 1, term, isinstance(term, int))
    if isinstance(term, String):
        return (2, term.value)
    if not term.args:
        return (3, term.functor)
    return (4, len(term.args), term.functor, tuple(reference_key(a) for a in term.args))


def reference_compare(a, b):
    ka, kb = reference_key(a), reference_key(b)
    return (ka > kb) - (ka < kb)


def identical(a, b) -> bool:
    if isinstance(a, Var) or isinstance(b, Var):
        return a is b
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        if type(a) is not type(b):
            return False
        return a == b or (a != a and b != b)
    if isinstance(a, String) or isinstance(b, String):
        return a == b
    return (a.functor == b.functor and len(a.args) == len(b.args)
            and all(identical(x, y) for x, y in zip(a.args, b.args)))


@settings(max_examples=examples(400), deadline=None)
@given(_terms, _terms)
def test_agrees_with_reference_and_is_antisymmetric(a, b):
    c = compare_terms(a, b)
    assert c == reference_compare(a, b)
    assert compare_terms(b, a) == -c
    assert compare_terms(a, a) == 0
    assert (c == 0) == identical(a, b)


@settings(max_examples=examples(300), deadline=None)
@given(_terms, _terms, _terms)
def test_transitive(a, b, c):
    if compare_terms(a, b) <= 0 and compare_terms(b, c) <= 0:
        assert compare_terms(a, c) <= 0


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_terms, max_size=20), st.randoms(use_true_random=False))
def test_sorting_is_consistent(items, rng):
    ordered = sorted(items, key=sort_key)
    assert all(compare_terms(x, y) <= 0 for x, y in zip(ordered, ordered[1:]))
    shuffled = items[:]
    rng.shuffle(shuffled)
    again = sorted(shuffled, key=sort_key)
    assert all(compare_terms(x, y) == 0 for x, y in zip(ordered, again))
    unique = sort_unique(items)
    assert all(compare_terms(x, y) < 0 for x, y in zip(unique, unique[1:]))
    assert all(any(compare_terms(x, u) == 0 for u in unique) for x in items)

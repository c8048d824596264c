"""Aggregates over probabilistic solutions: aggregate_all/3, head aggregates (``sum<X>``), and
the merging of worlds that lets count, sum, max, min and avg go past the enumeration limit.

The reference is possible worlds, computed here in Python: each solution ``s(J, V, G)`` holds
under a conjunction of literals of independent facts and of one annotated disjunction, so the
distribution of an aggregate is a sum over the assignments of those.
"""

from __future__ import annotations

import contextlib
import itertools
import math

import pytest
from hypothesis import given, settings, strategies as st

import problogic as pl
from fuzz import DERANDOMIZE, examples
from problogic.grounding.builtins import solutions
from problogic.language.printing import format_term

FACTS = 4
AD = (0.2, 0.3, 0.4)  # 0.2::g(0); 0.3::g(1); 0.4::g(2), and "none" 0.1
TOLERANCE = 1e-9


@st.composite
def aggregate_programs(draw):
    """Facts f0..f3 with random probabilities, the annotated disjunction g, and solutions
    s(J, V, G) whose bodies are conjunctions of up to two literals (empty: deterministic):
    (i, positive) for fact f<i>, (FACTS + k, positive) for g(k)."""
    probabilities = [draw(st.sampled_from([0.1, 0.25, 0.5, 0.7, 0.9])) for _ in range(FACTS)]
    solutions_ = []
    for j in range(draw(st.integers(1, 14))):
        value = draw(st.sampled_from([0, 1, 2, 3, 0.5, -1]))
        group = draw(st.sampled_from("ab"))
        body = draw(st.lists(st.tuples(st.integers(0, FACTS + len(AD) - 1), st.booleans()),
                             max_size=2))
        solutions_.append((j, value, group, tuple(body)))
    return probabilities, solutions_


def _atom(i: int) -> str:
    return f"f{i}" if i < FACTS else f"g({i - FACTS})"


def render(probabilities, solutions_) -> str:
    lines = [f"{p}::f{i}." for i, p in enumerate(probabilities)]
    lines.append("; ".join(f"{p}::g({k})" for k, p in enumerate(AD)) + ".")
    for j, value, group, body in solutions_:
        literals = [_atom(i) if positive else f"\\+ {_atom(i)}" for i, positive in body]
        lines.append(f"s({j}, {value}, {group})" + (" :- " + ", ".join(literals) if literals
                                                    else "") + ".")
    lines += [
        "count(N) :- aggregate_all(count, s(_, _, _), N).",
        "sum(S) :- aggregate_all(sum(V), s(_, V, _), S).",
        "max(M) :- aggregate_all(max(V), s(_, V, _), M).",
        "min(M) :- aggregate_all(min(V, J), s(J, V, _), M).",
        "total(G, sum<V>) :- s(_, V, G).",
        "mean(G, avg<V>) :- s(_, V, G).",
        "top(G, max<V>) :- s(_, V, G).",
        "low(G, min<V>) :- s(_, V, G).",
        "size(G, count<J>) :- s(J, _, G).",
    ]
    lines += [f"query({q})." for q in ("count(_)", "sum(_)", "max(_)", "min(_)", "total(_, _)",
                                       "mean(_, _)", "top(_, _)", "low(_, _)", "size(_, _)")]
    return "\n".join(lines) + "\n"


def worlds(probabilities, solutions_):
    """(weight, the solutions true in the world, in order) for every assignment of the facts
    and choice of g (len(AD): none)."""
    for values in itertools.product((True, False), repeat=len(probabilities)):
        weight = math.prod(p if v else 1 - p for p, v in zip(probabilities, values))
        for k, p_k in enumerate(AD + (1 - sum(AD),)):
            truth = values + tuple(k == other for other in range(len(AD)))
            yield weight * p_k, [s for s in solutions_ if all(truth[i] == positive
                                                               for i, positive in s[3])]


def _first_best(pairs, better):
    best = None
    for pair in pairs:
        if best is None or better(pair[0], best[0]):
            best = pair
    return best


def reference(probabilities, solutions_) -> dict[str, float]:
    """The nonzero answers of every query in :func:`render`, by possible worlds."""
    out: dict[str, float] = {}

    def add(atom, weight):
        out[atom] = out.get(atom, 0.0) + weight

    for weight, true in worlds(probabilities, solutions_):
        values = [v for _, v, _, _ in true]
        add(f"count({len(true)})", weight)
        add(f"sum({format_term(sum(values))})", weight)
        if true:
            add(f"max({format_term(max(values))})", weight)  # max keeps the first maximum
            v, j = _first_best([(v, j) for j, v, _, _ in true], lambda a, b: a < b)
            add(f"min(min({format_term(v)},{j}))", weight)
        for group in "ab":
            mine = [v for _, v, g, _ in true if g == group]
            if not mine:
                continue
            add(f"total({group},{format_term(sum(mine))})", weight)
            add(f"mean({group},{format_term(sum(mine) / len(mine))})", weight)
            add(f"top({group},{format_term(max(mine))})", weight)
            add(f"low({group},{format_term(min(mine))})", weight)
            add(f"size({group},{len(mine)})", weight)
    return {atom: p for atom, p in out.items() if p > 0}


def nonzero(answers: dict[str, float]) -> dict[str, float]:
    return {atom: p for atom, p in answers.items() if p > TOLERANCE}


@contextlib.contextmanager
def enumerating_at_most(n: int):
    """Aggregates with a step merge worlds past ``n`` probabilistic solutions (0: always)."""
    default = solutions.ENUMERATED_SOLUTIONS
    solutions.ENUMERATED_SOLUTIONS = n
    try:
        yield
    finally:
        solutions.ENUMERATED_SOLUTIONS = default


@settings(max_examples=examples(60), deadline=None, derandomize=DERANDOMIZE)
@given(aggregate_programs(), st.sampled_from([0, 100]))
def test_aggregates_equal_possible_worlds_whether_worlds_are_merged_or_enumerated(
        program, enumerated):
    source = render(*program)
    with enumerating_at_most(enumerated):
        answers = nonzero(pl.evaluate(source))
    expected = reference(*program)
    assert set(answers) == set(expected), source
    for atom, p in expected.items():
        assert answers[atom] == pytest.approx(p, abs=TOLERANCE), (atom, source)


def test_merged_worlds_give_the_enumeration_s_answers_and_at_most_zero_more():
    # a and \+ a contradict across solutions: the enumeration drops the worlds where both
    # hold; a merged partial result may keep such a result, at probability 0
    source = ("0.4::a. 0.5::b. s(1) :- a. s(2) :- b. s(3) :- \\+ a. "
              "c(N) :- aggregate_all(count, s(_), N). query(c(_)).")
    enumerated = pl.evaluate(source)
    assert enumerated == pytest.approx({"c(1)": 0.5, "c(2)": 0.5})
    with enumerating_at_most(0):
        merged = pl.evaluate(source)
    assert nonzero(merged) == pytest.approx(enumerated)
    assert set(merged) >= set(enumerated)


def test_counting_hundreds_of_probabilistic_solutions_is_exact():
    # 200 probabilistic solutions: 2^200 worlds, 201 partial counts
    n, p = 200, 0.3
    source = "\n".join(f"{p}::sick({i})." for i in range(n)) + (
        "\nmany :- aggregate_all(count, sick(_), N), N >= 70.\nquery(many).\n")
    expected = sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(70, n + 1))
    assert pl.evaluate(source)["many"] == pytest.approx(expected, rel=1e-9)


def test_the_sum_of_twenty_dice_and_its_head_aggregate():
    dice = 20
    source = "\n".join("; ".join(f"1/6::die({i},{v})" for v in range(1, 7)) + "."
                       for i in range(dice))
    source += ("\nhigh :- aggregate_all(sum(V), die(_, V), S), S >= 84.\n"
               "total(sum<V>) :- die(_, V).\n"
               "query(high). query(total(70)).\n")
    distribution = [1.0]
    for _ in range(dice):  # the distribution of the sum, one die at a time
        distribution = [sum(distribution[s - v] / 6 for v in range(1, 7)
                            if 0 <= s - v < len(distribution))
                        for s in range(len(distribution) + 6)]
    result = pl.evaluate(source)
    assert result["high"] == pytest.approx(sum(distribution[84:]), rel=1e-9)
    assert result["total(70)"] == pytest.approx(distribution[70], rel=1e-9)


def test_the_values_of_one_choice_are_one_step_so_no_impossible_total_is_listed():
    # a die's six faces are exclusive: merged one face at a time, partial sums of two faces
    # of one die would be listed at probability 0 (231 answers for 11 dice, not 56)
    source = "\n".join("; ".join(f"1/6::die({i},{v})" for v in range(1, 7)) + "."
                        for i in range(11)) + "\ntotal(sum<V>) :- die(_, V).\nquery(total(_)).\n"
    answers = pl.evaluate(source)
    assert sorted(answers) == sorted(f"total({s})" for s in range(11, 67))
    assert sum(answers.values()) == pytest.approx(1.0)


def test_lists_of_many_probabilistic_solutions_still_end_in_a_clear_limit():
    source = "\n".join(f"0.5::e({i})." for i in range(17)) + (
        "\nl(L) :- findall(X, e(X), L).\nquery(l(_)).\n")
    with pytest.raises(pl.LimitExceededError, match=r"17 probabilistic solutions.*"
                       r"aggregate_all\(count"):
        pl.evaluate(source)


def test_partial_results_have_a_limit():
    # sums of distinct powers of two never merge: 2^17 partial sums
    source = "\n".join(f"0.5::w({i}, {2 ** i})." for i in range(17)) + (
        "\ns(S) :- aggregate_all(sum(V), w(_, V), S).\nquery(s(_)).\n")
    with pytest.raises(pl.LimitExceededError, match="distinct partial results"):
        pl.evaluate(source)

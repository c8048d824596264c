"""problogic_vision's count, range, sum and custom queries against brute-force enumeration of
every assignment of classes to detections, and against dynamic programming on large cases."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from hypothesis import given, settings, strategies as st

import problogic as pl
import problogic_vision as pv
from problogic_vision.circuits import CircuitCache
from problogic_vision.queries import CountLabel

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


# ---- references ------------------------------------------------------------------------------

def worlds(probs: torch.Tensor):
    """Every assignment (class per detection, K = no object) with its probability."""
    n, k = probs.shape
    full = torch.cat([probs, (1 - probs.sum(1, keepdim=True)).clamp_min(0)], 1).tolist()
    for world in itertools.product(range(k + 1), repeat=n):
        yield world, math.prod(full[j][c] for j, c in enumerate(world))


def class_counts(world, k):
    return [sum(1 for c in world if c == cls) for cls in range(k)]


def brute_force(probs, holds):
    return sum(p for world, p in worlds(probs) if holds(world))


def dp_counts(probs: torch.Tensor, counts: list[int]) -> float:
    """P(exact counts) by dynamic programming over count vectors."""
    k = probs.shape[1]
    table = {(0,) * k: 1.0}
    for row in probs.tolist():
        rest = max(0.0, 1 - sum(row))
        nxt: dict[tuple, float] = {}
        for state, p in table.items():
            nxt[state] = nxt.get(state, 0.0) + p * rest
            for cls in range(k):
                if row[cls] > 0 and state[cls] < counts[cls]:
                    s = state[:cls] + (state[cls] + 1,) + state[cls + 1:]
                    nxt[s] = nxt.get(s, 0.0) + p * row[cls]
        table = nxt
    return table.get(tuple(counts), 0.0)


def random_probs(generator, n, k, no_object=0.3):
    raw = torch.rand(n, k + 1, generator=generator, dtype=torch.float64) ** 2
    probs = raw / raw.sum(1, keepdim=True)
    keep = torch.rand(n, generator=generator) < no_object
    return torch.where(keep[:, None], probs[:, :k], probs[:, :k] / probs[:, :k].sum(1,
                                                                                  keepdim=True))


@st.composite
def detections(draw, max_n=4, max_k=3):
    n = draw(st.integers(0, max_n))
    k = draw(st.integers(1, max_k))
    seed = draw(st.integers(0, 2**31 - 1))
    generator = torch.Generator().manual_seed(seed)
    probs = random_probs(generator, n, k)
    if n and draw(st.booleans()):  # some exact zeros and ones
        probs[0] = torch.nn.functional.one_hot(torch.tensor(seed % k), k).double()
    return probs


# ---- exactness against enumeration ---------------------------------------------------------------

@SETTINGS
@given(detections(), st.data())
def test_count_probability_matches_enumeration(probs, data):
    n, k = probs.shape
    counts = data.draw(st.lists(st.integers(0, n + 1), min_size=k, max_size=k))
    expected = brute_force(probs, lambda w: class_counts(w, k) == counts)
    got = pv.count_probability([probs], torch.tensor([counts]))
    assert got.item() == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(detections(), st.data())
def test_range_probability_matches_enumeration(probs, data):
    n, k = probs.shape
    low = data.draw(st.lists(st.integers(0, n), min_size=k, max_size=k))
    high = [lo + data.draw(st.integers(0, n + 1)) for lo in low]
    expected = brute_force(probs, lambda w: all(
        lo <= c <= hi for lo, c, hi in zip(low, class_counts(w, k), high)))
    got = pv.range_probability([probs], torch.tensor([low]), torch.tensor([high]))
    assert got.item() == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(detections(), st.data())
def test_sum_probability_matches_enumeration(probs, data):
    n, k = probs.shape
    values = data.draw(st.lists(st.integers(-2, 4), min_size=k, max_size=k))
    total = data.draw(st.integers(-3, 4 * n + 1))
    expected = brute_force(probs, lambda w: sum(values[c] for c in w if c < k) == total)
    got = pv.sum_probability([probs], torch.tensor(values), torch.tensor([total]))
    assert got.item() == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(detections(), st.data())
def test_most_probable_assignment_is_the_best_consistent_world(probs, data):
    n, k = probs.shape
    counts = data.draw(st.lists(st.integers(0, n), min_size=k, max_size=k))
    consistent = [(p, w) for w, p in worlds(probs) if class_counts(w, k) == counts]
    best = max((p for p, _ in consistent), default=0.0)
    log_p, (assignment,) = CountLabel(torch.tensor([counts])).most_probable_world([probs])
    if best == 0.0:
        assert log_p.item() == float("-inf") and (assignment == -1).all()
        return
    world = tuple(k if c < 0 else c for c in assignment.tolist())
    assert class_counts(world, k) == counts
    p_world = math.prod(dict(worlds(probs))[world] for _ in [0])
    assert p_world == pytest.approx(best, rel=1e-9)
    assert log_p.exp().item() == pytest.approx(best, rel=1e-9)


def test_custom_query_matches_enumeration():
    generator = torch.Generator().manual_seed(3)
    probs = random_probs(generator, 4, 3)
    label = pv.QueryLabel("""
        atoms(C, N) :- findall(I, object_class(I, C), L), length(L, N).
        ok :- atoms(n, N), N >= 2, \\+ object_class(_, 'S').
    """, "ok", ["c", "n", "S"])
    expected = brute_force(probs, lambda w: w.count(1) >= 2 and 2 not in w)
    assert label.probability([probs]).item() == pytest.approx(expected, abs=1e-12)


def test_custom_query_with_evidence_is_conditional():
    generator = torch.Generator().manual_seed(4)
    probs = random_probs(generator, 3, 2)
    label = pv.QueryLabel("some(C) :- object_class(_, C). evidence(some(b)).", "some(a)",
                          ["a", "b"])
    joint = brute_force(probs, lambda w: 0 in w and 1 in w)
    evidence = brute_force(probs, lambda w: 1 in w)
    assert label.probability([probs]).item() == pytest.approx(joint / evidence, abs=1e-12)


# ---- scale: dynamic programming references ---------------------------------------------------------

def test_thirty_detections_match_dynamic_programming():
    generator = torch.Generator().manual_seed(0)
    probs = [random_probs(generator, 30, 4) for _ in range(3)]
    counts = torch.tensor([[8, 7, 5, 4], [10, 0, 10, 6], [3, 3, 3, 3]])
    got = pv.count_probability(probs, counts)
    for b in range(3):
        assert got[b].item() == pytest.approx(dp_counts(probs[b], counts[b].tolist()),
                                              rel=1e-9, abs=1e-300)


def test_fifty_detections_over_twelve_classes():
    generator = torch.Generator().manual_seed(1)
    present = [2, 5, 7, 11]
    raw = torch.rand(50, 12, generator=generator, dtype=torch.float64) * 0.05
    raw[:, present] += torch.rand(50, 4, generator=generator, dtype=torch.float64)
    probs = 0.95 * raw / raw.sum(1, keepdim=True)  # 5% no object
    counts = torch.zeros(1, 12, dtype=torch.long)
    counts[0, present] = torch.tensor([4, 6, 5, 3])
    got = pv.count_probability([probs], counts, log=True)
    expected = dp_counts(probs, counts[0].tolist())
    assert 0 < expected < 1e-3
    assert got.item() == pytest.approx(math.log(expected), rel=1e-9)


def test_log_space_does_not_underflow():
    probs = torch.full((60, 2), 1e-6, dtype=torch.float32)
    probs[:, 0] = 1 - 1e-6 - 1e-3
    log_p = pv.count_probability([probs], torch.tensor([[0, 60]]), log=True)
    assert torch.isfinite(log_p).all()
    assert log_p.item() == pytest.approx(60 * math.log(1e-6), rel=1e-4)


def test_sum_of_thirty_digits_matches_dynamic_programming():
    generator = torch.Generator().manual_seed(2)
    probs = torch.softmax(torch.randn(30, 10, generator=generator, dtype=torch.float64), 1)
    table = torch.zeros(9 * 30 + 1, dtype=torch.float64)
    table[0] = 1
    for row in probs:
        table = sum(torch.roll(table, v) * row[v] for v in range(10))
    totals = torch.tensor([0, 100, 135, 270])
    got = pv.sum_probability([probs] * 4, torch.arange(10), totals)
    assert torch.allclose(got, table[totals], rtol=1e-9, atol=1e-300)


# ---- batching, caching and gradients -----------------------------------------------------------

def test_batched_equals_one_by_one_and_permuted_labels_share_a_circuit():
    generator = torch.Generator().manual_seed(5)
    probs = [random_probs(generator, n, 3) for n in (5, 5, 6, 5, 0)]
    counts = torch.tensor([[2, 1, 0], [0, 1, 2], [3, 1, 1], [1, 0, 2], [0, 0, 0]])
    cache = CircuitCache()
    batched = CountLabel(counts).log_probability(probs, cache=cache)
    single = torch.cat([CountLabel(counts[b:b + 1]).log_probability([probs[b]], cache=cache)
                        for b in range(5)])
    assert torch.equal(batched, single)
    assert cache.compilations == 3  # padded to 8: (1,2), (1,1,3); and (0: none)
    assert batched[4].item() == 0.0  # no detections, label "no objects": certain


def test_padded_tensor_input_equals_list_input():
    generator = torch.Generator().manual_seed(6)
    stacked = torch.stack([random_probs(generator, 4, 3) for _ in range(3)])
    counts = torch.tensor([[1, 1, 1], [0, 2, 2], [4, 0, 0]])
    assert torch.equal(pv.count_probability(stacked, counts),
                       pv.count_probability(list(stacked), counts))


def test_gradients_match_finite_differences():
    generator = torch.Generator().manual_seed(7)
    # Inside the simplex (no-object mass positive), where the probabilities are smooth.
    probs = random_probs(generator, 4, 3, no_object=1.1).requires_grad_()

    def count(p):
        return pv.count_probability([p], torch.tensor([[1, 2, 0]]), log=True)

    def total(p):
        return pv.sum_probability([p], torch.tensor([1, 2, 3]), torch.tensor([5]))

    def in_range(p):
        return pv.range_probability([p], torch.tensor([[1, 0, 0]]), torch.tensor([[2, 4, 1]]))

    for fn in (count, total, in_range):
        assert torch.autograd.gradcheck(fn, (probs,), eps=1e-6, atol=1e-7)


def test_loss_trains_a_classifier_towards_the_label():
    torch.manual_seed(0)
    # 6 detections, 3 classes + no object; random so that the detections can specialise.
    logits = torch.randn(6, 4).requires_grad_()
    optimizer = torch.optim.Adam([logits], lr=0.1)
    counts = torch.tensor([[2, 3, 0]])
    for _ in range(100):
        probs = torch.softmax(logits, 1)[:, :3]
        loss = -pv.count_probability([probs], counts, log=True).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert pv.count_probability([torch.softmax(logits, 1)[:, :3]], counts).item() > 0.5


# ---- defined edge cases and errors ---------------------------------------------------------------

def test_impossible_labels_have_probability_zero():
    probs = [torch.tensor([[0.5, 0.5], [0.2, 0.7]], dtype=torch.float64)]
    assert pv.count_probability(probs, torch.tensor([[2, 1]])).item() == 0.0
    assert pv.sum_probability(probs, torch.tensor([1, 2]), torch.tensor([9])).item() == 0.0
    assert pv.sum_probability(probs, torch.tensor([1, 2]), torch.tensor([-1])).item() == 0.0
    one_hot = [torch.tensor([[1.0, 0.0]], dtype=torch.float64)]
    assert pv.count_probability(one_hot, torch.tensor([[0, 1]]), log=True).item() == \
        float("-inf")
    assert pv.most_probable_assignment(probs, torch.tensor([[2, 1]]))[0].tolist() == [-1, -1]


def test_empty_detections():
    empty = [torch.zeros(0, 3)]
    assert pv.count_probability(empty, torch.tensor([[0, 0, 0]])).item() == 1.0
    assert pv.count_probability(empty, torch.tensor([[0, 1, 0]])).item() == 0.0
    assert pv.range_probability(empty, torch.tensor([[0, 0, 0]]),
                                torch.tensor([[2, 2, 2]])).item() == 1.0
    assert pv.most_probable_assignment(empty, torch.tensor([[0, 0, 0]]))[0].numel() == 0


@pytest.mark.parametrize("probs, counts, message", [
    ([torch.tensor([[float("nan"), 0.5]])], [[1, 0]], "non-finite"),
    ([torch.tensor([[0.5, -0.1]])], [[1, 0]], "-0.1 outside"),
    ([torch.tensor([[0.8, 0.7]])], [[1, 0]], "sums to 1.5"),
    ([torch.tensor([[0.5, 0.5]])], [[-1, 0]], "counts must be non-negative; got -1"),
    ([torch.tensor([[0.5, 0.5]])], [[0.5, 0]], "integers; got 0.5"),
    ([torch.tensor([[0.5, 0.5]])], [[1, 0, 0]], "counts must be Tensor\\[B=1, K=2\\]"),
    ([torch.tensor([[0.5, 0.5]]), torch.tensor([[0.5, 0.2, 0.1]])], [[1, 0], [1, 0]],
     "has 3 classes, expected 2"),
    ([torch.tensor([0.5, 0.5])], [[1, 0]], "Tensor\\[n, K\\]"),
    ([torch.tensor([[1, 0]])], [[1, 0]], "floating point"),
    ([], [], "no images"),
])
def test_bad_input_is_rejected_with_the_value(probs, counts, message):
    with pytest.raises(pv.DetectionError, match=message):
        pv.count_probability(probs, torch.tensor(counts))


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_precision_detections(dtype):
    """Rows up to their dtype's rounding above 1 are accepted; the circuit runs in float32."""
    exact = torch.tensor([[0.5, 0.25, 0.125], [0.75, 0.125, 0.125], [0.0, 0.5, 0.5]])
    counts = torch.tensor([[1, 1, 1]])
    half = exact.to(dtype).requires_grad_()
    p = pv.count_probability([half], counts)
    assert p.dtype == torch.float32
    assert torch.allclose(p, pv.count_probability([exact], counts), atol=1e-7)
    p.sum().backward()
    assert half.grad.dtype == dtype
    rows = torch.softmax(torch.randn(8, 3, generator=torch.Generator().manual_seed(0)), 1)
    pv.count_probability([rows.to(dtype)], torch.tensor([[3, 3, 2]]))
    with pytest.raises(pv.DetectionError, match="sums to 1.1"):
        pv.count_probability([torch.tensor([[0.6, 0.5, 0.0]], dtype=dtype)], counts)


def test_bad_ranges_and_sums():
    probs = [torch.tensor([[0.5, 0.5]])]
    with pytest.raises(pv.DetectionError, match="low 2 > high 1"):
        pv.range_probability(probs, torch.tensor([[2, 0]]), torch.tensor([[1, 1]]))
    with pytest.raises(pv.DetectionError, match="values has 3 entries for 2 classes"):
        pv.sum_probability(probs, torch.tensor([1, 2, 3]), torch.tensor([1]))
    with pytest.raises(pv.DetectionError, match="totals has 2 entries for 1 images"):
        pv.sum_probability(probs, torch.tensor([1, 2]), torch.tensor([1, 2]))
    with pytest.raises(pv.DetectionError, match="class names"):
        pv.query_probability(probs, "q :- true.", "q", ["a"])


@pytest.mark.parametrize("source, query, names, error, message", [
    ("ok :- object_class(_, a).", "ok", [1, "B c"], pv.DetectionError,
     "class names must be strings; got 1"),
    ("ok :- object_class(_, a).", "ok", ["a", "a"], pv.DetectionError,
     r"class names must differ; got \['a', 'a'\]"),
    ("ok :- true.\nok :- .", "ok", ["a", "b"], pl.ParseError, "^<source>:2:7: unexpected"),
    ("ok :- true.", "ok(", ["a", "b"], pl.ParseError, "^<query>:1:4: unexpected"),
], ids=["not strings", "duplicates", "source syntax", "query syntax"])
def test_a_custom_query_s_errors_point_at_the_user_s_own_text(source, query, names, error,
                                                               message):
    with pytest.raises(error, match=message):
        pv.query_probability([torch.tensor([[0.5, 0.5]])], source, query, names)

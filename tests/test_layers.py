"""The layerized circuit (problogic/circuit/layers.py) in every semiring, against the node-by-node
float64 evaluator and against brute-force enumeration of the worlds of the circuit's variables.

A world gives each choice variable one value; ``sat(root, world)`` is the circuit evaluated by
:func:`evaluate_probability` on one-hot weights (0 or 1: the circuit is smooth and
deterministic), so the references are independent of the code under test:
``P(root) = sum_w P(w) sat(root, w)`` and ``MPE(root) = max_w P(w) sat(root, w)``.
"""

from __future__ import annotations

import itertools
import math
import warnings

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import problogic as pl
from problogic.circuit import evaluate_probability
from problogic.circuit.circuit import INDICATOR, PRODUCT, SUM, Circuit
from problogic.circuit.layers import (FIRST_WEIGHT_ROW, TensorCircuit, WeightLayout,
                                      circuit_weights, layerize, stack_weights)
from problogic.circuit.semirings import LOG_PROBABILITY, MAX_PRODUCT, PROBABILITY, get_semiring
from problogic.errors import ProblogicError
from problogic.grounding.ground_program import ChoiceVariable
from randomprograms import random_programs
from fuzz import DERANDOMIZE, examples

MAX_WORLDS = 1024
layer_settings = settings(max_examples=examples(60), deadline=None, derandomize=DERANDOMIZE,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])


def compile_source(source: str) -> Circuit:
    return pl.Program.from_string(source).compile()[1]


def random_weights(circuit: Circuit, batch: int, seed: int = 0,
                   dtype=torch.float64) -> torch.Tensor:
    """Random categorical probabilities per variable, ``[batch, V]``."""
    generator = torch.Generator().manual_seed(seed)
    per_variable = [torch.softmax(torch.randn(batch, v.arity, generator=generator,
                                              dtype=dtype), dim=1)
                    for v in circuit.variables]
    if not per_variable:
        return torch.empty(batch, 0, dtype=dtype)
    return stack_weights(per_variable)


def split_row(circuit: Circuit, row: torch.Tensor) -> list[list[float]]:
    layout = WeightLayout.from_circuit(circuit)
    return [row[o:o + a].tolist() for o, a in zip(layout.offsets, layout.arities)]


def worlds(circuit: Circuit):
    return itertools.product(*(range(v.arity) for v in circuit.variables))


def satisfied(circuit: Circuit, world) -> list[float]:
    one_hot = [[1.0 if k == x else 0.0 for k in range(v.arity)]
               for v, x in zip(circuit.variables, world)]
    return evaluate_probability(circuit, one_hot)


def brute_force(circuit: Circuit, probabilities: list[list[float]]):
    """(P(root), max_w P(w) over the worlds of the root) for every root, by enumeration."""
    totals = [0.0] * len(circuit.roots)
    best = [0.0] * len(circuit.roots)
    for world in worlds(circuit):
        weight = math.prod(probabilities[v][x] for v, x in enumerate(world))
        for r, sat in enumerate(satisfied(circuit, world)):
            assert sat in (0.0, 1.0)
            totals[r] += weight * sat
            best[r] = max(best[r], weight * sat)
    return totals, best


def world_log_probability(probabilities, world) -> float:
    return sum(math.log(probabilities[v][x]) if probabilities[v][x] > 0 else -math.inf
               for v, x in enumerate(world))


def small_circuits():
    """Circuits of random ProbLog programs with at most MAX_WORLDS worlds."""
    return random_programs().map(lambda program: program.render())


def compile_or_reject(source: str) -> Circuit:
    try:
        circuit = compile_source(source)
    except ProblogicError:
        assume(False)
    assume(math.prod(v.arity for v in circuit.variables) <= MAX_WORLDS)
    return circuit


# ---- every semiring against the references -------------------------------------------------

@layer_settings
@given(small_circuits())
def test_semirings_match_brute_force(source):
    circuit = compile_or_reject(source)
    tc = TensorCircuit(circuit)
    weights = random_weights(circuit, batch=3, seed=len(source))
    probability = tc(weights, "probability")
    log_probability = tc(weights.log(), "log")
    mpe = tc.mpe(weights.log())
    assert torch.equal(mpe.value, tc(weights.log(), "max"))
    for b in range(weights.shape[0]):
        probabilities = split_row(circuit, weights[b])
        reference = evaluate_probability(circuit, probabilities)
        totals, best = brute_force(circuit, probabilities)
        assert probability[b].tolist() == pytest.approx(reference, abs=1e-12)
        assert probability[b].tolist() == pytest.approx(totals, abs=1e-12)
        assert log_probability[b].exp().tolist() == pytest.approx(totals, abs=1e-12)
        for r in range(len(circuit.roots)):
            expected = math.log(best[r]) if best[r] > 0 else -math.inf
            assert mpe.value[b, r].item() == pytest.approx(expected, abs=1e-9)
            assignment = mpe.assignment[b, r].tolist()
            if expected == -math.inf:
                assert assignment == [-1] * len(circuit.variables)
                continue
            # the decoded world is a model of the root and attains the maximum
            assert satisfied(circuit, assignment)[r] == 1.0
            assert world_log_probability(probabilities, assignment) == pytest.approx(
                expected, abs=1e-9)


@layer_settings
@given(small_circuits(), st.sampled_from([0, 4]))
def test_batched_equals_one_by_one(source, max_inlined_factors):
    circuit = compile_or_reject(source)
    tc = TensorCircuit(circuit, max_inlined_factors=max_inlined_factors)
    plain = evaluate_probability(circuit, split_row(circuit, random_weights(circuit, 4, 1)[2]))
    assert tc(random_weights(circuit, 4, 1), "probability")[2].tolist() == pytest.approx(
        plain, abs=1e-12)
    weights = random_weights(circuit, batch=4, seed=1)
    for semiring in ("probability", "log", "max"):
        encoded = get_semiring(semiring).encode(weights)
        batched = tc(encoded, semiring)
        for b in range(weights.shape[0]):
            assert torch.allclose(batched[b], tc(encoded[b:b + 1], semiring)[0],
                                  rtol=1e-12, atol=1e-12)
    batched = tc.mpe(weights.log())
    for b in range(weights.shape[0]):
        single = tc.mpe(weights[b:b + 1].log())
        assert torch.equal(batched.assignment[b], single.assignment[0])


def test_default_weights_match_the_reference_evaluator():
    source = "\n".join(["0.3::a. 0.6::b. 0.2::c; 0.5::d.",
                        "q :- a, \\+ c. q :- b, d. r :- q, \\+ a.",
                        "evidence(q). query(q). query(r). query(a)."])
    circuit = compile_source(source)
    tc = TensorCircuit(circuit)
    expected = evaluate_probability(circuit)
    assert tc(circuit_weights(circuit), "probability")[0].tolist() == pytest.approx(expected)
    log_weights = circuit_weights(circuit, 2, semiring="log")
    assert tc(log_weights)[1].exp().tolist() == pytest.approx(expected)
    probabilities = pl.Program.from_string(source).evaluate()
    values = tc(log_weights)[0].exp()
    assert (values[1:] / values[0]).tolist() == pytest.approx(list(probabilities.values()))


# ---- gradients -----------------------------------------------------------------------------

GRADIENT_PROGRAM = """
0.3::a. 0.6::b. 0.2::c; 0.5::d; 0.3::e.
q :- a, \\+ c. q :- b, d. q :- e, \\+ b.
r :- q, \\+ a. r :- c.
evidence(q). query(r). query(a).
"""


@pytest.mark.parametrize("semiring", ["probability", "log", "max"])
def test_gradients_match_finite_differences(semiring):
    circuit = compile_source(GRADIENT_PROGRAM)
    tc = TensorCircuit(circuit)
    weights = random_weights(circuit, batch=2, seed=3)
    encoded = get_semiring(semiring).encode(weights).requires_grad_()
    assert torch.autograd.gradcheck(lambda w: tc(w, semiring), (encoded,))


def variable_named(circuit: Circuit, name: str) -> int:
    return next(i for i, v in enumerate(circuit.variables) if str(v.heads[0]) == name)


def test_gradient_of_a_disjunction_is_analytic():
    circuit = compile_source("0.6::a. 0.3::b. q :- a. q :- b. query(q).")
    tc = TensorCircuit(circuit)
    pa = torch.tensor(0.6, dtype=torch.float64, requires_grad=True)
    pb = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    per_variable = [None, None]  # value 0 is "true", value 1 "false"
    per_variable[variable_named(circuit, "a")] = torch.stack([pa, 1 - pa])[None]
    per_variable[variable_named(circuit, "b")] = torch.stack([pb, 1 - pb])[None]
    for semiring in ("probability", "log"):
        weights = get_semiring(semiring).encode(stack_weights(per_variable))
        q = get_semiring(semiring).decode(tc(weights, semiring)[0, 1])
        assert q.item() == pytest.approx(0.6 + 0.3 - 0.6 * 0.3)
        grad_a, grad_b = torch.autograd.grad(q, (pa, pb))
        assert grad_a.item() == pytest.approx(1 - 0.3)  # d/dpa (pa + pb - pa pb)
        assert grad_b.item() == pytest.approx(1 - 0.6)


def test_zero_factors_and_impossible_sums_give_no_nan():
    circuit = compile_source("0.5::a. 0.5::b. 0.5::c. q :- a, b, c. r :- a, \\+ a. "
                             "query(q). query(r).")
    tc = TensorCircuit(circuit)
    a, b, c = (variable_named(circuit, n) for n in "abc")
    per_variable = [None] * 3
    per_variable[a] = torch.tensor([[0.0, 1.0]], dtype=torch.float64)  # P(a) = 0
    per_variable[b] = torch.tensor([[0.5, 0.5]], dtype=torch.float64)
    per_variable[c] = torch.tensor([[0.25, 0.75]], dtype=torch.float64)
    probabilities = stack_weights(per_variable).requires_grad_()
    q = tc(probabilities, "probability")[0, 1]
    q.backward()
    layout = tc.layout
    grad = probabilities.grad[0]
    assert q.item() == 0.0
    assert grad[layout.column(a, 0)].item() == pytest.approx(0.5 * 0.25)  # others' product
    assert grad[layout.column(b, 0)].item() == 0.0
    assert not torch.isnan(grad).any()

    log_weights = probabilities.detach().log().requires_grad_()  # log(0) = -inf
    values = tc(log_weights, "log")[0]
    assert values[1].item() == -math.inf and values[2].item() == -math.inf
    values[1:].sum().backward()
    assert torch.isfinite(log_weights.grad).all()


def test_log_space_does_not_underflow():
    """A product of 5000 factors 0.5: 2^-5000 is 0 in float32 and float64, not in log space."""
    n = 5000
    circuit = Circuit(variables=[ChoiceVariable([0.5, 0.5], [None, None], [None, None])
                                 for _ in range(n)])
    indicators = [circuit.add(INDICATOR, (), (v, 0)) for v in range(n)]
    circuit.roots.append(circuit.add(PRODUCT, tuple(indicators)))
    tc = TensorCircuit(circuit)
    assert tc(circuit_weights(circuit, dtype=torch.float32), "probability").item() == 0.0
    log_weights = circuit_weights(circuit, 2, semiring="log", dtype=torch.float32)
    log_weights.requires_grad_()
    value = tc(log_weights, "log")
    assert value[0, 0].item() == pytest.approx(n * math.log(0.5), rel=1e-6)
    value.sum().backward()
    assert torch.equal(log_weights.grad[:, 0::2], torch.ones(2, n))
    assert torch.equal(log_weights.grad[:, 1::2], torch.zeros(2, n))


def test_log_space_sums_stay_exact_at_large_magnitudes():
    """logsumexp of children around -3000 (a sum over two deep products) is still exact."""
    n = 3000
    circuit = Circuit(variables=[ChoiceVariable([0.5, 0.5], [None, None], [None, None])
                                 for _ in range(n)])
    zeros = [circuit.add(INDICATOR, (), (v, 0)) for v in range(n)]
    ones = [circuit.add(INDICATOR, (), (v, 1)) for v in range(n)]
    first = circuit.add(SUM, (zeros[0], ones[0]))
    left = circuit.add(PRODUCT, (zeros[0], *zeros[1:]))
    right = circuit.add(PRODUCT, (ones[0], *zeros[1:]))
    circuit.roots += [circuit.add(SUM, (left, right)), first]
    value = TensorCircuit(circuit)(circuit_weights(circuit, semiring="log"), "log")
    assert value[0, 0].item() == pytest.approx((n - 1) * math.log(0.5), rel=1e-12)


# ---- precision and devices -----------------------------------------------------------------

def counts_program(n: int) -> str:
    lines = [f"0.2::obj({i},c1); 0.5::obj({i},c2); 0.3::obj({i},c3)." for i in range(n)]
    lines += [f"objs([{','.join(map(str, range(n)))}]).",
              "cnt([], _, 0).",
              "cnt([I|T], C, N) :- obj(I, C), cnt(T, C, M), N is M+1.",
              "cnt([I|T], C, N) :- \\+ obj(I, C), cnt(T, C, N).",
              f"label :- objs(L), cnt(L, c1, {n // 5}), cnt(L, c2, {n // 2}).",
              "query(label)."]
    return "\n".join(lines)


def test_float32_agrees_with_float64():
    circuit = compile_source(counts_program(12))
    tc = TensorCircuit(circuit)
    weights = random_weights(circuit, batch=8, seed=5)
    for semiring in ("probability", "log", "max"):
        encoded = get_semiring(semiring).encode(weights)
        high = tc(encoded, semiring)
        low = tc(encoded.float(), semiring)
        assert low.dtype == torch.float32
        scale = 1.0 if semiring == "probability" else high.abs().clamp_min(1.0)
        assert ((low.double() - high).abs() / scale).max().item() < 1e-5


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
def test_cuda_matches_cpu():
    circuit = compile_source(counts_program(10))
    tc = TensorCircuit(circuit)
    weights = random_weights(circuit, batch=16, seed=6, dtype=torch.float32).log()
    gpu = TensorCircuit(circuit).to("cuda")
    assert gpu.child_rows.device.type == "cuda"
    for semiring in ("log", "max"):
        cpu_weights = weights.clone().requires_grad_()
        gpu_weights = weights.cuda().requires_grad_()
        cpu_value, gpu_value = tc(cpu_weights, semiring), gpu(gpu_weights, semiring)
        assert torch.allclose(gpu_value.cpu(), cpu_value, rtol=1e-5, atol=1e-5)
        cpu_value.sum().backward()
        gpu_value.sum().backward()
        assert torch.allclose(gpu_weights.grad.cpu(), cpu_weights.grad, rtol=1e-5, atol=1e-5)
    probability = weights.exp()
    assert torch.allclose(gpu(probability.cuda(), "probability").cpu(),
                          tc(probability, "probability"), rtol=1e-5, atol=1e-6)
    assert torch.equal(gpu.mpe(weights.cuda()).assignment.cpu(), tc.mpe(weights).assignment)


# ---- structure -----------------------------------------------------------------------------

def test_identical_structure_is_merged():
    variables = [ChoiceVariable([0.4, 0.6], [None, None], [None, None]) for _ in range(2)]
    circuit = Circuit(variables=variables)
    a0, a1 = circuit.add(INDICATOR, (), (0, 0)), circuit.add(INDICATOR, (), (0, 1))
    b0, b1 = circuit.add(INDICATOR, (), (1, 0)), circuit.add(INDICATOR, (), (1, 1))
    a0_again = circuit.add(INDICATOR, (), (0, 0))
    s1 = circuit.add(SUM, (b0, b1))
    s2 = circuit.add(SUM, (b1, b0))  # same children, other order
    p1 = circuit.add(PRODUCT, (a0, s1))
    p2 = circuit.add(PRODUCT, (s2, a0_again))
    p3 = circuit.add(PRODUCT, (a1, s2))
    circuit.roots += [circuit.add(SUM, (p1, p3)), p2]
    plan = layerize(circuit, max_inlined_factors=0)
    assert plan.node_rows[a0] == plan.node_rows[a0_again]
    assert plan.node_rows[s1] == plan.node_rows[s2]
    assert plan.node_rows[p1] == plan.node_rows[p2]
    assert plan.num_rows == FIRST_WEIGHT_ROW + 4 + 4  # leaves, s, p1, p3, root
    assert evaluate_probability(circuit) == pytest.approx(
        TensorCircuit(circuit)(circuit_weights(circuit), "probability")[0].tolist())


@pytest.mark.parametrize("max_inlined_factors", [0, 4])
def test_layers_read_only_lower_layers(max_inlined_factors):
    circuit = compile_source(counts_program(8))
    plan = layerize(circuit, max_inlined_factors=max_inlined_factors)
    first_row = FIRST_WEIGHT_ROW + plan.layout.size
    for blocks in plan.layers:
        layer_start = min(block.start for block in blocks)
        assert layer_start == first_row
        for block in blocks:
            rows = plan.child_rows[block.edge_start:block.edge_stop]
            assert len(rows) == block.factors * block.terms * block.size
            assert max(rows) < layer_start
        first_row = max(block.stop for block in blocks)
    assert first_row == plan.num_rows
    tc = TensorCircuit(circuit, call_cost=0)  # every shape its own block, still the same values
    weights = random_weights(circuit, 2)
    assert torch.allclose(tc(weights, "probability"),
                          TensorCircuit(circuit)(weights, "probability"), rtol=1e-12)


def test_index_tensors_are_buffers_outside_the_state_dict():
    tc = TensorCircuit(compile_source(counts_program(4)))
    names = {name for name, _ in tc.named_buffers()}
    assert {"child_rows", "root_rows"} <= names
    assert tc.state_dict() == {}
    assert "layers=" in repr(tc)


def test_weight_helpers():
    circuit = compile_source("0.2::a; 0.3::b. 0.4::c. q :- a, c. query(q).")
    layout = WeightLayout.from_circuit(circuit)
    assert sum(layout.arities) == layout.size == 5  # the AD has a "none" value
    assert layout.offsets[1] == layout.arities[0]
    weights = circuit_weights(circuit, 3)
    assert weights.shape == (3, 5)
    assert stack_weights(layout.split(weights)).equal(weights)
    assert circuit_weights(circuit, semiring="log").exp().allclose(weights[:1])
    tc = TensorCircuit(circuit)
    with pytest.raises(ValueError, match=r"\[batch, 5\]"):
        tc(weights[:, :4])
    with pytest.raises(ValueError, match="unknown semiring"):
        tc(weights, "tropical")
    assert get_semiring(LOG_PROBABILITY) is LOG_PROBABILITY
    assert get_semiring("max") is MAX_PRODUCT and get_semiring("prob") is PROBABILITY


def test_impossible_root_decodes_to_minus_one():
    circuit = compile_source("0.5::a. 0.4::b. q :- a, \\+ a. s :- a. "
                             "query(q). query(b). query(s).")
    assert len(circuit.variables) == 2
    result = TensorCircuit(circuit).mpe(circuit_weights(circuit, 2, semiring="log"))
    assert result.value.shape == (2, 4) and result.assignment.shape == (2, 4, 2)
    assert result.value[0, 1].item() == -math.inf
    assert result.assignment[:, 1].eq(-1).all()
    b = variable_named(circuit, "b")
    assert result.assignment[0, 2, b].item() == 0  # query b: b is true
    assert result.value[0, 2].item() == pytest.approx(math.log(0.5 * 0.4))


# ---- the workspace and torch.compile -------------------------------------------------------

def test_reused_buffers_never_clobber_live_results():
    circuit = compile_source(counts_program(6))
    tc = TensorCircuit(circuit)
    w1 = random_weights(circuit, 4, seed=1).log().requires_grad_()
    w2 = random_weights(circuit, 4, seed=2).log().requires_grad_()
    y1 = tc(w1)  # its graph holds the values buffer: the next call must not reuse it
    y2 = tc(w2)
    (y1[:, 1].sum() + 2 * y2[:, 1].sum()).backward()
    g1, g2 = w1.grad.clone(), w2.grad.clone()
    w1.grad = w2.grad = None
    tc(w1)[:, 1].sum().backward()
    (2 * tc(w2)[:, 1].sum()).backward()
    assert torch.allclose(g1, w1.grad, rtol=1e-12) and torch.allclose(g2, w2.grad, rtol=1e-12)
    kept = tc.values(w1)
    snapshot = kept.clone()
    tc(w2)
    tc.mpe(w2.detach())
    assert torch.equal(kept, snapshot)


def test_failed_compile_falls_back_to_the_eager_loop(monkeypatch):
    def broken(function, **options):
        def run(*args):
            raise RuntimeError("no compiler here")
        return run

    circuit = compile_source(GRADIENT_PROGRAM)
    monkeypatch.setattr(torch, "compile", broken)
    tc = TensorCircuit(circuit, compile=True)
    weights = circuit_weights(circuit, 2, semiring="log").requires_grad_()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = tc(weights)
    assert any("torch.compile failed" in str(w.message) for w in caught)
    assert value[0].exp().tolist() == pytest.approx(evaluate_probability(circuit))
    value.sum().backward()
    assert torch.isfinite(weights.grad).all()


@pytest.fixture
def one_thread():
    """One torch thread: the numpy blocks apply (see semirings._numpy_ok)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("factors, terms", [(1, 1), (3, 1), (1, 2), (2, 3), (2, 4), (3, 6)])
def test_fused_log_block_matches_the_torch_reductions(dtype, factors, terms, one_thread):
    # The numpy block (CPU) against the semiring's own torch reductions, with impossible
    # factors and whole impossible nodes among the values.
    generator = torch.Generator().manual_seed(factors * 10 + terms)
    x = -30 * torch.rand(factors, terms, 7, 5, generator=generator, dtype=dtype)
    x[0, 0, 1] = -math.inf
    x[:, :, 2] = -math.inf
    x[-1, -1, 3, 1] = -math.inf
    fused = torch.empty(7, 5, dtype=dtype)
    assert LOG_PROBABILITY.sum_of_products(x.clone(), fused)
    terms_value = torch.empty(terms, 7, 5, dtype=dtype)
    LOG_PROBABILITY.multiply(x.clone().view(factors, terms * 7, 5), terms_value.view(-1, 5))
    expected = torch.empty(7, 5, dtype=dtype)
    LOG_PROBABILITY.add(terms_value, expected)
    assert torch.equal(torch.isinf(fused), torch.isinf(expected))
    finite = torch.isfinite(expected)
    assert torch.allclose(fused[finite], expected[finite], rtol=1e-6, atol=1e-5)
    assert not torch.isnan(fused).any()


def test_fused_log_block_declines_tensors_numpy_cannot_take():
    x = torch.zeros(2, 2, 3, 4, dtype=torch.float16)
    assert not LOG_PROBABILITY.sum_of_products(x, torch.empty(3, 4, dtype=torch.float16))


def test_log_values_are_natural_logarithms_despite_base_2_inside():
    circuit = compile_source("0.6::a. 0.3::b. q :- a. q :- \\+a, b. query(q).")
    tc = TensorCircuit(circuit)
    weights = circuit_weights(circuit, 2)
    log_values = tc.values(weights.log(), "log")
    assert torch.allclose(log_values.exp(), tc.values(weights, "probability"))
    assert torch.allclose(tc(weights.log(), "log").exp(), tc(weights, "probability"))
    assert tc(weights.log(), "log")[0, 1].exp().item() == pytest.approx(0.6 + 0.4 * 0.3)


def test_torch_path_of_log_space_matches_the_numpy_path(monkeypatch, one_thread):
    # Off CPU (or for dtypes numpy lacks) log space runs on torch alone: same values, same
    # gradients.
    import problogic.circuit.semirings as semirings

    circuit = compile_source("0.6::a. 0.3::b. 0.2::c. q :- a, b. q :- \\+a, c. q :- b, c. "
                             "r :- \\+q. query(q). query(r).")
    tc = TensorCircuit(circuit)
    log_weights = torch.log(random_weights(circuit, 4))

    def run():
        leaf = log_weights.clone().requires_grad_()
        out = tc(leaf, "log")
        out.sum().backward()
        return out.detach(), leaf.grad

    numpy_out, numpy_grad = run()
    monkeypatch.setattr(semirings, "_numpy_ok", lambda x: False)
    torch_out, torch_grad = run()
    assert torch.allclose(numpy_out, torch_out, atol=1e-12)
    assert torch.allclose(numpy_grad, torch_grad, atol=1e-12)


@pytest.fixture
def probability_route(monkeypatch):
    """The probability-space route of log space on every circuit, however small."""
    import problogic.circuit.layers as layers

    monkeypatch.setattr(layers, "PROBABILITY_ROUTE_MIN_EDGES", 0)


def _force_log_space(monkeypatch):
    """Make every batch element take the log-space passes."""
    original = TensorCircuit._log_by_probability

    def never_exact(self, weights):
        values, roots, exact = original(self, weights)
        return values, roots, torch.zeros_like(exact)

    monkeypatch.setattr(TensorCircuit, "_log_by_probability", never_exact)


def _log_results(tc: TensorCircuit, log_weights: torch.Tensor, grad_output: torch.Tensor):
    leaf = log_weights.clone().requires_grad_()
    out = tc(leaf, "log")
    out.backward(grad_output)
    return out.detach(), leaf.grad


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_log_space_through_probability_space_matches_the_log_passes(monkeypatch, dtype,
                                                                    probability_route):
    circuit = compile_source("0.6::a. 0.3::b. 0.2::c. q :- a, b. q :- \\+a, c. q :- b, c. "
                             "r :- \\+q. query(q). query(r).")
    tc = TensorCircuit(circuit)
    log_weights = torch.log(random_weights(circuit, 5, dtype=dtype))
    log_weights[0, 0] = -math.inf  # a zero weight: its product is zero, no NaN
    grad_output = torch.randn(5, 3, dtype=dtype, generator=torch.Generator().manual_seed(1))
    calls = []
    original = TensorCircuit._log_by_probability

    def spy(self, weights):
        result = original(self, weights)
        calls.append(bool(result[2].all()))
        return result

    monkeypatch.setattr(TensorCircuit, "_log_by_probability", spy)
    fast_out, fast_grad = _log_results(tc, log_weights, grad_output)
    assert calls == [True]  # the probability-space route was taken
    _force_log_space(monkeypatch)
    log_out, log_grad = _log_results(tc, log_weights, grad_output)
    tolerance = 1e-5 if dtype == torch.float32 else 1e-12
    assert torch.equal(torch.isinf(fast_out), torch.isinf(log_out))
    finite = torch.isfinite(log_out)
    assert torch.allclose(fast_out[finite], log_out[finite], atol=tolerance)
    assert torch.allclose(fast_grad, log_grad, atol=tolerance)


@pytest.mark.parametrize("case", ["weight above one", "impossible root", "root too small",
                                  "gradient overflows"])
def test_log_space_falls_back_where_probability_space_is_not_exact(monkeypatch, case,
                                                                   probability_route):
    n = 120  # a product of 120 factors 0.5: 2^-120 is a normal float32, but below the margin
    circuit = Circuit(variables=[ChoiceVariable([0.5, 0.5], [None, None], [None, None])
                                 for _ in range(n)])
    indicators = [circuit.add(INDICATOR, (), (v, 0)) for v in range(n)]
    few = circuit.add(PRODUCT, tuple(indicators[:20]))
    circuit.roots += [circuit.add(PRODUCT, tuple(indicators)), few]
    tc = TensorCircuit(circuit)
    log_weights = circuit_weights(circuit, 2, semiring="log", dtype=torch.float32)
    grad_output = torch.ones(2, 2)
    if case == "weight above one":
        log_weights[:, 0] = 0.5
        circuit.roots[:] = circuit.roots[1:]
        tc = TensorCircuit(circuit)
        grad_output = torch.ones(2, 1)
    elif case == "impossible root":
        log_weights[:, 2] = -math.inf
    elif case == "gradient overflows":
        circuit.roots[:] = circuit.roots[1:]  # 2^-20: in probability space...
        tc = TensorCircuit(circuit)
        grad_output = torch.full((2, 1), 1e33)  # ...but 1e33 / 2^-20 overflows float32
    fast_out, fast_grad = _log_results(tc, log_weights, grad_output)
    _force_log_space(monkeypatch)
    log_out, log_grad = _log_results(tc, log_weights, grad_output)
    assert torch.equal(fast_out, log_out)
    assert torch.equal(fast_grad, log_grad)
    assert torch.isfinite(fast_grad).all()
    if case == "root too small":
        assert fast_out[0, 0].item() == pytest.approx(n * math.log(0.5), rel=1e-6)


def test_log_space_routes_each_batch_element_on_its_own(probability_route):
    # Element 0 needs the log-space passes (2^-120 is below the margin), element 1 does not:
    # batched results equal one-by-one results exactly, values and gradients.
    n = 120
    circuit = Circuit(variables=[ChoiceVariable([0.5, 0.5], [None, None], [None, None])
                                 for _ in range(n)])
    circuit.roots.append(circuit.add(PRODUCT, tuple(circuit.add(INDICATOR, (), (v, 0))
                                                    for v in range(n))))
    tc = TensorCircuit(circuit)
    log_weights = torch.log(torch.tensor([[0.5, 0.5] * n, [0.99, 0.01] * n]))
    grad_output = torch.tensor([[1.0], [2.0]])
    out, grad = _log_results(tc, log_weights, grad_output)
    for b in range(2):
        one_out, one_grad = _log_results(tc, log_weights[b:b + 1], grad_output[b:b + 1])
        assert torch.equal(out[b:b + 1], one_out) and torch.equal(grad[b:b + 1], one_grad)
    assert out[0, 0].item() == pytest.approx(n * math.log(0.5), rel=1e-6)
    assert out[1, 0].item() == pytest.approx(n * math.log(0.99), rel=1e-5)


@pytest.mark.parametrize("factors, terms", [(1, 1), (5, 1), (1, 7), (2, 3), (3, 5)])
def test_fused_probability_block_matches_the_torch_reductions(factors, terms, one_thread):
    generator = torch.Generator().manual_seed(factors * 10 + terms)
    x = torch.rand(factors, terms, 7, 5, generator=generator, dtype=torch.float64)
    x[0, 0, 1] = 0.0
    fused = torch.empty(7, 5, dtype=torch.float64)
    assert PROBABILITY.sum_of_products(x.clone(), fused)
    expected = x.prod(dim=0).sum(dim=0)
    assert torch.allclose(fused, expected, rtol=1e-12, atol=0)


def test_reductions_do_not_depend_on_the_batch():
    # Folded in an order fixed by the number of terms: one column alone gives the same bits.
    generator = torch.Generator().manual_seed(3)
    x = torch.rand(37, 4, 9, generator=generator)
    for semiring in (PROBABILITY, LOG_PROBABILITY):
        for reduce in (semiring.add, semiring.multiply):
            whole, alone = torch.empty(4, 9), torch.empty(4, 1)
            reduce(x.clone(), whole)
            reduce(x[:, :, 3:4].clone(), alone)
            assert torch.equal(whole[:, 3:4], alone)


def test_small_circuits_take_the_log_space_passes(monkeypatch):
    circuit = compile_source("0.6::a. 0.3::b. q :- a. q :- b. query(q).")
    tc = TensorCircuit(circuit)
    monkeypatch.setattr(TensorCircuit, "_log_by_probability",
                        lambda self, weights: pytest.fail("probability route on a small circuit"))
    assert tc(circuit_weights(circuit, semiring="log"), "log").exp()[0, 1].item() == \
        pytest.approx(0.72)


def test_many_threads_take_the_torch_kernels():
    # numpy is single-threaded: above two torch threads the blocks run on torch (same values).
    circuit = compile_source("0.6::a. 0.3::b. 0.2::c. q :- a, b. q :- \\+a, c. query(q).")
    tc = TensorCircuit(circuit)
    log_weights = torch.log(random_weights(circuit, 3))
    x = torch.zeros(2, 2, 3, 4)
    threads = torch.get_num_threads()
    one = tc(log_weights, "log")
    try:
        torch.set_num_threads(4)
        assert not LOG_PROBABILITY.sum_of_products(x, torch.empty(3, 4))
        many = tc(log_weights, "log")
    finally:
        torch.set_num_threads(threads)
    assert torch.allclose(one, many, atol=1e-12)


# ---- fused circuits --------------------------------------------------------------------------

def _values_and_grads(tc: TensorCircuit, weights: torch.Tensor, semiring: str,
                      grad_output: torch.Tensor):
    leaf = weights.clone().requires_grad_()
    out = tc(leaf, semiring)
    finite = torch.isfinite(out)  # the gradient of an impossible root (-inf) is left out
    (out.where(finite, 0.0) * grad_output).sum().backward()
    return out.detach(), leaf.grad


@layer_settings
@given(st.lists(small_circuits(), min_size=2, max_size=3), st.sampled_from([0, 4]),
       st.booleans())
def test_fused_circuits_compute_their_members_bits(sources, max_inlined_factors, numpy):
    # The union of several circuits as one (one pass over the layers for a batch of several
    # shapes): every root and every gradient the same to the bit, on the numpy blocks and on
    # the torch kernels, in every semiring; blocks of the same shape merge.
    from problogic.circuit.fusion import fuse

    circuits = [compile_or_reject(source) for source in sources]
    members = [TensorCircuit(c, max_inlined_factors=max_inlined_factors) for c in circuits]
    fusion = fuse(members)
    fused = fusion.module
    assert fused.num_roots == sum(m.num_roots for m in members)
    assert fused.num_edges == sum(m.num_edges for m in members)
    assert fused.num_blocks <= sum(m.num_blocks for m in members)
    threads = torch.get_num_threads()
    torch.set_num_threads(1 if numpy else 4)  # the numpy blocks take at most two threads

    def same(a, b):
        if numpy:
            assert torch.equal(a, b)
        else:  # torch's vectorised exp2 and its scalar loop for a tensor's tail differ by
            # an ulp, and fusing moves elements between them
            assert torch.allclose(a, b, rtol=1e-13, atol=1e-15, equal_nan=True)

    try:
        weights = [random_weights(c, 3, seed=i) for i, c in enumerate(circuits)]
        for semiring in ("probability", "log", "max"):
            encoded = [get_semiring(semiring).encode(w) for w in weights]
            seeds = [torch.randn(3, m.num_roots, dtype=torch.float64) for m in members]
            out, grad = _values_and_grads(fused, torch.cat(encoded, 1), semiring,
                                          torch.cat(seeds, 1))
            for member, w, seed, roots, columns in zip(members, encoded, seeds, fusion.roots,
                                                       fusion.weights):
                own_out, own_grad = _values_and_grads(member, w, semiring, seed)
                same(out[:, roots], own_out)
                if semiring != "max":  # max-product has no gradient
                    same(grad[:, columns], own_grad)
        mpe = fused.mpe(torch.cat(weights, 1).log())
        for member, w, roots, columns in zip(members, weights, fusion.roots, fusion.weights):
            own = member.mpe(w.log())
            same(mpe.value[:, roots], own.value)
            picked = mpe.assignment[:, roots]  # the member's own variables' values
            first = sum(len(m.layout.arities) for m in members[:members.index(member)])
            assert torch.equal(picked[..., first:first + member.num_variables],
                               own.assignment)
    finally:
        torch.set_num_threads(threads)

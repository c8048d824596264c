"""problogic.Model: neural predicates batched, cached per shape, exact and differentiable."""

import pytest
import torch

import problogic as pl
from problogic.language.parser import parse_term
from problogic.neural import bindings
from problogic.neural.bindings import bind_query

ADDITION = """
nn(digit, [X], Y, [0, 1, 2]) :: digit(X, Y).
add(X, Y, Z) :- digit(X, A), digit(Y, B), Z is A + B.
"""


class Softmax(torch.nn.Module):
    """A 'network' whose input already holds the logits: easy to reason about exactly."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return torch.softmax(x, dim=1)


def reference(p, q, z):
    """P(A + B = z) for independent categorical A ~ p, B ~ q."""
    return sum(p[a] * q[b] for a in range(len(p)) for b in range(len(q)) if a + b == z)


def test_query_equals_exact_inference_and_equals_program_with_facts():
    torch.manual_seed(0)
    x, y = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    z = torch.tensor([0, 1, 2, 3, 4])
    model = pl.Model(ADDITION, networks={"digit": Softmax()})
    result = model.query("add(X, Y, Z)", X=x, Y=y, Z=z)
    assert result.shape == (5,) and result.dtype == torch.float64
    p, q = torch.softmax(x, 1), torch.softmax(y, 1)
    for b in range(5):
        assert result[b].item() == pytest.approx(reference(p[b], q[b], b).item(), abs=1e-12)
    # the same number from plain ProbLog with the probabilities written as facts
    b = 3
    facts = "".join(f"{float(p[b, k])}::d(x, {k}); " for k in range(2)) + \
        f"{float(p[b, 2])}::d(x, 2).\n" + \
        "".join(f"{float(q[b, k])}::d(y, {k}); " for k in range(2)) + f"{float(q[b, 2])}::d(y, 2).\n"
    text = facts + "add :- d(x, A), d(y, B), 3 is A + B.\nquery(add)."
    assert result[b].item() == pytest.approx(pl.evaluate(text)["add"], abs=1e-9)


def test_one_network_call_per_query_and_one_compilation_per_shape():
    net = Softmax()
    model = pl.Model(ADDITION, networks={"digit": net})
    x = torch.randn(8, 3)
    model.query("add(X, Y, Z)", X=x, Y=x.flip(0), Z=torch.tensor([1, 2, 1, 2, 1, 2, 1, 2]))
    assert net.calls == 1 and model.num_compiled == 2
    model.query("add(X, Y, Z)", X=x, Y=x, Z=torch.full((8,), 2))
    assert net.calls == 2 and model.num_compiled == 2


def test_batched_equals_one_by_one_and_log_query():
    torch.manual_seed(1)
    model = pl.Model(ADDITION, networks={"digit": Softmax()})
    x, y, z = torch.randn(6, 3), torch.randn(6, 3), torch.tensor([0, 1, 2, 3, 4, 2])
    batched = model.query("add(X, Y, Z)", X=x, Y=y, Z=z)
    single = torch.cat([model.query("add(X, Y, Z)", X=x[i:i + 1], Y=y[i:i + 1], Z=z[i:i + 1])
                        for i in range(6)])
    assert torch.allclose(batched, single, atol=1e-6)
    assert torch.allclose(model.query("add(X, Y, Z)", X=x, Y=y, Z=z, log=True),
                          batched.log(), atol=1e-5)


def test_gradients_match_finite_differences():
    torch.manual_seed(2)
    model = pl.Model(ADDITION, networks={"digit": Softmax()})
    x = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    y = torch.randn(3, 3, dtype=torch.float64)
    z = torch.tensor([1, 2, 3])
    assert torch.autograd.gradcheck(
        lambda a: model.query("add(X, Y, Z)", X=a, Y=y, Z=z, log=True), (x,))


def test_training_a_network_through_the_logic():
    torch.manual_seed(3)
    logits = torch.nn.Parameter(torch.zeros(1, 3))

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.logits = logits

        def forward(self, x):
            return torch.softmax(self.logits.expand(len(x), 3), dim=1)

    model = pl.Model(ADDITION, networks={"digit": Net()})
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    x = torch.zeros(4, 1)
    for _ in range(200):
        loss = -model.query("add(X, Y, 4)", X=x, Y=x, log=True).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert torch.softmax(logits, 1)[0, 2] > 0.95  # only 2 + 2 = 4


def test_negation_of_a_neural_fact_is_exact_when_rows_sum_below_one():
    program = """
        nn(net, [X], Y, [a, b]) :: f(X, Y).
        none(X) :- \\+ f(X, a), \\+ f(X, b).
    """

    class Fixed(torch.nn.Module):
        def forward(self, x):
            return x  # rows [0.5, 0.3]: 0.2 left for "no value"

    model = pl.Model(program, networks={"net": Fixed()})
    result = model.query("none(X)", X=torch.tensor([[0.5, 0.3]]))
    assert result.item() == pytest.approx(0.2)


@pytest.mark.parametrize("output, message", [
    (torch.tensor([[float("nan"), 1.0, 0.0]]), "non-finite"),
    (torch.tensor([[1.5, -0.5, 0.0]]), r"outside \[0, 1\]"),
    (torch.tensor([[0.7, 0.7, 0.0]]), "summing to 1.4"),
    (torch.tensor([[0.5, -0.25, 0.75]]), r"-0.25, outside \[0, 1\]"),  # sums to 1
    (torch.tensor([[0.5, 0.25]]), "returned 2 columns for a domain of 3 values"),
])
def test_bad_network_outputs_are_rejected_naming_the_network(output, message):
    class Bad(torch.nn.Module):
        def forward(self, x):
            return output.expand(len(x), -1)

    model = pl.Model(ADDITION, networks={"digit": Bad()})
    with pytest.raises(pl.ProgramError, match=message) as info:
        model.query("add(X, Y, 1)", X=torch.zeros(1, 1), Y=torch.zeros(1, 1))
    assert "'digit'" in str(info.value)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_precision_networks(dtype):
    """Half-precision rows are read up to their rounding (bfloat16 softmax rows sum to 1 +-
    0.003) and the circuit runs in float32; gradients reach the network in its dtype."""
    exact = torch.tensor([[0.5, 0.25, 0.125], [0.75, 0.125, 0.125]])  # held exactly in both
    results = {}
    for kind in (dtype, torch.float32):
        x = exact.to(kind).requires_grad_()
        model = pl.Model(ADDITION, networks={"digit": torch.nn.Identity()})
        p = model.query("add(X, Y, Z)", X=x, Y=x.flip(0), Z=[1, 2])
        p.log().sum().backward()
        assert p.dtype == torch.float32 and x.grad.dtype == kind
        results[kind] = (p, x.grad.float())
    assert torch.allclose(*(r[0] for r in results.values()), atol=1e-7)
    assert torch.allclose(*(r[1] for r in results.values()), rtol=1e-2)

    rows = torch.softmax(torch.randn(512, 3, generator=torch.Generator().manual_seed(0)), 1)
    model = pl.Model(ADDITION, networks={"digit": torch.nn.Identity()})
    assert (rows.to(dtype).float().sum(1) > 1 + 1e-5).any()  # rounding above 1 is accepted
    assert model.query("add(X, Y, 2)", X=rows.to(dtype), Y=rows.to(dtype)).shape == (512,)
    with pytest.raises(pl.ProgramError, match="summing to 1.1"):  # more is rejected
        model.query("add(X, Y, 2)", X=torch.tensor([[0.6, 0.5, 0.0]], dtype=dtype),
                    Y=torch.tensor([[0.5, 0.5, 0.0]], dtype=dtype))


def test_unknown_network_and_bad_bindings():
    model = pl.Model(ADDITION, networks={})
    with pytest.raises(pl.ProgramError, match="unknown network 'digit'"):
        model.query("add(X, Y, 1)", X=torch.zeros(1, 1), Y=torch.zeros(1, 1))
    model = pl.Model(ADDITION, networks={"digit": Softmax()})
    with pytest.raises(ValueError, match="batch size"):
        model.query("add(X, Y, 1)", X=torch.zeros(2, 3), Y=torch.zeros(3, 3))
    with pytest.raises(ValueError, match="no variable"):
        model.query("add(X, Y, 1)", X=torch.zeros(2, 3), W=torch.zeros(2, 3))


def test_terms_bound_as_text(monkeypatch):
    """Ground values are parsed once, not at every call that binds them again (a warm update
    of DeepProbLog's Forth addition: 5.2 ms to 1.6 ms); values with variables are parsed each
    time, so that two values never share a variable."""
    model = pl.Model("p(A, B) :- A = f(1), B = f(2).\nq(L, N) :- length(L, N).")
    assert model.query("p(A, B)", A=["f(X)"], B=["f(X)"]).tolist() == [1.0]
    assert model.query("q(L, N)", L=["[a, b]", "[]", "[a, b]"], N=[2, 0, 1]).tolist() == \
        [1.0, 1.0, 0.0]
    parsed = []
    monkeypatch.setattr(bindings, "parse_term", lambda text: parsed.append(text) or
                        parse_term(text))
    bind_query("q(L, 2)", {"L": [1]})  # the query's own text, parsed once too
    parsed.clear()
    for _ in range(3):
        bind_query("q(L, 2)", {"L": ["[a, f(b), \"s\"]", "g(Y)"]})
    assert parsed == ["[a, f(b), \"s\"]"] + ["g(Y)"] * 4  # g(Y): once to see it is not ground


def test_state_dict_round_trip_with_weights_only(tmp_path):
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Softmax(dim=1))
    model = pl.Model(ADDITION, networks={"digit": net})
    path = tmp_path / "model.pt"
    torch.save(model.state_dict(), path)
    other = pl.Model(ADDITION, networks={"digit": torch.nn.Sequential(
        torch.nn.Linear(3, 3), torch.nn.Softmax(dim=1))})
    other.load_state_dict(torch.load(path, weights_only=True))
    x = torch.randn(4, 3)
    assert torch.allclose(model.query("add(X, X, 2)", X=x), other.query("add(X, X, 2)", X=x))


def test_tunable_probabilities_are_learned():
    program = """
        t(_)::coin(C).
        nn(net, [X], Y, [a, b]) :: obs(X, Y).
        seen(X, C) :- coin(C), obs(X, a).
    """

    class Fixed(torch.nn.Module):
        def forward(self, x):
            return torch.cat([x, 1 - x], dim=1)

    model = pl.Model(program, networks={"net": Fixed()})
    assert len(model.tunables) == 1
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    x = torch.ones(16, 1)
    # the label "seen" holds with frequency 0.8: the coin's probability must go to 0.8
    labels = torch.tensor([1.0] * 13 + [0.0] * 3)
    for _ in range(400):
        p = model.query("seen(X, c1)", X=x)
        loss = torch.nn.functional.binary_cross_entropy(p, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    (probabilities,) = model.tunable_probabilities().values()
    assert probabilities[0] == pytest.approx(13 / 16, abs=0.02)
    with pytest.raises(pl.ProgramError, match="t\\(_\\) has no value"):
        pl.evaluate(program.replace("nn(net, [X], Y, [a, b]) :: obs(X, Y).", "obs(x, a).")
                    + "query(seen(x, c1)).")


def test_a_closed_tunable_annotated_disjunction_keeps_its_heads_summing_to_one():
    # t(1/4) four times: "none" is impossible, exactly, and stays so while learning (as in
    # DeepProbLog); t(0.2);t(0.3) keeps a learnable "none" of 0.5.
    program = """
        t(1/4)::rank(a); t(1/4)::rank(b); t(1/4)::rank(c); t(1/4)::rank(d).
        t(0.2)::open(x); t(0.3)::open(y).
        nn(net, [X], Y, [yes, no]) :: seen(X, Y).
        some(X) :- rank(R), seen(X, yes).
        hit(X) :- rank(a), seen(X, yes).
        none(X) :- \\+ open(x), \\+ open(y), seen(X, yes).
    """

    class Fixed(torch.nn.Module):
        def forward(self, x):
            return torch.cat([x, 1 - x], dim=1)

    model = pl.Model(program, networks={"net": Fixed()}).double()
    x = torch.ones(4, 1, dtype=torch.float64)
    assert model.query("some(X)", X=x).tolist() == [1.0] * 4
    # (the logits were made in float32: 0.5 up to their rounding)
    assert model.query("none(X)", X=x).tolist() == pytest.approx([0.5] * 4, abs=1e-7)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    for _ in range(50):
        loss = -model.query("hit(X)", X=x, log=True).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    ranks, opens = model.tunable_probabilities().values()
    assert len(ranks) == 4 and sum(ranks) == pytest.approx(1.0)
    assert ranks[0] > 0.9
    assert model.query("some(X)", X=x).tolist() == pytest.approx([1.0] * 4, abs=1e-12)
    assert len(opens) == 3


def test_mpe_is_the_most_probable_consistent_world():
    model = pl.Model(ADDITION, networks={"digit": Softmax()})
    x = torch.log(torch.tensor([[0.1, 0.6, 0.3], [0.7, 0.2, 0.1]]))
    y = torch.log(torch.tensor([[0.5, 0.4, 0.1], [0.1, 0.1, 0.8]]))
    value, worlds = model.mpe("add(X, Y, 2)", X=x, Y=y)
    # element 0: (1,1) 0.24 beats (2,0) 0.15 and (0,2) 0.01; element 1: (0,2) 0.56
    assert value.tolist() == pytest.approx([0.24, 0.56])
    assert worlds == [["digit(tensor('X'),1)", "digit(tensor('Y'),1)"],
                      ["digit(tensor('X'),0)", "digit(tensor('Y'),2)"]]


MIXED = ADDITION + """
t(0.3)::bonus.
evidence(known).
known :- bonus.
known :- \\+ bonus.
big(X, Y) :- add(X, Y, Z), Z > 2.
big(X, Y) :- bonus, digit(X, 2).
shifted(X, Y, K, Z) :- add(X, Y, W), Z is W + K.
"""


def _values_and_gradients(model, net_input):
    x, y = (t.clone().requires_grad_() for t in net_input)
    ground = model.query("add(X, Y, Z)", log=True, X=x, Y=y, Z=torch.tensor([0, 2, 4, 2, 1]))
    answers = model.query("add(X, Y, Z)", log=True, X=x, Y=y)
    evidence = model.query("big(X, Y)", X=x, Y=y)
    # three shapes, whose answers differ; 9 is no answer of element 1
    shifts = model.query("shifted(X, Y, K, Z)", log=True, X=x, Y=y,
                         K=torch.tensor([0, 1, 0, 2, 1]))
    selected = shifts.select([1, 9, 3, 6, 2])
    total = (ground.sum() + answers.select([1, 2, 3, 4, 0]).sum() + evidence.sum()
             + selected[selected > float("-inf")].sum() + shifts.values.exp().sum())
    grads = torch.autograd.grad(total, [x, y, *model.tunables.values()])
    return [ground, answers.values, evidence, selected, shifts.values], grads


def test_cpu_numpy_paths_equal_the_torch_paths(monkeypatch):
    # On CPU the small steps of a call run on numpy views; other devices run the torch
    # operations. Forcing those here checks them against each other (and covers the code
    # that CUDA runs, on a machine without CUDA).
    torch.manual_seed(3)
    inputs = (torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64))
    fast, fast_grads = _values_and_gradients(pl.Model(MIXED, networks={"digit": Softmax()}),
                                             inputs)
    import problogic.circuit.layers as layers
    import problogic.circuit.semirings as semirings
    import problogic.neural.evaluation as evaluation
    import problogic.neural.weights as weights

    def never(*args, **kwargs):
        return False

    for module, name in [(weights, "on_host"), (evaluation, "on_host"), (layers, "_numpy_ok"),
                         (semirings, "_numpy_ok")]:
        monkeypatch.setattr(module, name, never)
    model = pl.Model(MIXED, networks={"digit": Softmax()})
    slow, slow_grads = _values_and_gradients(model, inputs)
    for a, b in zip(fast + list(fast_grads), slow + list(slow_grads)):
        assert torch.allclose(a, b, atol=1e-12, equal_nan=True)
    assert any(g.abs().sum() > 0 for g in fast_grads)
    # the layouts again: the torch operations on fused circuits
    again, again_grads = _values_and_gradients(model, inputs)
    assert model._fusions
    for a, b in zip(fast + list(fast_grads), again + list(again_grads)):
        assert torch.allclose(a, b, atol=1e-12, equal_nan=True)


def test_a_layout_seen_again_runs_its_shapes_fused_to_the_same_bits():
    # The second call of a layout fuses the shapes with as many elements into one circuit
    # pass: ground sums 0, 4 and 1 (one element each; sum 2 has two), and the answers of
    # shifts K = 0 and K = 1 (two elements each; K = 2 has one). On the numpy path (CPU, at
    # most two threads) every value and gradient is the same to the bit.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(3)
        inputs = (torch.randn(5, 3, dtype=torch.float64),
                  torch.randn(5, 3, dtype=torch.float64))
        model = pl.Model(MIXED, networks={"digit": Softmax()})
        first, first_grads = _values_and_gradients(model, inputs)
        assert not model._fusions
        for _ in range(2):  # fused, then from the cache
            again, again_grads = _values_and_gradients(model, inputs)
            for a, b in zip(first + list(first_grads), again + list(again_grads)):
                assert torch.equal(a, b)
        passes = [[len(p.parts) for p in layout.passes] for layout in model._layouts.values()]
        assert sorted(map(sorted, passes)) == [[1], [1], [1, 2], [1, 3]]
        assert len(model._fusions) == 2
        model.to(torch.float32)  # moved: layouts and fusions are built again
        assert not model._layouts and not model._fusions
    finally:
        torch.set_num_threads(threads)


def test_cached_index_plans_follow_the_batch_layout():
    # the same shapes in other groupings and orders: each call is exact (no stale plan)
    torch.manual_seed(4)
    model = pl.Model(ADDITION, networks={"digit": Softmax()})
    x, y = torch.randn(6, 3, dtype=torch.float64), torch.randn(6, 3, dtype=torch.float64)
    p, q = torch.softmax(x, 1), torch.softmax(y, 1)
    for sums in ([0, 1, 2, 3, 4, 2], [2, 2, 2, 0, 0, 0], [4, 3, 2, 1, 0, 4], [0, 1, 2, 3, 4, 2]):
        result = model.query("add(X, Y, Z)", X=x, Y=y, Z=torch.tensor(sums))
        expected = [reference(p[b], q[b], s).item() for b, s in enumerate(sums)]
        assert result.tolist() == pytest.approx(expected, abs=1e-12)
        subset = model.query("add(X, Y, Z)", X=x[2:5], Y=y[2:5], Z=torch.tensor(sums[2:5]))
        assert subset.tolist() == pytest.approx(expected[2:5], abs=1e-12)


def test_a_model_without_learnable_weights_and_bad_bindings():
    model = pl.Model("0.3::c. a(X) :- X > 1, c. b(X, Y) :- Y is X + 1.", networks={})
    assert model.query("a(X)", X=torch.tensor([3, 0])).tolist() == pytest.approx([0.3, 0.0])
    assert model.query("b(X, Y)", X=[1, 2]).select([2, 2]).tolist() == [1.0, 0.0]
    import numpy as np
    assert model.query("a(X)", X=np.array([3.0, 0.5])).tolist() == pytest.approx([0.3, 0.0])
    for bad in (torch.tensor(3), 3, "x"):
        with pytest.raises(ValueError, match="binding X: one value per batch element"):
            model.query("a(X)", X=bad)


@pytest.mark.parametrize("make, message", [
    (lambda n: torch.full((n + 3, 3), 0.25), r"returned shape \[5, 3\] for 2 inputs"),
    (lambda n: torch.full((1, 3), 0.25), r"returned shape \[1, 3\] for 2 inputs"),
    (lambda n: torch.zeros(0, 3), r"returned shape \[0, 3\] for 2 inputs"),
    (lambda n: torch.full((n, 3, 1), 0.25), r"returned shape \[2, 3, 1\] for 2 inputs"),
    (lambda n: torch.ones(n, 3, dtype=torch.long), "torch.int64; probabilities must be floating"),
    (lambda n: torch.ones(n, 3, dtype=torch.bool), "torch.bool"),
    (lambda n: torch.ones(n, 3, dtype=torch.complex64), "torch.complex64"),
    (lambda n: [[0.25] * 3] * n, "returned list, not a tensor"),
], ids=["extra rows", "one row", "no row", "3-d", "int64", "bool", "complex", "list"])
def test_network_outputs_of_the_wrong_shape_or_type_are_rejected(make, message):
    class Bad(torch.nn.Module):
        def forward(self, x):
            return make(len(x))

    model = pl.Model(ADDITION, networks={"digit": Bad()})
    with pytest.raises(pl.ProgramError, match=message) as info:
        model.query("add(X, Y, 1)", X=torch.zeros(1, 1), Y=torch.zeros(1, 1))
    assert "'digit'" in str(info.value)


def test_inconsistent_evidence_is_an_error_naming_the_batch_elements():
    # it returned NaN
    model = pl.Model(ADDITION + "0.5::bonus.\nevidence(bonus).\nevidence(bonus, false).\n",
                     networks={"digit": Softmax()})
    with pytest.raises(pl.InconsistentEvidenceError, match=r"batch element\(s\) 0, 1$"):
        model.query("add(X, Y, 1)", X=torch.zeros(2, 3), Y=torch.zeros(2, 3))
    model = pl.Model("0.5::a. evidence(a). evidence(a, false). q :- a.")
    with pytest.raises(pl.InconsistentEvidenceError):
        model.query("q")


def test_mpe_names_each_value_of_a_call_that_binds_the_network_output():
    program = "nn(net, [X], Y, [a, b]) :: p(X, Y).\nq(X) :- p(X, a).\nq(X) :- p(X, b)."
    model = pl.Model(program, networks={"net": Softmax()})
    x = torch.log(torch.tensor([[0.2, 0.8], [0.7, 0.3]]))
    value, worlds = model.mpe("q(X)", X=x)
    assert value.tolist() == pytest.approx([0.8, 0.7])
    assert worlds == [["p(tensor('X'),b)"], ["p(tensor('X'),a)"]]

"""The tensor path on a device other than the CPU, checked without one.

On CPU the model and the circuits take numpy paths; on a GPU they take the torch path, where
a tensor made on the CPU beside one on the device is an error (``Expected all tensors to be
on the same device``). These tests run the torch path on *fake* tensors of the meta device:
they hold no data, and every operation checks its operands' devices as CUDA does (strictly:
a CPU index for a gather fails, as it would on a GPU), forward and backward. A tensor made on
the CPU where the model's device was meant fails them. (They found ``number_to_digits``
making its powers of ten on the CPU: the carry model's labels could not be computed on a
GPU.)

Fake tensors have no values, so the checks that read values (network outputs in [0, 1], the
probability route's exactness, inconsistent evidence) cannot run: here each ``t.any()``
reads as false and any other truth value as true, which is what the checks see when nothing
is wrong. What needs the values themselves (MPE decoding, k-best proof search, the numbers)
is for a real GPU: the CUDA tests at the end of this module (the same numbers on both
devices, skipped without CUDA) and ``benchmarks/gpu_carry.py``; ``benchmarks/gpu_check.sh``
runs them all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
from torch._subclasses.fake_tensor import FakeTensor, FakeTensorMode

import problogic as pl
from problogic.circuit.layers import TensorCircuit, circuit_weights

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEVICE = torch.device("meta")


class Fake:
    """``fake(tensor_or_module)``: a fake copy on the meta device (a module's parameters are
    replaced in place); ``with fake.mode:`` runs what follows on fake tensors. Real objects
    are made before (a layer's initialisation reads values)."""

    def __init__(self):
        self.mode = FakeTensorMode(allow_non_fake_inputs=True)

    def __call__(self, x):
        if isinstance(x, torch.nn.Module):
            for module in x.modules():
                for name, p in list(module._parameters.items()):
                    if p is not None:
                        module._parameters[name] = torch.nn.Parameter(self(p.detach()),
                                                                      p.requires_grad)
            return x
        return self.mode.from_tensor(x).to(DEVICE)


@pytest.fixture
def fake(monkeypatch):
    real_bool, real_any = torch.Tensor.__bool__, torch.Tensor.any

    def any_(self, *args, **kwargs):
        result = real_any(self, *args, **kwargs)
        if isinstance(result, FakeTensor):
            result.nothing_found = True
        return result

    def bool_(self):
        if isinstance(self, FakeTensor):
            return not getattr(self, "nothing_found", False)
        return real_bool(self)

    monkeypatch.setattr(torch.Tensor, "any", any_)
    monkeypatch.setattr(torch.Tensor, "__bool__", bool_)
    return Fake()


def _on_device(*tensors):
    return all(t.device == DEVICE for t in tensors)


NEURAL = """
nn(net, [X], Y, [0, 1, 2]) :: digit(X, Y).
t(0.3)::noise.
add(X, Y, Z) :- digit(X, A), digit(Y, B), Z is A + B.
add(X, Y, 0) :- noise.
"""


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_model_query_and_gradients_stay_on_the_device(fake, dtype):
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Softmax(-1)).to(dtype)
    model = pl.Model(NEURAL, networks={"net": net})
    x, y = torch.randn(5, 4, dtype=dtype), torch.randn(5, 4, dtype=dtype)
    model, x, y = fake(model), fake(x), fake(y)
    with fake.mode:
        for _ in range(3):  # the first call compiles; the next ones fuse the batch's shapes
            model.zero_grad()
            p = model.query("add(X, Y, Z)", X=x, Y=y, Z=[0, 1, 2, 3, 4])
            assert p.shape == (5,) and _on_device(p) and p.dtype == dtype
            p.log().sum().backward()
            assert _on_device(*(q.grad for q in model.parameters()))
        answers = model.query("add(X, Y, S)", X=x, Y=y, log=True)  # every sum, one circuit
        model.zero_grad()
        selected = answers.select([0, 4, 2, 1, 3])  # the keys are read on the host
        assert _on_device(selected, answers[3])
        selected.sum().backward()
        assert _on_device(*(q.grad for q in model.parameters()))


@pytest.mark.parametrize("semiring", ["probability", "log"])
def test_tensor_circuit_passes_stay_on_the_device(fake, semiring):
    _, circuit = pl.Program.from_string(
        "0.6::a. 0.3::b. 0.2::c; 0.5::d. q :- a, c. q :- b, \\+a. r :- d. r :- q, b.\n"
        "query(q). query(r).").compile()
    module = TensorCircuit(circuit)
    weights = fake(circuit_weights(circuit, 8, semiring=semiring)).requires_grad_()
    with fake.mode:
        module.to(DEVICE)
        out = module(weights, semiring)
        assert out.shape == (8, 3) and _on_device(out)
        out.sum().backward()
    assert _on_device(weights.grad)


def test_tensor_circuit_mpe_stays_on_the_device(fake):
    _, circuit = pl.Program.from_string(
        "0.6::a. 0.3::b. 0.2::c; 0.5::d. q :- a, c. q :- b, \\+a. r :- d. r :- q, b.\n"
        "query(q). query(r).").compile()
    module = TensorCircuit(circuit)
    weights = fake(circuit_weights(circuit, 8, semiring="log"))
    with fake.mode:
        module.to(DEVICE)
        best = module.mpe(weights)
    assert best.value.shape == (8, 3) and _on_device(best.value, best.assignment)


def _example():
    sys.path.insert(0, str(EXAMPLES))
    try:
        import digit_addition
    finally:
        sys.path.remove(str(EXAMPLES))
    return digit_addition


@pytest.mark.parametrize("program, digits, unbound", [("carry", 2, False),
                                                      ("carry", 15, False),
                                                      ("accumulator", 1, True)])
def test_digit_addition_trains_on_the_device(fake, program, digits, unbound):
    """What ``benchmarks/gpu_carry.py`` runs on a GPU (the carry model at N = 15 among them),
    and DeepProbLog's program with the sum unbound."""
    from problogic.neural.data import AdditionBatch

    example = _example()
    torch.manual_seed(0)
    model = fake(example.make_model(program, example.DigitNet()))
    g = torch.Generator().manual_seed(0)
    batch = AdditionBatch(torch.rand(4, digits, 1, 8, 8, generator=g),
                          torch.rand(4, digits, 1, 8, 8, generator=g),
                          torch.zeros(4, digits, dtype=torch.int64),
                          torch.zeros(4, digits, dtype=torch.int64),
                          torch.tensor([3, 10 ** digits, 7, 0]))
    # the sums stay on the host where the unbound query selects by them (read as keys)
    batch = AdditionBatch(*(fake(t) for t in (batch.a, batch.b, batch.a_digits,
                                              batch.b_digits)),
                          batch.sums if unbound else fake(batch.sums))
    with fake.mode:
        logp = example.log_likelihood(model, program, batch, sum_unbound=unbound)
        assert logp.shape == (4,) and _on_device(logp)
        (-logp.mean()).backward()
    assert _on_device(*(p.grad for p in model.parameters()))


def test_a_cpu_tensor_beside_the_device_fails_these_tests(fake):
    """The check is real: a CPU tensor among device tensors is an error here."""
    with fake.mode, pytest.raises(Exception, match="device"):
        fake(torch.ones(3)) + torch.ones(3)


def test_vision_label_probabilities_stay_on_the_device(fake):
    import problogic_vision as pv

    torch.manual_seed(0)
    probs = [fake(torch.softmax(torch.randn(n, 3), 1)).requires_grad_() for n in (4, 6, 0)]
    # The labels are read on the host, where they choose each image's program: real tensors,
    # so the fake mode is not entered (an operation on a fake tensor runs in it all the same)
    counts = torch.tensor([[1, 2, 1], [2, 2, 2], [0, 0, 0]])
    results = [pv.count_probability(probs, counts),
               pv.range_probability(probs, (counts - 1).clamp_min(0), counts + 1),
               pv.sum_probability(probs, torch.tensor([1, 2, 3]), torch.tensor([7, 12, 0]))]
    for result in results:
        assert result.shape == (3,) and _on_device(result)
    sum(r.sum() for r in results).backward()
    assert _on_device(*(p.grad for p in probs))


# -- on a real GPU: the same numbers as on the CPU --------------------------------------------

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")


def _close(gpu, cpu, tolerance=1e-5):
    """Relative to max(1, |cpu|): log-probabilities and gradients of any size."""
    gpu = gpu.detach().cpu().double()
    cpu = cpu.detach().double()
    finite = torch.isfinite(cpu)
    assert torch.equal(finite, torch.isfinite(gpu))
    return bool(((gpu - cpu)[finite].abs() / cpu[finite].abs().clamp_min(1.0)).max()
                <= tolerance) if finite.any() else True


@cuda
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_model_on_cuda_matches_cpu(dtype):
    results = {}
    for device in ("cpu", "cuda"):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Softmax(-1)).to(dtype)
        model = pl.Model(NEURAL, networks={"net": net}).to(device)
        x, y = (torch.randn(64, 4, dtype=dtype, generator=torch.Generator().manual_seed(s))
                for s in (1, 2))
        x, y = x.to(device), y.to(device)
        logp = model.query("add(X, Y, Z)", X=x, Y=y, Z=[i % 5 for i in range(64)], log=True)
        logp.sum().backward()
        every = model.query("add(X, Y, S)", X=x, Y=y, log=True).values
        assert logp.device.type == device and every.device.type == device
        results[device] = (logp, every, [p.grad for p in model.parameters()])
    (lp0, all0, g0), (lp1, all1, g1) = results["cpu"], results["cuda"]
    assert _close(lp1, lp0) and _close(all1, all0)
    assert all(_close(b, a, 1e-4) for a, b in zip(g0, g1))


@cuda
@pytest.mark.parametrize("digits", [1, 3, 15])
def test_carry_model_on_cuda_matches_cpu(digits):
    from problogic.neural.data import AdditionBatch

    example = _example()
    g = torch.Generator().manual_seed(digits)
    batch = AdditionBatch(torch.rand(32, digits, 1, 8, 8, generator=g),
                          torch.rand(32, digits, 1, 8, 8, generator=g),
                          torch.zeros(32, digits, dtype=torch.int64),
                          torch.zeros(32, digits, dtype=torch.int64),
                          sum(torch.randint(0, 10 ** min(digits, 9), (32,), generator=g)
                              for _ in range(2)))  # sums two numbers of N digits can make
    results = []
    for device in ("cpu", "cuda"):
        torch.manual_seed(0)
        model = example.make_model("carry", example.DigitNet()).to(device)
        on = AdditionBatch(*(t.to(device) for t in (batch.a, batch.b, batch.a_digits,
                                                    batch.b_digits, batch.sums)))
        logp = example.log_likelihood(model, "carry", on)
        (-logp.mean()).backward()
        results.append((logp, torch.cat([p.grad.flatten() for p in model.parameters()])))
    (lp0, g0), (lp1, g1) = results
    assert _close(lp1, lp0)
    assert ((g1.cpu() - g0).abs().max() / g0.abs().max().clamp_min(1e-12)).item() <= 1e-4


@cuda
def test_vision_labels_on_cuda_match_cpu():
    import problogic_vision as pv

    torch.manual_seed(0)
    probs = [torch.softmax(torch.randn(n, 4), 1) for n in (3, 12, 40)]
    counts = torch.tensor([[1, 1, 1, 0], [3, 3, 3, 3], [10, 10, 10, 10]])
    out = {}
    for device in ("cpu", "cuda"):
        leaves = [p.to(device).requires_grad_() for p in probs]
        logp = pv.count_probability(leaves, counts, log=True)
        logp.sum().backward()
        out[device] = (logp, [leaf.grad for leaf in leaves])
    assert _close(out["cuda"][0], out["cpu"][0])
    assert all(_close(b, a, 1e-4) for a, b in zip(out["cpu"][1], out["cuda"][1]))

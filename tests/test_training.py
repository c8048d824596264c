"""Training helper, digit data, the addition programs (carry = accumulator, exactly), the
example script, the digit-addition benchmark's glue and the GPU script's CPU smoke mode."""

import importlib.util
import itertools
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import problogic as pl
from problogic.neural.data import (AdditionBatch, addition_dataset, digits_to_number,
                                   number_to_digits, sum_distribution)
from problogic.neural.training import query_loss, train

ROOT = Path(__file__).resolve().parents[1]


def _example():
    spec = importlib.util.spec_from_file_location("_digit_addition_example_test",
                                                  ROOT / "examples" / "digit_addition.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


example = _example()


class Softmax(torch.nn.Module):
    """Inputs are the logits: network outputs chosen directly by the test."""

    def forward(self, x):
        return torch.softmax(x.flatten(1), dim=1)


# -- the training helper ---------------------------------------------------------------------

PROGRAM = """
nn(net, [X], Y, [0, 1, 2]) :: digit(X, Y).
add(X, Y, Z) :- digit(X, A), digit(Y, B), Z is A + B.
"""


def _synthetic(seed=0, n=64):
    """Feature vectors of three classes; labels are sums of pairs."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.eye(3) * 3
    cls = torch.randint(0, 3, (n, 2), generator=g)
    x = centres[cls] + 0.3 * torch.randn(n, 2, 3, generator=g)
    return x, cls.sum(1)


def test_train_reduces_the_loss_and_records_history():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Softmax(dim=1))
    model = pl.Model(PROGRAM, networks={"net": net})
    x, z = _synthetic()
    batches = [{"query": "add(X, Y, Z)", "X": x[i:i + 8, 0], "Y": x[i:i + 8, 1],
                "Z": z[i:i + 8]} for i in range(0, len(x), 8)]
    seen = []

    def evaluate(m):
        assert not m.training and not torch.is_grad_enabled()
        seen.append(len(seen))
        return {"p": m.query("add(X, Y, Z)", X=x[:, 0], Y=x[:, 1], Z=z).mean().item()}

    history = train(model, batches, torch.optim.Adam(model.parameters(), lr=0.05), epochs=4,
                    evaluate=evaluate, progress=False)
    assert history["updates"] == [8, 8, 8, 8] and len(history["loss"]) == 32
    assert history["epoch_loss"][-1] < 0.5 * history["epoch_loss"][0]
    assert seen == [0, 1, 2, 3] and history["eval"][-1]["p"] > history["eval"][0]["p"]
    assert model.training


def test_train_takes_batches_per_epoch_a_custom_loss_and_max_updates(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # the plain stderr progress lines
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Softmax(dim=1))
    model = pl.Model(PROGRAM, networks={"net": net})
    x, z = _synthetic(1, 16)
    epochs_asked = []

    def batches(epoch):
        epochs_asked.append(epoch)
        return [(x[i:i + 4], z[i:i + 4]) for i in range(0, 16, 4)]

    def loss(m, batch):
        xs, zs = batch
        return -m.query("add(X, Y, Z)", X=xs[:, 0], Y=xs[:, 1], Z=zs, log=True).sum()

    history = train(model, batches, torch.optim.SGD(model.parameters(), lr=0.01), epochs=3,
                    loss=loss, max_updates=6, log_every=2)
    assert epochs_asked == [0, 1] and history["updates"] == [4, 2]
    err = capsys.readouterr().err
    assert "epoch 1/3: update 2/4, loss" in err and "epoch 2/3: loss" in err


def test_query_loss_is_the_mean_negative_log_probability():
    model = pl.Model(PROGRAM, networks={"net": Softmax()})
    x = torch.randn(4, 3)
    batch = {"query": "add(X, X, Z)", "X": x, "Z": torch.tensor([0, 2, 4, 2])}
    expected = -model.query("add(X, X, Z)", X=x, Z=batch["Z"]).log().mean()
    assert query_loss(model, batch).item() == pytest.approx(expected.item(), rel=1e-5)


# -- data ------------------------------------------------------------------------------------

def test_digit_conversions_and_the_sum_distribution():
    numbers = torch.tensor([0, 7, 42, 1998, 987654321012345])
    assert torch.equal(digits_to_number(number_to_digits(numbers, 16)), numbers)
    assert number_to_digits(torch.tensor(1998), 4).tolist() == [1, 9, 9, 8]
    g = torch.Generator().manual_seed(0)
    pa = torch.softmax(torch.randn(2, 2, 10, generator=g, dtype=torch.float64), -1)
    pb = torch.softmax(torch.randn(2, 2, 10, generator=g, dtype=torch.float64), -1)
    dist = sum_distribution(pa, pb)
    assert dist.shape == (2, 199)
    brute = torch.zeros(199, dtype=torch.float64)
    for a1, a2, b1, b2 in itertools.product(range(10), repeat=4):
        brute[10 * (a1 + b1) + a2 + b2] += pa[1, 0, a1] * pa[1, 1, a2] * pb[1, 0, b1] * \
            pb[1, 1, b2]
    assert torch.allclose(dist[1], brute, atol=1e-12)


def test_digit_data_sets_are_deterministic_by_seed():
    pytest.importorskip("sklearn")
    from problogic.neural.data import load_digits

    train_a, test_a = load_digits(seed=3)
    train_b, test_b = load_digits(seed=3)
    train_c, _ = load_digits(seed=4)
    assert torch.equal(train_a.images, train_b.images) and torch.equal(test_a.labels,
                                                                        test_b.labels)
    assert not torch.equal(train_a.labels, train_c.labels)
    assert len(train_a) + len(test_a) == 1797 and train_a.images.shape[1:] == (1, 8, 8)
    assert 0.0 <= train_a.images.min() and train_a.images.max() <= 1.0
    for digits in (1, 2, 15):
        one = addition_dataset(train_a, 50, digits, seed=5)
        two = addition_dataset(train_a, 50, digits, seed=5)
        other = addition_dataset(train_a, 50, digits, seed=6)
        assert torch.equal(one.a, two.a) and torch.equal(one.sums, two.sums)
        assert not torch.equal(one.a, other.a)
        assert one.a.shape == (50, digits, 1, 8, 8)
        assert torch.equal(one.sums, digits_to_number(one.a_digits) +
                           digits_to_number(one.b_digits))
    # every image is used once before any is used twice
    big = addition_dataset(train_a, len(train_a) // 2, 1, seed=0)
    images = torch.cat([big.a, big.b]).flatten(1)
    assert len(torch.unique(images, dim=0)) == len(torch.unique(train_a.images.flatten(1),
                                                                dim=0))
    # batches: the same order for the same (seed, epoch), a new one for the next epoch
    order = [b.sums.tolist() for b in one.batches(8, shuffle=True, seed=1, epoch=0)]
    again = [b.sums.tolist() for b in one.batches(8, shuffle=True, seed=1, epoch=0)]
    later = [b.sums.tolist() for b in one.batches(8, shuffle=True, seed=1, epoch=1)]
    assert order == again != later and sum(map(len, order)) == 50


# -- the programs: carry = accumulator, exactly ---------------------------------------------

def _random_batch(digits, size, seed):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(size, digits, 10, generator=g, dtype=torch.float64)
    b = torch.randn(size, digits, 10, generator=g, dtype=torch.float64)
    sums = torch.randint(0, 2 * 10 ** digits - 1, (size,), generator=g)
    sums[0] = 2 * 10 ** digits - 2  # the largest sum, with a final carry
    return AdditionBatch(a, b, None, None, sums)


@pytest.mark.parametrize("digits", [1, 2])
def test_carry_program_equals_accumulator_program(digits):
    batch = _random_batch(digits, 12, digits)
    results = {}
    for program in ("accumulator", "carry"):
        model = example.make_model(program, Softmax())
        results[program] = example.log_likelihood(model, program, batch)
    assert results["carry"].dtype == torch.float64
    assert torch.allclose(results["carry"], results["accumulator"], atol=1e-10)
    reference = sum_distribution(torch.softmax(batch.a, -1), torch.softmax(batch.b, -1))
    assert torch.allclose(results["carry"].exp(), reference[torch.arange(12), batch.sums],
                          atol=1e-12)


@pytest.mark.parametrize("digits", [1, 2])
def test_sum_unbound_equals_sum_bound(digits):
    # one circuit whose roots are every sum, each example's selected: the same numbers and
    # gradients as one circuit per distinct sum
    batch = _random_batch(digits, 6, 10 + digits)
    a = batch.a.clone().requires_grad_()
    batch = AdditionBatch(a, batch.b, None, None, batch.sums)
    results, grads = {}, {}
    for unbound in (False, True):
        model = example.make_model("accumulator", Softmax())
        results[unbound] = example.log_likelihood(model, "accumulator", batch, unbound)
        (grads[unbound],) = torch.autograd.grad(results[unbound].sum(), a)
        assert model.num_compiled == (1 if unbound else len(set(batch.sums.tolist())))
    assert torch.allclose(results[True], results[False], atol=1e-12)
    assert torch.allclose(grads[True], grads[False], atol=1e-12)


def _carry_reference(pa, pb, result_digits):
    """P(the sum has these digits): a forward pass over the carry, least significant first."""
    n = pa.shape[1]
    carry = torch.stack([torch.ones(len(pa)), torch.zeros(len(pa))], 1).double()
    for i in reversed(range(n)):
        new = torch.zeros_like(carry)
        for da, db, c in itertools.product(range(10), range(10), range(2)):
            s = da + db + c
            match = (result_digits[:, i + 1] == s % 10).double()
            new[:, s // 10] += carry[:, c] * pa[:, i, da] * pb[:, i, db] * match
        carry = new
    return carry.gather(1, result_digits[:, :1]).squeeze(1)


def test_carry_program_is_exact_and_one_linear_circuit_at_15_digits():
    batch = _random_batch(15, 6, 15)
    batch = AdditionBatch(batch.a, batch.b, None, None,
                          torch.randint(0, 10 ** 15, (6,), generator=torch.Generator()
                                        .manual_seed(1)) * 2)
    model = example.make_model("carry", Softmax())
    logp = example.log_likelihood(model, "carry", batch)
    reference = _carry_reference(torch.softmax(batch.a, -1), torch.softmax(batch.b, -1),
                                 batch.result_digits())
    assert torch.allclose(logp, reference.log(), rtol=1e-9)
    assert model.num_compiled == 1  # the sums are data: one shape for every example
    shape = next(iter(model._shapes.values()))
    assert shape.nodes < 500 * 15  # linear in N (about 380 nodes per digit)


# -- scripts ---------------------------------------------------------------------------------

def _run(args, timeout=120):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("extra", [[], ["--bound-sum"], ["-N", "3", "--program", "carry"]])
def test_example_script_runs_with_tiny_settings(extra):
    pytest.importorskip("sklearn")
    out = _run(["examples/digit_addition.py", "--train-size", "12", "--test-size", "6",
                "--epochs", "2", "--max-updates", "4", "--no-progress", *extra])
    assert out.returncode == 0, out.stderr
    assert "4 updates" in out.stdout and "test sum accuracy" in out.stdout


def test_gpu_script_cpu_smoke_mode():
    out = _run(["-m", "benchmarks.gpu_carry", "--cpu-smoke"])
    assert out.returncode == 0, out.stderr
    assert "-> ok" in out.stdout and "examples/s" in out.stdout


def test_benchmark_glue_on_a_tiny_run():
    pytest.importorskip("sklearn")
    from benchmarks import digit_addition as bench

    config = bench.Config(train_size=8, test_size=4, cases=(
        bench.Case("ours", 1, max_updates=3, warm_updates=2, model_scored_test=2),
        bench.Case("deepproblog", 1, max_updates=3, warm_updates=2, test_examples=2),
        bench.Case("ours", 2, "carry", warm_updates=2),
    ))
    results = bench.run(config, progress=False)
    ours, dpl, carry = results["cases"]
    assert ours["status"] == "ok", ours.get("stderr_tail")
    assert ours["cold"]["updates"] == 3 and ours["warm"]["count"] == 2
    assert ours["test"]["model_vs_convolution_max_abs_diff"] < 1e-5
    assert ours["test"]["model_scored"]["agrees_with_convolution"] == 1.0
    assert carry["status"] == "ok" and carry["epoch_complete"] and carry["cold"]["shapes"] == 1
    assert dpl["status"] in ("ok", "unavailable"), dpl.get("stderr_tail")
    if dpl["status"] == "ok":
        assert dpl["cold"]["updates"] == 3 and dpl["test"]["examples"] == 2
        assert "ratios" in results["summary"]["accumulator"][1]
    assert "problogic" in bench.markdown(results)

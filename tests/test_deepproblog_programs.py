"""DeepProbLog's own example programs, unchanged, against DeepProbLog's ExactEngine.

Each program is read from the installed ``deepproblog`` package; both systems get the same
networks (one core module, shared parameters; DeepProbLog's side converts its inputs, see
:mod:`benchmarks.deepproblog_programs`) and the same queries, and must agree on every
probability and on the gradient of the log-likelihood with respect to every parameter. The
programs cover neural annotated disjunctions over images, networks called on integers and on
strings, DeepProbLog's deterministic networks (``nn/3``: an embedding passed to other
networks), ``t(...)`` parameters in annotated disjunctions, negation, lists and floats.
"""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn

import problogic as pl
from benchmarks.deepproblog_programs import (Features, OneHot, deepproblog_probabilities,
                                             example_program)


@pytest.fixture(autouse=True)
def float64():  # both systems compute in the networks' dtype
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


class TextEmbedding(nn.Module):
    """Strings (a list of ``str``) to embeddings ``[N, 8]``: letter frequencies through a
    learned layer (a deterministic network, ``nn/3``)."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(6, 8)

    def forward(self, texts):
        rows = [[text.count(c) / len(text) for c in "aeiost"] for text in texts]
        return torch.tanh(self.linear(torch.tensor(rows)))


TENSOR = re.compile(r"tensor\(src\((\d+)\)\)")


def _ours(model: pl.Model, query: str, source: torch.Tensor | None):
    """Our probability of one query in ProbLog syntax: each ``tensor(src(I))`` becomes a
    variable bound to row I of the source."""
    bindings = {}

    def variable(match):
        name = f"T{len(bindings)}"
        bindings[name] = source[int(match.group(1))][None]
        return name

    text = TENSOR.sub(variable, query)
    return model.query(text, **bindings)


def _compare(program: str, cores: dict[str, nn.Module], queries: list[str],
             source: torch.Tensor | None = None, tolerance: float = 1e-9) -> list[float]:
    model = pl.Model(program, networks=cores)
    ours = torch.cat([_ours(model, q, source) for q in queries])
    theirs = torch.stack(deepproblog_probabilities(
        program, cores, queries, None if source is None else {"src": source}))
    assert ours.tolist() == pytest.approx(theirs.tolist(), abs=tolerance)
    assert all(0.0 < p < 1.0 for p in ours.tolist()), "queries worth comparing"
    parameters = [p for core in cores.values() for p in core.parameters()]
    mine = torch.autograd.grad(ours.log().sum(), parameters, allow_unused=True)
    reference = torch.autograd.grad(theirs.log().sum(), parameters, allow_unused=True)
    for a, b in zip(mine, reference):
        if b is None:
            assert a is None or not a.abs().max() > 0
        else:
            assert torch.allclose(a, b, atol=1e-8, rtol=1e-6), (a, b)
    return ours.tolist()


def _images(n: int, seed: int) -> torch.Tensor:
    return torch.randn(n, 4, generator=torch.Generator().manual_seed(seed))


def test_coins():
    torch.manual_seed(0)
    _compare(example_program("Coins/model.pl"),
             {"net1": Features(4, 2), "net2": Features(4, 2)},
             [f"game(tensor(src({i})),{o})" for i in range(3) for o in ("win", "loss")],
             _images(3, 1))


def test_poker_with_tunable_annotated_disjunction_and_negated_conjunctions():
    torch.manual_seed(1)
    cards = "[tensor(src(0)),tensor(src(1)),tensor(src(2)),tensor(src(3))]"
    _compare(example_program("Poker/model.pl"), {"net1": Features(4, 4)},
             [f"game({cards},{o})" for o in ("win", "loss", "draw")], _images(4, 2))


def test_handwritten_formulas_with_floats():
    torch.manual_seed(2)
    symbols = "[tensor(src(0)),tensor(src(1)),tensor(src(2))]"
    _compare(example_program("HWF/model.pl"),
             {"net1": Features(4, 10), "net2": Features(4, 4)},
             [f"expression({symbols},{r})" for r in (3, 7, 1.5, 0)], _images(3, 3))


@pytest.mark.parametrize("path, queries", [
    ("MNIST/models/addition.pl",
     ["addition(tensor(src(0)),tensor(src(1)),7)",
      "multi_addition([tensor(src(0)),tensor(src(1))],[tensor(src(2)),tensor(src(3))],57)"]),
    ("MNIST/models/all_digit_addition.pl",
     ["addition(tensor(src(0)),tensor(src(1)),tensor(src(2)))"]),
    ("MNIST/models/any_sum.pl",
     ["anysum([[tensor(src(0)),tensor(src(1))],[tensor(src(2)),tensor(src(3))]],9)"]),
    ("MNIST/models/noisy_addition.pl",
     ["addition_noisy(tensor(src(0)),tensor(src(1)),4)",
      "addition(tensor(src(2)),tensor(src(3)),12)"]),
])
def test_mnist_programs(path, queries):
    torch.manual_seed(3)
    _compare(example_program(path), {"mnist_net": Features(4, 10)}, queries, _images(4, 4))


def test_forth_addition_networks_on_integers():
    # neural1 and neural2 read two digits and a carry: DeepProbLog passes them as terms,
    # problogic as int64 tensors; each distinct call is computed once per query call.
    torch.manual_seed(4)
    _compare(example_program("Forth/Add/choose.pl"),
             {"neural1": OneHot((10, 10, 2), 10), "neural2": OneHot((10, 10, 2), 2)},
             ["add([3,4],[5,8],0,[0,9,2])", "add([9,9],[0,1],0,[1,0,0])",
              "add([7],[7],1,[1,5])"])


@pytest.mark.parametrize("path", ["Forth/Sort/compare.pl", "Forth/Sort/quicksort.pl"])
def test_forth_sorting_networks_on_pairs_of_integers(path):
    torch.manual_seed(5)
    _compare(example_program(path), {"swap_net": OneHot((10, 10), 2)},
             ["forth_sort([3,1,2],[1,2,3])", "forth_sort([5,5,1],[1,5,5])",
              "forth_sort([2,7],[2,7])"])


def test_word_problems_pass_a_deterministic_embedding_to_four_networks():
    torch.manual_seed(6)
    cores = {"rnn": TextEmbedding(), "nn_permute": Features(8, 6), "nn_op1": Features(8, 4),
             "nn_swap": Features(8, 2), "nn_op2": Features(8, 4)}
    _compare(example_program("Forth/WAP/wap.pl"), cores,
             ['wap("Tom has 3 apples and eats 2 of them",3,2,4,4)',
              'wap("Lisa buys 6 boxes of 5 pens and loses 4",6,5,4,26)',
              'wap("Lisa buys 6 boxes of 5 pens and loses 4",6,5,4,7)'])


def test_calls_on_data_are_shared_by_the_batch_and_equal_one_by_one():
    torch.manual_seed(7)
    net = OneHot((10, 10), 2)
    calls = []

    class Counting(nn.Module):
        def forward(self, x, y):
            calls.append(len(x))
            return net(x, y)

    model = pl.Model(example_program("Forth/Sort/quicksort.pl"),
                     networks={"swap_net": Counting()})
    lists = ["[3,1,2]", "[2,3,1]", "[3,1,2]", "[1,2,3]"]
    batch = model.query("forth_sort(L, [1,2,3])", L=lists)
    pairs = {v.neural.inputs for shape in model.compiled_shapes.values()
             for v in shape.variables}
    assert calls == [len(pairs)]  # one call: each distinct pair once, for the whole batch
    assert len(pairs) < sum(len(shape.variables)
                            for shape in model.compiled_shapes.values())
    one_by_one = torch.cat([model.query("forth_sort(L, [1,2,3])", L=[x]) for x in lists])
    assert torch.equal(batch, one_by_one)


def test_the_bubble_sort_program_trains_its_swap_network_from_sorted_lists():
    # DeepProbLog's Forth sorting task: only (list, sorted list) pairs are given; the swap
    # network must learn the comparison of two digits through the program.
    torch.manual_seed(8)
    net = OneHot((10, 10), 2)
    model = pl.Model(example_program("Forth/Sort/compare.pl"), networks={"swap_net": net})
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
    rng = torch.Generator().manual_seed(9)
    for _ in range(60):
        lists = torch.randint(0, 10, (8, 3), generator=rng).tolist()
        loss = -model.query("forth_sort(L, S)", L=[str(x).replace(" ", "") for x in lists],
                            S=[str(sorted(x)).replace(" ", "") for x in lists],
                            log=True).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    x, y = torch.meshgrid(torch.arange(10), torch.arange(10), indexing="ij")
    distinct = x != y
    swaps = net(x[distinct], y[distinct]).argmax(1) == 1  # [no_swap, swap]
    accuracy = (swaps == (x[distinct] > y[distinct])).double().mean().item()
    assert accuracy > 0.95, accuracy

"""Networks called on data (integers, floats, atoms, lists), on query tensors, and on the
outputs of deterministic networks (DeepProbLog's ``nn/3``): what each network receives, how
often it is called, and the probabilities and gradients that come back (against the same
program with the networks' outputs written as probabilities)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import problogic as pl
from problogic.errors import ProgramError


class Recorder(nn.Module):
    """Returns fixed rows (one per input row: ``rows[j % len(rows)]``) and records what it
    received."""

    def __init__(self, rows):
        super().__init__()
        self.rows = torch.tensor(rows, dtype=torch.float64)
        self.seen = []

    def forward(self, *columns):
        self.seen.append(columns)
        n = len(columns[0])
        return self.rows[torch.arange(n) % len(self.rows)]


def test_inputs_by_kind_numbers_as_tensors_atoms_strings_and_lists_as_python_values():
    net = Recorder([[0.25, 0.75]])
    model = pl.Model("""
nn(net, [A, B, C, D, E], Y, [no, yes]) :: p(A, B, C, D, E, Y).
q :- p(3, 2.5, red, "a text", [1, [x]], yes).
""", networks={"net": net})
    assert model.query("q").item() == pytest.approx(0.75)
    (ints, floats, atoms, strings, lists), = net.seen
    assert ints.dtype == torch.long and ints.tolist() == [3]
    assert floats.dtype == torch.get_default_dtype() and floats.tolist() == [2.5]
    assert atoms == ["red"] and strings == ["a text"] and lists == [[1, ["x"]]]


def test_a_call_on_data_alone_is_one_row_for_the_whole_batch():
    net = Recorder([[0.1, 0.9], [0.6, 0.4]])
    model = pl.Model("""
nn(net, [I], Y, [a, b]) :: kind(I, Y).
both(I, J) :- kind(I, a), kind(J, b).
""", networks={"net": net})
    p = model.query("both(I, J)", I=[1, 2, 1, 2], J=[2, 1, 2, 2])
    (column,), = net.seen
    assert sorted(column.tolist()) == [1, 2]  # each distinct call once, for every element
    row = {v: net.rows[k] for k, v in enumerate(column.tolist())}
    expected = [row[i][0] * row[j][1] if i != j else 0.0  # one call: a and b exclusive
                for i, j in [(1, 2), (2, 1), (1, 2), (2, 2)]]
    assert p.tolist() == pytest.approx([float(e) for e in expected])


def test_inputs_on_data_alone_are_stacked_once_per_call_layout():
    """A call layout seen again passes the same stacked inputs (made at its first call);
    another layout, its own."""
    class ByValue(nn.Module):
        def __init__(self):
            super().__init__()
            self.seen = []

        def forward(self, column):
            self.seen.append(column)
            p = column.double() / 10
            return torch.stack([p, 1 - p], 1)

    source = """
nn(net, [I], Y, [a, b]) :: kind(I, Y).
both(I, J) :- kind(I, a), kind(J, b).
"""
    net = ByValue()
    model = pl.Model(source, networks={"net": net})
    first = model.query("both(I, J)", I=[1, 2], J=[2, 1])
    again = model.query("both(I, J)", I=[1, 2], J=[2, 1])
    other = model.query("both(I, J)", I=[3, 2], J=[2, 3])
    assert torch.equal(first, again) and first.tolist() == pytest.approx([0.08, 0.18])
    assert net.seen[1] is net.seen[0]
    assert sorted(net.seen[2].tolist()) == [2, 3]
    assert other.tolist() == pytest.approx([0.3 * 0.8, 0.2 * 0.7])


def test_tensor_and_data_inputs_mix_in_one_call():
    seen = []

    class Scaled(nn.Module):
        def forward(self, x, k):
            seen.append((x.shape, k.tolist()))
            p = torch.sigmoid(x.sum(1) * k)
            return torch.stack([p, 1 - p], 1)

    model = pl.Model("nn(net, [X, K], Y, [on, off]) :: s(X, K, Y).\n"
                     "q(X) :- s(X, 1, on), s(X, 2, off).", networks={"net": Scaled()})
    x = torch.tensor([[0.5, 0.5], [1.0, -2.0]], dtype=torch.float64)
    p = model.query("q(X)", X=x)
    assert seen == [(torch.Size([4, 2]), [1, 1, 2, 2])]
    s = x.sum(1)
    assert p.tolist() == pytest.approx((torch.sigmoid(s) * (1 - torch.sigmoid(2 * s))).tolist())


def test_a_column_of_tensors_and_data_is_passed_as_a_list():
    net = Recorder([[0.5, 0.5]])
    model = pl.Model("nn(net, [X], Y, [a, b]) :: r(X, Y).\nq(X) :- r(X, a), r(7, b).",
                     networks={"net": net})
    model.query("q(X)", X=torch.ones(1, 3))
    (column,), = net.seen
    assert isinstance(column, list) and len(column) == 2
    assert torch.equal(column[0], torch.ones(3)) and column[1] == 7


PIPELINE = """
nn(embed, [X], E) :: embedding(X, E).
nn(refine, [E], F) :: refined(E, F).
nn(classify, [F], C, [small, large]) :: size(F, C).
big(X) :- embedding(X, E), refined(E, F), size(F, large).
big_pair(X, Y) :- big(X), big(Y).
"""


class Embed(nn.Module):
    def __init__(self, inputs: int, outputs: int):
        super().__init__()
        self.linear = nn.Linear(inputs, outputs)

    def forward(self, x):
        return torch.tanh(self.linear(x))


class Classify(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)

    def forward(self, x):
        return torch.softmax(self.linear(x), 1)


def test_deterministic_networks_chain_and_gradients_reach_every_network():
    torch.manual_seed(0)
    nets = {"embed": Embed(4, 5), "refine": Embed(5, 3), "classify": Classify()}
    model = pl.Model(PIPELINE, networks=nets).double()
    x, y = torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64)
    p = model.query("big_pair(X, Y)", X=x, Y=y)

    def direct(v):
        return nets["classify"](nets["refine"](nets["embed"](v)))[:, 1]

    expected = direct(x) * direct(y)
    assert torch.allclose(p, expected, atol=1e-12)
    mine = torch.autograd.grad(p.log().sum(), list(model.parameters()))
    reference = torch.autograd.grad(expected.log().sum(), list(model.parameters()))
    assert all(torch.allclose(a, b, atol=1e-12) for a, b in zip(mine, reference))
    assert all(g.abs().max() > 0 for g in mine)


def test_each_deterministic_network_is_called_once_per_query_call():
    calls = []

    class Counted(Embed):
        def forward(self, x):
            calls.append(x.shape[0])
            return super().forward(x)

    torch.manual_seed(1)
    nets = {"embed": Counted(4, 5), "refine": Embed(5, 3), "classify": Classify()}
    model = pl.Model(PIPELINE, networks=nets).double()
    model.query("big_pair(X, Y)", X=torch.randn(6, 4, dtype=torch.float64),
                Y=torch.randn(6, 4, dtype=torch.float64))
    assert calls == [12]


def test_a_deterministic_network_on_data_is_shared_by_the_batch():
    calls = []

    class Table(nn.Module):
        def forward(self, words):
            calls.append(list(words))
            return torch.tensor([[float(len(w)), 1.0] for w in words], dtype=torch.float64)

    class Pick(nn.Module):
        def forward(self, e, x):
            p = torch.sigmoid(e[:, 0] - x[:, 0])
            return torch.stack([p, 1 - p], 1)

    model = pl.Model("""
nn(table, [W], E) :: word(W, E).
nn(pick, [E, X], Y, [yes, no]) :: fits(E, X, Y).
ok(W, X) :- word(W, E), fits(E, X, yes).
""", networks={"table": Table(), "pick": Pick()})
    x = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64)
    p = model.query("ok(W, X)", W=["apple", "apple", "fig"], X=x)
    assert sorted(calls[0]) == ["apple", "fig"] and len(calls) == 1
    assert p.tolist() == pytest.approx(torch.sigmoid(torch.tensor([4.0, 3.0, 0.0])).tolist())


@pytest.mark.parametrize("source, bindings, message", [
    ("nn(net, [f(X)], Y, [a, b]) :: p(X, Y).\nq(X) :- p(X, a).", {"X": torch.ones(1, 2)},
     "holds a tensor inside a term"),
    ("nn(net, [X], Y, [a, b]) :: p(X, Y).\nq(X) :- p(X, a), p(X, 1, b).\n"
     "nn(net, [X, Z], Y, [a, b]) :: p(X, Z, Y).", {"X": torch.ones(1, 2)},
     r"is called with \[1, 2\] inputs"),
])
def test_bad_calls_are_clear_errors(source, bindings, message):
    model = pl.Model(source, networks={"net": Recorder([[0.5, 0.5]])})
    with pytest.raises(ProgramError, match=message):
        model.query("q(X)", **bindings)


@pytest.mark.parametrize("output, message", [
    (lambda x: [1.0], "returned list, not a tensor"),
    (lambda x: torch.ones(5, 2), r"returned shape \[5, 2\] for 2 inputs"),
])
def test_bad_deterministic_outputs_name_the_network(output, message):
    class Bad(nn.Module):
        def forward(self, x):
            return output(x)

    model = pl.Model(PIPELINE, networks={"embed": Bad(), "refine": Embed(5, 3),
                                         "classify": Classify()})
    with pytest.raises(ProgramError, match="network 'embed' " + message):
        model.query("big(X)", X=torch.ones(2, 4))


def test_an_unknown_deterministic_network_is_named():
    model = pl.Model(PIPELINE, networks={"refine": Embed(5, 3), "classify": Classify()})
    with pytest.raises(ProgramError, match="unknown network 'embed'"):
        model.query("big(X)", X=torch.ones(1, 4))


def test_ground_program_names_a_deterministic_output_and_plain_inference_refuses_it():
    source = PIPELINE + "query(big(tensor(x)))."
    ground = pl.Program.from_string(source).ground()
    text = str(ground) if not hasattr(ground, "format") else ground.format()
    assert "tensor(nn(refine,[tensor(nn(embed,[tensor(x)]))]))" in text.replace(" ", "")
    with pytest.raises(ProgramError, match="neural predicates"):
        pl.evaluate(source)

"""Model queries with unbound variables: the probability of every answer, one circuit per
shape whose roots are all the answers."""

import pytest
import torch

import problogic as pl
from problogic.neural.answers import Answers

from test_model import ADDITION, Softmax  # the digit program and its exact 'network'


def test_answers_equal_the_ground_queries_and_form_a_distribution():
    torch.manual_seed(0)
    net = Softmax()
    model = pl.Model(ADDITION, networks={"digit": net})
    x, y = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
    answers = model.query("add(X, Y, Z)", X=x, Y=y)
    assert isinstance(answers, Answers) and answers.variables == ("Z",)
    assert list(answers) == [0, 1, 2, 3, 4] and answers.values.shape == (4, 5)
    assert model.num_compiled == 1 and net.calls == 1  # one circuit with 5 answer roots
    assert torch.allclose(answers.values.sum(1), torch.ones(4, dtype=torch.float64))
    for z in range(5):
        ground = model.query("add(X, Y, Z)", X=x, Y=y, Z=torch.full((4,), z))
        assert torch.allclose(answers[z], ground, atol=1e-12)
    labels = torch.tensor([0, 3, 4, 2])
    assert torch.allclose(answers.select(labels),
                          model.query("add(X, Y, Z)", X=x, Y=y, Z=labels), atol=1e-12)
    p, q = torch.softmax(x, 1), torch.softmax(y, 1)
    best = [max(range(5), key=lambda s: sum(p[b, i] * q[b, s - i] for i in range(3)
                                           if 0 <= s - i < 3)) for b in range(4)]
    assert answers.most_probable() == best


def test_log_answers_are_differentiable_and_absent_values_are_impossible():
    torch.manual_seed(1)
    model = pl.Model(ADDITION, networks={"digit": Softmax()})
    x = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    y = torch.randn(3, 3, dtype=torch.float64)
    answers = model.query("add(X, Y, Z)", X=x, Y=y, log=True)
    assert answers.log and torch.isneginf(answers.select([9, 9, 9])).all()
    assert torch.autograd.gradcheck(
        lambda a: model.query("add(X, Y, Z)", X=a, Y=y, log=True).select([1, 2, 4]), (x,))
    with pytest.raises(KeyError, match="7 is not an answer"):
        answers[7]


def test_shapes_with_different_answers_are_assembled_per_element():
    program = ADDITION + "add3(X, Y, W, Z) :- add(X, Y, S), Z is S + W.\n"
    model = pl.Model(program, networks={"digit": Softmax()})
    x = torch.zeros(3, 3)
    answers = model.query("add3(X, Y, W, Z)", X=x, Y=x, W=[0, 10, 0])
    assert model.num_compiled == 2  # W = 0 and W = 10
    assert list(answers) == [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]
    assert answers[12].tolist() == pytest.approx([0, 3 / 9, 0])
    assert answers[2].tolist() == pytest.approx([3 / 9, 0, 3 / 9])


def test_several_unbound_variables_and_atom_answers_with_evidence():
    program = """
        nn(coin, [X], S, [heads, tails]) :: side(X, S).
        pair(X, Y, A, B) :- side(X, A), side(Y, B).
        evidence(side(tensor('X'), heads)).
    """

    class Coin(torch.nn.Module):
        def forward(self, x):
            return torch.cat([x, 1 - x], dim=1)

    model = pl.Model(program, networks={"coin": Coin()})
    answers = model.query("pair(X, Y, A, B)", X=torch.tensor([[0.5]]), Y=torch.tensor([[0.2]]))
    assert answers.variables == ("A", "B")
    probabilities = {key: value.item() for key, value in answers.items()}
    assert probabilities == pytest.approx({("heads", "heads"): 0.2, ("heads", "tails"): 0.8,
                                           ("tails", "heads"): 0.0, ("tails", "tails"): 0.0})


def test_mpe_needs_a_ground_query():
    model = pl.Model(ADDITION, networks={"digit": Softmax()})
    with pytest.raises(ValueError, match="unbound: Z"):
        model.mpe("add(X, Y, Z)", X=torch.zeros(1, 3), Y=torch.zeros(1, 3))


class Coin(torch.nn.Module):
    def forward(self, x):  # [N, 1] -> [N, 2]: heads with probability x
        return torch.cat([x, 1 - x], dim=1)


@pytest.mark.parametrize("numpy_path", [True, False])
def test_answers_sharing_one_circuit_node_get_every_gradient(numpy_path, monkeypatch):
    # q(a, X) and q(b, X) are the same formula: their roots share one row of the circuit,
    # so the roots' gradient is scattered, not assigned (on either path)
    if not numpy_path:
        import problogic.neural.evaluation as evaluation
        monkeypatch.setattr(evaluation, "_host_call", lambda table, runs: False)
    model = pl.Model("nn(coin, [X], S, [h, t]) :: side(X, S).\n"
                     "q(a, X) :- side(X, h).\nq(b, X) :- side(X, h).",
                     networks={"coin": Coin()})
    x = torch.tensor([[0.25], [0.5]], dtype=torch.float64, requires_grad=True)
    answers = model.query("q(K, X)", X=x)
    (shape,) = model.compiled_shapes.values()
    assert not shape.module.distinct_roots()
    assert answers.values.tolist() == [[0.25, 0.25], [0.5, 0.5]]
    (grad,) = torch.autograd.grad(answers.values.sum(), x)
    assert grad.tolist() == [[2.0], [2.0]]
    selected = model.query("q(K, X)", log=True, X=x).select(["a", "b"])
    (grad,) = torch.autograd.grad(selected.sum(), x)
    assert grad[:, 0].tolist() == pytest.approx([4.0, 2.0])  # d log x / dx = 1 / x


# --- the evidence rules answers out, as ProbLog's grounding does --------------------------
EVIDENCE_RULES_OUT = [
    # a fact the evidence makes false
    "0.5::a(1). 0.5::a(2).\nevidence(\\+ a(2)).\nquery(a(X)).",
    # ... and an atom derived from it
    "0.5::a(1). 0.5::a(2). b(X) :- a(X).\nevidence(\\+ a(2)).\nquery(b(X)).",
    # a body made false through a rule: d false makes c false makes b(X) false
    "0.5::a(1). 0.5::a(2). 0.5::c. 0.5::e. b(X) :- a(X), c. b(2) :- e.\nd :- c.\n"
    "evidence(\\+ d).\nquery(b(X)).",
    # the last open body of an atom that holds: e with \+c forces d
    "0.5::c. 0.5::d. e :- c; d.\nb(1) :- c. b(2) :- d.\nevidence(e).\nevidence(\\+ c).\n"
    "query(b(X)).",
    # an annotated disjunction: one value chosen rules out the others
    "0.2::c(1); 0.3::c(2); 0.5::c(3).\nb(X) :- c(X).\nevidence(c(2)).\nquery(b(X)).",
    # ... and the last value left is chosen
    "0.2::c(1); 0.3::c(2); 0.5::c(3).\nb(X) :- c(X).\nevidence(\\+ c(2)).\n"
    "evidence(\\+ c(1)).\nquery(b(X)).",
    # nothing is decided where the evidence only makes an answer improbable
    "0.2::c(1); 0.3::c(2).\nb(X) :- c(X).\nevidence(\\+ c(2)).\nquery(b(X)).",
]


@pytest.mark.parametrize("program", EVIDENCE_RULES_OUT)
def test_answers_the_evidence_rules_out_are_dropped_as_problog_drops_them(program, tmp_path):
    # ProbLog's command line propagates the evidence (its Python API, the in-process
    # oracle, does not by default)
    from oracle import problog_cli_output

    path = tmp_path / "program.pl"
    path.write_text(program)
    code, output = problog_cli_output(path)
    assert code == 0
    expected = {atom: float(p) for atom, p in
                (line.rsplit(":", 1) for line in output.splitlines() if line.strip())}
    result = pl.evaluate(program, propagate_evidence=True)
    assert sorted(result) == sorted(expected)
    from test_cli import run_cli

    assert run_cli(str(path)).stdout == "".join(
        f"{atom}:\t{value:.8g}\n" for atom, value in sorted(result.items()))
    # ProbLog's Python API keeps them, at 0 (the in-process oracle)
    kept = pl.evaluate(program)
    assert set(kept) >= set(result) and all(kept[a] == 0 for a in set(kept) - set(result))
    assert result == pytest.approx(expected, abs=1e-6)


def test_a_ground_query_is_kept_when_the_evidence_rules_it_out():
    program = ("0.5::a(1). 0.5::a(2). 0.5::c. b(X) :- a(X), c.\nevidence(\\+ c).\n"
               "query(b(X)).\nquery(b(1)).")
    assert pl.evaluate(program, propagate_evidence=True) == {"b(1)": 0.0}
    ground_only = program.replace("query(b(X)).\n", "")
    assert pl.evaluate(ground_only, propagate_evidence=True) == {"b(1)": 0.0}
    assert pl.evaluate(program) == {"b(1)": 0.0, "b(2)": 0.0}

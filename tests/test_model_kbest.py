"""k-best proofs inside Model.query: lower bounds per batch element, monotone in k, exact
when k covers every proof, with and without evidence, differentiable."""

import pytest
import torch

import problogic as pl

# Paths in a small graph whose edges come from two network calls (each picks one of five
# edges, or none): many proofs per query, so a small k leaves some out.
GRAPH = """
nn(edge_net, [X], E, [e1, e2, e3, e4, e5]) :: pick(X, E).
0.6::extra.
edge(X, Y, a, b) :- pick(X, e1) ; pick(Y, e1).
edge(X, Y, a, c) :- pick(X, e2) ; pick(Y, e2).
edge(X, Y, b, d) :- pick(X, e3) ; pick(Y, e3).
edge(X, Y, c, d) :- pick(X, e4) ; pick(Y, e4).
edge(X, Y, a, d) :- pick(X, e5), extra.
edge(X, Y, b, c) :- extra.
path(X, Y, A, B) :- edge(X, Y, A, B).
path(X, Y, A, B) :- edge(X, Y, A, C), path(X, Y, C, B).
"""


class Edges(torch.nn.Module):
    """Rows over the five edge choices (a sixth column, dropped, is "no edge"), learnable."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(1, dtype=torch.float64))

    def forward(self, x):
        return torch.softmax(x * self.scale, dim=1)[:, :5]


def inputs(batch: int, seed: int) -> dict:
    generator = torch.Generator().manual_seed(seed)
    return {name: torch.randn(batch, 6, dtype=torch.float64, generator=generator)
            for name in ("X", "Y")}


@pytest.mark.parametrize("evidence", ["", "evidence(extra, true).\n",
                                      "evidence(extra, false).\n"])
def test_kbest_bounds_the_exact_answer_per_element(evidence):
    model = pl.Model(GRAPH + evidence + "q(X, Y) :- path(X, Y, a, d).\n",
                     networks={"edge_net": Edges()})
    x = inputs(6, seed=0)
    exact = model.query("q(X, Y)", **x)
    previous = torch.zeros_like(exact)
    for k in (1, 2, 3, 200):
        bound = model.query("q(X, Y)", approximation=pl.KBest(k), **x)
        assert (bound <= exact + 1e-12).all()
        assert (bound >= previous - 1e-12).all()  # monotone in k
        previous = bound
    assert torch.allclose(previous, exact, atol=1e-12)  # every proof kept: exact
    assert (model.query("q(X, Y)", approximation=pl.KBest(1), **x) < exact - 1e-3).all()


def test_kbest_with_evidence_on_a_derived_atom_is_a_conditional_lower_bound():
    # evidence that itself needs a proof search: L(q & e) / (1 - L(not e))
    model = pl.Model(GRAPH + "evidence(any).\nany :- extra.\nany :- \\+ extra.\n"
                     "q(X, Y) :- path(X, Y, b, d).\n", networks={"edge_net": Edges()})
    x = inputs(5, seed=1)
    exact = model.query("q(X, Y)", **x)
    for k in (1, 2, 200):
        bound = model.query("q(X, Y)", approximation=pl.KBest(k), **x)
        assert (bound <= exact + 1e-12).all()
    assert torch.allclose(bound, exact, atol=1e-12)


def test_kbest_gradients_match_finite_differences():
    net = Edges()
    model = pl.Model(GRAPH + "evidence(extra, true).\nq(X, Y) :- path(X, Y, a, d).\n",
                     networks={"edge_net": net})
    x = inputs(3, seed=2)

    def value():
        return model.query("q(X, Y)", log=True, approximation=pl.KBest(2), **x).sum()

    (grad,) = torch.autograd.grad(value(), net.scale)
    eps = 1e-6
    with torch.no_grad():
        net.scale += eps
        up = value()
        net.scale -= 2 * eps
        down = value()
        net.scale += eps
    assert grad.item() == pytest.approx((up - down).item() / (2 * eps), rel=1e-5, abs=1e-9)


def test_kbest_answers_and_caching():
    model = pl.Model(GRAPH, networks={"edge_net": Edges()})
    x = inputs(4, seed=3)
    exact = model.query("path(X, Y, a, B)", **x)
    bound = model.query("path(X, Y, a, B)", approximation=pl.KBest(1), **x)
    assert list(bound) == list(exact) == ["b", "c", "d"]
    assert (bound.values <= exact.values + 1e-12).all()
    before = model.num_compiled
    model.query("path(X, Y, a, B)", approximation=pl.KBest(1), **x)
    assert model.num_compiled == before  # cached per shape and approximation
    with pytest.raises(TypeError, match="KBest"):
        model.query("path(X, Y, a, d)", approximation=3, **x)


def test_each_element_gets_its_own_best_proofs():
    # three independent coins; KBest(1) keeps the single most probable proof of each element
    class Heads(torch.nn.Module):
        def forward(self, x):
            return x

    model = pl.Model("nn(coin, [X]) :: heads(X).\n"
                     "some(X, Y, Z) :- heads(X).\nsome(X, Y, Z) :- heads(Y).\n"
                     "some(X, Y, Z) :- heads(Z).\n", networks={"coin": Heads()})
    p = torch.tensor([[0.5, 0.4, 0.1], [0.1, 0.2, 0.7], [0.3, 0.6, 0.2]], dtype=torch.float64)
    coins = {name: p[:, i:i + 1] for i, name in enumerate("XYZ")}
    best = model.query("some(X, Y, Z)", approximation=pl.KBest(1), **coins)
    assert best.tolist() == pytest.approx(p.max(1).values.tolist())
    two = model.query("some(X, Y, Z)", approximation=pl.KBest(2), **coins)
    top = p.topk(2, dim=1).values  # the two best coins: P(a or b)
    assert two.tolist() == pytest.approx((1 - (1 - top[:, 0]) * (1 - top[:, 1])).tolist())

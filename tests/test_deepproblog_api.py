"""problogic.deepproblog against DeepProbLog itself: the same script, with only its imports
changed, must train the same network update for update and evaluate the same answers."""

from __future__ import annotations

import copy
import io

import pytest
import torch
from problog.logic import Constant, Term

import problogic.deepproblog as ours
from benchmarks.deepproblog_api import addition_set as _addition_set
from benchmarks.deepproblog_api import api
from benchmarks.deepproblog_api import digits as _digits
from benchmarks.deepproblog_api import model as _model
from benchmarks.deepproblog_api import network as _network
from benchmarks.deepproblog_programs import example_program



def _api(name: str):
    return api("problogic" if name == "ours" else "deepproblog")


def _train(name: str, program: str, data: dict, **options):
    api = _api(name)
    net = _network()
    model = _model(api, program, net)
    if options.pop("sgd", False):
        model.optimizer = api.SGD(model, 0.05)
    loader = api.DataLoader(_addition_set(api, **data), 2, False)
    train = api.train_model(model, loader, 1, log_iter=1, verbose=1, **options)
    return model, net, train.logger.get_attribute("loss")


@pytest.mark.parametrize("options", [{}, {"with_negatives": True}])
def test_training_matches_deepproblog_update_for_update(options, capsys):
    program = example_program("MNIST/models/addition.pl")
    data = {"start": 0, "size": 12}
    model, net, losses = _train("ours", program, data, **options)
    reference_model, reference_net, reference = _train("deepproblog", program, data, **options)
    assert len(losses) == len(reference) == 6
    assert losses == pytest.approx(reference, rel=1e-5, abs=1e-6)
    for (name, p), q in zip(net.state_dict().items(), reference_net.state_dict().values()):
        assert torch.allclose(p, q, atol=1e-6), name

    test_set = {"start": 600, "size": 15}
    matrix = ours.get_confusion_matrix(model, _addition_set(_api("ours"), **test_set))
    reference_matrix = _api("deepproblog").get_confusion_matrix(
        reference_model, _addition_set(_api("deepproblog"), **test_set))
    assert matrix.accuracy() == pytest.approx(reference_matrix.accuracy())
    assert sorted(zip(map(str, matrix.classes), matrix.matrix.diagonal())) == \
        sorted(zip(map(str, reference_matrix.classes), reference_matrix.matrix.diagonal()))


def _solve(name: str, program: str, queries):
    api = _api(name)
    model = _model(api, program, _network(1))
    return model.solve(queries(api))


@pytest.mark.parametrize("digits, open_output", [(2, False), (1, True)])
def test_solve_gives_deepproblogs_answers(digits, open_output):
    program = example_program("MNIST/models/addition.pl")
    functor = "multi_addition" if digits > 1 else "addition"

    def queries(api):
        found = _addition_set(api, 40, 3, digits, functor).to_queries()
        return [q.variable_output() for q in found] if open_output else found

    results = _solve("ours", program, queries)
    reference = _solve("deepproblog", program, queries)
    for result, expected in zip(results, reference):
        assert set(result.result) == set(expected.result)
        for term, p in expected.result.items():
            assert float(result.result[term]) == pytest.approx(float(p), abs=1e-6), term
    assert len(results[0]) == (19 if open_output else 1)  # open: every sum 0..18


def test_a_network_without_batching_is_called_one_example_at_a_time():
    program = example_program("MNIST/models/addition.pl")
    calls = []

    class OneImage(torch.nn.Module):
        def __init__(self, core):
            super().__init__()
            self.core = core

        def forward(self, image):  # [1, 8, 8] -> [1, 10]
            calls.append(tuple(image.shape))
            return self.core(image.unsqueeze(0))

    api = _api("ours")
    queries = _addition_set(api, 0, 3).to_queries()
    single = _model(api, program, OneImage(_network(2)), batching=False).solve(queries)
    batched = _model(api, program, _network(2)).solve(queries)
    assert calls == [(1, 8, 8)] * 6
    for a, b in zip(single, batched):
        assert {str(t): float(p) for t, p in a.result.items()} == \
            pytest.approx({str(t): float(p) for t, p in b.result.items()})


def test_tunable_parameters_stay_without_sgd_and_are_learned_with_it():
    program = example_program("MNIST/models/noisy_addition.pl").replace(
        "addition(X,Y,Z) :-", "clean_addition(X,Y,Z) :-")
    program = program.replace("addition_noisy(", "addition(")
    data = {"start": 0, "size": 20}
    model, _, fixed = _train("ours", program, data)
    assert model.parameters == pytest.approx([0.1, 0.9])
    reference_model, _, reference = _train("deepproblog", program, data)
    assert reference_model.parameters == pytest.approx([0.1])
    assert fixed == pytest.approx(reference, rel=1e-5, abs=1e-6)
    # SGD: both move the noise the same way (up: the untrained network explains the labels
    # worse than noise does); the steps differ (logits against clipped probabilities)
    learned, _, losses = _train("ours", program, data, sgd=True)
    reference_learned, _, _ = _train("deepproblog", program, data, sgd=True)
    assert learned.parameters[0] > 0.1 + 1e-3 and reference_learned.parameters[0] > 0.1 + 1e-3
    assert losses[0] == pytest.approx(reference[0], rel=1e-5)


def test_save_and_load_state_round_trip_with_weights_only():
    program = example_program("MNIST/models/noisy_addition.pl")
    model, net, _ = _train("ours", program, {"start": 0, "size": 4}, sgd=True)
    buffer = io.BytesIO()
    model.save_state(buffer, complete=True)
    fresh = _model(_api("ours"), program, _network(5))
    buffer.seek(0)
    fresh.load_state(buffer)
    for p, q in zip(net.parameters(), fresh.networks["mnist_net"].parameters()):
        assert torch.equal(p, q)
    assert fresh.parameters == pytest.approx(model.parameters)


def test_save_state_makes_the_folders_of_its_path(tmp_path):
    model = _model(_api("ours"), example_program("MNIST/models/addition.pl"), _network())
    path = tmp_path / "snapshot" / "addition.pth"
    model.save_state(str(path))
    model.load_state(str(path))
    assert path.exists()


def test_the_approximate_engine_is_the_k_best_proofs_bound():
    """Two two-digit numbers and their sum: every proof assigns the four digits, so the bound
    from k proofs is the sum of the k most probable digit assignments that give the sum,
    enumerated here from the network's outputs."""
    import itertools

    from benchmarks.deepproblog_api import digits

    program = example_program("MNIST/models/addition.pl")
    queries = _addition_set(_api("ours"), 40, 4, 2, "multi_addition").to_queries()
    with torch.no_grad():
        outputs = _network(1)(digits().images).double()
    for k in (1, 3, 100):
        model = _model(_api("ours"), program, _network(1))
        model.set_engine(ours.ApproximateEngine(model, k, ours.ApproximateEngine.geometric_mean))
        assert model.get_hyperparameters()["engine"] == f"problogic {k}-best proofs"
        for query, result in zip(queries, model.solve(queries)):
            a, b = ([int(t.args[0].args[0]) for t in number] for number in
                    (_list(query.query.args[0]), _list(query.query.args[1])))
            total = int(query.query.args[2])
            proofs = sorted((float(outputs[a[0], w] * outputs[a[1], x] * outputs[b[0], y] *
                                   outputs[b[1], z])
                             for w, x, y, z in itertools.product(range(10), repeat=4)
                             if 10 * (w + y) + x + z == total), reverse=True)
            assert len(proofs) > 3  # so that k = 1 and 3 are bounds, not the answer
            assert float(result.result[query.query]) == pytest.approx(sum(proofs[:k]),
                                                                       rel=1e-5)

    model = _model(_api("ours"), program, _network(1))
    model.set_engine(ours.ApproximateEngine(model, 1, ours.ApproximateEngine.ucs))
    loader = ours.DataLoader(_addition_set(_api("ours"), 0, 8), 2, False)
    losses = ours.train_model(model, loader, 2, log_iter=1).logger.get_attribute("loss")
    assert len(losses) == 8 and all(loss == loss for loss in losses)  # no NaN


def _list(term) -> list:
    from problog.logic import term2list

    return term2list(term, False)


def test_what_has_no_counterpart_is_refused_clearly(tmp_path):
    for options, message in [({"exploration": True}, "exploration"),
                             ({"timeout": 5}, "timeout"),
                             ({"heuristic": object()}, "learned heuristics")]:
        arguments = {"heuristic": ours.ApproximateEngine.ucs, **options}
        with pytest.raises(ValueError, match=message):
            ours.ApproximateEngine(None, 1, **arguments)
    with pytest.raises(ValueError, match="positive integer"):
        ours.ApproximateEngine(None, 0, ours.ApproximateEngine.ucs)
    for k in (0, 1.5, True):
        with pytest.raises(ValueError, match="positive integer"):
            ours.Network(_network(), "mnist_net", k=k)
    program = example_program("MNIST/models/addition.pl")
    model = _model(_api("ours"), program, _network())
    query = ours.Query(Term("addition", Term("tensor", Term("train", Constant(0))),
                            Term("tensor", Term("train", Constant(1))), Constant(3)))
    with pytest.raises(ValueError, match="no tensor source named 'train'.*digits"):
        model.solve([query])
    with pytest.raises(ValueError, match="unknown loss"):
        ours.train_model(model, ours.DataLoader(_addition_set(_api("ours"), 0, 2), 2), 1,
                         loss_function_name="hinge")
    path = tmp_path / "addition.pl"
    path.write_text(program)
    assert "digit" in str(ours.Model(path, [ours.Network(_network(), "mnist_net")]))


@pytest.mark.parametrize("k", [1, 3])
def test_network_k_keeps_deepproblogs_values_in_evaluation(k):
    """DeepProbLog's example scripts test with ``Network(..., k=1)``: in evaluation only the
    k most probable digits of each image are possible."""
    program = example_program("MNIST/models/addition.pl")

    def solve(name):
        api = _api(name)
        model = api.Model(program, [api.Network(_network(1), "mnist_net", batching=True, k=k)],
                          load=False)
        # without the cache: DeepProbLog grounds the kept values of each image anew
        model.set_engine(api.ExactEngine(model), cache=False)
        model.add_tensor_source("digits", _digits())
        model.eval()
        queries = _addition_set(api, 40, 4, 1, "addition").to_queries()
        return model.solve(queries + [q.variable_output() for q in queries])

    results, reference = solve("ours"), solve("deepproblog")

    def possible(result):  # DeepProbLog also lists a ground query it proves false, at 0
        return {str(term): float(p) for term, p in result.result.items() if float(p) > 0}

    for result, expected in zip(results, reference):
        assert possible(result) == pytest.approx(possible(expected), abs=1e-6)
    open_answers = [len(possible(result)) for result in results[4:]]
    assert all(1 <= n <= k * k for n in open_answers)  # the sums of two kept digits
    assert max(open_answers) > 1 if k > 1 else max(open_answers) == 1


def test_network_k_samples_its_values_while_training():
    """In training, k values are drawn without replacement in proportion to their
    probabilities (DeepProbLog draws them with numpy.random.choice)."""
    from problogic.deepproblog.network import KeepK

    probabilities = torch.tensor([0.5, 0.3, 0.15, 0.05])

    class Constant(torch.nn.Module):
        def forward(self, x):
            return probabilities.expand(len(x), 4).clone().requires_grad_()

    torch.manual_seed(0)
    rows = 40_000
    keep = KeepK(Constant(), 2).train()
    out = keep(torch.zeros(rows, 1))
    kept = out != 0
    assert bool((kept.sum(1) == 2).all())
    assert bool((out[kept] == probabilities.expand(rows, 4)[kept]).all())
    # P(i kept) = p_i + sum over j != i of p_j p_i / (1 - p_j)
    p = probabilities.double()
    expected = p + torch.stack([sum(p[j] * p[i] / (1 - p[j]) for j in range(4) if j != i)
                                for i in range(4)])
    assert kept.double().mean(0).tolist() == pytest.approx(expected.tolist(), abs=0.01)
    out.sum().backward()  # gradients reach the kept values
    assert torch.equal(keep.eval()(torch.zeros(3, 1)),
                       torch.tensor([[0.5, 0.3, 0.0, 0.0]] * 3))


def test_network_k_is_refused_for_a_deterministic_network():
    program = "nn(embed, [X], Y) :: code(X, Y).\nq(X) :- code(X, _).\n"
    with pytest.raises(ValueError, match="deterministic network 'embed'"):
        ours.Model(program, [ours.Network(torch.nn.Identity(), "embed", k=1)], load=False)


def test_queries_read_from_deepproblogs_text_form(tmp_path):
    from deepproblog.dataset import QueryDataset as ReferenceQueryDataset

    path = tmp_path / "queries.txt"
    path.write_text("subs(addition(tensor(digits(a)),tensor(digits(b)),7),[[a,0],[b,1]]).\n"
                    "0.25::addition(tensor(digits(2)),tensor(digits(3)),5).\n")
    queries = ours.QueryDataset(path).to_queries()
    reference = ReferenceQueryDataset(str(path)).to_queries()
    assert [(str(q.query), q.substitution, q.p) for q in queries] == \
        [(str(q.query), q.substitution, q.p) for q in reference]
    program = example_program("MNIST/models/addition.pl")
    results = _model(_api("ours"), program, _network()).solve(queries)
    expected = _model(_api("deepproblog"), program, _network()).solve(reference)
    assert [float(r.result[r.query]) for r in results] == pytest.approx(
        [float(next(iter(r.result.values()))) for r in expected], abs=1e-6)


def test_forth_addition_with_networks_on_integers_one_example_at_a_time(tmp_path):
    """DeepProbLog's Forth addition script: two networks without batching, called on digits
    and carries (integers, not tensors), trained on queries read from its text form."""
    import copy

    from deepproblog.dataset import QueryDataset as ReferenceQueryDataset
    from deepproblog.examples.Forth import EncodeModule

    path = tmp_path / "queries.txt"
    path.write_text("add([1,5],[2,7],0,[0,4,2]).\nadd([9],[9],1,[1,9]).\nadd([3],[4],0,[0,7]).\n"
                    "add([8,0],[1,9],1,[0,0,0]).\nadd([6],[6],0,[1,2]).\n"
                    "add([2,2],[5,5],0,[0,7,7]).\n")
    program = example_program("Forth/Add/choose.pl")
    torch.manual_seed(0)
    cores = (EncodeModule(30, 50, 10, "tanh"), EncodeModule(22, 10, 2, "tanh"))

    def train(name: str, dataset):
        calls = api(name)
        networks = []
        for core, net_name in zip(copy.deepcopy(cores), ("neural1", "neural2")):
            network = calls.Network(core, net_name)
            network.optimizer = torch.optim.Adam(core.parameters(), lr=0.02)
            networks.append(network)
        model = calls.Model(program, networks, load=False)
        model.set_engine(calls.ExactEngine(model), cache=True)
        logger = calls.train_model(model, calls.DataLoader(dataset, 3, False), 2, log_iter=1,
                                   verbose=1).logger
        return logger.get_attribute("loss"), [n.network_module for n in networks]

    losses, nets = train("problogic", ours.QueryDataset(path))
    reference, reference_nets = train("deepproblog", ReferenceQueryDataset(str(path)))
    assert len(losses) == len(reference) == 4
    assert losses == pytest.approx(reference, rel=1e-5, abs=1e-6)
    for net, reference_net in zip(nets, reference_nets):
        for p, q in zip(net.parameters(), reference_net.parameters()):
            assert torch.allclose(p, q, atol=1e-6)


def test_forth_sort_script_with_its_k1_test_model(tmp_path):
    """DeepProbLog's Forth sort script: trained on lists of 2, evaluated on lists of 3
    through a second model that shares the network with ``Network(fc1, "swap_net", k=1)``
    (only each swap's more probable answer is possible). The script's learning rate, 1.0,
    makes the losses chaotic: 0.02 here."""
    import random

    from deepproblog.dataset import QueryDataset as ReferenceQueryDataset
    from deepproblog.examples.Forth import EncodeModule

    rng = random.Random(0)

    def queries(name: str, size: int, count: int):
        lines = []
        for _ in range(count):
            values = [rng.randrange(10) for _ in range(size)]
            lines.append(f"forth_sort({values},{sorted(values)}).".replace(" ", ""))
        (tmp_path / name).write_text("\n".join(lines) + "\n")
        return tmp_path / name

    train_path, dev_path = queries("train.txt", 2, 24), queries("dev.txt", 3, 12)
    program = example_program("Forth/Sort/compare.pl")
    torch.manual_seed(0)
    core = EncodeModule(20, 20, 2)

    def run(name: str, query_dataset):
        calls = api(name)
        fc1 = copy.deepcopy(core)
        model = calls.Model(program, [calls.Network(
            fc1, "swap_net", optimizer=torch.optim.Adam(fc1.parameters(), 0.02))], load=False)
        model.set_engine(calls.ExactEngine(model), cache=True)
        test_model = calls.Model(program, [calls.Network(fc1, "swap_net", k=1)], load=False)
        test_model.set_engine(calls.ExactEngine(test_model), cache=False)
        train, dev = query_dataset(str(train_path)), query_dataset(str(dev_path))
        logger = calls.train_model(model, calls.DataLoader(train, 4, False), 2, log_iter=3,
                                   test_iter=len(train) // 4, test=lambda x: [
                                       ("Accuracy", calls.get_confusion_matrix(
                                           test_model, dev).accuracy())]).logger
        test_model.eval()
        answers = test_model.solve([q.variable_output() for q in dev.to_queries()[:4]])
        return (logger.get_attribute("loss"), logger.get_attribute("Accuracy"),
                [{str(t): float(p) for t, p in a.result.items() if float(p) > 0}
                 for a in answers])

    losses, accuracy, answers = run("problogic", ours.QueryDataset)
    reference_losses, reference_accuracy, reference_answers = run("deepproblog",
                                                                  ReferenceQueryDataset)
    assert losses == pytest.approx(reference_losses, rel=1e-5, abs=1e-6)
    assert len(accuracy) == 3 and accuracy == reference_accuracy  # the first before training
    for answer, reference in zip(answers, reference_answers):  # k = 1: one sorted list each
        assert len(answer) == 1 and answer == pytest.approx(reference, abs=1e-6)

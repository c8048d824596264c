"""What DeepProbLog's scripts import besides the model: its stop conditions, standard
networks, optimizer module, helpers and data set combinators, each against DeepProbLog's own
(installed as the test oracle)."""

from __future__ import annotations

import ast
import importlib
import random
import warnings
from pathlib import Path

import pytest
import torch

import problogic.deepproblog as ours
from benchmarks.deepproblog_api import addition_set, api, digits, network

deepproblog = pytest.importorskip("deepproblog")


def _example_imports():
    """``(module, name)`` for every ``from deepproblog.X import name`` in DeepProbLog's
    example scripts, its examples' own modules left out (their data sets download MNIST)."""
    found = set()
    for script in (Path(deepproblog.__file__).parent / "examples").rglob("*.py"):
        with warnings.catch_warnings():  # their sources hold invalid escapes ("\d")
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(script.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith("deepproblog") and \
                    not node.module.startswith("deepproblog.examples"):
                found.update((node.module, alias.name) for alias in node.names)
    return sorted(found)


def test_what_deepproblogs_scripts_import_exists_here():
    imports = _example_imports()
    assert len(imports) >= 20
    missing = [f"{module}.{name}" for module, name in imports
               if not hasattr(importlib.import_module(module.replace(
                   "deepproblog", "problogic.deepproblog", 1)), name)]
    assert not missing


# DeepProbLog's public methods problogic does not have: its engine's internals, and
# register_foreign (Python functions as predicates: a program never runs Python code here)
NOT_PROVIDED = {
    "Model": {"evaluate_nn", "get_embedding", "ground_dataset", "register_foreign"},
    "TrainObject": {"get_loss_with_negatives", "log"},
    "ConfusionMatrix": {"get_index", "grow"},
    "Logger": {"clear", "get_union", "has_attribute", "read_from_file"},
}


@pytest.mark.parametrize("module, name", [
    ("model", "Model"), ("train", "TrainObject"), ("network", "Network"),
    ("dataset", "Dataset"), ("dataset", "QueryDataset"), ("query", "Query"),
    ("evaluate", "ConfusionMatrix"), ("train", "Logger"), ("engines", "ApproximateEngine")])
def test_deepproblogs_classes_have_their_public_methods_here(module, name):
    theirs = {"ConfusionMatrix": "deepproblog.utils.confusion_matrix",
              "Logger": "deepproblog.utils.logger"}.get(name, f"deepproblog.{module}")
    reference = getattr(importlib.import_module(theirs), name)
    mine = getattr(importlib.import_module(f"problogic.deepproblog.{module}"), name)
    missing = {a for a in dir(reference) if not a.startswith("_") and not hasattr(mine, a)}
    assert missing == NOT_PROVIDED.get(name, set())


class _Log:
    """A training run's state as stop conditions read it."""

    def __init__(self, logger_class):
        self.logger, self.epoch, self.i = logger_class(), 0, 0


def _conditions(module):
    m = module
    return [
        m.EpochStop(3),
        m.Threshold("acc", 0.8), m.Threshold("acc", 0.6, duration=3),
        m.StopOnPlateau("acc"), m.StopOnPlateau("acc", delta=0.0, patience=2, warm_up=1),
        m.StopOnNoChange("acc", delta=0.05, patience=2, warm_up=2),
        m.Threshold("acc", 0.9) + m.StopOnPlateau("acc", patience=3, warm_up=2),
        m.EpochStop(4) * m.Threshold("acc", 0.5),
        m.EpochStop(6) | m.StopOnNoChange("acc", patience=3, warm_up=0),
        m.StopOnPlateau("acc", patience=4, warm_up=3) & m.Threshold("acc", 0.3),
    ]


@pytest.mark.parametrize("seed", range(12))
def test_stop_conditions_stop_where_deepproblogs_do(seed, capsys):
    from deepproblog.utils import logger as their_logger
    from deepproblog.utils import stop_condition as theirs

    from problogic.deepproblog.train import Logger
    from problogic.deepproblog.utils import stop_condition as mine

    rng = random.Random(seed)
    values = []
    for _ in range(30):  # rising, then flat with noise, sometimes a jump
        values.append(min(1.0, (values[-1] if values else 0.2) +
                          rng.choice([0.0, 0.0, 0.002, 0.05, -0.03, 0.2])))
    for mine_condition, their_condition in zip(_conditions(mine), _conditions(theirs)):
        ours_run, their_run = _Log(Logger), _Log(their_logger.Logger)
        for step, value in enumerate(values):
            ours_run.epoch = their_run.epoch = step // 5
            for run in (ours_run, their_run):
                run.logger.log("acc", step, value)
            try:
                expected = their_condition.is_stop(their_run)
            except IndexError:  # theirs: Threshold with fewer values than its duration
                expected = False
            assert mine_condition.is_stop(ours_run) == expected, (str(their_condition), step)
            if expected:
                break
        assert str(mine_condition) == str(their_condition)


@pytest.mark.parametrize("verbose", [1, 0])
def test_training_stops_on_a_plateau_where_deepproblog_does(verbose, capsys):
    """A plateau of the logged loss stops both at the same update; a silent run (verbose=0)
    logs nothing in DeepProbLog, so it runs its epochs out."""
    program = (Path(deepproblog.__file__).parent / "examples/MNIST/models/addition.pl"
               ).read_text()
    stopped = {}
    for name in ("problogic", "deepproblog"):
        calls = api(name)
        conditions = importlib.import_module(
            ("problogic." if name == "problogic" else "") + "deepproblog.utils.stop_condition")
        net = network()
        wrapped = calls.Network(net, "mnist_net", batching=True)
        wrapped.optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        model = calls.Model(program, [wrapped], load=False)
        model.set_engine(calls.ExactEngine(model), cache=True)
        model.add_tensor_source("digits", digits())
        loader = calls.DataLoader(addition_set(calls, 0, 40), 2, False)
        stop = conditions.EpochStop(5) + conditions.StopOnPlateau("loss", 0.0, 3, 2)
        run = calls.train_model(model, loader, stop, log_iter=2, verbose=verbose)
        stopped[name] = (run.i, run.epoch, run.logger.get_attribute("loss"))
    assert stopped["problogic"][:2] == stopped["deepproblog"][:2]
    assert stopped["problogic"][2] == pytest.approx(stopped["deepproblog"][2], rel=1e-5)
    assert stopped["problogic"][1] == (1 if verbose else 5)


def _numbers(dataset_class, query_class, count: int, offset: int = 0):
    from problog.logic import Constant, Term

    class Numbers(dataset_class):
        def __len__(self):
            return count

        def to_query(self, i):
            return query_class(Term("number", Constant(offset + i), Constant((offset + i) % 10)))

    return Numbers()


def _texts(dataset):
    return [str(q.query) for q in dataset.to_queries()]


def test_data_sets_combine_as_deepproblogs():
    from deepproblog.dataset import Dataset as TheirDataset
    from deepproblog.query import Query as TheirQuery

    for count in (0, 1, 7, 10, 11):
        mine = _numbers(ours.Dataset, ours.Query, count)
        theirs = _numbers(TheirDataset, TheirQuery, count)
        for n in (1, 3, 4):
            for i in range(n):
                for a, b in zip(mine.fold(n, i), theirs.fold(n, i)):
                    assert _texts(a) == _texts(b), (count, n, i)
        other = _numbers(ours.Dataset, ours.Query, 4, 100)
        their_other = _numbers(TheirDataset, TheirQuery, 4, 100)
        assert _texts(mine + other) == _texts(theirs + their_other)
        if count >= 6:  # theirs: a subset past the end has a negative length
            assert _texts(mine.subset(2, 5)) == _texts(theirs.subset(2, 5))
            assert _texts(mine.subset(3)) == _texts(theirs.subset(3))
            assert _texts(mine.subset(1, 6) + other.fold(2, 1)[0]) == \
                _texts(theirs.subset(1, 6) + their_other.fold(2, 1)[0])
    assert _texts(mine.subset(9, 20)) == _texts(mine)[9:]

    class Source(ours.Dataset):  # a data set that is also a tensor source
        def __len__(self):
            return 10

        def to_query(self, i):
            return ours.Query(None)

        def __getitem__(self, i):
            return 100 + i

    assert [Source().subset(3, 6)[i] for i in range(3)] == [103, 104, 105]
    assert [Source().fold(4, 1)[1][i] for i in range(3)] == [101, 105, 109]
    with pytest.raises(ValueError, match="fold 3 of 3"):
        mine.fold(3, 3)


def test_data_sets_write_deepproblogs_text_form(tmp_path):
    from problog.logic import Constant, Term

    from deepproblog.dataset import QueryDataset as TheirQueryDataset
    from deepproblog.query import Query as TheirQuery

    written = []
    for query_class, dataset_class in ((ours.Query, ours.QueryDataset),
                                       (TheirQuery, TheirQueryDataset)):
        queries = [query_class(Term("addition", Term("tensor", Term("train", Term("a"))),
                                    Term("tensor", Term("train", Term("b"))), Constant(7)),
                               {Term("b"): Constant(4), Term("a"): Constant(3)}, p=0.5),
                   query_class(Term("q", Constant(1)))]
        path = tmp_path / f"{dataset_class.__module__}.txt"
        with open(path, "w") as f:
            dataset_class(queries).write_to_file(f)
        written.append(path.read_text())
        for reader in (ours.QueryDataset, TheirQueryDataset):  # each reads either back
            again = reader(str(path)).to_queries()
            assert [(str(q.query), q.p, {str(k): str(v) for k, v in q.substitution.items()})
                    for q in again] == \
                [(str(q.query), q.p, {str(k): str(v) for k, v in q.substitution.items()})
                 for q in queries]
    assert written[0] == written[1]


def test_noisy_labels_are_the_same_as_deepproblogs():
    from deepproblog import dataset as their_module
    from deepproblog.query import Query as TheirQuery

    for change_p in (False, True):
        for seed in (0, 1, 12345):
            mutated = []
            for module, query in ((ours, ours.Query), (their_module, TheirQuery)):
                base = _numbers(module.Dataset, query, 40)
                noise = module.NoiseMutatorDecorator(
                    0.3, module.NumericIncorrectOutputMutator(list(range(10)), change_p, seed),
                    seed)
                mutated.append([(str(q.query), q.p) for q in
                                module.MutatingDataset(base, noise).to_queries()])
            assert mutated[0] == mutated[1]
            changed = sum(text != plain for (text, _), plain in zip(mutated[0], _texts(base)))
            assert 0 < changed < 40


def test_standard_networks_have_deepproblogs_parameters():
    from deepproblog.utils import standard_networks as theirs

    from problogic.deepproblog.utils import standard_networks as mine

    torch.manual_seed(0)
    for make in (lambda m: m.MLP(16, 32, 8, 4), lambda m: m.MLP(5, 3, softmax=False),
                 lambda m: m.MLP(6, 4, activation=torch.nn.Tanh, batch=False),
                 lambda m: m.SmallNet(num_classes=3, size=(64, 80)),
                 lambda m: m.smallnet(num_classes=1, size=(64, 64))):
        reference, net = make(theirs), make(mine)
        state = reference.state_dict()
        assert {k: v.shape for k, v in net.state_dict().items()} == \
            {k: v.shape for k, v in state.items()}
        net.load_state_dict(state)
        inputs = torch.randn(2, 3, 64, 64) if hasattr(net, "features") else \
            torch.randn(net.nn[0].in_features) if not net.batch else \
            torch.randn(7, net.nn[0].in_features)
        if hasattr(net, "features"):
            inputs = torch.randn(2, 3, *(64, 80) if net.num_classes == 3 else (64, 64))
        assert torch.allclose(net(inputs), reference(inputs), atol=1e-6)
    with pytest.raises(ValueError, match="download"):
        mine.smallnet(pretrained=True)
    with pytest.raises(ValueError, match="input and an output size"):
        mine.MLP(5)


def test_helpers_match_deepproblogs(tmp_path):
    import deepproblog.utils as theirs

    from problogic.deepproblog import utils as mine

    grid = {"lr": [1e-3, 1e-4], "batch": [2, 4, 8], "seed": [0]}
    for i in range(8):
        assert mine.get_configuration(grid, i) == theirs.get_configuration(grid, i)
        assert mine.config_to_string(mine.get_configuration(grid, i)) == \
            theirs.config_to_string(theirs.get_configuration(grid, i))
    net = mine.standard_networks.MLP(4, 3)
    net.nn[0].weight.requires_grad_(False)
    assert mine.count_parameters(net) == theirs.count_parameters(net) == 3  # the bias
    mine.check_path(tmp_path / "a" / "b" / "model.pth")
    assert (tmp_path / "a" / "b").is_dir()
    assert len(mine.format_time_precise()) == len(theirs.format_time_precise())


def test_a_training_run_writes_its_log(tmp_path):
    from problogic.deepproblog.train import TrainObject

    run = TrainObject(None)
    run.logger.log("loss", 1, 0.5)
    run.logger.comment("a run")
    run.write_to_file(str(tmp_path / "logs" / "run"))
    assert (tmp_path / "logs" / "run.log").read_text() == "#a run\ni,loss\n1,0.5"


def test_image_data_sets_read_files(tmp_path):
    from PIL import Image

    Image.new("L", (4, 3), color=200).save(tmp_path / "7.png")

    class Pictures(ours.ImageDataset):
        def __len__(self):
            return 1

        def to_query(self, i):
            return ours.Query(None)

    plain = Pictures(tmp_path)
    assert plain[7].mode == "RGB" and plain[(7,)].size == (4, 3)
    tensors = Pictures(tmp_path, transform=lambda image: torch.tensor(list(image.tobytes())))
    assert tensors["7"].tolist() == [200] * 36  # 3 x 4 pixels, RGB

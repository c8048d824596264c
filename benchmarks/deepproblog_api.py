"""One DeepProbLog script, run through DeepProbLog and through ``problogic.deepproblog``.

The script is DeepProbLog's MNIST addition example (its program ``addition.pl``, a
``Network`` with Adam, ``Model``, ``ExactEngine``, a tensor source, a ``DataLoader`` of
batch 2, ``train_model`` for one epoch, then ``get_confusion_matrix`` on a test set) on
scikit-learn's 8x8 digits and a small network; only the imports differ between the two
runs. Both start from the same initial weights and train on the same batches, so their
losses agree update for update (``tests/test_deepproblog_api.py`` checks that). The runs
alternate, ``--rounds`` times, each in a process of its own with one torch thread (in one
process, DeepProbLog's cached circuits slow the collector for both); the summary gives each
round's ratio DeepProbLog / problogic for the epoch (grounding and compiling every new query
included) and for the evaluation (each test query with its sum left open).

    python -m benchmarks.deepproblog_api [--digits 1] [--train 300] [--test 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import torch

from benchmarks.machine import machine_info


def api(name: str) -> SimpleNamespace:
    """The classes of the script, from ``problogic.deepproblog`` ("problogic") or from
    DeepProbLog ("deepproblog")."""
    if name == "problogic":
        import problogic.deepproblog as m

        return SimpleNamespace(Model=m.Model, Network=m.Network, Dataset=m.Dataset,
                               DataLoader=m.DataLoader, Query=m.Query,
                               ExactEngine=m.ExactEngine, train_model=m.train_model,
                               get_confusion_matrix=m.get_confusion_matrix, SGD=m.SGD)
    from deepproblog.dataset import DataLoader, Dataset
    from deepproblog.engines import ExactEngine
    from deepproblog.evaluate import get_confusion_matrix
    from deepproblog.model import Model
    from deepproblog.network import Network
    from deepproblog.optimizer import SGD
    from deepproblog.query import Query
    from deepproblog.train import train_model
    return SimpleNamespace(Model=Model, Network=Network, Dataset=Dataset,
                           DataLoader=DataLoader, Query=Query, ExactEngine=ExactEngine,
                           train_model=train_model, get_confusion_matrix=get_confusion_matrix,
                           SGD=SGD)


class Digits:
    """scikit-learn's 8x8 digits as a tensor source: ``tensor(digits(I))`` is image I."""

    def __init__(self):
        from sklearn.datasets import load_digits

        data = load_digits()
        self.images = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 16
        self.labels = data.target.tolist()

    def __getitem__(self, item):
        return self.images[int(item[0])]

    def number(self, indices) -> int:
        value = 0
        for i in indices:
            value = 10 * value + self.labels[i]
        return value


@functools.cache
def digits() -> Digits:
    return Digits()


def addition_set(api: SimpleNamespace, start: int, size: int, digits_per_number: int = 1,
                 functor: str = "addition"):
    """A data set of ``size`` queries as DeepProbLog's MNIST data sets build them:
    ``addition(tensor(digits(a)), tensor(digits(b)), Sum)`` with ``a``, ``b`` substituted,
    or lists of images for numbers of several digits; images from ``start`` on."""
    from problog.logic import Constant, Term, list2term

    source = digits()
    n = digits_per_number

    class Addition(api.Dataset):
        def __len__(self):
            return size

        def to_query(self, i):
            first = start + 2 * n * i
            a, b = list(range(first, first + n)), list(range(first + n, first + 2 * n))
            total = Constant(source.number(a) + source.number(b))
            if n == 1:
                return api.Query(Term(functor, Term("tensor", Term("digits", Term("a"))),
                                      Term("tensor", Term("digits", Term("b"))), total),
                                 substitution={Term("a"): Constant(a[0]),
                                               Term("b"): Constant(b[0])})
            images = [list2term([Term("tensor", Term("digits", Constant(j))) for j in number])
                      for number in (a, b)]
            return api.Query(Term(functor, *images, total))

    return Addition()


def network(seed: int = 0) -> torch.nn.Module:
    """8x8 images ``[N, 1, 8, 8]`` to a distribution over the ten digits."""
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 24), torch.nn.ReLU(),
                               torch.nn.Linear(24, 10), torch.nn.Softmax(-1))


def model(api: SimpleNamespace, program: str, net: torch.nn.Module, batching: bool = True):
    """The script's set-up: the network with Adam, the model, the engine, the source."""
    wrapped = api.Network(net, "mnist_net", batching=batching)
    wrapped.optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    built = api.Model(program, [wrapped], load=False)
    built.set_engine(api.ExactEngine(built), cache=True)
    built.add_tensor_source("digits", digits())
    return built


def run(system: str, program: str, args) -> dict:
    """The script once: one epoch, then the confusion matrix; times and accuracy."""
    calls = api(system)
    functor = "addition" if args.digits == 1 else "multi_addition"
    built = model(calls, program, network())
    loader = calls.DataLoader(addition_set(calls, 0, args.train, args.digits, functor), 2, False)
    start = time.perf_counter()
    calls.train_model(built, loader, 1, log_iter=10**9, verbose=0)
    epoch = time.perf_counter() - start
    test = addition_set(calls, 2 * args.digits * args.train, args.test, args.digits, functor)
    start = time.perf_counter()
    accuracy = calls.get_confusion_matrix(built, test).accuracy()
    return {"epoch_s": epoch, "evaluate_s": time.perf_counter() - start,
            "accuracy": float(accuracy)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.deepproblog_api")
    parser.add_argument("--digits", type=int, default=1)
    parser.add_argument("--train", type=int, default=300, help="training queries")
    parser.add_argument("--test", type=int, default=100, help="test queries")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--system", choices=("deepproblog", "problogic"),
                        help="run the script once on this system and print its JSON")
    args = parser.parse_args(argv)
    if args.system:
        from benchmarks.deepproblog_programs import example_program

        torch.set_num_threads(1)
        result = run(args.system, example_program("MNIST/models/addition.pl"), args)
        print(json.dumps(result))
        return 0
    rounds = []
    for _ in range(args.rounds):
        rounds.append({system: _in_process(system, args)
                       for system in ("deepproblog", "problogic")})
        print(json.dumps(rounds[-1]), flush=True)
    for phase in ("epoch_s", "evaluate_s"):
        ratios = [r["deepproblog"][phase] / r["problogic"][phase] for r in rounds]
        times = {s: statistics.median(r[s][phase] for r in rounds)
                 for s in ("deepproblog", "problogic")}
        print(f"{phase}: deepproblog {times['deepproblog']:.2f} s, problogic "
              f"{times['problogic']:.2f} s, ratio per round "
              f"{', '.join(f'{x:.1f}x' for x in ratios)}")
    print("accuracy:", {s: rounds[-1][s]["accuracy"] for s in rounds[-1]})
    print("machine:", json.dumps(machine_info()))
    return 0


def _in_process(system: str, args) -> dict:
    command = [sys.executable, "-m", "benchmarks.deepproblog_api", "--system", system,
               "--digits", str(args.digits), "--train", str(args.train),
               "--test", str(args.test)]
    done = subprocess.run(command, capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    raise SystemExit(main())

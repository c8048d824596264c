"""DeepProbLog's side of the digit-addition benchmark: the same data, network, program and
batches, run through its ExactEngine (see :mod:`benchmarks.digit_addition`)."""

from __future__ import annotations

import os
import time
from dataclasses import asdict

from benchmarks.digit_addition import (Case, Config, _fastest, _Reporter, _setup,
                                       _summarise_updates, make_optimizer, rss_mb)

class DeepProbLogTrainer:
    """DeepProbLog's side of one case: its model of the accumulator program on the case's
    data and network (ExactEngine, one cached circuit per query shape), trained by its own
    loop (TrainObject). Raises ImportError where DeepProbLog is not installed."""

    def __init__(self, config: Config, case: Case, example, net, train, test):
        import torch
        from deepproblog.dataset import Dataset
        from deepproblog.engines import ExactEngine
        from deepproblog.model import Model
        from deepproblog.network import Network
        from deepproblog.query import Query
        from problog.logic import Constant, Term, list2term

        class Slots:
            """A tensor source: ``tensor(NAME(I, J))`` is image J of example I (the first N
            images write the first number, most significant digit first)."""

            def __init__(self, data):
                self.images = torch.cat([data.a, data.b], dim=1)  # [M, 2N, 1, 8, 8]

            def __getitem__(self, args):
                return self.images[int(args[0]), int(args[1])]

        class AdditionQueries(Dataset):
            """As DeepProbLog's MNIST addition: placeholders p0_j, p1_j in the query and their
            tensors in the substitution, so that circuits are cached per sum."""

            def __init__(self, data, source: str):
                self.sums, self.source, self.n = data.sums.tolist(), source, data.digits

            def __len__(self):
                return len(self.sums)

            def to_query(self, i: int) -> Query:
                names = [[Term(f"p{k}_{j}") for j in range(self.n)] for k in range(2)]
                substitution = {names[k][j]: Term("tensor", Term(self.source, Constant(i),
                                                                 Constant(k * self.n + j)))
                                for k in range(2) for j in range(self.n)}
                return Query(Term("addition", list2term(names[0]), list2term(names[1]),
                                  Constant(self.sums[i])), substitution)

        network = Network(net, "mnist_net", batching=True)
        network.optimizer = make_optimizer(net.parameters(), config.lr)
        self.model = Model(example.ACCUMULATOR, [network], load=False)
        self.model.set_engine(ExactEngine(self.model), cache=True)
        self.model.add_tensor_source("train", Slots(train))
        self.model.add_tensor_source("test", Slots(test))
        self.test_queries = AdditionQueries(test, "test")
        queries = AdditionQueries(train, "train")
        all_queries = [queries.to_query(i) for i in range(len(queries))]
        self.batches = [all_queries[i:i + config.batch_size]
                        for i in range(0, len(all_queries), config.batch_size)]

    def cache_size(self) -> int:
        return len(self.model.solver.cache.cache_dict)

    def train_pass(self, batch_list, after_update) -> None:
        """DeepProbLog's own training loop over ``batch_list``; ``after_update(seconds)``
        after every update, its own time not counted in the next update's."""
        from deepproblog.train import TrainObject
        from deepproblog.utils.stop_condition import StopCondition

        class Stop(StopCondition):
            def __init__(self, updates: int):
                self.updates = updates

            def is_stop(self, train_object) -> bool:
                return train_object.i > self.updates or train_object.epoch >= 1

        last = [time.perf_counter()]

        def hook(train_object):
            after_update(time.perf_counter() - last[0])
            last[0] = time.perf_counter()

        trainer = TrainObject(self.model)
        trainer.hooks.append((1, hook))
        trainer.train(_ListLoader(batch_list), Stop(len(batch_list)), verbose=0,
                      log_iter=10 ** 9)


def run_deepproblog(config: Config, case: Case) -> dict:
    example, net, train, test, batches = _setup(config, case)
    try:
        side = DeepProbLogTrainer(config, case, example, net, train, test)
    except ImportError as exc:
        return {"case": asdict(case), "status": "unavailable", "reason": str(exc)}
    result: dict = {"case": asdict(case), "rss_mb": {"start": rss_mb()},
                    "load_average_start": os.getloadavg()[0],
                    "epoch_shapes": len(set(train.sums.tolist()))}
    report = _Reporter(result)
    todo = side.batches if case.max_updates is None else side.batches[:case.max_updates]

    def train_pass(batch_list, label: str) -> None:
        """One pass, recording each update's time, the cached circuits and the memory."""
        times, trace = [], []
        started = time.perf_counter()

        def refresh():  # summaries per report, not per update (see _Reporter)
            result[label] = {"updates": len(times), "wall_s": time.perf_counter() - started,
                             **_summarise_updates(times),
                             "update_ms": [round(t * 1e3, 3) for t in times],
                             "cached_circuits": side.cache_size(), "rss_trace": trace}

        def after_update(seconds: float) -> None:
            times.append(seconds)
            count = len(times)
            if count % max(1, len(batch_list) // 10) == 0 or count == len(batch_list):
                trace.append({"updates": count, "examples": count * config.batch_size,
                              "cached_circuits": side.cache_size(), "rss_mb": rss_mb()})
            report(force=label == "cold" and count <= 3)

        report.refresh = refresh
        side.train_pass(batch_list, after_update)
        refresh()
        report.refresh = lambda: None

    result["cold"] = {"updates": 0}
    train_pass(todo, "cold")
    result["rss_mb"]["after_cold"] = rss_mb()
    result["epoch_complete"] = result["cold"]["updates"] == len(side.batches)
    if case.warm_updates:
        for i in range(case.warm_passes):
            train_pass(todo[:case.warm_updates], f"warm_{i}")
        passes = [result.pop(f"warm_{i}") for i in range(case.warm_passes)]
        result["warm"] = _fastest([p for p in passes if p.get("updates")])
    report(force=True)

    if case.test_examples != 0:
        model, test_queries = side.model, side.test_queries
        limit = len(test_queries) if case.test_examples is None else case.test_examples
        model.eval()
        hits, times = [], []
        started = time.perf_counter()
        for i in range(limit):
            start = time.perf_counter()
            truth = test_queries.to_query(i)
            answer = model.solve([truth.variable_output()])[0]
            hit = False
            if answer.result:
                best = max(answer.result, key=lambda term: float(answer.result[term]))
                hit = int(best.args[-1]) == int(truth.query.args[-1])
            hits.append("1" if hit else "0")
            times.append(time.perf_counter() - start)
            result["test"] = {"examples": len(times),
                              "sum_accuracy": hits.count("1") / len(times),
                              "hits": "".join(hits),
                              "sum_rule": "most probable sum",
                              "first_example_s": times[0],
                              "per_example_ms": 1e3 * sum(times) / len(times),
                              "later_per_example_ms": (1e3 * sum(times[1:]) / (len(times) - 1)
                                                       if len(times) > 1 else None)}
            report()
            if time.perf_counter() - started > case.test_budget_s:
                break
        model.train()
    result["rss_mb"]["end"] = rss_mb()
    result["load_average_end"] = os.getloadavg()[0]
    return result


class _ListLoader:
    """The batches of a list, once (what TrainObject needs of a DataLoader)."""

    def __init__(self, batches):
        self.batches = batches

    def __iter__(self):
        return iter(self.batches)

    def __len__(self):
        return len(self.batches)


# --------------------------------------------------------------------------------------------
# The run: one subprocess per case



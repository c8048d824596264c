"""Warm updates of DeepProbLog and problogic measured side by side, in one process.

The cases of :mod:`benchmarks.digit_addition` run one after another, minutes apart, and on
this shared machine a process's speed shifts by up to 50% for minutes at a time: the ratio of
two warm updates measured minutes apart moves with it (N = 2: 61x to 103x over four runs of
the same code). A ``paired`` case trains DeepProbLog and problogic (the sum bound and the sum
unbound, each with its own copy of the network, all from the same initialisation) on the same
batches in one process, in rounds of alternating passes (the order flips every round). Each
round's ratio compares passes seconds apart; the summary gives the median over the rounds and
the ratio of each side's fastest pass.

Before the rounds every system trains on the batches once (DeepProbLog compiles its circuits,
problogic its shapes) and problogic a second time (a call layout seen again runs its shapes
fused, see ``problogic.Model``). A round is one DeepProbLog pass over the batches and, per
problogic variant, the mean of ``OURS_PASSES`` passes (one pass of problogic is tens of
milliseconds, one of DeepProbLog seconds).
"""

from __future__ import annotations

import copy
import os
import statistics
import time
from dataclasses import asdict

from benchmarks.digit_addition import (Case, Config, _Reporter, _setup, make_optimizer,
                                       train_step)
from benchmarks.digit_addition_report import PAIRED as VARIANTS

OURS_PASSES = 5


def run_paired(config: Config, case: Case) -> dict:
    from benchmarks.deepproblog_baseline import DeepProbLogTrainer

    example, net, train, test, batches = _setup(config, case)
    try:
        deepproblog = DeepProbLogTrainer(config, case, example, copy.deepcopy(net), train, test)
    except ImportError as exc:
        return {"case": asdict(case), "status": "unavailable", "reason": str(exc)}
    result: dict = {"case": asdict(case), "load_average_start": os.getloadavg()[0],
                    "rounds": []}
    report = _Reporter(result)
    replay = batches[:case.warm_updates]
    deepproblog_replay = deepproblog.batches[:case.warm_updates]
    query = example.addition_query("accumulator", case.digits)

    passes = {}
    for label, mode in VARIANTS.items():
        variant = Case("ours", case.digits, query_mode=mode)
        own = copy.deepcopy(net)
        model = example.make_model("accumulator", own)
        optimizer = make_optimizer(model.parameters(), config.lr)

        def one_pass(model=model, optimizer=optimizer, variant=variant) -> float:
            start = time.perf_counter()
            for batch in replay:
                train_step(example, model, optimizer, variant, query, batch)
            return (time.perf_counter() - start) / len(replay)

        passes[label] = one_pass

    def deepproblog_pass() -> float:
        times: list[float] = []
        deepproblog.train_pass(deepproblog_replay, times.append)
        return sum(times) / len(times)

    started = time.perf_counter()
    deepproblog_pass()  # compiles its circuits
    for one_pass in passes.values():
        one_pass()  # compiles the shapes
        one_pass()  # fuses the layouts seen again
    result["setup_s"] = time.perf_counter() - started

    systems = ["deepproblog", *passes]
    for number in range(case.warm_passes):
        means = {}
        for system in systems if number % 2 == 0 else systems[::-1]:
            if system == "deepproblog":
                means[system] = 1e3 * deepproblog_pass()
            else:
                means[system] = 1e3 * statistics.mean(passes[system]()
                                                      for _ in range(OURS_PASSES))
        result["rounds"].append({"update_ms": means, "order": list(means)})
        report()
    result["load_average_end"] = os.getloadavg()[0]
    return result

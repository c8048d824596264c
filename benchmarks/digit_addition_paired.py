"""Warm updates of DeepProbLog and problogic measured side by side, in alternating passes.

The cases of :mod:`benchmarks.digit_addition` run one after another, minutes apart, and on
this shared machine a process's speed shifts by up to 50% for minutes at a time: the ratio of
two warm updates measured minutes apart moves with it (N = 2: 61x to 103x over four runs of
the same code). A ``paired`` case starts one process per system, DeepProbLog and
problogic (the sum bound and the sum unbound, each with its own copy of the network, all
from the same initialisation), on the same batches, and runs their passes in turns: while
one trains, the other waits on its pipe. Each round's ratio compares passes seconds apart;
the summary gives the median over the rounds and the ratio of each side's fastest pass.

Separate processes, because in one process the two measure each other: there problogic's
N = 2 updates took 1.9-3.0 ms between DeepProbLog's passes (whose cached circuits grow the
process by 2 GB), against 1.5 ms in a process of their own, with or without ``gc.freeze``.

Before the rounds every side trains on the batches once (DeepProbLog compiles its circuits,
problogic its shapes) and problogic a second time (a call layout seen again runs its shapes
fused, see ``problogic.Model``). A round is one DeepProbLog pass over the batches and, per
problogic variant, one untimed pass (the caches are cold after the other process's turn)
then the mean of ``OURS_PASSES`` passes (one pass of problogic is tens of milliseconds, one
of DeepProbLog seconds).
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict

from benchmarks.digit_addition import (ROOT, Case, Config, _Reporter, _setup, make_optimizer,
                                       train_step)
from benchmarks.digit_addition_report import PAIRED as VARIANTS

OURS_PASSES = 5


def _deepproblog_side(config: Config, case: Case):
    """DeepProbLog's pass over the replayed batches: returns ms per update."""
    from benchmarks.deepproblog_baseline import DeepProbLogTrainer

    example, net, train, test, _ = _setup(config, case)
    trainer = DeepProbLogTrainer(config, case, example, net, train, test)
    replay = trainer.batches[:case.warm_updates]

    def one_pass() -> dict:
        times: list[float] = []
        trainer.train_pass(replay, times.append)
        return {"deepproblog": 1e3 * sum(times) / len(times)}

    one_pass()  # compiles its circuits
    return one_pass


def _ours_side(config: Config, case: Case):
    """problogic's passes, each variant's mean of OURS_PASSES after an untimed one: returns
    ms per update by variant."""
    example, net, train, test, batches = _setup(config, case)
    replay = batches[:case.warm_updates]
    query = example.addition_query("accumulator", case.digits)
    passes = {}
    for label, mode in VARIANTS.items():
        variant = Case("ours", case.digits, query_mode=mode)
        model = example.make_model("accumulator", copy.deepcopy(net))
        optimizer = make_optimizer(model.parameters(), config.lr)

        def one_pass(model=model, optimizer=optimizer, variant=variant) -> float:
            start = time.perf_counter()
            for batch in replay:
                train_step(example, model, optimizer, variant, query, batch)
            return 1e3 * (time.perf_counter() - start) / len(replay)

        one_pass()  # compiles the shapes
        one_pass()  # fuses the layouts seen again
        passes[label] = one_pass

    def all_passes() -> dict:
        means = {}
        for label, one_pass in passes.items():
            one_pass()  # the caches are cold after the other side's turn
            means[label] = statistics.mean(one_pass() for _ in range(OURS_PASSES))
        return means

    return all_passes


def _side(payload: str) -> int:
    """A side's process: set up, say READY, then one round per PASS line on stdin."""
    data = json.loads(payload)
    config, case = Config(**data["config"]), Case(**data["case"])
    try:
        run = (_deepproblog_side if data["side"] == "deepproblog" else _ours_side)(config, case)
    except ImportError as exc:
        print("UNAVAILABLE " + json.dumps(str(exc)), flush=True)
        return 0
    print("READY", flush=True)
    for line in sys.stdin:
        if line.strip() != "PASS":
            break
        print("RESULT " + json.dumps(run()), flush=True)
    return 0


class _Side:
    """The parent's handle on a side's process."""

    def __init__(self, side: str, config: Config, case: Case):
        payload = json.dumps({"side": side, "case": asdict(case),
                              "config": {k: v for k, v in asdict(config).items()
                                         if k != "cases"}})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.digit_addition_paired", payload], cwd=ROOT,
            env=os.environ, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.unavailable = None
        line = self._line()
        if line.startswith("UNAVAILABLE "):
            self.unavailable = json.loads(line[12:])

    def _line(self) -> str:
        """The side's next message (DeepProbLog prints lines of its own: skipped)."""
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"a side exited with status {self.process.wait()}")
            if line.startswith(("READY", "UNAVAILABLE ", "RESULT ")):
                return line.strip()

    def run(self) -> dict:
        self.process.stdin.write("PASS\n")
        self.process.stdin.flush()
        line = self._line()
        if not line.startswith("RESULT "):
            raise RuntimeError(f"unexpected message {line!r}")
        return json.loads(line[7:])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def run_paired(config: Config, case: Case) -> dict:
    result: dict = {"case": asdict(case), "load_average_start": os.getloadavg()[0],
                    "rounds": []}
    report = _Reporter(result)
    sides = []
    try:
        started = time.perf_counter()
        for name in ("deepproblog", "ours"):  # set up one after the other
            sides.append(_Side(name, config, case))
            if sides[-1].unavailable:
                return {**result, "status": "unavailable", "reason": sides[-1].unavailable}
        result["setup_s"] = time.perf_counter() - started
        for number in range(case.warm_passes):
            means: dict = {}
            for side in sides if number % 2 == 0 else sides[::-1]:
                means.update(side.run())
            result["rounds"].append({"update_ms": means, "order": list(means)})
            report()
    finally:
        for side in sides:
            side.close()
    result["load_average_end"] = os.getloadavg()[0]
    return result


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):  # a worker, given a JSON payload
        sys.exit("benchmarks.digit_addition_paired is the worker of the 'paired' cases; run "
                 "python -m benchmarks.digit_addition")
    sys.exit(_side(sys.argv[1]))

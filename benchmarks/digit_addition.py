"""Digit addition: problogic.Model against DeepProbLog's ExactEngine, in one run.

    python -m benchmarks.digit_addition                 # default: about 15 minutes on 2 cores
    python -m benchmarks.digit_addition --quick         # a smoke run (about 3 minutes)
    python -m benchmarks.digit_addition --full          # DeepProbLog longer (N = 2 epoch part,
                                                        #   N = 3 grounding up to 300 s)
    python -m benchmarks.digit_addition --cases ours:1:accumulator,deepproblog:1:accumulator
    python -m benchmarks.digit_addition --report-only   # the summary again, from the JSON

Both systems get the same data (scikit-learn's 8x8 digits, split and paired by seed), the same
network (``examples/digit_addition.py``'s DigitNet, initialised from the same seed), the same
program text (DeepProbLog's accumulator program), batch size 2, Adam (lr 1e-3, fused), the same
batches in the same order, and one torch thread. Convolutions run on PyTorch's CPU default,
oneDNN; the ``:native`` control cases run N = 1 on PyTorch's native kernels on both sides
(``torch.backends.mkldnn.enabled = False``; at these batch sizes oneDNN spends more on setting
up each call than on the convolution: our network's forward, backward and Adam step take 0.95
ms with oneDNN, 0.64 ms native, and DeepProbLog gains more). Each case runs in its own process
(fresh memory, killed at its time limit; the updates done before a kill are kept, as
reported).

What a case measures:

* ``cold`` updates: the first pass over the training batches, grounding and compiling each
  new query shape (DeepProbLog caches one circuit per shape as well, ``cache=True``);
* ``warm`` updates: the same batches again, every shape cached (three passes, on both sides;
  the fastest is reported: other work on this shared machine only ever slows a pass down,
  and it shifts a process's speed by up to 50% for minutes at a time);
* ``paired`` cases: the warm updates of both systems again, side by side, a process each,
  their passes in turns, so that a ratio compares passes seconds apart, not minutes
  (``benchmarks/digit_addition_paired.py``);
* the epoch time (measured where the case runs a whole epoch, else *extrapolated* as
  shapes x compile time + updates x warm update time, and labelled so);
* memory: resident set size during training, and per cached circuit;
* test: sum accuracy with DeepProbLog's decision rule (the most probable sum), and the time
  per test example. For N <= 2 problogic's Model scores every candidate sum through the
  circuits (that is the timed "test per example": with the sum bound one query per
  candidate, with the sum unbound one query for all); beyond,
  the most probable sum is computed exactly by convolution of the network's digit
  distributions, and the circuits' probabilities are checked against that convolution.

The carry program (digit by digit, one circuit per N) runs on problogic alone, up to N = 15.
Results: ``digit_addition.json`` (everything) and ``digit_addition.md`` (the summary) in
``--out``. :func:`run` returns the same dictionary for the benchmark harness.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.digit_addition_report import markdown, summarise

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "digit_addition.py"


@dataclass(frozen=True)
class Case:
    """One process: a system on an N-digit problem with a program and its budget."""

    # "ours", "deepproblog", or "paired": both, their warm updates in turns
    # (benchmarks/digit_addition_paired.py; warm_passes rounds over warm_updates batches)
    system: str
    digits: int
    program: str = "accumulator"     # "accumulator" or "carry" (ours only)
    max_updates: int | None = None   # None: the whole epoch
    warm_updates: int = 50           # replayed batches, every shape cached
    warm_passes: int = 3             # passes over them; the fastest is reported
    train_budget_s: float | None = None  # stop the cold pass after this long (then warm)
    test_examples: int | None = None     # None: the whole test set
    test_budget_s: float = 60.0
    model_scored_test: int = 200     # ours, N <= 2: test examples scored through the Model
    timeout_s: float = 300.0         # the process is killed after this long
    # ours, accumulator: "ground" binds the sum (one circuit per sum); "answers" leaves it
    # unbound (one circuit whose roots are every sum) and selects each example's sum
    query_mode: str = "ground"
    # convolutions through PyTorch's native kernels instead of oneDNN (its CPU default), on
    # either side alike (see the module doc)
    native_conv: bool = False

    @property
    def name(self) -> str:
        mode = ":answers" if self.query_mode == "answers" else ""
        backend = ":native" if self.native_conv else ""
        return f"{self.system}:{self.digits}:{self.program}{mode}{backend}"


@dataclass(frozen=True)
class Config:
    train_size: int = 3000
    test_size: int = 1000
    batch_size: int = 2
    lr: float = 1e-3
    seed: int = 0
    cases: tuple[Case, ...] = field(default_factory=tuple)


def default_cases(profile: str = "default") -> tuple[Case, ...]:
    """The cases of a profile: ``quick`` (smoke), ``default`` (about 15 min), ``full``."""
    quick, full = profile == "quick", profile == "full"
    epoch = 300 if quick else None  # updates per case that runs "the epoch"
    return (
        Case("ours", 1, max_updates=epoch),
        Case("ours", 1, max_updates=epoch, query_mode="answers"),
        Case("deepproblog", 1, max_updates=epoch, test_budget_s=20 if quick else 45,
             timeout_s=600 if full else 400),
        # control: PyTorch's native convolution kernels on both sides
        Case("ours", 1, max_updates=epoch, query_mode="answers", native_conv=True,
             test_examples=0),
        Case("deepproblog", 1, max_updates=epoch, test_examples=0, native_conv=True,
             timeout_s=600 if full else 400),
        Case("ours", 2, max_updates=epoch),
        Case("ours", 2, max_updates=epoch, query_mode="answers"),
        Case("deepproblog", 2, max_updates=5 if quick else (200 if full else 30),
             warm_updates=5 if quick else 20, test_examples=2, test_budget_s=30,
             timeout_s=900 if full else 150),
        # warm updates of both systems side by side, one process each, passes in turns
        Case("paired", 1, warm_updates=20 if quick else 50, warm_passes=3 if quick else 9,
             timeout_s=300),
        Case("paired", 2, warm_updates=5 if quick else 20, warm_passes=3 if quick else 9,
             timeout_s=300),
        # the sum bound: one circuit per sum (each grounded by looking the second number's
        # answers up, see problogic/grounding/clauses.py's Pin), compiled as the epoch meets it
        Case("ours", 3, max_updates=epoch, train_budget_s=15 if quick else None,
             warm_updates=20, model_scored_test=1, timeout_s=900 if full else 600),
        # the sum unbound: one circuit of all 1999 sums (about 25 s to compile), then the epoch
        Case("ours", 3, max_updates=epoch, query_mode="answers", warm_updates=20,
             timeout_s=600 if full else 300),
        Case("deepproblog", 3, max_updates=1, warm_updates=0, test_examples=0,
             timeout_s=300 if full else (20 if quick else 60)),
        Case("ours", 4, train_budget_s=15 if quick else (600 if full else 60), warm_updates=20,
             model_scored_test=1, timeout_s=900 if full else 300),
        Case("ours", 3, "carry", max_updates=epoch),
        Case("ours", 4, "carry", max_updates=epoch),
        Case("ours", 15, "carry", max_updates=epoch),
    )


# --------------------------------------------------------------------------------------------
# Shared by both workers


def _example_module():
    """examples/digit_addition.py (the programs, the network, the evaluation)."""
    spec = importlib.util.spec_from_file_location("_digit_addition_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def make_optimizer(parameters, lr: float):
    """Adam, in PyTorch's fused implementation where this torch has it (the same update, one
    kernel for all parameters instead of a dozen small operations per parameter: 64 against
    228 us per step for the digit network on one thread), for both systems alike."""
    import torch

    parameters = list(parameters)
    try:
        return torch.optim.Adam(parameters, lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):  # no fused kernel for this device or dtype
        return torch.optim.Adam(parameters, lr=lr)


def rss_mb() -> float:
    """Current resident set size of this process, MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _setup(config: Config, case: Case):
    import torch

    torch.set_num_threads(1)
    torch.backends.mkldnn.enabled = not case.native_conv
    from problogic.neural.data import addition_dataset, load_digits

    train_digits, test_digits = load_digits(seed=config.seed)
    train = addition_dataset(train_digits, config.train_size, case.digits, seed=config.seed)
    test = addition_dataset(test_digits, config.test_size, case.digits, seed=config.seed + 1)
    example = _example_module()
    torch.manual_seed(config.seed)
    net = example.DigitNet()
    batches = list(train.batches(config.batch_size))
    return example, net, train, test, batches


class _Reporter:
    """Prints the result so far as one JSON line (``PARTIAL {...}``), at most every few
    seconds, so that a case killed at its limit still reports what it measured. ``refresh()``
    fills in the summaries first: computed per report, not per update, they stay out of the
    timed training loop (sorting every update's time after each update grew quadratically)."""

    def __init__(self, result: dict, every_s: float = 2.0):
        self.result, self.every_s, self.last = result, every_s, 0.0
        self.refresh = lambda: None

    def __call__(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self.last >= self.every_s:
            self.refresh()
            self.last = now
            print("PARTIAL " + json.dumps(self.result), flush=True)


def _fastest(passes: list[dict]) -> dict:
    """The summary of the fastest warm pass, with every pass's mean: interference from other
    work on the machine only ever slows a pass down (as ``timeit`` takes the minimum)."""
    if not passes:
        return {"count": 0}
    best = min(passes, key=lambda summary: summary["mean_ms"])
    return {**best, "pass_means_ms": [summary["mean_ms"] for summary in passes]}


def _summarise_updates(times: list[float]) -> dict:
    if not times:
        return {"count": 0}
    ordered = sorted(times)
    return {"count": len(times), "total_s": sum(times), "mean_ms": 1e3 * sum(times) / len(times),
            "median_ms": 1e3 * ordered[len(ordered) // 2]}


# --------------------------------------------------------------------------------------------
# Our side


def run_ours(config: Config, case: Case) -> dict:
    example, net, train, test, batches = _setup(config, case)
    model = example.make_model(case.program, net)
    optimizer = make_optimizer(model.parameters(), config.lr)
    query = example.addition_query(case.program, case.digits)
    result: dict = {"case": asdict(case), "rss_mb": {"start": rss_mb()},
                    "load_average_start": os.getloadavg()[0],
                    "epoch_shapes": (len(set(train.sums.tolist()))
                                     if case.program == "accumulator" and
                                     case.query_mode != "answers" else 1)}
    report = _Reporter(result)

    compiling = [0.0]  # seconds spent in Model.compiled during the current update
    compiled = model.compiled

    def timed_compiled(shape):  # instrumentation only: times the Model's own compile calls
        start = time.perf_counter()
        try:
            return compiled(shape)
        finally:
            compiling[0] += time.perf_counter() - start

    model.compiled = timed_compiled

    def update(batch) -> tuple[float, float, int]:
        """One update; returns (seconds, of which grounding and compiling, new shapes)."""
        start = time.perf_counter()
        compiling[0] = 0.0
        before = model.num_compiled
        train_step(example, model, optimizer, case, query, batch)
        new = model.num_compiled - before
        return time.perf_counter() - start, compiling[0] if new else 0.0, new

    # cold pass
    todo = batches if case.max_updates is None else batches[:case.max_updates]
    cold, compile_times, rss_trace, with_compile = [], [], [], []
    started = time.perf_counter()
    wall = [0.0]

    def refresh() -> None:
        result["cold"] = {"updates": len(cold), "wall_s": wall[0],
                          "update_without_compile": _summarise_updates(cold),
                          "shapes": model.num_compiled, "compile_total_s": sum(compile_times),
                          "rss_trace": rss_trace,
                          "update_ms": [round(t * 1e3, 3) for t in with_compile]}

    report.refresh = refresh
    for i, batch in enumerate(todo):
        seconds, compile_s, new = update(batch)
        cold.append(seconds - compile_s)
        with_compile.append(seconds)
        if new:
            compile_times.append(compile_s)
        if (i + 1) % max(1, len(todo) // 10) == 0 or i + 1 == len(todo):
            rss_trace.append({"updates": i + 1, "examples": (i + 1) * config.batch_size,
                              "shapes": model.num_compiled, "rss_mb": rss_mb()})
        wall[0] = time.perf_counter() - started
        report()
        if case.train_budget_s is not None and wall[0] > case.train_budget_s:
            if not rss_trace or rss_trace[-1]["updates"] != i + 1:
                rss_trace.append({"updates": i + 1, "examples": (i + 1) * config.batch_size,
                                  "shapes": model.num_compiled, "rss_mb": rss_mb()})
            break
    refresh()
    report.refresh = lambda: None
    result["rss_mb"]["after_cold"] = rss_mb()
    result["epoch_complete"] = len(cold) == len(batches)

    # warm passes: the same batches again, every shape cached
    replay = todo[:min(case.warm_updates, len(cold))]
    result["warm"] = _fastest([_summarise_updates([update(batch)[0] for batch in replay])
                               for _ in range(case.warm_passes if replay else 0)])
    result["circuits"] = _circuit_sizes(model)
    report(force=True)

    # test
    if case.test_examples != 0:
        result["test"] = _test_ours(example, model, net, test, case, query)
    result["rss_mb"]["end"] = rss_mb()
    result["load_average_end"] = os.getloadavg()[0]
    return result


def train_step(example, model, optimizer, case: Case, query: str, batch) -> None:
    """One update of our model: the batch's mean negative log-likelihood, Adam."""
    optimizer.zero_grad(set_to_none=True)
    loss = -_log_likelihood(example, model, case, query, batch).mean()
    loss.backward()
    optimizer.step()


def _log_likelihood(example, model, case: Case, query: str, batch):
    """``log P(sum | images)`` of a batch, by the case's query mode."""
    bindings = example.query_bindings(case.program, batch)
    if case.query_mode == "answers" and case.program == "accumulator":
        sums = bindings.pop("S")
        return model.query(query, log=True, **bindings).select(sums)
    return model.query(query, log=True, **bindings)


def _circuit_sizes(model) -> dict:
    """Sizes of the compiled shapes: circuit nodes and edges, bytes of the layer tensors."""
    shapes = list(model._shapes.values())  # the Model exposes num_compiled only
    if not shapes:
        return {"shapes": 0}
    nodes = [s.nodes for s in shapes]
    edges = [s.edges for s in shapes]
    tensor_bytes = [sum(b.numel() * b.element_size() for b in s.module.buffers())
                    for s in shapes]
    return {"shapes": len(shapes), "max_nodes": max(nodes), "max_edges": max(edges),
            "mean_tensor_kb": sum(tensor_bytes) / len(shapes) / 1024}


def _test_ours(example, model, net, test, case: Case, query: str) -> dict:
    import torch

    from problogic.neural.data import AdditionBatch, sum_distribution

    data = test if case.test_examples is None else test[torch.arange(case.test_examples)]
    out: dict = {"examples": len(data)}
    net.eval()
    start = time.perf_counter()
    with torch.no_grad():
        metrics = example.evaluate(net, data)
        hits = example.predict(net, data)["sums"] == data.sums
    out.update(metrics)
    out["hits"] = "".join("1" if h else "0" for h in hits.tolist())
    out["sum_rule"] = "most probable sum" if case.digits <= 4 else "sum of the digits read"
    out["network_eval_per_example_ms"] = 1e3 * (time.perf_counter() - start) / len(data)

    # the circuits' exact probabilities against the convolution, on a few examples
    k = min(case.model_scored_test, len(data))
    if k and case.digits <= 4:
        few = data[torch.arange(k)]
        with torch.no_grad():
            pred = example.predict(net, few)
            reference = sum_distribution(pred["a_probs"].double(), pred["b_probs"].double())
            start = time.perf_counter()
            logp = _log_likelihood(example, model, case, query, few).double()
            out["model_loglik_per_example_ms"] = 1e3 * (time.perf_counter() - start) / k
        exact = reference[torch.arange(k), few.sums].log()
        out["model_vs_convolution_max_abs_diff"] = (logp - exact).abs().max().item()
        out["model_loglik_examples"] = k
    # DeepProbLog's decision rule through the Model: score every candidate sum (N <= 2)
    if k and case.program == "accumulator" and case.digits <= 2:
        candidates = 2 * 10 ** case.digits - 1
        few = data[torch.arange(k)]
        rows = torch.arange(k).repeat_interleave(candidates)
        sums = torch.arange(candidates).repeat(k)
        expanded = AdditionBatch(few.a[rows], few.b[rows], few.a_digits[rows],
                                 few.b_digits[rows], sums)
        start = time.perf_counter()
        with torch.no_grad():
            if case.query_mode == "answers":  # every candidate sum from one query
                bindings = example.query_bindings(case.program, few)
                bindings.pop("S")
                answers = model.query(query, log=True, **bindings)
                scores = torch.stack([answers.select([s] * k) for s in range(candidates)], 1)
            else:
                scores = _log_likelihood(example, model, case, query, expanded).view(
                    k, candidates)
        seconds = time.perf_counter() - start
        predicted = scores.argmax(1)
        out["model_scored"] = {
            "examples": k, "candidates": candidates,
            "per_example_ms": 1e3 * seconds / k,
            "sum_accuracy": (predicted == few.sums).float().mean().item(),
            "agrees_with_convolution": (predicted == reference.argmax(1)).float().mean().item(),
        }
    net.train()
    return out


# --------------------------------------------------------------------------------------------
# DeepProbLog's side (our glue around its public API)


def _run_case(config: Config, case: Case) -> dict:
    """Runs ``case`` in a worker process with one thread, killed at ``case.timeout_s``."""
    payload = json.dumps({"config": {k: v for k, v in asdict(config).items() if k != "cases"},
                          "case": asdict(case)})
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.digit_addition", "--worker",
                                payload], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=case.timeout_s)
        status = "ok" if process.returncode == 0 else "error"
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        status = "timeout"
    except BaseException:  # interrupted: take the worker down with us
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    wall = time.perf_counter() - start
    final, partial = None, None
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            final = json.loads(line[7:])
        elif line.startswith("PARTIAL "):
            partial = json.loads(line[8:])
    result = final or partial or {"case": asdict(case)}
    if final and final.get("status") == "unavailable":
        status = "unavailable"
    result["status"] = status
    result["process_wall_s"] = wall
    if status == "error":
        result["reason"] = stderr.strip().splitlines()[-1] if stderr.strip() else \
            f"exit status {process.returncode}"
        result["stderr_tail"] = stderr[-2000:]
    if status == "timeout":
        result["reason"] = f"killed at the {case.timeout_s:g} s limit"
    return result


def _worker(payload: str) -> int:
    data = json.loads(payload)
    config = Config(**data["config"])
    case = Case(**data["case"])
    if case.system == "ours":
        runner = run_ours
    elif case.system == "paired":
        from benchmarks.digit_addition_paired import run_paired as runner
    else:
        from benchmarks.deepproblog_baseline import run_deepproblog as runner
    result = runner(config, case)
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def run(config: Config | None = None, *, progress: bool = True) -> dict:
    """Runs every case of ``config`` (default: the default profile) and returns
    ``{"config", "machine", "cases": [...], "summary": {...}}``."""
    config = config or Config(cases=default_cases())
    cases = []
    for case in config.cases:
        if progress:
            print(f"[digit_addition] {case.name} (limit {case.timeout_s:g} s) ...",
                  file=sys.stderr, flush=True)
        result = _run_case(config, case)
        if progress:
            print(f"[digit_addition]   {result['status']} in {result['process_wall_s']:.1f} s",
                  file=sys.stderr, flush=True)
        cases.append(result)
    try:
        from .machine import machine_info, summary as machine_summary
        machine = machine_summary(machine_info())
    except Exception as exc:  # noqa: BLE001 - the machine record is a nicety
        machine = {"error": str(exc)}
    results = {"config": {k: v for k, v in asdict(config).items() if k != "cases"},
               "machine": machine, "cases": cases}
    results["summary"] = summarise(results)
    return results


# --------------------------------------------------------------------------------------------
# Summary: ratios from the same run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.digit_addition",
                                     description=__doc__.split("\n\n")[0])
    profile = parser.add_mutually_exclusive_group()
    profile.add_argument("--quick", action="store_true", help="smoke run (~3 minutes)")
    profile.add_argument("--full", action="store_true", help="longer DeepProbLog cases")
    parser.add_argument("--cases", help="comma-separated SYSTEM:N:PROGRAM[:answers][:native] "
                        "of the profile to run (e.g. ours:15:carry, "
                        "ours:2:accumulator:answers, deepproblog:1:accumulator:native)")
    parser.add_argument("--train-size", type=int, default=3000)
    parser.add_argument("--test-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"),
                        help="folder for digit_addition.json and digit_addition.md")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite digit_addition.md from digit_addition.json in --out")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args.worker)
    out = Path(args.out)
    if args.report_only:
        results = json.loads((out / "digit_addition.json").read_text())
        results["summary"] = summarise(results)
        (out / "digit_addition.md").write_text(markdown(results))
        print(markdown(results))
        return 0
    cases = default_cases("quick" if args.quick else "full" if args.full else "default")
    if args.cases:
        wanted = [w.strip() for w in args.cases.split(",") if w.strip()]
        chosen = []
        for w in wanted:
            parts = w.split(":")
            system, n = parts[0], int(parts[1])
            program = parts[2] if len(parts) > 2 else "accumulator"
            mode = "answers" if "answers" in parts[3:] else "ground"
            native = "native" in parts[3:]
            match = [c for c in cases if (c.system, c.digits, c.program, c.query_mode,
                                          c.native_conv) == (system, n, program, mode, native)]
            chosen.extend(match or [Case(system, n, program, query_mode=mode,
                                         native_conv=native)])
        cases = tuple(chosen)
    config = Config(train_size=args.train_size, test_size=args.test_size, seed=args.seed,
                    cases=tuple(cases))
    results = run(config)
    out.mkdir(parents=True, exist_ok=True)
    (out / "digit_addition.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "digit_addition.md").write_text(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

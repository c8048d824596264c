"""layers: the layerized circuit against evaluating the same circuit node by node in Python.

The issue's target: at least 50x faster on a circuit of 100k nodes at batch 128 on CPU.

* circuit: the ``counts`` family program (benchmarks/families/counts.py) at the smallest ``n``
  whose compiled circuit has at least ``nodes_target`` nodes;
* subject: :class:`problogic.circuit.layers.TensorCircuit`, float32, batch first;
* baseline (node by node): a Python loop over the circuit's nodes, one torch op per node over
  the batch vector (``a + b``, ``a * b``; ``torch.logaddexp`` and ``+`` in log space), which is
  what a direct implementation does; its backward is plain autograd over that graph;
* semirings: ``probability``, ``log`` (what ``tc(w, "log")`` does: probability space where
  that is exact, see :mod:`problogic.circuit.layers`) and ``log-space`` (the same with that
  route turned off: every pass in log space, exp2 and log2 per node);
* also reported: the float64 reference evaluator :func:`evaluate_probability` (pure Python, one
  instance per call), one call timed and multiplied by the batch size.

Times are the median of ``repeats`` runs after one warm-up run, once with one torch thread and
once with the default number of threads. Ratios are baseline time / layerized time, both from
the same run. ``python benchmarks/layers_bench.py --help`` for the command line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from functools import reduce
from pathlib import Path
from typing import Callable

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``problogic`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from problogic.circuit.circuit import (FALSE_LEAF, INDICATOR, PRODUCT, SUM,  # noqa: E402
                                       TRUE_LEAF, Circuit)
from problogic.circuit.evaluate import evaluate_probability  # noqa: E402
from problogic.circuit.layers import TensorCircuit, WeightLayout, stack_weights  # noqa: E402
from problogic.circuit.semirings import get_semiring  # noqa: E402

DTYPE = torch.float32


# ---- the circuit -----------------------------------------------------------------------------

def counts_circuit(nodes_target: int) -> tuple[int, Circuit, float]:
    """The counts program at the smallest n (searched upwards) whose circuit has at least
    ``nodes_target`` nodes: (n, circuit, seconds to compile the last one)."""
    import problogic as pl
    from benchmarks.families.counts import program

    n = max(3, int(math.sqrt(nodes_target / 16)))  # about 16 n^2 nodes
    while True:
        start = time.perf_counter()
        _, circuit = pl.Program.from_string(program(n)).compile()
        seconds = time.perf_counter() - start
        if len(circuit) >= nodes_target:
            return n, circuit, seconds
        n = max(n + 1, int(n * math.sqrt(nodes_target / len(circuit))))


def random_weights(circuit: Circuit, batch: int, seed: int = 0) -> torch.Tensor:
    """Random categorical probabilities per variable, ``[batch, V]``."""
    generator = torch.Generator().manual_seed(seed)
    return stack_weights([torch.softmax(torch.randn(batch, v.arity, generator=generator), 1)
                          for v in circuit.variables]).to(DTYPE)


# ---- the node-by-node baseline ---------------------------------------------------------------

def node_by_node(circuit: Circuit, weights: torch.Tensor, semiring: str) -> torch.Tensor:
    """``weights: [B, V]`` (the semiring's domain) to ``[B, R]``, one torch op per node."""
    layout = WeightLayout.from_circuit(circuit)
    log = semiring == "log"
    add, multiply = (torch.logaddexp, torch.add) if log else (torch.add, torch.mul)
    batch = weights.shape[0]
    one = torch.zeros(batch, dtype=weights.dtype) if log else torch.ones(batch, dtype=weights.dtype)
    zero = torch.full((batch,), -math.inf if log else 0.0, dtype=weights.dtype)
    columns = weights.unbind(1)
    values: list[torch.Tensor] = []
    for kind, kids, indicator in zip(circuit.kinds, circuit.children, circuit.indicators):
        if kind == SUM:
            values.append(reduce(add, [values[c] for c in kids]))
        elif kind == PRODUCT:
            values.append(reduce(multiply, [values[c] for c in kids]))
        elif kind == INDICATOR:
            values.append(columns[layout.column(*indicator)])
        else:
            values.append(one if kind == TRUE_LEAF else zero)
            assert kind in (TRUE_LEAF, FALSE_LEAF)
    return torch.stack([values[r] for r in circuit.roots], dim=1)


# ---- timing ----------------------------------------------------------------------------------

def timed(function: Callable[[], object], repeats: int, warm_up: bool = True) -> list[float]:
    """Seconds of each of ``repeats`` calls, after one untimed warm-up call if ``warm_up``."""
    if warm_up:
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def forward_backward(evaluate: Callable[[torch.Tensor], torch.Tensor],
                     weights: torch.Tensor) -> Callable[[], None]:
    """A call that evaluates and back-propagates the sum of the query roots (not the evidence)."""
    def run():
        leaf = weights.detach().requires_grad_()
        evaluate(leaf)[:, 1:].sum().backward()
    return run


def measure(circuit: Circuit, tc: TensorCircuit, weights: torch.Tensor, semiring: str,
            repeats: int, naive_repeats: int) -> dict:
    """``semiring`` "log-space": the log semiring with TensorCircuit's probability-space
    route turned off (every pass in log space), against the same node-by-node baseline."""
    name, semiring = semiring, ("log" if semiring == "log-space" else semiring)
    tc.log_through_probability = name != "log-space"
    try:
        return _measure(circuit, tc, weights, semiring, repeats, naive_repeats) | {
            "semiring": name}
    finally:
        tc.log_through_probability = True


def _measure(circuit: Circuit, tc: TensorCircuit, weights: torch.Tensor, semiring: str,
             repeats: int, naive_repeats: int) -> dict:
    encoded = get_semiring(semiring).encode(weights)
    layered = lambda w: tc(w, semiring)  # noqa: E731
    naive = lambda w: node_by_node(circuit, w, semiring)  # noqa: E731
    with torch.no_grad():
        difference = (layered(encoded) - naive(encoded)).abs()
        difference = difference[torch.isfinite(difference)].max().item()
        layered_forward = timed(lambda: layered(encoded), repeats)
        naive_forward = timed(lambda: naive(encoded), naive_repeats)
    layered_both = timed(forward_backward(layered, encoded), repeats)
    naive_both = timed(forward_backward(naive, encoded), naive_repeats)
    result = {
        "semiring": semiring,
        "layered_forward_s": statistics.median(layered_forward),
        "layered_forward_min_s": min(layered_forward),
        "layered_forward_backward_s": statistics.median(layered_both),
        "layered_forward_backward_min_s": min(layered_both),
        "naive_forward_s": statistics.median(naive_forward),
        "naive_forward_backward_s": statistics.median(naive_both),
        "max_abs_diff_vs_naive": difference,
    }
    result["forward_ratio"] = result["naive_forward_s"] / result["layered_forward_s"]
    result["forward_backward_ratio"] = (result["naive_forward_backward_s"]
                                        / result["layered_forward_backward_s"])
    return result


def run_layers_benchmark(nodes_target: int = 100_000, batch: int = 128, repeats: int = 5, *,
                         semirings: tuple[str, ...] = ("probability", "log", "log-space"),
                         naive_repeats: int | None = None,
                         thread_counts: tuple[int, ...] | None = None,
                         compile: bool = False) -> dict:
    """Measure the layerized circuit against the node-by-node baseline; returns a JSON-able
    dict: the circuit, the build time, one entry of ``runs`` per (threads, semiring) with the
    forward and forward+backward times of both and their ratios, and the float64 reference.

    ``naive_repeats`` (default ``min(repeats, 3)``) bounds the slow baseline's repeats;
    ``thread_counts`` defaults to one thread and torch's default; ``compile=True`` also times
    ``TensorCircuit(..., compile=True)`` (minutes of compilation on 100k nodes)."""
    naive_repeats = naive_repeats or min(repeats, 3)
    default_threads = torch.get_num_threads()
    thread_counts = thread_counts or tuple(dict.fromkeys((1, default_threads)))
    n, circuit, compile_s = counts_circuit(nodes_target)

    start = time.perf_counter()
    tc = TensorCircuit(circuit)
    build_s = time.perf_counter() - start
    weights = random_weights(circuit, batch)

    first = [part[0].tolist() for part in tc.layout.split(weights[:1].double())]
    reference = timed(lambda: evaluate_probability(circuit, first), 2)
    exact = evaluate_probability(circuit, first)
    with torch.no_grad():
        layered = tc(weights[:1], "probability")[0].double()
    result = {
        "benchmark": "layers",
        "program": f"counts(n={n})",
        "circuit": {"nodes": len(circuit), "edges": circuit.num_edges,
                    "variables": len(circuit.variables), "roots": len(circuit.roots)},
        "tensor_circuit": {"rows": tc.num_rows, "layers": tc.num_layers,
                           "blocks": tc.num_blocks, "padded_edges": tc.num_edges},
        "batch": batch,
        "dtype": str(DTYPE).replace("torch.", ""),
        "repeats": repeats,
        "naive_repeats": naive_repeats,
        "compile_program_s": compile_s,
        "build_s": build_s,
        "max_abs_diff_vs_float64_reference": (layered - torch.tensor(exact)).abs().max().item(),
        "reference_float64": {"per_instance_s": statistics.median(reference),
                              "batch_s": statistics.median(reference) * batch},
        "runs": [],
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": platform.processor() or platform.machine(),
        "default_threads": default_threads,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    try:
        for threads in thread_counts:
            torch.set_num_threads(threads)
            for semiring in semirings:
                run = measure(circuit, tc, weights, semiring, repeats, naive_repeats)
                result["runs"].append({"threads": threads, **run})
            if compile:
                result.setdefault("compiled", []).append(
                    {"threads": threads, **measure_compiled(circuit, tc, weights, repeats)})
    finally:
        torch.set_num_threads(default_threads)
    forward_1 = next(r for r in result["runs"] if r["threads"] == thread_counts[0]
                     and r["semiring"] == "probability") if "probability" in semirings else None
    if forward_1 is not None:
        result["reference_float64"]["forward_ratio"] = (result["reference_float64"]["batch_s"]
                                                        / forward_1["layered_forward_s"])
    return result


def measure_compiled(circuit: Circuit, eager: TensorCircuit, weights: torch.Tensor,
                     repeats: int) -> dict:
    """``compile=True`` against the eager loop, log semiring: first-call and steady times."""
    encoded = weights.log()
    compiled = TensorCircuit(circuit, compile=True)
    start = time.perf_counter()
    with torch.no_grad():
        compiled(encoded)
    first_call_s = time.perf_counter() - start
    with torch.no_grad():
        compiled_forward = timed(lambda: compiled(encoded), repeats)
        eager_forward = timed(lambda: eager(encoded), repeats)
    return {"semiring": "log", "first_call_s": first_call_s,
            "compiled_forward_s": statistics.median(compiled_forward),
            "eager_forward_s": statistics.median(eager_forward)}


# ---- command line ----------------------------------------------------------------------------

def markdown(result: dict) -> str:
    circuit, tc = result["circuit"], result["tensor_circuit"]
    lines = [
        f"layers: {result['program']}, {circuit['nodes']} nodes, {circuit['edges']} edges -> "
        f"{tc['rows']} rows, {tc['layers']} layers, {tc['blocks']} blocks; batch "
        f"{result['batch']}, {result['dtype']}, torch {result['torch']}",
        f"build (layerization) {result['build_s']:.3f} s; compile the program "
        f"{result['compile_program_s']:.2f} s; float64 evaluate_probability "
        f"{result['reference_float64']['per_instance_s'] * 1e3:.1f} ms per instance, "
        f"x{result['batch']} = {result['reference_float64']['batch_s']:.2f} s",
        "",
        "| threads | semiring | layered fwd | node-by-node fwd | ratio | layered fwd+bwd "
        "| node-by-node fwd+bwd | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in result["runs"]:
        lines.append(
            f"| {run['threads']} | {run['semiring']} | {run['layered_forward_s'] * 1e3:.1f} ms "
            f"| {run['naive_forward_s'] * 1e3:.0f} ms | {run['forward_ratio']:.0f}x "
            f"| {run['layered_forward_backward_s'] * 1e3:.1f} ms "
            f"| {run['naive_forward_backward_s'] * 1e3:.0f} ms "
            f"| {run['forward_backward_ratio']:.0f}x |")
    for run in result.get("compiled", []):
        lines.append(f"\ncompile=True ({run['threads']} threads, log): first call "
                     f"{run['first_call_s']:.1f} s, forward {run['compiled_forward_s'] * 1e3:.1f}"
                     f" ms vs eager {run['eager_forward_s'] * 1e3:.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000, help="circuit size to reach")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--naive-repeats", type=int, default=None)
    parser.add_argument("--threads", type=int, nargs="*", default=None,
                        help="thread counts to run (default: 1 and torch's default)")
    parser.add_argument("--compile", action="store_true", help="also time compile=True")
    parser.add_argument("--json", type=Path, default=None, help="write the result here")
    args = parser.parse_args(argv)
    result = run_layers_benchmark(args.nodes, args.batch, args.repeats,
                                  naive_repeats=args.naive_repeats,
                                  thread_counts=tuple(args.threads) if args.threads else None,
                                  compile=args.compile)
    print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

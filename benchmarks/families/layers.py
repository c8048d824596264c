"""layers: the layerized TensorCircuit against evaluating the same circuit node by node.

The circuit is the ``counts`` family's program at the smallest n whose compiled circuit has at
least ``size`` nodes (:func:`benchmarks.layers_bench.counts_circuit`); the weights are random
categorical probabilities for a batch of :data:`BATCH` instances, float32, one torch thread.

* ``problogic``: :class:`problogic.circuit.layers.TensorCircuit` (its layerization is timed
  as the ``build`` phase, outside the headline);
* ``node-by-node``: :func:`benchmarks.layers_bench.node_by_node`, one torch operation per
  circuit node over the batch, backward through autograd.

Both run the probability and the log semiring, forward only and forward + backward (the
phases). The headline is forward + backward in the log semiring, what training runs. Answers:
the query's probability for the first instances of the batch in each semiring (the log
semiring's exponentiated), so the two evaluations are checked against each other.
"""

from __future__ import annotations

import statistics
import time
from functools import lru_cache

from benchmarks.families import Family
from benchmarks.systems import Measurement

BATCH = 128
SEMIRINGS = ("probability", "log")
ANSWERED_INSTANCES = 4


@lru_cache(maxsize=None)
def _circuit(nodes: int):
    """(counts n, circuit, seconds to compile it), cached across a case's repeats."""
    from benchmarks.layers_bench import counts_circuit

    return counts_circuit(nodes)


def _repeats(system: str, nodes: int) -> int:
    if system == "problogic":
        return 5
    return 1 if nodes >= 30_000 else 3  # the node-by-node loop takes seconds there


def run_case(system: str, size: int) -> Measurement:
    import torch

    from benchmarks.layers_bench import forward_backward, node_by_node, random_weights, timed
    from problogic.circuit.layers import TensorCircuit
    from problogic.circuit.semirings import get_semiring

    torch.set_num_threads(1)
    n, circuit, compile_s = _circuit(size)
    phases: dict[str, float] = {}
    if system == "problogic":
        start = time.perf_counter()
        layered = TensorCircuit(circuit)
        phases["build"] = time.perf_counter() - start
        evaluate = layered
    elif system == "node-by-node":
        evaluate = lambda w, semiring: node_by_node(circuit, w, semiring)  # noqa: E731
    else:
        raise ValueError(f"layers: unknown system {system!r}")
    weights = random_weights(circuit, BATCH)
    repeats = _repeats(system, size)
    # a warm-up call matters to the tensor code (allocator, kernels), not to a Python loop
    # whose single call takes seconds
    warm_up = system == "problogic" or size < 30_000
    answers: dict[str, float] = {}
    for semiring in SEMIRINGS:
        encoded = get_semiring(semiring).encode(weights)
        with torch.no_grad():
            values = evaluate(encoded, semiring)[:ANSWERED_INSTANCES, -1].double()
            forward = timed(lambda: evaluate(encoded, semiring), repeats, warm_up)  # noqa: B023
        both = timed(
            forward_backward(lambda w: evaluate(w, semiring), encoded),  # noqa: B023
            repeats,
            warm_up,
        )
        probabilities = values.exp() if semiring == "log" else values
        for i, p in enumerate(probabilities.tolist()):
            answers[f"P(label | instance {i}, {semiring} semiring)"] = p
        phases[f"forward_{semiring}"] = statistics.median(forward)
        phases[f"fwd_bwd_{semiring}"] = statistics.median(both)
    stats = {"counts_n": n, "nodes": len(circuit), "edges": circuit.num_edges, "batch": BATCH}
    return Measurement(answers, phases, stats, time_s=phases["fwd_bwd_log"])


def prepare(system: str) -> None:
    import torch

    import problogic  # noqa: F401  (imports torch and the circuit code before "ready")

    torch.set_num_threads(1)


FAMILY = Family(
    name="layers",
    description=f"layerized circuit vs node-by-node evaluation, counts circuits, batch {BATCH}",
    sizes={
        "tiny": (300,),
        "quick": (1_000, 10_000, 100_000),
        "full": (1_000, 3_000, 10_000, 30_000, 100_000, 300_000),
    },
    systems=("problogic", "node-by-node"),
    run_case=run_case,
    prepare=prepare,
    baselines=("node-by-node",),
    size_label="circuit nodes (at least)",
    order=70,
    time_label=f"seconds for forward + backward, log semiring, batch {BATCH} (float32, 1 "
    "thread); the circuit's compilation is not timed",
)

"""gpu: training steps of the digit-addition carry model on CUDA against the CPU.

The workload of :mod:`benchmarks.gpu_carry`: the carry program for N = :data:`DIGITS` digit
numbers (one circuit, a chain of N carry steps) with the small CNN of
``examples/digit_addition.py``, random images; one step is forward + backward of
``-mean log P(sum)`` through the circuit and the CNN. A case of size b is a batch of b
examples. ``problogic-cuda`` is the subject, ``problogic-cpu`` (one torch thread, as every
family) the baseline, so the ratio is the GPU's speed-up. Without CUDA the cuda rows are
``unavailable``. Answers: log P(sum) of the first examples (compared relatively, within 1e-5,
the tolerance of ``benchmarks.gpu_carry``'s agreement check).
"""

from __future__ import annotations

from benchmarks.families import Family, profile
from benchmarks.systems import Measurement, SystemUnavailable

DIGITS = 15
ANSWERED_EXAMPLES = 4
DEVICES = {"problogic-cuda": "cuda", "problogic-cpu": "cpu"}


def _device(system: str) -> str:
    import torch

    if system not in DEVICES:
        raise ValueError(f"gpu: unknown system {system!r}")
    device = DEVICES[system]
    if device == "cuda" and not torch.cuda.is_available():
        build = torch.version.cuda or "no CUDA build"
        raise SystemUnavailable(f"CUDA is not available here (torch {torch.__version__}, {build})")
    return device


def prepare(system: str) -> None:
    import torch

    torch.set_num_threads(1)
    _device(system)


def run_case(system: str, size: int) -> Measurement:
    from benchmarks.digit_addition import _example_module
    from benchmarks.gpu_carry import _batch, _loss_and_grads, _model, _to, throughput

    device = _device(system)
    example = _example_module()
    iterations = {"tiny": 1, "quick": 3}.get(profile(), 10)
    row = throughput(example, device, DIGITS, size, iterations)
    model = _model(example, device, seed=0)
    log_p, _ = _loss_and_grads(example, model, _to(_batch(DIGITS, ANSWERED_EXAMPLES, 1), device))
    answers = {f"log P(sum | example {i})": v for i, v in enumerate(log_p.double().tolist())}
    return Measurement(
        answers,
        phases={"first_step": row["first_step_s"], "train_step": row["step_s"]},
        stats={"circuit_nodes": row["circuit_nodes"], "circuit_edges": row["circuit_edges"]},
        time_s=row["step_s"],
        metrics={"examples_per_s": row["examples_per_s"], "iterations": iterations},
    )


FAMILY = Family(
    name="gpu",
    description=f"carry model for {DIGITS}-digit addition, forward + backward, CUDA vs CPU",
    sizes={"tiny": (8,), "quick": (64, 1024), "full": (64, 256, 1024, 4096)},
    systems=("problogic-cuda", "problogic-cpu"),
    run_case=run_case,
    prepare=prepare,
    baselines=("problogic-cpu",),
    size_label="batch",
    order=80,
    time_label="seconds per training step (forward + backward), after a first step that "
    "compiles the circuit and moves it to the device",
    tolerance=1e-5,
)

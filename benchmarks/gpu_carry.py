"""The carry program for digit addition on a GPU: same numbers as on the CPU, and throughput.

    python -m benchmarks.gpu_carry                # needs CUDA; prints that it skipped otherwise
    python -m benchmarks.gpu_carry --cpu-smoke    # the same code on the CPU, tiny sizes (a test)
    python -m benchmarks.gpu_carry --json out.json

1. Agreement: for N in (1, 2, 4, 15), the carry model (``examples/digit_addition.py``: its
   program and its CNN, one seeded set of weights) gives the same log-probabilities and the
   same parameter gradients on the GPU as on the CPU, in float32: a relative difference of at
   most 1e-5 (log-probabilities, relative to max(1, |log p|)) and 1e-4 (gradients, relative to
   the largest gradient entry).
2. Throughput: examples per second for forward + backward (-mean log P, its gradient through
   the circuit and the CNN) of the N = 15 carry circuit at batch 1024, on the GPU and, for
   reference, on the CPU (all its threads), in the same run.

Designed to finish in well under 5 minutes on one GPU.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from benchmarks.digit_addition import _example_module as _example


def _batch(digits: int, size: int, seed: int):
    """Random images in [0, 1] and random sums (no data set needed)."""
    from problogic.neural.data import AdditionBatch, digits_to_number

    g = torch.Generator().manual_seed(seed)
    a = torch.rand(size, digits, 1, 8, 8, generator=g)
    b = torch.rand(size, digits, 1, 8, 8, generator=g)
    a_digits = torch.randint(0, 10, (size, digits), generator=g)
    b_digits = torch.randint(0, 10, (size, digits), generator=g)
    sums = digits_to_number(a_digits) + digits_to_number(b_digits)
    return AdditionBatch(a, b, a_digits, b_digits, sums)


def _to(batch, device):
    from problogic.neural.data import AdditionBatch

    return AdditionBatch(*(t.to(device) for t in (batch.a, batch.b, batch.a_digits,
                                                   batch.b_digits, batch.sums)))


def _model(example, device, seed: int):
    torch.manual_seed(seed)
    net = example.DigitNet()
    return example.make_model("carry", net).to(device)  # before any compilation


def _loss_and_grads(example, model, batch):
    model.zero_grad(set_to_none=True)
    logp = example.log_likelihood(model, "carry", batch)
    (-logp.mean()).backward()
    grads = torch.cat([p.grad.flatten() for p in model.parameters()])
    return logp.detach(), grads


def agreement(example, devices: tuple[str, str], digits_list, batch_size: int,
              seed: int = 0) -> list[dict]:
    """Log-probabilities and gradients of the carry model on two devices, compared."""
    rows = []
    for digits in digits_list:
        batch = _batch(digits, batch_size, seed + digits)
        results = []
        for device in devices:
            model = _model(example, device, seed)
            logp, grads = _loss_and_grads(example, model, _to(batch, device))
            results.append((logp.cpu(), grads.cpu()))
        (lp0, g0), (lp1, g1) = results
        logp_rel = ((lp0 - lp1).abs() / lp0.abs().clamp_min(1.0)).max().item()
        grad_rel = ((g0 - g1).abs().max() / g0.abs().max().clamp_min(1e-12)).item()
        rows.append({"digits": digits, "batch": batch_size, "devices": list(devices),
                     "max_rel_diff_logp": logp_rel, "max_rel_diff_grad": grad_rel,
                     "mean_logp": lp0.mean().item(),
                     "ok": logp_rel <= 1e-5 and grad_rel <= 1e-4})
    return rows


def throughput(example, device: str, digits: int, batch_size: int, iterations: int,
               seed: int = 0) -> dict:
    """Examples per second, forward + backward, after one warm-up (compilation) step."""
    model = _model(example, device, seed)
    batch = _to(_batch(digits, batch_size, seed), device)

    def sync():
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    start = time.perf_counter()
    _loss_and_grads(example, model, batch)  # grounds, compiles and moves the circuit
    sync()
    first = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(iterations):
        _loss_and_grads(example, model, batch)
    sync()
    seconds = (time.perf_counter() - start) / iterations
    shape = next(iter(model._shapes.values()), None)  # the Model exposes num_compiled only
    return {"device": device, "digits": digits, "batch": batch_size, "iterations": iterations,
            "first_step_s": first, "step_s": seconds,
            "examples_per_s": batch_size / seconds,
            "circuit_nodes": shape.nodes if shape else None,
            "circuit_edges": shape.edges if shape else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu_carry",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--cpu-smoke", action="store_true",
                        help="run the same code on the CPU with tiny sizes (for tests)")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    example = _example()
    if args.cpu_smoke:
        torch.set_num_threads(1)
        devices, digits_list, batch, big = ("cpu", "cpu"), (1, 2), 4, (2, 8, 1)
    elif torch.cuda.is_available():
        devices, digits_list, batch, big = ("cpu", "cuda"), (1, 2, 4, 15), 64, \
            (15, 1024, args.iterations)
    else:
        print("gpu_carry: skipped: CUDA is not available on this machine")
        return 0
    results: dict = {"device": torch.cuda.get_device_name(0) if "cuda" in devices else "cpu"}
    results["agreement"] = agreement(example, devices, digits_list, batch)
    for row in results["agreement"]:
        print(f"N={row['digits']:2d} {row['devices'][0]} vs {row['devices'][1]}: "
              f"log p rel. diff {row['max_rel_diff_logp']:.2e}, gradient rel. diff "
              f"{row['max_rel_diff_grad']:.2e} -> {'ok' if row['ok'] else 'MISMATCH'}")
    digits, size, iterations = big
    results["throughput"] = []
    for device in dict.fromkeys(devices):  # the GPU, and the CPU as the reference
        cpu_iterations = max(1, iterations // 10) if device == "cpu" and not args.cpu_smoke \
            else iterations
        row = throughput(example, device, digits, size, cpu_iterations)
        results["throughput"].append(row)
        print(f"N={digits} carry, batch {size}, {device}: {row['examples_per_s']:.0f} "
              f"examples/s forward+backward ({1e3 * row['step_s']:.1f} ms per step; first "
              f"step with compilation {row['first_step_s']:.2f} s; circuit "
              f"{row['circuit_nodes']} nodes / {row['circuit_edges']} edges)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0 if all(row["ok"] for row in results["agreement"]) else 1


if __name__ == "__main__":
    sys.exit(main())

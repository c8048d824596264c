"""Shared by the families that train DeepProbLog's own example programs on both systems
(:mod:`benchmarks.deepproblog_programs`): ``problogic.Model`` against DeepProbLog's
ExactEngine, the same networks, queries, batches (4 examples) and Adam, one torch thread.

A case runs the profile's number of updates (:data:`UPDATES`), each new query grounded and
compiled on first use (the headline: the mean seconds per update of that first pass), then
the same batches again with every circuit cached (``train_step``: their mean). Answers:
P(query) of the first batch's examples under the initial networks, as each system computed
them in its first update (the harness compares them across systems).
"""

from __future__ import annotations

from benchmarks.families import Family, profile
from benchmarks.systems import Measurement, SystemUnavailable

SYSTEMS = ("problogic", "deepproblog")
UPDATES = {"tiny": 1, "quick": 5, "full": 20}


def prepare(system: str) -> None:
    import torch

    torch.set_num_threads(1)
    try:
        import deepproblog.engines  # noqa: F401  (also the source of the programs)
    except ImportError as exc:
        raise SystemUnavailable(f"deepproblog is not installed ({exc})") from exc
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}")


def run(name: str, system: str, size: int) -> Measurement:
    import torch

    from benchmarks.deepproblog_programs import Trainer, workload

    trainer = Trainer(workload(name, size), system)
    batches = trainer.batches(UPDATES[profile()])
    with torch.no_grad():
        first = trainer.probabilities(batches[0]).tolist()
    cold = [trainer.step(batch) for batch in batches]
    warm = [trainer.step(batch) for batch in batches]
    answers = {f"P(example {i})": float(p) for i, p in enumerate(first)}
    per_update = sum(cold) / len(cold)
    return Measurement(answers, {"cold_update": per_update, "train_step": sum(warm) / len(warm)},
                       time_s=per_update, metrics={"updates": float(len(cold))})


def deepproblog_family(name: str, description: str, sizes: dict, size_label: str,
                       order: int) -> Family:
    return Family(
        name=name,
        description=description,
        sizes=sizes,
        systems=SYSTEMS,
        run_case=lambda system, size: run(name, system, size),
        prepare=prepare,
        baselines=("deepproblog",),
        size_label=size_label,
        order=order,
        time_label="seconds per training update (batch 4, forward, backward and Adam), mean "
        "of the profile's first updates (quick: 5), grounding and compiling new queries "
        "included",
        tolerance=1e-5,
    )

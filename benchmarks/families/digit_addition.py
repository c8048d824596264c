"""digit-addition: training DeepProbLog's N-digit addition, problogic against DeepProbLog.

The harness's view of :mod:`benchmarks.digit_addition` (whose ``run_ours`` and
``benchmarks.deepproblog_baseline.run_deepproblog`` do the training): the same data
(scikit-learn's 8x8 digits, paired by seed), the same seeded network, DeepProbLog's
accumulator program, batch size 2, Adam (fused, both sides), the same batches in the same order,
one torch thread.

* ``problogic``: ``problogic.Model`` on the accumulator program;
* ``deepproblog``: DeepProbLog's ExactEngine (circuits cached per query shape) on it;
* ``problogic-carry``: ``problogic.Model`` on the carry program (one circuit per N, linear in
  N), the program that reaches N = 15. Not a baseline: no ratio is taken against it.

A case trains for the profile's number of updates (:data:`UPDATES`; the whole epoch where it
says ``None``), then replays up to :data:`WARM_UPDATES` of them with every circuit cached.
The headline is the mean time per update of the first pass, grounding and compiling the new
query shapes included; ``train_step`` is the mean warm update. Metrics: updates, compiled
shapes, test sum accuracy (most probable sum, where a test runs), resident memory after
training and its growth, and the epoch time where the whole epoch ran.

Answers (agreement): P(sum) of the first training batch under the initial network, by each
system's own inference, for N <= :data:`PROBED_DIGITS` (beyond, the accumulator's query shapes
take minutes to ground and the probe would eat the time limit).
"""

from __future__ import annotations

from benchmarks.families import Family, profile
from benchmarks.systems import Measurement, SystemUnavailable

SYSTEMS = ("problogic", "deepproblog", "problogic-carry")
ACCUMULATOR_MAX_DIGITS = 4
PROBED_DIGITS = 2
WARM_UPDATES = 20

UPDATES: dict[str, dict[int, int | None]] = {
    "tiny": {1: 3, 2: 1, 3: 1, 4: 1},
    "quick": {1: 30, 2: 4, 3: 1, 4: 1},
    "full": {1: None, 2: 30, 3: 4, 4: 1},
}
"""Updates per case of the accumulator program by profile and N (None: the whole epoch of
1500 updates). Every new sum is a new query shape to ground and compile: 0.1 s at N = 3,
1.6 s at N = 4 on this machine."""
CARRY_UPDATES: dict[str, int | None] = {"tiny": 3, "quick": 30, "full": None}
"""Updates per case of the carry program, at every N (one circuit per N)."""

TEST_EXAMPLES: dict[str, dict[int, int]] = {
    "tiny": {},
    "quick": {1: 20},
    "full": {1: 200},
}
"""Test examples per case (the same for every system; 0 where absent: DeepProbLog grounds a
new shape per test example at N >= 2)."""


def not_run(system: str, digits: int) -> str | None:
    if system != "problogic-carry" and digits > ACCUMULATOR_MAX_DIGITS:
        return (
            "the accumulator program grounds tables of 10^N numbers and 10^N pairs per sum; "
            "problogic-carry runs this N"
        )
    return None


def prepare(system: str) -> None:
    import torch

    torch.set_num_threads(1)
    if system == "deepproblog":
        try:
            import deepproblog.engines  # noqa: F401
        except ImportError as exc:
            raise SystemUnavailable(f"deepproblog is not installed ({exc})") from exc
    import problogic  # noqa: F401
    from benchmarks.digit_addition import make_optimizer

    # torch's optimizers import torch._dynamo on first use (1.7 s here): an import, not a
    # training step, and it would spend most of a case's repeat budget
    make_optimizer([torch.nn.Parameter(torch.zeros(1))], 1e-3)


def _config():
    """The benchmark's data set; the tiny profile (tests) draws fewer pairs, quicker to build."""
    from benchmarks.digit_addition import Config

    return Config(train_size=200, test_size=100) if profile() == "tiny" else Config()


def _case(system: str, digits: int):
    from benchmarks.digit_addition import Case

    size_set = profile()
    if system == "problogic-carry":
        updates = CARRY_UPDATES[size_set]
    else:
        updates = UPDATES[size_set].get(digits, 1)
    tests = TEST_EXAMPLES[size_set].get(digits, 0)
    return Case(
        "deepproblog" if system == "deepproblog" else "ours",
        digits,
        "carry" if system == "problogic-carry" else "accumulator",
        max_updates=updates,
        warm_updates=(
            0 if digits > 2 and system != "problogic-carry" else 3 if size_set == "tiny"
            else WARM_UPDATES
        ),
        test_examples=tests,
        test_budget_s=120.0,
        model_scored_test=tests,
        timeout_s=float("inf"),  # the harness's limit applies
    )


def _probe(system: str, digits: int) -> dict[str, float]:
    """P(sum) of the first training batch under the seeded initial network."""
    import torch

    from benchmarks.digit_addition import _setup

    config = _config()
    case = _case(system, digits)
    example, net, train, _, _ = _setup(config, case)
    batch = train[torch.arange(config.batch_size)]
    with torch.no_grad():
        if system == "deepproblog":
            probabilities = _deepproblog_probabilities(example, net, batch)
        else:
            model = example.make_model(case.program, net)
            probabilities = example.log_likelihood(model, case.program, batch).exp().tolist()
    return {f"P(sum | train example {i})": float(p) for i, p in enumerate(probabilities)}


def _deepproblog_probabilities(example, net, batch) -> list[float]:
    """DeepProbLog's ExactEngine on the accumulator program, one query per example."""
    import torch
    from deepproblog.engines import ExactEngine
    from deepproblog.model import Model
    from deepproblog.network import Network
    from deepproblog.query import Query
    from problog.logic import Constant, Term, list2term

    images = torch.cat([batch.a, batch.b], dim=1)  # [B, 2N, 1, 8, 8], first number first

    class Images:
        """Tensor source: ``tensor(probe(I, J))`` is image J of example I."""

        def __getitem__(self, args):
            return images[int(args[0]), int(args[1])]

    model = Model(example.ACCUMULATOR, [Network(net, "mnist_net", batching=True)], load=False)
    model.set_engine(ExactEngine(model), cache=False)
    model.add_tensor_source("probe", Images())
    model.eval()
    n = batch.digits
    queries = []
    for i, total in enumerate(batch.sums.tolist()):
        numbers = [
            list2term([Term("tensor", Term("probe", Constant(i), Constant(k * n + j)))
                       for j in range(n)])
            for k in range(2)
        ]  # fmt: skip
        queries.append(Query(Term("addition", *numbers, Constant(total))))
    return [float(next(iter(r.result.values()))) for r in model.solve(queries)]


def run_case(system: str, digits: int) -> Measurement:
    from benchmarks.digit_addition import run_ours

    if system not in SYSTEMS:
        raise ValueError(f"digit-addition: unknown system {system!r}")
    answers = _probe(system, digits) if digits <= PROBED_DIGITS else {}
    config, case = _config(), _case(system, digits)
    if system == "deepproblog":
        from benchmarks.deepproblog_baseline import run_deepproblog

        result = run_deepproblog(config, case)
        if result.get("status") == "unavailable":
            raise SystemUnavailable(result.get("reason", "deepproblog is not installed"))
    else:
        result = run_ours(config, case)
    return _measurement(result, answers)


def _measurement(result: dict, answers: dict[str, float]) -> Measurement:
    cold, warm = result.get("cold") or {}, result.get("warm") or {}
    updates = cold.get("updates") or 0
    if not updates:
        raise RuntimeError("no training update finished")
    per_update = cold["wall_s"] / updates
    phases = {"cold_update": per_update}
    if warm.get("count"):
        phases["train_step"] = warm["mean_ms"] / 1e3
    if cold.get("compile_total_s") is not None:
        phases["compile"] = cold["compile_total_s"]
    rss = result.get("rss_mb") or {}
    metrics = {"updates": float(updates)}
    shapes = cold.get("shapes", cold.get("cached_circuits"))
    if shapes is not None:
        metrics["circuits"] = float(shapes)
    if result.get("epoch_complete"):
        metrics["epoch_s"] = cold["wall_s"]
    test = result.get("test") or {}
    if test.get("sum_accuracy") is not None and test.get("examples"):
        metrics["test_sum_accuracy"] = test["sum_accuracy"]
        metrics["test_examples"] = float(test["examples"])
    if rss.get("after_cold") is not None:
        metrics["rss_mb"] = rss["after_cold"]
        metrics["rss_growth_mb"] = rss["after_cold"] - rss["start"]
    return Measurement(answers, phases, time_s=per_update, metrics=metrics)


FAMILY = Family(
    name="digit-addition",
    description="training N-digit addition from sums (batch 2, fused Adam): problogic.Model vs "
    "DeepProbLog's ExactEngine on DeepProbLog's program",
    sizes={"tiny": (1,), "quick": (1, 2, 3, 4, 15), "full": (1, 2, 3, 4, 15)},
    systems=SYSTEMS,
    run_case=run_case,
    prepare=prepare,
    baselines=("deepproblog",),
    size_label="N",
    order=60,
    not_run=not_run,
    time_label="seconds per training update, mean of the profile's first updates (quick: "
    "30 at N = 1, 4 at N = 2, 1 at N = 3 and 4; 30 at every N with the carry program), "
    "grounding and compiling new query shapes included",
    tolerance=1e-6,
)

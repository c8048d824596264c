"""The count query of problogic_vision over n detections and K classes, and its baselines.

One image with n detections; detection i has class probabilities ``rows[i]`` (K values that
sum to exactly 1, written in thousandths so that every system reads the same numbers). The
label is a count per class, the expected counts rounded to sum to n (a likely label). Systems:

* ``problogic``: ``problogic_vision.count_probability`` on ``Tensor[1, n, K]`` (forward, its
  circuit compiled in the call; again with the circuit cached), then the gradient of its log
  with respect to the class probabilities (backward); its metrics add a training-sized batch
  (:data:`BATCH_IMAGES` images of n detections, 8 in the tiny profile; float32, cached
  circuit, forward + backward);
* ``problogic-program``: the recursive count program below through ``problogic.run``;
* ``problog-sdd``: the same program through ProbLog 2 with SDD compilation;
* ``deepproblog``: the same program with the class probabilities as a neural predicate
  (``nn/4`` over a tensor source, identity network), DeepProbLog's ExactEngine without its
  circuit cache: forward (``solve``: ground, compile, evaluate) and backward;
* ``problog-enum``: the ProbKT way of writing the label, in ProbLog with SDD: each box's class
  is chosen by an annotated disjunction ``roll/3``, the classes of all boxes are collected in
  a list, the list is sorted and each class counted in it. Written for this benchmark from the
  description of ProbKT's programs; its ground program enumerates the K^n class lists.

The headline time is the forward time: program text (or tensors) to the probability.
"""

from __future__ import annotations

import time
from functools import lru_cache

from benchmarks.families import Family, profile
from benchmarks.families._probabilities import categorical, rng_for
from benchmarks.systems import Measurement, SystemUnavailable

SYSTEMS = ("problogic", "problogic-program", "problog-sdd", "deepproblog", "problog-enum")
BASELINES = ("problog-sdd", "deepproblog", "problog-enum")
BATCH_IMAGES = 256
"""Images per training batch in the problogic metrics (n detections each)."""

COUNT_RULES = """\
cnt([], _, 0).
cnt([B|Bs], C, N) :- cls(B, C), cnt(Bs, C, M), N is M + 1.
cnt([B|Bs], C, N) :- \\+ cls(B, C), cnt(Bs, C, N).
counts(_, [], []).
counts(Bs, [C|Cs], [N|Ns]) :- cnt(Bs, C, N), counts(Bs, Cs, Ns).
"""
"""The plain recursive count: exactly N of the boxes Bs have class C, for every class."""

ENUMERATION_RULES = """\
classes([], []).
classes([B|Bs], [C|Cs]) :- roll(img, B, C), classes(Bs, Cs).
insert(X, [], [X]).
insert(X, [Y|Ys], [X, Y|Ys]) :- X @=< Y.
insert(X, [Y|Ys], [Y|Zs]) :- X @> Y, insert(X, Ys, Zs).
sorted([], []).
sorted([X|Xs], S) :- sorted(Xs, S0), insert(X, S0, S).
occurrences([], _, 0).
occurrences([X|Xs], X, N) :- occurrences(Xs, X, M), N is M + 1.
occurrences([X|Xs], Y, N) :- X \\= Y, occurrences(Xs, Y, N).
tally(_, [], []).
tally(S, [K|Ks], [N|Ns]) :- occurrences(S, K, N), tally(S, Ks, Ns).
label(Bs, Ks, Ns) :- classes(Bs, Cs), sorted(Cs, S), tally(S, Ks, Ns).
"""
"""ProbKT-style: enumerate the list of classes of all boxes, sort it, count each class."""


def class_names(k: int) -> list[str]:
    return [f"c{j}" for j in range(k)]


@lru_cache(maxsize=None)
def instance(n: int, k: int) -> tuple[tuple[tuple[str, ...], ...], tuple[int, ...]]:
    """(the class probabilities of n detections as decimal literals, the label's counts)."""
    if n < 1 or k < 2:
        raise ValueError(f"vision counts need n >= 1 detections and K >= 2 classes, got {n}, {k}")
    rng = rng_for(f"vision-counts-{k}", n)
    rows = tuple(tuple(categorical(rng, k)) for _ in range(n))
    expected = [sum(float(row[j]) for row in rows) for j in range(k)]
    counts = [int(e) for e in expected]
    for j in sorted(range(k), key=lambda j: counts[j] - expected[j])[: n - sum(counts)]:
        counts[j] += 1
    return rows, tuple(counts)


def _list(items) -> str:
    return "[" + ",".join(str(i) for i in items) + "]"


def count_program(n: int, k: int) -> str:
    rows, counts = instance(n, k)
    names = class_names(k)
    lines = [f"% vision counts: {n} detections, {k} classes, recursive count"]
    for i, row in enumerate(rows):
        lines.append("; ".join(f"{p}::cls({i},{c})" for p, c in zip(row, names, strict=True)) + ".")
    lines += [COUNT_RULES.rstrip("\n")]
    lines.append(f"label :- counts({_list(range(n))}, {_list(names)}, {_list(counts)}).")
    lines.append("query(label).")
    return "\n".join(lines) + "\n"


def enumeration_program(n: int, k: int) -> str:
    rows, counts = instance(n, k)
    names = class_names(k)
    lines = [f"% vision counts: {n} detections, {k} classes, ProbKT-style enumeration"]
    for i, row in enumerate(rows):
        lines.append(
            "; ".join(f"{p}::roll(img,{i},{c})" for p, c in zip(row, names, strict=True)) + "."
        )
    lines += [ENUMERATION_RULES.rstrip("\n")]
    lines.append(f"label :- label({_list(range(n))}, {_list(names)}, {_list(counts)}).")
    lines.append("query(label).")
    return "\n".join(lines) + "\n"


# ---- problogic_vision ------------------------------------------------------------------------


def _count_probability():
    import problogic_vision as pv

    function = getattr(pv, "count_probability", None)
    if function is None:
        raise RuntimeError("problogic_vision.count_probability is missing")
    return function


def _tensors(n: int, k: int, images: int = 1):
    import torch

    rows, counts = instance(n, k)
    probs = torch.tensor([[float(p) for p in row] for row in rows], dtype=torch.float64)
    return (
        probs.expand(images, n, k).clone().requires_grad_(),
        torch.tensor(counts, dtype=torch.long).expand(images, k).clone(),
    )


def run_vision(n: int, k: int) -> Measurement:
    """The first call compiles the label's circuit (the cache is cleared first: the headline
    is comparable with the programs' systems, which compile every time); the second call,
    the backward pass and the batch use the cached circuit, as training does."""
    from problogic_vision.circuits import DEFAULT_CACHE

    count_probability = _count_probability()
    phases: dict[str, float] = {}
    probs, counts = _tensors(n, k)
    DEFAULT_CACHE.clear()
    start = time.perf_counter()
    p = count_probability(probs, counts)
    phases["forward"] = time.perf_counter() - start
    start = time.perf_counter()
    p = count_probability(probs, counts)
    phases["forward_cached"] = time.perf_counter() - start
    start = time.perf_counter()
    (-p.log().sum()).backward()
    phases["backward"] = time.perf_counter() - start

    images = 8 if profile() == "tiny" else BATCH_IMAGES
    batch_probs, batch_counts = _tensors(n, k, images)
    batch_probs = batch_probs.float().detach().requires_grad_()
    start = time.perf_counter()
    log_p = count_probability(batch_probs, batch_counts, log=True)
    forward = time.perf_counter() - start
    (-log_p.mean()).backward()
    both = time.perf_counter() - start
    metrics = {
        "batch_images": float(images),
        "batch_forward_ms": 1e3 * forward,
        "batch_fwd_bwd_ms": 1e3 * both,
        "images_per_s": images / both,
    }
    return Measurement(
        {"label": float(p.item())}, phases, time_s=phases["forward"], metrics=metrics
    )


# ---- DeepProbLog -----------------------------------------------------------------------------


def deepproblog_program(k: int) -> str:
    domain = ", ".join(class_names(k))
    return f"nn(detector, [X], C, [{domain}]) :: cls(X, C).\n" + COUNT_RULES


def run_deepproblog(n: int, k: int) -> Measurement:
    import torch

    try:
        from deepproblog.engines import ExactEngine
        from deepproblog.model import Model
        from deepproblog.network import Network
        from deepproblog.query import Query
        from problog.logic import Constant, Term, list2term
    except ImportError as exc:
        raise SystemUnavailable(f"deepproblog is not installed ({exc})") from exc

    rows, counts = instance(n, k)
    probs = torch.tensor([[float(p) for p in row] for row in rows], requires_grad=True)

    class Detections:
        """Tensor source: ``tensor(boxes(I))`` is detection I's class-probability row."""

        def __getitem__(self, args):
            return probs[int(args[0])]

    # the rows are the network's output: an identity network over them
    model = Model(deepproblog_program(k), [Network(torch.nn.Identity(), "detector", batching=True)],
                  load=False)  # fmt: skip
    model.set_engine(ExactEngine(model), cache=False)
    model.add_tensor_source("boxes", Detections())
    boxes = list2term([Term("tensor", Term("boxes", Constant(i))) for i in range(n)])
    query = Query(
        Term("counts", boxes, list2term([Term(c) for c in class_names(k)]),
             list2term([Constant(c) for c in counts]))
    )  # fmt: skip
    phases: dict[str, float] = {}
    start = time.perf_counter()
    [result] = model.solve([query])
    p = next(iter(result.result.values()))
    phases["forward"] = time.perf_counter() - start
    start = time.perf_counter()
    (-torch.log(p)).backward()
    phases["backward"] = time.perf_counter() - start
    if probs.grad is None:
        raise RuntimeError("DeepProbLog gave no gradient for the class probabilities")
    return Measurement({"label": float(p)}, phases, time_s=phases["forward"])


# ---- the family ------------------------------------------------------------------------------


def _program_runner(system: str):
    from benchmarks.systems import PROGRAM_SYSTEMS

    return PROGRAM_SYSTEMS["problogic" if system == "problogic-program" else "problog-sdd"]


def vision_family(name: str, k: int, *, tiny, quick, full, order: int) -> Family:
    """The vision-counts family over K classes."""

    def run_case(system: str, size: int) -> Measurement:
        if system == "problogic":
            return run_vision(size, k)
        if system == "deepproblog":
            return run_deepproblog(size, k)
        if system in ("problogic-program", "problog-sdd"):
            measured = _program_runner(system).run(count_program(size, k))
        elif system == "problog-enum":
            measured = _program_runner(system).run(enumeration_program(size, k))
        else:
            raise ValueError(f"{name}: unknown system {system!r}")
        return measured

    def prepare(system: str) -> None:
        if system == "problogic":
            import torch

            torch.set_num_threads(1)
            _count_probability()
            run_vision(2, k)
        elif system == "deepproblog":
            run_deepproblog(2, k)
        else:
            _program_runner(system).prepare()

    return Family(
        name=name,
        description=f"P(exact count per class) over n detections with {k} classes "
        "(problogic_vision.count_probability vs count programs)",
        sizes={"tiny": tiny, "quick": quick, "full": full},
        systems=SYSTEMS,
        run_case=run_case,
        prepare=prepare,
        baselines=BASELINES,
        size_label="detections",
        order=order,
        program=lambda n: count_program(n, k),
        time_label="seconds for one image's count probability (forward), program text or "
        "tensors to the answer",
    )

"""Exact probabilities of image-level labels given per-detection class distributions.

``class_probs`` is a list of ``Tensor[n_i, K]`` (or one ``Tensor[B, n, K]``): row ``j`` of
image ``i`` is detection ``j``'s distribution over the K classes, summing to at most 1 (the
remainder is the probability that the detection is no object). Every detection takes part;
nothing is enumerated: each label is a problogic program (see :mod:`.programs`) compiled once
per shape and evaluated in log space by the layerized circuit, for the whole batch, with
gradients flowing back into ``class_probs``.

>>> import torch, problogic_vision as pv
>>> probs = [torch.tensor([[0.9, 0.1], [0.2, 0.8]], dtype=torch.float64)]
>>> pv.count_probability(probs, torch.tensor([[1, 1]]))      # 0.9 * 0.8 + 0.1 * 0.2
tensor([0.7400], dtype=torch.float64)
>>> pv.sum_probability(probs, torch.tensor([1, 2]), torch.tensor([3]))
tensor([0.7400], dtype=torch.float64)
>>> pv.most_probable_assignment(probs, torch.tensor([[1, 1]]))
[tensor([0, 1])]

Defined edge cases (no error): an image with no detections satisfies a label iff the label
allows zero objects; a label that needs more objects than there are detections, a negative
total, or a total no assignment reaches has probability 0 (``log=True``: ``-inf``), and its
most probable assignment is all ``-1``. Errors (:class:`~.facts.DetectionError`, naming the
value): NaN or infinite probabilities, values outside [0, 1], rows summing above 1, negative
or non-integer counts, ``low > high``, shapes that do not match.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Sequence

import torch
from torch import Tensor

from problogic import Program
from problogic.language.terms import Term
from problogic.neural.weights import safe_log

from .circuits import DEFAULT_CACHE, CircuitCache
from .facts import DetectionError, check_class_probs, with_no_object
from .programs import DetectionProgram, custom_program, range_program, sum_program

ClassProbs = Sequence[Tensor] | Tensor
PAD_DETECTIONS = 4  # images are padded to a multiple of this many detections


# ---- labels ----------------------------------------------------------------------------------

@dataclass
class _Label(ABC):
    """A batch of labels: one problogic program per image and the answer its query must give."""

    @abstractmethod
    def programs(self, sizes: list[int], num_classes: int) -> list[tuple[DetectionProgram,
                                                                         Term | None]]:
        """Per image (``sizes[b]`` detections, padded): its program and the answer atom whose
        root is the label (``None``: the program's only query)."""

    def log_probability(self, class_probs: ClassProbs, *,
                        cache: CircuitCache | None = None) -> Tensor:
        """``log P(label | detections)`` per image, ``Tensor[B]`` (``-inf`` when impossible)."""
        images = check_class_probs(class_probs)
        return _evaluate(images, self, DEFAULT_CACHE if cache is None else cache)[0]

    def probability(self, class_probs: ClassProbs, **options) -> Tensor:
        return self.log_probability(class_probs, **options).exp()

    def most_probable_world(self, class_probs: ClassProbs, *,
                            cache: CircuitCache | None = None) -> tuple[Tensor, list[Tensor]]:
        """The most probable assignment of classes to detections in which the label holds:
        its log-probability ``Tensor[B]`` and, per image, ``Long[n_i]`` (class index, or -1
        for no object; all -1 when the label is impossible)."""
        images = check_class_probs(class_probs)
        return _evaluate(images, self, DEFAULT_CACHE if cache is None else cache, mpe=True)

    def most_probable_assignment(self, class_probs: ClassProbs, **options) -> list[Tensor]:
        return self.most_probable_world(class_probs, **options)[1]


@dataclass
class RangeLabel(_Label):
    """``low[b, k] <= number of objects of class k <= high[b, k]`` for every class k."""

    low: Tensor
    high: Tensor
    _names = ("low", "high")  # of the arguments, for errors

    def programs(self, sizes, num_classes):
        low = _integer_matrix(self.low, self._names[0], len(sizes), num_classes)
        high = _integer_matrix(self.high, self._names[1], len(sizes), num_classes)
        for b, k in zip(*torch.nonzero(low > high, as_tuple=True)):
            raise DetectionError(f"image {int(b)}, class {int(k)}: low {int(low[b, k])} > "
                                 f"high {int(high[b, k])}")
        return [(range_program(n, low[b].tolist(), high[b].tolist()), None)
                for b, n in enumerate(sizes)]


@dataclass
class CountLabel(RangeLabel):
    """Exactly ``counts[b, k]`` objects of class k, for every class k."""

    _names = ("counts", "counts")

    def __init__(self, counts: Tensor):
        super().__init__(counts, counts)

    @property
    def counts(self) -> Tensor:
        return self.low


@dataclass
class SumLabel(_Label):
    """The values of the detected objects (``values[k]`` for class k, integers) sum to
    ``totals[b]``."""

    values: Tensor
    totals: Tensor

    def programs(self, sizes, num_classes):
        values = _integer_vector(self.values, "values")
        if len(values) != num_classes:
            raise DetectionError(f"values has {len(values)} entries for {num_classes} classes")
        totals = _integer_vector(self.totals, "totals")
        if len(totals) != len(sizes):
            raise DetectionError(f"totals has {len(totals)} entries for {len(sizes)} images")
        return [(sum_program(n, values), Term("partial", (n, total)))
                for n, total in zip(sizes, totals)]


@dataclass
class QueryLabel(_Label):
    r"""A user-written problogic query over the detected objects, the same for every image.

    ``source`` may use ``object_class(I, Class)`` (``Class`` an atom: the class name, quoted
    when it is not a plain identifier), ``detection(I)`` and ``num_detections(N)``;
    ``query`` is a ground goal it defines. Evidence in ``source`` conditions the result.

    At least two nitrogen atoms and no sulfur (detection 1 is N or S, so 0.9 * 0.8):

    >>> import torch
    >>> label = QueryLabel('''
    ...     n_count(C) :- findall(I, object_class(I, n), L), length(L, C).
    ...     ok :- n_count(C), C >= 2, \\+ object_class(_, s).''', "ok", ["c", "n", "s"])
    >>> probs = [torch.tensor([[0.1, 0.9, 0.0], [0.0, 0.8, 0.2], [1.0, 0.0, 0.0]])]
    >>> label.probability(probs)
    tensor([0.7200])
    """

    source: str
    query: str
    class_names: Sequence[str]

    def programs(self, sizes, num_classes):
        if len(self.class_names) != num_classes:
            raise DetectionError(f"{len(self.class_names)} class names for {num_classes} "
                                 "classes")
        for name in self.class_names:
            if not isinstance(name, str):
                raise DetectionError(f"class names must be strings; got {name!r}")
        if len(set(self.class_names)) != len(self.class_names):
            raise DetectionError(f"class names must differ; got {list(self.class_names)}")
        _check_user_program(self.source, self.query)
        return [(custom_program(n, list(self.class_names), self.source, self.query), None)
                for n in sizes]


# ---- the functional API (DESIGN.md section 2) --------------------------------------------------

def count_probability(class_probs: ClassProbs, counts: Tensor, *, log: bool = False) -> Tensor:
    """P(exactly ``counts[b, k]`` objects of class k for every k), ``Tensor[B]``."""
    return _probability(CountLabel(counts), class_probs, log)


def range_probability(class_probs: ClassProbs, low: Tensor, high: Tensor, *,
                      log: bool = False) -> Tensor:
    """P(``low[b, k] <= count of class k <= high[b, k]`` for every k), inclusive bounds."""
    return _probability(RangeLabel(low, high), class_probs, log)


def sum_probability(class_probs: ClassProbs, values: Tensor, totals: Tensor, *,
                    log: bool = False) -> Tensor:
    """P(the values of the detected objects sum to ``totals[b]``), ``values: Tensor[K]``."""
    return _probability(SumLabel(values, totals), class_probs, log)


def query_probability(class_probs: ClassProbs, source: str, query: str,
                      class_names: Sequence[str], *, log: bool = False) -> Tensor:
    """P(``query``) of a user program over the detections (see :class:`QueryLabel`)."""
    return _probability(QueryLabel(source, query, class_names), class_probs, log)


def most_probable_assignment(class_probs: ClassProbs, counts: Tensor) -> list[Tensor]:
    """Per image, the class of each detection (-1: no object) in the most probable world with
    exactly ``counts[b, k]`` objects of each class k."""
    return CountLabel(counts).most_probable_assignment(class_probs)


def _probability(label: _Label, class_probs, log: bool) -> Tensor:
    result = label.log_probability(class_probs)
    return result if log else result.exp()


# ---- evaluation --------------------------------------------------------------------------------

def _evaluate(images: list[Tensor], label: _Label, cache: CircuitCache, mpe: bool = False):
    """Log-probabilities (and, with ``mpe``, the most probable worlds) of a batch of images."""
    if not images:
        raise DetectionError("no images (class_probs is empty)")
    num_classes = images[0].shape[1]
    sizes = [len(p) for p in images]
    # Padding with "no object" rows changes no probability and lets images whose numbers of
    # detections differ a little share a circuit: a detector's count varies from step to step.
    padded = [-(-n // PAD_DETECTIONS) * PAD_DETECTIONS for n in sizes]
    programs = label.programs(padded, num_classes)
    reference = images[0]
    result = torch.full((len(images),), float("-inf"), dtype=reference.dtype,
                        device=reference.device)
    worlds: list[Tensor | None] = [None] * len(images)
    by_key: dict[tuple, list[int]] = {}
    for b, (program, _) in enumerate(programs):
        by_key.setdefault(program.key, []).append(b)
    for members in by_key.values():
        compiled = cache.get(programs[members[0]][0], reference.device)
        n = padded[members[0]]
        full = torch.stack([with_no_object(_pad(images[b], n)) for b in members])  # [m, n, K+1]
        membership = torch.stack([programs[b][0].grouping.matrix(num_classes, full.dtype,
                                                                 full.device)
                                  for b in members])  # [m, K + 1, G + 1]
        weights = compiled.log_weights(safe_log(torch.bmm(full, membership)))
        roots = torch.tensor([_root(compiled, programs[b][1]) for b in members],
                             device=reference.device)
        known = roots >= 0
        roots = roots.clamp_min(0)
        if mpe:
            best = compiled.module.mpe(weights.detach())
            value = best.value.gather(1, roots[:, None]).squeeze(1)
            value = torch.where(known, value, float("-inf"))
            for row, b in enumerate(members):
                chosen = best.assignment[row, roots[row]]
                world = _decode(compiled, chosen, full[row].detach(), membership[row],
                                bool(known[row]) and value[row] > float("-inf"))
                worlds[b] = world[:sizes[b]]
        else:
            out = compiled.module(weights, "log")  # [m, R]: evidence, then the queries
            value = out.gather(1, roots[:, None]).squeeze(1) - out[:, 0]
            value = torch.where(known, value, torch.full_like(value, float("-inf")))
        result = result.index_copy(0, torch.tensor(members, device=reference.device),
                                   value.to(result.dtype))
    return result, worlds


def _pad(probs: Tensor, n: int) -> Tensor:
    """``[n_i, K]`` to ``[n, K]`` with zero rows (certainly no object)."""
    return torch.cat([probs, probs.new_zeros(n - len(probs), probs.shape[1])]) \
        if n > len(probs) else probs


def _root(compiled, answer: Term | None) -> int:
    if answer is None:
        return 1 if compiled.answers else -1  # a query with no proof is not an answer
    return compiled.answers.get(answer, -1)


def _decode(compiled, chosen: Tensor, full: Tensor, membership: Tensor,
            possible: bool) -> Tensor:
    """The circuit's choice of group per detection to a class per detection: within the
    chosen group, the most probable member (the label cannot tell them apart)."""
    n, columns = full.shape
    if not possible:
        return torch.full((n,), -1, dtype=torch.long)
    # Detections the circuit does not mention are unconstrained: their own argmax.
    allowed = torch.ones(n, columns, dtype=torch.bool)
    for variable, group in enumerate(chosen.tolist()):
        if group >= 0:
            allowed[compiled.detection[variable]] = membership[:, group].cpu() > 0
    scores = torch.where(allowed, full.cpu(), torch.full_like(full.cpu(), -1.0))
    best = scores.argmax(dim=1)
    return torch.where(best == columns - 1, -1, best)


@functools.lru_cache(maxsize=64)
def _check_user_program(source: str, query: str) -> None:
    """Syntax errors located in the user's own text (``<source>``, ``<query>``), not in the
    program generated around it."""
    Program.from_string(source, "<source>")
    Program.from_string(f"{query}.", "<query>")


def _integer_matrix(value, name: str, batch: int, num_classes: int) -> Tensor:
    tensor = torch.as_tensor(value)
    if tensor.dim() == 1 and batch == 1:
        tensor = tensor.unsqueeze(0)
    if tuple(tensor.shape) != (batch, num_classes):
        raise DetectionError(f"{name} must be Tensor[B={batch}, K={num_classes}]; got shape "
                             f"{tuple(tensor.shape)}")
    return _check_integers(tensor, name, nonnegative=True)


def _integer_vector(value, name: str) -> list[int]:
    tensor = torch.as_tensor(value)
    if tensor.dim() != 1:
        raise DetectionError(f"{name} must be a vector; got shape {tuple(tensor.shape)}")
    return _check_integers(tensor, name, nonnegative=False).tolist()


def _check_integers(tensor: Tensor, name: str, nonnegative: bool) -> Tensor:
    if tensor.is_floating_point():
        if not torch.isfinite(tensor).all() or (tensor != tensor.round()).any():
            bad = tensor[~torch.isfinite(tensor) | (tensor != tensor.round())][0].item()
            raise DetectionError(f"{name} must hold integers; got {bad:g}")
    elif tensor.dtype == torch.bool or tensor.is_complex():
        raise DetectionError(f"{name} must hold integers; got dtype {tensor.dtype}")
    tensor = tensor.to(torch.long).cpu()
    if nonnegative and (tensor < 0).any():
        raise DetectionError(f"{name} must be non-negative; got {int(tensor[tensor < 0][0])}")
    return tensor

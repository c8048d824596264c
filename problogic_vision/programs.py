"""The logic programs behind count, range and sum labels.

Each builder returns a :class:`DetectionProgram`: ProbLog text over ``object_class(I, G)``
(detection ``I`` belongs to group ``G``, see :mod:`.facts`) whose queries are the label, and a
*key* that identifies the program up to which classes make up its groups. Images whose labels
differ only by a permutation of the classes share one compiled circuit.

The programs are dynamic programs written in Prolog: ``count(K, I, C)`` is the count of group
``K`` among the first ``I`` detections, ``partial(I, S)`` their partial sum, one detection at a
time. The ground program then has one atom per reachable (I, C) or (I, S), so the compiled
circuit is polynomial in the number of detections (exponential only in the number of classes
the label constrains, through the product of their bounds) where enumerating label
assignments would be K^n. Listing the
detection's choice before the recursive call makes the compiler's variable order put the last
detection first, so each state's diagram reuses the previous states' diagrams as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import Grouping, detection_clause

NO_OBJECT = "free"  # the group of "no object" and of the classes a range leaves unconstrained


@dataclass(frozen=True)
class DetectionProgram:
    """``source`` over ``num_detections`` detections; ``key`` names the compiled circuit it
    shares; ``grouping`` maps distribution columns to the heads of each detection's AD."""

    key: tuple
    source: str
    grouping: Grouping
    num_detections: int


def range_program(num_detections: int, low: list[int], high: list[int]) -> DetectionProgram:
    """``low[k] <= count of class k <= high[k]`` for every class k (inclusive bounds; an exact
    count is ``low == high``). Classes with ``high == 0`` are forbidden (the AD's "none"),
    classes with no constraint (``low == 0``, ``high >= n``) join "no object"; each other class
    ``k_j`` gets a count chain ``count(k_j, I, C)`` of its own (C saturating at the lower bound
    when there is no upper bound below ``n``, pruned when the remaining detections cannot reach
    the lower bound; two rules per state: the detection is of class ``k_j`` or it is not), and
    the label is their conjunction with ``classified(n)``: every detection in some group.
    Grounding stays linear in the number of classes; the joint count states appear only in
    the compiled diagram, built by its memoized conjunction, which is much cheaper per state
    than grounding them."""
    n = num_detections
    num_classes = len(low)
    tracked = [k for k in range(num_classes) if high[k] > 0 and not (low[k] == 0 and high[k] >= n)]
    # Canonical order (by bounds) so that permuted labels share a key.
    tracked.sort(key=lambda k: (low[k], min(high[k], n), k))
    bounds = tuple((low[k], min(high[k], n)) for k in tracked)
    free = tuple(k for k in range(num_classes) if low[k] == 0 and high[k] >= n) + (num_classes,)
    groups = tuple(f"k{j}" for j in range(len(tracked)))
    grouping = Grouping(groups + (NO_OBJECT,), tuple((k,) for k in tracked) + (free,))
    lines = [
        f"% range label over {n} detections: tracked (low, high) = {list(bounds)}",
        detection_clause(n, grouping),
        # Every detection must be in some group (the forbidden classes are the AD's "none").
        "classified(0).",
        "classified(I) :- I > 0, J is I - 1, object_class(J, _), classified(J).",
        "count(K, 0, 0) :- tracked(K, _).",
        # two branches per state, whatever the number of groups: detection J is of group K
        # or it is not
        f"count(K, I, C) :- I > 0, J is I - 1, object_class(J, K), count(K, J, C0), "
        f"bump(K, C0, C), tracked(K, Low), Low - C =< {n} - I.",
        f"count(K, I, C) :- I > 0, J is I - 1, \\+ object_class(J, K), count(K, J, C), "
        f"tracked(K, Low), Low - C =< {n} - I.",
    ]
    for group, (lo, hi) in zip(groups, bounds):
        bump = f"C0 < {hi}, C is C0 + 1" if hi < n else f"C is min(C0 + 1, {lo})"
        lines += [f"tracked({group}, {lo}).", f"bump({group}, C0, C) :- {bump}."]
    checks = [f"count({g}, {n}, C{j}), C{j} >= {lo}" for j, (g, (lo, _)) in
              enumerate(zip(groups, bounds))]
    lines += [f"in_range :- {', '.join([f'classified({n})'] + checks)}.", "query(in_range)."]
    return DetectionProgram(("range", n, bounds), "\n".join(lines) + "\n", grouping, n)


def sum_program(num_detections: int, values: list[int]) -> DetectionProgram:
    """The sum of the values of the detected objects (``values[k]`` per class; no object counts
    0), as a non-ground query: every reachable total is a root of one circuit, so all totals
    share one compilation. Classes of equal value form one group."""
    n = num_detections
    distinct = sorted(set(values) | {0})
    grouping = Grouping(
        tuple(_value_atom(v) for v in distinct),
        tuple(tuple(k for k, value in enumerate(values) if value == v)
              + ((len(values),) if v == 0 else ()) for v in distinct))
    lines = [
        f"% sum label over {n} detections, class values {distinct}",
        detection_clause(n, grouping),
        "partial(0, 0).",
        "partial(I, S) :- I > 0, J is I - 1, object_class(J, G), partial(J, S0), value(G, V), "
        "S is S0 + V.",
    ]
    lines += [f"value({_value_atom(v)}, {v})." for v in distinct]
    lines.append(f"query(partial({n}, _)).")
    return DetectionProgram(("sum", n, tuple(distinct)), "\n".join(lines) + "\n", grouping, n)


def custom_program(num_detections: int, class_names: list[str], source: str,
                   query: str) -> DetectionProgram:
    """A user's program over ``object_class(I, Class)`` (class names as atoms),
    ``detection(I)`` and ``num_detections(N)``, with ``query`` as its only query."""
    n = num_detections
    grouping = Grouping(tuple(quote_atom(name) for name in class_names),
                        tuple((k,) for k in range(len(class_names))))
    lines = [detection_clause(n, grouping),
             f"detection(I) :- between(0, {n - 1}, I).",
             f"num_detections({n}).",
             source.rstrip(),
             f"query({query})."]
    key = ("custom", n, tuple(class_names), source, query)
    return DetectionProgram(key, "\n".join(lines) + "\n", grouping, n)


def _value_atom(value: int) -> str:
    return f"v{value}" if value >= 0 else f"m{-value}"


def quote_atom(name: str) -> str:
    """``name`` as a Prolog atom: bare when it is a plain lower-case identifier, else quoted."""
    if name and name[0].islower() and name.replace("_", "a").isalnum() and name.isascii():
        return name
    escaped = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"

"""All-solutions predicates: findall/3, forall/2, aggregate_all/3, and ProbLog's all/3,
collect and aggregate libraries.

ProbLog gives findall a per-world meaning: in each possible world the result is the list of the
solutions true in that world, one per proof, as in Prolog (the grounder tables answers, and
counts their proofs: see :meth:`~..engine.Grounder.proofs`); all/3 and ProbLog's head
aggregates take each answer once. Solutions that hold in every world always appear; the others
are enumerated as subsets of their conditions, so the cost is exponential in the number of
*probabilistic* solutions (as in ProbLog); a configurable bound turns a blow-up into a clean
error.

Aggregates whose result is a number (count, sum, max, min, avg) need not enumerate: past
:data:`ENUMERATED_SOLUTIONS` probabilistic solutions they are computed one solution at a time,
and the worlds that agree on the result so far are merged, so that counting n probabilistic
solutions makes n + 1 partial results per step instead of 2^n worlds (:func:`merged_worlds`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ...errors import LimitExceededError
from ...language.terms import Term, Var, make_list
from ..ground_program import CHOICE, FALSE, OR, TRUE
from ..term_order import sort_unique
from ..arithmetic import evaluate as evaluate_arithmetic
from .base import Registry, error, register

SOLUTIONS: Registry = {}
MAX_PROBABILISTIC_SOLUTIONS = 16  # enumerated worlds: 2^16 at most
# Up to this many probabilistic solutions every summary enumerates (2^10 worlds are quick, and
# the enumeration lists exactly ProbLog's answers); beyond, a summary with a step merges.
ENUMERATED_SOLUTIONS = 10
MAX_PARTIAL_RESULTS = 1 << 16  # distinct partial results at any step of a merge


@dataclass(frozen=True)
class Summary:
    """What an all-solutions predicate makes of the solutions true in one world: ``of(values)``
    over their ``value(solution)``s, in solution order; None: no result in that world. A summary
    that can be computed one solution at a time also has ``start`` and ``step(state, value)``
    (``of(values)`` is then ``finish`` of the folded state)."""

    of: Callable[[list], object]
    value: Callable[[object], object] = lambda item: item
    start: object = None
    step: Callable[[object, object], object] | None = None
    finish: Callable[[object], object] = lambda state: state


def folded(start, step, finish=lambda state: state, value=lambda item: item) -> Summary:
    """A summary defined by its fold."""

    def of(values):
        state = start
        for v in values:
            state = step(state, v)
        return finish(state)

    return Summary(of, value, start, step, finish)


def solutions(g, template, goal_term, depth, caller=None, proofs=False):
    """All (template instance, literals) of a goal, bindings undone: one per answer, or with
    ``proofs`` one per proof, as Prolog's findall/3 collects them (an instance proved twice
    in a world is there twice; ProbLog's findall/3 does the same). The goal may not depend
    on the clause that asks for all its solutions (``caller``, to name in that error)."""
    out = []
    mark = g.subst.mark()
    used = g.used
    start = len(used)
    location = caller.location if caller is not None else None

    def through() -> str:
        if caller is None:
            name = "all solutions"
        elif caller.functor == "$aggregate":  # a clause head's sum<X>
            name = f"the aggregate {caller.args[0]!r}<{g.subst.resolve(caller.args[1])!r}>"
        else:
            name = f"{caller.functor}/{caller.arity}"
        return f"{name} of {g.subst.resolve(goal_term)!r}"

    try:
        for lits in g.solve_closed(goal_term, depth, through, location):
            instance = g.subst.resolve(template)
            if proofs and len(used) > start:
                out.extend((instance, lits + more)
                           for more in g.proofs(tuple(used[start:]), location))
            else:
                out.append((instance, lits))
    finally:
        g.subst.undo(mark)
    return out


def per_world(g, found, goal):
    """Yield (instances true in a world class, literal of that class) for every subset of the
    solutions' conditions (solutions under the same condition, such as two proofs of one
    answer, hold together)."""
    program = g.ground_program
    conditions = [program.conjunction(lits) if lits else TRUE for _, lits in found]
    uncertain = list(dict.fromkeys(c for c in conditions if c != TRUE and c != FALSE))
    if not uncertain:
        yield [t for (t, _), c in zip(found, conditions) if c == TRUE], ()
        return
    if len(uncertain) > MAX_PROBABILISTIC_SOLUTIONS:
        raise LimitExceededError(
            f"all-solutions predicate over {len(uncertain)} probabilistic solutions would "
            f"enumerate 2^{len(uncertain)} worlds (limit 2^{MAX_PROBABILISTIC_SOLUTIONS}; "
            "aggregates to a number, such as aggregate_all(count, ...), have no such limit)",
            goal.location or g.location_hint())
    for mask in range(1 << len(uncertain)):
        chosen = {c for bit, c in enumerate(uncertain) if mask >> bit & 1}
        lit = program.conjunction([c if c in chosen else -c for c in uncertain])
        if lit == FALSE:
            continue
        items = [t for (t, _), c in zip(found, conditions) if c == TRUE or c in chosen]
        yield items, (() if lit == TRUE else (lit,))


def _enumerates(found, summary: Summary) -> bool:
    return summary.step is None or sum(1 for _, lits in found if lits) <= ENUMERATED_SOLUTIONS


def group_worlds(g, found, goal, summary: Summary):
    """Per-world results grouped by value: [(value, literal)]."""
    if not _enumerates(found, summary):
        return merged_worlds(g, found, goal, summary)
    program = g.ground_program
    groups: dict = {}
    for items, lits in per_world(g, found, goal):
        _reach(groups, summary.of([summary.value(t) for t in items]),
               program.conjunction(lits))
    return _options(program, groups)


def merged_worlds(g, found, goal, summary: Summary):
    """:func:`group_worlds` one step at a time: each partial result holds the literal of the
    worlds that reach it. A step is a set of branches, exactly one of which holds in each
    world (see :func:`_steps`); a branch under literal c sends each partial result r (under
    literal l) to r folded with the branch's values, under l & c. The literals are exact;
    unlike the enumeration, a merged partial result keeps no account of which literals it
    contradicts, so a result may appear whose literal is unsatisfiable (an answer of
    probability 0)."""
    program = g.ground_program
    partial = {_key(summary.start): (summary.start, TRUE)}
    values = [(summary.value(item), lits) for item, lits in found]
    for branches in _steps(program, values):
        grown: dict = {}
        for state, lit in partial.values():
            for branch_values, condition in branches:
                after = state
                for value in branch_values:
                    after = summary.step(after, value)
                _reach(grown, after, program.conjunction((lit, condition)))
        partial = {key: (state, program.disjunction(lits))
                   for key, (state, lits) in grown.items()}
        if len(partial) > MAX_PARTIAL_RESULTS:
            raise LimitExceededError(
                f"aggregate over {len(found)} solutions has more than {MAX_PARTIAL_RESULTS} "
                "distinct partial results", goal.location or g.location_hint())
    results: dict = {}
    for state, lit in partial.values():
        _reach(results, summary.finish(state), lit)
    return _options(program, results)


def _steps(program, found):
    """The solutions as steps of exclusive and exhaustive branches ``[(items, literal)]``:
    a solution whose literal is c is [([item], c), ([], -c)], or joins the step before when
    that is one under c too (the proofs of one answer); consecutive solutions that each
    hold under one value of the same choice variable (the values of an annotated disjunction,
    a die's faces) are one step, a branch per value plus one for the values none of them
    take, so that no partial result combines two values of one variable."""
    steps: list = []
    block_variable, block = None, {}  # the open block: value -> its items

    def close():
        if block_variable is not None:
            branches = [(items, program.choice(block_variable, value))
                        for value, items in block.items()]
            if len(block) < program.variables[block_variable].arity:
                branches.append(([], program.conjunction([-lit for _, lit in branches])))
            steps.append(branches)

    for item, lits in found:
        condition = program.conjunction(lits)
        choice = _choice_of(program, condition)
        if choice is not None and choice[0] == block_variable:
            block.setdefault(choice[1], []).append(item)
            continue
        close()
        block_variable, block = None, {}
        if choice is not None:
            block_variable, block = choice[0], {choice[1]: [item]}
        elif condition == TRUE:
            steps.append([([item], TRUE)])
        elif steps and len(steps[-1]) == 2 and steps[-1][0][1] == condition:
            steps[-1][0][0].append(item)  # another proof under the same condition
        elif condition != FALSE:
            steps.append([([item], condition), ([], -condition)])
    close()
    return steps


def _choice_of(program, lit: int) -> tuple[int, int] | None:
    """(variable, value) when ``lit`` is that choice, directly or as the only body of atoms."""
    kinds, payload = program.kinds, program.payload
    while lit > 1 and kinds[lit] == OR and len(payload[lit]) == 1:
        lit = payload[lit][0]
    return payload[lit] if lit > 1 and kinds[lit] == CHOICE else None


def _reach(partial: dict, state, lit: int) -> None:
    """Add ``lit`` to the worlds that reach ``state``."""
    if lit != FALSE:
        partial.setdefault(_key(state), (state, []))[1].append(lit)


def _options(program, reached: dict) -> list:
    """[(result, literal of the worlds that reach it)], None (no result) left out."""
    return [(result, program.disjunction(lits)) for result, lits in reached.values()
            if result is not None]


def _key(state):
    """A dictionary key for a (partial) result that keeps 1 and 1.0 apart."""
    if type(state) is float:
        return (float, state)
    if type(state) is tuple:
        return tuple(_key(part) for part in state)
    return state


def unify_each(g, result, options):
    for value, lit in options:
        if lit == -1:
            continue
        mark = g.subst.mark()
        if g.subst.unify(result, value):
            yield () if lit == 1 else (lit,)
        g.subst.undo(mark)


LIST = Summary(make_list)


def _check_list_result(g, goal, result):
    """The result argument of findall/3 and its kin is unbound or a (partial) list; anything
    else could never match, and is a type error (ISO Prolog, ProbLog)."""
    r = g.subst.deref(result)
    if type(r) is Var or (type(r) is Term and (r.functor, r.arity) in ((".", 2), ("[]", 0))):
        return
    raise error(g, f"{goal.functor}/{goal.arity}: the result {g.subst.resolve(r)!r} is not a "
                "list (type error)", goal)


@register(SOLUTIONS, "findall", 3)
def findall(g, goal, depth):
    template, inner, result = goal.args
    _check_list_result(g, goal, result)
    found = solutions(g, template, inner, depth, goal, proofs=True)
    yield from unify_each(g, result, group_worlds(g, found, goal, LIST))


@register(SOLUTIONS, "forall", 2)
def forall(g, goal, depth):
    condition, action = goal.args
    lits = g.solve_negation(Term(",", (condition, Term("\\+", (action,)))), depth)
    if lits is not None:
        yield lits


def _better(pick, key=lambda v: v):
    """The step of max (``pick`` ">") or min: the first extreme value stays."""
    if pick == ">":
        return lambda best, v: v if best is None or key(v) > key(best) else best
    return lambda best, v: v if best is None or key(v) < key(best) else best


COUNT = folded(0, lambda n, _: n + 1)
SUM = folded(0, lambda total, v: total + v)


def _aggregate(spec, g, goal) -> Summary:
    """The summary of aggregate_all/3's ``spec`` (count, sum, max, min, bag, set)."""
    name = spec.functor

    def number(t):
        return evaluate_arithmetic(t, goal.location)

    if name == "count" and spec.arity <= 1:
        return COUNT
    if name == "sum" and spec.arity == 1:
        return replace(SUM, value=number)
    if name in ("max", "min") and spec.arity == 1:
        return folded(None, _better(">" if name == "max" else "<"), value=number)
    if name in ("max", "min") and spec.arity == 2:
        return folded(None, _better(">" if name == "max" else "<", key=lambda pair: pair[0]),
                      finish=lambda best: None if best is None else Term(name, best),
                      value=lambda t: (number(t.args[0]), t.args[1]))
    if name == "bag" and spec.arity == 1:
        return LIST
    if name == "set" and spec.arity == 1:
        return Summary(lambda items: make_list(sort_unique(items)))
    raise error(g, f"aggregate_all/3: unknown aggregate {spec!r}", goal)


@register(SOLUTIONS, "aggregate_all", 3)
def aggregate_all(g, goal, depth):
    spec, inner, result = goal.args
    spec = g.subst.deref(spec)
    if not isinstance(spec, Term):
        raise error(g, f"aggregate_all/3: unknown aggregate {spec!r}", goal)
    if spec.arity == 2 and spec.functor in ("max", "min"):
        template = Term("-", spec.args)
    elif spec.arity == 1:
        template = spec.args[0]
    else:
        template = Term("[]")
    summary = _aggregate(spec, g, goal)
    found = solutions(g, template, inner, depth, goal, proofs=True)
    yield from unify_each(g, result, group_worlds(g, found, goal, summary))


def _distinct(items):
    return list(dict.fromkeys(items))


DISTINCT = Summary(lambda items: make_list(_distinct(items)) if items else None)
DISTINCT_OR_NONE = Summary(lambda items: make_list(_distinct(items)))


@register(SOLUTIONS, "all", 3)
def all_solutions(g, goal, depth):
    """ProbLog's all/3: per world, the distinct solutions; fails in worlds without any."""
    template, inner, result = goal.args
    _check_list_result(g, goal, result)
    found = solutions(g, template, inner, depth, goal)
    yield from unify_each(g, result, group_worlds(g, found, goal, DISTINCT))


@register(SOLUTIONS, "all_or_none", 3)
def all_or_none(g, goal, depth):
    """Like all/3, but the empty list in worlds without solutions."""
    template, inner, result = goal.args
    _check_list_result(g, goal, result)
    found = solutions(g, template, inner, depth, goal)
    yield from unify_each(g, result, group_worlds(g, found, goal, DISTINCT_OR_NONE))


def grouped_per_world(g, found, goal, summary: Summary):
    """Per world, the solutions (group, value) grouped by group: options ((group, result),
    literal) for every group that has solutions in some world (``summary`` applies to a
    group's values, which are never empty)."""
    if not _enumerates(found, summary):
        by_group: dict = {}
        for (group, item), lits in found:
            by_group.setdefault(group, []).append((item, lits))
        # per group, the number of its solutions true so far and the summary's state
        counted = Summary(summary.of, summary.value, (0, summary.start),
                          lambda state, v: (state[0] + 1, summary.step(state[1], v)),
                          lambda state: summary.finish(state[1]) if state[0] else None)
        return [((group, result), lit) for group, items in by_group.items()
                for result, lit in merged_worlds(g, items, goal, counted)]
    program = g.ground_program
    options: dict = {}
    for items, lits in per_world(g, found, goal):
        groups: dict = {}
        for group, item in items:
            groups.setdefault(group, []).append(summary.value(item))
        condition = program.conjunction(lits)
        for group, values in groups.items():
            result = summary.of(values)
            if result is not None:
                _reach(options, (group, result), condition)
    return _options(program, options)


def unify_groups(g, group, result, options):
    """Like :func:`unify_each`, for options ((group, summary), literal)."""
    pair = Term("-", (group, result))
    yield from unify_each(g, pair, [(Term("-", key), lit) for key, lit in options])


def _collect(g, goal, depth):
    """ProbLog's collect library: ``(Body => Group / Collector)`` calls
    ``collect_<name>(Body, Group, Args...)`` for ``Collector = <name>(Args...)``; without a
    ``/`` the group is ``none``."""
    body, spec = goal.args
    spec = g.subst.deref(spec)
    group: object = Term("none")
    if isinstance(spec, Term) and spec.functor == "/" and spec.arity == 2:
        group, spec = spec.args[0], g.subst.deref(spec.args[1])
    if not isinstance(spec, Term):
        raise error(g, f"=>/2: {spec!r} is not a collector", goal)
    target = Term(f"collect_{spec.functor}", (body, group) + spec.args, goal.location)
    yield from g.solve(target, depth)


SOLUTIONS[("=>", 2)] = _collect


@register(SOLUTIONS, "collect_list", 4)
def collect_list(g, goal, depth):
    """Per world and group, the list of distinct values of the body's solutions."""
    body, group, value, result = goal.args
    found = [(t.args, lits) for t, lits in solutions(g, Term("-", (group, value)), body, depth,
                                                       goal)]
    yield from unify_groups(g, group, result, grouped_per_world(g, found, goal, DISTINCT))


def _mean(state):
    total, n = state
    return total / n if n else None


# The head aggregates of ProbLog's library over numbers, and count<X> (ours) over any values.
HEAD_AGGREGATES = {
    "sum": SUM,
    "avg": folded((0, 0), lambda state, v: (state[0] + v, state[1] + 1), _mean),
    "min": folded(None, _better("<")),
    "max": folded(None, _better(">")),
}

@register(SOLUTIONS, "$aggregate", 5)
def head_aggregate(g, goal, depth):
    """A clause head aggregate (see ``language.program``): per world and group, the aggregate
    of the values over the distinct (group, body, value) solutions of the body."""
    function, value, group, body, result = goal.args
    function = g.subst.deref(function)
    found = solutions(g, Term("$solution", (group, body, value)), body, depth, goal)
    merged: dict = {}
    for template, lits in found:
        merged.setdefault(template, []).append(lits)
    program = g.ground_program
    items = []
    for template, options in merged.items():
        if any(not lits for lits in options):
            items.append(((template.args[0], template.args[2]), ()))
            continue
        lit = program.disjunction(program.conjunction(lits) for lits in options)
        items.append(((template.args[0], template.args[2]), (lit,)))
    name = function.functor if isinstance(function, Term) and not function.args else None
    if name == "count":
        summary = COUNT
    elif name in HEAD_AGGREGATES:
        summary = replace(HEAD_AGGREGATES[name],
                          value=lambda t: evaluate_arithmetic(t, goal.location))
    else:
        summary = Summary(lambda values: _call_aggregate(g, function, values, goal, depth))
    yield from unify_groups(g, group, result, grouped_per_world(g, items, goal, summary))


def _library_aggregate(g, goal, depth):
    """aggregate(Function, Value, Group, Body, (Group, Result)) of ProbLog's library
    (collect_<name>/N predicates call it): the head aggregate ``Function<Value>`` of ``Body``
    per ``Group``."""
    function, value, group, body, pair = goal.args
    result = Var("Result")
    mark = g.subst.mark()
    if g.subst.unify(pair, Term(",", (group, result))):
        yield from head_aggregate(g, Term("$aggregate", (function, value, group, body, result),
                                          goal.location), depth)
    g.subst.undo(mark)


SOLUTIONS[("aggregate", 5)] = _library_aggregate


def _call_aggregate(g, function, values, goal, depth):
    """A user-defined aggregate: the deterministic answer of ``function(Values, Result)``."""
    out = Var("Result")
    answers = solutions(g, out, Term(function.functor, function.args + (make_list(values),
                                                                         out)), depth)
    if not answers:
        return None
    value, lits = answers[0]
    if lits:
        raise error(g, f"aggregate function {function!r} must be deterministic", goal)
    return value

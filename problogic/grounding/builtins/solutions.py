"""All-solutions predicates: findall/3, forall/2, aggregate_all/3.

ProbLog gives findall a per-world meaning: in each possible world the result is the list of the
solutions true in that world. Solutions that hold in every world always appear; the others are
enumerated as subsets, so the cost is exponential in the number of *probabilistic* solutions
(as in ProbLog); a configurable bound turns a blow-up into a clean error.
"""

from __future__ import annotations

from ...errors import LimitExceededError
from ...language.terms import Term, make_list
from ..term_order import sort_unique
from ..arithmetic import evaluate as evaluate_arithmetic
from .base import Registry, error, register

SOLUTIONS: Registry = {}
MAX_PROBABILISTIC_SOLUTIONS = 16


def solutions(g, template, goal_term, depth):
    """All (template instance, literals) of a goal, bindings undone."""
    out = []
    mark = g.subst.mark()
    for lits in g.solve(goal_term, depth):
        out.append((g.subst.resolve(template), lits))
    g.subst.undo(mark)
    return out


def per_world(g, found, goal):
    """Yield (instances true in a world class, literal of that class) for every subset."""
    program = g.ground_program
    uncertain = [i for i, (_, lits) in enumerate(found) if lits]
    if not uncertain:
        yield [t for t, _ in found], ()
        return
    if len(uncertain) > MAX_PROBABILISTIC_SOLUTIONS:
        raise LimitExceededError(
            f"all-solutions predicate over {len(uncertain)} probabilistic solutions would "
            f"enumerate 2^{len(uncertain)} worlds (limit 2^{MAX_PROBABILISTIC_SOLUTIONS})",
            goal.location or g.location_hint())
    literals = [program.conjunction(found[i][1]) for i in uncertain]
    for mask in range(1 << len(uncertain)):
        chosen = set()
        condition = []
        for bit, i in enumerate(uncertain):
            if mask >> bit & 1:
                chosen.add(i)
                condition.append(literals[bit])
            else:
                condition.append(-literals[bit])
        lit = program.conjunction(condition)
        if lit == -1:
            continue
        items = [t for i, (t, lits) in enumerate(found) if not lits or i in chosen]
        yield items, (() if lit == 1 else (lit,))


def group_worlds(g, found, goal, summarize):
    """Per-world results grouped by value: {value: literal}."""
    program = g.ground_program
    groups: dict = {}
    for items, lits in per_world(g, found, goal):
        value = summarize(items)
        if value is None:
            continue
        groups.setdefault(value, []).append(program.conjunction(lits))
    return [(value, program.disjunction(lits)) for value, lits in groups.items()]


def unify_each(g, result, options):
    for value, lit in options:
        if lit == -1:
            continue
        mark = g.subst.mark()
        if g.subst.unify(result, value):
            yield () if lit == 1 else (lit,)
        g.subst.undo(mark)


@register(SOLUTIONS, "findall", 3)
def findall(g, goal, depth):
    template, inner, result = goal.args
    found = solutions(g, template, inner, depth)
    yield from unify_each(g, result, group_worlds(g, found, goal, make_list))


@register(SOLUTIONS, "forall", 2)
def forall(g, goal, depth):
    condition, action = goal.args
    lits = g.solve_negation(Term(",", (condition, Term("\\+", (action,)))), depth)
    if lits is not None:
        yield lits


def _aggregate(spec, g, goal):
    name = spec.functor if isinstance(spec, Term) else None
    if name == "count" and spec.arity == 0:
        return lambda items: len(items)
    if name == "count" and spec.arity == 1:
        return lambda items: len(items)
    if name == "sum":
        return lambda items: sum_numbers(items, g, goal)
    if name in ("max", "min") and spec.arity == 1:
        pick = max if name == "max" else min
        return lambda items: pick(evaluated(items, g, goal)) if items else None
    if name in ("max", "min") and spec.arity == 2:
        pick = max if name == "max" else min

        def best(items):
            if not items:
                return None
            pairs = [(evaluate_arithmetic(t.args[0], goal.location), t.args[1]) for t in items]
            value, witness = pick(pairs, key=lambda p: p[0])
            return Term(name, (value, witness))
        return best
    if name == "bag":
        return make_list
    if name == "set":
        return lambda items: make_list(sort_unique(items))
    raise error(g, f"aggregate_all/3: unknown aggregate {spec!r}", goal)


def evaluated(items, g, goal):
    return [evaluate_arithmetic(t, goal.location) for t in items]


def sum_numbers(items, g, goal):
    return sum(evaluated(items, g, goal))


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
    summarize = _aggregate(spec, g, goal)
    found = solutions(g, template, inner, depth)
    yield from unify_each(g, result, group_worlds(g, found, goal, summarize))


def _distinct(items):
    return list(dict.fromkeys(items))


@register(SOLUTIONS, "all", 3)
def all_solutions(g, goal, depth):
    """ProbLog's all/3: per world, the distinct solutions; fails in worlds without any."""
    template, inner, result = goal.args
    found = solutions(g, template, inner, depth)
    options = group_worlds(g, found, goal, lambda items: make_list(_distinct(items))
                           if items else None)
    yield from unify_each(g, result, options)


@register(SOLUTIONS, "all_or_none", 3)
def all_or_none(g, goal, depth):
    """Like all/3, but the empty list in worlds without solutions."""
    template, inner, result = goal.args
    found = solutions(g, template, inner, depth)
    yield from unify_each(g, result, group_worlds(g, found, goal,
                                                  lambda items: make_list(_distinct(items))))


def grouped_per_world(g, found, goal, summarize):
    """Per world, the solutions (group, value) grouped by group; yields options
    ((group, summary), literal) for every group that has solutions in some world."""
    program = g.ground_program
    options: dict = {}
    for items, lits in per_world(g, found, goal):
        groups: dict = {}
        for group, value in items:
            groups.setdefault(group, []).append(value)
        condition = program.conjunction(lits)
        for group, values in groups.items():
            summary = summarize(values)
            if summary is not None:
                options.setdefault((group, summary), []).append(condition)
    return [(key, program.disjunction(lits)) for key, lits in options.items()]


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
    found = [(t.args, lits) for t, lits in solutions(g, Term("-", (group, value)), body, depth)]
    options = grouped_per_world(g, found, goal, lambda values: make_list(_distinct(values)))
    yield from unify_groups(g, group, result, options)


# Aggregates over the values' numbers; ``count`` counts values of any kind.
NUMERIC_AGGREGATES = {
    "sum": lambda values: sum(values),
    "avg": lambda values: sum(values) / len(values),
    "min": min,
    "max": max,
}


@register(SOLUTIONS, "$aggregate", 5)
def head_aggregate(g, goal, depth):
    """A clause head aggregate (see ``language.program``): per world and group, the aggregate
    of the values over the distinct (group, body, value) solutions of the body."""
    function, value, group, body, result = goal.args
    function = g.subst.deref(function)
    found = solutions(g, Term("$solution", (group, body, value)), body, depth)
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
    native = NUMERIC_AGGREGATES.get(name)

    def summarize(values):
        if name == "count":
            return len(values)
        if native is not None:
            return native(evaluated(values, g, goal))
        return _call_aggregate(g, function, values, goal, depth)

    yield from unify_groups(g, group, result, grouped_per_world(g, items, goal, summarize))


def _call_aggregate(g, function, values, goal, depth):
    """A user-defined aggregate: the deterministic answer of ``function(Values, Result)``."""
    from ...language.terms import Var

    out = Var("Result")
    answers = solutions(g, out, Term(function.functor, function.args + (make_list(values),
                                                                         out)), depth)
    if not answers:
        return None
    value, lits = answers[0]
    if lits:
        raise error(g, f"aggregate function {function!r} must be deterministic", goal)
    return value

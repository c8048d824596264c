"""Builtins particular to ProbLog: probabilistic selection from lists, nested inference
(subquery/2..5) and clause/2,3."""

from __future__ import annotations

import re

from ...language.terms import String, Term, Var, make_list
from ..arithmetic import evaluate, round_float
from ..ground_program import FALSE, TRUE, GroundProgram
from ..unify import rename
from .base import Registry, error, proper_list
from .solutions import solutions

PROBLOG: Registry = {}


def _select(g, goal, identifier, weights, values, value, rest):
    """ProbLog's selection by stick breaking: position i is taken when its own probabilistic
    fact (probability w_i / remaining weight) holds and no earlier one did; the last position is
    taken when reached. Each fact is keyed, as in ProbLog, by the identifier, its probability and
    the remaining weights and values, so calls that share a suffix share those choices."""
    identifier = g.subst.resolve(identifier)
    weights = [evaluate(w, goal.location) for w in proper_list(g, weights, goal)]
    values = proper_list(g, values, goal)
    if len(weights) != len(values):
        raise error(g, f"{goal.functor}: {len(weights)} weights for {len(values)} values", goal)
    if any(w < 0 for w in weights):
        raise error(g, f"{goal.functor}: negative weight in {weights}", goal)
    remaining = sum(weights)
    if not values or remaining <= 0:
        return
    program = g.ground_program
    earlier_not_taken: list[int] = []
    for i, item in enumerate(values):
        if i == len(values) - 1:
            literal = program.conjunction(earlier_not_taken)
        else:
            p = round_float(weights[i] / remaining)
            key = ("sw_p", identifier, p, tuple(weights[i + 1:]), item, tuple(values[i + 1:]))
            head = Term("sw_p", (identifier, p, make_list(weights[i + 1:]), item,
                                 make_list(values[i + 1:])))
            variable = g.choices.keyed(key, [min(max(p, 0.0), 1.0), 1.0 - min(p, 1.0)],
                                       [head, None], goal.location, "sw_p")
            taken = program.choice(variable, 0)
            literal = program.conjunction(earlier_not_taken + [taken])
            earlier_not_taken.append(-taken)
            remaining -= weights[i]
        if literal == FALSE:
            continue
        mark = g.subst.mark()
        if g.subst.unify(value, item) and g.subst.unify(rest, make_list(values[:i] +
                                                                        values[i + 1:])):
            yield () if literal == TRUE else (literal,)
        g.subst.undo(mark)


def _select_weighted5(g, goal, depth):
    yield from _select(g, goal, *goal.args)


def _select_weighted4(g, goal, depth):
    """select_weighted(ID, Pairs, Value, Rest) with pairs ``(W, V)`` (ProbLog) or ``W-V``."""
    identifier, pairs, value, rest = goal.args
    weights, values = [], []
    for pair in proper_list(g, pairs, goal):
        if not (isinstance(pair, Term) and pair.functor in (",", "-") and pair.arity == 2):
            raise error(g, f"select_weighted/4: {pair!r} is not a (Weight, Value) pair", goal)
        weights.append(pair.args[0])
        values.append(pair.args[1])
    yield from _select(g, goal, identifier, make_list(weights), make_list(values), value, rest)


def _select_uniform(g, goal, depth):
    identifier, values, value, rest = goal.args
    items = proper_list(g, values, goal)
    weights = [1 / len(items)] * len(items) if items else []
    yield from _select(g, goal, identifier, make_list(weights), values, value, rest)


PROBLOG[("select_weighted", 5)] = _select_weighted5
PROBLOG[("select_weighted", 4)] = _select_weighted4
PROBLOG[("select_uniform", 4)] = _select_uniform


def _probability(g, literal: int, evidence: list[tuple[int, bool]]) -> float:
    from ...compile.compiler import compile_formula
    from ...circuit.evaluate import evaluate_probability
    from ...logic.formula import build_formula

    program = g.ground_program
    view = GroundProgram(kinds=program.kinds, payload=program.payload, names=program.names,
                         variables=program.variables,
                         queries=[(Term("subquery"), literal)],
                         evidence=[(Term("evidence"), lit, v) for lit, v in evidence])
    formula = build_formula(view, g.limits, g.deadline)
    values = evaluate_probability(compile_formula(formula, g.limits, g.deadline))
    if evidence and values[0] <= 0:
        raise error(g, "subquery/3: the evidence is inconsistent")
    return values[1] / values[0] if evidence else values[1]


def _subquery(g, goal, depth):
    query, probability = goal.args[0], goal.args[1]
    evidence = []
    if len(goal.args) == 3:
        for item in proper_list(g, goal.args[2], goal):
            positive = not (isinstance(item, Term) and item.functor in ("\\+", "not")
                            and item.arity == 1)
            atom = item if positive else item.args[0]
            lits = [g.ground_program.conjunction(l) for _, l in g.collect(atom)]
            evidence.append((g.ground_program.disjunction(lits), positive))
    grouped: dict = {}
    mark = g.subst.mark()
    for lits in g.solve_closed(query, depth, lambda: f"subquery/{goal.arity} of "
                               f"{g.subst.resolve(query)!r}", goal.location):
        grouped.setdefault(g.subst.resolve(query), []).append(
            g.ground_program.conjunction(lits))
    g.subst.undo(mark)
    if not grouped and g.subst.resolve(query).ground:
        grouped[g.subst.resolve(query)] = [FALSE]
    for answer, lits in grouped.items():
        literal = g.ground_program.disjunction(lits)
        p = _probability(g, literal, evidence) if literal not in (TRUE, FALSE) or evidence \
            else float(literal == TRUE)
        mark = g.subst.mark()
        if g.subst.unify(query, answer) and g.subst.unify(probability, p):
            yield ()
        g.subst.undo(mark)


def _subquery_with_options(g, goal, depth):
    """subquery(Query, P, Evidence, Semiring[, Evaluator]): ProbLog's semiring names for
    probabilities ("prob", "logprob") give P as a probability; the evaluator (a knowledge
    compiler's name) does not change the answer."""
    semiring = g.subst.resolve(goal.args[3])
    name = semiring.value if isinstance(semiring, String) else getattr(semiring, "functor", None)
    if name not in ("prob", "logprob"):
        raise error(g, f"subquery/{goal.arity}: semiring {semiring!r} is not supported "
                    "(\"prob\" and \"logprob\" are)", goal)
    yield from _subquery(g, Term("subquery", goal.args[:3], goal.location), depth)


PROBLOG[("subquery", 2)] = _subquery
PROBLOG[("subquery", 3)] = _subquery
PROBLOG[("subquery", 4)] = _subquery_with_options
PROBLOG[("subquery", 5)] = _subquery_with_options


def clauses_for(g, head, goal):
    """The dereferenced ``head`` and the (prepared clause, head index) pairs of its
    predicate (none when it has no clauses; every clause when ``head`` is unbound, as in
    ProbLog)."""
    h = g.subst.deref(head)
    name = f"{goal.functor}/{goal.arity}"
    if type(h) is Var:
        return h, g.all_clauses()
    if type(h) is not Term:
        raise error(g, f"{name}: {g.subst.resolve(h)!r} is not callable", goal)
    index = g.predicate_index(h.signature)
    return h, (index.all if index is not None else ())


def matching_clauses(g, goal, head, body, probability=None):
    """Each clause of ``head``'s predicate that unifies with ``head :- body``, bound while it
    is yielded (its prepared form), in clause order; with ``probability`` also the
    probabilistic ones, their probability as written unified with it (1.0 for a clause
    without one). The bindings are undone however the caller stops."""
    head, entries = clauses_for(g, head, goal)
    for prepared, head_index in entries:
        if prepared.probabilistic and probability is None:
            continue
        clause, mapping = prepared.clause, {}
        mark = g.subst.mark()
        try:
            if g.subst.unify(head, rename(prepared.heads[head_index], mapping)) and \
                    g.subst.unify(body, rename(clause.body, mapping)) and \
                    (probability is None or g.subst.unify(probability, rename(
                        clause.heads[head_index][0] if prepared.probabilistic else 1.0,
                        mapping))):
                yield prepared
        finally:
            g.subst.undo(mark)


def _clause(g, goal, depth):
    """clause(Head, Body): the clauses without a probability. clause(Head, Body, P): also
    probabilistic clauses, each head of an annotated disjunction on its own. (ProbLog's
    clause/3 shows its internal rewriting as the body of a probabilistic rule, and the list
    of heads of an annotated disjunction.)"""
    for _ in matching_clauses(g, goal, *goal.args):
        yield ()


PROBLOG[("clause", 2)] = _clause
PROBLOG[("clause", 3)] = _clause


def _clause_head(g, goal, depth):
    """'$clause_head'(Head): Head unifies with the head of a clause, probabilistic ones
    included (library(cut) finds the indexes of a predicate with it)."""
    for _ in matching_clauses(g, goal, goal.args[0], Var("_"), Var("_")):
        yield ()


PROBLOG[("$clause_head", 1)] = _clause_head


def _possible(g, goal, depth):
    """possible(Goal): each answer of Goal that holds in some world, as a certain fact
    (probabilities are ignored: ``0.0::a`` is possible)."""
    query = goal.args[0]
    for answer in dict.fromkeys(t for t, _ in solutions(g, query, query, depth, goal)):
        mark = g.subst.mark()
        if g.subst.unify(query, answer):
            yield ()
        g.subst.undo(mark)


PROBLOG[("possible", 1)] = _possible


def _argument(text: str):
    """A command-line argument as a term: a number where it reads as one (ProbLog keeps an
    atom that prints like the number), else an atom."""
    if _INTEGER.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return Term(text)


_INTEGER = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def _cmd_args(g, goal, depth):
    """cmd_args(List): the program's arguments (``problogic -a ARG``)."""
    mark = g.subst.mark()
    if g.subst.unify(goal.args[0], make_list([_argument(a) for a in g.program.arguments])):
        yield ()
    g.subst.undo(mark)


PROBLOG[("cmd_args", 1)] = _cmd_args


def _python_external(g, goal, depth):
    """ProbLog's load_external/1 and call_external/2 run Python code named by the program:
    refused, as ``:- use_module('x.py')`` is (a program is data, not code)."""
    raise error(g, f"{goal.functor}/{goal.arity}: Python externals are disabled (a program is "
                "data, not code)", goal)
    yield  # a generator, as every builtin


PROBLOG[("load_external", 1)] = _python_external
PROBLOG[("call_external", 2)] = _python_external

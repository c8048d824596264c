"""ProbLog's ``library(assert)``: assertz/1 (and asserta/1, assert/1), retract/1,
retractall/1; and its ``library(record)``: recorda/2,3, recordz/2,3, recorded/2,3, erase/1,
current_key/1.

They change the program while it is grounded, as in ProbLog: what a call sees depends on
when the grounder reaches it, not on any world (``a, assertz(f)`` asserts ``f`` whatever the
probability of ``a``). After a change every complete table is forgotten, so later calls see
the new clauses (see :meth:`Grounder.add_clauses`). A clause may be a fact, a rule or a
probabilistic clause (``assertz(0.3::f(1))``); retract/1 and retractall/1 remove only
clauses without probabilities.
"""

from __future__ import annotations

from ...errors import ProgramError
from ...language.program import Directive, clause_from_term
from ...language.terms import TRUE, Term, Var
from ..unify import rename
from .base import Registry, error
from .problog import matching_clauses

DATABASE: Registry = {}


def _assert(first: bool):
    def builtin(g, goal, depth):
        term = g.subst.resolve(goal.args[0])
        if type(term) is Var:
            raise error(g, f"{goal.functor}/1: the clause is unbound (instantiation error)",
                        goal)
        try:
            clause = clause_from_term(rename(term, {}), goal.location)
        except ProgramError as exc:
            raise error(g, f"{goal.functor}/1: {exc.message}", goal) from None
        if isinstance(clause, Directive):
            raise error(g, f"{goal.functor}/1: {term!r} is a directive, not a clause", goal)
        g.add_clauses([clause], first)
        yield ()
    return builtin


DATABASE[("assertz", 1)] = _assert(first=False)
DATABASE[("assert", 1)] = _assert(first=False)
DATABASE[("asserta", 1)] = _assert(first=True)


def _head_and_body(g, goal):
    term = g.subst.deref(goal.args[0])
    if type(term) is Term and term.functor == ":-" and term.arity == 2:
        return term.args[0], term.args[1]
    return term, TRUE


def _retract(g, goal, depth):
    """retract(Clause): remove the first clause (without a probability) that unifies with
    Clause, binding it."""
    head, body = _head_and_body(g, goal)
    for prepared in matching_clauses(g, goal, head, body):
        g.remove_clauses(prepared.heads[0].signature, lambda p, target=prepared: p is target)
        yield ()
        return


def _retractall(g, goal, depth):
    """retractall(Head): remove every clause (without a probability) whose head unifies with
    Head; always true."""
    matched = [p for p in matching_clauses(g, goal, goal.args[0], Var("_"))]
    if matched:
        g.remove_clauses(matched[0].heads[0].signature, lambda p: p in matched)
    yield ()


DATABASE[("retract", 1)] = _retract
DATABASE[("retractall", 1)] = _retractall


# ProbLog's library(record): terms recorded under a key while grounding, each with a
# reference '$record'(N) that erase/1 takes.

def _record(at_end: bool):
    def builtin(g, goal, depth):
        key = g.subst.resolve(goal.args[0])
        if not (type(key) is not Var and (type(key) is not Term or key.ground)):
            raise error(g, f"{goal.functor}: the key {key!r} is not ground", goal)
        reference = Term("$record", (len(g.records_made),))
        entry = (rename(g.subst.resolve(goal.args[1]), {}), reference)
        g.records_made.append(key)
        entries = g.records.setdefault(key, [])
        if at_end:
            entries.append(entry)
        else:
            entries.insert(0, entry)
        mark = g.subst.mark()
        if len(goal.args) == 2 or g.subst.unify(goal.args[2], reference):
            yield ()
        g.subst.undo(mark)
    return builtin


def _recorded(g, goal, depth):
    """recorded(Key, Term[, Reference]): each term recorded under Key, oldest first for
    recordz and newest first for recorda."""
    key = g.subst.resolve(goal.args[0])
    keys = [key] if type(key) is not Var and (type(key) is not Term or key.ground) \
        else list(g.records)
    for found in keys:
        for term, reference in list(g.records.get(found, ())):
            mark = g.subst.mark()
            if g.subst.unify(goal.args[0], found) and \
                    g.subst.unify(goal.args[1], rename(term, {})) and \
                    (len(goal.args) == 2 or g.subst.unify(goal.args[2], reference)):
                yield ()
            g.subst.undo(mark)


def _erase(g, goal, depth):
    reference = g.subst.resolve(goal.args[0])
    if not (type(reference) is Term and reference.functor == "$record" and
            reference.arity == 1 and type(reference.args[0]) is int and
            0 <= reference.args[0] < len(g.records_made)):
        raise error(g, f"erase/1: {reference!r} is not a record reference", goal)
    key = g.records_made[reference.args[0]]
    g.records[key] = [e for e in g.records.get(key, []) if e[1] != reference]
    yield ()


def _current_key(g, goal, depth):
    for key, entries in list(g.records.items()):
        if entries:
            mark = g.subst.mark()
            if g.subst.unify(goal.args[0], key):
                yield ()
            g.subst.undo(mark)


for _arity in (2, 3):
    DATABASE[("recorda", _arity)] = _record(at_end=False)
    DATABASE[("recordz", _arity)] = _record(at_end=True)
    DATABASE[("recorded", _arity)] = _recorded
DATABASE[("erase", 1)] = _erase
DATABASE[("current_key", 1)] = _current_key

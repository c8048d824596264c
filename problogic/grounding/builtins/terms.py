"""Unification, comparison, type tests and term construction builtins."""

from __future__ import annotations

from ...language.terms import (NIL, String, Term, Var, is_number, iter_list, make_list,
                               variables)
from ..term_order import compare_terms, sort_key, sort_unique
from ..unify import rename
from .base import Registry, check_size, error, need_bound, proper_list, register

TERMS: Registry = {}


def _compare(op):
    def test(g, args):
        a, b = (g.subst.resolve(x) for x in args)
        return op(compare_terms(a, b))
    return test


for _name, _op in {"==": lambda c: c == 0, "\\==": lambda c: c != 0, "@<": lambda c: c < 0,
                   "@>": lambda c: c > 0, "@=<": lambda c: c <= 0,
                   "@>=": lambda c: c >= 0}.items():
    register(TERMS, _name, 2, det=True)(_compare(_op))


@register(TERMS, "=", 2, det=True)
def unify(g, args):
    return g.subst.unify(args[0], args[1])


@register(TERMS, "\\=", 2, det=True)
def not_unifiable(g, args):
    mark = g.subst.mark()
    result = g.subst.unify(args[0], args[1])
    g.subst.undo(mark)
    return not result


@register(TERMS, "compare", 3, det=True)
def compare(g, args):
    order, a, b = args
    c = compare_terms(g.subst.resolve(a), g.subst.resolve(b))
    return g.subst.unify(order, Term("<" if c < 0 else ">" if c > 0 else "="))


def _type_test(predicate):
    def test(g, args):
        return predicate(g.subst.deref(args[0]))
    return test


def _is_atom(t):
    return type(t) is Term and not t.args


def _is_callable(t):
    return type(t) is Term


def _is_atomic(t):
    return _is_atom(t) or is_number(t) or type(t) is String


TYPE_TESTS = {
    "var": lambda t: type(t) is Var,
    "nonvar": lambda t: type(t) is not Var,
    "atom": _is_atom,
    "number": is_number,
    "integer": lambda t: type(t) is int,
    "float": lambda t: type(t) is float,
    "atomic": _is_atomic,
    "compound": lambda t: type(t) is Term and bool(t.args),
    "callable": _is_callable,
    "string": lambda t: type(t) is String,
    # ProbLog's: a variable or atomic; atomic; and two kinds of term it never makes
    "simple": lambda t: type(t) is Var or _is_atomic(t),
    "primitive": _is_atomic,
    "rational": lambda t: False,
    "dbreference": lambda t: False,
}
for _name, _predicate in TYPE_TESTS.items():
    register(TERMS, _name, 1, det=True)(_type_test(_predicate))


@register(TERMS, "ground", 1, det=True)
def ground(g, args):
    t = g.subst.resolve(args[0])
    return type(t) is not Var and (type(t) is not Term or t.ground)


@register(TERMS, "is_list", 1, det=True)
def is_list(g, args):
    """ProbLog's is_list/1: ``[]``, or a list whose tail is ``[]`` or still unbound
    (``is_list([a|T])`` succeeds, as ProbLog's test suite requires)."""
    items, tail = iter_list(g.subst.resolve(args[0]))
    return tail == NIL or (bool(items) and type(tail) is Var)


@register(TERMS, "$proper_list", 1, det=True)
def proper_list_check(g, args):
    """A list ending in ``[]`` (what library(lists) needs before it walks a list)."""
    _, tail = iter_list(g.subst.resolve(args[0]))
    return tail == NIL


def _functor(g, goal, depth):
    term, name, arity = goal.args
    t = g.subst.deref(term)
    mark = g.subst.mark()
    if type(t) is not Var:
        if type(t) is Term:
            ok = g.subst.unify(name, Term(t.functor)) and g.subst.unify(arity, len(t.args))
        else:
            ok = g.subst.unify(name, t) and g.subst.unify(arity, 0)
    else:
        n = need_bound(g, name, "functor/3 name", goal)
        a = need_bound(g, arity, "functor/3 arity", goal)
        if type(a) is not int or a < 0:
            raise error(g, f"functor/3: arity {a!r} is not a non-negative integer", goal)
        if a == 0:
            ok = g.subst.unify(t, n)
        elif type(n) is not Term or n.args:
            raise error(g, f"functor/3: {n!r} is not an atom", goal)
        else:
            check_size(g, a, f"functor/3: a term of {a} arguments", goal)
            ok = g.subst.unify(t, Term(n.functor, tuple(Var("_") for _ in range(a))))
    if ok:
        yield ()
    g.subst.undo(mark)


TERMS[("functor", 3)] = _functor


def _arg(g, goal, depth):
    n, term, value = goal.args
    t = need_bound(g, term, "arg/3 term", goal)
    if type(t) is not Term or not t.args:
        raise error(g, f"arg/3: {t!r} is not compound (type error)", goal)
    n = g.subst.deref(n)
    positions = range(1, len(t.args) + 1) if type(n) is Var else [n]
    for i in positions:
        if type(i) is not int:
            raise error(g, f"arg/3: {i!r} is not an integer", goal)
        if 1 <= i <= len(t.args):
            mark = g.subst.mark()
            if g.subst.unify(n, i) and g.subst.unify(value, t.args[i - 1]):
                yield ()
            g.subst.undo(mark)


TERMS[("arg", 3)] = _arg


@register(TERMS, "=..", 2, det=True)
def univ(g, args):
    term, parts = args
    t = g.subst.deref(term)
    if type(t) is Term:
        return g.subst.unify(parts, make_list((Term(t.functor),) + t.args))
    if type(t) is not Var:
        return g.subst.unify(parts, make_list([t]))
    items, tail = iter_list(g.subst.resolve(parts))
    if tail != NIL or not items:
        raise error(g, "=../2: needs a proper non-empty list (instantiation error)")
    head = items[0]
    if len(items) == 1:
        return g.subst.unify(t, head)
    if type(head) is not Term or head.args:
        raise error(g, f"=../2: {head!r} is not an atom")
    return g.subst.unify(t, Term(head.functor, tuple(items[1:])))


def subsumes_term(g, args):
    """subsumes_term(General, Specific): Specific is an instance of General, without binding
    anything (also ProbLog's subsumes_chk/2): unified, Specific's variables stay distinct
    variables."""
    general, specific = args
    before = list(variables(g.subst.resolve(specific)))
    mark = g.subst.mark()
    try:
        if not g.subst.unify(general, specific):
            return False
        after = [g.subst.deref(v) for v in before]
        return all(type(v) is Var for v in after) and len(set(after)) == len(after)
    finally:
        g.subst.undo(mark)


register(TERMS, "subsumes_term", 2, det=True)(subsumes_term)
register(TERMS, "subsumes_chk", 2, det=True)(subsumes_term)


VAR_NUMBER = "$VAR"


@register(TERMS, "numbervars", 3, det=True)
def numbervars(g, args):
    """numbervars(Term, Start, End): bind the variables of Term, left to right, to
    '$VAR'(Start), '$VAR'(Start + 1), ...; End is the next number (ISO Prolog's meaning;
    ProbLog's own binds them to fresh names and leaves End as the term)."""
    start = g.subst.deref(args[1])
    if type(start) is not int:
        raise error(g, f"numbervars/3: the start {g.subst.resolve(start)!r} is not an integer")
    n = start
    for var in list(variables(g.subst.resolve(args[0]))):
        g.subst.bind(var, Term(VAR_NUMBER, (n,)))
        n += 1
    return g.subst.unify(args[2], n)


@register(TERMS, "varnumbers", 2, det=True)
def varnumbers(g, args):
    """varnumbers(Term, Copy): Copy is Term with each '$VAR'(N) a fresh variable (the same N,
    the same variable), the inverse of numbervars/3."""
    fresh: dict[int, Var] = {}

    def walk(t):
        if type(t) is Term and t.functor == VAR_NUMBER and len(t.args) == 1 and \
                type(t.args[0]) is int:
            return fresh.setdefault(t.args[0], Var("_"))
        if type(t) is Term and t.args:
            return Term(t.functor, tuple(walk(a) for a in t.args))
        return t

    return g.subst.unify(args[1], walk(g.subst.resolve(args[0])))


@register(TERMS, "copy_term", 2, det=True)
def copy_term(g, args):
    return g.subst.unify(args[1], rename(g.subst.resolve(args[0]), {}))


def _length(g, goal, depth):
    lst, n = goal.args
    items, tail = iter_list(g.subst.resolve(lst))
    tail = g.subst.deref(tail)
    mark = g.subst.mark()
    if tail == NIL:
        if g.subst.unify(n, len(items)):
            yield ()
        g.subst.undo(mark)
        return
    if type(tail) is not Var:
        raise error(g, f"length/2: {g.subst.resolve(lst)!r} is not a list (type error)", goal)
    size = g.subst.deref(n)
    if type(size) is Var:
        raise error(g, "length/2 of a partial list with unbound length (instantiation error)",
                    goal)
    if type(size) is not int:
        raise error(g, f"length/2: {size!r} is not an integer (type error)", goal)
    check_size(g, size - len(items), f"length/2: a list of {size} elements", goal)
    if size >= len(items) and g.subst.unify(tail, make_list(Var("_") for _ in
                                                             range(size - len(items)))):
        yield ()
    g.subst.undo(mark)


TERMS[("length", 2)] = _length


def _sorted(unique):
    def test(g, args):
        goal = Term("sort", args)
        items = proper_list(g, args[0], goal)
        ordered = sort_unique(items) if unique else sorted(items, key=sort_key)
        return g.subst.unify(args[1], make_list(ordered))
    return test


register(TERMS, "msort", 2, det=True)(_sorted(False))
register(TERMS, "sort", 2, det=True)(_sorted(True))

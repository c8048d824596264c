"""ProbLog's ``library(string)``: concat/2, join/3, str2lst/2, lst2str/2, str2int/2 and
sub_string/5.

Their results are atoms, as in ProbLog (``lst2str([a, b], S)`` gives ``S = ab``, which does
not unify with the string ``"ab"``). An item's text is an atom's name, a string's characters,
a number as written, or a compound term as ProbLog writes it (``f(y)``).
"""

from __future__ import annotations

from ...language.printing import format_term
from ...language.terms import String, Term, Var, is_number, make_list
from .atoms import text_of
from .base import Registry, error, proper_list, register

STRINGS: Registry = {}


def item_text(g, term, goal) -> str:
    """The text ProbLog's string library makes of a bound item."""
    term = g.subst.resolve(term)
    if type(term) is Var or (type(term) is Term and not term.ground):
        raise error(g, f"{goal.functor}/{goal.arity}: {term!r} is not ground (instantiation "
                    "error)", goal)
    if type(term) is String:
        return term.value
    if type(term) is Term and not term.args:
        return term.functor
    if is_number(term):
        return str(term)
    return format_term(term)


def _text_argument(g, term, goal) -> str:
    """A text argument (``+str``): an atom, string or number."""
    text = text_of(g, term, goal, "atom, string or number")
    if text is None:
        raise error(g, f"the text of {goal.functor}/{goal.arity} is unbound (instantiation "
                    f"error) in {g.subst.resolve(goal)!r}", goal)
    return text


def _joined(name: str):
    """concat(+List, -Atom) and lst2str(+List, -Atom): the texts of the items, joined."""
    def builtin(g, args):
        goal = Term(name, args)
        items = proper_list(g, args[0], goal)
        return g.subst.unify(args[1], Term("".join(item_text(g, i, goal) for i in items)))
    return builtin


register(STRINGS, "concat", 2, det=True)(_joined("concat"))
register(STRINGS, "lst2str", 2, det=True)(_joined("lst2str"))


@register(STRINGS, "join", 3, det=True)
def join(g, args):
    """join(+Separator, +List, -Atom): the texts of the items with the separator between."""
    goal = Term("join", args)
    separator = _text_argument(g, args[0], goal)
    items = proper_list(g, args[1], goal)
    return g.subst.unify(args[2], Term(separator.join(item_text(g, i, goal) for i in items)))


@register(STRINGS, "str2lst", 2, det=True)
def str2lst(g, args):
    """str2lst(+Text, -List): the characters of a text, each an atom."""
    goal = Term("str2lst", args)
    text = _text_argument(g, args[0], goal)
    return g.subst.unify(args[1], make_list([Term(c) for c in text]))


@register(STRINGS, "str2int", 2, det=True)
def str2int(g, args):
    """str2int(+Text, -Integer)."""
    goal = Term("str2int", args)
    text = _text_argument(g, args[0], goal)
    try:
        value = int(text)
    except ValueError:
        raise error(g, f"str2int/2: {text!r} is not an integer", goal) from None
    return g.subst.unify(args[1], value)


def _sub_string(g, goal, depth):
    """sub_string(+Text, ?Before, ?Length, ?After, ?Sub), as in SWI-Prolog: Sub is the part
    of Text after Before characters, Length long, with After characters left; Sub is a
    string. (ProbLog's own definition fails with an unknown predicate.)"""
    text = _text_argument(g, goal.args[0], goal)
    _, before, length, after, sub = goal.args
    n = len(text)
    bound = {}
    for name, term in (("Before", before), ("Length", length), ("After", after)):
        value = g.subst.deref(term)
        if type(value) is Var:
            continue
        if type(value) is not int or value < 0:
            raise error(g, f"sub_string/5: {name} must be a non-negative integer, not "
                        f"{g.subst.resolve(value)!r}", goal)
        bound[name] = value
    wanted = g.subst.deref(sub)
    given = type(wanted) is not Var  # a bound Sub is compared as text: an atom matches too
    if given:
        part = _text_argument(g, wanted, goal)
        starts = [i for i in range(n - len(part) + 1) if text.startswith(part, i)]
        spans = [(i, len(part)) for i in starts]
    elif "Before" in bound and ("Length" in bound or "After" in bound):
        b = bound["Before"]
        spans = [(b, bound["Length"] if "Length" in bound else n - b - bound["After"])]
    elif "Length" in bound and "After" in bound:
        spans = [(n - bound["After"] - bound["Length"], bound["Length"])]
    else:
        spans = [(b, size) for b in range(n + 1) for size in range(n - b + 1)]
    for b, size in spans:
        if b < 0 or size < 0 or b + size > n:
            continue
        mark = g.subst.mark()
        if (g.subst.unify(before, b) and g.subst.unify(length, size)
                and g.subst.unify(after, n - b - size)
                and (given or g.subst.unify(sub, String(text[b:b + size])))):
            yield ()
        g.subst.undo(mark)


STRINGS[("sub_string", 5)] = _sub_string

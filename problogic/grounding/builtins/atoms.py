"""Atom, string and character builtins."""

from __future__ import annotations

from ...language.terms import String, Term, Var, is_number, iter_list, make_list
from .base import Registry, error, register

ATOMS: Registry = {}


def text_of(g, term, goal, what="atom"):
    """The text of a bound atom, number or string, or None when unbound."""
    t = g.subst.deref(term)
    if type(t) is Var:
        return None
    if type(t) is Term and not t.args:
        return t.functor
    if type(t) is String:
        return t.value
    if is_number(t):
        return str(t)
    raise error(g, f"{g.subst.resolve(t)!r} is not an {what} (type error)", goal)


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        return float(text)


def _codes(g, term, goal, chars: bool):
    items, tail = iter_list(g.subst.resolve(term))
    if tail != Term("[]") or any(type(i) is Var for i in items):
        return None
    try:
        return "".join(i.functor if chars else chr(i) for i in items)
    except (AttributeError, TypeError):
        raise error(g, f"{g.subst.resolve(term)!r} is not a list of "
                    f"{'characters' if chars else 'codes'}", goal) from None


def _convert(name, make, chars, parse_number=False):
    def builtin(g, args):
        goal = Term(name, args)
        text = text_of(g, args[0], goal)
        if text is not None:
            listed = [Term(c) for c in text] if chars else [ord(c) for c in text]
            return g.subst.unify(args[1], make_list(listed))
        text = _codes(g, args[1], goal, chars)
        if text is None:
            raise error(g, f"{name}/2: both arguments unbound (instantiation error)", goal)
        if parse_number:
            try:
                return g.subst.unify(args[0], _number(text))
            except ValueError:
                raise error(g, f"{name}/2: {text!r} is not a number (syntax error)",
                            goal) from None
        return g.subst.unify(args[0], make(text))
    register(ATOMS, name, 2, det=True)(builtin)


_convert("atom_codes", Term, chars=False)
_convert("atom_chars", Term, chars=True)
_convert("number_codes", Term, chars=False, parse_number=True)
_convert("number_chars", Term, chars=True, parse_number=True)
_convert("string_codes", String, chars=False)
_convert("string_chars", String, chars=True)


@register(ATOMS, "char_code", 2, det=True)
def char_code(g, args):
    goal = Term("char_code", args)
    text = text_of(g, args[0], goal)
    if text is not None:
        return g.subst.unify(args[1], ord(text))
    code = g.subst.deref(args[1])
    if type(code) is not int:
        raise error(g, "char_code/2: instantiation error", goal)
    return g.subst.unify(args[0], Term(chr(code)))


@register(ATOMS, "atom_length", 2, det=True)
def atom_length(g, args):
    text = text_of(g, args[0], Term("atom_length", args))
    if text is None:
        raise error(g, "atom_length/2: instantiation error", Term("atom_length", args))
    return g.subst.unify(args[1], len(text))


@register(ATOMS, "atom_number", 2, det=True)
def atom_number(g, args):
    goal = Term("atom_number", args)
    text = text_of(g, args[0], goal)
    if text is None:
        number = g.subst.deref(args[1])
        if not is_number(number):
            raise error(g, "atom_number/2: instantiation error", goal)
        return g.subst.unify(args[0], Term(str(number)))
    try:
        return g.subst.unify(args[1], _number(text))
    except ValueError:
        return False


def _atom_concat(g, goal, depth):
    a, b, whole = goal.args
    left, right = text_of(g, a, goal), text_of(g, b, goal)
    if left is not None and right is not None:
        mark = g.subst.mark()
        if g.subst.unify(whole, Term(left + right)):
            yield ()
        g.subst.undo(mark)
        return
    text = text_of(g, whole, goal)
    if text is None:
        raise error(g, "atom_concat/3: instantiation error", goal)
    for i in range(len(text) + 1):
        mark = g.subst.mark()
        if g.subst.unify(a, Term(text[:i])) and g.subst.unify(b, Term(text[i:])):
            yield ()
        g.subst.undo(mark)


ATOMS[("atom_concat", 3)] = _atom_concat


@register(ATOMS, "term_to_atom", 2, det=True)
def term_to_atom(g, args):
    from ...language.printing import format_term
    from ...language.parser import parse_term

    term = g.subst.resolve(args[0])
    if type(term) is not Var:
        return g.subst.unify(args[1], Term(format_term(term)))
    text = text_of(g, args[1], Term("term_to_atom", args))
    if text is None:
        raise error(g, "term_to_atom/2: instantiation error", Term("term_to_atom", args))
    return g.subst.unify(args[0], parse_term(text))

"""Writing terms as text, exactly as ProbLog writes them.

ProbLog's query keys are ``str()`` of its terms, and our command line and JSON output must
match them byte for byte, so :func:`format_term` copies ProbLog's conventions (established
empirically with the ``problog`` package, see ``tests/test_printing.py``):

* compound arguments are separated by ``,`` without a space, list items by ``", "``, and a
  partial list ends in ``" | Tail"``: ``f(a,[1, 2 | T])``;
* operators are written infix without spaces (``a+b*c``, ``X=..L``), except alphabetic ones
  (``X is Y``, ``A mod B``); parentheses are added only where the priorities of the operators
  require them (``(a+b)*c``, ``a-(b-c)``), using ProbLog's operator table;
* a negative number is never parenthesised (``1--1``, ``2*-3``);
* a conjunction is written ``(a, b)``, a disjunction ``a; b`` (without parentheses, as ProbLog
  does), a clause inside a term ``:-(a,b)``, a negation inside a term ``\\+(a)``; at the top
  level a clause is ``h :- b, c``, a negation ``\\+a``;
* floats are Python's ``repr`` after rounding to 15 decimals, as ProbLog rounds every float
  constant it makes (``1.0``, ``1e+20``, ``1e-05``, ``0.3`` for ``0.1+0.2``);
* atoms are quoted only where needed: ``'Hello world'``, ``'A'``, ``[]``, ``+``.

Known differences, because our terms do not remember how they were written: ProbLog writes an
atom as it was written in the source (``'abc'`` stays quoted) and writes ``-(a)`` and ``- a``
differently; we write ``abc`` and ``-a`` (``-(1)`` when the argument is a number, so that it
does not read back as the number -1, and ``-(a+b)`` where ProbLog may write ``-a+b``). We also
write ``(a^b)*c`` where ProbLog writes ``a^b*c``, which reads back as ``a^(b*c)``.

The printer is iterative, so a term nested thousands of levels deep prints without recursion.
"""

from __future__ import annotations

import re
from typing import Mapping

from .terms import String, Term, TermLike, Var

# ProbLog's printing table: functor -> (priority, type), for binary operators written infix.
# `,`, `;`, `:-` and `::` have their own layouts (see _pieces).
_INFIX: dict[str, tuple[int, str]] = {
    "-->": (1200, "xfx"), "|": (1100, "xfy"), "->": (1050, "xfy"), "*->": (1050, "xfy"),
    "=>": (700, "yfx"), ":": (600, "xfy"), "^": (400, "xfy"), "**": (200, "xfx"),
}
_INFIX.update({op: (700, "xfx") for op in (
    "= \\= == \\== @< @> @=< @>= =.. is =:= =\\= < > =< >= =@= \\=@=".split())})
_INFIX.update({op: (500, "yfx") for op in "+ - /\\ \\/ xor".split()})
_INFIX.update({op: (400, "yfx") for op in "* / // rem mod div << >>".split()})

_PREFIX = {"-": 200, "+": 200, "\\": 200}  # prefix operators written as operators (fy)

_LETTER_DIGIT_ATOM = re.compile(r"[^\W\d_]\w*")
_SYMBOL_ATOM = re.compile(r"[+\-*/\\^<>=~:.?@#&$]+")
_SOLO_ATOMS = frozenset(["[]", "{}", "!", ";"])
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b",
            "\f": "\\f", "\v": "\\v"}


def _quote(text: str, quote: str) -> str:
    out = []
    for char in text:
        if char == quote:
            out.append("\\" + quote)
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"\\x{ord(char):x}\\")
        else:
            out.append(char)
    return quote + "".join(out) + quote


def format_atom(name: str) -> str:
    """An atom as Prolog text: quoted unless it is a lowercase name, a symbol-character atom
    or a solo atom (``[]``, ``!``, ``;``, ``{}``)."""
    if name in _SOLO_ATOMS:
        return name
    if _LETTER_DIGIT_ATOM.fullmatch(name) and name[0].islower():
        return name
    if _SYMBOL_ATOM.fullmatch(name) and name != "." and "/*" not in name:
        return name
    return _quote(name, "'")


def _functor(name: str) -> str:
    # `[]` and `{}` followed by `(` would not read back as functors.
    return _quote(name, "'") if name in ("[]", "{}") else format_atom(name)


def _format_float(value: float) -> str:
    # ProbLog rounds every float constant to 15 decimals when it makes it (Constant).
    return repr(round(value, 15))


def _is_binary(term: TermLike, functor: str) -> bool:
    return isinstance(term, Term) and term.functor == functor and len(term.args) == 2


def _infix_priority(term: TermLike) -> int | None:
    """The priority of a term that is written as an operator, else None (never bracketed)."""
    if type(term) is not Term:
        return None
    if len(term.args) == 2:
        entry = _INFIX.get(term.functor)
        return entry[0] if entry else None
    if len(term.args) == 1 and term.functor in _PREFIX and _prefix_form(term.args[0]):
        return _PREFIX[term.functor]
    return None


def _prefix_form(operand: TermLike) -> bool:
    """Whether ``-X`` can be written with the operator in front: only when X's text starts
    with a letter, a quote or a bracket, so that it neither glues to the operator (``--a``) nor
    reads back as something else (``-1`` for ``-(1)``, ``-a+b`` for ``-(a+b)``)."""
    if isinstance(operand, (Var, String)):
        return True
    if type(operand) is not Term:
        return False  # a number
    args = operand.args
    if not args:
        text = format_atom(operand.functor)
        return text[0].isalnum() or text[0] in "'_[{"
    if operand.functor in (".", "{}") and len(args) == (2 if operand.functor == "." else 1):
        return True
    if (len(args) == 2 and operand.functor in _INFIX) or operand.functor in (",", ";", "::"):
        return False
    text = _functor(operand.functor)
    return text[0].isalnum() or text[0] == "'"


class _VariableNames:
    """Deterministic variable names. A variable keeps its own name when no other variable of
    the term has it; an anonymous variable that occurs once prints as ``_`` (as ProbLog prints
    the clauses it read); the others get ``_1``, ``_2``, ... in order of first occurrence."""

    def __init__(self, term: TermLike, given: Mapping[Var, str] | None):
        self.names: dict[Var, str] = {}
        if not isinstance(term, (Term, Var)) or (isinstance(term, Term) and not term.args):
            return
        counts: dict[Var, int] = {}
        stack = [term]
        while stack:
            t = stack.pop()
            if isinstance(t, Var):
                counts[t] = counts.get(t, 0) + 1
            elif isinstance(t, Term) and t.args:
                stack.extend(reversed(t.args))
        given = given or {}
        taken = {v.name for v in counts} | set(given.values())
        used: set[str] = set()
        counter = 0
        for var, count in counts.items():  # dicts keep first-occurrence order
            if var in given:
                name = given[var]
            elif var.name == "_" and count == 1:
                name = "_"
            elif var.name != "_" and var.name not in used:
                name = var.name
            else:
                counter += 1
                while f"_{counter}" in taken:
                    counter += 1
                name = f"_{counter}"
            used.add(name)
            self.names[var] = name

    def __getitem__(self, var: Var) -> str:
        return self.names.get(var, var.name)


def format_term(term: TermLike, var_names: Mapping[Var, str] | None = None) -> str:
    """Write a term as ProbLog's ``str()`` writes it.

    ``var_names`` optionally names some variables; the others print as described in
    :class:`_VariableNames`.

    >>> from problogic.language.parser import parse_term
    >>> format_term(parse_term("f('A', [1, 2.0 | T], a+b*c, -(1), 'it''s', \\"s\\")"))
    'f(\\'A\\',[1, 2.0 | T],a+b*c,-(1),\\'it\\\\\\'s\\',"s")'
    """
    names = _VariableNames(term, var_names)
    out: list[str] = []
    stack: list = [(term, True)]
    while stack:
        item = stack.pop()
        if type(item) is str:
            out.append(item)
        else:
            stack.extend(reversed(_pieces(item[0], item[1], names)))
    return "".join(out)


def _format_int(value: int) -> str:
    """``str(value)``, also beyond ``sys.get_int_max_str_digits()`` (arithmetic can reach
    integers that long; their digits are produced a thousand at a time)."""
    try:
        return str(value)
    except ValueError:
        chunks, rest, base = [], abs(value), 10 ** 1000
        while rest:
            rest, chunk = divmod(rest, base)
            chunks.append(f"{chunk:01000d}")
        return ("-" if value < 0 else "") + "".join(reversed(chunks)).lstrip("0")


def _pieces(term: TermLike, top: bool, names: _VariableNames) -> list:
    """One step of printing: text and ``(subterm, top)`` pairs still to print, in order.

    ``top`` is true for the term itself and for the parts ProbLog prints with ``str()`` (the
    head and body of a clause, the members of a top-level conjunction, ...).
    """
    if isinstance(term, Var):
        return [names[term]]
    if isinstance(term, String):
        return [_quote(term.value, '"')]
    if type(term) is not Term:
        return [_format_float(term) if isinstance(term, float) else _format_int(term)]
    functor, args = term.functor, term.args
    if not args:
        return [format_atom(functor)]
    arity = len(args)
    if functor == "." and arity == 2:
        return _list_pieces(term)
    if functor == "," and arity == 2:
        return _conjunction_pieces(term, top)
    if functor == ";" and arity == 2:
        return _chain(term, ";", "; ", top)
    if top and functor == ":-":
        if arity == 2:
            return [(args[0], True), " :- ", (args[1], True)]
        if arity == 1:
            return [":- ", (args[0], True)]
    if top and functor in ("\\+", "not") and arity == 1:
        operand = args[0]
        bracket = _is_binary(operand, ",") or _is_binary(operand, ";")
        prefix = "not " if functor == "not" else "\\+"
        return [prefix + "(", (operand, True), ")"] if bracket else [prefix, (operand, True)]
    if functor == "::" and arity == 2:
        return [(args[0], False), "::", (args[1], False)]
    if functor == "{}" and arity == 1:
        return ["{", (args[0], True), "}"]
    if arity == 2 and functor in _INFIX:
        return _infix_pieces(term)
    if arity == 1 and functor in _PREFIX and _prefix_form(args[0]):
        return [functor, (args[0], False)]
    pieces: list = [_functor(functor) + "(", (args[0], False)]
    for arg in args[1:]:
        pieces.append(",")
        pieces.append((arg, False))
    pieces.append(")")
    return pieces


def _infix_pieces(term: Term) -> list:
    priority, kind = _INFIX[term.functor]
    left, right = term.args
    op = term.functor
    pieces: list = []
    left_priority = _infix_priority(left)
    # ProbLog brackets by priority alone; we also bracket `(a^b)*c`, which ProbLog writes
    # `a^b*c` although that reads back as `a^(b*c)` (both operators have priority 400).
    if _is_operator_atom(left):
        pieces.append(_quote(left.functor, "'"))
    elif left_priority is None or left_priority < priority or (
            left_priority == priority and kind == "yfx"
            and not (len(left.args) == 2 and _INFIX[left.functor][1] == "xfy")):
        pieces.append((left, False))
    else:
        pieces += ["(", (left, False), ")"]
    pieces.append(f" {op} " if "a" <= op[0] <= "z" else op)
    right_priority = _infix_priority(right)
    if _is_operator_atom(right):
        pieces.append(_quote(right.functor, "'"))
    elif right_priority is None or right_priority < priority or (
            right_priority == priority and kind == "xfy"):
        pieces.append((right, False))
    else:
        pieces += ["(", (right, False), ")"]
    return pieces


def _is_operator_atom(term: TermLike) -> bool:
    """A symbolic operator atom as an operand (``O = '<'``) is quoted, as ProbLog does: bare,
    it would glue to the operator (``O=<``)."""
    return (type(term) is Term and not term.args and (term.functor in _INFIX
                                                       or term.functor in _PREFIX)
            and _SYMBOL_ATOM.fullmatch(term.functor) is not None)


def _chain(term: Term, functor: str, separator: str, top: bool) -> list:
    """``a; b; c`` for a right-nested chain of one binary operator."""
    pieces: list = []
    while _is_binary(term, functor):
        pieces += [(term.args[0], top), separator]
        term = term.args[1]
    pieces.append((term, top))
    return pieces


def _conjunction_pieces(term: Term, top: bool) -> list:
    # ProbLog brackets the disjunctions inside a conjunction, and the conjunction itself
    # unless it is printed on its own (a clause body).
    pieces = _chain(term, ",", ", ", top)
    for i in range(0, len(pieces), 2):
        if _is_binary(pieces[i][0], ";"):
            pieces[i] = ["(", pieces[i], ")"]
    flat = [p for part in pieces for p in (part if isinstance(part, list) else [part])]
    return flat if top else ["(", *flat, ")"]


def _list_pieces(term: Term) -> list:
    pieces: list = ["["]
    while _is_binary(term, "."):
        pieces += [(term.args[0], False), ", "]
        term = term.args[1]
    pieces.pop()
    if not (type(term) is Term and term.functor == "[]" and not term.args):
        pieces += [" | ", (term, False)]
    pieces.append("]")
    return pieces

"""Facts without operators, read directly rather than through the LALR tables: the bulk of
a data-heavy program (``0.3::edge(a, b).``, ``node(n1, "label", [a, b, 1]).``).

The parser (:mod:`.parser`) tries :class:`FactReader` between clauses; anything else raises
:class:`NotSimple`, and the tables read the clause.
"""

from __future__ import annotations

import re

from .source import Source, number_value
from .terms import NIL, String, Term, TermLike, Var

# The tokens of such a fact. A number may not run on into a name, a quote or a '.': "0'a",
# "0x1F", "1.5e" and the like are left to the tables. Names the grammar reads as operators in
# some state (`is`, `mod`, ...) are left to them too.
_NUMBER = r"-?(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)(?![\w'.])"
_NAME = r"(?!(?:is|mod|rem|div|xor|not)(?!\w))[a-z]\w*"
_VAR = r"[A-Z_]\w*"
_QUOTED = r"'[^'\\\n]*'"
_STRING = r'"[^"\\\n]*"'
_END = r"\.(?=\s|%|/\*|\Z)"
_FACT_TOKEN = re.compile(
    rf"\s*(?:(?P<number>{_NUMBER})|(?P<name>{_NAME})|(?P<var>{_VAR})|(?P<quoted>{_QUOTED})"
    rf"|(?P<string>{_STRING})|(?P<end>{_END})|(?P<punct>::|[(),\[\]|]))")


_ATOMIC = rf"(?:{_NUMBER}|{_NAME}|{_VAR})"
_FLAT_LIST = rf"\[\s*(?:{_ATOMIC}\s*(?:,\s*{_ATOMIC}\s*)*)?\]"
_ARGUMENT = rf"\s*(?:{_ATOMIC}|{_STRING}|{_FLAT_LIST})\s*"
# A fact whose arguments are numbers, names, variables, strings and lists of numbers, names
# and variables (``0.3::edge(a, b).``, ``node(n1, "label", [a, b, 1]).``): read by one match,
# then its arguments by a split (or, with strings or lists among them, by _PIECE).
_FLAT_FACT = re.compile(
    rf"(?:(?P<probability>{_NUMBER})\s*::\s*)?(?P<functor>{_NAME})"
    rf"\((?P<arguments>{_ARGUMENT}(?:,{_ARGUMENT})*)\)\s*{_END}")
# an argument of a _FLAT_FACT match: a string, a list, or an atomic term (already checked)
_PIECE = re.compile(r'"[^"]*"|\[[^\]]*\]|[^,\s]+')


def _signed_number(text: str, source: Source, pos: int) -> int | float:
    """A number token of :data:`_NUMBER`: ``-`` before a number makes it negative, as the
    grammar's prefix minus does."""
    if text[0] == "-":
        return -number_value(text[1:], source, pos + 1)
    return number_value(text, source, pos)


class NotSimple(Exception):
    """The clause is not a fact without operators: the LALR tables read it."""


class FactReader:
    """Reads a clause ``[Number ::] Head.`` whose arguments are numbers, atoms, variables,
    strings, lists and compound terms, written without operators or comments (the bulk of a
    data-heavy program: ``0.3::edge(a, b).``, ``node(n1, "label", [a, b, 1]).``), and gives
    the terms, locations included, that the tables give. Anything else raises
    :class:`NotSimple` and the tables read the clause. A fact of atomic arguments, strings
    and lists of atomic terms is one match of :data:`_FLAT_FACT`; others are read token by
    token. (50k node facts like the one above: 1.6 s by tokens, 4.6 s by the tables; 100k
    edge facts: 1.1 s by the match, 1.6 s by tokens, 6.0 s by the tables. Node facts by the
    match rather than by tokens: 25-28 against 32-34 us each.)"""

    __slots__ = ("text", "source", "pos", "kind", "value", "start", "variables")

    def __init__(self, text: str, source: Source):
        self.text, self.source = text, source

    def read(self, pos: int) -> tuple[Term, int]:
        """The clause starting at ``pos`` (after layout) and the offset after its '.'."""
        flat = _FLAT_FACT.match(self.text, pos)
        if flat is not None:
            return self._flat(flat), flat.end()
        self.pos, self.variables = pos, {}
        self._next()
        start = self.start
        if self.kind == "number":
            probability = _signed_number(self.value, self.source, start)
            self._next()
            if self.value != "::":
                raise NotSimple
            self._next()
            head = self._term()
            if type(head) is not Term:
                raise NotSimple
            clause = Term("::", (probability, head), self.source.location(start))
        else:
            clause = self._term()
            if type(clause) is not Term:
                raise NotSimple
        if self.kind != "end":
            raise NotSimple
        return clause, self.pos

    def _flat(self, match: re.Match) -> Term:
        """The clause of a :data:`_FLAT_FACT` match."""
        source = self.source
        self.variables = {}
        pos = match.start("arguments")
        text = match.group("arguments")
        if '"' in text or "[" in text:
            arguments = [self._piece(m.group(), pos + m.start()) for m in _PIECE.finditer(text)]
        else:
            arguments = self._atomics(text, pos)
        head = Term(match.group("functor"), tuple(arguments),
                    source.location(match.start("functor")))
        probability = match.group("probability")
        if probability is None:
            return head
        start = match.start("probability")
        return Term("::", (_signed_number(probability, source, start), head),
                    source.location(start))

    def _piece(self, text: str, start: int) -> TermLike:
        """A string, a list of atomic terms or an atomic term of a :data:`_FLAT_FACT`."""
        if text[0] == '"':
            return String(text[1:-1])
        if text[0] != "[":
            return self._atomic(text, start)
        location = self.source.location(start)
        inner = text[1:-1]
        if not inner.strip():
            return Term("[]", (), location)
        tail = NIL
        for item in reversed(self._atomics(inner, start + 1)):
            tail = Term(".", (item, tail), location)
        return tail

    def _atomics(self, text: str, pos: int) -> list[TermLike]:
        """The comma-separated atomic terms of ``text``, which starts at offset ``pos``."""
        items = []
        for piece in text.split(","):
            item = piece.strip()
            items.append(self._atomic(item, pos + piece.index(item[0])))
            pos += len(piece) + 1
        return items

    def _atomic(self, text: str, start: int) -> TermLike:
        """A number, a name or a variable."""
        first = text[0]
        if first.isupper() or first == "_":
            return self._variable(text)
        if first == "-" or first.isdigit():
            return _signed_number(text, self.source, start)
        return Term(text, (), self.source.location(start))

    def _variable(self, name: str) -> Var:
        """The clause's variable ``name``, as the builder's: each '_' a fresh one."""
        if name == "_":
            return Var("_")
        variable = self.variables.get(name)
        if variable is None:
            variable = self.variables[name] = Var(name)
        return variable

    def _next(self) -> None:
        m = _FACT_TOKEN.match(self.text, self.pos)
        if m is None:
            raise NotSimple
        self.kind = kind = m.lastgroup
        self.value = m.group(kind)
        self.start = m.start(kind)
        self.pos = m.end()

    def _term(self) -> TermLike:
        """The term at the current token; afterwards the token after it is current."""
        kind, value, start = self.kind, self.value, self.start
        if kind == "name" or kind == "quoted":
            if kind == "quoted":
                value = value[1:-1]
            if self.pos < len(self.text) and self.text[self.pos] == "(":
                self.pos += 1
                self._next()
                arguments = self._sequence()
                if self.value != ")":
                    raise NotSimple
                self._next()
                return Term(value, tuple(arguments), self.source.location(start))
            self._next()
            return Term(value, (), self.source.location(start))
        if kind == "number":
            self._next()
            return _signed_number(value, self.source, start)
        if kind == "var":
            self._next()
            return self._variable(value)
        if kind == "string":
            self._next()
            return String(value[1:-1])
        if value == "[":
            location = self.source.location(start)
            self._next()
            if self.value == "]":
                self._next()
                return Term("[]", (), location)
            items, tail = self._sequence(), NIL
            if self.value == "|":
                self._next()
                tail = self._term()
            if self.value != "]":
                raise NotSimple
            self._next()
            for item in reversed(items):
                tail = Term(".", (item, tail), location)
            return tail
        raise NotSimple

    def _sequence(self) -> list[TermLike]:
        """Terms separated by ',' from the current token on; the token after them stays
        current."""
        items = [self._term()]
        while self.value == ",":
            self._next()
            items.append(self._term())
        return items

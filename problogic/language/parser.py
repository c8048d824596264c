"""The ProbLog parser: program text to terms with source locations.

The syntax is defined by ``grammar.lark``. lark compiles it into LALR(1) tables; this module
runs those tables with a small driver of its own (:class:`_Machine`), which builds terms as
rules are reduced, with a contextual lexer (each parser state only lexes the tokens it accepts,
so ``-(`` is a functor where a term starts and ``mod`` is an operator after a term). Running
the tables directly rather than through ``Lark.parse`` makes parsing several times faster; it
also means no parse tree, no recursion (a term nested thousands of levels deep is fine) and
errors that we phrase ourselves.

Syntax decisions that follow ProbLog's parser rather than ISO Prolog (see ``grammar.lark``):

* ``-`` applied as a prefix operator to a number is that negative number: ``-1``, ``- 1`` and
  ``- (1)`` are the integer -1, while ``-(1)`` (functional notation) is the compound ``-(1)``.
  As in ProbLog, ``-2**2`` is ``-(2**2)`` and ``-2^2`` is ``(-2)^2``.
* ``name<Var>`` in an argument is an aggregate of ProbLog's aggregate library
  (``p(D, avg<S>) :- ...``); it parses as ``'$aggregate'(name, Var)``, see
  :data:`AGGREGATE_FUNCTOR`.
* ``a <- b`` is read as ``a :- b``.

Between clauses the parser first tries :mod:`.facts`, which reads a fact without operators
directly; :mod:`.source` turns offsets into locations and reads escapes and numbers for both.
"""

from __future__ import annotations

import gc
import re
import threading
from pathlib import Path

from lark import Lark
from lark.parsers.lalr_analysis import Shift

from ..errors import ParseError, SourceLocation
from .facts import FactReader, NotSimple
from .program import Program, build_program
from .source import Source, number_value, unescape
from .terms import NIL, String, Term, TermLike, Var

AGGREGATE_FUNCTOR = "$aggregate"
"""Functor of ``name<Var>`` aggregate terms: ``avg<S>`` parses as ``'$aggregate'(avg, S)``."""

_GRAMMAR_FILE = Path(__file__).with_name("grammar.lark")

# Infix operators: an unexpected one is explained as a priority clash.
_INFIX_OPERATORS = frozenset(
    ":- --> <- ; | -> *-> , :: = \\= == \\== @< @> @=< @>= =.. is =:= =\\= < > =< >= =@= \\=@= "
    "=> : + - /\\ \\/ xor * / // rem mod div << >> ^ **".split()
)

_AGGREGATE = re.compile(r"(\w+)\s*<\s*(\w+)")


class _Builder:
    """What each rule of the grammar builds (the names are the aliases in grammar.lark).

    A token is a tuple ``(type, text, pos)``. Every term-building callback returns a pair
    ``(value, pos)``: the term and the offset of its first character. Numbers, variables and
    strings have no ``location``, so the pair is how ``X is Y + 1`` learns where it starts.
    """

    def __init__(self, source: Source):
        self.source = source
        self.loc = source.location
        self.variables: dict[str, Var] = {}

    # ---------------------------------------------------------------- program structure

    def clauses_empty(self, children):
        return []

    def clauses_more(self, children):
        clauses, clause = children
        clauses.append(clause)
        return clauses

    def clause(self, children):
        (term, pos), _end = children
        self.variables = {}  # the next clause has its own variables
        location = self.loc(pos)
        if not isinstance(term, Term):
            kind = "a variable" if isinstance(term, Var) else "not a callable term"
            raise ParseError(f"a clause must be an atom or a compound term, but it is {kind}",
                             location)
        if term.location is not location:  # a clause written in parentheses
            term = term.with_location(location)
        return term

    def query(self, children):
        return children[0][0]

    # ---------------------------------------------------------------- operators

    def infix(self, children):
        (left, pos), (_, op, _), (right, _) = children
        return Term(":-" if op == "<-" else op, (left, right), self.loc(pos)), pos

    def prefix(self, children):
        (_, op, pos), (operand, _) = children
        if op == "-" and type(operand) in (int, float):
            return -operand, pos
        return Term(op, (operand,), self.loc(pos)), pos

    def negative_number(self, children):
        (_, _, pos), (_, text, number_pos) = children
        return -number_value(text, self.source, number_pos), pos

    # ---------------------------------------------------------------- primary terms

    def atom(self, children):
        _, text, pos = children[0]
        return Term(text, (), self.loc(pos)), pos

    operator_atom = atom
    solo_atom = atom

    def quoted_atom(self, children):
        _, text, pos = children[0]
        return Term(unescape(text[1:-1], "'", self.source, pos), (), self.loc(pos)), pos

    def empty_list(self, children):
        return Term("[]", (), self.loc(children[0][2])), children[0][2]

    def empty_curly(self, children):
        return Term("{}", (), self.loc(children[0][2])), children[0][2]

    def var(self, children):
        _, name, pos = children[0]
        if name == "_":
            return Var("_"), pos  # every '_' is a fresh variable
        variable = self.variables.get(name)
        if variable is None:
            variable = self.variables[name] = Var(name)
        return variable, pos

    def number(self, children):
        _, text, pos = children[0]
        return number_value(text, self.source, pos), pos

    def string(self, children):
        _, text, pos = children[0]
        return String(unescape(text[1:-1], '"', self.source, pos)), pos

    def compound(self, children):
        (_, name, pos), arguments = children
        if name[0] == "'":
            name = unescape(name[1:-1], "'", self.source, pos)
        return Term(name, tuple(arguments), self.loc(pos)), pos

    def arguments_first(self, children):
        return [children[0][0]]

    def arguments_more(self, children):
        arguments, (value, _) = children
        arguments.append(value)
        return arguments

    def paren(self, children):
        (_, _, pos), (term, _) = children
        return term, pos

    def list(self, children):
        (_, _, pos), items = children
        return self._list(items, NIL, pos)

    def partial_list(self, children):
        (_, _, pos), items, (tail, _) = children
        return self._list(items, tail, pos)

    def _list(self, items, tail, pos):
        location = self.loc(pos)
        result = tail
        for item in reversed(items):
            result = Term(".", (item, result), location)
        return result, pos

    def curly(self, children):
        (_, _, pos), (term, _) = children
        return Term("{}", (term,), self.loc(pos)), pos

    def aggregate(self, children):
        _, text, pos = children[0]
        name, variable_name = _AGGREGATE.match(text).groups()
        variable, _ = self.var([("VAR", variable_name, pos)])
        location = self.loc(pos)
        return Term(AGGREGATE_FUNCTOR, (Term(name, (), location), variable), location), pos


class _Machine:
    """lark's LALR tables for grammar.lark, run by a loop of our own (see the module doc)."""

    def __init__(self) -> None:
        # cache=True: lark keeps the analysed grammar in a file in the temporary directory
        # (keyed by the grammar and lark's version), 100 ms of every process's first parse
        lark = Lark(_GRAMMAR_FILE.read_text(encoding="utf-8"), parser="lalr", lexer="basic",
                    start=["start", "query"], cache=True)
        # The tables are not public API in lark 1.x, but have kept this name and shape.
        table = lark.parser.parser._parse_table
        self.start_states = table.start_states
        self.end_states = table.end_states
        self.terminals = {t.name: t for t in lark.terminals}
        self.ignore = frozenset(lark.lexer_conf.ignore)
        assert "UNTERMINATED_COMMENT" in self.ignore
        # Per state: terminal -> next state (an int) or the reduction (a tuple); rule -> goto.
        self.actions: dict[int, dict[str, object]] = {}
        reductions: dict[object, tuple] = {}
        for state, row in table.states.items():
            entry = self.actions[state] = {}
            for symbol, (action, arg) in row.items():
                symbol = str(symbol)  # lark's Token compares slowly
                if action is Shift:
                    entry[symbol] = arg
                else:
                    if arg not in reductions:
                        reductions[arg] = self._reduction(arg)
                    entry[symbol] = reductions[arg]
        # Layout and comments: every ignored terminal but the unterminated comment, which is
        # lexed as a token so that it can be reported.
        layout = "|".join(self.terminals[n].pattern.to_regexp() for n in sorted(self.ignore)
                          if n != "UNTERMINATED_COMMENT")
        self.skip = f"(?:{layout})*"
        self.skip_match = re.compile(self.skip).match
        self.scanners: dict[frozenset, tuple] = {}
        # The end token is lexed everywhere, so that a clause ending too early is reported as
        # such rather than as a '.' atom.
        self.state_scanners = {
            state: self._scanner(frozenset(s for s in row if s in self.terminals)
                                 | {"END", "UNTERMINATED_COMMENT"})
            for state, row in self.actions.items()}
        self.root_scanner = self._scanner(frozenset(self.terminals) - self.ignore
                                          | {"UNTERMINATED_COMMENT"})

    @staticmethod
    def _reduction(rule) -> tuple:
        """(size, rule name, callback name or None, kept child indices or None).

        Mirrors lark's tree building: anonymous punctuation is dropped unless the rule keeps all
        tokens (``!``), and a ``?`` rule with one remaining child passes that child through.
        """
        keep_all = rule.options.keep_all_tokens
        kept = [i for i, symbol in enumerate(rule.expansion)
                if keep_all or not (symbol.is_term and symbol.filter_out)]
        size = len(rule.expansion)
        if rule.options.expand1 and not rule.alias and len(kept) == 1:
            return size, str(rule.origin.name), None, kept
        name = str(rule.alias or rule.origin.name)
        return size, str(rule.origin.name), name, None if len(kept) == size else kept

    def _scanner(self, names: frozenset) -> tuple:
        """One regular expression for the tokens a state accepts, as lark's lexer builds it:
        by priority, then longest pattern first; a name or symbol atom that spells an
        accepted operator (a string terminal) is typed as that operator.

        The expression first skips layout and comments (the ignored terminals), atomically:
        ``(?=(skip))\\1`` never gives back what it skipped, so a failed match cannot find a
        token inside a comment.
        """
        if names in self.scanners:
            return self.scanners[names]
        terminals = [self.terminals[n] for n in names]
        strings = [t for t in terminals if t.pattern.type == "str"]
        retype: dict[str, dict[str, str]] = {}
        embedded = set()
        for regex_terminal in terminals:
            if regex_terminal.pattern.type != "re":
                continue
            pattern = re.compile(regex_terminal.pattern.to_regexp())
            for s in strings:
                if s.priority == regex_terminal.priority and pattern.fullmatch(s.pattern.value):
                    retype.setdefault(regex_terminal.name, {})[s.pattern.value] = s.name
                    embedded.add(s.name)
        terminals = [t for t in terminals if t.name not in embedded]
        terminals.sort(key=lambda t: (-t.priority, -t.pattern.max_width,
                                      -len(t.pattern.value), t.name))
        alternatives = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)
        regex = re.compile(f"(?=({self.skip}))\\1(?:{alternatives})")
        self.scanners[names] = scanner = (regex.match, retype)
        return scanner

    def parse(self, text: str, file: str | None, start: str):
        # Parsing allocates many objects and frees none, which makes Python's cyclic garbage
        # collector run over and over for nothing (a third of the time); terms hold no cycles.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._parse(text, file, start)
        finally:
            if collecting:
                gc.enable()

    def _parse(self, text: str, file: str | None, start: str):
        source = Source(text, file)
        builder = _Builder(source)
        actions = self.actions
        state_scanners = self.state_scanners
        end_state = self.end_states[start]
        state_stack = [self.start_states[start]]
        value_stack: list = []
        pos, last_end = 0, 0
        callbacks: dict[str, object] = {}
        between = None  # the state between two clauses, where FactReader is tried
        if start == "start":
            # Every input starts by reducing the empty list of clauses: done here, so the
            # first clause may be a simple fact too.
            between = self.actions[state_stack[0]]["clauses"]
            state_stack.append(between)
            value_stack.append([])
            facts = FactReader(text, source)
            skip = self.skip_match

        while True:
            state = state_stack[-1]
            if state == between:
                try:
                    clause, end = facts.read(skip(text, pos).end())
                except NotSimple:
                    pass
                else:
                    value_stack[-1].append(clause)
                    pos = last_end = end
                    continue
            # ---- next token, lexed with the scanner of the current state
            match, retype = state_scanners[state]
            m = match(text, pos)
            if m is not None:
                kind = m.lastgroup
                if kind == "UNTERMINATED_COMMENT":
                    raise source.error("unterminated block comment (missing '*/')",
                                       m.start(kind))
                value = m.group(kind)
                token_pos = m.start(kind)
                if kind in retype:
                    kind = retype[kind].get(value, kind)
                token = (kind, value, token_pos)
                pos = last_end = m.end()
            else:
                pos = self.skip_match(text, pos).end()
                if pos < len(text):
                    raise self._lex_error(source, pos, state)
                kind = "$END"
                token = (kind, "", last_end)  # a missing '.' is reported after the last token
            # ---- reduce as long as the table says so, then shift the token
            while True:
                action = actions[state].get(kind)
                if action is None:
                    raise self._syntax_error(source, token, state)
                if type(action) is int:
                    state_stack.append(action)
                    value_stack.append(token)
                    break
                size, origin, name, kept = action
                if name is None and size == 1:  # a `?rule: other` step: only the state changes
                    state = actions[state_stack[-2]][origin]
                    if state == end_state:
                        return value_stack[-1]
                    state_stack[-1] = state
                    continue
                if size:
                    children = value_stack[-size:]
                    del value_stack[-size:]
                    del state_stack[-size:]
                else:
                    children = []
                if kept is not None:
                    children = [children[i] for i in kept]
                if name is None:
                    value = children[0]
                else:
                    callback = callbacks.get(name)
                    if callback is None:
                        callback = callbacks[name] = getattr(builder, name)
                    value = callback(children)
                state = actions[state_stack[-1]][origin]
                if state == end_state:
                    return value
                state_stack.append(state)
                value_stack.append(value)

    # ---------------------------------------------------------------- errors

    def _lex_error(self, source: Source, pos: int, state: int) -> ParseError:
        """No token the state accepts starts at pos: say what is there instead."""
        match, retype = self.root_scanner
        m = match(source.text, pos)
        if m is None:
            char = source.text[pos]
            if char == "'":
                message = "unterminated quoted atom (a quoted atom must end on its line)"
            elif char == '"':
                message = "unterminated string (a string must end on its line)"
            else:
                message = f"unexpected character {char!r}"
            return source.error(message, pos)
        kind, value = m.lastgroup, m.group(m.lastgroup)
        kind = retype.get(kind, {}).get(value, kind)
        return self._syntax_error(source, (kind, value, pos), state)

    def _syntax_error(self, source: Source, token: tuple, state: int) -> ParseError:
        kind, value, pos = token
        expected = self.actions[state]
        if kind == "$END":
            if not source.text.strip():
                return source.error("unexpected end of input: no term", pos)
            if "END" in expected:
                return source.error(
                    "unexpected end of input: missing '.' at the end of the clause", pos)
            return source.error("unexpected end of input: the term is incomplete", pos)
        if kind == "END":
            return source.error("unexpected '.': the clause ends before the term is complete",
                                pos)
        if value in _INFIX_OPERATORS:
            return source.error(
                f"unexpected operator '{value}': operator priority clash (add parentheses)", pos)
        message = f"unexpected '{value}'"
        before = source.text[:pos]
        if value == "(" and re.search(r"[\w'\]}]\s+$", before):
            message += " (write a compound term without a space before '(')"
        elif "END" in expected and before.rstrip(" \t").endswith("\n"):
            message += " (missing '.' at the end of the previous clause?)"
        elif "END" in expected or "RPAR" in expected or "RSQB" in expected:
            message += " (missing operator or ','?)"
        return source.error(message, pos)


_MACHINE: _Machine | None = None
_MACHINE_LOCK = threading.Lock()


def _machine() -> _Machine:
    global _MACHINE
    with _MACHINE_LOCK:
        if _MACHINE is None:
            _MACHINE = _Machine()
    return _MACHINE


def parse_terms(text: str, file: str | None = None) -> list[TermLike]:
    """Parse every clause of a program text.

    Each clause ends with a '.' followed by whitespace, '%' or the end of the text. The result
    holds one :class:`Term` per clause, located at the clause's first character; its compound
    and atom subterms carry their own locations. Variables with the same name in one clause are
    the same :class:`Var`; each ``_`` is a fresh one; clauses never share variables.

    >>> [str(t) for t in parse_terms("p(X) :- q(X, _).  0.3::a.")]
    ['p(X) :- q(X,_)', '0.3::a']

    Raises :class:`ParseError` with the location of the offending token.
    """
    return _machine().parse(text, file, "start")


def parse_term(text: str) -> TermLike:
    """Parse one term, such as a query ``"addition(X, Y, Z)"``; a final '.' is optional.

    >>> parse_term("f(X, [1, 2 | T], 'A b')")
    f(X,[1, 2 | T],'A b')
    """
    return _machine().parse(text, None, "query")


def decode_source(data: bytes, file: str | None = None) -> str:
    """A program file's bytes as text: UTF-8, a leading byte order mark dropped; an invalid
    byte is a :class:`ParseError` at its line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8-sig")
        line_start = before.rfind("\n") + 1
        raise ParseError(f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
                         SourceLocation(before.count("\n") + 1, len(before) - line_start + 1,
                                        file)) from None


def parse_program(text: str, file: str | None = None) -> Program:
    """Parse a program text into a :class:`Program` of clauses and directives."""
    return build_program(parse_terms(text, file), file)

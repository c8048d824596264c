"""Prolog terms.

A term is one of:

* :class:`Term`: an atom (``arity == 0``) or a compound ``functor(arg, ...)``;
* :class:`Var`: a logic variable, equal only to itself;
* ``int`` or ``float``: a number, used as is;
* :class:`String`: a double-quoted string.

Terms are immutable and hashable. A :class:`Term` caches its hash when it is built, so hashing a
deeply nested term costs O(arity), never a recursion over the whole term.
"""

from __future__ import annotations

from itertools import count
from typing import Iterator, Union

from ..errors import SourceLocation

_var_serials = count()


class Var:
    """A logic variable. Two variables are the same variable only if they are the same object;
    ``name`` is for printing and error messages; ``serial`` numbers variables in creation order,
    which the standard order of terms uses to order variables reproducibly."""

    __slots__ = ("name", "serial")

    def __init__(self, name: str = "_"):
        self.name = name
        self.serial = next(_var_serials)

    def __repr__(self) -> str:
        return self.name


class String:
    """A double-quoted string literal."""

    __slots__ = ("value", "_hash")

    def __init__(self, value: str):
        self.value = value
        self._hash = hash(("$string", value))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, String) and other.value == self.value

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        from .printing import format_term

        return format_term(self)


class Term:
    """An atom or a compound term.

    ``location`` records where the term was written (for error messages); it takes no part in
    equality or hashing.
    """

    __slots__ = ("functor", "args", "location", "ground", "_hash")

    def __init__(self, functor: str, args: tuple = (), location: SourceLocation | None = None):
        self.functor = functor
        self.args = args
        self.location = location
        if not args:  # an atom: half the cost of the loop below
            self.ground = True
            self._hash = hash((functor, args, 0))
            return
        # Cached so that unification and substitution skip ground subterms in O(1).
        ground = True
        floats = 0  # positions of float arguments: f(1) and f(1.0) are different terms
        for i, a in enumerate(args):
            t = type(a)
            if t is float:
                floats |= 1 << i
            elif t is Var or (t is Term and not a.ground):
                ground = False
        self.ground = ground
        # Equal tuples of args may still differ in int/float; the mask keeps their hashes
        # apart, and __eq__ compares hashes first.
        self._hash = hash((functor, args, floats))

    @property
    def arity(self) -> int:
        return len(self.args)

    @property
    def signature(self) -> tuple[str, int]:
        return (self.functor, len(self.args))

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return (
            isinstance(other, Term)
            and self._hash == other._hash
            and self.functor == other.functor
            and self.args == other.args
        )

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        from .printing import format_term

        return format_term(self)

    __str__ = __repr__

    def with_location(self, location: SourceLocation | None) -> "Term":
        return Term(self.functor, self.args, location)


TermLike = Union[Term, Var, int, float, String]

NIL = Term("[]")
TRUE = Term("true")
FAIL = Term("fail")


def atom(name: str) -> Term:
    return Term(name)


def compound(functor: str, *args: TermLike) -> Term:
    return Term(functor, tuple(args))


def make_list(items, tail: TermLike = NIL) -> TermLike:
    """Build the Prolog list ``[items | tail]`` without recursion."""
    result = tail
    for item in reversed(list(items)):
        result = Term(".", (item, result))
    return result


def iter_list(term: TermLike) -> tuple[list, TermLike]:
    """Split a (possibly partial) list into its items and its tail (``[]`` for a proper list)."""
    items = []
    while isinstance(term, Term) and term.functor == "." and len(term.args) == 2:
        items.append(term.args[0])
        term = term.args[1]
    return items, term


def is_number(term: TermLike) -> bool:
    return (isinstance(term, (int, float))) and not isinstance(term, bool)


def is_ground(term: TermLike) -> bool:
    """True when the term contains no variable."""
    return type(term) is not Var and (type(term) is not Term or term.ground)


def variables(term: TermLike) -> Iterator[Var]:
    """The variables of a term, each once, in left-to-right order of first occurrence."""
    seen: set[int] = set()
    stack = [term]
    while stack:
        t = stack.pop()
        if isinstance(t, Var):
            if id(t) not in seen:
                seen.add(id(t))
                yield t
        elif isinstance(t, Term) and t.args:
            stack.extend(reversed(t.args))


def term_size(term: TermLike, cap: int) -> int:
    """The number of subterms of ``term`` (each argument of each compound, itself included),
    counted up to ``cap`` (a huge term is not walked to its end)."""
    size = 0
    stack = [term]
    while stack and size < cap:
        t = stack.pop()
        size += 1
        if type(t) is Term and t.args:
            stack.extend(t.args)
    return size


def conjuncts(body: TermLike) -> list[TermLike]:
    """Flatten ``(a, (b, c))`` into ``[a, b, c]``."""
    out = []
    stack = [body]
    while stack:
        t = stack.pop()
        if isinstance(t, Term) and t.functor == "," and len(t.args) == 2:
            stack.append(t.args[1])
            stack.append(t.args[0])
        else:
            out.append(t)
    return out

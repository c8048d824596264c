"""Errors raised by problogic.

Every error a user can cause derives from :class:`ProblogicError` and carries, where one exists,
the source location it refers to, so that the command line can print
``FILE:LINE:COL: error: message``.
"""

from __future__ import annotations


class SourceLocation:
    """A position in a program text: 1-based line and column, and the file name if any.
    Treated as immutable. (A class with slots rather than a frozen dataclass: a parse of a
    data-heavy program makes one per term, and the dataclass took four times as long.)"""

    __slots__ = ("line", "column", "file")

    def __init__(self, line: int, column: int, file: str | None = None):
        self.line, self.column, self.file = line, column, file

    def __eq__(self, other: object) -> bool:
        return (type(other) is SourceLocation and self.line == other.line
                and self.column == other.column and self.file == other.file)

    def __hash__(self) -> int:
        return hash((self.line, self.column, self.file))

    def __repr__(self) -> str:
        return f"SourceLocation(line={self.line}, column={self.column}, file={self.file!r})"

    def __str__(self) -> str:
        return f"{self.file or '<string>'}:{self.line}:{self.column}"


class ProblogicError(Exception):
    """Base class of every error caused by a program, its data or its limits."""

    def __init__(self, message: str, location: SourceLocation | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class ParseError(ProblogicError):
    """The program text is not valid ProbLog syntax."""


class ProgramError(ProblogicError):
    """The program is syntactically valid but meaningless: a bad probability, an annotated
    disjunction summing above 1, a malformed directive, ..."""


class GroundingError(ProblogicError):
    """Grounding failed: unknown predicate, non-ground arithmetic, a type error in a builtin,
    a non-ground probabilistic query, a negative cycle, ..."""


class UnknownPredicateError(GroundingError):
    """A goal calls a predicate that has no clauses and is not a builtin."""


class NegativeCycleError(GroundingError):
    """The ground program has a cycle through negation, which ProbLog's semantics excludes."""


class CycleError(GroundingError):
    """A predicate depends on itself through an all-solutions predicate (findall/3, an
    aggregate, subquery/2): its answers would be defined by themselves."""


class LimitExceededError(ProblogicError):
    """A configured limit (resolution depth, ground program size, wall time) was reached."""


class InconsistentEvidenceError(ProblogicError):
    """The evidence has probability zero, so no conditional probability exists."""

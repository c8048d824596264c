"""The ProbLog language: terms, the parser and the printer.

>>> from problogic.language import parse_term, format_term
>>> format_term(parse_term("path(a, X) :- edge(a, Y), path(Y, X)"))
'path(a,X) :- edge(a,Y), path(Y,X)'
"""

from .parser import AGGREGATE_FUNCTOR, parse_program, parse_term, parse_terms
from .printing import format_atom, format_term

__all__ = [
    "AGGREGATE_FUNCTOR",
    "format_atom",
    "format_term",
    "parse_program",
    "parse_term",
    "parse_terms",
]

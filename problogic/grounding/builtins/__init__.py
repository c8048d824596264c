"""The builtin predicates, by (name, arity)."""

from .arith import ARITH
from .control import CONTROL
from .solutions import SOLUTIONS
from .terms import TERMS

BUILTINS = {**CONTROL, **TERMS, **ARITH, **SOLUTIONS}

__all__ = ["BUILTINS"]

"""The builtin predicates, by (name, arity)."""

from .arith import ARITH
from .atoms import ATOMS
from .control import CONTROL
from .problog import PROBLOG
from .solutions import SOLUTIONS
from .terms import TERMS

BUILTINS = {**CONTROL, **TERMS, **ARITH, **SOLUTIONS, **ATOMS, **PROBLOG}

# Never redefinable by a program.
CONTROL_CONSTRUCTS = frozenset(CONTROL) | {("findall", 3), ("forall", 2), ("=", 2), ("is", 2)}

__all__ = ["BUILTINS", "CONTROL_CONSTRUCTS"]

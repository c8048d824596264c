"""The builtin predicates, by (name, arity)."""

from .arith import ARITH
from .atoms import ATOMS
from .control import CONTROL
from .data_files import DATA_FILES
from .database import DATABASE
from .lists import LISTS
from .problog import PROBLOG
from .output import OUTPUT
from .solutions import SOLUTIONS
from .strings import STRINGS
from .terms import TERMS

BUILTINS = {**CONTROL, **TERMS, **ARITH, **SOLUTIONS, **ATOMS, **STRINGS, **OUTPUT,
            **DATABASE, **DATA_FILES, **PROBLOG, **LISTS}

# Never redefinable by a program.
CONTROL_CONSTRUCTS = frozenset(CONTROL) | {("findall", 3), ("forall", 2), ("=", 2), ("is", 2)}

# Arguments whose variables a builtin never binds (negated goals, the templates and goals of
# all-solutions predicates): they do not tell ground instances of a probabilistic clause apart.
LOCAL_ARGUMENTS = {
    ("\\+", 1): (0,), ("not", 1): (0,), ("forall", 2): (0, 1), ("findall", 3): (0, 1),
    ("aggregate_all", 3): (0, 1), ("all", 3): (0, 1), ("all_or_none", 3): (0, 1),
    ("$aggregate", 5): (1, 3),
    **{("\\+", n): tuple(range(n)) for n in range(2, 17)},
}

__all__ = ["BUILTINS", "CONTROL_CONSTRUCTS", "LOCAL_ARGUMENTS"]

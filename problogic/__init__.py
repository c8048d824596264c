"""problogic: exact, differentiable probabilistic logic programming (ProbLog) in Python.

>>> import problogic as pl
>>> pl.evaluate('''
... 0.6::rain. 0.3::sprinkler.
... wet :- rain.
... wet :- sprinkler.
... query(wet).
... ''')
{'wet': 0.72}
"""

from .errors import (CycleError, GroundingError, InconsistentEvidenceError, LimitExceededError,
                     NegativeCycleError, ParseError, ProblogicError, ProgramError,
                     SourceLocation, UnknownPredicateError)
from .limits import Limits
from .logic.kbest import KBest
from .pipeline import RunResult, run
from .program_api import Program


def __getattr__(name: str):
    # pl.Model on first use: it needs torch, whose import (over a second) a ProbLog user of
    # the command line or of pl.evaluate never pays
    if name == "Model":
        from .neural import Model

        return Model
    raise AttributeError(f"module 'problogic' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "Model"})


def evaluate(source: str, limits: Limits | None = None, **limit_options) -> dict[str, float]:
    """Exact marginal probabilities P(query | evidence) of all queries of a ProbLog program."""
    return run(source, limits=limits, **limit_options).probabilities


__all__ = [
    "evaluate", "run", "Program", "RunResult", "Limits", "Model", "KBest",
    "ProblogicError", "ParseError", "ProgramError", "GroundingError", "UnknownPredicateError",
    "NegativeCycleError", "CycleError", "LimitExceededError", "InconsistentEvidenceError", "SourceLocation",
]

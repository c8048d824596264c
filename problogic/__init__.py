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

from .errors import (GroundingError, InconsistentEvidenceError, LimitExceededError,
                     NegativeCycleError, ParseError, ProblogicError, ProgramError,
                     SourceLocation, UnknownPredicateError)
from .limits import Limits
from .logic.kbest import KBest
from .neural import Model
from .pipeline import RunResult, run
from .program_api import Program


def evaluate(source: str, limits: Limits | None = None, **limit_options) -> dict[str, float]:
    """Exact marginal probabilities P(query | evidence) of all queries of a ProbLog program."""
    return run(source, limits=limits, **limit_options).probabilities


__all__ = [
    "evaluate", "run", "Program", "RunResult", "Limits", "Model", "KBest",
    "ProblogicError", "ParseError", "ProgramError", "GroundingError", "UnknownPredicateError",
    "NegativeCycleError", "LimitExceededError", "InconsistentEvidenceError", "SourceLocation",
]

"""Grounding one query after another with shared tables (:class:`GroundingSession`)."""

from __future__ import annotations

from ..errors import LimitExceededError
from ..language.program import Program
from ..language.terms import Term
from ..limits import Deadline, Limits
from .engine import Grounder, ground_with
from .ground_program import GroundProgram


class GroundingSession:
    """Grounds one goal after another with the same tables, as a model meets new query
    shapes: what one query grounded (the ``number/3`` tables of DeepProbLog's addition, for
    every sum) is not grounded again for the next.

    Each call returns the session's ground program with the call's queries and evidence as
    its roots (valid until the next call); the later stages read only what the roots reach.
    The program grows with every call: past ``budget`` nodes the next call starts afresh, and
    a call that exceeds a limit of ``limits`` is grounded again alone before the error counts
    (limits mean what they mean for one grounding). The answers are those of a fresh
    grounding; the order of a query's nodes, and so its circuit's layout and rounding, may
    depend on the queries grounded before it."""

    def __init__(self, program: Program, limits: Limits | None = None,
                 budget: int = 1_000_000):
        self.program = program
        self.limits = limits or Limits()
        self.budget = min(budget, self.limits.max_ground_size // 2)
        self._grounder: Grounder | None = None

    def ground(self, goals: list[Term], deadline: Deadline) -> GroundProgram:
        grounder = self._grounder
        if grounder is not None and len(grounder.ground_program) > self.budget:
            grounder = None
        try:
            return self._ground(grounder, goals, deadline)
        except LimitExceededError:
            if grounder is None:
                raise
            return self._ground(None, goals, deadline)

    def close(self) -> None:
        """Free the tables now: the grounder and its choice factory refer to each other, so
        reference counting alone would keep them until the collector's next pass. The ground
        program last returned stays valid."""
        if self._grounder is not None:
            self._grounder.choices = None
            self._grounder = None

    def _ground(self, grounder: Grounder | None, goals, deadline) -> GroundProgram:
        fresh = grounder is None
        if fresh:
            grounder = Grounder(self.program, self.limits, deadline)
        else:
            grounder.deadline = deadline
            grounder.ground_program.queries, grounder.ground_program.evidence = [], []
        self._grounder = None  # until the call succeeds: a failed one leaves tables half done
        try:
            result = ground_with(grounder, goals, False, run_directives=fresh)
        except BaseException:
            grounder.choices = None  # its one cycle: free it now
            raise
        self._grounder = grounder
        return result

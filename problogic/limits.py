"""Configurable resource limits. Each ends in a clean :class:`LimitExceededError`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from numbers import Integral

from .errors import LimitExceededError, SourceLocation


@dataclass(frozen=True)
class Limits:
    """``max_depth``: nested calls during grounding (catches unbounded recursion such as
    ``p(X) :- p(s(X))``); ``max_ground_size``: nodes of the ground program and of the compiled
    diagram; ``timeout``: wall-clock seconds for the whole pipeline (``None``: no limit);
    ``compile_timeout``: wall-clock seconds for knowledge compilation alone (ProbLog's
    ``--compile-timeout``; ``None``: only ``timeout``)."""

    max_depth: int = 10_000
    max_ground_size: int = 5_000_000
    timeout: float | None = 600.0
    compile_timeout: float | None = None

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_ground_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} = {value!r} must be a positive integer")
        for name in ("timeout", "compile_timeout"):
            value = getattr(self, name)
            if value is not None and not value > 0:  # also NaN
                raise ValueError(f"{name} = {value!r} must be positive seconds or None")


class Deadline:
    """Checks the wall-clock limit cheaply from hot loops (the clock is read every N calls);
    ``option``: the command-line option that raises it, for the message."""

    __slots__ = ("end", "timeout", "option", "_countdown")

    def __init__(self, timeout: float | None, option: str = "--timeout"):
        self.timeout, self.option = timeout, option
        self.end = None if timeout is None else time.monotonic() + timeout
        self._countdown = 0

    def sooner(self, seconds: float | None, option: str) -> "Deadline":
        """This deadline, or one ``seconds`` from now (raised with ``option``) if that comes
        first."""
        if seconds is None:
            return self
        other = Deadline(seconds, option)
        return self if self.end is not None and self.end <= other.end else other

    def check(self, stage: str, location: SourceLocation | None = None) -> None:
        if self.end is None:
            return
        self._countdown -= 1
        if self._countdown > 0:
            return
        self._countdown = 256
        if time.monotonic() > self.end:
            raise LimitExceededError(
                f"time limit of {self.timeout:g} s exceeded during {stage} "
                f"(raise it with {self.option})", location)

    def check_now(self, stage: str, location: SourceLocation | None = None) -> None:
        """:meth:`check`, reading the clock this time: for steps that cost more than a
        clock read (a pass over a recursive component)."""
        self._countdown = 0
        self.check(stage, location)

"""ProbLog 2.3 as an oracle for the test suite (a helper module, not a test).

ProbLog is used only to *compute expected answers*; nothing here is copied into problogic.

* :func:`problog_marginals` runs ProbLog on a program text and returns ``{str(atom): prob}`` in
  ProbLog's own result order (the order in which its grounder met the queries). Errors are
  ProbLog's own exceptions (in process) or :class:`OracleError` (in a subprocess).
* :func:`problog_cli_output` runs ProbLog's command line on a file and returns its stdout.
* :func:`knowledge_compiler` names the compiler used: ``"sdd"`` when PySDD is importable, else
  ``"ddnnf"`` (the dsharp binary shipped with the problog wheel). Both are exact.

In-process calls are fast (tens of milliseconds) and are what the property tests use. With
``timeout=`` the program runs in a fresh Python subprocess, so a program on which ProbLog loops
forever (ProbLog has no recursion limit: ``p(X) :- p(s(X)).`` runs until killed) cannot hang the
caller; :class:`OracleTimeout` is raised then. ``in_process_timeout=`` bounds an in-process call
with a timer signal instead (main thread, POSIX): ProbLog's cycle breaking stalled for minutes
on some of the random programs of ``make fuzz``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class OracleTimeout(Exception):
    """ProbLog did not finish within the time limit."""


@dataclass
class OracleError(Exception):
    """ProbLog raised an error (reported from a subprocess).

    ``name`` is the class name of ProbLog's exception (``UnknownClause``, ``ParseError``, ...),
    ``line``/``column`` are ProbLog's location for it (1-based) or None.
    """

    name: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f" at {self.line}:{self.column}" if self.line is not None else ""
        return f"{self.name}{where}: {self.message}"


def problog_available() -> bool:
    try:
        import problog  # noqa: F401
    except ImportError:
        return False
    return True


def knowledge_compiler() -> str:
    try:
        import pysdd  # noqa: F401
    except ImportError:
        return "ddnnf"
    return "sdd"


def _evaluate_in_process(source: str) -> dict[str, float]:
    from problog import get_evaluatable
    from problog.program import PrologString

    formula = get_evaluatable(knowledge_compiler()).create_from(PrologString(source))
    result = formula.evaluate()
    return {str(atom): float(prob) for atom, prob in result.items()}


def error_location(err: BaseException) -> tuple[int | None, int | None]:
    """ProbLog's (line, column) for one of its exceptions, or (None, None)."""
    location = getattr(err, "location", None)
    if isinstance(location, tuple) and len(location) == 3 and location[1]:
        return int(location[1]), int(location[2])
    return None, None


class _Alarm(BaseException):
    """The timer of :func:`_time_limit` fired (a BaseException: ProbLog's own ``except
    Exception`` clauses must not swallow it)."""


@contextmanager
def _time_limit(seconds: float | None):
    if seconds is None or not hasattr(signal, "setitimer"):
        yield
        return

    def fire(signum, frame):
        raise _Alarm

    previous = signal.signal(signal.SIGALRM, fire)
    # then every 0.25 s: a signal that lands in a finalizer is only printed ("Exception
    # ignored in"), and a one-shot timer then never stopped ProbLog
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield
    except _Alarm:
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise OracleTimeout(f"ProbLog ran for more than {seconds} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def problog_marginals(source: str, timeout: float | None = None,
                      in_process_timeout: float | None = None) -> dict[str, float]:
    """Exact marginals of the queries of ``source`` according to ProbLog (SDD compiler).

    Without ``timeout`` ProbLog runs in this process and its own exceptions propagate
    (``in_process_timeout``: :class:`OracleTimeout` after that many seconds). With a
    ``timeout`` (seconds) it runs in a subprocess: errors come back as :class:`OracleError`, and
    :class:`OracleTimeout` is raised when the limit is reached.
    """
    if timeout is None:
        with _time_limit(in_process_timeout):
            return _evaluate_in_process(source)
    try:
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve())],
            input=source,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise OracleTimeout(f"ProbLog ran for more than {timeout} s") from None
    if completed.returncode != 0 or not completed.stdout.strip():
        raise RuntimeError(f"oracle subprocess failed:\n{completed.stderr}")
    answer = json.loads(completed.stdout)
    if "error" in answer:
        raise OracleError(answer["error"], answer["message"], answer["line"], answer["column"])
    return {atom: prob for atom, prob in answer["marginals"]}


def problog_cli_output(path: str | os.PathLike, timeout: float = 60) -> tuple[int, str]:
    """Run ``problog PATH`` (ProbLog's own command line) and return (exit code, stdout)."""
    completed = subprocess.run(
        [sys.executable, "-m", "problog", "-k", knowledge_compiler(), str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return completed.returncode, completed.stdout


def _main() -> None:
    """Subprocess entry point: program text on stdin, one JSON object on stdout."""
    sys.setrecursionlimit(100_000)
    source = sys.stdin.read()
    try:
        marginals = _evaluate_in_process(source)
    except Exception as err:  # every ProbLog error is reported, not raised
        line, column = error_location(err)
        answer = {"error": type(err).__name__, "message": str(err), "line": line, "column": column}
    else:
        # a list of pairs keeps ProbLog's result order
        answer = {"marginals": [[atom, prob] for atom, prob in marginals.items()]}
    print(json.dumps(answer))


if __name__ == "__main__":
    _main()

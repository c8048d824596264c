"""ProbLog's output builtins: write/N, writenl/N, writeln/N, nl/0, debugprint/N and error/N.

They act while the program is grounded: write, writenl, writeln and nl print to standard
output (before the answers), debugprint to standard error, and error ends the run with the
message at the call's location. A recursive component is evaluated in passes until its
answers stop changing; a pass that runs a body again prints only what the earlier passes did
not (per table, call and text: the n-th print of the same text is new when no pass printed it
n times), so that each derivation prints once, as in ProbLog.
"""

from __future__ import annotations

import sys

from ...language.printing import format_term
from .base import Registry, error

OUTPUT: Registry = {}

MAX_ARITY = 8


def _text(g, term) -> str:
    """A term as ProbLog's write shows it: as written, without the quotes around an atom."""
    text = format_term(g.subst.resolve(term))
    if len(text) > 1 and text[0] == text[-1] == "'":
        return text[1:-1]
    return text


def _emit(g, goal, text: str, end: str = "\n", stream=None) -> None:
    """Print ``text``, unless an earlier pass over the same table printed it as often."""
    key = (g.path[-1] if g.path else None, goal.location, text)
    seen = g.printed.get(key)  # [pass, prints in that pass, most prints in an earlier pass]
    if seen is None:
        seen = g.printed[key] = [g.pass_token, 0, 0]
    elif seen[0] is not g.pass_token:
        seen[:] = [g.pass_token, 0, max(seen[1], seen[2])]
    seen[1] += 1
    if seen[1] > seen[2]:
        print(text, end=end, file=stream or sys.stdout)


def _write(g, goal, depth):
    _emit(g, goal, " ".join(_text(g, a) for a in goal.args), end="")
    yield ()


def _writenl(g, goal, depth):
    _emit(g, goal, " ".join(_text(g, a) for a in goal.args))
    yield ()


def _nl(g, goal, depth):
    _emit(g, goal, "")
    yield ()


def _debugprint(g, goal, depth):
    _emit(g, goal, " ".join(format_term(g.subst.resolve(a)) for a in goal.args),
          stream=sys.stderr)
    yield ()


def _error(g, goal, depth):
    raise error(g, "".join(_text(g, a) for a in goal.args), goal)
    yield  # a generator, like every builtin


OUTPUT[("nl", 0)] = _nl
for _arity in range(1, MAX_ARITY + 1):
    OUTPUT[("write", _arity)] = _write
    OUTPUT[("writenl", _arity)] = _writenl
    OUTPUT[("writeln", _arity)] = _writenl
    OUTPUT[("debugprint", _arity)] = _debugprint
    OUTPUT[("error", _arity)] = _error

"""Which known predicate a call to an undefined one probably meant, for its error message."""

from __future__ import annotations

import difflib
from typing import Iterable


def spelling_hint(signature: tuple[str, int], known: Iterable[tuple[str, int]]) -> str:
    """`` (did you mean 'edge/2'?)`` for a call to ``egde/2``, or ``''``: the same name with
    another arity first, else the closest name of the same arity, else of any arity.
    Helpers (names starting with ``$``) are never suggested.

    >>> spelling_hint(("egde", 2), [("edge", 2), ("path", 2)])
    " (did you mean 'edge/2'?)"
    >>> spelling_hint(("path", 3), [("edge", 2), ("path", 2)])
    " (did you mean 'path/2'?)"
    >>> spelling_hint(("colour", 1), [("edge", 2)])
    ''
    """
    name, arity = signature
    known = sorted({s for s in known if not s[0].startswith("$") and s != signature})
    same_name = [s for s in known if s[0] == name]
    if same_name:
        return f" (did you mean {_names(same_name)}?)"
    for candidates in ([s for s in known if s[1] == arity], known):
        close = difflib.get_close_matches(name, [s[0] for s in candidates], n=1, cutoff=0.75)
        if close:
            return f" (did you mean {_names([s for s in candidates if s[0] == close[0]])}?)"
    return ""


def _names(signatures: list[tuple[str, int]]) -> str:
    return " or ".join(f"'{n}/{a}'" for n, a in signatures)

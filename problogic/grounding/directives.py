"""Directives (``:- goal.``): libraries, the unknown-predicate flag, declarations; any other
directive is a goal, run once before the queries, as ProbLog runs it."""

from __future__ import annotations

from ..errors import ProgramError
from ..language.include import (KNOWN_LIBRARIES, UNSUPPORTED_LIBRARIES, included_file,
                                library_name)
from ..language.terms import Term


def run_directive(g, directive) -> None:
    goal = directive.goal
    location = directive.location
    if not isinstance(goal, Term):
        raise ProgramError(f"directive {goal!r} is not callable", location)
    name, arity = goal.functor, goal.arity
    if included_file(directive, g.program.library_folders) is not None:
        return  # a program file: its clauses and directives were added before grounding
    if name == "use_module" and arity in (1, 2):  # the list of imports of /2 is not checked
        library = library_name(goal.args[0])
        if library in UNSUPPORTED_LIBRARIES:
            raise ProgramError(f"library({library}) is not supported: "
                               f"{UNSUPPORTED_LIBRARIES[library]}", location)
        if library is None or library not in KNOWN_LIBRARIES:
            raise ProgramError(
                f"unknown library {goal.args[0]!r} (a library of your own: give its folder "
                "with -L DIR, or library_folders= in Python)", location)
        return
    if (name, arity) == ("unknown", 1):
        value = goal.args[0]
        if value not in (Term("fail"), Term("error")):
            raise ProgramError(f"unknown/1 expects fail or error, not {value!r}", location)
        g.unknown_fails = value == Term("fail")
        return
    if (name, arity) == ("module", 2):
        return  # one program, one name space: a module declaration changes nothing
    if name in ("dynamic", "discontiguous") and arity == 1:
        if name == "dynamic":
            for spec in _indicators(goal.args[0]):
                g.dynamic.add(spec)
        return
    if (name, arity) == ("set_prolog_flag", 2):
        g.flags[str(goal.args[0])] = goal.args[1]
        return
    # A goal: its first solution, bindings undone; one that fails is passed over, as in
    # ProbLog (assertz/1, csv_load/2 and writenl/1 are the usual ones).
    mark = g.subst.mark()
    g.clause_locations.append(location)
    try:
        for _ in g.solve(goal, 0):
            break
    finally:
        g.clause_locations.pop()
        g.subst.undo(mark)


def _indicators(term):
    stack = [term]
    while stack:
        t = stack.pop()
        if isinstance(t, Term) and t.functor == "," and t.arity == 2:
            stack.extend(t.args)
        elif isinstance(t, Term) and t.functor == "/" and t.arity == 2 and \
                isinstance(t.args[0], Term) and isinstance(t.args[1], int):
            yield (t.args[0].functor, t.args[1])

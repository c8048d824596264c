"""Programs that load other program files: ``:- consult(File).``, ``:- use_module(File).``,
and ``:- use_module(library(Name)).`` for a library of the user's.

As in ProbLog, a file name is relative to the directory of the program that names it (the
working directory for a program without a file), and ``.pl`` may be left out. A library that
is not one of ProbLog's (:data:`KNOWN_LIBRARIES`) is the file ``Name`` or ``Name.pl`` in the
first of the program's library folders that has it (``problogic -L DIR``, as ProbLog's
``-L``). The files' clauses and directives join the program's, each file once (however many
programs name it). Python files are refused: a program is data, not code.
"""

from __future__ import annotations

import os

from ..errors import ProgramError
from .program import Directive, Program
from .terms import String, Term

# Libraries ProbLog programs load, built in here (problogic.pipeline's LIBRARIES and
# OPTIONAL_LIBRARIES), and those refused.
KNOWN_LIBRARIES = {"lists", "apply", "aggregate", "collect", "string", "assert", "record",
                   "cut", "control", "scope", "builtin", "db"}
UNSUPPORTED_LIBRARIES = {"nlp4plp": "it is a research prototype outside ProbLog's core",
                         "aproblog": "algebraic ProbLog's semirings are not supported"}


def library_name(spec) -> str | None:
    """``name`` for ``library(name)``, else None."""
    if isinstance(spec, Term) and spec.functor == "library" and spec.arity == 1:
        inner = spec.args[0]
        if isinstance(inner, Term) and not inner.args:
            return inner.functor
    return None


def user_library(name: str | None, folders: tuple[str, ...]) -> str | None:
    """The file of library ``name`` in the first of ``folders`` that has it, absolute; None
    for ProbLog's own libraries and where no folder has it."""
    if name is None or name in KNOWN_LIBRARIES or name in UNSUPPORTED_LIBRARIES:
        return None
    for folder in folders:
        for candidate in (os.path.join(folder, name), os.path.join(folder, name + ".pl")):
            if os.path.isfile(candidate):
                return os.path.abspath(candidate)
    return None


def included_file(directive: Directive, library_folders: tuple[str, ...] = ()) -> str | None:
    """The file a ``consult/1`` or ``use_module/1,2`` directive names, or None for other
    directives (and for ``use_module(library(...))`` but a user library found in
    ``library_folders``). (use_module/2's list of imports is not checked: everything a file
    defines is visible.)"""
    goal = directive.goal
    if not (isinstance(goal, Term) and (goal.signature == ("consult", 1) or
                                        goal.functor == "use_module" and goal.arity in (1, 2))):
        return None
    spec = goal.args[0]
    if isinstance(spec, String):
        return spec.value
    if isinstance(spec, Term) and not spec.args:
        return spec.functor
    if goal.functor == "consult" or not (isinstance(spec, Term) and spec.functor == "library"):
        raise ProgramError(f"{goal.functor}/1 expects a file name, not {spec!r}",
                           directive.location)
    return user_library(library_name(spec), library_folders)


def with_included_files(program: Program) -> Program:
    """The program with the clauses and directives of the files it loads, recursively."""
    from .parser import decode_source, parse_program

    folders = program.library_folders
    if not any(included_file(d, folders) for d in program.directives):
        return program
    combined = Program(list(program.clauses), [], program.source_name, program.arguments,
                       folders)
    own = program.source_name
    loaded = {os.path.abspath(own)} if own and os.path.isfile(own) else set()
    pending = [(program, d) for d in program.directives]
    while pending:
        source, directive = pending.pop(0)
        combined.directives.append(directive)
        name = included_file(directive, folders)
        if name is None:
            continue
        path = _resolve(name, source.source_name, directive)
        if path in loaded:
            continue
        loaded.add(path)
        try:
            with open(path, "rb") as handle:
                text = decode_source(handle.read(), path)
        except OSError as exc:
            raise ProgramError(f"cannot read {path}: {exc.strerror}",
                               directive.location) from None
        part = parse_program(text, path)
        for clause in part.clauses:
            combined.add(clause)
        pending[:0] = [(part, d) for d in part.directives]
    return combined


def relative_path(name: str, including: str | None) -> str:
    """``name`` relative to the directory of the program file ``including`` (to the working
    directory when the program has no file)."""
    if os.path.isabs(name) or not (including and os.path.isfile(including)):
        return name
    return os.path.join(os.path.dirname(including), name)


def _resolve(name: str, including: str | None, directive: Directive) -> str:
    if name.endswith(".py"):
        raise ProgramError(f"{name}: loading Python code is disabled (a program is data, not "
                           "code)", directive.location)
    path = relative_path(name, including)
    for candidate in (path, path + ".pl"):
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    raise ProgramError(f"cannot find the program file {name} (looked for {path} and "
                       f"{path}.pl)", directive.location)

"""ProbLog's ``library(db)``: facts from data files.

* ``csv_load(File, Name)``: each row of a CSV file with a header line becomes a fact
  ``Name(V1, ..., Vn)``. A column's type is read off the first row: integers, floats, or text
  (an atom, its surrounding spaces removed); a later row that does not fit is an error at its
  line.
* ``sqlite_load(File)``: each table of an SQLite database becomes facts named after it, one per
  row (text as atoms, NULL as the atom ``null``).

A relative file name is relative to the program's file (to the working directory for a
program without one). Usually directives (``:- csv_load('people.csv', person).``); the facts
are added when the call runs.
"""

from __future__ import annotations

import os

from ...language.include import relative_path
from ...language.program import Clause
from ...language.terms import TRUE, Term
from .atoms import text_of
from .base import Registry, error, need_bound

DATA_FILES: Registry = {}


def _path(g, goal, term) -> str:
    name = text_of(g, term, goal, "atom or string (a file name)")
    if name is None:
        raise error(g, f"{goal.functor}: the file name is unbound (instantiation error)", goal)
    name = relative_path(name, g.program.source_name)
    if not os.path.isfile(name):
        raise error(g, f"{goal.functor}: cannot find {name}", goal)
    return name


def _column_type(text: str):
    for kind in (int, float):
        try:
            kind(text)
            return kind
        except ValueError:
            pass
    return str


def _value(text: str, kind):
    return Term(text.strip()) if kind is str else kind(text)


def _csv_load(g, goal, depth):
    import csv  # here: most programs load no data, and sqlite3 takes 10 ms to import

    path = _path(g, goal, goal.args[0])
    name = need_bound(g, goal.args[1], "the predicate name of csv_load/2", goal)
    if not (type(name) is Term and not name.args):
        raise error(g, f"csv_load/2: {name!r} is not a predicate name", goal)
    facts = []
    with open(path, newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        kinds = None
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise error(g, f"csv_load/2: {path}:{line}: {len(row)} values for "
                            f"{len(header)} columns", goal)
            if kinds is None:
                kinds = [_column_type(text) for text in row]
            try:
                values = tuple(_value(text, kind) for text, kind in zip(row, kinds))
            except ValueError as exc:
                raise error(g, f"csv_load/2: {path}:{line}: {exc}", goal) from None
            facts.append(Clause(Term(name.functor, values), TRUE, goal.location))
    g.add_clauses(facts)
    yield ()


def _database_value(value):
    if value is None:
        return Term("null")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return Term(str(value))


def _sqlite_load(g, goal, depth):
    import sqlite3

    path = _path(g, goal, goal.args[0])
    facts = []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            tables = [row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                quoted = '"' + table.replace('"', '""') + '"'
                for row in connection.execute(f"SELECT * FROM {quoted}"):
                    facts.append(Clause(Term(table, tuple(map(_database_value, row))), TRUE,
                                        goal.location))
    except sqlite3.Error as exc:
        raise error(g, f"sqlite_load/1: {path}: {exc}", goal) from None
    g.add_clauses(facts)
    yield ()


DATA_FILES[("csv_load", 2)] = _csv_load
DATA_FILES[("sqlite_load", 1)] = _sqlite_load

"""DeepProbLog's ``Query``: a query term with a substitution, a target probability and the
positions of its output arguments.

The terms are ProbLog's (``problog.logic``), as DeepProbLog's data sets build them; this
module never imports ProbLog itself, it only calls the terms' own methods.
"""

from __future__ import annotations

from typing import Any, Sequence


class Query:
    """``query`` (a ``problog.logic.Term``) with ``substitution`` applied to it before solving
    (``{Term("a"): Constant(3)}``), its target probability ``p`` (1.0: the query is true) and
    ``output_ind``, the arguments an evaluation leaves open (default: the last)."""

    def __init__(self, query: Any, substitution: dict | None = None, p: float = 1.0,
                 output_ind: Sequence[int] = (-1,)):
        self.query = query
        self.substitution = substitution or {}
        self.p = p
        self.output_ind = tuple(output_ind)

    def substitute(self, substitution: dict | None = None) -> "Query":
        """The query with ``substitution`` (default: its own) applied, and no substitution."""
        substitution = self.substitution if substitution is None else substitution
        term = self.query.apply_term(substitution) if substitution else self.query
        return Query(term, None, self.p, self.output_ind)

    def variable_output(self) -> "Query":
        """The query with its output arguments replaced by variables ``X_i``."""
        from problog.logic import Var  # the terms are ProbLog's: so is ProbLog

        args = list(self.query.args)
        for i in self.output_ind:
            args[i] = Var(f"X_{i % len(args)}")
        return Query(self.query(*args), self.substitution, self.p, self.output_ind)

    def replace_output(self, values: Sequence[Any]) -> "Query":
        """The query with its output arguments replaced by ``values``, in order."""
        args = list(self.query.args)
        for i, value in zip(self.output_ind, values):
            args[i] = value
        return Query(self.query(*args), self.substitution, self.p, self.output_ind)

    def output_values(self) -> list:
        """The query's output arguments."""
        return [self.query.args[i] for i in self.output_ind]

    def to_text_query(self) -> str:
        """The query in DeepProbLog's text form, which :class:`~.dataset.QueryDataset` reads:
        ``P::subs(Query, [[Key, Value], ...]).``, the pairs sorted by key."""
        pairs = sorted(([key, value] for key, value in self.substitution.items()),
                       key=lambda pair: pair[0].functor)
        return f"{self.p}::subs({self.query}, {pairs})."

    def __repr__(self) -> str:
        return f"({self.p}::{self.query}, {self.substitution})"

    def __eq__(self, other) -> bool:
        return (isinstance(other, Query) and self.query == other.query
                and self.substitution == other.substitution and self.p == other.p
                and self.output_ind == other.output_ind)

    def __hash__(self) -> int:
        return hash((self.query, tuple(self.substitution.items()), self.p, self.output_ind))

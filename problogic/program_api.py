"""The :class:`Program` object of the public API."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from .circuit.circuit import Circuit
from .deepstack import call_with_deep_stack
from .grounding.ground_program import GroundProgram
from .language.parser import decode_source
from .language.program import Program as ParsedProgram
from .limits import Limits
from .logic.formula import Formula
from .logic.kbest import KBest
from .pipeline import RunResult, Stages, run_program

if TYPE_CHECKING:  # the tasks package imports torch (mpe): imported when used
    from .tasks.dt import Strategy
    from .tasks.explain import Explanation
    from .tasks.lfi import LearningResult
    from .tasks.map import MaximumAPosteriori
    from .tasks.mpe import MostProbableExplanation
    from .tasks.sample import Samples


def _limits(limits: Limits | None, options: dict) -> Limits:
    base = limits or Limits()
    return Limits(**{**base.__dict__, **options}) if options else base


class Program:
    """A parsed ProbLog program.

    >>> import problogic as pl
    >>> prog = pl.Program.from_string("0.5::heads. query(heads).")
    >>> prog.evaluate()
    {'heads': 0.5}
    """

    def __init__(self, parsed: ParsedProgram, source: str | None = None):
        self.parsed = parsed
        self.source = source  # the text, where known (the learned model of lfi is written on it)

    @classmethod
    def from_string(cls, source: str, file: str | None = None, *,
                    arguments: tuple[str, ...] = (),
                    library_folders: tuple[str, ...] = ()) -> "Program":
        """Parse ``source`` (``file`` names it in errors and locates the data files it
        loads); ``arguments`` are what cmd_args/1 gives, as ``problogic -a ARG``;
        ``library_folders`` are where ``:- use_module(library(Name))`` finds a library of the
        user's (``Name`` or ``Name.pl``), as ``problogic -L DIR``."""
        from .language.parser import parse_program

        parsed = call_with_deep_stack(parse_program, source, file)
        parsed.arguments = tuple(arguments)
        parsed.library_folders = tuple(str(folder) for folder in library_folders)
        return cls(parsed, source)

    @classmethod
    def from_file(cls, path: str | Path, *, arguments: tuple[str, ...] = (),
                  library_folders: tuple[str, ...] = ()) -> "Program":
        path = Path(path)
        return cls.from_string(decode_source(path.read_bytes(), str(path)), str(path),
                               arguments=arguments, library_folders=library_folders)

    @classmethod
    def combine(cls, programs: list["Program"]) -> "Program":
        """One program made of several, their clauses and directives in order (``problogic
        --combine``); it keeps the first one's arguments and library folders."""
        first = programs[0].parsed
        combined = ParsedProgram(source_name=first.source_name, arguments=first.arguments,
                                 library_folders=first.library_folders)
        for program in programs:
            combined.extend(program.parsed)
        return cls(combined)

    def run(self, limits: Limits | None = None, *, approximation: KBest | None = None,
            propagate_evidence: bool = False, **limit_options) -> RunResult:
        """Marginals plus per-stage timings and sizes."""
        return run_program(self.parsed, _limits(limits, limit_options),
                           approximation=approximation, propagate_evidence=propagate_evidence)

    def evaluate(self, limits: Limits | None = None, *, approximation: KBest | None = None,
                 propagate_evidence: bool = False, **limit_options) -> dict[str, float]:
        """Exact P(query | evidence) of every query, keyed by the query atom as ProbLog
        writes it, in query order.

        ``approximation=problogic.KBest(k)`` compiles only the k most probable proofs of each
        query: a lower bound, monotone in ``k`` and exact once ``k`` reaches the number of
        proofs (see :mod:`problogic.logic.kbest`), for programs whose exact circuit is too
        large.

        ``propagate_evidence=True`` leaves out the answers of non-ground queries that the
        evidence makes false by propagation, as ProbLog's command line does (``problogic
        FILE`` does too); by default they are kept with probability 0, as ProbLog's Python
        API keeps them."""
        return self.run(limits, approximation=approximation,
                        propagate_evidence=propagate_evidence, **limit_options).probabilities

    def ground(self, limits: Limits | None = None, **limit_options) -> GroundProgram:
        """The ground program relevant to the queries and evidence."""
        stages = Stages(_limits(limits, limit_options))
        return call_with_deep_stack(stages.ground, self.parsed)

    def formula(self, limits: Limits | None = None, **limit_options) -> Formula:
        """The relevant ground program as an acyclic formula (positive cycles broken), what
        the compiler compiles."""
        stages = Stages(_limits(limits, limit_options))
        return call_with_deep_stack(lambda: stages.formula(stages.ground(self.parsed)))

    def compile(self, limits: Limits | None = None,
                **limit_options) -> tuple[Formula, Circuit]:
        """The formula and its compiled circuit (roots: evidence, then each query)."""
        stages = Stages(_limits(limits, limit_options))

        def body():
            formula = stages.formula(stages.ground(self.parsed))
            return formula, stages.circuit(formula, stages.compile(formula))

        return call_with_deep_stack(body)

    def mpe(self, limits: Limits | None = None, **limit_options) -> "MostProbableExplanation":
        """The most probable explanation of the evidence, as ``problog mpe`` gives it (see
        :mod:`problogic.tasks.mpe`).

        >>> import problogic as pl
        >>> pl.Program.from_string("0.2::a; 0.3::b. query(a).").mpe().literals
        ['\\\\+a']
        """
        from .tasks.mpe import most_probable_explanation

        stages = Stages(_limits(limits, limit_options))

        def body():
            ground = stages.ground(self.parsed)
            formula = stages.formula(ground)
            return most_probable_explanation(ground, formula, stages.compile(formula))

        return call_with_deep_stack(body)

    def map(self, limits: Limits | None = None, **limit_options) -> "MaximumAPosteriori":
        """The truth values of the queries that are most probable together given the
        evidence, every other variable summed out (maximum a posteriori; see
        :mod:`problogic.tasks.map`).

        >>> import problogic as pl
        >>> answer = pl.Program.from_string(
        ...     "0.6::a. 0.7::b. c :- a. c :- b. evidence(c). query(a). query(b).").map()
        >>> answer.values, round(answer.posterior, 4)
        ({'a': True, 'b': True}, 0.4773)
        """
        from .tasks.map import maximum_a_posteriori

        stages = Stages(_limits(limits, limit_options))

        def body():
            formula = stages.formula(stages.ground(self.parsed))
            return maximum_a_posteriori(formula, *stages.compile_tied(formula))

        return call_with_deep_stack(body)

    def sample(self, count: int = 1, *, seed: int | None = None,
               with_probabilities: bool = False, with_facts: bool = False,
               limits: Limits | None = None, **limit_options) -> "Samples":
        """``count`` worlds drawn exactly from the program's distribution given its evidence
        (no rejection): whether each query holds in each, and when asked for, each world's
        probability and its relevant facts (see :mod:`problogic.tasks.sample`).

        >>> import problogic as pl
        >>> samples = pl.Program.from_string("0.3::a. query(a).").sample(1000, seed=0)
        >>> round(samples.estimates()["a"], 1)
        0.3
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count = {count!r} must be a non-negative integer")
        from .tasks.sample import sample_worlds

        stages = Stages(_limits(limits, limit_options))

        def body():
            formula = stages.formula(stages.ground(self.parsed))
            return sample_worlds(formula, stages.compile(formula), count, random.Random(seed),
                                 with_probabilities=with_probabilities, with_facts=with_facts)

        return call_with_deep_stack(body)

    def decide(self, search: str = "exhaustive", limits: Limits | None = None,
               **limit_options) -> "Strategy":
        """The truth values of the decisions (``?::a``) with the highest expected utility
        (``utility(Atom, Value)``), as ``problog dt`` finds them (see
        :mod:`problogic.tasks.dt`).

        >>> import problogic as pl
        >>> prog = pl.Program.from_string('''
        ... 0.3::rain. ?::umbrella.
        ... dry :- \\\\+rain. dry :- umbrella.
        ... utility(dry, 60). utility(umbrella, -10).''')
        >>> strategy = prog.decide()
        >>> strategy.decisions, round(strategy.score, 6)
        ({'umbrella': 1}, 50.0)
        """
        from .tasks.dt import best_strategy

        limits = _limits(limits, limit_options)
        return call_with_deep_stack(lambda: best_strategy(self.parsed, search, limits))

    def explain(self, max_proofs: int = 1000, limits: Limits | None = None,
                **limit_options) -> "Explanation":
        """Each query's proofs (the choices that make it true, most probable first, at most
        ``max_proofs``) and its probability, as ``problog explain`` lists them (see
        :mod:`problogic.tasks.explain`).

        >>> import problogic as pl
        >>> prog = pl.Program.from_string('''
        ... 0.3::a. 0.4::b. 0.5::c.
        ... p :- a, b. p :- \\\\+a, c.
        ... query(p).''')
        >>> [(proof.literals, round(proof.probability, 6))
        ...  for proof in prog.explain().proofs["p"]]
        [(['\\\\+a', 'c'], 0.35), (['a', 'b'], 0.12)]
        """
        from .tasks.explain import explain

        stages = Stages(_limits(limits, limit_options))

        def body():
            formula = stages.formula(stages.ground(self.parsed))
            probabilities = stages.evaluate(formula, stages.compile(formula))
            return explain(self.parsed, formula, probabilities, max_proofs, stages.limits,
                           stages.deadline)

        return call_with_deep_stack(body)

    def lfi(self, examples, *, max_iterations: int = 10_000, min_change: float = 1e-10,
            leak: float | None = None, limits: Limits | None = None,
            **limit_options) -> "LearningResult":
        """Learn the program's ``t(...)`` probabilities from interpretations by expectation
        maximisation, as ``problog lfi`` does (see :mod:`problogic.tasks.lfi`).

        ``examples``: the text of an examples file (evidence clauses, ``---`` lines between
        examples), or a list of examples, each a dict from atom to its observed truth.
        ``leak``: each atom observed true is also a fact of this probability while learning
        (``problog lfi -l``).

        >>> import problogic as pl
        >>> prog = pl.Program.from_string("t(0.9)::a. 0.5::b. c :- a, b.")
        >>> result = prog.lfi([{"c": True}, {"c": False}, {"c": False}, {"c": False}])
        >>> [(p.name, round(p.value, 6)) for p in result.parameters]
        [('t(0.9)::a', 0.5)]
        >>> print(result.model)
        0.500000...::a. 0.5::b. c :- a, b.
        """
        from .tasks.lfi import learn, read_examples

        if not isinstance(examples, str):
            examples = "\n---\n".join(
                "\n".join(f"evidence({atom}, {'true' if value else 'false'})."
                          for atom, value in example.items()) for example in examples)
        limits = _limits(limits, limit_options)
        return call_with_deep_stack(
            lambda: learn(self.parsed, self.source, read_examples(examples, "<examples>"),
                          max_iterations=max_iterations, min_change=min_change,
                          limits=limits, leak=leak))

"""The command line: ``problogic [options] FILE`` and its subcommands.

* ``problogic FILE`` (or ``problogic prob FILE``) prints ``atom:<TAB>probability`` per query,
  sorted as ProbLog sorts them;
  with several files, each after ``Results for FILE:`` (``--combine``: read as one program);
  ``-o OUTPUT`` writes the answers there; ``-a ARG`` is an argument for cmd_args/1;
* ``problogic --format json FILE`` prints one JSON object;
* ``problogic --k-best K FILE`` prints lower bounds from each query's K most probable proofs;
* ``problogic ground FILE`` prints the ground program relevant to the queries and evidence;
* ``problogic compile --dot FILE`` prints the compiled circuit as Graphviz;
* ``problogic mpe FILE`` prints the most probable explanation of the evidence, as
  ``problog mpe`` does: one ``atom`` or ``\\+atom`` per line, then ``% Probability: p``;
* ``problogic dt FILE`` prints the decisions of highest expected utility and ``SCORE: u``, as
  ``problog dt`` does;
* ``problogic map FILE`` prints the truth values of the queries that are most probable
  together given the evidence (MAP), as ``problog map`` prints its answer, and ``SCORE: p``,
  their posterior probability (ProbLog's map answers another question: see
  :mod:`problogic.tasks.map`);
* ``problogic explain FILE`` prints the program, each query's proofs and the probabilities, as
  ``problog explain`` does;
* ``problogic lfi FILE EXAMPLES...`` learns the ``t(...)`` probabilities from examples, as
  ``problog lfi`` does, and prints ``log-likelihood [values] [annotations] iterations``;
* ``--format json`` on ``mpe``, ``map``, ``dt``, ``sample``, ``explain`` and ``lfi`` prints
  the answer as one JSON object instead, the fields of the task's Python result.

Errors go to stderr as ``FILE:LINE:COL: error: message`` with exit status 1 (2 for usage
errors); a Python traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import traceback

from .errors import ProblogicError
from .limits import Limits

SUBCOMMANDS = ("ground", "compile", "mpe", "map", "sample", "lfi", "dt", "explain")
# ProbLog's other commands: a clear usage error, not "cannot read bn"
PROBLOG_ONLY = ("bn", "shell", "web", "parse", "time", "constraint", "install", "unittest")
SAMPLE_SEPARATOR = "----------------"  # between samples, as ProbLog's sample command


def _add_common(parser: argparse.ArgumentParser, command: str | None) -> None:
    """The options every command has; ProbLog's short forms where its command has them."""
    defaults = Limits()
    several_files = command is None
    if several_files:
        parser.add_argument("files", metavar="FILE", nargs="+",
                            help="ProbLog programs ('-' for stdin), each run on its own "
                                 "unless --combine")
    else:
        parser.add_argument("file", metavar="FILE", help="ProbLog program ('-' for stdin)")
    parser.add_argument("-o", "--output", metavar="OUTPUT",
                        help="write to OUTPUT instead of standard output")
    if command is not None:  # the default command's -v prints the stages' times
        parser.add_argument("-v", "--verbose", action="count", default=0,
                            help="accepted as in ProbLog (this command prints nothing more)")
    parser.add_argument("-a", "--arg", dest="arguments", action="append", default=[],
                        metavar="ARG", help="an argument for cmd_args/1 (repeatable)")
    parser.add_argument("-L", "--library", dest="library_folders", action="append",
                        default=[], metavar="DIR",
                        help="a folder where use_module(library(Name)) finds Name or Name.pl "
                             "(repeatable, searched in order)")
    parser.add_argument("--max-depth", type=_positive_int, default=defaults.max_depth,
                        help="maximum nesting of calls during grounding (default %(default)s)")
    parser.add_argument("--recursion-limit", dest="max_depth", type=_positive_int,
                        default=argparse.SUPPRESS, help="ProbLog's name for --max-depth")
    parser.add_argument("--max-ground-size", type=_positive_int,
                        default=defaults.max_ground_size,
                        help="maximum nodes of the ground program and of the compiled "
                             "diagram (default %(default)s)")
    timeout = ("--timeout", "-t") if command in (None, "sample") else ("--timeout",)
    parser.add_argument(*timeout, type=_positive_seconds, default=defaults.timeout,
                        help="wall-clock limit in seconds, 'inf' for none (default "
                             "%(default)s)")
    parser.add_argument("--compile-timeout", type=_positive_seconds, default=None,
                        metavar="S", help="wall-clock limit in seconds for knowledge "
                                          "compilation alone (default: none but --timeout)")
    debug = ("--debug", "--full-trace") + (("-d", "-T") if command is None else ())
    parser.add_argument(*debug, action="store_true", help="show Python tracebacks")


# the commands whose answer --format json prints as one JSON object
JSON_COMMANDS = ("mpe", "map", "dt", "sample", "explain", "lfi")


def _add_json_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text as ProbLog prints it (default), or one JSON object")


def _add_ignored(parser: argparse.ArgumentParser, *options: str, why: str, **kwargs) -> None:
    """ProbLog options that change how it computes, not the exact answers: accepted so that
    its command lines run."""
    parser.add_argument(*options, help=f"ignored: {why}", **kwargs)


# ProbLog's knowledge compilers, as its commands offer them, less kbest: it answers with
# bounds, which problogic's exact answers are not
INFERENCE_KNOWLEDGE = ("sdd", "sddx", "bdd", "nnf", "ddnnf", "fsdd", "fbdd")
LEARNING_KNOWLEDGE = ("ddnnf", "sddx", "sdd")
ONE_COMPILER = "problogic has one compiler of its own and the answers are exact"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:  # also NaN
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds or 'inf', "
                                         f"got {text!r}")
    return None if value == float("inf") else value


def build_parser(command: str | None) -> argparse.ArgumentParser:
    if command == "ground":
        parser = argparse.ArgumentParser(prog="problogic ground",
                                         description="Print the relevant ground program.")
        parser.add_argument("--format", choices=("pl", "dot", "cnf"), default="pl",
                            help="ProbLog text (default), a Graphviz graph, or the formula "
                                 "after cycle breaking as a weighted CNF (DIMACS, 'c p weight' "
                                 "lines; each query's literal in a 'c query' line)")
    elif command == "mpe":
        parser = argparse.ArgumentParser(
            prog="problogic mpe",
            description="Print the most probable world consistent with the evidence.")
        parser.add_argument("--full", action="store_true",
                            help="accepted as in ProbLog: false atoms are always printed")
        _add_ignored(parser, "--solver", choices=("maxsatz", "scip", "sat4j"),
                     why="the explanation is computed exactly on the compiled diagram")
        _add_ignored(parser, "--use-maxsat", "--use-semiring", action="store_true",
                     why="the explanation is computed exactly on the compiled diagram")
    elif command == "map":
        parser = argparse.ArgumentParser(
            prog="problogic map",
            description="Print the truth values of the queries that are most probable "
                        "together given the evidence (maximum a posteriori, the other "
                        "variables summed out) and SCORE: their posterior probability.")
        _add_ignored(parser, "-s", "--search", choices=("exhaustive", "local"),
                     why="the answer is exact, found in one pass over the compiled diagram")
        _add_ignored(parser, "-k", "--knowledge", choices=INFERENCE_KNOWLEDGE, why=ONE_COMPILER)
    elif command == "sample":
        parser = argparse.ArgumentParser(
            prog="problogic sample",
            description="Draw worlds given the evidence (exactly, without rejection) and print "
                        "the queries true in each.")
        parser.add_argument("-N", "-n", dest="samples", type=_positive_int, default=1,
                            help="number of samples (default 1)")
        parser.add_argument("-s", "--seed", type=int, default=None, help="random seed")
        parser.add_argument("--oneline", action="store_true", help="one line per sample")
        parser.add_argument("--as-evidence", action="store_true",
                            help="write each query as evidence(q). or evidence(\\+q). (an "
                                 "examples file for problogic lfi)")
        parser.add_argument("--estimate", action="store_true",
                            help="print each query's frequency in the samples instead")
        parser.add_argument("--with-facts", action="store_true",
                            help="also each relevant probabilistic fact, true or false "
                                 "(\\+) in the sample")
        parser.add_argument("--with-probability", action="store_true",
                            help="after each sample, '%% Probability: p', the probability of "
                                 "the values drawn for the program's relevant choices")
        _add_ignored(parser, "--progress", action="store_true",
                     why="sampling is exact and fast; there is no progress to show")
        _add_ignored(parser, "--propagate-evidence", "--dont-propagate-evidence",
                     action="store_true", why="the samples' distribution is the same either way")
    elif command == "dt":
        parser = argparse.ArgumentParser(
            prog="problogic dt",
            description="Find the truth values of the decisions (?::a) with the highest "
                        "expected utility (utility(Atom, Value)), as problog dt does.")
        parser.add_argument("-s", "--search", choices=("exhaustive", "local"),
                            default="exhaustive",
                            help="every strategy (default), or ProbLog's greedy local search")
        _add_ignored(parser, "-k", "--knowledge", choices=INFERENCE_KNOWLEDGE, why=ONE_COMPILER)
    elif command == "lfi":
        parser = argparse.ArgumentParser(
            prog="problogic lfi",
            description="Learn the probabilities of the t(...) clauses from examples "
                        "(evidence; lines starting with --- separate examples) by "
                        "expectation maximisation, as problog lfi does.")
        parser.add_argument("-n", dest="max_iterations", type=_positive_int, default=10_000,
                            help="maximum number of iterations (default %(default)s)")
        parser.add_argument("-d", dest="min_change", type=float, default=1e-10,
                            help="stop when no probability changes by more than this in an "
                                 "iteration (default %(default)s)")
        parser.add_argument("-O", "--output-model", metavar="OUTPUT",
                            help="write the program with the learned probabilities to OUTPUT")
        parser.add_argument("-l", "--leak-probabilities", dest="leak", type=float,
                            metavar="LEAKPROB", help="while learning, each atom observed true "
                            "is also a fact of this probability (the learned model ends "
                            "with them, as ProbLog writes it)")
        _add_ignored(parser, "-s", dest="seed", type=float,
                     why="t(_) starts at 1/(heads + 1), not at a random value")
        _add_ignored(parser, "-k", "--knowledge", choices=LEARNING_KNOWLEDGE, why=ONE_COMPILER)
        _add_ignored(parser, "--logspace", action="store_true",
                     why="problogic works in log space where it needs to")
        _add_ignored(parser, "--propagate-evidence", "--dont-propagate-evidence",
                     action="store_true", why="the learned values are the same either way")
        _add_ignored(parser, "--normalize", action="store_true",
                     why="learned annotated disjunctions always stay distributions")
    elif command == "explain":
        parser = argparse.ArgumentParser(
            prog="problogic explain",
            description="Print the program, each query's proofs (most probable first) and "
                        "the probabilities, as problog explain does.")
        parser.add_argument("--max-proofs", type=_positive_int, default=1000,
                            help="proofs listed per query at most (default %(default)s)")
    elif command == "compile":
        parser = argparse.ArgumentParser(prog="problogic compile",
                                         description="Compile a program to a circuit.")
        parser.add_argument("--dot", action="store_true", required=True,
                            help="print the circuit in Graphviz dot format")
    else:
        parser = argparse.ArgumentParser(
            prog="problogic",
            description="Exact probabilistic inference for ProbLog programs. "
                        f"Subcommands: {', '.join(SUBCOMMANDS)} (see 'problogic CMD -h').")
        parser.add_argument("--format", choices=("text", "json", "prolog"), default="text",
                            help="text (default), a JSON object, or problog_result(Atom, P). "
                                 "facts")
        parser.add_argument("--k-best", type=_positive_int, default=None, metavar="K",
                            help="approximate each query by its K most probable proofs: a "
                                 "lower bound, exact once K reaches the number of proofs")
        parser.add_argument("--combine", action="store_true",
                            help="read the files as one program")
        parser.add_argument("-v", "--verbose", action="count", default=0,
                            help="print the time of each stage and the sizes to standard error")
        # ProbLog's choices of compiler and number representation: accepted so that its
        # command lines run; the answers are exact either way
        _add_ignored(parser, "-k", "--knowledge", choices=INFERENCE_KNOWLEDGE, why=ONE_COMPILER)
        _add_ignored(parser, "--logspace", "--nologspace", action="store_true",
                     why="problogic works in log space where it needs to")
        _add_ignored(parser, "--propagate-weights", action="store_true",
                     why="a speed option of ProbLog's; the answers are the same")
        propagation = parser.add_mutually_exclusive_group()
        propagation.add_argument("--propagate-evidence", dest="propagate_evidence",
                                 action="store_true", default=True,
                                 help="leave out the answers of non-ground queries that the "
                                      "evidence makes false (the default, as in ProbLog)")
        propagation.add_argument("--dont-propagate-evidence", dest="propagate_evidence",
                                 action="store_false",
                                 help="list them too, with probability 0")
    if command in JSON_COMMANDS:
        _add_json_format(parser)
    _add_common(parser, command)
    if command == "lfi":
        parser.add_argument("examples", metavar="EXAMPLES", nargs="+",
                            help="files of examples")
    return parser


def _read(path: str) -> str:
    from .language.parser import decode_source

    if path == "-":
        return decode_source(sys.stdin.buffer.read(), "<stdin>")
    with open(path, "rb") as handle:
        return decode_source(handle.read(), path)


def format_probability(value: float) -> str:
    """As ProbLog's command line writes probabilities: 8 significant digits."""
    return f"{value:.8g}"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "prob" and not os.path.exists("prob"):  # ProbLog's default, named
        argv = argv[1:]
    if argv and argv[0] in PROBLOG_ONLY and not os.path.exists(argv[0]):
        print(f"problogic: error: '{argv[0]}' is a ProbLog command that problogic does not "
              f"have (problogic's: {', '.join(SUBCOMMANDS)}; see 'problogic -h')",
              file=sys.stderr)
        return 2
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    parser = build_parser(command)
    args = parser.parse_args(argv[1:] if command else argv)
    if command == "sample" and args.format == "json" and (args.oneline or args.as_evidence):
        parser.error("--oneline and --as-evidence lay out the text output, not --format json")
    limits = Limits(args.max_depth, args.max_ground_size, args.timeout,  # argparse checked
                    args.compile_timeout)
    output = sys.stdout
    if getattr(args, "output", None) is not None:
        try:
            output = open(args.output, "w")
        except OSError as exc:
            print(f"problogic: error: cannot write {args.output}: {exc.strerror}",
                  file=sys.stderr)
            return 1
    try:
        if command is not None:
            return _run(command, args, [args.file], limits, output)
        if args.combine or len(args.files) == 1:
            return _run(command, args, args.files, limits, output)
        status = 0
        for path in args.files:  # as ProbLog: one program after the other, headed
            print(f"Results for {path}:", file=output)
            status = _run(command, args, [path], limits, output) or status
        return status
    finally:
        if output is not sys.stdout:
            output.close()


def _run(command, args, paths: list[str], limits: Limits, output=None) -> int:
    """Read the programs at ``paths`` as one and run the command; errors as the module doc
    says."""
    name = "<stdin>" if paths[0] == "-" else paths[0]
    try:
        program = _load(paths, args.arguments, args.library_folders)
        if program is None:
            return 1
        return _dispatch(command, args, program, limits, output or sys.stdout)
    except ProblogicError as exc:
        if args.debug:
            traceback.print_exc()
        location = exc.location
        if location is not None and location.file is None:
            location = type(location)(location.line, location.column, name)
        where = str(location) if location is not None else name
        print(f"{where}: error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("problogic: interrupted", file=sys.stderr)
        return 130


def _load(paths: list[str], arguments: list[str], library_folders: list[str]):
    """The program of the files at ``paths`` (their clauses and directives in order), with
    ``arguments`` for cmd_args/1 and ``library_folders`` for use_module(library(Name));
    None (after a message) when a file cannot be read."""
    from .program_api import Program

    programs = []
    for path in paths:
        try:
            source = _read(path)  # a ParseError where it is not UTF-8
        except OSError as exc:
            print(f"problogic: error: cannot read {path}: {exc.strerror}", file=sys.stderr)
            return None
        programs.append(Program.from_string(source, "<stdin>" if path == "-" else path,
                                            arguments=tuple(arguments),
                                            library_folders=tuple(library_folders)))
    return programs[0] if len(programs) == 1 else Program.combine(programs)


def _dispatch(command, args, program, limits: Limits, output) -> int:
    def say(*text) -> None:
        print(*text, file=output)

    if command == "ground":
        if args.format == "cnf":
            from .logic.cnf import formula_to_cnf

            say(formula_to_cnf(program.formula(limits)).to_dimacs())
        else:
            from .grounding.printing import format_ground_program, ground_program_dot

            write = ground_program_dot if args.format == "dot" else format_ground_program
            say(write(program.ground(limits)))
        return 0
    if command == "compile":
        from .circuit.dot import circuit_to_dot

        formula, circuit = program.compile(limits)
        say(circuit_to_dot(circuit, formula))
        return 0
    if command == "mpe":
        explanation = program.mpe(limits)
        if args.format == "json":
            say(json.dumps({"probability": explanation.probability,
                       "atoms": {literal.removeprefix("\\+"): not literal.startswith("\\+")
                                 for literal in explanation.literals}}))
            return 0
        for literal in explanation.literals:
            say(literal)
        say(f"% Probability: {explanation.probability:.10g}")  # as ProbLog prints it
        return 0
    if command == "lfi":
        return _learn(program, args, limits, say)
    if command == "explain":
        explanation = program.explain(args.max_proofs, limits)
        if args.format == "json":
            say(json.dumps(dataclasses.asdict(explanation)))
        else:
            _print_explanation(explanation, say)
        return 0
    if command == "map":
        answer = program.map(limits)
        if args.format == "json":
            say(json.dumps(dataclasses.asdict(answer)))
            return 0
        width = max((len(name) for name in answer.values), default=0)
        for name, value in answer.values.items():  # laid out as problog map prints
            say(f"{name:>{width}}:\t{int(value):<2}")
        say(f"SCORE: {answer.posterior!r}")
        return 0
    if command == "dt":
        strategy = program.decide(search=args.search, limits=limits)
        if not strategy.decisions:
            print("problogic: warning: no decisions found", file=sys.stderr)
        if args.format == "json":
            say(json.dumps(dataclasses.asdict(strategy)))
            return 0
        width = max((len(name) for name in strategy.decisions), default=0)
        for name, value in sorted(strategy.decisions.items()):  # as problog dt prints them
            say(f"{name:>{width}}:\t{value:<2}")
        say(f"SCORE: {strategy.score!r}")
        return 0
    if command == "sample":
        samples = program.sample(args.samples, seed=args.seed, limits=limits,
                                 with_probabilities=args.with_probability,
                                 with_facts=args.with_facts)
        if args.format == "json":
            say(json.dumps(_samples_json(samples, args.estimate)))
            return 0
        if args.estimate:
            say(f"% Probability estimate after {args.samples} samples")
            for atom, value in samples.estimates().items():
                say(f"{atom}:\t{format_probability(value)}")
            return 0
        if args.as_evidence:
            texts = [[f"evidence({q})." if holds else f"evidence(\\+{q})."
                      for q, holds in zip(samples.queries, world)] for world in samples.worlds]
        else:
            texts = [[f"{q}." for q, holds in zip(samples.queries, world) if holds]
                     for world in samples.worlds]
        if args.with_facts:
            form = "evidence({})." if args.as_evidence else "{}."
            for text, facts in zip(texts, samples.facts):  # a queried fact once
                text[:] = dict.fromkeys(text + [form.format(atom if holds else "\\+" + atom)
                                                for atom, holds in facts])
        if args.with_probability:  # as ProbLog prints it
            for text, probability in zip(texts, samples.probabilities):
                text.append(f"% Probability: {probability:.8g}")
        if args.oneline:
            say("\n".join(" ".join(text) for text in texts))
        else:
            say(f"\n{SAMPLE_SEPARATOR}\n".join("\n".join(text) for text in texts))
        return 0
    approximation = None
    if args.k_best is not None:
        from .logic.kbest import KBest

        approximation = KBest(args.k_best)
    # as ProbLog's command line: the evidence rules answers of non-ground queries out
    result = program.run(limits, approximation=approximation,
                         propagate_evidence=args.propagate_evidence)
    if args.verbose:
        for stage, seconds in result.timings.items():
            print(f"[INFO] {stage}: {seconds:.4f}s", file=sys.stderr)
        for name, value in result.stats.items():
            print(f"[INFO] {name.replace('_', ' ')}: {value}", file=sys.stderr)
    ordered = sorted(result.probabilities.items())
    if args.format == "json":
        say(json.dumps(dict(ordered)))
    elif args.format == "prolog":
        for atom, value in ordered:
            say(f"problog_result({atom}, {value!r}).")
    else:
        for atom, value in ordered:
            say(f"{atom}:\t{format_probability(value)}")
    return 0


def _samples_json(samples, estimate: bool) -> dict:
    """``{"estimates": {query: frequency}, "samples": N}``, or ``{"samples": [...]}``: per
    sample its ``queries`` (each true or false), and its ``probability`` and ``facts`` when
    asked for."""
    if estimate:
        return {"estimates": samples.estimates(), "samples": len(samples.worlds)}
    out = []
    for i, world in enumerate(samples.worlds):
        sample = {"queries": dict(zip(samples.queries, world))}
        if samples.probabilities is not None:
            sample["probability"] = samples.probabilities[i]
        if samples.facts is not None:
            sample["facts"] = dict(samples.facts[i])
        out.append(sample)
    return {"samples": out}


def _print_explanation(explanation, say) -> None:
    """As ``problog explain`` prints it: the program, the proofs, the probabilities."""
    say("Transformed program\n-------------------")
    say("\n".join(explanation.program))
    say("\nProofs\n------")
    blocks = []
    for query, proofs in explanation.proofs.items():
        lines = [f"{query} :- {', '.join(p.literals)}.  % P={format_probability(p.probability)}"
                 if p.literals else f"{query}.  % P={format_probability(p.probability)}"
                 for p in proofs]
        if not explanation.complete[query]:
            lines.append(f"% ... more proofs of {query} (raise --max-proofs to list them)")
        blocks.append("\n".join(lines))
    say("\n\n".join(blocks))
    say("\nProbabilities\n-------------")
    for atom, value in sorted(explanation.probabilities.items()):
        say(f"{atom}:\t{format_probability(value)}")


def _learn(program, args, limits: Limits, say) -> int:
    from .tasks.lfi import learn, read_examples

    examples = []
    for path in args.examples:
        try:
            examples += read_examples(_read(path), path)
        except OSError as exc:
            print(f"problogic: error: cannot read {path}: {exc.strerror}", file=sys.stderr)
            return 1
    if not examples:
        print("problogic: warning: no examples", file=sys.stderr)
    result = learn(program.parsed, program.source, examples,
                   max_iterations=args.max_iterations, min_change=args.min_change,
                   limits=limits, leak=args.leak)
    for location in result.ignored:
        print(f"{location}: warning: example ignored: its evidence has probability 0",
              file=sys.stderr)
    if args.format == "json":
        say(json.dumps({"log_likelihood": result.log_likelihood,
                   "parameters": [dataclasses.asdict(p) for p in result.parameters],
                   "iterations": result.iterations}))
    else:
        values = ", ".join(repr(round(p.value, 8)) for p in result.parameters)
        names = ", ".join(p.name for p in result.parameters)
        say(f"{result.log_likelihood!r} [{values}] [{names}] {result.iterations}")
    if args.output_model:
        try:
            with open(args.output_model, "w") as handle:
                handle.write(result.model)
        except OSError as exc:
            print(f"problogic: error: cannot write {args.output_model}: {exc.strerror}",
                  file=sys.stderr)
            return 1
    return 0


def entry() -> None:
    """The ``problogic`` command: :func:`main`, then exit without freeing the heap object by
    object (seconds after a large grounding: 3.6 s for the 1.5 GB left by a program stopped
    at its time limit)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()

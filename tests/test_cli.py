"""End-to-end tests of the command line: output formats, subcommands, errors, exit codes."""

import json
import re
from pathlib import Path
import subprocess
import sys

import pytest

from oracle import problog_available

from problogic import Limits
from problogic.cli import SUBCOMMANDS, main

PROGRAM = """\
0.6::rain. 0.3::sprinkler.
wet :- rain.
wet :- sprinkler.
query(wet). query(rain).
"""


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "problogic", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def program(tmp_path):
    path = tmp_path / "wet.pl"
    path.write_text(PROGRAM)
    return path


def test_text_output_is_sorted_atom_tab_probability(program):
    result = run_cli(str(program))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "rain:\t0.6\nwet:\t0.72\n"


def test_json_output(program):
    result = run_cli("--format", "json", str(program))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data.keys() == {"rain", "wet"}
    assert data["wet"] == pytest.approx(0.72, abs=1e-12)


TASKS = """\
0.6::rain. 0.3::sprinkler.
wet :- rain.
wet :- sprinkler.
?::umbrella. utility(umbrella, -1). dry :- umbrella. dry :- \\+ rain. utility(dry, 3).
query(wet). query(rain). evidence(wet).
"""


def _json_of(*args):
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1  # one object, one line
    return json.loads(result.stdout)


def test_every_task_prints_its_answer_as_json(tmp_path):
    """--format json on each task command: its Python result, as one JSON object."""
    import problogic as pl

    path = tmp_path / "tasks.pl"
    path.write_text(TASKS)
    program = pl.Program.from_string(TASKS)

    mpe = program.mpe()
    assert _json_of("mpe", "--format", "json", str(path)) == {
        "probability": pytest.approx(mpe.probability, abs=1e-12),
        "atoms": {literal.lstrip("\\+"): not literal.startswith("\\+")
                  for literal in mpe.literals}}
    answer = program.map()
    assert _json_of("map", "--format", "json", str(path)) == {
        "values": answer.values, "posterior": pytest.approx(answer.posterior, abs=1e-12),
        "probability": pytest.approx(answer.probability, abs=1e-12),
        "evidence": pytest.approx(answer.evidence, abs=1e-12)}
    strategy = program.decide()
    assert _json_of("dt", "--format", "json", str(path)) == {
        "decisions": strategy.decisions, "score": pytest.approx(strategy.score, abs=1e-12),
        "evaluated": 2}
    explanation = _json_of("explain", "--format", "json", str(path))
    assert explanation["probabilities"] == pytest.approx(program.evaluate(), abs=1e-12)
    assert explanation["proofs"]["wet"] == [{"literals": ["rain"], "probability": 0.6},
                                            {"literals": ["sprinkler"], "probability": 0.3}]
    samples = _json_of("sample", "-N", "20", "-s", "3", "--with-probability", "--with-facts",
                       "--format", "json", str(path))["samples"]
    assert len(samples) == 20
    for sample in samples:  # the evidence holds; each world's probability from its facts
        assert sample["queries"]["wet"] and sample["queries"]["rain"] == sample["facts"]["rain"]
        facts = sample["facts"]
        expected = (0.6 if facts["rain"] else 0.4) * (0.3 if facts["sprinkler"] else 0.7)
        assert sample["probability"] == pytest.approx(expected)
    estimate = _json_of("sample", "-N", "400", "-s", "3", "--estimate", "--format", "json",
                        str(path))
    assert estimate["samples"] == 400
    assert estimate["estimates"]["rain"] == pytest.approx(0.6 / 0.72, abs=0.06)
    model, examples = tmp_path / "model.pl", tmp_path / "examples.pl"
    model.write_text("t(_)::wind.\n")
    examples.write_text("evidence(wind).\n---\nevidence(wind, false).\n")
    learned = _json_of("lfi", "--format", "json", str(model), str(examples))
    assert learned["parameters"] == [{"name": "t(_)::wind", "value": pytest.approx(0.5)}]
    assert learned["log_likelihood"] == pytest.approx(2 * __import__("math").log(0.5))


def test_sample_text_layout_options_are_refused_with_json(program):
    result = run_cli("sample", "--format", "json", "--oneline", str(program))
    assert result.returncode == 2 and "not --format json" in result.stderr


def test_stdin(program):
    result = run_cli("-", stdin=PROGRAM)
    assert result.stdout == "rain:\t0.6\nwet:\t0.72\n"


def test_ground_subcommand(program):
    result = run_cli("ground", str(program))
    assert result.returncode == 0
    assert "wet :- rain." in result.stdout and "query(wet)." in result.stdout


def test_compile_dot_subcommand(program):
    result = run_cli("compile", "--dot", str(program))
    assert result.returncode == 0
    assert result.stdout.startswith("digraph circuit {") and '"wet"' in result.stdout


@pytest.mark.parametrize("text, line, col, fragment", [
    ("a :- b.\nquery(a.\n", 2, None, ""),
    ("0.5::a.\nquery(b).\n", 2, 7, "No clauses found for 'b/0'"),
    ("0.5::edge(a,b).\np(X) :- egde(X, _).\nquery(p(a)).\n", 2, 9,
     "No clauses found for 'egde/2' (did you mean 'edge/2'?)"),
    ("p(X) :- q(X).\nq(1, 2).\nquery(p(_)).\n", 1, 9,
     "No clauses found for 'q/1' (did you mean 'q/2'?)"),
    ("p :- lenght([a], 1).\nquery(p).\n", 1, 6,
     "No clauses found for 'lenght/2' (did you mean 'length/2'?)"),
    ("1.5::a.\nquery(a).\n", 1, 1, "outside [0, 1]"),
    ("0.6::a; 0.6::b.\nquery(a).\n", 1, 1, "sum to 1.2"),
    ("p(X) :- p(s(X)).\nquery(p(a)).\n", None, None, "maximum resolution depth"),
    ("a :- \\+ b.\nb :- \\+ a.\nquery(a).\n", None, None, "negative cycle"),
    ("0.5::a.\nevidence(a, true).\nevidence(a, false).\nquery(a).\n", None, None,
     "inconsistent"),
    ("q :- Y is X + 1.\nquery(q).\n", 1, None, "unbound"),
    ("a.\nquery(X).\n", 2, 1, "of an unbound variable"),
    ("a.\nquery(3).\n", 2, 1, "3 is not callable"),
    ("0.5::a.\nevidence(a, maybe).\nquery(a).\n", 2, 1, "evidence value maybe"),
    ("0.5::p.\nq(X) :- p, X = f(_).\nquery(q(_)).\n", 3, 7, "non-ground answer q(f("),
    ("nn(net, [X], Y, [a, b]) :: p(X, Y).\nquery(p(1, a)).\n", 1, 1, "neural predicates"),
])
def test_errors_are_located_and_clean(tmp_path, text, line, col, fragment):
    _assert_located_error(tmp_path, text.encode(), line, col, fragment)


@pytest.mark.parametrize("command", [[], ["ground"], ["compile", "--dot"], ["mpe"]])
@pytest.mark.parametrize("data, line, col, fragment", [
    (b"0.5::a.\nquery(a).\n\xff\xfe b.\n", 3, 1, "invalid UTF-8 byte 0xff"),
    ("0.5::a.\nq :- 0.5::a, b.\n% \u00e9t\u00e9\n\u00e9 \xff".encode("latin-1"), 3, 3,
     "invalid UTF-8 byte 0xe9"),
    (b"a :- X is " + b"9" * 5000 + b" * 2.\nquery(a).\n", 1, 11,
     "an integer of 5000 digits is too long"),
], ids=["binary", "latin-1", "long integer"])
def test_undecodable_files_and_overlong_integers_are_located_errors(tmp_path, command, data,
                                                                     line, col, fragment):
    _assert_located_error(tmp_path, data, line, col, fragment, command)


def test_a_byte_order_mark_is_skipped_and_long_integers_print(tmp_path):
    path = tmp_path / "bom.pl"
    path.write_bytes(b"\xef\xbb\xbf0.5::a.\nquery(a).\n")
    assert run_cli(str(path)).stdout == "a:\t0.5\n"
    path.write_text("p(X) :- X is 10 ** 5000 + 7.\nquery(p(_)).\n")
    assert run_cli(str(path)).stdout == f"p(1{'0' * 4999}7):\t1\n"


NEURAL = """nn(net, [X], Y, [a, b]) :: p(X, Y).
t(_)::c.
t(0.3)::d.
q :- p(1, b), c, d.
query(q).
"""


def test_ground_prints_the_annotations_of_networks_and_unset_tunables(tmp_path):
    path = tmp_path / "neural.pl"
    path.write_text(NEURAL)
    result = run_cli("ground", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "nn(net,[1],a)::p(1,a); nn(net,[1],b)::p(1,b).", "t(_)::c.", "0.3::d."]


@pytest.mark.parametrize("program, line, fragment", [
    (NEURAL, 1, "uses neural predicates (net)"),
    (NEURAL.replace("nn(net, [X], Y, [a, b]) :: p(X, Y).", "p(1, b)."), 2, "t(_) has no value"),
    ("0.5::a.\nevidence(a).\nevidence(a, false).\n", 2, "evidence is inconsistent"),
], ids=["network", "t(_)", "inconsistent evidence"])
def test_mpe_refuses_what_inference_refuses(tmp_path, program, line, fragment):
    _assert_located_error(tmp_path, program.encode(), line, None, fragment, ["mpe"])


def _assert_located_error(tmp_path, data: bytes, line, col, fragment, command=()):
    path = tmp_path / "bad.pl"
    path.write_bytes(data)
    result = run_cli(*command, str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:"), first
    assert ": error: " in first and fragment in first
    where = first.split(": error: ")[0].split(":")
    if line is not None:
        assert int(where[1]) == line, first
    if col is not None:
        assert int(where[2]) == col, first


def test_usage_error_exit_status_2():
    assert run_cli("--no-such-flag", "x.pl").returncode == 2


@pytest.mark.parametrize("command", [None, *SUBCOMMANDS])
def test_every_help_prints(command, capsys):
    """(A '%' in an option's help once made ``problogic sample --help`` a traceback.)"""
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"] if command else ["--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("usage: problogic")


def test_problogs_command_names(program):
    """``prob`` names the default command, as in ProbLog; ProbLog's commands that problogic
    lacks are usage errors that say so, not files that cannot be read."""
    assert run_cli("prob", str(program)).stdout == run_cli(str(program)).stdout != ""
    for command in ("bn", "shell", "web"):
        result = run_cli(command, str(program))
        assert result.returncode == 2
        assert f"'{command}' is a ProbLog command that problogic does not have" in \
            result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option, value", [
    ("--max-depth", "-1"), ("--max-ground-size", "0"), ("--timeout", "nan"),
    ("--timeout", "-2"), ("--timeout", "abc"), ("--compile-timeout", "0")])
def test_bad_limits_are_usage_errors_naming_the_option(program, option, value):
    result = run_cli(option, value, str(program))
    assert result.returncode == 2
    named, message = result.stderr.split("argument ", 1)[1].split(": ", 1)
    assert option in named.split("/") and message.startswith("expected a positive")
    assert f"got '{value}'" in result.stderr


def test_an_infinite_timeout_is_no_limit(program):
    assert run_cli("--timeout", "inf", str(program)).stdout == "rain:\t0.6\nwet:\t0.72\n"
    with pytest.raises(ValueError, match="timeout = nan must be positive"):
        Limits(timeout=float("nan"))
    with pytest.raises(ValueError, match="max_depth = True must be a positive integer"):
        Limits(max_depth=True)


def test_missing_file_is_a_clean_error(tmp_path):
    result = run_cli(str(tmp_path / "missing.pl"))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_timeout_flag_ends_cleanly(tmp_path):
    path = tmp_path / "slow.pl"
    path.write_text("p(X) :- p(s(X)).\nquery(p(a)).\n")
    result = run_cli("--timeout", "0.5", "--max-depth", "100000000", str(path))
    assert result.returncode == 1
    assert "time limit" in result.stderr or "ground program exceeds" in result.stderr


def test_debug_shows_traceback(tmp_path):
    path = tmp_path / "bad.pl"
    path.write_text("query(b).\n")
    result = run_cli("--debug", str(path))
    assert result.returncode == 1 and "Traceback" in result.stderr


@pytest.mark.parametrize("text, expected", [
    # ProbLog 2.3's `problog mpe` prints the same for these two
    ((Path(__file__).resolve().parent.parent / "problogic" / "examples" / "alarm.pl")
     .read_text(), "burglary\n\\+earthquake\n% Probability: 0.026873856\n"),
    ("0.3::a. 0.6::b. 0.2::c(1); 0.5::c(2). d :- a. evidence(d).\n",
     "a\n% Probability: 0.3\n"),
    # the rest are ProbLog 2.3's answers too. A head of an annotated disjunction that the
    # queries and evidence do not reach is summed out with "none": c(2) and none are one
    # value "not c(1)" of 0.8, so the best is not c(1), d, z: 0.8 * 0.4 * 0.9
    ("0.2::c(1); 0.5::c(2).\n0.4::d.\ne :- c(1).\ne :- d.\nevidence(e).\n0.9::z.\nquery(z).\n",
     "z\n% Probability: 0.288\n"),
    ("0.2::a; 0.3::b. query(a).\n", "\\+a\n% Probability: 0.8\n"),
    ("0.2::a; 0.3::b; 0.1::c. query(a). query(b).\n", "\\+a\n\\+b\n% Probability: 0.5\n"),
    # x only feeds a cycle that has no other support, yet it is reached: maximised over
    ("0.3::x. 0.6::y. a :- y. a :- x, a. query(a).\n", "a\n% Probability: 0.42\n"),
    # without queries: the reached facts
    ("0.3::a. 0.4::b. q :- a. q :- b. evidence(q).\n", "\\+a\nb\n% Probability: 0.28\n"),
    ("0.6::a. query(a). query(\\+a).\n", "a\na\n% Probability: 0.6\n"),
    ("query(a).\na.\n", "% Probability: 1\n"),  # a query true in every world: not listed
])
def test_mpe_subcommand(tmp_path, text, expected):
    path = tmp_path / "mpe.pl"
    path.write_text(text)
    result = run_cli("mpe", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_exact_evaluation_never_imports_torch_or_numpy(program):
    """The command line and pl.evaluate load neither (torch alone takes over a second to
    import); pl.Model still loads torch on first use."""
    check = (
        "import sys, problogic as pl, problogic.cli as cli\n"
        f"assert cli.main([{str(program)!r}]) == 0\n"
        "assert pl.evaluate('0.5::a. query(a).') == {'a': 0.5}\n"
        "loaded = {'torch', 'numpy'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
        "assert pl.Model.__name__ == 'Model' and 'torch' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "rain:\t0.6\nwet:\t0.72\n"


def test_demo_runs_every_task():
    """``make demo``: the inference examples, then explain's proofs, dt's decisions and lfi's
    learned values."""
    result = subprocess.run([sys.executable, "-m", "problogic.demo"], capture_output=True,
                            text=True, check=True)
    assert "== hmm.pl:" in result.stdout
    # burglary 0.1, no earthquake 0.8, the alarm's rule at line 6 0.8, each call 0.8
    assert "      P=0.04096: burglary, \\+earthquake, rule(11, calls(john)), " \
           "rule(11, calls(mary)), rule(6, alarm)\n" in result.stdout
    assert "   umbrella: yes\n" in result.stdout and "expected utility 43 " in result.stdout
    learned = re.search(r"t\(_\)::earthquake: (0\.\d+)", result.stdout)
    assert learned and abs(float(learned.group(1)) - 0.2) < 0.05


def test_prolog_format_verbose_and_problogs_compiler_options(program):
    result = run_cli("--format", "prolog", "-v", "-k", "sdd", "--logspace", str(program))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "problog_result(rain, 0.6).\nproblog_result(wet, 0.72).\n"
    assert "[INFO] compile: " in result.stderr and "[INFO] diagram nodes: " in result.stderr


def test_problogs_evidence_propagation_and_recursion_limit_options(tmp_path):
    """As ProbLog 2.3 answers: --dont-propagate-evidence lists the answers the evidence makes
    false, at 0; --recursion-limit is the limit on nested calls."""
    path = tmp_path / "pe.pl"
    path.write_text("0.5::a(1). 0.5::a(2). evidence(\\+ a(2)). query(a(X)).\n")
    assert run_cli(str(path)).stdout == "a(1):\t0.5\n"
    assert run_cli("--propagate-evidence", str(path)).stdout == "a(1):\t0.5\n"
    assert run_cli("--dont-propagate-evidence", str(path)).stdout == "a(1):\t0.5\na(2):\t0\n"
    both = run_cli("--propagate-evidence", "--dont-propagate-evidence", str(path))
    assert both.returncode == 2 and "not allowed with" in both.stderr
    endless = run_cli("--recursion-limit", "30", "-",
                      stdin="p(X) :- p(s(X)). query(p(a)).\n")
    assert endless.returncode == 1
    assert "maximum resolution depth 30 exceeded" in endless.stderr
    failing = run_cli("--full-trace", "-", stdin="p(X) :- p(s(X)). query(p(a)).\n")
    assert failing.returncode == 1 and "Traceback" in failing.stderr


def test_a_library_of_the_users_is_found_in_the_folders_given_with_L(tmp_path):
    """As ProbLog's -L: use_module(library(Name)) loads Name.pl from the first folder that
    has it (a file it loads is relative to it); ProbLog's own libraries stay built in."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    (second / "mylib.pl").write_text(":- consult(helper).\ndouble(X, Y) :- half(Y, X).\n")
    (second / "helper.pl").write_text("half(Y, X) :- X is Y // 2.\n")
    (first / "lists.pl").write_text("member(_, _) :- fail.\n")  # never read: lists is built in
    program = tmp_path / "uses.pl"
    program.write_text(":- use_module(library(mylib)).\n:- use_module(library(lists)).\n"
                       "0.5::a.\nq :- a, double(2, 4), member(x, [x]).\nquery(q).\n")
    found = run_cli("-L", str(first), "--library", str(second), str(program))
    assert (found.returncode, found.stdout) == (0, "q:\t0.5\n"), found.stderr
    missing = run_cli("-L", str(first), str(program))
    assert missing.returncode == 1
    assert "uses.pl:1:1: error: unknown library library(mylib)" in missing.stderr
    assert "-L DIR" in missing.stderr

    import problogic as pl

    api = pl.Program.from_file(program, library_folders=(str(second),))
    assert api.evaluate() == {"q": 0.5}


# ProbLog options problogic leaves out, each a usage error ("unrecognized arguments"): the
# web interface, profiling and tracing of ProbLog's engine, symbolic and anytime evaluation,
# SDD tuning, learning's log file and AD normalisation switch, minimum-probability
# explanations, sampling's tags, the ground program's other printed forms; a
# ProbLog option missing from both lists fails the test.
NOT_SUPPORTED = {
    None: {"--symbolic", "--web", "--profile", "--trace",
           "--profile-level", "--engine-debug", "--convergence", "-c", "--unbuffered", "-u",
           "--sdd-auto-gc", "--sdd-no-auto-gc", "--sdd-preset-variables",
           "--sdd-no-preset-variables"},
    "mpe": {"--web", "--minpe"},
    "dt": {"--web"},
    "map": {"--web"},
    "lfi": {"--logger", "--nonormalize", "--web"},
    "sample": {"--strip-tag", "--web"},
    # the ground program printed other ways
    "ground": {"--break-cycles", "--transform-nnf", "--keep-all", "--keep-duplicates",
               "--any-order", "--hide-builtins", "--propagate-evidence",
               "--propagate-weights", "--compact", "--noninterpretable", "--web"},
}
PROBLOG_TASKS = {None: "probability", "mpe": "mpe", "dt": "dtproblog", "map": "map",
                 "lfi": "lfi", "sample": "sample", "ground": "ground"}
PARSER_FUNCTIONS = {"sample": "get_argument_parser", "ground": "get_arg_parser"}


@pytest.mark.skipif(not problog_available(), reason="needs problog")
@pytest.mark.parametrize("command", list(PROBLOG_TASKS))
def test_problogs_options_are_accepted(command):
    """Every option of ProbLog's command is one of ours (or refused on purpose, above;
    explain's parser is built inside its main, and has -v and -o, both ours)."""
    import importlib

    from problogic.cli import build_parser

    package = "problog.learning" if command == "lfi" else "problog.tasks"
    module = importlib.import_module(f"{package}.{PROBLOG_TASKS[command]}")
    theirs = getattr(module, PARSER_FUNCTIONS.get(command, "argparser"))()
    options = {o for action in theirs._actions for o in action.option_strings}
    ours = set(build_parser(command)._option_string_actions)
    assert options - ours == NOT_SUPPORTED[command]
    assert NOT_SUPPORTED[command] <= options  # none listed that ProbLog no longer has


@pytest.mark.parametrize("command, extra", [
    ("mpe", ["--solver", "scip"]), ("map", ["-k", "sdd", "-s", "local"]),
    ("sample", ["-n", "3", "-s", "4", "--with-probability"]), ("explain", ["-v"]),
    ("dt", ["-k", "ddnnf"]), ("ground", ["-v"]), (None, ["-t", "30", "-k", "bdd", "-v"]),
])
def test_output_goes_to_the_file_of_o(tmp_path, command, extra):
    path = tmp_path / "model.pl"
    decision = ("?::d.\nutility(c, 2). utility(d, -1).\n" if command == "dt" else
                "0.5::d.\nquery(c). query(b(_)).\n")
    path.write_text("0.3::a. 0.6::b(1); 0.3::b(2). c :- a. c :- b(1), d.\n" + decision)
    args = ([command] if command else []) + extra + [str(path)]
    printed = run_cli(*args)
    assert printed.returncode == 0, printed.stderr
    written = run_cli(*args[:-1], "-o", str(tmp_path / "out.txt"), str(path))
    assert written.returncode == 0 and written.stdout == ""
    assert (tmp_path / "out.txt").read_text() == printed.stdout != ""


def test_sample_with_probability_prints_each_worlds_probability(tmp_path):
    path = tmp_path / "model.pl"
    path.write_text("0.3::a. 0.6::b(1); 0.3::b(2). c :- a. c :- b(1).\n"
                    "query(c). query(b(_)).\n")
    run = run_cli("sample", "-N", "40", "--seed", "3", "--with-probability", str(path))
    assert run.returncode == 0, run.stderr
    worlds = {}  # the printed atoms of each world of a and b's value: its probability
    for a, pa in ((True, 0.3), (False, 0.7)):
        for b, pb in ((1, 0.6), (2, 0.3), (None, 0.1)):
            atoms = ({"c."} if a or b == 1 else set()) | ({f"b({b})."} if b else set())
            worlds.setdefault(frozenset(atoms), set()).add(round(pa * pb, 8))
    samples = run.stdout.strip().split("\n----------------\n")
    assert len(samples) == 40
    for sample in samples:
        *atoms, last = sample.split("\n") if sample else [""]
        assert last.startswith("% Probability: ")
        assert round(float(last.split(": ")[1]), 8) in worlds[frozenset(atoms)]


def test_compile_timeout_limits_compilation_alone(tmp_path):
    from benchmarks.families.smokers import program as smokers

    path = tmp_path / "smokers.pl"
    path.write_text(smokers(20))  # its compilation takes seconds, its grounding much less
    run = run_cli("--compile-timeout", "0.2", str(path))
    assert run.returncode == 1
    assert "time limit of 0.2 s exceeded during compilation (raise it with " \
           "--compile-timeout)" in run.stderr
    import problogic as pl
    from problogic.errors import LimitExceededError

    with pytest.raises(LimitExceededError, match="--compile-timeout"):
        pl.Program.from_string(smokers(20)).map(compile_timeout=0.2)
    with pytest.raises(ValueError, match="compile_timeout"):
        Limits(compile_timeout=0)


def test_sample_with_facts_prints_each_relevant_fact(tmp_path):
    path = tmp_path / "model.pl"
    path.write_text("0.3::a. 0.6::b(1); 0.3::b(2). 0.5::unused. c :- a. c :- b(1).\n"
                    "query(c).\n")
    run = run_cli("sample", "-N", "30", "-s", "5", "--with-facts", "--with-probability",
                  str(path))
    assert run.returncode == 0, run.stderr
    for sample in run.stdout.strip().split("\n----------------\n"):
        lines = sample.split("\n")
        facts = {line.lstrip("\\+").rstrip("."): not line.startswith("\\+")
                 for line in lines if line.startswith(("a", "\\+a", "b", "\\+b"))}
        assert set(facts) == {"a", "b(1)", "b(2)"}  # in source order, unused left out
        assert ("c." in lines) == (facts["a"] or facts["b(1)"])
        assert not (facts["b(1)"] and facts["b(2)"])
        pb = 0.6 if facts["b(1)"] else 0.3 if facts["b(2)"] else 0.1
        assert float(lines[-1].split(": ")[1]) == pytest.approx(
            (0.3 if facts["a"] else 0.7) * pb)
    path.write_text(path.read_text() + "query(b(_)).\n")  # b(1) and b(2): queries and facts
    evidence = run_cli("sample", "-N", "1", "--with-facts", "--as-evidence", str(path))
    lines = evidence.stdout.split()
    assert len(lines) == len(set(lines)) == 4  # c, a, b(1), b(2): each once
    assert all(line.startswith("evidence(") for line in lines)

"""The corpus of ProbLog programs (tests/programs/) against answers recorded from ProbLog 2.3.

The expected answers live in tests/expected/ (written by tests/regenerate_expected.py), so
these tests need no ProbLog:

* every program: ``problogic.evaluate`` gives the same query atoms as ProbLog, each within
  1e-9 (a few also through ``Program.from_string`` / ``Program.from_file``);
* a handful of programs through the command line: ``--format json`` gives the same object,
  and the text output equals ProbLog's own command line output (``expected/NAME.txt``) line
  by line once the padding is removed: same order (sorted by the text of the atom), same
  atoms, same numbers (``%.8g``);
* every program of tests/programs/errors/: the error class and location required by its
  ``% expect:`` header; for a handful also through the command line (exit status 1,
  ``FILE:LINE:COL: error: ...`` on stderr, no traceback).

The tests import problogic inside each test, so the checks of the corpus itself run (and the
engine tests fail, not skip) while the engine is missing or broken.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from regenerate_expected import (
    EXPECTED,
    EXPECTED_ERRORS,
    corpus_files,
    error_files,
    parse_expect_header,
)

TOLERANCE = 1e-9
PROGRAMS = corpus_files()
ERRORS = error_files()

# programs run through the command line (kept few: each run starts a Python process)
CLI_TEXT_PROGRAMS = [
    "printing_numbers",  # %.8g, 1 and 0, exponents, p(10) sorted before p(2)
    "printing_terms",  # lists, quoted atoms, strings, operators in atoms
    "builtins_arithmetic",  # query order differs from sorted order
    "recursion_counter",  # negative numbers in atoms
    "smokers_evidence",
    "negation_basic",  # 0.7000000000000001 printed as 0.7
    "aggregate_library",
    "evidence_propagation",  # answers the evidence makes false left out, as ProbLog does
]
CLI_JSON_PROGRAMS = ["bn_alarm", "printing_terms", "query_nonground", "builtins_findall", "dice"]
CLI_ERROR_PROGRAMS = [
    "syntax_missing_operator",
    "unknown_predicate_query",
    "nonground_arith_is",
    "prob_above_one",
    "negative_cycle",
    "inconsistent_evidence_zero",
    "unbounded_recursion",
]
# programs whose error may take the engine a while to find (limits): run in a subprocess
SLOW_ERRORS = {"unbounded_recursion", "unbounded_recursion_arith"}
SLOW_ERROR_SECONDS = 30
LEAF_GROUNDING_ERRORS = ("UnknownPredicateError", "NegativeCycleError")


def _ids(paths):
    return [path.stem for path in paths]


def expected_marginals(path: Path) -> dict[str, float]:
    return json.loads((EXPECTED / f"{path.stem}.json").read_text())["marginals"]


def expected_error(path: Path) -> dict:
    return json.loads((EXPECTED_ERRORS / f"{path.stem}.json").read_text())


def assert_same_marginals(actual: dict, expected: dict, name: str) -> None:
    assert isinstance(actual, dict), f"{name}: evaluate returned {type(actual).__name__}"
    missing = sorted(set(expected) - set(actual))
    unexpected = sorted(set(actual) - set(expected))
    assert not missing and not unexpected, (
        f"{name}: query atoms differ from ProbLog's\n"
        f"  missing: {missing}\n  unexpected: {unexpected}\n  got: {sorted(actual)}"
    )
    wrong = {
        atom: (actual[atom], expected[atom])
        for atom in expected
        if not abs(float(actual[atom]) - expected[atom]) <= TOLERANCE
    }
    assert not wrong, f"{name}: probabilities differ from ProbLog's (got, expected): {wrong}"


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "problogic", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parent.parent,
    )


_RESULT_LINE = re.compile(r"^\s*(?P<atom>.*):\s+(?P<prob>\S+)\s*$")


def result_lines(text: str) -> list[tuple[str, str]]:
    """``atom:<padding>prob`` lines as (atom, prob) pairs, padding removed."""
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _RESULT_LINE.match(line)
        assert match, f"not a result line: {line!r}"
        pairs.append((match["atom"].strip(), match["prob"]))
    return pairs


# ---------------------------------------------------------------------------------------------
# the corpus itself (no problogic needed)


def test_corpus_is_large_enough():
    assert len(PROGRAMS) >= 60
    assert len(ERRORS) >= 30


@pytest.mark.parametrize("path", PROGRAMS + ERRORS, ids=_ids(PROGRAMS + ERRORS))
def test_program_starts_with_a_comment(path):
    assert path.read_text().startswith("% "), f"{path.name} must start with a comment"


@pytest.mark.parametrize("path", PROGRAMS, ids=_ids(PROGRAMS))
def test_expected_files_exist(path):
    expected = EXPECTED / f"{path.stem}.json"
    assert expected.exists(), f"run tests/regenerate_expected.py {path.stem}"
    assert (EXPECTED / f"{path.stem}.txt").exists()
    assert json.loads(expected.read_text())["marginals"], f"{path.name} has no query"


@pytest.mark.parametrize("path", ERRORS, ids=_ids(ERRORS))
def test_expected_error_matches_header(path):
    """The expected error JSON is up to date with the ``% expect:`` header of the program."""
    recorded = expected_error(path)
    header = parse_expect_header(path.read_text()).to_json()
    assert (recorded["error"], recorded["locations"]) == (header["error"], header["locations"]), (
        f"run tests/regenerate_expected.py {path.stem}"
    )


@pytest.mark.parametrize("path", PROGRAMS, ids=_ids(PROGRAMS))
def test_problog_cli_sorts_by_atom_text(path):
    """What ProbLog's command line does, recorded: one line per query atom, sorted by the
    atom's text (Python string order), with the probability as %.8g; the answers of a
    non-ground query that the evidence makes false (0 in its Python API) left out."""
    lines = result_lines((EXPECTED / f"{path.stem}.txt").read_text())
    marginals = expected_marginals(path)
    atoms = [atom for atom, _ in lines]
    left_out = set(marginals) - set(atoms)
    assert atoms == sorted(set(marginals) - left_out)
    assert all(marginals[atom] == 0 for atom in left_out), left_out
    assert not left_out or "evidence(" in path.read_text()
    assert [prob for _, prob in lines] == ["%.8g" % marginals[atom] for atom, _ in lines]


# ---------------------------------------------------------------------------------------------
# problogic on the corpus


@pytest.mark.parametrize("path", PROGRAMS, ids=_ids(PROGRAMS))
def test_marginals_equal_problog(path):
    import problogic

    actual = problogic.evaluate(path.read_text())
    assert_same_marginals(actual, expected_marginals(path), path.name)


@pytest.mark.parametrize("name", ["bn_alarm", "smokers", "builtins_findall", "query_rules"])
def test_program_api(name):
    from problogic import Program

    path = Path(__file__).resolve().parent / "programs" / f"{name}.pl"
    expected = expected_marginals(path)
    assert_same_marginals(Program.from_string(path.read_text()).evaluate(), expected, name)
    assert_same_marginals(Program.from_file(path).evaluate(), expected, name)


@pytest.mark.parametrize("name", CLI_TEXT_PROGRAMS)
def test_cli_text_equals_problog_output(name):
    """Our command line prints what ProbLog's prints, line for line, padding aside."""
    path = Path("tests/programs") / f"{name}.pl"
    completed = run_cli(str(path))
    assert completed.returncode == 0, completed.stderr
    assert "\t" in completed.stdout, "lines are 'atom:<TAB>probability'"
    for line in completed.stdout.splitlines():
        assert re.match(r"^\S.*:\t\S+$", line), f"expected 'atom:\\tprob', got {line!r}"
    expected = result_lines((EXPECTED / f"{name}.txt").read_text())
    assert result_lines(completed.stdout) == expected


@pytest.mark.parametrize("name", CLI_JSON_PROGRAMS)
def test_cli_json(name):
    path = Path("tests/programs") / f"{name}.pl"
    completed = run_cli("--format", "json", str(path))
    assert completed.returncode == 0, completed.stderr
    actual = json.loads(completed.stdout)
    assert_same_marginals(actual, expected_marginals(path), name)


@pytest.mark.parametrize("path", [p for p in PROGRAMS if "evidence(" in p.read_text()],
                         ids=lambda p: p.stem)
def test_cli_without_evidence_propagation_answers_as_problogs_api(path):
    """``--dont-propagate-evidence`` keeps the answers the evidence makes false, at 0, as
    ProbLog's Python API (the recorded answers) and its ``--dont-propagate-evidence`` do."""
    completed = run_cli("--dont-propagate-evidence", "--format", "json", str(path))
    assert completed.returncode == 0, completed.stderr
    assert_same_marginals(json.loads(completed.stdout), expected_marginals(path), path.stem)


# ---------------------------------------------------------------------------------------------
# errors

_CHILD = """
import json, sys, time
import problogic
start = time.monotonic()
try:
    problogic.evaluate(open(sys.argv[1]).read())
    answer = {"error": None}
except problogic.ProblogicError as err:
    loc = err.location
    answer = {"error": type(err).__name__,
              "classes": [c.__name__ for c in type(err).__mro__],
              "location": None if loc is None else [loc.line, loc.column],
              "message": str(err)}
answer["seconds"] = time.monotonic() - start
print(json.dumps(answer))
"""


def _raise_error(path: Path):
    """(class names of the error's type and its bases, (line, column) or None, message)."""
    if path.stem in SLOW_ERRORS:
        completed = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path)],
            capture_output=True,
            text=True,
            timeout=SLOW_ERROR_SECONDS * 2,
        )
        assert completed.returncode == 0, completed.stderr
        answer = json.loads(completed.stdout.strip().splitlines()[-1])
        assert answer["error"] is not None, f"{path.name}: no error raised"
        assert answer["seconds"] < SLOW_ERROR_SECONDS, (
            f"{path.name}: the error took {answer['seconds']:.1f} s"
        )
        location = None if answer["location"] is None else tuple(answer["location"])
        return answer["classes"], location, answer["message"]
    import problogic

    with pytest.raises(problogic.ProblogicError) as info:
        problogic.evaluate(path.read_text())
    err = info.value
    location = None if err.location is None else (err.location.line, err.location.column)
    return [c.__name__ for c in type(err).__mro__], location, str(err)


@pytest.mark.parametrize("path", ERRORS, ids=_ids(ERRORS))
def test_error_class_and_location(path):
    expected = expected_error(path)
    classes, location, message = _raise_error(path)
    assert any(name in classes for name in expected["error"]), (
        f"{path.name}: expected {' or '.join(expected['error'])}, got {classes[0]}: {message}"
    )
    if "GroundingError" in expected["error"]:  # not a more specific error of another kind
        wrong = [leaf for leaf in LEAF_GROUNDING_ERRORS if leaf in classes and leaf not in expected["error"]]
        assert not wrong, f"{path.name}: got {classes[0]}: {message}"
    if expected["locations"] is not None:
        accepted = [tuple(loc) for loc in expected["locations"]]
        assert location in accepted, (
            f"{path.name}: location {location} not in {accepted} ({classes[0]}: {message})"
        )


@pytest.mark.parametrize("name", CLI_ERROR_PROGRAMS)
def test_cli_error_format(name):
    path = f"tests/programs/errors/{name}.pl"
    expected = expected_error(Path(__file__).resolve().parent / "programs" / "errors" / f"{name}.pl")
    completed = run_cli(path, timeout=SLOW_ERROR_SECONDS * 2)
    assert completed.returncode == 1, (completed.returncode, completed.stdout, completed.stderr)
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.stdout.strip() == "", "no results are printed for a program in error"
    first = completed.stderr.splitlines()[0] if completed.stderr else ""
    if expected["locations"] is None:
        assert re.match(rf"^{re.escape(path)}(:\d+:\d+)?: error: \S", first), first
    else:
        match = re.match(rf"^{re.escape(path)}:(\d+):(\d+): error: \S", first)
        assert match, f"expected '{path}:LINE:COL: error: message', got {first!r}"
        location = [int(match[1]), int(match[2])]
        assert location in expected["locations"], first

"""Learning from interpretations (``problogic lfi``, ``Program.lfi``): against ProbLog's
``problog lfi`` iteration by iteration, against closed-form estimates, and its errors."""

from __future__ import annotations

import math
import re
import random
import subprocess
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import problogic as pl
from problogic.errors import LimitExceededError, ParseError, ProgramError
from problogic.tasks.lfi import read_examples
from oracle import problog_available

needs_problog = pytest.mark.skipif(not problog_available(), reason="needs problog")


def _random_task(seed: int) -> tuple[str, list[list[tuple[str, bool]]]]:
    """A random program with t(p) facts and rules (no learnable annotated disjunctions:
    ProbLog's differ, see the module doc of problogic.tasks.lfi) and examples observing
    parts of worlds drawn from it."""
    rng = random.Random(seed)
    lines, atoms = [], []
    for i in range(rng.randint(1, 4)):
        p = round(rng.uniform(0.1, 0.9), 2)
        lines.append(f"t({p})::f{i}." if rng.random() < 0.6 else f"{p}::f{i}.")
        atoms.append(f"f{i}")
    if rng.random() < 0.4:
        p = round(rng.uniform(0.1, 0.9), 2)
        body = f" :- {rng.choice(atoms)}" if rng.random() < 0.5 else ""
        lines.append(f"{p}::x1; {round(1 - p, 2)}::x2{body}.")
        atoms += ["x1", "x2"]
    for i in range(rng.randint(1, 3)):
        for _ in range(rng.randint(1, 2)):
            body = ", ".join(("\\+" if rng.random() < 0.25 else "") + rng.choice(atoms)
                             for _ in range(rng.randint(1, 2)))
            p = round(rng.uniform(0.1, 0.9), 2)
            annotation = "" if rng.random() < 0.6 else \
                f"t({p})::" if rng.random() < 0.7 else f"{p}::"
            lines.append(f"{annotation}d{i} :- {body}.")
        atoms.append(f"d{i}")
    if not any("t(" in line for line in lines):
        lines[0] = "t(0.5)::" + lines[0].split("::", 1)[-1]
    source = "\n".join(lines) + "\n"
    queries = "".join(f"query({a}).\n" for a in atoms)
    samples = pl.Program.from_string(source + queries).sample(rng.randint(1, 6),
                                                              seed=rng.randint(0, 10**6))
    examples = []
    for world in samples.worlds:
        truth = dict(zip(samples.queries, world))
        observed = [a for a in atoms if rng.random() < 0.5] or [rng.choice(atoms)]
        examples.append([(a, truth[a]) for a in observed])
    return source, examples


def _problog_lfi(source, examples, iterations, leak=None):
    from problog.learning.lfi import run_lfi
    from problog.logic import Term
    from problog.program import PrologString

    data = [[(Term(a), v) for a, v in example] for example in examples]
    _, weights, _, _, _ = run_lfi(PrologString(source), data, max_iter=iterations,
                                  min_improv=-math.inf, leakprob=leak)
    return weights


def _ours(source, examples, iterations, leak=None):
    result = pl.Program.from_string(source).lfi([dict(e) for e in examples],
                                                max_iterations=iterations, min_change=-1.0,
                                                leak=leak)
    return [p.value for p in result.parameters]


@needs_problog
@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 25))
def test_same_iterates_as_problog(seed, iterations):
    """After the same number of EM iterations, the values are ProbLog's (1e-6: ProbLog counts a
    fact's posterior below 1e-6 in an example as 0, we keep it). Where a body contradicts
    itself (``f, \\+f``) ProbLog still counts the facts it met and we count only the ones
    the evidence depends on: the iterates differ, the fixed point does not."""
    source, examples = _random_task(seed)
    try:
        theirs = _problog_lfi(source, examples, iterations)
    except Exception:  # ProbLog fails on a few (lfi_body/3 missing): nothing to compare
        assume(False)
    ours = _ours(source, examples, iterations)
    assert len(ours) == len(theirs)
    if max(abs(a - b) for a, b in zip(ours, theirs)) > 1e-6:
        converged_theirs = _problog_lfi(source, examples, 3000)
        converged_ours = _ours(source, examples, 3000)
        assert converged_ours == pytest.approx(converged_theirs, abs=1e-6), source


@needs_problog
@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 25))
def test_leak_probabilities_give_problogs_iterates(seed, iterations):
    """``-l 0.05``: each atom observed true is also a 0.05 fact while learning."""
    source, examples = _random_task(seed)
    try:
        theirs = _problog_lfi(source, examples, iterations, leak=0.05)
    except Exception:
        assume(False)
    ours = _ours(source, examples, iterations, leak=0.05)
    if max(abs(a - b) for a, b in zip(ours, theirs)) > 1e-6:
        converged_theirs = _problog_lfi(source, examples, 3000, leak=0.05)
        assert _ours(source, examples, 3000, leak=0.05) == \
            pytest.approx(converged_theirs, abs=1e-6), source


def test_leak_probabilities_make_examples_possible(tmp_path):
    """Without a leak the first example is impossible (b needs a); with one it counts, and
    the learned model ends with the leak facts, as ProbLog writes it."""
    program = tmp_path / "m.pl"
    program.write_text("t(0.5)::a.\nt(_)::b :- a.\n")
    examples = tmp_path / "e.pl"
    examples.write_text("evidence(b, true).\nevidence(a, false).\n---\nevidence(a, true).\n")
    run = subprocess.run([sys.executable, "-m", "problogic", "lfi", "-l", "0.1", "-O",
                          str(tmp_path / "out.pl"), str(program), str(examples)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout.startswith("-3.6888794541139363 [0.44444444, ")  # ProbLog's values
    assert (tmp_path / "out.pl").read_text().endswith("\n0.1::b.\n0.1::a.\n")
    with pytest.raises(ProgramError, match="leak probability 1.5"):
        pl.Program.from_string("t(0.5)::a.").lfi([{"a": True}], leak=1.5)


ALARM = """t(0.5)::burglary.
0.2::earthquake.
t(_)::p_alarm1.
t(_)::p_alarm2.
t(_)::p_alarm3.

alarm :- burglary, earthquake, p_alarm1.
alarm :- burglary, \\+earthquake, p_alarm2.
alarm :- \\+burglary, earthquake, p_alarm3.
"""

ALARM_EXAMPLES = """evidence(burglary,false).
evidence(alarm,false).
-----
evidence(earthquake,false).
evidence(alarm,true).
evidence(burglary,true).
-----
evidence(burglary,false).
"""


def test_cli_prints_as_problog(tmp_path):
    """ProbLog's tutorial example (``problog lfi`` gives 0.33333333, 1.0 and 0.0, and its
    random start for the unidentifiable p_alarm1), and the learned model."""
    model, examples, out = tmp_path / "m.pl", tmp_path / "e.pl", tmp_path / "out.pl"
    model.write_text(ALARM)
    examples.write_text(ALARM_EXAMPLES)
    result = subprocess.run([sys.executable, "-m", "problogic", "lfi", str(model),
                             str(examples), "-O", str(out)],
                            capture_output=True, text=True, check=True)
    score, rest = result.stdout.split(" ", 1)
    values, iterations = rest.rsplit(" ", 1)
    assert values == ("[0.33333333, 0.5, 1.0, 0.0] [t(0.5)::burglary, t(_)::p_alarm1, "
                      "t(_)::p_alarm2, t(_)::p_alarm3]")
    assert 0 < int(iterations) < 10_000
    # P(e) of the three examples: 2/3 * 1, 1/3 * 0.8 * 1, 2/3
    assert float(score) == pytest.approx(math.log(2 / 3 * 1 / 3 * 0.8 * 2 / 3), abs=1e-8)
    learned = out.read_text().splitlines()
    assert learned[0] == "0.333333333333333::burglary."
    assert float(learned[2].split("::")[0]) == pytest.approx(0.5)  # no example bears on it
    assert learned[3:5] == ["1.0::p_alarm2.", "0.0::p_alarm3."]
    assert learned[1] == "0.2::earthquake." and learned[5:] == ALARM.splitlines()[5:]


def test_fully_observed_facts_are_frequencies():
    examples = [{"a": True, "b": False}, {"a": True}, {"a": False, "b": True}, {"b": True}]
    result = pl.Program.from_string("t(0.5)::a. t(_)::b.").lfi(examples)
    assert [p.value for p in result.parameters] == pytest.approx([2 / 3, 2 / 3])
    assert result.iterations == 2  # one update, one to see nothing moves
    assert result.log_likelihood == pytest.approx(
        2 * math.log(2 / 3) + math.log(1 / 3) + 2 * math.log(2 / 3) + math.log(1 / 3))


def test_rule_parameter_is_tied_and_counts_only_where_the_body_holds():
    """t(_)::f(X) :- g(X): one parameter for every X, estimated where g(X) holds."""
    source = "t(_)::f(X) :- g(X).\ng(1). g(2). g(3).\n"
    examples = [{"f(1)": True, "f(2)": False, "f(3)": True}, {"f(1)": True, "f(4)": False}]
    result = pl.Program.from_string(source).lfi(examples)
    assert result.parameters[0].value == pytest.approx(3 / 4)
    assert result.parameters[0].name == "t(_)::f(X)"


def test_extra_arguments_of_t_give_a_parameter_per_value():
    """t(_, D)::umbrella(D): one parameter per day, each its day's frequency where its body
    holds (ProbLog's answers: 0.7 and 0.3, written as a clause per day)."""
    source = "0.6::wind.\nday(d1). day(d2).\n\nt(_, D)::umbrella(D) :- day(D), \\+wind.\n"
    examples = ([{"wind": False, "umbrella(d1)": True, "umbrella(d2)": False}] * 7 +
                [{"wind": False, "umbrella(d1)": False, "umbrella(d2)": True}] * 3)
    program = pl.Program.from_string(source)
    result = program.lfi(examples)
    assert [(p.name, round(p.value, 9)) for p in result.parameters] == [
        ("t(_,d1)::umbrella(d1)", 0.7), ("t(_,d2)::umbrella(d2)", 0.3)]
    lines = result.model.splitlines()
    assert lines[:3] == ["0.6::wind.", "day(d1). day(d2).", ""]
    assert re.fullmatch(r"0\.7\d*::umbrella\(d1\) :- day\(d1\), \\\+wind\.", lines[3])
    assert re.fullmatch(r"0\.(3|29+)\d*::umbrella\(d2\) :- day\(d2\), \\\+wind\.", lines[4])
    pytest.importorskip("torch")
    with pytest.raises(ProgramError, match="for problogic lfi"):
        pl.Model(source + "query(umbrella(d1)).", networks={}).query("umbrella(d1)")


def test_hidden_cause_converges_to_the_maximum_likelihood():
    """c :- a, b with b fixed at 0.5: P(c) = a/2, observed 1 time in 4, so a = 1/2."""
    result = pl.Program.from_string("t(0.9)::a. 0.5::b. c :- a, b.").lfi(
        [{"c": True}, {"c": False}, {"c": False}, {"c": False}])
    assert result.parameters[0].value == pytest.approx(0.5, abs=1e-8)


def test_annotated_disjunction_heads_are_exhaustive_and_keep_fixed_heads():
    """Two or more learnable heads are exhaustive, as in ProbLog (its answers below): an
    example where all are false has probability 0 and is ignored, and a fixed head keeps its
    share. With one learnable head, "none" is learned (the maximum likelihood; ProbLog's
    update gives 2/3 there, ignoring what b takes)."""
    examples = [{"a": True}, {"b": True}, {"a": False, "b": False}, {"a": True}]
    result = pl.Program.from_string("t(0.2)::a; t(0.3)::b.").lfi(examples)
    assert [p.value for p in result.parameters] == pytest.approx([2 / 3, 1 / 3])
    assert len(result.ignored) == 1
    examples = [{"a": True, "c": False}, {"a": False, "b": False, "c": False},
                {"c": True}, {"a": True}]
    result = pl.Program.from_string("t(0.2)::a; t(0.3)::b; 0.4::c.").lfi(examples)
    assert [p.value for p in result.parameters] == pytest.approx([0.6, 0.0])
    examples = [{"a": True}, {"a": False, "b": False}, {"b": True}, {"a": True}]
    result = pl.Program.from_string("t(0.5)::a; 0.3::b.").lfi(examples)
    assert [p.value for p in result.parameters] == pytest.approx([0.7 * 2 / 3])


def test_evidence_completes_a_disjunction_of_learnable_heads_as_problog():
    """All learnable heads false but one, that one unobserved: it is true (ProbLog's
    reading), even where a fixed head could hold; e is then 4/5 (ProbLog: the same)."""
    source = "t(_)::e.\nt(_)::a; t(_)::b :- e.\n"
    examples = [{"a": True}, {"a": True}, {"b": False}, {"b": True}, {"a": False, "b": False}]
    result = pl.Program.from_string(source).lfi(examples)
    assert [p.value for p in result.parameters] == pytest.approx([0.8, 0.75, 0.25])
    result = pl.Program.from_string("t(_)::a; t(_)::b; 0.5::c.").lfi([{"a": False}])
    assert [p.value for p in result.parameters] == pytest.approx([0.0, 0.5])


def test_examples_that_repeat_count_with_their_multiplicity():
    once = pl.Program.from_string("t(0.3)::a. 0.5::b. c :- a. c :- b.").lfi(
        [{"c": True}, {"c": False}], max_iterations=5, min_change=-1)
    twice = pl.Program.from_string("t(0.3)::a. 0.5::b. c :- a. c :- b.").lfi(
        [{"c": True}, {"c": True}, {"c": False}], max_iterations=5, min_change=-1)
    assert once.parameters[0].value != pytest.approx(twice.parameters[0].value)
    assert len(read_examples("evidence(a).\n---\nevidence(a).\n---\nevidence(b).")) == 2


def test_long_examples_do_not_underflow():
    """2000 observations of one coin in one example: P(evidence) is below a float's range."""
    heads = 1200
    observed = {f"toss({i})": i < heads for i in range(2000)}
    result = pl.Program.from_string("t(0.5)::toss(I).").lfi([observed])
    assert result.parameters[0].value == pytest.approx(0.6)
    assert result.log_likelihood == pytest.approx(1200 * math.log(0.6) + 800 * math.log(0.4))
    assert result.ignored == []


def test_impossible_examples_are_ignored_and_reported():
    result = pl.Program.from_string("t(0.5)::a. b :- a. c :- \\+a.").lfi(
        "evidence(b, true).\nevidence(c, true).\n---\nevidence(b, true).\n---\n"
        "evidence(a, false).")
    assert [str(location) for location in result.ignored] == ["<examples>:1:1"]
    assert result.parameters[0].value == pytest.approx(0.5)


def test_an_impossible_example_of_a_rule_parameter_warns_nothing():
    """Its posterior is -inf - -inf: numpy's 'invalid value' warning reached the user."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = pl.Program.from_string("t(0.5)::a.\nt(_)::b :- a.").lfi(
            "evidence(b, true).\nevidence(a, false).\n---\nevidence(a, true).")
    assert [str(location) for location in result.ignored] == ["<examples>:1:1"]
    assert [p.value for p in result.parameters] == pytest.approx([1.0, 0.5])


@pytest.mark.parametrize("examples, message", [
    ("evidence(a, true).\n0.3::b.", "2:1: an example holds evidence facts"),
    ("evidence(a, maybe).", "evidence value maybe is not true or false"),
    ("evidence(a(X), true).", "is not a ground atom"),
    ("a :- b.", "an example holds evidence facts"),
    ("evidence(a, true", "1:17"),
])
def test_bad_examples_are_located(examples, message):
    with pytest.raises(ParseError) as info:
        pl.Program.from_string("t(0.5)::a.").lfi(examples)
    assert message in str(info.value)


def test_time_limit_ends_learning():
    """EM on a hidden cause converges slowly near the boundary: the limit ends it."""
    program = pl.Program.from_string("t(0.5)::a. 0.5::b. c :- a, b.")
    with pytest.raises(LimitExceededError, match="exceeded during learning"):
        program.lfi([{"c": True}, {"c": False}] * 3 + [{"c": True, "b": True}],
                    min_change=-1.0, max_iterations=10**9, timeout=0.3)


def test_program_errors():
    with pytest.raises(ProgramError, match="no learnable parameters"):
        pl.Program.from_string("0.5::a.").lfi([{"a": True}])
    with pytest.raises(ProgramError, match="extra arguments of t") as info:
        pl.Program.from_string("g(1).\nt(_, Y)::f(X) :- g(X).").lfi([{"f(1)": True}])
    assert info.value.location.line == 2
    with pytest.raises(ProgramError, match="neural predicates"):
        pl.Program.from_string("t(0.5)::a. nn(net, [X], Y, [0, 1])::digit(X, Y). "
                               "b :- digit(x, 1), a.").lfi([{"b": True}])


def test_cli_errors(tmp_path):
    model = tmp_path / "m.pl"
    model.write_text("t(0.5)::a.\n")
    missing = subprocess.run([sys.executable, "-m", "problogic", "lfi", str(model),
                              str(tmp_path / "none.pl")], capture_output=True, text=True)
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    bad = tmp_path / "e.pl"
    bad.write_text("evidence(a, true).\n---\nevidence(a, sometimes).\n")
    located = subprocess.run([sys.executable, "-m", "problogic", "lfi", str(model), str(bad)],
                             capture_output=True, text=True)
    assert located.returncode == 1
    assert located.stderr.startswith(f"{bad}:3:1: error: evidence value sometimes")
    empty = tmp_path / "empty.pl"
    empty.write_text("% no examples\n")
    none = subprocess.run([sys.executable, "-m", "problogic", "lfi", str(model), str(empty)],
                          capture_output=True, text=True)
    assert none.returncode == 0 and "no examples" in none.stderr
    assert none.stdout.split(" ", 1)[1] == "[0.5] [t(0.5)::a] 1\n"

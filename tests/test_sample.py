"""Sampling worlds (``Program.sample``, ``problogic sample``): exact, conditioned on the
evidence without rejection, reproducible by seed."""

import itertools

import pytest

import problogic as pl
from test_cli import run_cli

PROGRAM = """\
0.3::burglary. 0.2::earthquake.
0.9::alarm :- burglary. 0.4::alarm :- earthquake.
0.2::c(1); 0.5::c(2).
calls :- alarm, c(2).
calls :- c(1).
evidence(calls).
query(burglary). query(earthquake). query(alarm). query(c(_)).
"""


def test_worlds_follow_the_conditional_distribution():
    samples = pl.Program.from_string(PROGRAM).sample(20000, seed=3)
    assert samples.queries == ["alarm", "burglary", "c(1)", "c(2)", "earthquake"]
    exact = pl.evaluate(PROGRAM)
    for atom, value in samples.estimates().items():
        assert value == pytest.approx(exact[atom], abs=0.015), atom
    index = {q: i for i, q in enumerate(samples.queries)}
    for world in samples.worlds:  # each is consistent with the evidence: calls
        assert world[index["c(1)"]] or (world[index["alarm"]] and world[index["c(2)"]])
    # the joint distribution too: each combination of burglary and earthquake
    negation = "\\+ "
    for b, e in itertools.product([True, False], repeat=2):
        share = sum(w[index["burglary"]] == b and w[index["earthquake"]] == e
                    for w in samples.worlds) / len(samples.worlds)
        body = f"{'' if b else negation}burglary, {'' if e else negation}earthquake"
        expected = pl.evaluate(PROGRAM.replace("query(", "%query(") + f"q :- {body}.\nquery(q).")
        assert share == pytest.approx(expected["q"], abs=0.015), (b, e)


def test_the_same_seed_gives_the_same_worlds_and_improbable_evidence_needs_no_rejection():
    program = pl.Program.from_string(PROGRAM)
    assert program.sample(50, seed=7).worlds == program.sample(50, seed=7).worlds
    rare = "0.001::a. 0.5::b. evidence(a). query(a). query(b).\n"
    samples = pl.Program.from_string(rare).sample(2000, seed=0)
    assert all(world[0] for world in samples.worlds)
    assert samples.estimates()["b"] == pytest.approx(0.5, abs=0.04)
    # evidence below the smallest float: 0.5^1500
    tiny = "".join(f"0.5::f({i}).\nevidence(f({i}), {'true' if i % 2 else 'false'}).\n"
                   for i in range(1500)) + "0.5::g.\nquery(f(1)). query(f(2)). query(g).\n"
    samples = pl.Program.from_string(tiny).sample(200, seed=0)
    assert all(world[:2] == [True, False] for world in samples.worlds)
    assert samples.estimates()["g"] == pytest.approx(0.5, abs=0.1)
    with pytest.raises(ValueError, match="count = -1"):
        program.sample(-1)


def test_sample_command(tmp_path):
    path = tmp_path / "alarm.pl"
    path.write_text(PROGRAM)
    first = run_cli("sample", "-N", "5", "--seed", "1", str(path))
    assert first.returncode == 0, first.stderr
    assert first.stdout == run_cli("sample", "-N", "5", "--seed", "1", str(path)).stdout
    samples = first.stdout.split("\n----------------\n")
    assert len(samples) == 5
    assert all(line.endswith(".") for s in samples for line in s.split("\n") if line)
    oneline = run_cli("sample", "-N", "5", "--seed", "1", "--oneline", str(path)).stdout
    assert oneline.splitlines() == [s.replace("\n", " ").strip() for s in samples]
    estimate = run_cli("sample", "-N", "2000", "--seed", "1", "--estimate", str(path))
    lines = estimate.stdout.splitlines()
    assert lines[0] == "% Probability estimate after 2000 samples"
    exact = pl.evaluate(PROGRAM)
    for line in lines[1:]:
        atom, value = line.split(":\t")
        assert float(value) == pytest.approx(exact[atom], abs=0.04), atom


@pytest.mark.parametrize("program, fragment", [
    ("0.5::a.\nevidence(a).\nevidence(a, false).\n", "2:10: error: the evidence is inconsistent"),
    ("nn(net, [X], Y, [a, b]) :: p(X, Y).\nquery(p(1, a)).\n", "1:1: error: the program uses"),
])
def test_sample_refuses_what_inference_refuses(tmp_path, program, fragment):
    path = tmp_path / "bad.pl"
    path.write_text(program)
    result = run_cli("sample", str(path))
    assert result.returncode == 1 and fragment in result.stderr


def test_samples_as_evidence_are_examples_for_lfi(tmp_path):
    """``sample --as-evidence`` writes every query as evidence, samples separated by ``---``
    lines: an examples file that ``lfi`` reads, and learning on it recovers the probability."""
    (tmp_path / "coin.pl").write_text("0.3::heads. 0.5::other.\nquery(heads). query(other).\n")
    result = run_cli("sample", "-N", "400", "--seed", "2", "--as-evidence",
                     str(tmp_path / "coin.pl"))
    first = result.stdout.split("\n----------------\n")[0].splitlines()
    assert sorted(line.split("(")[1].lstrip("\\+") for line in first) == ["heads).",
                                                                          "other)."]
    assert all(line.startswith(("evidence(heads).", "evidence(\\+heads).", "evidence(other).",
                                "evidence(\\+other).")) for line in first)
    (tmp_path / "examples.pl").write_text(result.stdout)
    (tmp_path / "learn.pl").write_text("t(_)::heads. 0.5::other.\n")
    learned = pl.Program.from_file(tmp_path / "learn.pl").lfi(
        (tmp_path / "examples.pl").read_text())
    assert learned.parameters[0].value == pytest.approx(0.3, abs=0.06)


def test_probabilities_and_facts_only_when_asked_for():
    program = pl.Program.from_string("0.3::a. 0.6::b(1); 0.3::b(2). c :- a. query(c).")
    plain = program.sample(5, seed=1)
    assert plain.probabilities is None and plain.facts is None
    detailed = program.sample(5, seed=1, with_probabilities=True, with_facts=True)
    assert detailed.worlds == plain.worlds  # the same draws
    for world, probability, facts in zip(detailed.worlds, detailed.probabilities,
                                         detailed.facts):
        assert [name for name, _ in facts] == ["a"]  # b is not relevant to c
        assert world == [facts[0][1]]
        assert probability == pytest.approx(0.3 if facts[0][1] else 0.7)

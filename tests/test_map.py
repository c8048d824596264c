"""MAP inference (``problogic map``, ``Program.map``): the queries' most probable joint
assignment given the evidence, against possible-world enumeration and by hand."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings

import bruteforce
import problogic as pl
from fuzz import examples
from problogic.errors import InconsistentEvidenceError, ProgramError
from randomprograms import random_programs
from test_random_programs import random_settings

XOR = """0.6::a. 0.6::b.
c :- a, \\+b.
d :- \\+a, b.
x :- c.
x :- d.
query(a). query(b).
evidence(x).
"""


def test_map_sums_out_what_is_not_queried():
    # the most probable world is h(0), where q is false; summed over h, q is more likely true
    source = ("0.35::h(0); 0.2::h(1); 0.25::h(2); 0.2::h(3).\n"
              "q :- h(1). q :- h(2). q :- h(3).\nr :- h(1).\nquery(q).\n")
    program = pl.Program.from_string(source)
    assert program.mpe().literals == ["\\+q"]
    answer = program.map()
    assert answer.values == {"q": True}
    assert answer.posterior == pytest.approx(0.65)
    both = pl.Program.from_string(source + "query(r).\n").map()
    assert both.values == {"q": True, "r": False}
    assert both.posterior == pytest.approx(0.45)


def test_map_respects_the_evidence():
    answer = pl.Program.from_string(XOR).map()
    assert answer.values in ({"a": True, "b": False}, {"a": False, "b": True})
    assert answer.probability == pytest.approx(0.24)
    assert answer.evidence == pytest.approx(0.48)
    assert answer.posterior == pytest.approx(0.5)


def test_map_of_categorical_and_derived_queries():
    source = ("0.2::die(1); 0.5::die(2); 0.3::die(3).\n0.5::coin.\n"
              "high :- die(3). high :- die(2), coin.\n"
              "query(die(1)). query(die(2)). query(high).\n")
    answer = pl.Program.from_string(source).map()
    # die(2) with coin tails: 0.25; die(2) with heads (high): 0.25; die(3): 0.3
    assert answer.values == {"die(1)": False, "die(2)": False, "high": True}
    assert answer.posterior == pytest.approx(0.3)


def test_map_of_improbable_evidence():
    # P(evidence) = 2^-1200 is below any float: the posterior is divided in log space
    source = "".join(f"0.5::e{i}. evidence(e{i}).\n" for i in range(1200)) + \
        "0.3::q. query(q).\n"
    answer = pl.Program.from_string(source).map()
    assert answer.values == {"q": False}
    assert answer.posterior == pytest.approx(0.7)
    assert answer.probability == answer.evidence == 0.0


def test_map_errors_are_clean():
    with pytest.raises(InconsistentEvidenceError):
        pl.Program.from_string("0.5::a. evidence(a). evidence(\\+a). query(a).").map()
    with pytest.raises(ProgramError):
        pl.Program.from_string("nn(net, [X], Y, [0, 1]) :: d(X, Y). query(d(x, 0)).").map()


@settings(random_settings, max_examples=examples(150))
@given(random_programs())
def test_map_agrees_with_bruteforce(program):
    program = bruteforce.without_unanswered_queries(program)
    joint, answers = bruteforce.query_joint(program)
    total = sum(joint.values(), Fraction(0))
    if total == 0:
        with pytest.raises(InconsistentEvidenceError):
            pl.Program.from_string(program.render()).map()
        return
    answer = pl.Program.from_string(program.render()).map()
    assert sorted(answer.values) == sorted(answers), program.render()
    best = max(joint.values())
    chosen = tuple(answer.values[name] for name in answers)
    assert float(joint.get(chosen, 0) / total) == pytest.approx(float(best / total), abs=1e-9), \
        program.render()
    assert answer.posterior == pytest.approx(float(best / total), abs=1e-9), program.render()
    assert answer.evidence == pytest.approx(float(total), abs=1e-9), program.render()


def test_map_command_line(tmp_path):
    path = tmp_path / "xor.pl"
    path.write_text(XOR)
    run = subprocess.run([sys.executable, "-m", "problogic", "map", str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:2] in (["a:\t1 ", "b:\t0 "], ["a:\t0 ", "b:\t1 "])
    assert lines[2].startswith("SCORE: 0.5")

"""The weighted CNF export (``problogic ground --format cnf``): its weighted model counts give
the marginals, on hand-written and on random programs (tests/randomprograms.py).

The model count is computed from the clauses alone: every assignment of the choice booleans
(the weighted variables), then unit propagation, which the Tseitin definitions let decide
every other variable; an assignment that propagation leaves open is an error of the encoding,
and so is a clause it leaves false.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from hypothesis import given, settings

import problogic as pl
from fuzz import DERANDOMIZE, examples
from problogic.errors import InconsistentEvidenceError, ProblogicError
from problogic.logic.cnf import WeightedCNF, formula_to_cnf
from randomprograms import random_programs

TOLERANCE = 1e-9


def propagate(clauses, assignment: dict[int, bool]) -> bool:
    """Unit propagation in place; False on a conflict."""
    changed = True
    while changed:
        changed = False
        for clause in clauses:
            open_literals, satisfied = [], False
            for lit in clause:
                value = assignment.get(abs(lit))
                if value is None:
                    open_literals.append(lit)
                elif value == (lit > 0):
                    satisfied = True
                    break
            if satisfied:
                continue
            if not open_literals:
                return False
            if len(open_literals) == 1:
                assignment[abs(open_literals[0])] = open_literals[0] > 0
                changed = True
    return True


def weighted_count(cnf: WeightedCNF, extra: tuple[int, ...] = ()) -> float:
    clauses = cnf.clauses + [(lit,) for lit in extra]
    weighted = sorted({abs(lit) for lit in cnf.weights})
    total = 0.0
    for values in itertools.product((True, False), repeat=len(weighted)):
        assignment = dict(zip(weighted, values))
        if not propagate(clauses, assignment):
            continue
        assert len(assignment) == cnf.variables, "propagation left variables open"
        weight = 1.0
        for var, value in assignment.items():
            weight *= cnf.weights.get(var if value else -var, 1.0)
        total += weight
    return total


def cnf_marginals(source: str) -> dict[str, float]:
    cnf = formula_to_cnf(pl.Program.from_string(source).formula())
    evidence = weighted_count(cnf)
    return {atom: weighted_count(cnf, (lit,)) / evidence for atom, lit in cnf.queries}


@pytest.mark.parametrize("source", [
    "0.3::a. 0.6::b. c :- a, b. c :- \\+a, b. query(c). query(a).",
    "0.2::e(1,2); 0.5::e(1,3). r(X) :- e(1,X). query(r(2)). query(r(3)).",
    "0.4::x; 0.6::y. query(x). query(y).",  # two heads summing to 1: one boolean
    "0.5::a. 0.5::b. p :- a. p :- q. q :- p, b. q :- b. evidence(\\+a). query(p). query(q).",
    "0.3::a. t :- true. query(t). query(a).",  # a root that simplified to true
    "0.3::a. 0.6::b. c :- a. c :- b. evidence(c). evidence(\\+ b, true). query(a).",
])
def test_the_weighted_counts_give_the_marginals(source):
    expected = pl.evaluate(source)
    actual = cnf_marginals(source)
    assert actual.keys() == expected.keys()
    for atom, p in expected.items():
        assert actual[atom] == pytest.approx(p, abs=TOLERANCE), atom


@settings(max_examples=examples(100), deadline=None, derandomize=DERANDOMIZE)
@given(random_programs())
def test_random_programs_count_to_their_marginals(program):
    source = program.render()
    try:
        expected = pl.evaluate(source)
    except InconsistentEvidenceError:
        return
    cnf = formula_to_cnf(pl.Program.from_string(source).formula())
    if len({abs(lit) for lit in cnf.weights}) > 14:
        return  # 2^14 assignments at most
    actual = cnf_marginals(source)
    for atom, p in expected.items():
        assert actual[atom] == pytest.approx(p, abs=TOLERANCE), (atom, source)


def test_the_dimacs_text():
    cnf = formula_to_cnf(pl.Program.from_string(
        "0.25::a. 0.5::b; 0.25::c. d :- a, b. query(d).").formula())
    lines = cnf.to_dimacs().splitlines()
    assert lines[:2] == ["c t wmc", f"p cnf {cnf.variables} {len(cnf.clauses)}"]
    assert "c p weight 1 0.25 0" in lines and "c p weight -1 0.75 0" in lines
    clauses = [line for line in lines if not line.startswith(("c ", "p "))]
    assert len(clauses) == len(cnf.clauses) and all(c.endswith(" 0") for c in clauses)
    assert any(line.startswith("c query ") and line.endswith(" d") for line in lines)


def test_a_neural_predicate_has_no_weights():
    program = pl.Program.from_string("nn(net, [X], Y, [0, 1]) :: digit(X, Y). "
                                     "query(digit(img, 1)).")
    with pytest.raises(ProblogicError, match="fixed probabilities; a neural predicate"):
        formula_to_cnf(program.formula())


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "problogic", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_ground_formats_on_the_command_line(tmp_path):
    source = "0.3::a. 0.6::b. c :- a, b. c :- \\+a. evidence(b). query(c).\n"
    cnf = _cli("ground", "--format", "cnf", "-", stdin=source)
    assert cnf.returncode == 0 and cnf.stdout.startswith("c t wmc\np cnf ")
    dot = _cli("ground", "--format", "dot", "-", stdin=source)
    assert dot.returncode == 0 and dot.stdout.startswith("digraph ground {")
    assert 'label="0.3::a", shape=ellipse' in dot.stdout and "style=dashed" in dot.stdout
    assert 'label="evidence true: b"' in dot.stdout
    out = tmp_path / "ground.pl"
    text = _cli("ground", "-o", str(out), "-", stdin=source)
    assert text.returncode == 0 and text.stdout == ""
    assert out.read_text().splitlines()[-2:] == ["query(c).", "evidence(b,true)."]
    bad = _cli("ground", "--format", "svg", "-", stdin=source)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr

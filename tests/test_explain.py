"""``problogic explain`` / ``Program.explain``: each query's proofs and probabilities, against
``problog explain`` where its proofs are the minimal ones, and by hand elsewhere."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import problogic as pl
from problogic.errors import ProgramError
from fuzz import DERANDOMIZE, examples
from oracle import problog_available

needs_problog = pytest.mark.skipif(not problog_available(), reason="needs problog")

PROGRAM = """0.3::a. 0.4::b. 0.5::c(1). 0.5::c(2).
p :- a, b.
p :- \\+a, c(1).
q(X) :- c(X), b.
query(p). query(q(_)).
"""


def _proofs(explanation):
    return {query: [(p.literals, round(p.probability, 12)) for p in proofs]
            for query, proofs in explanation.proofs.items()}


def test_proofs_best_first_with_their_probabilities():
    explanation = pl.Program.from_string(PROGRAM).explain()
    assert _proofs(explanation) == {
        "p": [(["\\+a", "c(1)"], 0.35), (["a", "b"], 0.12)],
        "q(1)": [(["b", "c(1)"], 0.2)], "q(2)": [(["b", "c(2)"], 0.2)]}
    assert explanation.probabilities == pytest.approx({"p": 0.47, "q(1)": 0.2, "q(2)": 0.2})
    assert all(explanation.complete.values())
    assert explanation.program[:2] == ["0.3::a.", "0.4::b."]
    assert explanation.program[-1] == "query(q(_))."


def test_annotated_disjunctions_negation_and_rules():
    """Negation of a derived atom becomes negated facts; an annotated disjunction's value
    "none" is each head negated; a probabilistic rule is rule(Line, Head)."""
    source = ("0.3::a. 0.4::b. 0.2::c(1); 0.5::c(2).\nq :- \\+r. r :- a. r :- b.\n"
              "t :- \\+c(1).\n0.5::u :- a.\n0.6::u :- c(2).\nquery(q). query(t). query(u).")
    explanation = pl.Program.from_string(source).explain()
    assert _proofs(explanation) == {
        "q": [(["\\+a", "\\+b"], 0.42)],
        "t": [(["c(2)"], 0.5), (["\\+c(1)", "\\+c(2)"], 0.3)],
        "u": [(["c(2)", "rule(5, u)"], 0.3), (["a", "rule(4, u)"], 0.15)]}


def test_with_evidence_proofs_hold_the_evidence_too():
    source = "0.3::a. 0.4::b.\np :- a.\np :- b.\nevidence(\\+b).\nquery(p)."
    explanation = pl.Program.from_string(source).explain()
    assert _proofs(explanation) == {"p": [(["a", "\\+b"], 0.18)]}
    assert explanation.probabilities["p"] == pytest.approx(0.3)


def test_deterministic_and_impossible_queries():
    explanation = pl.Program.from_string("a. 0.5::b. c :- b, \\+b.\n"
                                         "query(a). query(c).").explain()
    assert _proofs(explanation) == {"a": [([], 1.0)], "c": []}


def test_the_listing_stops_after_max_proofs(tmp_path):
    source = "".join(f"0.{i}::f{i}.\ng :- f{i}.\n" for i in range(1, 6)) + "query(g).\n"
    explanation = pl.Program.from_string(source).explain(max_proofs=2)
    assert _proofs(explanation) == {"g": [(["f5"], 0.5), (["f4"], 0.4)]}
    assert explanation.complete == {"g": False}
    path = tmp_path / "g.pl"
    path.write_text(source)
    out = subprocess.run([sys.executable, "-m", "problogic", "explain", "--max-proofs", "2",
                          str(path)], capture_output=True, text=True, check=True).stdout
    assert "g :- f5.  % P=0.5\ng :- f4.  % P=0.4\n% ... more proofs of g (raise " \
           "--max-proofs to list them)\n" in out


def test_errors():
    with pytest.raises(ProgramError, match="problogic dt"):
        pl.Program.from_string("?::a. query(a).").explain()
    with pytest.raises(ProgramError, match="max_proofs"):
        pl.Program.from_string("0.5::a. query(a).").explain(max_proofs=0)


def _sections(text: str) -> dict[str, list[str]]:
    """The sections of explain's output (title -> lines), padding removed."""
    sections, title = {}, None
    for line in text.splitlines():
        if line and set(line) == {"-"}:
            continue
        if line in ("Transformed program", "Proofs", "Probabilities"):
            title = line
            sections[title] = []
        elif line.strip():
            sections[title].append(" ".join(line.split()))
    return sections


# problog explain 2.3 prints these proofs and probabilities for PROGRAM (its proofs are
# disjoint, and here so are the minimal ones)
PROBLOGS_PROOFS = ["p :- \\+a, c(1). % P=0.35", "p :- a, b. % P=0.12",
                   "q(1) :- b, c(1). % P=0.2", "q(2) :- b, c(2). % P=0.2"]
PROBLOGS_PROBABILITIES = ["p: 0.47", "q(1): 0.2", "q(2): 0.2"]


def _explain_output(module: str, tmp_path) -> str:
    path = tmp_path / "p.pl"
    path.write_text(PROGRAM)
    return subprocess.run([sys.executable, "-m", module, "explain", str(path)],
                          capture_output=True, text=True, check=True).stdout


def test_cli_prints_as_problog(tmp_path):
    out = _explain_output("problogic", tmp_path)
    sections = _sections(out)
    assert sections["Proofs"] == PROBLOGS_PROOFS
    assert sections["Probabilities"] == PROBLOGS_PROBABILITIES
    assert "\n\nq(1) :- b, c(1).  % P=0.2\n\nq(2)" in out  # a blank line between queries


@needs_problog
def test_the_expectations_are_problogs(tmp_path):
    sections = _sections(_explain_output("problog", tmp_path))
    assert sections["Proofs"] == PROBLOGS_PROOFS
    assert sections["Probabilities"] == PROBLOGS_PROBABILITIES


@settings(max_examples=examples(40), deadline=None, derandomize=DERANDOMIZE)
@given(st.integers(0, 10**9))
def test_each_proof_implies_the_query_and_together_they_are_it(seed):
    """Random programs over probabilistic facts (negation, shared and derived atoms): given
    the choices of any listed proof, the query is certain; a proof's probability is the
    product of its choices'; and the disjunction of all the proofs has the query's
    probability."""
    rng = random.Random(seed)
    facts = {f"f{i}": round(rng.uniform(0.1, 0.9), 2) for i in range(rng.randint(1, 5))}
    lines = [f"{p}::{name}." for name, p in facts.items()]
    atoms = list(facts)
    for i in range(rng.randint(1, 4)):
        for _ in range(rng.randint(1, 2)):
            body = ", ".join(("\\+" if rng.random() < 0.3 else "") + rng.choice(atoms)
                             for _ in range(rng.randint(1, 3)))
            lines.append(f"d{i} :- {body}.")
        atoms.append(f"d{i}")
    source = "\n".join(lines) + f"\nquery({atoms[-1]}).\n"
    explanation = pl.Program.from_string(source).explain()
    [(query, proofs)] = explanation.proofs.items()
    assert explanation.complete[query]
    for proof in proofs:
        chosen = {lit.removeprefix("\\+"): not lit.startswith("\\+") for lit in proof.literals}
        assert proof.probability == pytest.approx(math.prod(
            facts[a] if holds else 1 - facts[a] for a, holds in chosen.items()))
        evidence = "".join(f"evidence({a}, {str(h).lower()}).\n" for a, h in chosen.items())
        assert pl.evaluate(source + evidence)[query] == pytest.approx(1.0)
    rules = "".join(f"any :- {', '.join(p.literals) or 'true'}.\n" for p in proofs)
    together = pl.evaluate(source.replace(f"query({query}).", "query(any).") + rules) \
        if proofs else {"any": 0.0}
    assert together["any"] == pytest.approx(explanation.probabilities[query], abs=1e-12)

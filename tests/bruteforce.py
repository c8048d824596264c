"""An independent reference for the random programs of tests/randomprograms.py: possible worlds.

Deliberately naive, so that it is obviously correct:

1. ground every clause over the program's finite domain, one instance per substitution of all
   of its variables (so a probabilistic clause makes one choice per full substitution);
2. drop instances whose positive body can hold in no world (an over-approximation that treats
   every probabilistic head as true and every negative literal as true); a dropped instance
   can never fire, so dropping it changes no probability, only the number of worlds;
3. every probabilistic instance becomes one independent random variable: a probabilistic
   fact or rule has the options "fires" / "does not", an annotated disjunction one option per
   head plus "none" when its probabilities sum below 1 (options of probability 0 are left out);
4. enumerate all worlds (one option per random variable), weight = product of the options'
   probabilities, computed exactly with fractions;
5. in each world compute the least model stratum by stratum with a naive fixpoint (negative
   literals only look at lower strata, which are final: the program is stratified, which is
   checked);
6. P(query | evidence) = weight(worlds where evidence and query hold) / weight(worlds where the
   evidence holds); :class:`ZeroProbabilityEvidence` when the evidence has probability 0.

Non-ground queries (arguments ``_``) are answered for every ground instance that some world
could derive in the over-approximation of step 2, which is what ProbLog's grounder reports for
predicates whose definitions use no negation (the generator asks no other non-ground query).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from fractions import Fraction

from randomprograms import Atom, RandomProgram


class ZeroProbabilityEvidence(Exception):
    """The evidence holds in no world of positive weight."""


@dataclass(frozen=True)
class GroundRule:
    head: Atom
    positive: tuple[Atom, ...]
    negative: tuple[Atom, ...]
    guard: tuple[int, int] | None  # (random variable, option) that must be chosen, or None


def ground_instances(program: RandomProgram):
    """(clause, ground heads, positive atoms, negative atoms) for every substitution."""
    for clause in program.clauses:
        if clause.fails:
            continue
        names = clause.variables()
        for values in itertools.product(program.domain, repeat=len(names)):
            binding = dict(zip(names, values))
            heads = [(prob, atom.substitute(binding)) for prob, atom in clause.heads]
            positive = tuple(l.atom.substitute(binding) for l in clause.body if l.positive)
            negative = tuple(l.atom.substitute(binding) for l in clause.body if not l.positive)
            yield clause, heads, positive, negative


def possible_atoms(instances) -> set[Atom]:
    """Atoms derivable when every head may hold (probability 0 included: ProbLog's grounder
    still reports them) and negation is ignored."""
    possible: set[Atom] = set()
    changed = True
    while changed:
        changed = False
        for _, heads, positive, _ in instances:
            if all(atom in possible for atom in positive):
                for _, atom in heads:
                    if atom not in possible:
                        possible.add(atom)
                        changed = True
    return possible


def ground(program: RandomProgram):
    """The ground rules and the random variables (lists of (probability, option)) of a program."""
    instances = list(ground_instances(program))
    possible = possible_atoms(instances)
    rules: list[GroundRule] = []
    variables: list[list[tuple[Fraction, int]]] = []
    for clause, heads, positive, negative in instances:
        if not all(atom in possible for atom in positive):
            continue
        if not clause.is_probabilistic():
            rules.append(GroundRule(heads[0][1], positive, negative, None))
            continue
        options = [(Fraction(prob), index) for index, (prob, _) in enumerate(heads)]
        rest = 1 - sum(prob for prob, _ in options)
        assert rest >= 0, f"probabilities sum above 1 in {clause.render()}"
        options.append((rest, -1))  # -1: no head is chosen
        options = [(prob, index) for prob, index in options if prob > 0]
        variable = len(variables)
        variables.append(options)
        for index, (_, atom) in enumerate(heads):
            rules.append(GroundRule(atom, positive, negative, (variable, index)))
    for rule in rules:  # stratification: negation only looks strictly down
        level = program.stratum[rule.head.pred]
        assert all(program.stratum[a.pred] <= level for a in rule.positive), rule
        assert all(program.stratum[a.pred] < level for a in rule.negative), rule
    return rules, variables, possible


def least_model(rules_by_stratum, world: tuple[int, ...]) -> set[Atom]:
    """The least model of the rules active in ``world`` (one chosen option per variable)."""
    model: set[Atom] = set()
    for rules in rules_by_stratum:
        active = [r for r in rules if r.guard is None or world[r.guard[0]] == r.guard[1]]
        changed = True
        while changed:
            changed = False
            for rule in active:
                if (
                    rule.head not in model
                    and all(atom in model for atom in rule.positive)
                    and not any(atom in model for atom in rule.negative)
                ):
                    model.add(rule.head)
                    changed = True
    return model


def worlds(program: RandomProgram):
    """The ground rules, the possible atoms, and an iterator over every world as (weight,
    the option chosen per random variable, its least model)."""
    rules, variables, possible = ground(program)
    levels = max(program.stratum.values()) + 1
    rules_by_stratum = [[r for r in rules if program.stratum[r.head.pred] == s] for s in range(levels)]

    def each():
        for choice in itertools.product(*variables):
            weight = Fraction(1)
            for prob, _ in choice:
                weight *= prob
            world = tuple(index for _, index in choice)
            yield weight, world, least_model(rules_by_stratum, world)

    return rules, possible, each()


def query_atoms(program: RandomProgram, possible: set[Atom]) -> list[Atom]:
    """The ground atoms answering the queries, in query order without repetition."""
    answers: list[Atom] = []
    for query in program.queries:
        if "_" not in query.args:
            candidates = [query]
        else:
            candidates = sorted(
                (
                    atom
                    for atom in possible
                    if atom.pred == query.pred
                    and all(q in ("_", a) for q, a in zip(query.args, atom.args))
                ),
                key=str,
            )
        answers += [atom for atom in candidates if atom not in answers]
    return answers


def count_worlds(program: RandomProgram) -> int:
    _, variables, _ = ground(program)
    count = 1
    for options in variables:
        count *= len(options)
    return count


def marginals(program: RandomProgram) -> dict[str, float]:
    """P(query | evidence) for every query answer, by enumerating all possible worlds."""
    _, possible, each = worlds(program)
    answers = query_atoms(program, possible)
    evidence = [(item.atom, item.value) for item in program.evidence]

    total = Fraction(0)
    joint = {atom: Fraction(0) for atom in answers}
    for weight, _, model in each:
        if any((atom in model) != value for atom, value in evidence):
            continue
        total += weight
        for atom in answers:
            if atom in model:
                joint[atom] += weight
    if total == 0:
        raise ZeroProbabilityEvidence(str(program.evidence))
    return {str(atom): float(joint[atom] / total) for atom in answers}


def without_unanswered_queries(program: RandomProgram) -> RandomProgram:
    """The program less its non-ground queries that have no ground answer at all.

    ProbLog reports such a query as the query atom itself with its variables renamed by its
    engine (``p(X2)``) and probability 0; that output is not something to match, so the
    comparisons leave these queries out (keeping at least one query).
    """
    _, _, possible = ground(program)
    kept = [
        query
        for query in program.queries
        if "_" not in query.args or query_atoms(_only(program, query), possible)
    ]
    if not kept:
        kept = [Atom(program.queries[0].pred, tuple(program.domain[0] for _ in program.queries[0].args))]
    return dataclasses.replace(program, queries=kept)


def _only(program: RandomProgram, query: Atom) -> RandomProgram:
    return dataclasses.replace(program, queries=[query])


def query_joint(program: RandomProgram) -> tuple[dict[tuple[bool, ...], Fraction], list[str]]:
    """P(the query answers take these truth values, the evidence) for every assignment some
    world gives them (the query answers as :func:`query_atoms` orders them, by name)."""
    _, possible, each = worlds(program)
    answers = query_atoms(program, possible)
    evidence = [(item.atom, item.value) for item in program.evidence]
    joint: dict[tuple[bool, ...], Fraction] = {}
    for weight, _, model in each:
        if any((atom in model) != value for atom, value in evidence):
            continue
        values = tuple(atom in model for atom in answers)
        joint[values] = joint.get(values, Fraction(0)) + weight
    return joint, [str(atom) for atom in answers]


def proof_counts(program: RandomProgram, pred: str) -> dict[int, Fraction]:
    """P(the atoms of ``pred`` have N proofs in all) for every N: what ``findall/3`` over
    ``pred`` counts, as Prolog counts solutions, one per proof (a proof is one ground rule
    instance whose body holds, with one proof of each positive body atom; a negative literal
    is one proof). Only for predicates that do not depend on themselves: a recursive one can
    have infinitely many proofs."""
    rules, _, each = worlds(program)
    distribution: dict[int, Fraction] = {}
    for weight, world, model in each:
        by_head: dict[Atom, list[GroundRule]] = {}
        for rule in rules:
            if rule.guard is None or world[rule.guard[0]] == rule.guard[1]:
                by_head.setdefault(rule.head, []).append(rule)
        memo: dict[Atom, int] = {}

        def proofs(atom: Atom) -> int:
            if atom not in memo:
                total = 0
                for rule in by_head.get(atom, ()):
                    if not any(negative in model for negative in rule.negative):
                        product = 1
                        for positive in rule.positive:
                            product *= proofs(positive)
                        total += product
                memo[atom] = total
            return memo[atom]

        count = sum(proofs(atom) for atom in by_head if atom.pred == pred)
        distribution[count] = distribution.get(count, Fraction(0)) + weight
    return distribution

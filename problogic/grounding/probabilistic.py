"""Choice variables of probabilistic clauses.

A ground instance of a probabilistic clause (one substitution of *all* its variables, as in
ProbLog) is one categorical :class:`ChoiceVariable`: a probabilistic fact or clause is true or
false, an annotated disjunction picks one of its heads or, when the probabilities sum below 1,
none. The instance's probability annotations are evaluated here, once, when it is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import GroundingError, ProgramError
from ..language.printing import format_term
from ..language.terms import Term, TermLike, Var, is_number, iter_list
from .arithmetic import evaluate as evaluate_arithmetic
from .ground_program import FALSE, TRUE, ChoiceVariable, NeuralCall
from .unify import rename

if TYPE_CHECKING:
    from .clauses import PreparedClause
    from .engine import Grounder

TOLERANCE = 1e-9  # rounding slack when checking probabilities
DECISION = Term("?")


class ChoiceFactory:
    def __init__(self, grounder: "Grounder"):
        self.grounder = grounder
        self.instances: dict[tuple, int] = {}  # (clause index, ground values) -> variable

    def options(self, prepared: "PreparedClause", head_index: int, mapping: dict,
                body: tuple[int, ...]):
        """The literals under which this clause instance derives its head from ``body`` (the
        body's literals): one for an ordinary probabilistic clause, one per output value for
        a neural predicate (binding the output variable while each is yielded)."""
        annotation = prepared.clause.heads[head_index][0]
        if is_neural(annotation):
            yield from self._neural_options(prepared, head_index, mapping, annotation)
            return
        literal = self.literal(prepared, head_index, mapping, body)
        if literal != FALSE:
            yield literal

    def _neural_options(self, prepared, head_index, mapping, annotation):
        subst = self.grounder.subst
        location = prepared.clause.location
        call = subst.resolve(rename(annotation, mapping))
        name, inputs = call.args[0], call.args[1]
        items, tail = iter_list(inputs)
        if tail != Term("[]") or not all(_ground(i) for i in items) or not _ground(name):
            raise GroundingError(f"neural predicate called with non-ground inputs {inputs!r}",
                                 location)
        if not isinstance(name, Term) or name.args:
            raise ProgramError(f"network name {name!r} is not an atom", location)
        if call.arity == 3:
            # DeepProbLog's deterministic network: its output is a tensor, named by the call
            # (the model computes it before the networks that read it), with probability 1.
            mark = subst.mark()
            if subst.unify(call.args[2], network_output(name, inputs)):
                yield TRUE
            subst.undo(mark)
            return
        if call.arity == 4:
            output, domain = call.args[2], call.args[3]
            values, rest = iter_list(domain)
            if rest != Term("[]") or not values or not all(_ground(v) for v in values):
                raise ProgramError(f"domain of {name!r} must be a non-empty ground list",
                                   location)
        else:
            output, values = None, []
        key = ("nn", prepared.index, name, tuple(items))
        variable = self.instances.get(key)
        if variable is None:
            head = prepared.heads[head_index]
            if output is None:
                heads = [subst.resolve(rename(head, mapping)), None]
                arity = 2
            else:
                # Each value's head, also where this call already bound the output: its
                # variable is the clause's, not the call's.
                out = annotation.args[2]
                free = {v: x for v, x in mapping.items() if v is not out}
                heads = []
                for value in values:
                    mark = subst.mark()
                    subst.unify(rename(out, free), value)
                    heads.append(subst.resolve(rename(head, free)))
                    subst.undo(mark)
                # A last "none" value takes what a network's row leaves below 1, so that the
                # negation of one output value stays exact.
                heads.append(None)
                arity = len(heads)
            variable = self.grounder.ground_program.add_variable(ChoiceVariable(
                [1.0 / arity] * arity, heads, [call] * arity, location, name.functor,
                NeuralCall(name.functor, tuple(items), tuple(values))))
            self.instances[key] = variable
        program = self.grounder.ground_program
        if output is None:
            yield program.choice(variable, 0)
            return
        for k, value in enumerate(values):
            mark = subst.mark()
            if subst.unify(output, value):
                yield program.choice(variable, k)
            subst.undo(mark)

    def literal(self, prepared: "PreparedClause", head_index: int, mapping: dict,
                body: tuple[int, ...]) -> int:
        """The literal "this ground instance chose head ``head_index``", derived from the
        body literals ``body`` (kept for a ``t(...)`` clause's instance: learning needs the
        probability of its body)."""
        subst = self.grounder.subst
        names = prepared.instance_variables
        values = tuple(subst.resolve(mapping[v]) if v in mapping else v for v in names)
        open_names = [v.name for v, value in zip(names, values)
                      if type(value) is Var or (type(value) is Term and not value.ground)]
        if open_names:
            raise GroundingError(
                "probabilistic clause is not ground after its body succeeded "
                f"({', '.join(open_names)} unbound)", prepared.clause.location)
        key = (prepared.index, values)
        variable = self.instances.get(key)
        if variable is None:
            variable = self._new_variable(prepared, mapping)
            if variable is None:  # deterministic: probability 1 for a single head
                self.instances[key] = -1
                return TRUE
            self.instances[key] = variable
        elif variable == -1:
            return TRUE
        program = self.grounder.ground_program
        if body and program.variables[variable].tunable is not None:
            program.variables[variable].bodies[body] = None
        return program.choice(variable, head_index)

    def keyed(self, key: tuple, probabilities: list[float], heads: list, location,
              label: str = "") -> int:
        """The variable for ``key`` (created on first use): for builtins that make choices,
        such as select_weighted/5, where equal keys mean the same choice."""
        variable = self.instances.get(key)
        if variable is None:
            variable = self.grounder.ground_program.add_variable(ChoiceVariable(
                list(probabilities), list(heads), [None] * len(heads), location, label))
            self.instances[key] = variable
        return variable

    def _new_variable(self, prepared: "PreparedClause", mapping: dict) -> int | None:
        subst = self.grounder.subst
        clause = prepared.clause
        annotations = [subst.resolve(_rename_with(a, mapping)) for a, _ in clause.heads]
        heads = [subst.resolve(_rename_with(h, mapping)) for _, h in clause.heads]
        label = heads[0].functor if isinstance(heads[0], Term) else ""
        if any(is_decision(a) for a in annotations):
            if len(heads) == 1:  # ?::h: values true and false
                return self.grounder.ground_program.add_variable(ChoiceVariable(
                    [0.5, 0.5], [heads[0], None], [annotations[0], None], clause.location,
                    label, decision=True, is_fact=not prepared.body))
            if not all(is_decision(a) for a in annotations):
                raise ProgramError("an annotated disjunction mixes decisions (?::h) with "
                                   "probabilities", clause.location)
            # ?::h1; ?::h2: one decision that takes exactly one of the heads, as in ProbLog
            return self.grounder.ground_program.add_variable(ChoiceVariable(
                [1 / len(heads)] * len(heads), heads, annotations, clause.location, label,
                decision=True, is_fact=not prepared.body))
        tunable = any(is_tunable(a) for a in annotations)
        if tunable:
            probabilities = tunable_initial(annotations, clause.location)
        else:
            probabilities = [probability_value(a, clause.location) for a in annotations]
            total = sum(probabilities)
            if total > 1.0 + 1e-6:  # slack for probabilities written with few decimals
                raise ProgramError(
                    f"probabilities of an annotated disjunction sum to {total:g} > 1",
                    clause.location)
            if len(heads) == 1 and probabilities[0] >= 1.0:
                return None
            rest = 1.0 - total
            if rest > TOLERANCE or len(heads) == 1:
                probabilities.append(max(rest, 0.0))
        if len(probabilities) > len(heads):
            annotations.append(None)
            heads.append(None)
        return self.grounder.ground_program.add_variable(ChoiceVariable(
            probabilities, heads, annotations, clause.location, label,
            tunable=_tunable_key(prepared.index, annotations, clause.location)
            if tunable else None, is_fact=not prepared.body))


def _tunable_key(index: int, annotations, location):
    """Which learnable parameters a ground instance shares: its clause's (``index``); with
    ``t(_, X, ...)`` one set per value of the extra arguments (``(index, values)``)."""
    extra = tuple(arg for a in annotations if is_tunable(a) for arg in a.args[1:])
    if not extra:
        return index
    if not all(_ground(arg) for arg in extra):
        raise ProgramError("the extra arguments of t(_, ...) must be ground when the clause "
                           f"is used ({', '.join(format_term(a) for a in extra)})", location)
    return index, extra


def tunable_initial(annotations, location) -> list[float]:
    """Initial probabilities of a clause with ``t(...)`` annotations: ``t(p)`` is ``p``,
    ``t(_)`` is 1/(heads + 1); a last value "none" (or "false") takes the rest, so every ground
    instance of the clause has the same values as its learnable parameter vector."""
    uniform = 1.0 / (len(annotations) + 1)
    values = []
    for annotation in annotations:
        inner = annotation.args[0] if is_tunable(annotation) else annotation
        values.append(uniform if isinstance(inner, Var) else
                      probability_value(inner, location))
    rest = 1.0 - sum(values)
    if rest < -1e-6:
        raise ProgramError(f"initial probabilities sum to {sum(values):g} > 1", location)
    return values + [max(rest, 0.0)]


def has_free_tunable(variable: ChoiceVariable) -> bool:
    """Whether some ``t(_)`` of the variable has no initial value (inference needs one)."""
    return any(isinstance(a, Term) and is_tunable(a) and isinstance(a.args[0], Var)
               for a in variable.annotations)


def _rename_with(term: TermLike, mapping: dict) -> TermLike:
    return rename(term, mapping)


def _ground(term: TermLike) -> bool:
    return type(term) is not Var and (type(term) is not Term or term.ground)


def is_neural(annotation: TermLike) -> bool:
    """``nn(Network, Inputs, Output, Domain)``, ``nn(Network, Inputs, Output)`` (a
    deterministic network whose output is a tensor) or ``nn(Network, Inputs)``."""
    return isinstance(annotation, Term) and annotation.functor == "nn" and \
        annotation.arity in (2, 3, 4)


def network_output(network: Term, inputs: TermLike) -> Term:
    """The term standing for a deterministic network's output on ``inputs``:
    ``tensor(nn(Network, Inputs))`` (compound, unlike a query's ``tensor(Name)``)."""
    return Term("tensor", (Term("nn", (network, inputs)),))


def is_decision(annotation: TermLike) -> bool:
    """``?``, the annotation of a decision (``?::umbrella.``)."""
    return annotation == DECISION


def is_tunable(annotation: TermLike) -> bool:
    """``t(P)`` or ``t(P, X, ...)``: a learnable probability (starting at P, or unknown where P
    is a variable; the extra arguments give one parameter per value of theirs in learning)."""
    return isinstance(annotation, Term) and annotation.functor == "t" and annotation.arity >= 1


def probability_value(annotation: TermLike, location) -> float:
    """The probability an annotation stands for in inference (``t(p)`` counts as ``p``)."""
    if is_tunable(annotation):
        inner = annotation.args[0]
        if isinstance(inner, Var):
            raise ProgramError("t(_) has no value for inference; give an initial value "
                               "t(0.5) or learn it with problogic.Model", location)
        annotation = inner
    if isinstance(annotation, Term) and annotation.functor == "nn":
        raise ProgramError("neural predicate nn(...) needs problogic.Model with its networks",
                           location)
    if isinstance(annotation, Var):
        raise GroundingError("probability is an unbound variable", location)
    value = annotation if is_number(annotation) else evaluate_arithmetic(annotation, location)
    value = float(value)
    if not (0.0 - TOLERANCE <= value <= 1.0 + TOLERANCE) or value != value:
        raise ProgramError(f"probability {value:g} is outside [0, 1]", location)
    return min(max(value, 0.0), 1.0)

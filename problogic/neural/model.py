"""``problogic.Model``: a ProbLog/DeepProbLog program with neural predicates, as a torch module.

>>> import torch, problogic as pl
>>> class Coin(torch.nn.Module):
...     def forward(self, x):            # x: [N, 1] -> [N, 2] probabilities of heads, tails
...         return torch.cat([x, 1 - x], dim=1)
>>> model = pl.Model('''
... nn(coin, [X], S, [heads, tails]) :: side(X, S).
... both(X, Y) :- side(X, heads), side(Y, heads).
... ''', networks={"coin": Coin()})
>>> model.query("both(X, Y)", X=torch.tensor([[0.5], [0.9]]), Y=torch.tensor([[0.5], [1.0]]))
tensor([0.2500, 0.9000])

A query is grounded and compiled once per *shape* (the query with its tensor arguments replaced
by placeholders, see :mod:`.bindings`), then evaluated for all batch elements of that shape by
the layerized circuit in log space. Each network is called once per ``query`` call on all the
inputs it needs, stacked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from ..circuit.circuit import Circuit
from ..circuit.layers import TensorCircuit
from ..deepstack import call_with_deep_stack
from ..errors import ProgramError
from ..language.parser import parse_program
from ..grounding.probabilistic import tunable_initial
from ..language.program import ProbabilisticClause
from ..language.terms import Term
from ..limits import Limits
from ..pipeline import Stages
from .answers import Answers, collect_keys, sorted_keys
from .bindings import bind_query
from .weights import NetworkCalls, network_keys, neural_variable_keys, variable_log_weights


@dataclass
class CompiledShape:
    """One query shape: its circuit (roots: evidence, then each answer: one for a ground
    query, every ground answer for a query with unbound variables) and the layerized module."""

    query: Term
    circuit: Circuit
    module: TensorCircuit
    answers: list[Term] = field(default_factory=list)
    network_keys: list = field(default_factory=list)  # distinct network calls
    variable_keys: list = field(default_factory=list)  # network call of each neural variable
    has_evidence: bool = False
    answer_keys: dict = field(default_factory=dict)  # free variables -> key of each answer
    sorted_answer_keys: dict = field(default_factory=dict)
    indices: list[int] | None = None  # batch elements of the current call


def tunable_parameters(program) -> nn.ParameterDict:
    """One logit vector per clause with ``t(...)`` annotations (its heads, then "none"),
    shared by all of the clause's ground instances; initialised from ``t(p)`` values."""
    parameters = nn.ParameterDict()
    for index, clause in enumerate(program.clauses):
        if isinstance(clause, ProbabilisticClause) and any(
                isinstance(a, Term) and a.functor == "t" and a.arity == 1
                for a, _ in clause.heads):
            initial = tunable_initial([a for a, _ in clause.heads], clause.location)
            logits = torch.log(torch.tensor(initial, dtype=torch.get_default_dtype())
                               .clamp_min(1e-6))
            parameters[f"clause_{index}"] = nn.Parameter(logits)
    return parameters


class Model(nn.Module):
    """A program whose neural predicates ``nn(Name, Inputs, Output, Domain) :: head`` are
    computed by ``networks[Name]``; differentiable with respect to the networks' parameters
    and to the probabilities of ``t(...)`` clauses (``model.tunables``, softmax logits).

    ``networks`` map names to modules taking the stacked inputs (``[N, ...]``, one tensor per
    input of the predicate) and returning probabilities ``[N, K]`` (rows summing to at most
    1; any remainder is the probability that the predicate holds for no value).
    """

    def __init__(self, source: str, networks: dict[str, nn.Module] | None = None, *,
                 limits: Limits | None = None, file: str | None = None):
        super().__init__()
        self.program = call_with_deep_stack(parse_program, source, file)
        self.networks = nn.ModuleDict(networks or {})
        self.limits = limits or Limits()
        self.tunables = tunable_parameters(self.program)
        self._shapes: dict[Term, CompiledShape] = {}

    # -- compilation ------------------------------------------------------------------------

    def compiled(self, query: Term) -> CompiledShape:
        """The compiled form of one ground query (cached)."""
        shape = self._shapes.get(query)
        if shape is None:
            shape = call_with_deep_stack(self._compile, query)
            self._shapes[query] = shape
        return shape

    def _compile(self, query: Term) -> CompiledShape:
        stages = Stages(self.limits)
        formula = stages.formula(stages.ground(self.program, goals=[query]))
        circuit = stages.circuit(formula, stages.compile(formula))
        for variable in circuit.variables:
            if variable.neural is not None and variable.neural.network not in self.networks:
                raise ProgramError(f"unknown network {variable.neural.network!r} (known: "
                                   f"{', '.join(sorted(self.networks)) or 'none'})",
                                   variable.location)
        module = TensorCircuit(circuit)
        device = next((p.device for p in self.parameters()), None)
        if device is not None:
            module = module.to(device)
        return CompiledShape(query, circuit, module, [term for term, _ in formula.queries],
                             network_keys(circuit), neural_variable_keys(circuit),
                             bool(formula.evidence))

    @property
    def num_compiled(self) -> int:
        return len(self._shapes)

    @property
    def compiled_shapes(self) -> dict[Term, CompiledShape]:
        """Every ground query compiled so far, with its circuit and layerized module."""
        return dict(self._shapes)

    # -- evaluation ---------------------------------------------------------------------------

    def query(self, query: str | Term, *, log: bool = False, **bindings) -> Tensor | Answers:
        """P(query | evidence) per batch element (``log=True``: its logarithm), ``Tensor[B]``.

        Each keyword binds a variable of ``query`` to one value per batch element (see
        :mod:`problogic.neural.bindings`). When variables of the query stay unbound, the
        result is an :class:`~problogic.neural.answers.Answers`: the probability of every
        ground answer, ``Tensor[B, A]``, from one circuit per shape whose roots are all the
        answers (``model.query("add(X, Y, Z)", X=a, Y=b)["7"]``... see its documentation).
        """
        bound = bind_query(query, bindings)
        if bound.free:
            return self._answers(bound, log)

        def log_conditional(shape, weights):
            roots = shape.module(weights, "log")  # [B_shape, 2]: evidence, query & evidence
            if not shape.has_evidence:
                return roots[:, -1]
            return roots[:, 1] - roots[:, 0]

        result = self._per_shape(bound, log_conditional)
        return result if log else result.exp()

    def _answers(self, bound, log: bool) -> Answers:
        """Every answer of a query with unbound variables (see :meth:`query`)."""
        shapes = self._shapes_of(bound)
        keys_of = {}
        for shape, _ in shapes:  # the answers' keys, once per shape and free variables
            cached = shape.answer_keys.get(bound.free)
            if cached is None:
                cached = shape.answer_keys[bound.free] = collect_keys(
                    shape.query, list(bound.free), shape.answers)
            keys_of[id(shape)] = cached
        if len(shapes) == 1:
            keys = shapes[0][0].sorted_answer_keys.get(bound.free)
            if keys is None:
                keys = shapes[0][0].sorted_answer_keys[bound.free] = sorted_keys(
                    keys_of[id(shapes[0][0])])
        else:
            keys = sorted_keys(k for ks in keys_of.values() for k in ks)
        column = {key: i for i, key in enumerate(keys)}
        outputs = []
        for shape, indices, weights in self._weights(bound, shapes):
            roots = shape.module(weights, "log")  # [B_shape, 1 + A_shape]
            values = roots[:, 1:] - roots[:, :1] if shape.has_evidence else roots[:, 1:]
            outputs.append((indices, [column[k] for k in keys_of[id(shape)]], values))
        names = tuple(v.name for v in bound.free)
        indices, columns, values = outputs[0]
        if len(outputs) == 1 and indices == list(range(bound.batch_size)) and \
                columns == list(range(len(keys))):  # one shape, in order: no assembly
            return Answers(names, tuple(keys), values if log else values.exp(), log)
        dtype = outputs[0][2].dtype
        device = outputs[0][2].device
        result = torch.full((bound.batch_size, len(keys)), float("-inf"), dtype=dtype,
                            device=device)
        for indices, columns, values in outputs:
            if columns:
                rows = torch.as_tensor(indices, device=device).unsqueeze(1)
                result = result.index_put((rows, torch.as_tensor(columns, device=device)),
                                          values)
        return Answers(names, tuple(keys), result if log else result.exp(), log)

    def mpe(self, query: str | Term, **bindings) -> tuple[Tensor, list[list[str]]]:
        """The most probable world in which the query (and the evidence) holds, per batch
        element: its probability ``Tensor[B]`` and the atoms chosen true in it (one per
        neural call and annotated disjunction, the true probabilistic facts)."""
        bound = bind_query(query, bindings)
        if bound.free:
            raise ValueError(f"mpe needs every variable of the query bound; unbound: "
                             f"{', '.join(v.name for v in bound.free)}")
        decoded: dict[int, list[str]] = {}

        def best(shape, weights):
            result = shape.module.mpe(weights)
            for row, element in enumerate(shape.indices):
                chosen = result.assignment[row, 1].tolist()
                decoded[element] = [str(v.heads[k]) for v, k in zip(shape.circuit.variables,
                                                                     chosen)
                                    if k >= 0 and v.heads[k] is not None]
            return result.value[:, 1]

        values = self._per_shape(bound, best)
        return values.exp(), [decoded[b] for b in range(len(values))]

    def _shapes_of(self, bound) -> list[tuple[CompiledShape, list[int]]]:
        return [(self.compiled(q), indices) for q, indices in bound.shapes.items()]

    def _weights(self, bound, shapes):
        """``(shape, indices, log_weights)`` per shape, after one call of each network."""
        calls = NetworkCalls(self.networks, bound)
        for shape, indices in shapes:
            calls.request(shape.network_keys, indices)
        calls.run()
        dtype = calls.dtype or torch.get_default_dtype()
        device = calls.device or next((b.device for b in self.buffers()), torch.device("cpu"))
        for shape, indices in shapes:
            weights = variable_log_weights(shape.circuit, calls, indices, dtype, device,
                                           self.tunables, shape.variable_keys)
            shape.indices = indices
            yield shape, indices, weights

    def _per_shape(self, bound, evaluate) -> Tensor:
        """``evaluate(shape, log_weights)`` for the elements of each shape, assembled into one
        ``Tensor[B]`` in batch order."""
        shapes = self._shapes_of(bound)
        outputs = [(indices, evaluate(shape, weights))
                   for shape, indices, weights in self._weights(bound, shapes)]
        if len(outputs) == 1 and outputs[0][0] == list(range(bound.batch_size)):
            return outputs[0][1]  # one shape in batch order: nothing to assemble
        first = outputs[0][1]
        result = first.new_empty(bound.batch_size)
        for indices, values in outputs:
            index = torch.as_tensor(indices, device=values.device)
            result = result.index_copy(0, index, values)
        return result

    def _apply(self, fn, *args, **kwargs):
        # Cached circuits are not submodules (their keys are terms): move them with the model.
        super()._apply(fn, *args, **kwargs)
        for shape in self._shapes.values():
            shape.module._apply(fn, *args, **kwargs)
        return self

    def forward(self, query: str | Term, **bindings) -> Tensor:
        return self.query(query, **bindings)

    def tunable_probabilities(self) -> dict[str, list[float]]:
        """The current probabilities of every ``t(...)`` clause, keyed by clause."""
        out = {}
        for name, logits in self.tunables.items():
            clause = self.program.clauses[int(name.split("_")[1])]
            heads = ", ".join(str(h) for _, h in clause.heads)
            out[f"{heads} (line {clause.location.line if clause.location else '?'})"] = \
                torch.softmax(logits.detach(), 0).tolist()
        return out

    def extra_repr(self) -> str:
        return f"clauses={len(self.program.clauses)}, compiled_shapes={len(self._shapes)}"


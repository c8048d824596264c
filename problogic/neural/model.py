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

from dataclasses import dataclass, field, replace

import numpy as np
import torch
from torch import Tensor, nn

from ..circuit.fusion import fuse
from ..circuit.layers import TensorCircuit
from ..deepstack import call_with_deep_stack
from ..errors import InconsistentEvidenceError, ProgramError
from ..language.parser import parse_program
from ..grounding.ground_program import ChoiceVariable
from ..grounding.probabilistic import tunable_initial
from ..language.program import ProbabilisticClause
from ..language.terms import Term
from ..limits import Limits
from ..logic.kbest import KBest, kbest_formula
from ..grounding.session import GroundingSession
from ..pipeline import Stages, with_library
from .answers import Answers, collect_keys, sorted_keys
from .bindings import bind_query
from .evaluation import CircuitPass, EvaluateShapes, Layout, ShapePart
from .calls import key_info, network_key
from .weights import LeafWeights, LogTable, WeightPlan


@dataclass
class CompiledShape:
    """One query shape: its layerized circuit (roots: evidence, then each answer: one for a
    ground query, every ground answer for a query with unbound variables), the circuit's
    variables and size. (The circuit's Python form is dropped once layerized: it took eight
    times the module's memory, 2 MB a shape for DeepProbLog's addition at N = 4.)"""

    query: Term
    variables: list[ChoiceVariable]
    nodes: int
    edges: int
    module: TensorCircuit
    plan: WeightPlan
    answers: list[Term] = field(default_factory=list)
    has_evidence: bool = False
    # k-best: the last root is L(not evidence), the bound of P(evidence) is 1 - L
    evidence_bound: bool = False
    answer_keys: dict = field(default_factory=dict)  # free variables -> key of each answer
    # free variables -> (sorted keys, column of each answer, whether those are in order)
    sorted_answer_keys: dict = field(default_factory=dict)


@dataclass
class _CachedLayout:
    """A call layout's circuit passes and row order (see :meth:`Model._passes`)."""

    plans: list[WeightPlan]
    passes: list[CircuitPass]
    order: Tensor | None
    fused: bool


def _remember(cache: dict, key, value, limit: int):
    """``cache[key] = value`` in a cache of at most ``limit`` entries (the oldest out)."""
    if len(cache) >= limit:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


def _layout_key(plans) -> tuple:
    """A call layout: each shape's weight plan (by id) with its elements."""
    return tuple((id(plan), tuple(indices)) for plan, indices in plans)


def _order(passes: list[CircuitPass], batch: int, in_order: bool) -> Tensor | None:
    """The batch element of each row of the passes' results, concatenated (None where that
    is the batch in order: no assembly)."""
    elements = [e for p in passes for part in p.parts for e in part.elements]
    if in_order and elements == list(range(batch)):
        return None
    return torch.as_tensor(elements, device=passes[0].index.device)


def _check_evidence(log_results: Tensor) -> None:
    """log P(answer | evidence) is NaN (-inf - -inf) exactly where P(evidence) = 0: the
    networks' outputs are checked finite, so nothing else makes one."""
    nan = torch.isnan(log_results.detach())
    if bool(nan.any()):
        rows = nan.reshape(len(nan), -1).any(1).nonzero().flatten().tolist()
        shown = ", ".join(map(str, rows[:10])) + (", ..." if len(rows) > 10 else "")
        raise InconsistentEvidenceError(
            f"the evidence is inconsistent (probability 0) for batch element(s) {shown}")


CLOSED = 1e-6  # initial "none" probability at or below which an annotated disjunction is closed


def tunable_parameters(program) -> nn.ParameterDict:
    """One logit vector per clause with ``t(...)`` annotations (its heads, then "none"),
    shared by all of the clause's ground instances; initialised from ``t(p)`` values. An
    annotated disjunction whose initial values sum to 1 has no "none" parameter: its heads
    keep summing to 1 while they are learned (as DeepProbLog keeps them)."""
    parameters = nn.ParameterDict()
    for index, clause in enumerate(program.clauses):
        if isinstance(clause, ProbabilisticClause) and any(
                isinstance(a, Term) and a.functor == "t" and a.arity == 1
                for a, _ in clause.heads):
            initial = tunable_initial([a for a, _ in clause.heads], clause.location)
            if len(initial) > 2 and initial[-1] <= CLOSED:
                initial = initial[:-1]
            logits = torch.log(torch.tensor(initial, dtype=torch.get_default_dtype())
                               .clamp_min(1e-6))
            parameters[f"clause_{index}"] = nn.Parameter(logits)
    return parameters


class Model(nn.Module):
    """A program whose neural predicates ``nn(Name, Inputs, Output, Domain) :: head`` are
    computed by ``networks[Name]``; differentiable with respect to the networks' parameters
    and to the probabilities of ``t(...)`` clauses (``model.tunables``, softmax logits).

    ``networks`` map names to modules taking the stacked inputs (one argument per input of
    the predicate: ``[N, ...]`` for tensors and numbers, a list for other terms; see
    :mod:`.calls`) and returning probabilities ``[N, K]`` (rows summing to at most 1; any
    remainder is the probability that the predicate holds for no value), or, for
    deterministic networks (``nn(Name, Inputs, Output) :: head``), any tensor ``[N, ...]``,
    which becomes the input of other networks.

    Caches (bounded, oldest out): ``max_cached_layouts`` call layouts (their circuit passes,
    see :meth:`_passes`, and their tables' layouts, see :meth:`_table`) and as many fused
    circuits (1024), ``max_approximate_shapes`` k-best circuits (4096, see :meth:`query`).
    """

    def __init__(self, source: str, networks: dict[str, nn.Module] | None = None, *,
                 limits: Limits | None = None, file: str | None = None):
        super().__init__()
        self.program = call_with_deep_stack(parse_program, source, file)
        self.networks = nn.ModuleDict(networks or {})
        self.limits = limits or Limits()
        self.tunables = tunable_parameters(self.program)
        self._grounding: GroundingSession | None = None  # tables shared by the queries
        self._shapes: dict[Term, CompiledShape] = {}
        self._formulas: dict[Term, tuple] = {}  # k-best: ground formulas
        self._approximate: dict[tuple, CompiledShape] = {}  # k-best circuits, by proofs
        self.max_approximate_shapes = 4096
        self._layouts: dict[tuple, _CachedLayout] = {}  # see _passes
        self._table_layouts: dict[tuple, tuple] = {}  # see _table
        self._fusions: dict[tuple, tuple] = {}  # fused circuits, see _fuse
        self.max_cached_layouts = 1024

    # -- compilation ------------------------------------------------------------------------

    def compiled(self, query: Term) -> CompiledShape:
        """The compiled form of one ground query (cached)."""
        shape = self._shapes.get(query)
        if shape is None:
            shape = call_with_deep_stack(self._compile, query)
            self._shapes[query] = shape
        return shape

    def _grounded(self, stages: Stages, query: Term):
        """The ground program of ``query``, grounded with the tables of the queries before
        it (see :class:`~problogic.grounding.session.GroundingSession`)."""
        if self._grounding is None:
            self._grounding = GroundingSession(with_library(self.program), self.limits)
        return stages.ground_in(self._grounding, [query])

    def _compile(self, query: Term) -> CompiledShape:
        stages = Stages(self.limits)
        formula = stages.formula(self._grounded(stages, query))
        return self._shape_from_formula(query, stages, formula,
                                        [t for t, _ in formula.queries], bool(formula.evidence))

    def _shape_from_formula(self, query: Term, stages: Stages, formula, answers: list[Term],
                            has_evidence: bool, evidence_bound: bool = False) -> CompiledShape:
        """Compile a ground formula and layerize its circuit, on the model's device."""
        circuit = stages.circuit(formula, stages.compile(formula))
        self._check_networks(circuit.variables)
        module = TensorCircuit(circuit)
        plan = WeightPlan.of(circuit.variables)
        device = next((p.device for p in self.parameters()), None)
        if device is not None:
            module = module.to(device)
            plan.to(device)
        return CompiledShape(query, circuit.variables, len(circuit), circuit.num_edges, module,
                             plan, answers, has_evidence, evidence_bound)

    def _check_networks(self, variables) -> None:
        """Every network the variables' calls use, the deterministic ones they read
        included, is one of the model's."""
        for variable in variables:
            if variable.neural is None:
                continue
            used = {variable.neural.network} | key_info(network_key(variable)).reads
            missing = sorted(name for name in used if name not in self.networks)
            if missing:
                raise ProgramError(f"unknown network {missing[0]!r} (known: "
                                   f"{', '.join(sorted(self.networks)) or 'none'})",
                                   variable.location)

    # -- k-best approximation ---------------------------------------------------------------

    def _formula(self, query: Term):
        """The ground formula of a query and the weight plan of all its variables (cached:
        the k-best circuits are rebuilt from it as the probabilities change)."""
        found = self._formulas.get(query)
        if found is None:
            stages = Stages(self.limits)
            formula = call_with_deep_stack(
                lambda: stages.formula(self._grounded(stages, query)))
            used = [formula.variables[v] for v in formula.variable_order]
            self._check_networks(used)
            keys = [network_key(v) if v.neural is not None else None for v in used]
            found = self._formulas[query] = (formula, WeightPlan.of(used), used, keys)
        return found

    def _kbest_shapes(self, bound, approximation: KBest, table: LogTable):
        """Each element's k best proofs under its own probabilities (the table's network
        outputs), grouped: ``(shape, elements)`` with one compiled circuit per distinct set
        of proofs (cached, least recently used first out)."""
        out: dict[tuple, tuple[CompiledShape, list[int]]] = {}
        for query, indices in bound.shapes.items():
            formula, _, used, keys = self._formulas[query]
            own = [v.probabilities for v in formula.variables]  # read only: not copied
            for element in indices:
                probabilities = list(own)
                for v, row in zip(formula.variable_order,
                                  table.probabilities(used, keys, element)):
                    probabilities[v] = row
                approximate = kbest_formula(formula, approximation.k, self.limits,
                                            probabilities=probabilities)
                key = (query, approximation.k, tuple(tuple(tuple(sorted(p)) for p in s.proofs)
                                                      for s in approximate.searches))
                if key not in out:
                    shape = self._approximate.pop(key, None)
                    if shape is None:
                        shape = call_with_deep_stack(
                            self._shape_from_formula, query, Stages(self.limits),
                            approximate.formula, approximate.queries, False,
                            approximate.has_evidence)
                    self._approximate[key] = shape  # most recently used last
                    while len(self._approximate) > self.max_approximate_shapes:
                        self._approximate.pop(next(iter(self._approximate)))
                    out[key] = (shape, [])
                out[key][1].append(element)
        return list(out.values())

    @property
    def num_compiled(self) -> int:
        return len(self._shapes) + len(self._approximate)

    @property
    def compiled_shapes(self) -> dict[Term, CompiledShape]:
        """Every ground query compiled so far, with its layerized circuit and variables."""
        return dict(self._shapes)

    # -- evaluation ---------------------------------------------------------------------------

    def query(self, query: str | Term, *, log: bool = False,
              approximation: KBest | None = None, **bindings) -> Tensor | Answers:
        """P(query | evidence) per batch element (``log=True``: its logarithm), ``Tensor[B]``.

        Each keyword binds a variable of ``query`` to one value per batch element (see
        :mod:`problogic.neural.bindings`). When variables of the query stay unbound, the
        result is an :class:`~problogic.neural.answers.Answers`: the probability of every
        ground answer, ``Tensor[B, A]``, from one circuit per shape whose roots are all the
        answers (``model.query("add(X, Y, Z)", X=a, Y=b)["7"]``... see its documentation);
        its circuits are evaluated when first read, and ``select`` evaluates only each
        element's selected answer.

        ``approximation=problogic.KBest(k)`` evaluates, for each batch element, the circuit
        of its ``k`` most probable proofs under its own probabilities (the networks' outputs
        of this call) instead of the exact circuit: a **lower bound** of ``P(query |
        evidence)``, monotone in ``k``, exact once ``k`` reaches the number of proofs, and
        differentiable like the exact result (see :mod:`problogic.logic.kbest`). The query
        is grounded once; the proof search runs per element and call, and the circuits are
        cached by their sets of proofs (``max_approximate_shapes``, least recently used out).
        """
        bound = bind_query(query, bindings)
        key = None  # of the call layout: exact queries only (k-best shapes vary per call)
        if approximation is None:
            shapes = self._shapes_of(bound)
            plans = [(shape.plan, indices) for shape, indices in shapes]
            key = _layout_key(plans)
            table = self._table(bound, plans, key)
        else:
            if not isinstance(approximation, KBest):
                raise TypeError(f"unknown approximation {approximation!r} (use "
                                "problogic.KBest)")
            plans = [(self._formula(q)[1], indices) for q, indices in bound.shapes.items()]
            table = self._table(bound, plans, _layout_key(plans))
            shapes = self._kbest_shapes(bound, approximation, table)
        keys, columns_of, in_order = None, {}, True
        if bound.free:
            keys, columns_of, in_order = self._answer_columns(bound, shapes, table.device)
        passes, order = self._passes(table, shapes, bound, columns_of, in_order, key)

        conditioned = any(shape.has_evidence and not shape.evidence_bound
                          for shape, _ in shapes)

        def evaluate(select: np.ndarray | None) -> Tensor:
            layout = Layout(bound.batch_size, 1 if keys is None else len(keys), keys is None,
                            select)
            result = EvaluateShapes.apply(table, passes, layout, order, *table.sources)
            if conditioned:
                _check_evidence(result)
            return result if log else result.exp()

        if keys is None:
            return evaluate(None)
        return Answers(tuple(v.name for v in bound.free), tuple(keys), log=log,
                       evaluate=evaluate, batch=bound.batch_size)

    def _answer_columns(self, bound, shapes, device) -> tuple[list, dict[int, Tensor], bool]:
        """The sorted answer keys of a non-ground query over its shapes, the output column
        of each shape's answers (on ``device``), and whether a single shape's columns are
        all, in order (cached per shape and free variables)."""
        if len(shapes) == 1:
            shape = shapes[0][0]
            cached = shape.sorted_answer_keys.get(bound.free)
            if cached is None:
                keys = collect_keys(shape.query, list(bound.free), shape.answers)
                ordered = sorted_keys(keys)
                column = {key: i for i, key in enumerate(ordered)}
                columns = [column[k] for k in keys]
                cached = shape.sorted_answer_keys[bound.free] = (
                    ordered, torch.as_tensor(columns, dtype=torch.long),
                    columns == list(range(len(ordered))))
            ordered, columns, in_order = cached
            return ordered, {id(shape): columns.to(device)}, in_order
        keys_of = {}
        for shape, _ in shapes:
            cached = shape.answer_keys.get(bound.free)
            if cached is None:
                cached = shape.answer_keys[bound.free] = collect_keys(
                    shape.query, list(bound.free), shape.answers)
            keys_of[id(shape)] = cached
        ordered = sorted_keys(k for ks in keys_of.values() for k in ks)
        column = {key: i for i, key in enumerate(ordered)}
        return ordered, {i: torch.as_tensor([column[k] for k in ks], dtype=torch.long,
                                            device=device)
                         for i, ks in keys_of.items()}, False

    def mpe(self, query: str | Term, **bindings) -> tuple[Tensor, list[list[str]]]:
        """The most probable world in which the query (and the evidence) holds, per batch
        element: its probability ``Tensor[B]`` and the atoms chosen true in it (one per
        neural call and annotated disjunction, the true probabilistic facts)."""
        bound = bind_query(query, bindings)
        if bound.free:
            raise ValueError(f"mpe needs every variable of the query bound; unbound: "
                             f"{', '.join(v.name for v in bound.free)}")
        shapes = self._shapes_of(bound)
        plans = [(shape.plan, indices) for shape, indices in shapes]
        table = self._table(bound, plans, _layout_key(plans))
        values = None
        decoded: dict[int, list[str]] = {}
        with torch.no_grad():
            flat = table.log_values()[0]  # once for every shape
            for shape, indices in shapes:
                result = shape.module.mpe(shape.plan.weights(flat,
                                                             table.index(shape.plan, indices)))
                for row, element in enumerate(indices):
                    chosen = result.assignment[row, 1].tolist()
                    decoded[element] = [str(v.heads[k]) for v, k in
                                        zip(shape.variables, chosen)
                                        if k >= 0 and v.heads[k] is not None]
                if values is None:
                    values = result.value.new_empty(bound.batch_size)
                values[torch.as_tensor(indices, device=values.device)] = result.value[:, 1]
        return values.exp(), [decoded[b] for b in range(bound.batch_size)]

    def _shapes_of(self, bound) -> list[tuple[CompiledShape, list[int]]]:
        return [(self.compiled(q), indices) for q, indices in bound.shapes.items()]

    def _passes(self, table: LogTable, shapes, bound, columns_of: dict, in_order: bool,
                layout_key: tuple | None) -> tuple[list[CircuitPass], Tensor | None]:
        """The circuit passes of a call (each shape's positions in the table,
        :meth:`LogTable.index`, and where its results go) and the order of their rows (None:
        the batch in order).

        For exact queries they depend only on the shapes, their elements and the unbound
        variables, which a training loop repeats: cached per call layout (``layout_key``;
        None: not cached; the last
        ``max_cached_layouts``; digit addition with N = 1 and the sum bound has 361 layouts
        of a batch of two), device and dtype. A layout seen again gets its shapes fused
        (:meth:`_fuse`): one circuit pass for all shapes with as many elements, not one per
        shape. (The cache holds the plans, so that their ids stay theirs.)"""
        key = None
        if layout_key is not None:
            key = (layout_key, bound.free, table.device, table.dtype)
            found = self._layouts.get(key)
            if found is not None:
                if not found.fused:
                    found.passes = self._fuse(found.passes)
                    found.order = _order(found.passes, bound.batch_size, in_order)
                    found.fused = True
                return found.passes, found.order
        passes = [CircuitPass(shape.module, shape.plan, table.index(shape.plan, indices),
                              [ShapePart(indices, columns_of.get(id(shape)), shape.has_evidence,
                                         shape.evidence_bound)])
                  for shape, indices in shapes]
        order = _order(passes, bound.batch_size, in_order)
        if key is not None:
            _remember(self._layouts, key, _CachedLayout([shape.plan for shape, _ in shapes],
                                                        passes, order, fused=len(passes) == 1),
                      self.max_cached_layouts)
        return passes, order

    def _fuse(self, passes: list[CircuitPass]) -> list[CircuitPass]:
        """The passes with the shapes of as many elements merged into one fused circuit
        each (:func:`~problogic.circuit.fusion.fuse`: the same results to the bit), where
        their circuits stay in log space (below the probability route's size; big circuits
        gain nothing). Fused circuits are cached by their members (the last
        ``max_cached_layouts``)."""
        groups: dict[int, list[CircuitPass]] = {}
        out = []
        for circuit_pass in passes:
            if circuit_pass.module.log_passes_in_numpy():
                groups.setdefault(circuit_pass.index.shape[0], []).append(circuit_pass)
            else:
                out.append(circuit_pass)
        for group in groups.values():
            if len(group) == 1:
                out.extend(group)
                continue
            group.sort(key=lambda p: id(p.module))  # one fused circuit per set of members
            key = tuple(id(p.module) for p in group)
            found = self._fusions.get(key)
            if found is None:  # with the members, so that their ids stay theirs
                found = _remember(self._fusions, key,
                                  (fuse([p.module for p in group]),
                                   LeafWeights.joined([p.leaves for p in group]),
                                   [p.module for p in group]), self.max_cached_layouts)
            fusion, leaves, _ = found
            parts = [replace(part, roots=roots) for p, roots in zip(group, fusion.roots)
                     for part in p.parts]
            out.append(CircuitPass(fusion.module, leaves, torch.cat([p.index for p in group], 1),
                                   parts))
        return out

    def _table(self, bound, plans, key: tuple) -> LogTable:
        """The call's learnable log-probabilities, after one call of each network.
        ``plans``: ``(weight plan, elements)`` of each shape. The table's layout is cached
        per call layout (``key``, see :func:`_layout_key`; the last ``max_cached_layouts``)."""
        table = LogTable(self.networks, bound, self.tunables)
        found = self._table_layouts.get(key)
        if found is None:
            for plan, indices in plans:
                table.request(plan, indices)
        layout = table.run(lambda: next((p.device for p in self.parameters()),
                                        torch.device("cpu")),
                           None if found is None else found[1])
        if found is None:  # with the plans, so that their ids stay theirs
            _remember(self._table_layouts, key, ([plan for plan, _ in plans], layout),
                      self.max_cached_layouts)
        return table

    def _apply(self, fn, *args, **kwargs):
        # Cached circuits are not submodules (their keys are terms): move them with the model.
        # Call layouts and fused circuits are built again, on the new device.
        super()._apply(fn, *args, **kwargs)
        self._layouts.clear()
        self._fusions.clear()
        device = next((p.device for p in self.parameters()), None)
        for shape in [*self._shapes.values(), *self._approximate.values()]:
            shape.module._apply(fn, *args, **kwargs)
            if device is not None:
                shape.plan.to(device)
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


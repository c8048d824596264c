"""DeepProbLog's ``Model`` over problogic: the same program, networks and queries, solved
batched.

:meth:`Model.solve` turns a batch of DeepProbLog queries into ``problogic.Model.query``
calls: each ``tensor(source(...))`` in a query becomes a variable bound to the stacked
tensors of the batch, and each ground output argument a variable bound to the list of the
batch's values, so that all queries of one form (``addition(_, _, _)``) are one call, with
each network called once on the whole batch. Queries whose output arguments are variables
(:meth:`~.query.Query.variable_output`) give every answer with its probability.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Mapping, Sequence

import torch
from torch import Tensor

from ..neural.model import Model as LogicModel
from .network import Network

MAX_PREPARED = 1 << 17


@dataclass
class Result:
    """The answer to one query: ``result`` maps each answer term (ProbLog's terms, the query
    itself for a ground query) to its probability, a differentiable 0-d tensor; empty when
    the query has no answer (probability 0); ``query``, the query with its substitution
    applied. ``eval_time`` is the query's share of the batch's solve time
    (grounding and compilation of new query forms included; problogic does not time them
    per query, so ``ground_time`` and ``compile_time`` stay 0)."""

    result: dict = field(default_factory=dict)
    query: Any = None
    ground_time: float = 0.0
    compile_time: float = 0.0
    eval_time: float = 0.0

    def __len__(self) -> int:
        return len(self.result)

    def __iter__(self):
        return iter(self.result)


class Optimizer:
    """DeepProbLog's default: steps each network's own optimizer; ``t(_)`` parameters stay
    as they are."""

    def __init__(self, model: "Model"):
        self.model = model
        self.epoch = 0

    def zero_grad(self) -> None:
        for network in self.model.networks.values():
            network.zero_grad()

    def step(self) -> None:
        for network in self.model.networks.values():
            network.step()

    def step_epoch(self) -> None:
        self.epoch += 1
        for network in self.model.networks.values():
            network.step_epoch()


class SGD(Optimizer):
    """Steps the networks and learns the ``t(_)`` parameters by gradient descent with rate
    ``param_lr``. problogic learns them as softmax logits (each annotated disjunction stays a
    distribution), where DeepProbLog steps the probabilities and clips them to [0, 1]: the
    steps differ, the fixed points are the same."""

    def __init__(self, model: "Model", param_lr: float):
        super().__init__(model)
        self.param_lr = param_lr
        self._tunables = torch.optim.SGD(model.logic.tunables.parameters(), lr=param_lr) \
            if len(model.logic.tunables) else None

    def zero_grad(self) -> None:
        super().zero_grad()
        if self._tunables is not None:
            self._tunables.zero_grad()

    def step(self) -> None:
        super().step()
        if self._tunables is not None:
            self._tunables.step()


def _check_keep_k(program, networks: dict[str, Network]) -> None:
    """As DeepProbLog: a deterministic network (``nn(Net, Inputs, Output)``, a tensor out)
    has no values to keep k of."""
    from ..grounding.probabilistic import is_neural
    from ..language.program import ProbabilisticClause

    for clause in program.clauses:
        if not isinstance(clause, ProbabilisticClause):
            continue
        for annotation, _ in clause.heads:
            if is_neural(annotation) and annotation.arity == 3:
                network = networks.get(str(annotation.args[0]))
                if network is not None and network.k is not None:
                    raise ValueError(f"k should be None for deterministic network "
                                     f"{network.name!r} (k={network.k})")


class Model:
    """DeepProbLog's model: ``program_string`` (a file's path, or with ``load=False`` the
    program itself) and its ``networks`` (:class:`~.network.Network`). ``model.logic`` is
    the :class:`problogic.Model` that does the work."""

    def __init__(self, program_string: str | Path, networks: Iterable[Network],
                 embeddings: Any = None, load: bool = True):
        if embeddings is not None:
            raise ValueError("term embeddings (DeepProbLog's TermEmbedder) are not supported")
        if load:
            path = Path(program_string)
            source, file = path.read_text(), str(path)
        else:
            source, file = str(program_string), None
        self.networks: dict[str, Network] = {}
        for network in networks:
            self.networks[network.name] = network
        self.logic = LogicModel(source, {n: net.module for n, net in self.networks.items()},
                                file=file)
        _check_keep_k(self.logic.program, self.networks)
        self.tensor_sources: dict[str, Any] = {}
        self._stored: list[Tensor] = []
        self.optimizer: Optimizer = Optimizer(self)
        self.eval_mode = False
        self.engine: Any = None
        # the call form of each query object seen (a loader hands out the same objects each
        # epoch): by id, checked by identity, the oldest out past MAX_PREPARED
        self._prepared: OrderedDict[int, tuple[Any, Any, Any, _Prepared]] = OrderedDict()

    # -- DeepProbLog's set-up calls --------------------------------------------------------

    def set_engine(self, engine: Any, cache: bool = False, **kwargs) -> None:
        """:class:`~.engines.ExactEngine` (the default) or :class:`~.engines.ApproximateEngine`
        (k-best proofs); ``cache`` is accepted for compatibility: problogic always caches
        compiled query forms."""
        self.engine = engine

    def add_tensor_source(self, name: str, source: Mapping | Any) -> None:
        """``tensor(name(Args...))`` in a query reads ``source[Args]`` (the tuple of ProbLog
        terms), as in DeepProbLog."""
        self.tensor_sources[name] = source

    def store_tensor(self, tensor: Tensor):
        """Keep ``tensor``; returns the term ``tensor(I)`` that names it in queries."""
        from problog.logic import Constant, Term

        self._stored.append(tensor)
        return Term("tensor", Constant(len(self._stored) - 1))

    def get_tensor(self, term) -> Tensor:
        """The tensor a ``tensor(...)`` term names."""
        inner = term.args[0]
        if inner.args and inner.functor in self.tensor_sources:
            return self.tensor_sources[inner.functor][inner.args]
        index = _number(inner)
        if isinstance(index, int) and 0 <= index < len(self._stored):
            return self._stored[index]
        raise ValueError(f"{term}: no tensor source named {inner.functor!r} (known: "
                         f"{', '.join(sorted(self.tensor_sources)) or 'none'}; add one with "
                         "model.add_tensor_source)")

    @property
    def parameters(self) -> list[float]:
        """The probabilities of the ``t(_)`` parameters, clause by clause."""
        return [p for values in self.logic.tunable_probabilities().values() for p in values]

    def train(self) -> None:
        self.eval_mode = False
        self.logic.train()

    def eval(self) -> None:
        self.eval_mode = True
        self.logic.eval()

    # -- inference -------------------------------------------------------------------------

    def solve(self, batch: Sequence) -> list[Result]:
        """One :class:`Result` per query of ``batch``."""
        start = time.perf_counter()
        forms: dict[str, list[int]] = {}
        prepared = [self._prepare(query) for query in batch]
        for i, item in enumerate(prepared):
            forms.setdefault(item.pattern, []).append(i)
        results = [Result(query=item.term) for item in prepared]
        for pattern, members in forms.items():
            first = prepared[members[0]]
            bindings: dict[str, Any] = {}
            for j, name in enumerate(first.tensor_names):
                bindings[name] = torch.stack([self.get_tensor(prepared[i].tensors[j])
                                              for i in members])
            for j, name in enumerate(first.output_names):
                bindings[name] = [prepared[i].outputs[j] for i in members]
            answer = self.logic.query(pattern, approximation=self._approximation, **bindings)
            if isinstance(answer, Tensor):
                for row, (i, possible) in enumerate(zip(members, (answer > 0).tolist())):
                    if possible:  # no answer: an empty result, as in DeepProbLog
                        results[i].result[prepared[i].term] = answer[row]
            else:
                values = answer.values
                substitutions = [_answer_substitution(answer.variables, key)
                                 for key in answer.answers]  # once per call, not per element
                for row, (i, possible) in enumerate(zip(members, (values > 0).tolist())):
                    for column, substitution in enumerate(substitutions):
                        if possible[column]:
                            term = prepared[i].term.apply_term(substitution)
                            results[i].result[term] = values[row, column]
        share = (time.perf_counter() - start) / max(len(batch), 1)
        for result in results:
            result.eval_time = share
        return results

    @property
    def _approximation(self):
        return getattr(self.engine, "approximation", None)

    def _prepare(self, query) -> "_Prepared":
        entry = self._prepared.get(id(query))
        if entry is not None and entry[0] is query and entry[1] is query.query \
                and entry[2] is query.substitution:
            return entry[3]
        form = _prepare(query)
        self._prepared[id(query)] = (query, query.query, query.substitution, form)
        if len(self._prepared) > MAX_PREPARED:
            self._prepared.popitem(last=False)
        return form

    # -- saving ----------------------------------------------------------------------------

    def save_state(self, filename: str | IO[bytes], complete: bool = False) -> None:
        """The networks' states (``complete``: their optimizers' too) and the ``t(_)``
        parameters, in one ``torch.save`` file that loads with ``weights_only=True`` (not
        DeepProbLog's zip of pickles). A path's missing folders are made, as DeepProbLog
        does."""
        if isinstance(filename, (str, Path)):
            Path(filename).parent.mkdir(parents=True, exist_ok=True)
        torch.save({"networks": {n: net.state(complete) for n, net in self.networks.items()},
                    "tunables": self.logic.tunables.state_dict()}, filename)

    def load_state(self, filename: str | IO[bytes]) -> None:
        state = torch.load(filename, weights_only=True)
        for name, network in self.networks.items():
            network.load_state(state["networks"][name])
        self.logic.tunables.load_state_dict(state["tunables"])

    def get_hyperparameters(self) -> dict:
        approximation = self._approximation
        return {"engine": "problogic exact" if approximation is None else
                f"problogic {approximation.k}-best proofs",
                "networks": [net.get_hyperparameters() for net in self.networks.values()]}

    def hyperparameters_to_file(self, filename: str | Path) -> None:
        """:meth:`get_hyperparameters` as JSON in ``filename``."""
        Path(filename).write_text(json.dumps(self.get_hyperparameters()))

    def __str__(self) -> str:
        return "\n".join(str(clause) for clause in self.logic.program.clauses)


# ---- queries to problogic calls ------------------------------------------------------------

@dataclass
class _Prepared:
    """One query as a call: ``pattern`` with variables ``tensor_names`` (for ``tensors``, the
    ``tensor(...)`` terms, in order of appearance) and ``output_names`` (for the ground
    output arguments ``outputs``); ``term``, the query with its substitution applied."""

    term: Any
    pattern: str
    tensors: list
    tensor_names: list[str]
    outputs: list
    output_names: list[str]


def _prepare(query) -> _Prepared:
    term = query.substitute().query
    tensors: list = []
    holding: set[int] = set()  # ids of the subterms that hold a tensor term
    _collect_tensors(term, tensors, holding)
    names = {t: f"Tensor__{j}" for j, t in enumerate(tensors)}
    args = list(term.args)
    outputs, output_names = [], []
    parts = [_text(arg, names, holding) for arg in args]
    for i in sorted({i % len(args) for i in query.output_ind}) if args else ():
        if id(args[i]) not in holding and args[i].is_ground():
            outputs.append(_binding_value(args[i]))
            output_names.append(f"Output__{i}")
            parts[i] = output_names[-1]
    pattern = f"{term.functor}({','.join(parts)})" if parts else str(term)
    return _Prepared(term, pattern, tensors, list(names.values()), outputs, output_names)


def _collect_tensors(term, found: list, holding: set[int]) -> bool:
    """Append the distinct ``tensor(...)`` terms of ``term`` to ``found`` and the ids of the
    subterms that hold one to ``holding``; whether ``term`` holds one."""
    if getattr(term, "functor", None) == "tensor" and len(term.args) == 1:
        if term not in found:
            found.append(term)
    elif not any([_collect_tensors(arg, found, holding) for arg in getattr(term, "args", ())]):
        return False
    holding.add(id(term))
    return True


def _text(term, names: dict, holding: set[int]) -> str:
    """``term`` as ProbLog text with its ``tensor(...)`` terms written as the variables
    ``names`` gives them (ProbLog's own text for the parts without one)."""
    if id(term) not in holding:
        return str(term)
    if term in names:
        return names[term]
    if term.functor == "." and len(term.args) == 2:  # a list: [a,b|T]
        items = []
        while id(term) in holding and term.functor == "." and len(term.args) == 2:
            items.append(_text(term.args[0], names, holding))
            term = term.args[1]
        tail = "" if str(term) == "[]" else "|" + _text(term, names, holding)
        return f"[{','.join(items)}{tail}]"
    return f"{term.functor}({','.join(_text(arg, names, holding) for arg in term.args)})"


def _binding_value(term):
    """A ground ProbLog term as a binding of ``problogic.Model.query``: a number as itself,
    anything else as its text."""
    value = _number(term)
    return str(term) if value is None else value


def _number(term) -> int | float | None:
    """The number a ProbLog constant holds (its functor), else None. (Not ``term.value``:
    for a compound term that evaluates it as arithmetic.)"""
    functor = getattr(term, "functor", None)
    if isinstance(functor, (int, float)) and not isinstance(functor, bool) and not term.args:
        return functor
    return None


def _answer_substitution(variables: tuple[str, ...], key) -> dict:
    """The ProbLog substitution that sets a query's open ``variables`` to one answer
    ``key`` (a value, or a tuple of values for several variables)."""
    from problog.logic import Constant, Term, Var

    values = key if len(variables) > 1 else (key,)
    return {Var(name): Constant(v) if isinstance(v, (int, float)) else Term.from_string(v)
            for name, v in zip(variables, values)}

"""The ground program as readable ProbLog text (``problogic ground``)."""

from __future__ import annotations

from ..circuit.dot import dot_label
from ..language.printing import format_term
from ..language.terms import make_list
from .ground_program import AND, CHOICE, OR, TRUE, ChoiceVariable, GroundProgram
from .probabilistic import has_free_tunable


def _relevant(program: GroundProgram) -> tuple[list[int], dict[int, None]]:
    """The nodes the queries and evidence reach (depth first, in order) and the choice
    variables among them (an ordered set)."""
    roots = [lit for _, lit in program.queries] + [lit for _, lit, _ in program.evidence]
    seen, order, used_vars = set(), [], {}
    stack = [abs(r) for r in reversed(roots) if abs(r) != TRUE]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        if program.kinds[node] == CHOICE:
            used_vars.setdefault(program.payload[node][0], None)
        elif program.kinds[node] in (AND, OR):
            stack.extend(abs(c) for c in reversed(program.payload[node]) if abs(c) != TRUE)
    return order, used_vars


def format_ground_program(program: GroundProgram) -> str:
    """Ground clauses of the atoms reachable from the queries and evidence, then the choice
    variables they use, the queries and the evidence."""
    order, used_vars = _relevant(program)

    def name(lit: int) -> str:
        node = abs(lit)
        if program.kinds[node] == AND and node not in program.names:
            text = ", ".join(name(c) for c in program.payload[node])
            return f"\\+({text})" if lit < 0 else text
        return program.describe(lit)

    lines = []
    for var in used_vars:
        v = program.variables[var]
        parts = []
        for value, (p, head) in enumerate(zip(v.probabilities, v.heads)):
            label = format_term(head) if head is not None else f"choice({var},{value})"
            if head is None and (len(v.heads) == 2 or v.neural is not None):
                continue  # a fact's "false" value, what a network's row leaves below 1
            parts.append(f"{_weight(v, value, p)}::{label}")
        lines.append("; ".join(parts) + ".")
    for node in order:
        if program.kinds[node] == OR and node in program.names:
            head = format_term(program.names[node])
            for body in program.payload[node]:
                lines.append(f"{head}." if body == TRUE else f"{head} :- {name(body)}.")
    for term, _ in program.queries:
        lines.append(f"query({format_term(term)}).")
    for term, _, value in program.evidence:
        lines.append(f"evidence({format_term(term)},{'true' if value else 'false'}).")
    return "\n".join(lines)


def ground_program_dot(program: GroundProgram) -> str:
    """The relevant ground program as a Graphviz graph (``problogic ground --format dot``):
    an ellipse per choice (its probability and head), a box per conjunction, a diamond per
    atom or disjunction; a negated child's edge is dashed; queries and evidence point at
    their nodes."""
    order, _ = _relevant(program)
    lines = ["digraph ground {", "  node [fontname=Helvetica];"]

    def edge(parent: str, lit: int, *attributes: str) -> str:
        attributes += ("style=dashed", "label=not") if lit < 0 else ()
        listed = f" [{', '.join(attributes)}]" if attributes else ""
        return f"  {parent} -> n{abs(lit)}{listed};"

    constant = False
    for node in order:
        kind, payload = program.kinds[node], program.payload[node]
        if kind == CHOICE:
            var, value = payload
            variable = program.variables[var]
            head = variable.heads[value]
            label = (f"{_weight(variable, value, variable.probabilities[value])}::"
                     f"{format_term(head) if head is not None else f'choice({var},{value})'}")
            lines.append(f"  n{node} [label={dot_label(label)}, shape=ellipse];")
            continue
        name = program.names.get(node)
        if kind == AND:
            lines.append(f"  n{node} [label=\"AND\", shape=box];")
        else:
            label = format_term(name) if name is not None else "OR"
            lines.append(f"  n{node} [label={dot_label(label)}, shape=diamond];")
        for child in payload:
            constant = constant or abs(child) == TRUE
            lines.append(edge(f"n{node}", child))
    roots = [("query", term, lit) for term, lit in program.queries]
    roots += [(f"evidence {'true' if value else 'false'}", term, lit)
              for term, lit, value in program.evidence]
    for i, (what, term, lit) in enumerate(roots):
        constant = constant or abs(lit) == TRUE
        lines.append(f"  r{i} [label={dot_label(f'{what}: {format_term(term)}')}, "
                     "shape=plaintext];")
        lines.append(edge(f"r{i}", lit, "arrowhead=none"))
    if constant:
        lines.append(f"  n{TRUE} [label=\"true\", shape=box];")
    lines.append("}")
    return "\n".join(lines)


def _weight(variable: ChoiceVariable, value: int, probability: float) -> str:
    """A value's probability, or where it has none yet its annotation: a network's output
    ``nn(Net,Inputs,Value)``, a ``t(_)`` without an initial value, or a decision's ``?``."""
    if variable.decision:
        return "?"
    call = variable.neural
    if call is not None:
        inputs = format_term(make_list(call.inputs))
        if not call.domain:
            return f"nn({call.network},{inputs})"
        output = format_term(call.domain[value]) if value < len(call.domain) else "none"
        return f"nn({call.network},{inputs},{output})"
    if variable.tunable is not None and has_free_tunable(variable):
        return format_term(variable.annotations[value])
    return f"{probability:.10g}"

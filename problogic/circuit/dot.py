"""Graphviz rendering of a circuit (``problogic compile --dot``)."""

from __future__ import annotations

from ..language.printing import format_term
from .circuit import FALSE_LEAF, INDICATOR, PRODUCT, SUM, TRUE_LEAF, Circuit


def dot_label(text: str) -> str:
    """``text`` as a quoted Graphviz string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def circuit_to_dot(circuit: Circuit, formula=None) -> str:
    labels = {}
    if formula is not None:
        labels[circuit.roots[0]] = "evidence" if formula.evidence else "true"
        for (term, _), root in zip(formula.queries, circuit.roots[1:]):
            labels.setdefault(root, format_term(term))
    lines = ["digraph circuit {", "  rankdir=BT;", "  node [fontname=Helvetica];"]
    for i, kind in enumerate(circuit.kinds):
        if kind == SUM:
            label, shape = "+", "circle"
        elif kind == PRODUCT:
            label, shape = "×", "circle"
        elif kind == INDICATOR:
            var, value = circuit.indicators[i]
            variable = circuit.variables[var]
            head = variable.heads[value]
            text = format_term(head) if head is not None else (
                "false" if len(variable.heads) == 2 else "none")
            label, shape = f"x{var}={value}\n{text}\np={variable.probabilities[value]:.4g}", "box"
        else:
            label, shape = ("true" if kind == TRUE_LEAF else "false"), "box"
            assert kind in (TRUE_LEAF, FALSE_LEAF)
        lines.append(f"  n{i} [label={dot_label(label)}, shape={shape}];")
        for child in circuit.children[i]:
            lines.append(f"  n{child} -> n{i};")
    for root in dict.fromkeys(circuit.roots):
        if root in labels:
            lines.append(f"  q{root} [label={dot_label(labels[root])}, shape=plaintext];")
            lines.append(f"  n{root} -> q{root};")
    lines.append("}")
    return "\n".join(lines)

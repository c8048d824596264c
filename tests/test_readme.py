"""The README's Python examples run, and give what their comments say they give.

A statement followed by ``# <python literal>`` (on its line or on the next line) must evaluate
to that literal (floats within 1e-6)."""

import ast
import math
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def statements(block):
    """(code, stated result or None) per statement of a block."""
    out, current = [], []
    for line in block.splitlines():
        if not current and line.startswith("# ") and out and out[-1][1] is None:
            out[-1] = (out[-1][0], _literal(line[2:]))
            continue
        current.append(line)
        text = "\n".join(current)
        try:
            compile(text, "<readme>", "exec")
        except SyntaxError:
            continue
        code, stated = text, None
        match = re.match(r"^(.*\S)\s+# (.+)$", text, flags=re.S)
        if match and _literal(match.group(2)) is not None:
            code, stated = match.group(1), _literal(match.group(2))
        out.append((code, stated))
        current = []
    return out


def _literal(text):
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return None


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize("block", python_blocks())
def test_readme_block_runs_and_matches_its_comments(block):
    namespace: dict = {}
    checked = 0
    for code, stated in statements(block):
        if stated is None:
            exec(code, namespace)
            continue
        try:
            value = eval(code, namespace)
        except SyntaxError:  # an assignment: run it, then check the assigned name
            exec(code, namespace)
            value = namespace[code.split("=")[0].strip()]
        assert same(value, stated), (code, value, stated)
        checked += 1
    assert checked, "a README example should state at least one result"

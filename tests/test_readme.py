"""The README's Python examples run, and print what the README says they print."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def split_statements(block):
    """(code, expected repr or None) per statement; `# {...}` comments state results."""
    lines = block.splitlines()
    statements, current = [], []
    for line in lines:
        current.append(line)
        text = "\n".join(current)
        try:
            compile(text, "<readme>", "exec")
        except SyntaxError:
            continue
        statements.append(text)
        current = []
    return statements


@pytest.mark.parametrize("block", python_blocks())
def test_readme_block_runs_and_matches_its_comments(block):
    namespace: dict = {}
    pending = None
    for statement in split_statements(block):
        stripped = statement.strip()
        if stripped.startswith("# {") and pending is not None:
            assert repr(eval(pending, namespace)) == stripped[2:].strip()
            pending = None
            continue
        match = re.match(r"^(.*?)\s+# (\{.*\})\s*$", statement, flags=re.S)
        if match:
            assert repr(eval(match.group(1), namespace)) == match.group(2)
            continue
        exec(statement, namespace)
        pending = stripped if not stripped.startswith(("import", "#")) and "=" not in \
            stripped.split("(")[0] else None

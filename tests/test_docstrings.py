"""The examples in the docstrings of problogic and problogic_vision run and print what they
show (``doctest``): a module whose example goes stale fails here."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import problogic
import problogic_vision


def _modules() -> list[str]:
    names = []
    for package in (problogic, problogic_vision):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith("__main__"):  # importing it runs the command line
                names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

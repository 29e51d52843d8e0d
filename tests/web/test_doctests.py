"""The examples in the web app's, the overrides' and the compare chart's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

pytest.importorskip("fastapi")

MODULES = [
    "anchorval.cases._overrides",
    "anchorval.report.compare",
    "anchorval.web._app",
    "anchorval.web._mcp",
    "anchorval.workflows.value",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert res.failed == 0
    assert res.attempted > 0

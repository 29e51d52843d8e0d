"""The examples in the market package's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "anchorval.market",
    "anchorval.market._float",
    "anchorval.market._lockups",
    "anchorval.market._index",
    "anchorval.market._reflexivity",
    "anchorval.market._decomposition",
    "anchorval.market._structure",
    "anchorval.workflows.market",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert res.failed == 0
    assert res.attempted > 0

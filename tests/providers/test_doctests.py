"""The examples in the providers, venues, store and live modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "anchorval.providers",
    "anchorval.providers.binance",
    "anchorval.providers.hyperliquid",
    "anchorval.providers.yahoo",
    "anchorval.providers.fx",
    "anchorval.providers.ecb_daily",
    "anchorval.anchors.venues",
    "anchorval.anchors.prediction_market",
    "anchorval.providers.ccxt_perps",
    "anchorval.providers.polymarket",
    "anchorval.workflows.marks",
    "anchorval.store._store",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert res.failed == 0
    assert res.attempted > 0

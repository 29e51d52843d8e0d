"""Fixtures of the market tests."""

from __future__ import annotations

import pytest
from market_cases import tiny_case

from anchorval.domain import Case
from anchorval.workflows.market import market_structure


@pytest.fixture()
def tiny() -> Case:
    """The hand-made case."""
    return tiny_case()


@pytest.fixture(scope="session")
def zhipu_market():
    """Market structure of the bundled Zhipu case."""
    return market_structure("zhipu-2026-06")

"""Shared fixtures. Tests never touch the network."""

from __future__ import annotations

import pytest
from hypothesis import settings

from anchorval.anchors import AnchorContext
from anchorval.cases import resolve_case

# CI machines are shared and noisy: no per-example deadline (a slow example is not a failure);
# the example counts stay as each test sets them.
settings.register_profile("anchorval", deadline=None)
settings.load_profile("anchorval")


@pytest.fixture(scope="session")
def anthropic():
    """The bundled Anthropic case with its resolved peers."""
    return resolve_case("anthropic-2026-06")


@pytest.fixture(scope="session")
def zhipu():
    """The bundled Zhipu case."""
    return resolve_case("zhipu-2026-06")


@pytest.fixture()
def anthropic_ctx(anthropic):
    """A fresh AnchorContext for the Anthropic case."""
    return AnchorContext.for_case(anthropic.case, anthropic.peers)

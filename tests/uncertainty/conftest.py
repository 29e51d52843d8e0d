"""Fixtures of the uncertainty tests."""

from __future__ import annotations

import pytest

from anchorval.uncertainty import build_case_model
from anchorval.workflows.value import value_loaded


def _model_of(loaded, spec=None, currency=None, anchors=None):
    """The case's vectorised model, built from its valuation (valued once, as the workflow does)."""
    return build_case_model(loaded, value_loaded(loaded, anchors, currency), spec)


@pytest.fixture(scope="session")
def model_of():
    """``model_of(loaded, spec=None, currency=None, anchors=None) -> CaseModel``."""
    return _model_of

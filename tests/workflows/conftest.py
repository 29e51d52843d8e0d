"""Recorded-HTTP setup for workflow tests that fetch (cassettes in tests/cassettes, never record)."""

from __future__ import annotations

from pathlib import Path

import pytest

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return str(CASSETTES)


@pytest.fixture(scope="module")
def vcr_config():
    return {
        "record_mode": "none",
        "match_on": ["method", "scheme", "host", "path", "query", "body"],
        "allow_playback_repeats": True,
    }

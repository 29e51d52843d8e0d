"""Recorded-HTTP setup: cassettes in tests/cassettes, never record, network blocked."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

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


@pytest.fixture()
def session():
    """A plain requests.Session (vcrpy records and replays requests, not curl_cffi)."""
    with requests.Session() as s:
        yield s

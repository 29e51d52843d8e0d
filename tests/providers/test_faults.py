"""Faults through an injected transport: each gives a typed error or a retry."""

from __future__ import annotations

import pytest
import requests

from anchorval.errors import (
    EmptyResponseError,
    MalformedResponseError,
    ProviderServerError,
    ProviderTimeoutError,
    RateLimitError,
    UnknownSymbolError,
)
from anchorval.providers import BinanceUsdmFetcher, HyperliquidFetcher, RetryPolicy

from ._transport import Scripted, cassette_bodies, session_with

pytestmark = pytest.mark.block_network

BIN = cassette_bodies("binance_anthropic.yaml")
HL = cassette_bodies("hyperliquid_vntl.yaml")["/info"]


def binance_with(fault, attempts=3):
    """Binance whose premiumIndex answers are ``fault(n)`` (n = 1, 2, ... per premiumIndex call)."""
    seen = {"n": 0}

    def script(req, _):
        path = req.path_url.split("?")[0]
        if path.endswith("premiumIndex"):
            seen["n"] += 1
            return fault(seen["n"])
        return 200, BIN[path], {}

    sleeps: list[float] = []
    ad = Scripted(script)
    f = BinanceUsdmFetcher(
        session=session_with(ad),
        retry=RetryPolicy(attempts=attempts, initial=0.5, sleep=sleeps.append),
    )
    return f, ad, sleeps, seen


def test_timeout_is_retried_then_typed():
    f, ad, sleeps, seen = binance_with(lambda n: requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(ProviderTimeoutError, match="premiumIndex: timed out"):
        f.fetch(symbol="ANTHROPICUSDT")
    assert seen["n"] == 3 and len(sleeps) == 2
    assert isinstance(ProviderTimeoutError("x"), TimeoutError)


def test_timeout_then_success_recovers():
    f, ad, sleeps, seen = binance_with(
        lambda n: requests.exceptions.ConnectTimeout("t") if n == 1 else (200, BIN["/fapi/v1/premiumIndex"], {})
    )
    d = f.fetch(symbol="ANTHROPICUSDT")
    assert str(d.mark_price) == "1718.20000000" and seen["n"] == 2 and len(sleeps) == 1


def test_429_honours_retry_after():
    def fault(n):
        if n == 1:
            return (
                429,
                '{"code":-1003,"msg":"Too many requests; current limit is 2400 per 1 MINUTE."}',
                {"Retry-After": "7"},
            )
        return 200, BIN["/fapi/v1/premiumIndex"], {}

    f, ad, sleeps, seen = binance_with(fault)
    d = f.fetch(symbol="ANTHROPICUSDT")
    assert sleeps == [7.0]  # the server's Retry-After, not the exponential backoff
    assert d.mark_price is not None


def test_429_exhausted_is_rate_limit_error_with_retry_after():
    f, ad, sleeps, seen = binance_with(
        lambda n: (429, '{"code":-1003,"msg":"Too many"}', {"Retry-After": "2"}), attempts=2
    )
    with pytest.raises(RateLimitError) as e:
        f.fetch(symbol="ANTHROPICUSDT")
    assert e.value.retry_after == 2.0 and e.value.status == 429


def test_5xx_retried_with_exponential_backoff_then_typed():
    f, ad, sleeps, seen = binance_with(lambda n: (503, "<html>503 Service Unavailable</html>", {}), attempts=4)
    with pytest.raises(ProviderServerError):
        f.fetch(symbol="ANTHROPICUSDT")
    assert seen["n"] == 4 and len(sleeps) == 3
    # exponential: each wait (less its jitter of at most initial/4) at least doubles
    assert sleeps[1] >= 2 * (sleeps[0] - 0.125) and sleeps[2] >= 2 * (sleeps[1] - 0.125)


def test_malformed_json_is_typed_and_not_retried():
    f, ad, sleeps, seen = binance_with(lambda n: (200, '{"symbol":"ANTHROPICUSDT","markPrice":', {}))
    with pytest.raises(MalformedResponseError, match="not JSON"):
        f.fetch(symbol="ANTHROPICUSDT")
    assert seen["n"] == 1 and sleeps == []


def test_missing_field_is_malformed():
    f, *_ = binance_with(lambda n: (200, '{"symbol":"ANTHROPICUSDT","indexPrice":"1"}', {}))
    with pytest.raises(MalformedResponseError, match="markPrice"):
        f.fetch(symbol="ANTHROPICUSDT")


def test_unknown_symbol_from_venue_is_typed():
    f, *_ = binance_with(lambda n: (400, '{"code":-1121,"msg":"Invalid symbol."}', {}))
    with pytest.raises(UnknownSymbolError, match="Invalid symbol"):
        f.fetch(symbol="ANTHROPICUSDT")


@pytest.mark.parametrize("body", ["", "[]", "{}"])
def test_empty_response_is_typed(body):
    f, *_ = binance_with(lambda n: (200, body, {}))
    with pytest.raises(EmptyResponseError):
        f.fetch(symbol="ANTHROPICUSDT")


def test_hyperliquid_empty_and_malformed():
    for body, err in (
        ("[]", EmptyResponseError),
        ('[{"universe": [{"name": "vntl:X"}]}, []]', MalformedResponseError),
        ("<html>", MalformedResponseError),
    ):
        ad = Scripted(lambda req, n, body=body: (200, body, {}))
        with pytest.raises(err):
            HyperliquidFetcher(session=session_with(ad), retry=RetryPolicy(attempts=1)).fetch(symbol="vntl:X")


def test_hyperliquid_5xx_then_ok():
    sleeps: list[float] = []
    ad = Scripted(
        lambda req, n: (502, "bad gateway", {}) if n == 1 else (200, HL, {"Date": "Mon, 22 Jun 2026 08:00:00 GMT"})
    )
    f = HyperliquidFetcher(session=session_with(ad), retry=RetryPolicy(attempts=3, sleep=sleeps.append))
    assert str(f.fetch(symbol="vntl:ANTHROPIC").mark_price) == "1702.50"
    assert len(ad.calls) == 2 and len(sleeps) == 1

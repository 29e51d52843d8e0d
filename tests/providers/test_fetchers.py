"""Stage tests (query -> raw -> transformed) for every fetcher, on recorded HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from anchorval.errors import UnknownProviderError, UnknownSymbolError
from anchorval.providers import (
    BinanceUsdmFetcher,
    HyperliquidFetcher,
    PerpMarket,
    get_fetcher,
    provider_names,
)

pytestmark = pytest.mark.block_network

T0 = datetime(2026, 6, 22, 8, 0, tzinfo=UTC)


@pytest.mark.vcr("binance_anthropic.yaml")
def test_binance_stages(session):
    f = BinanceUsdmFetcher(session=session)
    # stage 1: query
    q = f.transform_query({"symbol": "anthropic"})
    assert q.symbol == "ANTHROPICUSDT"
    assert f.transform_query({"symbol": "ANTHROPIC/USDT:USDT"}).symbol == "ANTHROPICUSDT"
    # stage 2: raw, as Binance sent it (the exchangeInfo entry found by lookup, not hardcoded)
    raw = f.extract_data(q)
    assert raw["exchangeInfo"]["contractType"] == "TRADIFI_PERPETUAL"
    assert raw["premiumIndex"]["markPrice"] == "1718.20000000"
    assert raw["ticker24hr"]["quoteVolume"] == "1000071.35"
    assert raw["openInterest"]["openInterest"] == "2910.416"
    # stage 3: standard model, exact decimals from the strings
    d = f.transform_data(q, raw)
    assert isinstance(d, PerpMarket)
    assert d.contract_type == "TRADIFI_PERPETUAL"
    assert d.quote_currency == "USDT"
    assert d.mark_price == Decimal("1718.20000000")
    assert d.index_price == Decimal("1717.95123400")
    assert d.last_price == Decimal("1718.00")
    assert d.volume_base_24h == Decimal("582.482")
    assert d.volume_quote_24h == Decimal("1000071.35")
    assert d.open_interest == Decimal("2910.416")
    assert d.open_interest_value == Decimal("2910.416") * Decimal("1718.20000000")
    assert d.funding_rate == Decimal("0.00005000")
    assert d.time == T0 and d.time_source == "venue"


@pytest.mark.vcr("binance_exchange_info.yaml")
def test_binance_unknown_symbol_lists_tradfi_markets(session):
    f = BinanceUsdmFetcher(session=session)
    with pytest.raises(UnknownSymbolError) as e:
        f.fetch(symbol="ANTHROPC")
    msg = str(e.value)
    assert "ANTHROPCUSDT" in msg and "ANTHROPICUSDT" in msg and "XAUUSDT" in msg
    # a quarterly contract is listed but is not a perpetual
    with pytest.raises(UnknownSymbolError, match="not a perpetual"):
        f.fetch(symbol="BTCUSDT_260925")


@pytest.mark.vcr("binance_exchange_info.yaml")
def test_binance_exchange_info_is_cached(session):
    f = BinanceUsdmFetcher(session=session)
    a = f.exchange_info()
    assert f.exchange_info() is a


@pytest.mark.vcr("hyperliquid_vntl.yaml")
def test_hyperliquid_stages(session):
    f = HyperliquidFetcher(session=session)
    q = f.transform_query({"symbol": "VNTL:anthropic"})
    assert q.symbol == "vntl:ANTHROPIC"
    raw = f.extract_data(q)
    meta, ctxs = raw["metaAndAssetCtxs"]
    assert [u["name"] for u in meta["universe"]][2] == "vntl:ANTHROPIC"
    assert ctxs[2]["markPx"] == "1702.50"
    d = f.transform_data(q, raw)
    assert d.venue == "hyperliquid" and d.contract_type == "HIP-3 perpetual"
    assert d.mark_price == Decimal("1702.50")
    assert d.index_price == Decimal("1700.00")
    assert d.last_price == Decimal("1702.40") and d.last_price_kind == "mid"
    assert d.volume_quote_24h == Decimal("1251870.2")
    assert d.volume_base_24h == Decimal("735.4")
    assert d.open_interest == Decimal("1830.9")
    assert d.funding_rate == Decimal("0.0000125")
    assert d.time == T0 and d.time_source == "http_date"


@pytest.mark.vcr("hyperliquid_vntl.yaml")
def test_hyperliquid_unknown_symbol(session):
    with pytest.raises(UnknownSymbolError, match="close matches: vntl:OPENAI"):
        HyperliquidFetcher(session=session).fetch(symbol="vntl:OPENAl")


def test_registry_lists_installed_on_unknown_name():
    assert {"binance", "hyperliquid", "yahoo", "ecb"} <= set(provider_names())
    with pytest.raises(UnknownProviderError) as e:
        get_fetcher("coinbase-intl")
    assert "installed: " + ", ".join(provider_names()) in str(e.value)
    assert isinstance(e.value, LookupError)


def test_ecb_stages():
    from datetime import date

    f = get_fetcher("ecb")
    q = f.transform_query({"base": "usd", "quote": "HK$", "on": date(2026, 1, 2)})
    assert (q.base, q.quote) == ("USD", "HKD")
    raw = f.extract_data(q)
    d = f.transform_data(q, raw)
    # closed form: cross through EUR from the two ECB legs of the same fixing
    from anchorval.money import EcbRates

    e = EcbRates()
    usd, _ = e.per_eur("USD", d.on)
    hkd, _ = e.per_eur("HKD", d.on)
    assert d.rate == hkd / usd


@pytest.mark.vcr("ecb_daily.yaml")
def test_ecb_daily_stages(session):
    from datetime import date

    from anchorval.providers import EcbDailyFxFetcher

    f = EcbDailyFxFetcher(session=session)
    q = f.transform_query({"base": "usd", "quote": "HK$"})
    assert (q.base, q.quote) == ("USD", "HKD")
    raw = f.extract_data(q)
    assert "<Cube currency='HKD' rate='8.9790'/>" in raw["xml"]
    d = f.transform_data(q, raw)
    # closed form: HKD per EUR / USD per EUR, from the file's strings
    assert d.rate == Decimal("8.9790") / Decimal("1.1534") and d.on == date(2026, 11, 20)
    from anchorval.errors import FxRateMissingError

    with pytest.raises(FxRateMissingError, match="SEK"):
        f.transform_data(f.transform_query({"base": "USD", "quote": "SEK"}), raw)


def test_ecb_daily_faults():
    from anchorval.errors import MalformedResponseError, RateLimitError
    from anchorval.providers import EcbDailyFxFetcher, RetryPolicy

    from ._transport import Scripted, session_with

    sleeps = []
    ad = Scripted(lambda req, n: (429, "slow down", {"Retry-After": "3"}))
    f = EcbDailyFxFetcher(session=session_with(ad), retry=RetryPolicy(attempts=2, sleep=sleeps.append))
    with pytest.raises(RateLimitError):
        f.fetch(base="USD", quote="HKD")
    assert sleeps == [3.0]
    ad = Scripted(lambda req, n: (200, "<html>maintenance", {}))
    with pytest.raises(MalformedResponseError, match="not XML"):
        EcbDailyFxFetcher(session=session_with(ad)).fetch(base="USD", quote="HKD")

"""Yahoo (yfinance) stage test on a recorded chart + share-count answer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import requests

from anchorval.providers import EquityQuote, YahooEquityFetcher

pytestmark = pytest.mark.block_network


@pytest.fixture()
def yf_tmp_cache(tmp_path):
    import yfinance as yf

    yf.set_tz_cache_location(str(tmp_path / "yf-tz"))
    yield


@pytest.fixture(scope="module")
def vcr_config():
    # yfinance adds a crumb and time-dependent periods to the query: match on the path only
    return {
        "record_mode": "none",
        "match_on": ["method", "host", "path"],
        "allow_playback_repeats": True,
    }


@pytest.mark.vcr("yahoo_0700hk.yaml")
def test_yahoo_stages(yf_tmp_cache):
    f = YahooEquityFetcher(session=requests.Session())
    q = f.transform_query({"symbol": "700.hk"})
    assert q.symbol == "0700.HK"
    raw = f.extract_data(q)
    assert raw["chart_meta"]["regularMarketPrice"] == 612.5
    assert raw["chart_meta"]["exchangeTimezoneName"] == "Asia/Hong_Kong"
    assert list(raw["shares"].values())[-1] == 9153000000
    d = f.transform_data(q, raw)
    assert isinstance(d, EquityQuote)
    assert d.currency == "HKD" and d.exchange == "HKG"
    assert d.last_price == Decimal("612.5") and d.previous_close == Decimal("592.0")
    assert d.shares_outstanding == Decimal(9153000000) and d.shares_as_of == date(2026, 6, 19)
    assert d.market_cap == Decimal("612.5") * 9153000000
    assert d.time == datetime(2026, 6, 22, 8, 8, tzinfo=UTC)


def test_yahoo_unknown_symbol_is_typed(yf_tmp_cache):
    from anchorval.errors import UnknownSymbolError
    from anchorval.providers import RetryPolicy

    from ._transport import Scripted, session_with

    body = (
        '{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}'
    )

    def script(req, n):
        if "getcrumb" in req.url:
            return 200, "Xq2b3kHxN8m", {"Content-Type": "text/plain"}
        if "fc.yahoo.com" in req.url:
            return 404, "", {}
        return 404, body, {}

    f = YahooEquityFetcher(session=session_with(Scripted(script)), retry=RetryPolicy(attempts=1))
    with pytest.raises(UnknownSymbolError, match="9999.HK"):
        f.fetch(symbol="9999.HK")


def test_yahoo_timeout_is_typed(yf_tmp_cache):
    from anchorval.errors import ProviderTimeoutError
    from anchorval.providers import RetryPolicy

    from ._transport import Scripted, session_with

    sleeps = []
    ad = Scripted(lambda req, n: requests.exceptions.ReadTimeout("t"))
    f = YahooEquityFetcher(session=session_with(ad), retry=RetryPolicy(attempts=2, sleep=sleeps.append))
    with pytest.raises(ProviderTimeoutError):
        f.fetch(symbol="0700.HK")
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    ("exc_name", "expected"),
    [("DNSError", "ProviderNetworkError"), ("Timeout", "ProviderTimeoutError")],
)
def test_yahoo_curl_cffi_failures_are_provider_errors(exc_name, expected):
    # yfinance fetches through curl_cffi by default; its DNS failure is an OSError, not a
    # requests error, and reached the CLI as "error: : Failed to perform ..."
    from curl_cffi.requests import exceptions as cx

    from anchorval import errors

    def fail():
        raise getattr(cx, exc_name)("Failed to perform, curl: (6) Could not resolve host")

    with pytest.raises(getattr(errors, expected)) as info:
        YahooEquityFetcher()._guard(fail)
    assert str(info.value).startswith("yahoo ")

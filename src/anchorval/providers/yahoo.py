"""Hong Kong and US equity quotes and share counts through yfinance.

yfinance calls Yahoo's chart endpoint (``/v8/finance/chart/{symbol}``) for the last price and the
fundamentals-timeseries endpoint for the share count. Pass ``session=requests.Session()`` to use
plain requests (which vcrpy can record); by default yfinance uses curl_cffi.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from ..errors import (
    MSG_MALFORMED,
    MSG_MISSING_EXTRA,
    MSG_UNKNOWN_SYMBOL,
    MalformedResponseError,
    ProviderError,
    ProviderNetworkError,
    ProviderServerError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitError,
    UnknownSymbolError,
)
from ._base import Fetcher, dec
from ._models import EquityQuery, EquityQuote

__all__ = ["YahooEquityFetcher"]

ENDPOINT = "/v8/finance/chart"
#: Chart metadata kept in the raw stage.
META_KEYS = (
    "symbol",
    "currency",
    "exchangeName",
    "exchangeTimezoneName",
    "instrumentType",
    "regularMarketPrice",
    "regularMarketTime",
    "chartPreviousClose",
    "previousClose",
)


def _yf() -> Any:
    try:
        import yfinance
    except ImportError:  # pragma: no cover - yfinance is in the live and test extras
        raise ProviderUnavailableError(
            MSG_MISSING_EXTRA.format(what="the yahoo provider", package="yfinance")
        ) from None
    import logging

    # yfinance logs transient failures as warnings; without a handler Python's last-resort
    # handler printed them above our one-line error. Applications that configure logging
    # still receive them (the record propagates).
    yf_logger = logging.getLogger("yfinance")
    if not any(isinstance(h, logging.NullHandler) for h in yf_logger.handlers):
        yf_logger.addHandler(logging.NullHandler())
    return yfinance


def _http_errors() -> tuple[tuple[type[BaseException], ...], ...]:
    """(HTTP error, timeout, connection error) classes of requests and of curl_cffi.

    yfinance 0.2.5x fetches through curl_cffi, whose exceptions do not derive from requests';
    a DNS failure surfaced as a bare ``OSError`` ("error: : Failed to perform, curl: (6)").
    """
    import requests

    http: list[type[BaseException]] = [requests.exceptions.HTTPError]
    timeout: list[type[BaseException]] = [requests.exceptions.Timeout]
    conn: list[type[BaseException]] = [requests.exceptions.ConnectionError]
    try:
        from curl_cffi.requests import exceptions as cx
    except ImportError:  # pragma: no cover - older yfinance uses requests only
        pass
    else:
        http.append(cx.HTTPError)
        timeout.append(cx.Timeout)
        conn.append(cx.ConnectionError)
    return tuple(http), tuple(timeout), tuple(conn)


class YahooEquityFetcher(Fetcher[EquityQuery, EquityQuote]):
    """Listed-share quotes (HKEX ``2513.HK``, US ``NVDA``) and share counts via yfinance.

    Examples
    --------
    >>> YahooEquityFetcher().transform_query({"symbol": "2513.hk"}).symbol
    '2513.HK'
    >>> YahooEquityFetcher().transform_query({"symbol": "700.HK"}).symbol
    '0700.HK'
    """

    name: ClassVar[str] = "yahoo"
    description: ClassVar[str] = "Hong Kong and US equity quotes and share counts, via yfinance"
    query_model = EquityQuery
    data_model = EquityQuote
    requires: ClassVar[tuple[str, ...]] = ("yfinance",)
    _symbol: str = ""

    def transform_query(self, params: dict[str, Any]) -> EquityQuery:
        """Upper-case; pad a Hong Kong code to four digits (``700.HK`` -> ``0700.HK``)."""
        q = EquityQuery.model_validate(params)
        s = q.symbol.strip().upper()
        code, dot, suffix = s.rpartition(".")
        if dot and suffix == "HK" and code.isdigit():
            s = f"{int(code):04d}.HK"
        return EquityQuery(symbol=s)

    def _guard(self, fn: Any) -> Any:
        yf = _yf()
        http_errors, timeouts, conn_errors = _http_errors()
        try:
            return fn()
        except yf.exceptions.YFRateLimitError as exc:
            raise RateLimitError(f"{self.name}: rate limited by Yahoo", status=429) from exc
        except (
            yf.exceptions.YFTzMissingError,
            yf.exceptions.YFPricesMissingError,
            yf.exceptions.YFTickerMissingError,
        ) as exc:
            raise UnknownSymbolError(
                MSG_UNKNOWN_SYMBOL.format(
                    provider=self.name, symbol=str(exc.ticker), detail=f" ({exc})"
                )
            ) from exc
        except http_errors as exc:
            resp = getattr(exc, "response", None)
            status = resp.status_code if resp is not None else None
            if status == 404:
                raise UnknownSymbolError(
                    MSG_UNKNOWN_SYMBOL.format(
                        provider=self.name, symbol=self._symbol, detail=" (HTTP 404)"
                    )
                ) from exc
            if status == 429:
                raise RateLimitError(f"{self.name}: rate limited by Yahoo", status=429) from exc
            if status is not None and status >= 500:
                raise ProviderServerError(
                    f"{self.name}: Yahoo HTTP {status}", status=status
                ) from exc
            raise ProviderError(f"{self.name}: {exc}") from exc
        except timeouts as exc:
            raise ProviderTimeoutError(f"{self.name} {ENDPOINT}: timed out") from exc
        except conn_errors as exc:
            raise ProviderNetworkError(f"{self.name} {ENDPOINT}: network error: {exc}") from exc
        except yf.exceptions.YFException as exc:
            raise ProviderError(f"{self.name}: {exc}") from exc

    def extract_data(self, query: EquityQuery) -> dict[str, Any]:
        """Yahoo's chart metadata and the share-count series for ``query.symbol``.

        Returns
        -------
        dict
            ``{'chart_meta': {...}, 'shares': {'YYYY-MM-DD': count}, 'fetched_at': iso}``.
        """
        yf = _yf()
        yf.config.debug.hide_exceptions = False
        self._symbol = query.symbol

        def get() -> dict[str, Any]:
            t = yf.Ticker(query.symbol, session=self.session)
            t.history(period="5d", interval="1d", auto_adjust=False, timeout=self.timeout)
            hm = t.history_metadata or {}
            meta = {}
            for k in META_KEYS:  # only these: other keys make yfinance load more on access
                try:
                    v = hm[k]
                    # yfinance turns epoch seconds into pandas Timestamps; keep JSON's epoch
                    meta[k] = int(v.timestamp()) if hasattr(v, "timestamp") else v
                except KeyError:
                    continue
            shares: dict[str, Any] = {}
            s = t.get_shares_full(start="2000-01-01")
            if s is not None and len(s):
                # the index is Yahoo's date localised to the exchange zone: keep that calendar date
                shares = {ts.date().isoformat(): int(v) for ts, v in s.items()}
            return {"chart_meta": meta, "shares": shares}

        out = self.retry.call(lambda: self._guard(get))
        out["fetched_at"] = datetime.now(UTC).isoformat()
        return out

    def transform_data(self, query: EquityQuery, raw: dict[str, Any]) -> EquityQuote:
        """Map Yahoo's chart metadata (``regularMarketPrice``, ``regularMarketTime``, ``currency``).

        Raises
        ------
        MalformedResponseError
            If the metadata lacks the price, time or currency.
        """
        m = raw.get("chart_meta") or {}
        n = self.name
        if "currency" not in m or "regularMarketTime" not in m:
            raise MalformedResponseError(
                MSG_MALFORMED.format(
                    provider=n, endpoint=ENDPOINT, why="meta lacks currency or regularMarketTime"
                )
            )
        shares = raw.get("shares") or {}
        count = as_of = None
        if shares:
            last = max(shares)
            count = dec(shares[last], "shares_out", n, "timeseries")
            as_of = date.fromisoformat(last)
        prev = m.get("chartPreviousClose", m.get("previousClose"))
        return EquityQuote(
            symbol=query.symbol,
            exchange=m.get("exchangeName"),
            currency=str(m["currency"]).upper(),
            last_price=dec(m.get("regularMarketPrice"), "regularMarketPrice", n, ENDPOINT),
            previous_close=dec(prev, "chartPreviousClose", n, ENDPOINT)
            if prev is not None
            else None,
            shares_outstanding=count,
            shares_as_of=as_of,
            time=datetime.fromtimestamp(int(m["regularMarketTime"]), tz=UTC),
            fetched_at=datetime.fromisoformat(raw["fetched_at"])
            if raw.get("fetched_at")
            else datetime.now(UTC),
        )

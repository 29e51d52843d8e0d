"""More perpetual venues through ccxt: OKX, HTX, Crypto.com, Coinbase International and Aster.

Every fetcher looks its market up in the venue's own market list (never a hard-coded symbol),
then reads the venue's public market-data endpoints through ccxt's implicit API with ccxt's
rate limiter on, and maps the answers to :class:`~anchorval.providers.PerpMarket`:

==========================  ===================================================================
venue                       endpoints (market list first)
==========================  ===================================================================
``okx``                     ``/api/v5/public/instruments?instType=SWAP``, ``/market/ticker``,
                            ``/public/mark-price``, ``/public/funding-rate``,
                            ``/public/open-interest``, ``/market/index-tickers``
``htx``                     ``/linear-swap-api/v1/swap_contract_info``,
                            ``/linear-swap-ex/market/detail/merged``, ``/linear-swap-api/v1/swap_index``,
                            ``/v5/market/funding_rate``, ``/v5/market/open_interest``
``cryptocom``               ``/exchange/v1/public/get-instruments``, ``public/get-tickers``,
                            ``public/get-valuations`` (mark, index, funding)
``coinbaseinternational``   ``/api/v2/public/get_instruments``, ``public/ticker`` (Deribit-style
                            JSON-RPC, as ccxt's class calls it)
``aster``                   Binance-style ``/fapi/v1/exchangeInfo``, ``premiumIndex``,
                            ``ticker/24hr`` (see :class:`AsterFetcher`)
==========================  ===================================================================

A field the venue does not give stays None (HTX: no mark price through the endpoints ccxt
exposes; Aster: no open interest).
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from ..errors import MSG_MALFORMED, MSG_UNKNOWN_SYMBOL, MalformedResponseError, UnknownSymbolError
from ._base import Fetcher, dec, utc_ms
from ._ccxt import call_ccxt, make_exchange
from ._models import PerpMarket, PerpQuery
from .binance import BinanceUsdmFetcher

__all__ = [
    "AsterFetcher",
    "CoinbaseInternationalFetcher",
    "CryptocomFetcher",
    "HtxFetcher",
    "OkxFetcher",
]

#: How long a venue's market list is reused, in seconds.
MARKETS_TTL = 3600.0


def _opt(d: dict[str, Any], key: str, provider: str, endpoint: str) -> Decimal | None:
    """Parse an optional venue number: None when absent or empty, else an exact Decimal."""
    v = d.get(key)
    return None if v in (None, "") else dec(v, key, provider, endpoint)


class _CcxtPerpFetcher(Fetcher[PerpQuery, PerpMarket]):
    """Shared machinery: the ccxt object, retried calls, a cached market list, symbol lookup."""

    query_model = PerpQuery
    data_model = PerpMarket
    requires: ClassVar[tuple[str, ...]] = ("ccxt",)
    exchange_id: ClassVar[str]
    #: (ccxt method, params, endpoint label) of the market list.
    markets_call: ClassVar[tuple[str, dict[str, Any], str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._exchange: Any = None
        self._markets: tuple[float, dict[str, dict[str, Any]]] | None = None

    @property
    def exchange(self) -> Any:
        """The ccxt exchange object (built on first use, rate limiter on)."""
        if self._exchange is None:
            self._exchange = make_exchange(self.exchange_id, self.session, self.timeout)
        return self._exchange

    def call(self, method: str, params: dict[str, Any], endpoint: str, symbol: str | None = None) -> Any:
        """One implicit-API call, retried on transient errors, checked to be JSON."""
        fn: Callable[[dict[str, Any]], Any] = getattr(self.exchange, method)
        raw = self.retry.call(lambda: call_ccxt(self.name, self.exchange, endpoint, lambda: fn(dict(params)), symbol))
        return self.check_json(raw, endpoint)

    def list_markets(self, raw: Any) -> dict[str, dict[str, Any]]:  # pragma: no cover - abstract
        """Perpetual markets by venue symbol from the market-list answer."""
        raise NotImplementedError

    def markets(self) -> dict[str, dict[str, Any]]:
        """Return the venue's perpetual markets by symbol (cached for :data:`MARKETS_TTL` seconds)."""
        now = time.monotonic()
        if self._markets is not None and now - self._markets[0] < MARKETS_TTL:
            return self._markets[1]
        method, params, ep = self.markets_call
        found = self.list_markets(self.call(method, params, ep))
        self._markets = (now, found)
        return found

    def market_entry(self, symbol: str) -> dict[str, Any]:
        """Return the market-list entry of ``symbol``.

        Raises
        ------
        UnknownSymbolError
            If the venue does not list it as a perpetual (close matches named).
        """
        found = self.markets()
        if symbol not in found:
            close = difflib.get_close_matches(symbol, list(found), n=3, cutoff=0.5)
            detail = f" (not a listed perpetual; {len(found)} listed; close matches: {', '.join(close) or 'none'})"
            raise UnknownSymbolError(MSG_UNKNOWN_SYMBOL.format(provider=self.name, symbol=symbol, detail=detail))
        return found[symbol]

    def _malformed(self, endpoint: str, why: str) -> MalformedResponseError:
        return MalformedResponseError(MSG_MALFORMED.format(provider=self.name, endpoint=endpoint, why=why))

    def _first(self, raw: Any, path: tuple[str, ...], endpoint: str) -> dict[str, Any]:
        """``raw[path...][0]`` (or the dict itself), or a typed error."""
        cur = raw
        for k in path:
            cur = cur.get(k) if isinstance(cur, dict) else None
        if isinstance(cur, list):
            cur = cur[0] if cur else None
        if not isinstance(cur, dict):
            raise self._malformed(endpoint, f"no {'.'.join(path) or 'object'} entry")
        return cur


class OkxFetcher(_CcxtPerpFetcher):
    """OKX USDT-margined perpetual swaps (``'ANTHROPIC-USDT-SWAP'``).

    Examples
    --------
    >>> OkxFetcher().transform_query({"symbol": "anthropic"}).symbol
    'ANTHROPIC-USDT-SWAP'
    """

    name: ClassVar[str] = "okx"
    description: ClassVar[str] = "OKX perpetual swaps, via ccxt"
    exchange_id: ClassVar[str] = "okx"
    markets_call = ("publicGetPublicInstruments", {"instType": "SWAP"}, "/api/v5/public/instruments")
    #: OKX settles funding every 8 hours on most swaps (the funding-rate answer's
    #: fundingTime / nextFundingTime give the actual interval, used when present).
    funding_hours = Decimal(8)

    def transform_query(self, params: dict[str, Any]) -> PerpQuery:
        """Upper-case; a bare name becomes ``NAME-USDT-SWAP``."""
        s = PerpQuery.model_validate(params).symbol.strip().upper()
        return PerpQuery(symbol=s if "-" in s else f"{s}-USDT-SWAP")

    def list_markets(self, raw: Any) -> dict[str, dict[str, Any]]:
        """Keep ``data[]`` entries with ``instType == 'SWAP'`` by ``instId``."""
        return {str(m["instId"]): m for m in raw.get("data", []) if isinstance(m, dict) and m.get("instType") == "SWAP"}

    def extract_data(self, query: PerpQuery) -> dict[str, Any]:
        """Fetch the instrument entry and the raw answers of ticker, mark price, funding, OI and index."""
        s = query.symbol
        inst = self.market_entry(s)
        out: dict[str, Any] = {"instrument": inst}
        for key, method, params, ep in (
            ("ticker", "publicGetMarketTicker", {"instId": s}, "/api/v5/market/ticker"),
            ("mark", "publicGetPublicMarkPrice", {"instType": "SWAP", "instId": s}, "/api/v5/public/mark-price"),
            ("funding", "publicGetPublicFundingRate", {"instId": s}, "/api/v5/public/funding-rate"),
            ("oi", "publicGetPublicOpenInterest", {"instType": "SWAP", "instId": s}, "/api/v5/public/open-interest"),
            (
                "index",
                "publicGetMarketIndexTickers",
                {"instId": inst.get("uly") or s.rsplit("-", 1)[0]},
                "/api/v5/market/index-tickers",
            ),
        ):
            out[key] = self.call(method, params, ep, s)
        out["fetched_at"] = datetime.now(UTC).isoformat()
        return out

    def transform_data(self, query: PerpQuery, raw: dict[str, Any]) -> PerpMarket:
        """Map OKX's fields; contracts x ``ctVal`` give base units.

        Raises
        ------
        MalformedResponseError
            If a documented field is missing or not a number.
        """
        n = self.name
        inst = raw["instrument"]
        tk = self._first(raw["ticker"], ("data",), "/api/v5/market/ticker")
        mk = self._first(raw["mark"], ("data",), "/api/v5/public/mark-price")
        fr = self._first(raw["funding"], ("data",), "/api/v5/public/funding-rate")
        oi = self._first(raw["oi"], ("data",), "/api/v5/public/open-interest")
        ix = self._first(raw["index"], ("data",), "/api/v5/market/index-tickers")
        mark = dec(mk.get("markPx"), "markPx", n, "/api/v5/public/mark-price")
        last = _opt(tk, "last", n, "/api/v5/market/ticker")
        base_vol = _opt(tk, "volCcy24h", n, "/api/v5/market/ticker")  # base units for swaps
        oi_base = _opt(oi, "oiCcy", n, "/api/v5/public/open-interest")
        hours = self.funding_hours
        if fr.get("fundingTime") and fr.get("nextFundingTime"):
            hours = Decimal(int(fr["nextFundingTime"]) - int(fr["fundingTime"])) / Decimal(3_600_000)
        return PerpMarket(
            venue=n,
            symbol=query.symbol,
            contract_type=str(inst.get("instType")),
            underlying=inst.get("uly"),
            quote_currency=str(inst.get("settleCcy") or "USDT"),
            mark_price=mark,
            index_price=_opt(ix, "idxPx", n, "/api/v5/market/index-tickers"),
            last_price=last,
            volume_base_24h=base_vol,
            # OKX reports swap volume in contracts and base units only: base volume x last price
            volume_quote_24h=base_vol * last if base_vol is not None and last is not None else None,
            open_interest=oi_base,
            open_interest_value=oi_base * mark if oi_base is not None else None,
            funding_rate=_opt(fr, "fundingRate", n, "/api/v5/public/funding-rate"),
            funding_interval_hours=hours,
            next_funding_time=utc_ms(fr["fundingTime"], "fundingTime", n, "/api/v5/public/funding-rate")
            if fr.get("fundingTime")
            else None,
            time=utc_ms(tk.get("ts"), "ts", n, "/api/v5/market/ticker"),
            time_source="venue",
            fetched_at=datetime.fromisoformat(raw["fetched_at"]),
        )


class HtxFetcher(_CcxtPerpFetcher):
    """HTX USDT-margined swaps (``'ANTHROPIC-USDT'``).

    Examples
    --------
    >>> HtxFetcher().transform_query({"symbol": "anthropic"}).symbol
    'ANTHROPIC-USDT'
    """

    name: ClassVar[str] = "htx"
    description: ClassVar[str] = "HTX USDT-margined swaps, via ccxt"
    exchange_id: ClassVar[str] = "htx"
    markets_call = ("contractPublicGetLinearSwapApiV1SwapContractInfo", {}, "/linear-swap-api/v1/swap_contract_info")

    def transform_query(self, params: dict[str, Any]) -> PerpQuery:
        """Upper-case; a bare name becomes ``NAME-USDT``."""
        s = PerpQuery.model_validate(params).symbol.strip().upper()
        return PerpQuery(symbol=s if "-" in s else f"{s}-USDT")

    def list_markets(self, raw: Any) -> dict[str, dict[str, Any]]:
        """Keep ``data[]`` swap entries (``business_type == 'swap'``) by ``contract_code``."""
        return {
            str(m["contract_code"]): m
            for m in raw.get("data", [])
            if isinstance(m, dict) and m.get("business_type", "swap") == "swap"
        }

    def extract_data(self, query: PerpQuery) -> dict[str, Any]:
        """Fetch the contract info entry, merged 24h detail, index price, funding and open interest."""
        s = query.symbol
        out: dict[str, Any] = {"contract": self.market_entry(s)}
        out["detail"] = self.call(
            "contractPublicGetLinearSwapExMarketDetailMerged",
            {"contract_code": s},
            "/linear-swap-ex/market/detail/merged",
            s,
        )
        out["index"] = self.call(
            "contractPublicGetLinearSwapApiV1SwapIndex", {"contract_code": s}, "/linear-swap-api/v1/swap_index", s
        )
        # USDT-margined funding and open interest moved to HTX's v5 market endpoints (as ccxt calls them)
        out["funding"] = self.call(
            "contractPublicGetV5MarketFundingRate", {"contract_code": s}, "/v5/market/funding_rate", s
        )
        out["oi"] = self.call(
            "contractPublicGetV5MarketOpenInterest", {"contract_code": s}, "/v5/market/open_interest", s
        )
        out["fetched_at"] = datetime.now(UTC).isoformat()
        return out

    def transform_data(self, query: PerpQuery, raw: dict[str, Any]) -> PerpMarket:
        """Map HTX's fields (no mark price endpoint: the valuation uses the last trade).

        Open interest ``value`` is HTX's own (quote currency); ``amount`` is in base units.

        Raises
        ------
        MalformedResponseError
            If a documented field is missing or not a number.
        """
        n = self.name
        c = raw["contract"]
        tick = self._first(raw["detail"], ("tick",), "/linear-swap-ex/market/detail/merged")
        ix = self._first(raw["index"], ("data",), "/linear-swap-api/v1/swap_index")
        fr = self._first(raw["funding"], ("data",), "/v5/market/funding_rate")
        oi = self._first(raw["oi"], ("data",), "/v5/market/open_interest")
        ep = "/linear-swap-ex/market/detail/merged"
        last = dec(tick.get("close"), "close", n, ep)
        hours = None
        if fr.get("funding_time") and fr.get("next_funding_time"):
            hours = Decimal(int(fr["next_funding_time"]) - int(fr["funding_time"])) / Decimal(3_600_000)
        return PerpMarket(
            venue=n,
            symbol=query.symbol,
            contract_type=f"{c.get('business_type', 'swap')} ({c.get('contract_type', 'perpetual')})",
            underlying=c.get("symbol"),
            quote_currency=str(c.get("trade_partition") or "USDT"),
            mark_price=None,
            index_price=_opt(ix, "index_price", n, "/linear-swap-api/v1/swap_index"),
            last_price=last,
            volume_base_24h=_opt(tick, "amount", n, ep),
            volume_quote_24h=_opt(tick, "trade_turnover", n, ep),
            open_interest=_opt(oi, "amount", n, "/v5/market/open_interest"),
            open_interest_value=_opt(oi, "value", n, "/v5/market/open_interest"),
            funding_rate=_opt(fr, "funding_rate", n, "/v5/market/funding_rate"),
            funding_interval_hours=hours,
            next_funding_time=utc_ms(fr["funding_time"], "funding_time", n, "/v5/market/funding_rate")
            if fr.get("funding_time")
            else None,
            time=utc_ms(raw["detail"].get("ts"), "ts", n, ep),
            time_source="venue",
            fetched_at=datetime.fromisoformat(raw["fetched_at"]),
        )


class CryptocomFetcher(_CcxtPerpFetcher):
    """Crypto.com Exchange perpetuals (``'ANTHROPICUSD-PERP'``).

    Examples
    --------
    >>> CryptocomFetcher().transform_query({"symbol": "anthropic"}).symbol
    'ANTHROPICUSD-PERP'
    """

    name: ClassVar[str] = "cryptocom"
    description: ClassVar[str] = "Crypto.com Exchange perpetuals, via ccxt"
    exchange_id: ClassVar[str] = "cryptocom"
    markets_call = ("v1PublicGetPublicGetInstruments", {}, "/exchange/v1/public/get-instruments")
    #: Crypto.com perpetuals settle funding hourly (Exchange API docs, funding rate).
    funding_hours = Decimal(1)

    def transform_query(self, params: dict[str, Any]) -> PerpQuery:
        """Upper-case; a bare name becomes ``NAMEUSD-PERP``."""
        s = PerpQuery.model_validate(params).symbol.strip().upper()
        return PerpQuery(symbol=s if s.endswith("-PERP") else f"{s}USD-PERP")

    def list_markets(self, raw: Any) -> dict[str, dict[str, Any]]:
        """``result.data[]`` entries with ``inst_type == 'PERPETUAL_SWAP'`` by ``symbol``."""
        data = (raw.get("result") or {}).get("data") or []
        return {str(m["symbol"]): m for m in data if isinstance(m, dict) and m.get("inst_type") == "PERPETUAL_SWAP"}

    def extract_data(self, query: PerpQuery) -> dict[str, Any]:
        """Instrument entry, ticker, and the mark / index / funding valuations."""
        s = query.symbol
        out: dict[str, Any] = {"instrument": self.market_entry(s)}
        out["ticker"] = self.call("v1PublicGetPublicGetTickers", {"instrument_name": s}, "public/get-tickers", s)
        for kind in ("mark_price", "index_price", "funding_rate"):
            out[kind] = self.call(
                "v1PublicGetPublicGetValuations",
                {"instrument_name": s, "valuation_type": kind, "count": 1},
                f"public/get-valuations {kind}",
                s,
            )
        out["fetched_at"] = datetime.now(UTC).isoformat()
        return out

    def transform_data(self, query: PerpQuery, raw: dict[str, Any]) -> PerpMarket:
        """Map Crypto.com's short field names (``a`` last, ``v`` base volume, ``vv`` value, ``oi``).

        Raises
        ------
        MalformedResponseError
            If a documented field is missing or not a number.
        """
        n = self.name
        inst = raw["instrument"]
        tk = self._first(raw["ticker"], ("result", "data"), "public/get-tickers")
        vals = {
            k: self._first(raw[k], ("result", "data"), f"public/get-valuations {k}")
            for k in ("mark_price", "index_price", "funding_rate")
        }
        mark = dec(vals["mark_price"].get("v"), "v", n, "public/get-valuations mark_price")
        oi = _opt(tk, "oi", n, "public/get-tickers")
        return PerpMarket(
            venue=n,
            symbol=query.symbol,
            contract_type=str(inst.get("inst_type")),
            underlying=inst.get("base_ccy"),
            quote_currency=str(inst.get("quote_ccy") or "USD"),
            mark_price=mark,
            index_price=_opt(vals["index_price"], "v", n, "public/get-valuations index_price"),
            last_price=_opt(tk, "a", n, "public/get-tickers"),
            volume_base_24h=_opt(tk, "v", n, "public/get-tickers"),
            volume_quote_24h=_opt(tk, "vv", n, "public/get-tickers"),
            open_interest=oi,
            open_interest_value=oi * mark if oi is not None else None,
            funding_rate=_opt(vals["funding_rate"], "v", n, "public/get-valuations funding_rate"),
            funding_interval_hours=self.funding_hours,
            time=utc_ms(tk.get("t"), "t", n, "public/get-tickers"),
            time_source="venue",
            fetched_at=datetime.fromisoformat(raw["fetched_at"]),
        )


class CoinbaseInternationalFetcher(_CcxtPerpFetcher):
    """Coinbase International perpetuals (``'ANTHROPIC_USDC-PERPETUAL'``), JSON-RPC style API.

    Examples
    --------
    >>> CoinbaseInternationalFetcher().transform_query({"symbol": "anthropic"}).symbol
    'ANTHROPIC_USDC-PERPETUAL'
    """

    name: ClassVar[str] = "coinbaseinternational"
    description: ClassVar[str] = "Coinbase International perpetuals, via ccxt"
    exchange_id: ClassVar[str] = "coinbaseinternational"
    markets_call = ("publicGetGetInstruments", {"currency": "any", "kind": "future"}, "public/get_instruments")
    #: ``funding_8h`` in the ticker is the funding rate over 8 hours.
    funding_hours = Decimal(8)

    def transform_query(self, params: dict[str, Any]) -> PerpQuery:
        """Upper-case; a bare name becomes ``NAME_USDC-PERPETUAL``."""
        s = PerpQuery.model_validate(params).symbol.strip().upper()
        return PerpQuery(symbol=s if s.endswith("-PERPETUAL") else f"{s}_USDC-PERPETUAL")

    def list_markets(self, raw: Any) -> dict[str, dict[str, Any]]:
        """Keep ``result[]`` entries with ``settlement_period == 'perpetual'`` by ``instrument_name``."""
        return {
            str(m["instrument_name"]): m
            for m in raw.get("result") or []
            if isinstance(m, dict) and m.get("settlement_period") == "perpetual"
        }

    def extract_data(self, query: PerpQuery) -> dict[str, Any]:
        """Instrument entry and ``public/ticker`` (mark, index, last, stats, OI, funding)."""
        s = query.symbol
        out: dict[str, Any] = {"instrument": self.market_entry(s)}
        out["ticker"] = self.call("publicGetTicker", {"instrument_name": s}, "public/ticker", s)
        out["fetched_at"] = datetime.now(UTC).isoformat()
        return out

    def transform_data(self, query: PerpQuery, raw: dict[str, Any]) -> PerpMarket:
        """Map the ticker's fields; open interest is in base units for linear perpetuals.

        Raises
        ------
        MalformedResponseError
            If a documented field is missing or not a number.
        """
        n, ep = self.name, "public/ticker"
        inst = raw["instrument"]
        tk = self._first(raw["ticker"], ("result",), ep)
        stats = tk.get("stats") or {}
        mark = dec(tk.get("mark_price"), "mark_price", n, ep)
        oi = _opt(tk, "open_interest", n, ep)
        return PerpMarket(
            venue=n,
            symbol=query.symbol,
            contract_type=f"{inst.get('future_type', 'linear')} perpetual",
            underlying=inst.get("base_currency"),
            quote_currency=str(inst.get("settlement_currency") or "USDC"),
            mark_price=mark,
            index_price=_opt(tk, "index_price", n, ep),
            last_price=_opt(tk, "last_price", n, ep),
            volume_base_24h=_opt(stats, "volume", n, ep),
            volume_quote_24h=_opt(stats, "volume_notional", n, ep) or _opt(stats, "volume_usd", n, ep),
            open_interest=oi,
            open_interest_value=oi * mark if oi is not None else None,
            funding_rate=_opt(tk, "funding_8h", n, ep),
            funding_interval_hours=self.funding_hours,
            time=utc_ms(tk.get("timestamp"), "timestamp", n, ep),
            time_source="venue",
            fetched_at=datetime.fromisoformat(raw["fetched_at"]),
        )


class AsterFetcher(BinanceUsdmFetcher):
    """Aster perpetuals: Binance's USD-M API shape at ``fapi.asterdex.com`` (no open interest).

    Examples
    --------
    >>> AsterFetcher().transform_query({"symbol": "anthropic"}).symbol
    'ANTHROPICUSDT'
    """

    name: ClassVar[str] = "aster"
    description: ClassVar[str] = "Aster perpetuals (Binance-style API), via ccxt"
    exchange_id: ClassVar[str] = "aster"
    #: Aster's funding interval is per symbol; 8 h is its default (API docs, fundingInfo).
    funding_interval_hours: ClassVar[Decimal | None] = Decimal(8)
    methods: ClassVar[dict[str, str]] = {
        "exchangeInfo": "fapiPublicGetV1ExchangeInfo",
        "premiumIndex": "fapiPublicGetV1PremiumIndex",
        "ticker24hr": "fapiPublicGetV1Ticker24hr",
    }

"""Binance USD-M futures: pre-IPO / pre-market and TradFi perpetuals, through ccxt.

Endpoints (Binance USD-M futures market-data REST API):
``GET /fapi/v1/exchangeInfo`` (the market's contract type and status),
``GET /fapi/v1/premiumIndex`` (mark, index, funding), ``GET /fapi/v1/ticker/24hr`` (last price
and 24h volume), ``GET /fapi/v1/openInterest``.

The market is looked up in exchangeInfo, never hardcoded. Binance lists TradFi and pre-IPO
contracts with ``contractType = 'TRADIFI_PERPETUAL'``, which ccxt's market parser does not map
to a swap (see ccxt/ccxt and hummingbot/hummingbot#8010); we read the raw exchangeInfo entry and
keep the venue's own contract type.
"""

from __future__ import annotations

import difflib
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from ..errors import MSG_MALFORMED, MSG_UNKNOWN_SYMBOL, MalformedResponseError, UnknownSymbolError
from ._base import Fetcher, dec, utc_ms
from ._ccxt import call_ccxt, make_exchange
from ._models import PerpMarket, PerpQuery

__all__ = ["BinanceUsdmFetcher", "PERPETUAL_CONTRACT_TYPES"]

#: Contract types treated as perpetuals. ``TRADIFI_PERPETUAL`` is Binance's type for TradFi and
#: pre-IPO perpetuals (announced 2026; ccxt does not parse it as a swap).
PERPETUAL_CONTRACT_TYPES = ("PERPETUAL", "TRADIFI_PERPETUAL")
#: How long an exchangeInfo answer is reused, in seconds (it is large and changes rarely).
EXCHANGE_INFO_TTL = 3600.0


class BinanceUsdmFetcher(Fetcher[PerpQuery, PerpMarket]):
    """Binance USD-M perpetuals (pre-IPO, TradFi and crypto), normalised to :class:`PerpMarket`.

    Examples
    --------
    >>> f = BinanceUsdmFetcher()
    >>> f.transform_query({"symbol": "anthropic"}).symbol
    'ANTHROPICUSDT'
    """

    name: ClassVar[str] = "binance"
    description: ClassVar[str] = "Binance USD-M futures (pre-IPO and TradFi perpetuals), via ccxt"
    query_model = PerpQuery
    data_model = PerpMarket
    requires: ClassVar[tuple[str, ...]] = ("ccxt",)
    quote_assets: ClassVar[tuple[str, ...]] = ("USDT", "USDC")
    #: ccxt exchange id (Aster serves the same API shape under its own id).
    exchange_id: ClassVar[str] = "binanceusdm"
    #: Funding interval in hours: Binance USD-M's default 8 h (per-symbol exceptions exist;
    #: ``/fapi/v1/fundingInfo`` lists them).
    funding_interval_hours: ClassVar[Decimal | None] = Decimal(8)
    #: ccxt implicit-method names by endpoint (Aster's ccxt class names them with a version).
    methods: ClassVar[dict[str, str]] = {
        "exchangeInfo": "fapiPublicGetExchangeInfo",
        "premiumIndex": "fapiPublicGetPremiumIndex",
        "ticker24hr": "fapiPublicGetTicker24hr",
        "openInterest": "fapiPublicGetOpenInterest",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._exchange: Any = None
        self._info: tuple[float, dict[str, Any]] | None = None

    @property
    def exchange(self) -> Any:
        """The ccxt ``binanceusdm`` object (built on first use)."""
        if self._exchange is None:
            self._exchange = make_exchange(self.exchange_id, self.session, self.timeout)
        return self._exchange

    def transform_query(self, params: dict[str, Any]) -> PerpQuery:
        """Upper-case the symbol, drop ccxt's ``/USDT:USDT`` form, add ``USDT`` to a bare name."""
        q = PerpQuery.model_validate(params)
        s = q.symbol.strip().upper()
        if "/" in s:  # ccxt unified 'ANTHROPIC/USDT:USDT'
            base, _, rest = s.partition("/")
            s = base + rest.split(":")[0]
        if "_" not in s and not s.endswith(self.quote_assets):
            s += "USDT"
        return PerpQuery(symbol=s)

    def _call(
        self,
        endpoint: str,
        method: str,
        params: dict[str, Any] | None = None,
        symbol: str | None = None,
    ) -> Any:
        fn = getattr(self.exchange, method)
        return self.retry.call(
            lambda: call_ccxt(self.name, self.exchange, endpoint, lambda: fn(params or {}), symbol)
        )

    def exchange_info(self) -> dict[str, Any]:
        """``/fapi/v1/exchangeInfo``, cached for :data:`EXCHANGE_INFO_TTL` seconds.

        Raises
        ------
        EmptyResponseError, MalformedResponseError
            If the answer has no ``symbols`` list.
        """
        now = time.monotonic()
        if self._info is not None and now - self._info[0] < EXCHANGE_INFO_TTL:
            return self._info[1]
        ep = "/fapi/v1/exchangeInfo"
        info = self.check_json(self._call(ep, self.methods["exchangeInfo"]), ep, dict)
        if not isinstance(info.get("symbols"), list):
            raise MalformedResponseError(
                MSG_MALFORMED.format(provider=self.name, endpoint=ep, why="no 'symbols' list")
            )
        self._info = (now, info)
        return info

    def market_entry(self, symbol: str) -> dict[str, Any]:
        """Return the exchangeInfo entry of ``symbol``.

        Raises
        ------
        UnknownSymbolError
            If Binance does not list it, or lists it but not as a perpetual; the message names
            close matches and the TradFi / pre-IPO perpetuals on offer.
        """
        symbols = self.exchange_info()["symbols"]
        by_name = {str(s.get("symbol")): s for s in symbols if isinstance(s, dict)}
        entry = by_name.get(symbol)
        if entry is None or entry.get("contractType") not in PERPETUAL_CONTRACT_TYPES:
            close = difflib.get_close_matches(symbol, list(by_name), n=3, cutoff=0.6)
            tradfi = sorted(
                k for k, s in by_name.items() if s.get("contractType") == "TRADIFI_PERPETUAL"
            )
            why = (
                "not listed"
                if entry is None
                else f"contract type {entry.get('contractType')!r} is not a perpetual"
            )
            offer = ", ".join(tradfi[:20]) or "none"
            near = ", ".join(close) or "none"
            detail = f" ({why}; close matches: {near}; TradFi/pre-IPO perpetuals: {offer})"
            raise UnknownSymbolError(
                MSG_UNKNOWN_SYMBOL.format(provider=self.name, symbol=symbol, detail=detail)
            )
        return entry

    def extract_data(self, query: PerpQuery) -> dict[str, Any]:
        """Raw JSON of the four endpoints, keyed by endpoint name.

        Returns
        -------
        dict
            ``{'exchangeInfo': <the symbol's entry>, 'premiumIndex': {...}, 'ticker24hr': {...},
            'openInterest': {...}}`` exactly as Binance sent them.
        """
        sym = query.symbol
        entry = self.market_entry(sym)
        p = {"symbol": sym}
        out: dict[str, Any] = {"exchangeInfo": entry}
        for key, ep in (
            ("premiumIndex", "/fapi/v1/premiumIndex"),
            ("ticker24hr", "/fapi/v1/ticker/24hr"),
            ("openInterest", "/fapi/v1/openInterest"),
        ):
            if key not in self.methods:
                continue  # the venue does not serve it (Aster: no openInterest in ccxt's API)
            out[key] = self.check_json(self._call(ep, self.methods[key], p, sym), ep, dict)
        out["fetched_at"] = datetime.now(UTC).isoformat()
        return out

    def transform_data(self, query: PerpQuery, raw: dict[str, Any]) -> PerpMarket:
        """Map Binance's fields to :class:`PerpMarket` (all numbers exact Decimals).

        Raises
        ------
        MalformedResponseError
            If a documented field is missing or not a number, or an answer is for another symbol.
        """
        n = self.name
        e, pi, tk, oi = (
            raw["exchangeInfo"],
            raw["premiumIndex"],
            raw["ticker24hr"],
            raw.get("openInterest") or {},
        )
        for ep, d in (
            ("/fapi/v1/premiumIndex", pi),
            ("/fapi/v1/ticker/24hr", tk),
            ("/fapi/v1/openInterest", oi),
        ):
            if d.get("symbol") not in (None, query.symbol):
                raise MalformedResponseError(
                    MSG_MALFORMED.format(
                        provider=n,
                        endpoint=ep,
                        why=f"answer is for {d.get('symbol')!r}, not {query.symbol!r}",
                    )
                )
        mark = dec(pi.get("markPrice"), "markPrice", n, "/fapi/v1/premiumIndex")
        oi_qty = (
            dec(oi.get("openInterest"), "openInterest", n, "/fapi/v1/openInterest")
            if "openInterest" in raw
            else None
        )
        fetched = (
            datetime.fromisoformat(raw["fetched_at"])
            if raw.get("fetched_at")
            else datetime.now(UTC)
        )
        return PerpMarket(
            venue=n,
            symbol=query.symbol,
            contract_type=str(e.get("contractType")),
            underlying=e.get("baseAsset"),
            quote_currency=str(e.get("quoteAsset") or "USDT"),
            mark_price=mark,
            index_price=dec(pi.get("indexPrice"), "indexPrice", n, "/fapi/v1/premiumIndex"),
            last_price=dec(tk.get("lastPrice"), "lastPrice", n, "/fapi/v1/ticker/24hr"),
            last_price_kind="last_trade",
            volume_base_24h=dec(tk.get("volume"), "volume", n, "/fapi/v1/ticker/24hr"),
            volume_quote_24h=dec(tk.get("quoteVolume"), "quoteVolume", n, "/fapi/v1/ticker/24hr"),
            open_interest=oi_qty,
            open_interest_value=oi_qty * mark if oi_qty is not None else None,
            funding_rate=dec(
                pi.get("lastFundingRate"), "lastFundingRate", n, "/fapi/v1/premiumIndex"
            ),
            funding_interval_hours=self.funding_interval_hours,
            next_funding_time=utc_ms(pi["nextFundingTime"], "nextFundingTime", n, "/fapi/v1/premiumIndex")
            if pi.get("nextFundingTime")
            else None,
            time=utc_ms(pi.get("time"), "time", n, "/fapi/v1/premiumIndex"),
            time_source="venue",
            fetched_at=fetched,
        )

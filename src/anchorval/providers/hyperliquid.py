"""Hyperliquid perpetuals, including builder-deployed (HIP-3) pre-IPO markets, through ccxt.

One request, ``POST /info`` with ``{"type": "metaAndAssetCtxs", "dex": DEX}``, returns
``[meta, assetCtxs]``: ``meta.universe[i]`` names asset ``i`` and ``assetCtxs[i]`` carries its
``markPx``, ``oraclePx``, ``midPx``, ``dayNtlVlm``, ``dayBaseVlm``, ``openInterest`` and
``funding`` (Hyperliquid API docs, info endpoint, perpetuals). HIP-3 markets live on their
deployer's dex and are named ``dex:COIN`` (Ventuals' ``vntl:ANTHROPIC``).
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from ..errors import MSG_MALFORMED, MSG_UNKNOWN_SYMBOL, MalformedResponseError, UnknownSymbolError
from ._base import Fetcher, dec
from ._ccxt import call_ccxt, http_date, make_exchange
from ._models import PerpMarket, PerpQuery

__all__ = ["HyperliquidFetcher"]

ENDPOINT = "/info metaAndAssetCtxs"


class HyperliquidFetcher(Fetcher[PerpQuery, PerpMarket]):
    """Hyperliquid perpetuals (main dex and HIP-3 builder dexes), normalised to :class:`PerpMarket`.

    Notes
    -----
    Hyperliquid reports no last-trade price in the asset context, so ``last_price`` is the mid
    price (``last_price_kind='mid'``), and no timestamp, so ``time`` is the HTTP ``Date`` of the
    answer. Prices are in USDC.

    Examples
    --------
    >>> HyperliquidFetcher().transform_query({"symbol": "VNTL:anthropic"}).symbol
    'vntl:ANTHROPIC'
    """

    name: ClassVar[str] = "hyperliquid"
    description: ClassVar[str] = (
        "Hyperliquid perpetuals incl. HIP-3 pre-IPO markets (vntl:...), via ccxt"
    )
    query_model = PerpQuery
    data_model = PerpMarket
    requires: ClassVar[tuple[str, ...]] = ("ccxt",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._exchange: Any = None

    @property
    def exchange(self) -> Any:
        """The ccxt ``hyperliquid`` object (built on first use)."""
        if self._exchange is None:
            self._exchange = make_exchange("hyperliquid", self.session, self.timeout)
        return self._exchange

    def transform_query(self, params: dict[str, Any]) -> PerpQuery:
        """Lower-case the dex prefix and upper-case the coin: ``'vntl:ANTHROPIC'``."""
        q = PerpQuery.model_validate(params)
        dex, sep, coin = q.symbol.strip().rpartition(":")
        return PerpQuery(symbol=f"{dex.lower()}:{coin.upper()}" if sep else coin.upper())

    def extract_data(self, query: PerpQuery) -> dict[str, Any]:
        """``[meta, assetCtxs]`` of the symbol's dex, plus the HTTP date and fetch time."""
        dex = query.symbol.rpartition(":")[0]
        body: dict[str, Any] = {"type": "metaAndAssetCtxs"}
        if dex:
            body["dex"] = dex
        ex = self.exchange
        raw = self.retry.call(
            lambda: call_ccxt(
                self.name, ex, ENDPOINT, lambda: ex.publicPostInfo(body), query.symbol
            )
        )
        raw = self.check_json(raw, ENDPOINT, list)
        d = http_date(getattr(ex, "last_response_headers", None))
        return {
            "metaAndAssetCtxs": raw,
            "http_date": d.isoformat() if d else None,
            "fetched_at": datetime.now(UTC).isoformat(),
        }

    def transform_data(self, query: PerpQuery, raw: dict[str, Any]) -> PerpMarket:
        """Find the symbol in ``meta.universe`` and map its asset context.

        Raises
        ------
        MalformedResponseError
            If the answer is not ``[meta, assetCtxs]`` of equal lengths.
        UnknownSymbolError
            If the dex does not list the symbol (close matches named).
        """
        n, data = self.name, raw["metaAndAssetCtxs"]
        if len(data) != 2 or not isinstance(data[0], dict) or not isinstance(data[1], list):
            raise MalformedResponseError(
                MSG_MALFORMED.format(
                    provider=n, endpoint=ENDPOINT, why="expected [meta, assetCtxs]"
                )
            )
        universe, ctxs = data[0].get("universe"), data[1]
        if not isinstance(universe, list) or len(universe) != len(ctxs):
            raise MalformedResponseError(
                MSG_MALFORMED.format(
                    provider=n,
                    endpoint=ENDPOINT,
                    why="meta.universe and assetCtxs differ in length",
                )
            )
        names = [str(u.get("name")) for u in universe]
        dex, _, coin = query.symbol.rpartition(":")
        wanted = {query.symbol, f"{dex}:{coin}" if dex else coin}
        idx = next((i for i, nm in enumerate(names) if nm in wanted or (dex and nm == coin)), None)
        if idx is None:
            close = difflib.get_close_matches(query.symbol, names, n=3, cutoff=0.5)
            listed = f"dex {dex or 'main'!r} lists {len(names)} markets"
            detail = f" ({listed}; close matches: {', '.join(close) or 'none'})"
            raise UnknownSymbolError(
                MSG_UNKNOWN_SYMBOL.format(provider=n, symbol=query.symbol, detail=detail)
            )
        c = ctxs[idx]
        mark = dec(c.get("markPx"), "markPx", n, ENDPOINT)
        oi = dec(c.get("openInterest"), "openInterest", n, ENDPOINT)
        mid = c.get("midPx")
        base_vol = c.get("dayBaseVlm")
        fetched = (
            datetime.fromisoformat(raw["fetched_at"])
            if raw.get("fetched_at")
            else datetime.now(UTC)
        )
        when = datetime.fromisoformat(raw["http_date"]) if raw.get("http_date") else fetched
        return PerpMarket(
            venue=n,
            symbol=query.symbol,
            contract_type="HIP-3 perpetual" if dex else "perpetual",
            underlying=coin,
            quote_currency="USDC",
            mark_price=mark,
            index_price=dec(c.get("oraclePx"), "oraclePx", n, ENDPOINT),
            last_price=dec(mid, "midPx", n, ENDPOINT) if mid is not None else None,
            last_price_kind="mid",
            volume_base_24h=dec(base_vol, "dayBaseVlm", n, ENDPOINT)
            if base_vol is not None
            else None,
            volume_quote_24h=dec(c.get("dayNtlVlm"), "dayNtlVlm", n, ENDPOINT),
            open_interest=oi,
            open_interest_value=oi * mark,
            funding_rate=dec(c.get("funding"), "funding", n, ENDPOINT),
            funding_interval_hours=Decimal(1),  # Hyperliquid pays funding every hour (docs)
            time=when,
            time_source="http_date" if raw.get("http_date") else "fetch_clock",
            fetched_at=fetched,
        )

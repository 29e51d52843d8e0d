"""Polymarket IPO market-cap ladders through its public Gamma API (no key).

``GET https://gamma-api.polymarket.com/events?slug=SLUG`` returns a list with the event; its
``markets`` are the ladder's outcomes, each a YES/NO market with ``groupItemTitle`` (the bracket
label), ``outcomes`` and ``outcomePrices`` (JSON-encoded string lists), ``bestBid``,
``bestAsk``, ``liquidityNum`` and ``volumeNum`` (Polymarket Gamma API docs, events and markets).
ccxt's ``polymarket`` class serves Polymarket's perpetuals API, not these event ladders, so this
provider calls Gamma with ``requests``.

Bracket labels are read in the transform stage: ``'<$500B'`` / ``'Under $500B'`` (open below),
``'$500B-$750B'``, ``'>$2T'`` / ``'$2T+'`` / ``'Above $2T'`` (open above), and any label with
"no IPO" (the no-IPO outcome).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from ..errors import (
    MSG_EMPTY,
    MSG_MALFORMED,
    MSG_UNKNOWN_SYMBOL,
    EmptyResponseError,
    MalformedResponseError,
    ProviderServerError,
    ProviderTimeoutError,
    ProviderUnreachableError,
    RateLimitError,
    UnknownSymbolError,
)
from ._base import Fetcher, ProviderData, ProviderQuery, dec
from ._ccxt import retry_after_seconds

__all__ = ["GAMMA_URL", "PolymarketFetcher", "PredictionMarketData", "PredictionQuery", "parse_bracket_label"]

GAMMA_URL = "https://gamma-api.polymarket.com/events"
ENDPOINT = "/events?slug="
_AMOUNT = r"\$?\s*(\d+(?:\.\d+)?)\s*([KMBT])"
_SCALE = {"K": Decimal(10) ** 3, "M": Decimal(10) ** 6, "B": Decimal(10) ** 9, "T": Decimal(10) ** 12}


class PredictionQuery(ProviderQuery):
    """Which ladder to fetch.

    Attributes
    ----------
    slug : str
        The event's slug (``'anthropic-ipo-closing-market-cap'``), as in its Polymarket URL.
    """

    slug: str


class PredictionOutcome(ProviderData):
    """One outcome of the ladder (amounts in USD, prices as decimals 0..1)."""

    label: str
    low: Decimal | None = None
    high: Decimal | None = None
    no_ipo: bool = False
    price: Decimal
    best_bid: Decimal | None = None
    best_ask: Decimal | None = None
    liquidity: Decimal | None = None
    volume: Decimal | None = None


class PredictionMarketData(ProviderData):
    """A normalised ladder: the event and its outcomes with bounds read from their labels.

    Attributes
    ----------
    venue : str
    event : str
        Slug.
    title : str
    end_date : date or None
        The event's resolution date (the "no IPO by" date).
    currency : str
        ``'USD'`` (Polymarket prices in USDC; bracket bounds are USD market caps).
    outcomes : tuple of PredictionOutcome
    fetched_at : datetime
    """

    venue: str = "polymarket"
    event: str
    title: str
    end_date: date | None = None
    currency: str = "USD"
    outcomes: tuple[PredictionOutcome, ...]
    fetched_at: datetime


def _amt(num: str, unit: str) -> Decimal:
    return Decimal(num) * _SCALE[unit.upper()]


def parse_bracket_label(label: str) -> tuple[Decimal | None, Decimal | None, bool]:
    """Read ``(low, high, no_ipo)`` from a ladder label (USD totals; None = open).

    Parameters
    ----------
    label : str
        ``'<$500B'``, ``'$500B-$750B'``, ``'$2T+'``, ``'No IPO by December 31'``.

    Returns
    -------
    (Decimal or None, Decimal or None, bool)

    Raises
    ------
    ValueError
        If the label names no amount and is not a no-IPO outcome.

    Examples
    --------
    >>> parse_bracket_label("$1T-$1.5T")
    (Decimal('1000000000000'), Decimal('1500000000000.0'), False)
    >>> parse_bracket_label("Under $500B")
    (None, Decimal('500000000000'), False)
    >>> parse_bracket_label("No IPO by Dec 31")
    (None, None, True)
    """
    t = label.strip()
    if re.search(r"\bno\s+ipo\b", t, re.I):
        return None, None, True
    amounts = [_amt(n, u) for n, u in re.findall(_AMOUNT, t, re.I)]
    if len(amounts) >= 2:
        return amounts[0], amounts[1], False
    if len(amounts) == 1:
        if re.search(r"^\s*(<|under|below|less)", t, re.I):
            return None, amounts[0], False
        if re.search(r"(\+\s*$|^\s*(>|over|above|more))", t, re.I):
            return amounts[0], None, False
    raise ValueError(f"cannot read a market-cap bracket from {label!r}")


class PolymarketFetcher(Fetcher[PredictionQuery, PredictionMarketData]):
    """Polymarket event ladders (IPO closing market cap), normalised to :class:`PredictionMarketData`.

    Examples
    --------
    >>> PolymarketFetcher().transform_query({"slug": " Anthropic-IPO-closing-market-cap "}).slug
    'anthropic-ipo-closing-market-cap'
    """

    name: ClassVar[str] = "polymarket"
    description: ClassVar[str] = "Polymarket IPO market-cap ladders (Gamma API)"
    query_model = PredictionQuery
    data_model = PredictionMarketData
    requires: ClassVar[tuple[str, ...]] = ("requests",)

    def transform_query(self, params: dict[str, Any]) -> PredictionQuery:
        """Lower-case and strip the slug (``symbol=`` is accepted as its alias)."""
        p = dict(params)
        if "symbol" in p and "slug" not in p:
            p["slug"] = p.pop("symbol")
        return PredictionQuery(slug=PredictionQuery.model_validate(p).slug.strip().lower())

    def _get(self, slug: str) -> Any:
        import requests

        s = self.session or requests.Session()
        where = f"{self.name} {ENDPOINT}{slug}"
        try:
            r = s.get(GAMMA_URL, params={"slug": slug}, timeout=self.timeout)
        except requests.exceptions.Timeout as exc:
            raise ProviderTimeoutError(f"{where}: timed out") from exc
        except requests.exceptions.ConnectionError as exc:
            raise ProviderUnreachableError(f"{where}: cannot connect: {str(exc)[:160]}") from exc
        if r.status_code in (418, 429):
            ra = retry_after_seconds(r.headers)
            raise RateLimitError(f"{where}: rate limited (HTTP {r.status_code})", retry_after=ra, status=429)
        if r.status_code >= 500:
            raise ProviderServerError(f"{where}: HTTP {r.status_code}", status=r.status_code)
        if r.status_code != 200:
            raise MalformedResponseError(
                MSG_MALFORMED.format(provider=self.name, endpoint=ENDPOINT, why=f"HTTP {r.status_code}")
            )
        try:
            return r.json()
        except ValueError:
            return r.text

    def extract_data(self, query: PredictionQuery) -> dict[str, Any]:
        """Return the event JSON as Gamma sent it, and the fetch time.

        Raises
        ------
        UnknownSymbolError
            If no event has the slug.
        """
        raw = self._get_checked(query.slug)
        return {"event": raw[0], "fetched_at": datetime.now(UTC).isoformat()}

    def _get_checked(self, slug: str) -> list[Any]:
        raw = self.retry.call(lambda: self._get(slug))
        if raw == []:
            raise UnknownSymbolError(
                MSG_UNKNOWN_SYMBOL.format(provider=self.name, symbol=slug, detail=" (no event with that slug)")
            )
        return self.check_json(raw, ENDPOINT, list)

    def transform_data(self, query: PredictionQuery, raw: dict[str, Any]) -> PredictionMarketData:
        """Read every outcome's YES price, book and bounds; closed or inactive markets are skipped.

        Raises
        ------
        MalformedResponseError
            If a market lacks its prices or a label names no bracket.
        EmptyResponseError
            If the event has no open market.
        """
        n = self.name
        ev = raw["event"]
        out = []
        for m in ev.get("markets") or []:
            if m.get("closed") or m.get("active") is False:
                continue
            label = str(m.get("groupItemTitle") or m.get("question") or "")
            try:
                names = json.loads(m["outcomes"]) if isinstance(m.get("outcomes"), str) else m.get("outcomes")
                prices = (
                    json.loads(m["outcomePrices"])
                    if isinstance(m.get("outcomePrices"), str)
                    else m.get("outcomePrices")
                )
                yes = dec(prices[[str(x).lower() for x in names].index("yes")], "outcomePrices", n, ENDPOINT)
                low, high, no_ipo = parse_bracket_label(label)
            except (KeyError, TypeError, ValueError, IndexError) as exc:
                raise MalformedResponseError(
                    MSG_MALFORMED.format(provider=n, endpoint=ENDPOINT, why=f"market {label!r}: {exc}")
                ) from None

            def opt(key: str, m: dict[str, Any] = m) -> Decimal | None:
                v = m.get(key)
                return None if v in (None, "") else dec(v, key, n, ENDPOINT)

            out.append(
                PredictionOutcome(
                    label=label,
                    low=low,
                    high=high,
                    no_ipo=no_ipo,
                    price=yes,
                    best_bid=opt("bestBid"),
                    best_ask=opt("bestAsk"),
                    liquidity=opt("liquidityNum"),
                    volume=opt("volumeNum"),
                )
            )
        if not out:
            raise EmptyResponseError(MSG_EMPTY.format(provider=n, endpoint=ENDPOINT + query.slug))
        end = ev.get("endDate")
        return PredictionMarketData(
            event=str(ev.get("slug") or query.slug),
            title=str(ev.get("title") or query.slug),
            end_date=datetime.fromisoformat(end.replace("Z", "+00:00")).date() if end else None,
            outcomes=tuple(out),
            fetched_at=datetime.fromisoformat(raw["fetched_at"]),
        )

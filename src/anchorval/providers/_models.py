"""Standard data models every provider maps its venue's answer into."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ._base import ProviderData, ProviderQuery

__all__ = ["EquityQuery", "EquityQuote", "FxQuery", "FxQuote", "PerpMarket", "PerpQuery"]


class PerpQuery(ProviderQuery):
    """Which perpetual to fetch.

    Attributes
    ----------
    symbol : str
        Venue symbol (``'ANTHROPICUSDT'`` on Binance, ``'vntl:ANTHROPIC'`` on Hyperliquid) or a bare
        company ticker (``'ANTHROPIC'``) that the fetcher completes with the venue's quote asset.
    """

    symbol: str


class PerpMarket(ProviderData):
    """A normalised quote of one perpetual contract on one venue.

    Attributes
    ----------
    venue : str
        Provider name (``'binance'``, ``'hyperliquid'``).
    symbol : str
        Venue symbol.
    contract_type : str
        The venue's own contract type (``'TRADIFI_PERPETUAL'``, ``'PERPETUAL'``, ``'HIP-3'``).
    underlying : str, optional
        Underlying name or base asset (``'ANTHROPIC'``).
    quote_currency : str
        Settlement / quote currency of every price (``'USDT'``, ``'USDC'``).
    mark_price, index_price, last_price : Decimal or None
        Prices per contract unit, in ``quote_currency``. ``last_price`` is the last trade where the
        venue reports one, else the mid price (``last_price_kind`` says which).
    last_price_kind : {'last_trade', 'mid'}
        What ``last_price`` is.
    volume_base_24h : Decimal or None
        24h traded quantity, in contract units.
    volume_quote_24h : Decimal or None
        24h traded value, in ``quote_currency`` (total).
    open_interest : Decimal or None
        Open interest in contract units.
    open_interest_value : Decimal or None
        Open interest x mark price, in ``quote_currency``.
    funding_rate : Decimal or None
        Funding rate per funding interval, as a decimal (0.0001 = 0.01%).
    funding_interval_hours : Decimal or None
        Hours between funding payments, as the venue documents or reports it (8 on Binance,
        1 on Hyperliquid); None when unknown.
    next_funding_time : datetime or None
        Next funding time (UTC), where the venue gives it.
    time : datetime
        When the venue says the figures were taken (UTC); else the HTTP ``Date`` of the answer.
    time_source : {'venue', 'http_date', 'fetch_clock'}
        Where ``time`` comes from.
    fetched_at : datetime
        When anchorval received the answer (UTC, local clock).
    """

    venue: str
    symbol: str
    contract_type: str
    underlying: str | None = None
    quote_currency: str
    mark_price: Decimal | None = None
    index_price: Decimal | None = None
    last_price: Decimal | None = None
    last_price_kind: Literal["last_trade", "mid"] = "last_trade"
    volume_base_24h: Decimal | None = None
    volume_quote_24h: Decimal | None = None
    open_interest: Decimal | None = None
    open_interest_value: Decimal | None = None
    funding_rate: Decimal | None = None
    funding_interval_hours: Decimal | None = None
    next_funding_time: datetime | None = None
    time: datetime
    time_source: Literal["venue", "http_date", "fetch_clock"] = "venue"
    fetched_at: datetime

    @property
    def price(self) -> Decimal:
        """The price used for valuation: mark price, else last price.

        Raises
        ------
        MissingFigureError
            If the venue gave neither.
        """
        from ..errors import MissingFigureError

        p = self.mark_price if self.mark_price is not None else self.last_price
        if p is None:
            raise MissingFigureError(f"{self.venue} {self.symbol}: no mark or last price")
        return p


class EquityQuery(ProviderQuery):
    """Which listed share to fetch.

    Attributes
    ----------
    symbol : str
        Yahoo symbol (``'2513.HK'``, ``'0700.HK'``, ``'NVDA'``).
    """

    symbol: str


class EquityQuote(ProviderData):
    """A listed share's last price and share count.

    Attributes
    ----------
    symbol : str
        Yahoo symbol.
    exchange : str, optional
        Exchange name as Yahoo gives it (``'HKG'``).
    currency : str
        Trading currency (``'HKD'``).
    last_price : Decimal
        Last price per share, in ``currency``.
    previous_close : Decimal, optional
        Previous close per share.
    shares_outstanding : Decimal, optional
        Share count (count), where Yahoo has one.
    shares_as_of : date, optional
        Date of the share count.
    time : datetime
        Time of the last price (UTC).
    fetched_at : datetime
        When anchorval received the answer (UTC).
    """

    symbol: str
    exchange: str | None = None
    currency: str
    last_price: Decimal
    previous_close: Decimal | None = None
    shares_outstanding: Decimal | None = None
    shares_as_of: date | None = None
    time: datetime
    fetched_at: datetime

    @property
    def market_cap(self) -> Decimal | None:
        """Last price x shares outstanding (``currency``, total), when the count is known."""
        return (
            None if self.shares_outstanding is None else self.last_price * self.shares_outstanding
        )


class FxQuery(ProviderQuery):
    """Which FX rate to fetch.

    Attributes
    ----------
    base, quote : str
        Currency codes; the answer is units of quote per unit of base.
    on : date, optional
        Date (default: today).
    """

    base: str
    quote: str
    on: date | None = None


class FxQuote(ProviderData):
    """One FX rate with its fixing date and source.

    Attributes
    ----------
    base, quote : str
        1 base = ``rate`` quote.
    rate : Decimal
        Units of quote per unit of base.
    on : date
        Fixing date.
    source : str
        Where the rate comes from.
    """

    base: str
    quote: str
    rate: Decimal
    on: date
    source: str

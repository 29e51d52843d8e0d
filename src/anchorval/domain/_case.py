"""The Case: everything about one company on one as-of date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from ..money import CurrencyCode, FxRate
from ._figure import (
    CountFigure,
    DateCite,
    Figure,
    FrozenModel,
    MoneyFigure,
    MultipleFigure,
    PositiveMoneyFigure,
    PositiveRatioFigure,
    Source,
    iter_figures,
)
from ._fundamental import CapTable, DcfInputs, OpmInputs, UnitEconomics
from ._market import MarketStructure
from ._provenance import check_derived
from ._simulation import SimulationSpec

#: Keys of the registered anchors (``anchorval.anchors.ANCHORS``, kept equal by a test), for
#: checking blend-weight keys when a case loads.
ANCHOR_KEYS: tuple[str, ...] = (
    "market_value",
    "peer_multiple",
    "perp_implied",
    "arr_multiple",
    "last_round",
    "dcf",
    "opm_last_round",
    "opm_perp",
    "prediction_market",
)

__all__ = [
    "ANCHOR_KEYS",
    "ArrMultipleSpec",
    "CapitalStructure",
    "Case",
    "Company",
    "Financials",
    "FundingRound",
    "FxRateSpec",
    "PeerSpec",
    "PerpQuote",
    "PredictionBracket",
    "PredictionLadder",
    "RebaseSpec",
    "VenueConventionSpec",
]


class Company(FrozenModel):
    """Who the case is about.

    Attributes
    ----------
    name : str
        Company name.
    status : {'private', 'listed'}
        Listing status on the case's as-of date.
    ticker, exchange : str, optional
        Listing identifiers (a ticker is kept as text: ``'0700'`` stays ``'0700'``).
    listing_date_cite : DateCite, optional
        Where the listing date comes from (stated, derived or assumption).
    listing_date : date, optional
        First trading day, for listed companies.
    aliases : tuple of str
        Other names the sources use (machine-translated names included).
    """

    name: str
    status: Literal["private", "listed"]
    ticker: str | None = None
    exchange: str | None = None
    listing_date: date | None = None
    listing_date_cite: DateCite | None = None
    aliases: tuple[str, ...] = ()

    @field_validator("ticker", mode="before")
    @classmethod
    def _ticker_text(cls, v: object) -> object:
        if v is not None and not isinstance(v, str):
            raise ValueError("ticker must be quoted text (YAML reads 0700 as a number)")
        return v


class CapitalStructure(FrozenModel):
    """Share price, share count and market capitalisation of a listed company.

    Attributes
    ----------
    share_price : Figure, optional
        Price per share (money per share).
    shares_outstanding : Figure, optional
        Total shares outstanding (count, positive).
    market_cap : Figure, optional
        Market capitalisation as stated by a source (money, total).
    cash, debt : Figure, optional
        Cash and debt (money, totals) for EV = market cap + debt - cash.
    """

    share_price: PositiveMoneyFigure | None = None
    shares_outstanding: CountFigure | None = None
    market_cap: PositiveMoneyFigure | None = None
    cash: MoneyFigure | None = None
    debt: MoneyFigure | None = None


class Financials(FrozenModel):
    """Income-statement and run-rate figures (money, totals per year unless stated).

    Attributes
    ----------
    revenue : Figure, optional
        Trailing annual revenue (audited), with the period in ``revenue_period``.
    revenue_period : str, optional
        E.g. ``'FY2025'``.
    revenue_growth : Figure, optional
        Year-on-year revenue growth (ratio, 1.319 = +131.9%).
    arr_run_rate : Figure, optional
        Annualised revenue run rate (money per year).
    net_loss, adjusted_net_loss, rd_expense : Figure, optional
        Losses reported as positive amounts of money.
    """

    revenue: PositiveMoneyFigure | None = None
    revenue_period: str | None = None
    revenue_growth: Figure | None = None
    arr_run_rate: PositiveMoneyFigure | None = None
    net_loss: MoneyFigure | None = None
    adjusted_net_loss: MoneyFigure | None = None
    rd_expense: MoneyFigure | None = None


class FundingRound(FrozenModel):
    """A priced private round.

    Attributes
    ----------
    name : str
        Round name (``'Series H'``).
    date : date
        Closing or announcement date.
    date_cite : DateCite, optional
        Where the round date comes from.
    date_precision : {'day', 'month'}
        ``'month'`` when the source gives only the month; ``date`` is then the first day.
    money_raised : Figure
        New money raised (money, total).
    post_money : Figure
        Post-money valuation (money, total) of all shares, on the round's preferred price.
    security : str
        What was sold; rounds sell preferred stock, not common.
    """

    name: str
    date: date
    date_cite: DateCite | None = None
    date_precision: Literal["day", "month"] = "day"
    money_raised: PositiveMoneyFigure | None = None
    post_money: PositiveMoneyFigure
    security: str = "preferred stock"


class PerpQuote(FrozenModel):
    """A pre-IPO perpetual contract's quote on one venue.

    Attributes
    ----------
    venue : str
        Venue id (``'binance'``).
    symbol : str
        Contract symbol (``'ANTHROPICUSDT'``).
    launch_date : date, optional
        Listing date of the contract.
    launch_date_cite : DateCite, optional
        Where the launch date comes from.
    price : Figure
        Last (or mark) price per reference share, in the settlement currency (e.g. USDT).
    reference_shares : Figure
        Share count the venue uses to map price to valuation (count).
    reference_shares_basis : {'venue_convention', 'company_disclosed'}
        Whether the count is the venue's convention or the company's real share count.
    volume_24h : Figure, optional
        24-hour traded value (money).
    open_interest : Figure, optional
        Open interest (money).
    """

    venue: str
    symbol: str
    launch_date: date | None = None
    launch_date_cite: DateCite | None = None
    price: PositiveMoneyFigure
    reference_shares: CountFigure
    reference_shares_basis: Literal["venue_convention", "company_disclosed"] = "venue_convention"
    volume_24h: MoneyFigure | None = None
    open_interest: MoneyFigure | None = None


class RebaseSpec(FrozenModel):
    """A dated change of a contract's reference share count (the venue rescales the contract).

    Attributes
    ----------
    effective : date
        First quote date (UTC) the new count applies to; earlier prices keep the old count.
    reference_shares : CountFigure
        The new reference share count (count), with its source.
    source : str
        Source id of the venue's notice.
    """

    effective: date
    reference_shares: CountFigure
    source: str


class VenueConventionSpec(FrozenModel):
    """How one venue's contract price maps to a company valuation, as a case file states it.

    Attributes
    ----------
    venue : str
        Provider name (``'binance'``, ``'okx'``).
    symbol : str
        The venue's symbol (``'SPACEXUSDT'``), or ``'dex:*'`` for a Hyperliquid builder dex.
    kind : {'reference_shares', 'valuation_per_1e9', 'per_share'}
        ``reference_shares``: valuation = price x reference_shares; ``valuation_per_1e9``:
        valuation = price x 1e9; ``per_share``: valuation = price x the stated share count.
    reference_shares : CountFigure, optional
        The reference (or stated) share count, count; required unless ``valuation_per_1e9``.
    valid_from : date, optional
        First quote date the entry applies to (a later entry takes over from its date).
    source : str
        Source id of the venue notice or document.
    rebases : tuple of RebaseSpec
        Dated rescalings.
    assumption : bool
        True when no source states the convention (reports label it ASSUMPTION).
    note : str, optional
    """

    venue: str
    symbol: str
    kind: Literal["reference_shares", "valuation_per_1e9", "per_share"]
    reference_shares: CountFigure | None = None
    valid_from: date | None = None
    source: str
    rebases: tuple[RebaseSpec, ...] = ()
    assumption: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _needs_count(self) -> VenueConventionSpec:
        if self.kind != "valuation_per_1e9" and self.reference_shares is None:
            raise ValueError(
                f"reference_shares: a {self.kind} convention needs the share count it multiplies by"
            )
        return self


class PredictionBracket(FrozenModel):
    """One outcome of a prediction-market ladder on a company's IPO valuation.

    Attributes
    ----------
    label : str
        The outcome as the market words it (``'$1T-$1.5T'``, ``'No IPO by Dec 31, 2026'``).
    low, high : Money or None
        Bounds of the IPO closing market cap in the market's currency (total); ``low`` None means
        open below (from zero), ``high`` None means open above. Both None with ``no_ipo``.
    no_ipo : bool
        True for the "no IPO by the date" outcome.
    probability : Decimal
        Price of the outcome's YES share (decimal, 0..1; 0.12 = 12%), mid or last as recorded.
    best_bid, best_ask : Decimal or None
        Best YES bid and ask (decimals), when recorded.
    liquidity : Decimal or None
        Order-book liquidity in the market's currency (total), when recorded.
    volume : Decimal or None
        Traded volume in the market's currency (total), when recorded.
    """

    label: str
    low: Decimal | None = None
    high: Decimal | None = None
    no_ipo: bool = False
    probability: Decimal = Field(ge=0, le=1)
    best_bid: Decimal | None = Field(default=None, ge=0, le=1)
    best_ask: Decimal | None = Field(default=None, ge=0, le=1)
    liquidity: Decimal | None = Field(default=None, ge=0)
    volume: Decimal | None = Field(default=None, ge=0)

    @field_validator("low", "high", mode="before")
    @classmethod
    def _amount(cls, v: object) -> object:
        if v is None or isinstance(v, Decimal | int | float):
            return v
        from ..money import parse_amount

        return parse_amount(v, "USD").amount


class PredictionLadder(FrozenModel):
    """A prediction market's ladder of IPO market-cap brackets, as recorded on one date.

    Attributes
    ----------
    venue : str
        ``'polymarket'``.
    event : str
        The venue's event slug or id.
    question : str
        The event title (``'Anthropic IPO closing market cap?'``).
    currency : str
        Currency of the bracket bounds (``'USD'``).
    resolves_by : date, optional
        The date by which the IPO must happen (the "no IPO" outcome's date).
    as_of : date
        When the prices were recorded.
    source : str
        Source id (the venue's event page or an API capture).
    brackets : tuple of PredictionBracket
    """

    venue: str = "polymarket"
    event: str
    question: str
    currency: CurrencyCode = "USD"
    resolves_by: date | None = None
    as_of: date
    source: str
    brackets: tuple[PredictionBracket, ...] = Field(min_length=1)


class ArrMultipleSpec(FrozenModel):
    """The forward ARR-multiple grid: market ARR x company share x revenue multiple.

    Attributes
    ----------
    market_arr : Figure
        Expected ARR of the market segment at the horizon (money per year; usually a range).
    share : Figure
        Company's share of that ARR (ratio, 0.59 = 59%).
    multiples : Figure
        Revenue multiples to apply (x; usually a discrete set).
    horizon : date, optional
        Date the market ARR refers to (end-2026).
    horizon_cite : DateCite, optional
        Where the horizon comes from (usually the source's own, e.g. 'by end-2026').
    """

    market_arr: PositiveMoneyFigure
    share: PositiveRatioFigure
    multiples: MultipleFigure
    horizon: date | None = None
    horizon_cite: DateCite | None = None


class PeerSpec(FrozenModel):
    """A listed peer whose multiple is applied to this case.

    Attributes
    ----------
    case : str
        Id of the peer case (bundled id or a file next to this one).
    metric : {'ps', 'ev_revenue'}
        P/S (market cap / revenue) or EV/Revenue ((market cap + debt - cash) / revenue).
    applied_to : {'arr_run_rate', 'revenue'}
        Which of this case's financials the multiple multiplies.
    """

    case: str
    metric: Literal["ps", "ev_revenue"] = "ps"
    applied_to: Literal["arr_run_rate", "revenue"] = "arr_run_rate"


class FxRateSpec(FrozenModel):
    """An FX rate given by the case, which wins over the ECB default.

    Attributes
    ----------
    base, quote : str
        Currency codes; 1 base = ``rate`` quote.
    rate : Decimal
        Units of quote per unit of base, positive.
    as_of : date
        Date of the rate.
    source : str
        Source id.
    """

    base: CurrencyCode
    quote: CurrencyCode
    rate: Decimal = Field(gt=0)
    as_of: date
    source: str

    def to_rate(self) -> FxRate:
        """Return the rate as an :class:`~anchorval.money.FxRate`."""
        return FxRate(self.base, self.quote, self.rate, self.as_of, self.source)


class Case(FrozenModel):
    """Everything about one company on one as-of date.

    Attributes
    ----------
    id : str
        Case id (``'anthropic-2026-06'``).
    as_of : date
        Valuation date; FX conversions use this date.
    report_currency : str
        Currency of every anchor result.
    company : Company
    sources : dict of str to Source
        Every source the figures cite, by id.
    capital, financials : optional
        Capital structure and financial figures.
    funding_rounds : tuple of FundingRound
        Priced rounds, any order; the latest is the ``last_round`` anchor.
    perps : tuple of PerpQuote
        Pre-IPO perpetual quotes.
    arr_multiple : ArrMultipleSpec, optional
        Forward ARR-multiple grid.
    peer : PeerSpec, optional
        Listed peer for the peer-multiple anchor.
    fx_rates : tuple of FxRateSpec
        Case-given FX rates (win over ECB).
    blend_weights : dict of str to Decimal
        Weights of each anchor in the blended view (non-negative; normalised to sum 1).
    market : MarketStructure, optional
        Free float, lock-ups, index inclusions, P/S path inputs (see ``anchorval.market``).
    notes : tuple of str
        Editorial notes (which disagreeing figure is primary and why).
    dcf, unit_economics, cap_table, opm : optional
        Inputs of the DCF, AI unit economics and OPM backsolve / DLOM anchors
        (see :mod:`anchorval.domain._fundamental`).
    simulation : SimulationSpec, optional
        Distributions, correlations and thresholds for ``anchorval simulate``.
    """

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    as_of: date
    report_currency: CurrencyCode = "USD"
    company: Company
    sources: dict[str, Source]
    capital: CapitalStructure | None = None
    financials: Financials | None = None
    funding_rounds: tuple[FundingRound, ...] = ()
    perps: tuple[PerpQuote, ...] = ()
    venue_conventions: tuple[VenueConventionSpec, ...] = ()
    prediction_markets: tuple[PredictionLadder, ...] = ()
    arr_multiple: ArrMultipleSpec | None = None
    peer: PeerSpec | None = None
    fx_rates: tuple[FxRateSpec, ...] = ()
    blend_weights: dict[str, Decimal] = Field(default_factory=dict)
    market: MarketStructure | None = None
    notes: tuple[str, ...] = ()
    dcf: DcfInputs | None = None
    unit_economics: UnitEconomics | None = None
    cap_table: CapTable | None = None
    opm: OpmInputs | None = None
    simulation: SimulationSpec | None = None

    @model_validator(mode="after")
    def _check_sources(self) -> Case:
        for path, fig in iter_figures(self):
            for f in (fig, *fig.alternatives):
                if f.source not in self.sources:
                    raise ValueError(
                        f"{path}: source {f.source!r} is not declared in sources "
                        f"(declared: {', '.join(sorted(self.sources)) or 'none'})"
                    )
        for path, sid in _iter_source_ids(self):
            if sid not in self.sources:
                raise ValueError(f"{path}.source: source {sid!r} is not declared in sources")
        for k, w in self.blend_weights.items():
            if k not in ANCHOR_KEYS:
                raise ValueError(
                    f"blend_weights.{k}: unknown anchor {k!r} (anchors: {', '.join(ANCHOR_KEYS)})"
                )
            if w < 0:
                raise ValueError(f"blend_weights.{k}: weight must be non-negative, got {w}")
        if self.blend_weights and not any(self.blend_weights.values()):
            raise ValueError("blend_weights: every weight is zero; give at least one positive weight")
        check_derived(self)
        return self

    def figures(self) -> dict[str, Figure]:
        """All figures of the case by dotted path (``'perps[0].price'``)."""
        return dict(iter_figures(self))

    @property
    def last_round(self) -> FundingRound | None:
        """The most recent funding round, or None."""
        return max(self.funding_rounds, key=lambda r: r.date) if self.funding_rounds else None


def _iter_source_ids(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(path, source_id)`` for every non-figure part that cites a source itself.

    Lock-ups, index inclusions and FX rates carry a ``source`` id of their own besides their
    figures (which :func:`iter_figures` covers).
    """
    for name in type(model).model_fields:
        val = getattr(model, name)
        items = enumerate(val) if isinstance(val, tuple | list) else [(None, val)]
        for i, item in items:
            if not isinstance(item, BaseModel) or isinstance(item, Figure | Source):
                continue
            path = f"{prefix}{name}" + (f"[{i}]" if i is not None else "")
            sid = getattr(item, "source", None)
            if isinstance(sid, str):
                yield path, sid
            yield from _iter_source_ids(item, path + ".")

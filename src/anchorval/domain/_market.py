"""Market-structure inputs of a listed company: float, lock-ups, index demand, P/S path, premium.

Every number is a :class:`~anchorval.domain.Figure` (value, unit, as-of date, source), so the case
loader checks its source like any other figure. Figures that no source gives (assets tracking an
index, average daily volume) are still figures: they cite an ``assumption`` source declared in the
case and say so in their note.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from ._figure import (
    CountFigure,
    DateCite,
    Figure,
    FrozenModel,
    MultipleFigure,
    PositiveMoneyFigure,
    RatioFigure,
)

__all__ = [
    "FreeFloat",
    "GrowthFigure",
    "GrowthScenario",
    "IndexInclusion",
    "LockUp",
    "MarketStructure",
    "PremiumAttribution",
    "Reflexivity",
    "RevenueTarget",
    "RunRate",
]


def _growth(f: Figure) -> Figure:
    if f.unit != "ratio":
        raise ValueError(f"expected a growth rate in percent (150% = +150%), got unit {f.unit!r}")
    for v in (f.value, f.low, f.high, *(f.values or ())):
        if v is not None and v <= -1:
            raise ValueError(f"a growth rate must be above -100%, got {v * 100}%")
    return f


#: A growth rate per period as a decimal (written ``150%`` in YAML, read as 1.5 = +150%); > -100%.
GrowthFigure = Annotated[Figure, AfterValidator(_growth)]


class FreeFloat(FrozenModel):
    """Freely tradable shares at listing (shares not under a lock-up).

    Attributes
    ----------
    share_class : str
        Class of the listed shares (``'H'`` for H-shares of a PRC company listed in Hong Kong).
    unrestricted_shares : Figure, optional
        Unrestricted (freely tradable) shares at listing (count).
    unrestricted_pct : Figure, optional
        The same shares as a share of total shares after listing (ratio, 0.0267 = 2.67%).
        With ``unrestricted_shares`` it implies the total share count.
    circulating_pct_max : Figure, optional
        A stated upper bound on the share of total shares in circulation on the figure's as-of
        date (ratio, ``'less than 4%'`` = 0.04); checked against the computed float.
    """

    share_class: str = "H"
    unrestricted_shares: CountFigure | None = None
    unrestricted_pct: RatioFigure | None = None
    circulating_pct_max: RatioFigure | None = None

    @model_validator(mode="after")
    def _check(self) -> FreeFloat:
        if self.unrestricted_shares is None and self.unrestricted_pct is None:
            raise ValueError("free_float needs unrestricted_shares or unrestricted_pct (or both)")
        if self.unrestricted_pct is not None and self.unrestricted_pct.lo <= 0:
            raise ValueError("free_float.unrestricted_pct must be above 0%")
        return self


class LockUp(FrozenModel):
    """A lock-up expiry: shares that become freely tradable on a date.

    Attributes
    ----------
    date : date
        First day the shares may trade (the expiry date).
    date_cite : DateCite, optional
        Where the expiry date comes from (stated, derived or assumption).
    label : str
        Short name (``'6-month lock-up expiry'``).
    label_cite : DateCite, optional
        Where the tenor in the label comes from (e.g. six months after an inferred listing date).
    size : {'known', 'unknown'}
        ``'unknown'`` when the source gives the date but not the number of shares; then
        ``shares`` and ``pct_of_total`` must be absent (``shares_min`` may give a lower bound).
    shares : Figure, optional
        Shares released (count).
    pct_of_total : Figure, optional
        Shares released as a share of total shares (ratio). With ``shares`` it implies a total.
    shares_min : Figure, optional
        Lower bound on the shares released, for an unknown size (count).
    source : str
        Source id of the date (and of the size, when given).
    note : str, optional
        How the event was read from the source.
    """

    date: date
    date_cite: DateCite | None = None
    label: str = "lock-up expiry"
    label_cite: DateCite | None = None
    size: Literal["known", "unknown"] = "known"
    shares: CountFigure | None = None
    pct_of_total: RatioFigure | None = None
    shares_min: CountFigure | None = None
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> LockUp:
        if self.size == "known" and self.shares is None and self.pct_of_total is None:
            raise ValueError(
                "a lock-up of known size needs shares or pct_of_total; write size: unknown "
                "when the source does not give it"
            )
        if self.size == "unknown" and (self.shares is not None or self.pct_of_total is not None):
            raise ValueError(
                "a lock-up of unknown size cannot give shares or pct_of_total (use shares_min)"
            )
        if self.pct_of_total is not None and self.pct_of_total.lo <= 0:
            raise ValueError("pct_of_total must be above 0%")
        return self


class IndexInclusion(FrozenModel):
    """An index inclusion that forces passive funds to buy the stock.

    Attributes
    ----------
    index : str
        Index name (``'Hang Seng TECH Index'``).
    provider : str, optional
        Index provider (``'Hang Seng Indexes Company'``).
    announced : date, optional
        Announcement date (first day of the month when ``announced_precision`` is ``'month'``).
    announced_precision : {'day', 'month'}
        Precision of ``announced``.
    effective : date
        Date the inclusion takes effect (passive funds buy at the close before it).
    weight : Figure
        Float-adjusted index weight of the stock (ratio, 0.0053 = 0.53%).
    tracking_assets : Figure, optional
        Assets of funds that track the index passively (money, total; usually a range). Without
        a cited figure, give an assumption range that cites an ``assumption`` source.
    source : str
        Source id of the dates.
    note : str, optional
        How the inclusion was read from the source.
    """

    index: str
    provider: str | None = None
    announced: date | None = None
    announced_precision: Literal["day", "month"] = "day"
    effective: date
    weight: RatioFigure
    tracking_assets: PositiveMoneyFigure | None = None
    source: str
    note: str | None = None


class GrowthScenario(FrozenModel):
    """A revenue growth path: growth per period, held or fading linearly from ``start`` to ``end``.

    Attributes
    ----------
    name : str
        Scenario name (``'growth sustained at 150%'``).
    description : str
        What the scenario says, in words.
    period : {'year', 'quarter'}
        Length of one period; growth rates are per period.
    base : {'revenue', 'run_rate'}
        Revenue the path starts from: the case's trailing annual revenue, or the annualised run
        rate in ``reflexivity.run_rate``.
    start : Figure
        Growth in the first period (ratio, 1.5 = +150% per period).
    end : Figure, optional
        Growth reached after ``fade_periods`` periods and held afterwards; ``None`` holds ``start``.
    fade_periods : int
        Periods over which growth moves linearly from ``start`` to ``end`` (1: period 2 is at end).
    periods : int
        Horizon of the path, in periods.
    """

    name: str
    description: str = ""
    period: Literal["year", "quarter"] = "year"
    base: Literal["revenue", "run_rate"] = "revenue"
    start: GrowthFigure
    end: GrowthFigure | None = None
    fade_periods: int = Field(1, ge=1, le=400)
    periods: int = Field(8, ge=1, le=400)


class RevenueTarget(FrozenModel):
    """A revenue scenario for a future period, with the P/S the source says it implies.

    Attributes
    ----------
    name : str
        Label (``'FY2027 revenue (Tencent scenario)'``).
    period_end : date
        Last day of the period the revenue covers.
    revenue : Figure
        Revenue for the period (money per year; usually a range), in the currency the source states.
    stated_ps : Figure, optional
        P/S the source says this revenue implies (x); compared with the computed one.
    """

    name: str
    period_end: date
    revenue: PositiveMoneyFigure
    stated_ps: MultipleFigure | None = None


class RunRate(FrozenModel):
    """An annualised revenue run rate of a segment, with the quarter-on-quarter drivers given.

    Attributes
    ----------
    segment : str
        Segment (``'MaaS API'``).
    run_rate : Figure
        Annualised revenue (money per year) on the figure's as-of date.
    price_growth_qoq : Figure, optional
        Price change quarter on quarter (ratio, 0.83 = +83%).
    revenue_multiple_qoq : Figure, optional
        Revenue multiple quarter on quarter (x, 4 = four times the previous quarter), e.g. of
        pay-as-you-go token revenue.
    volume_multiple_qoq : Figure, optional
        Volume multiple quarter on quarter (x), when the source also gives one (e.g. token volume).
        With a price change and a revenue multiple, revenue = price x volume must hold; the
        analysis warns when the three disagree.
    """

    segment: str = "total"
    run_rate: PositiveMoneyFigure
    price_growth_qoq: GrowthFigure | None = None
    revenue_multiple_qoq: MultipleFigure | None = None
    volume_multiple_qoq: MultipleFigure | None = None


class Reflexivity(FrozenModel):
    """Inputs of the P/S path: target multiple, growth scenarios, revenue targets, run rate.

    Attributes
    ----------
    target_ps : Figure
        P/S to reach (x, 100 = 100x).
    stated_ps_now : Figure, optional
        P/S the source states for today (x); compared with the computed one.
    run_rate : RunRate, optional
        Run rate for scenarios with ``base: run_rate``.
    scenarios : tuple of GrowthScenario
        Growth paths.
    revenue_targets : tuple of RevenueTarget
        Revenue scenarios of future periods.
    """

    target_ps: MultipleFigure
    stated_ps_now: MultipleFigure | None = None
    run_rate: RunRate | None = None
    scenarios: tuple[GrowthScenario, ...] = ()
    revenue_targets: tuple[RevenueTarget, ...] = ()


class PremiumAttribution(FrozenModel):
    """One scenario splitting the market cap into fundamental value and premium.

    Attributes
    ----------
    name : str
        Scenario name (``'Tencent: about 50/50'``).
    fundamental_share : Figure
        Share of the market cap that is fundamental value (ratio, 0.5 = 50%).
    structural_share_of_premium : Figure, optional
        Share of the premium from structural amplification (float scarcity, passive demand); the
        rest is narrative. ``None`` when the source does not split the premium.
    """

    name: str
    fundamental_share: RatioFigure
    structural_share_of_premium: RatioFigure | None = None


class MarketStructure(FrozenModel):
    """Market structure of a listed company (all optional; each analysis says what it lacks).

    Attributes
    ----------
    free_float : FreeFloat, optional
        Unrestricted shares at listing.
    lockups : tuple of LockUp
        Lock-up expiries, any order.
    index_inclusions : tuple of IndexInclusion
        Index inclusions.
    average_daily_volume : Figure, optional
        Average daily traded volume: shares per day (count) or traded value per day (money).
    reflexivity : Reflexivity, optional
        P/S path inputs.
    premium_attributions : tuple of PremiumAttribution
        Scenarios splitting the price into fundamental value and premium.
    """

    free_float: FreeFloat | None = None
    lockups: tuple[LockUp, ...] = ()
    index_inclusions: tuple[IndexInclusion, ...] = ()
    average_daily_volume: Figure | None = None
    reflexivity: Reflexivity | None = None
    premium_attributions: tuple[PremiumAttribution, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> MarketStructure:
        adv = self.average_daily_volume
        if adv is not None:
            if adv.unit in ("x", "ratio"):
                raise ValueError(
                    "average_daily_volume must be shares per day (count) or money per day"
                )
            if adv.lo <= 0:
                raise ValueError("average_daily_volume must be positive")
        return self

"""Case sections of the fundamental and private-market anchors: DCF, unit economics, OPM.

Every number is a cited :class:`~anchorval.domain.Figure`; assumptions that no source gives must
cite a source entry that says so (publisher ``'anchorval case author'``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, ValidationInfo, field_validator, model_validator

from ._figure import (
    CountFigure,
    Figure,
    FrozenModel,
    MoneyFigure,
    MultipleFigure,
    PositiveMoneyFigure,
    RatioFigure,
)

__all__ = [
    "CapTable",
    "DcfInputs",
    "OpmInputs",
    "ShareClass",
    "SubscriptionPlan",
    "UnitEconomics",
]


def _vals(f: Figure) -> list[Decimal]:
    return [v for v in (f.value, f.low, f.high, *(f.values or ())) if v is not None]


def _rate(
    max_one: bool = False, above_minus_one: bool = False, positive: bool = False
) -> AfterValidator:
    def check(f: Figure) -> Figure:
        if f.unit != "ratio":
            raise ValueError(f"expected a percentage (e.g. 25%), got unit {f.unit!r}")
        for v in _vals(f):
            if max_one and v > 1:
                raise ValueError(f"cannot exceed 100%, got {v * 100:g}%")
            if above_minus_one and v <= -1:
                raise ValueError(f"must be above -100%, got {v * 100:g}%")
            if positive and v <= 0:
                raise ValueError(f"must be positive, got {v * 100:g}%")
        return f

    return AfterValidator(check)


def _plain(
    integer: bool = False, lo: Decimal | None = None, hi: Decimal | None = None
) -> AfterValidator:
    def check(f: Figure) -> Figure:
        if f.unit != "count":
            raise ValueError(f"expected a plain number, got unit {f.unit!r}")
        for v in _vals(f):
            if integer and v != v.to_integral_value():
                raise ValueError(f"must be a whole number, got {v}")
            if lo is not None and v < lo:
                raise ValueError(f"must be at least {lo}, got {v}")
            if hi is not None and v > hi:
                raise ValueError(f"must be at most {hi}, got {v}")
        return f

    return AfterValidator(check)


#: An operating margin: a percentage, at most 100% (negative allowed for young firms).
MarginFigure = Annotated[Figure, _rate(max_one=True)]
#: A growth rate: a percentage above -100% (may exceed 100%).
GrowthFigure = Annotated[Figure, _rate(above_minus_one=True)]
#: A positive rate with no upper bound (volatility 90%, 150%).
PositiveRateFigure = Annotated[Figure, _rate(positive=True)]
#: Years (plain positive number, e.g. time to liquidity 2.5).
YearsFigure = Annotated[Figure, _plain(lo=Decimal("0.0001"))]
#: A forecast year 1-10 (whole number).
ForecastYearFigure = Annotated[Figure, _plain(integer=True, lo=Decimal(1), hi=Decimal(10))]


class DcfInputs(FrozenModel):
    """Inputs of the young-company FCFF DCF (Damodaran's young-growth spreadsheet).

    Money figures must share one currency (the DCF currency). Rates are percentages in YAML.

    Attributes
    ----------
    revenue : Figure
        Base-year revenue (money per year; e.g. an annualised run rate).
    operating_margin : Figure
        Today's operating margin (percentage; may be negative).
    operating_margin_year1 : Figure, optional
        Year-1 margin (default today's).
    target_operating_margin : Figure
        Margin the firm converges to (percentage, at most 100%).
    margin_convergence_year : Figure
        Year (1-10) by which the target margin is reached.
    revenue_growth_year1, revenue_growth_years_2_5 : Figure
        Revenue growth next year and compounded for years 2-5 (percentages).
    terminal_growth : Figure
        Growth in perpetuity after year 10 (percentage), below the mature cost of capital.
    sales_to_capital, sales_to_capital_late : Figure
        Revenue per unit of invested capital, years 1-5 and (optionally) 6-10 (x).
    effective_tax_rate, marginal_tax_rate : Figure
        Percentages.
    nol : Figure, optional
        Net operating loss carried forward (money).
    cost_of_capital_initial, cost_of_capital_mature : Figure
        Percentages.
    terminal_roic : Figure, optional
        Return on capital in perpetuity (default: the mature cost of capital).
    probability_of_failure : Figure, optional
        Percentage.
    distress_proceeds : Figure, optional
        Proceeds on failure: a percentage of the DCF value of operating assets, or an amount.
    cash, debt, minority_interests, non_operating_assets : Figure, optional
        Equity bridge (money).
    shares_outstanding : Figure, optional
        Share count for value per share.
    reinvestment_lag : {0, 1}
        1 (Damodaran's default): year t reinvests for the growth from t to t+1.
    """

    revenue: PositiveMoneyFigure
    operating_margin: MarginFigure
    operating_margin_year1: MarginFigure | None = None
    target_operating_margin: MarginFigure
    margin_convergence_year: ForecastYearFigure
    revenue_growth_year1: GrowthFigure
    revenue_growth_years_2_5: GrowthFigure
    sales_to_capital: MultipleFigure
    sales_to_capital_late: MultipleFigure | None = None
    effective_tax_rate: RatioFigure
    marginal_tax_rate: RatioFigure
    nol: MoneyFigure | None = None
    cost_of_capital_initial: PositiveRateFigure
    cost_of_capital_mature: PositiveRateFigure
    # after cost_of_capital_mature, so its validator can compare the two
    terminal_growth: GrowthFigure
    terminal_roic: PositiveRateFigure | None = None
    probability_of_failure: RatioFigure | None = None
    distress_proceeds: Figure | None = None
    cash: MoneyFigure | None = None
    debt: MoneyFigure | None = None
    minority_interests: MoneyFigure | None = None
    non_operating_assets: MoneyFigure | None = None
    shares_outstanding: CountFigure | None = None
    reinvestment_lag: Literal[0, 1] = 1

    @field_validator("terminal_growth")
    @classmethod
    def _below_cost_of_capital(cls, g: Figure, info: ValidationInfo) -> Figure:
        r = info.data.get("cost_of_capital_mature")
        if r is not None and g.hi >= r.lo:
            raise ValueError(
                f"{g.hi:.2%} must be below the mature cost of capital {r.lo:.2%} "
                "(a growing perpetuity has no finite value otherwise)"
            )
        return g

    @model_validator(mode="after")
    def _check(self) -> DcfInputs:
        cur = self.revenue.unit
        for name in ("nol", "cash", "debt", "minority_interests", "non_operating_assets"):
            f = getattr(self, name)
            if f is not None and f.unit != cur:
                raise ValueError(f"{name}: in {f.unit}, but the DCF currency (revenue) is {cur}")
        if self.distress_proceeds is not None:
            dp = self.distress_proceeds
            if dp.unit not in ("ratio", cur):
                raise ValueError(
                    f"distress_proceeds: give a percentage of value or an amount in {cur}"
                )
            if dp.unit == "ratio" and not all(0 <= v <= 1 for v in _vals(dp)):
                raise ValueError("distress_proceeds: a share of value must lie in 0%-100%")
        return self


class SubscriptionPlan(FrozenModel):
    """A flat-price subscription plan with usage quotas (e.g. a coding plan).

    Attributes
    ----------
    name : str
        Plan name.
    price_per_month : Figure
        Price (money per user per month).
    quota_per_5h : Figure, optional
        Usage allowed per 5-hour window (count of ``quota_unit``).
    quota_per_week : Figure, optional
        Usage allowed per week (count of ``quota_unit``).
    quota_unit : {'tokens', 'tasks'}
        What the quotas count; tasks convert to tokens with ``UnitEconomics.tokens_per_task``.
    windows_per_week : Figure, optional
        5-hour windows a heavy user exhausts per week (default: all 33.6 in a week).
    peak_multiplier : Figure, optional
        Quota deducted per unit used at peak hours (x, 3 = a peak task counts three times).
    peak_share : Figure, optional
        Share of the heavy user's usage at peak hours (percentage; default 0%, the most tokens).
    """

    name: str
    price_per_month: PositiveMoneyFigure
    quota_per_5h: CountFigure | None = None
    quota_per_week: CountFigure | None = None
    quota_unit: Literal["tokens", "tasks"] = "tasks"
    windows_per_week: CountFigure | None = None
    peak_multiplier: MultipleFigure | None = None
    peak_share: RatioFigure | None = None

    @model_validator(mode="after")
    def _check(self) -> SubscriptionPlan:
        if self.quota_per_5h is None and self.quota_per_week is None:
            raise ValueError("a plan needs quota_per_5h or quota_per_week")
        return self


class UnitEconomics(FrozenModel):
    """AI unit economics: token price and inference cost, tasks, plans, gross margin path.

    Attributes
    ----------
    api_price_per_mtok : Figure
        Revenue per million tokens (blended API price; money per 1M tokens).
    inference_cost_per_mtok : Figure, optional
        Inference cost per million tokens (money per 1M tokens); else derived from GPU cost.
    gpu_hour_cost : Figure, optional
        Cost of one GPU-hour (money).
    tokens_per_gpu_second : Figure, optional
        Throughput of one GPU (tokens per second, count).
    gpu_utilisation : Figure, optional
        Share of paid GPU time that serves tokens (percentage; default 100%).
    tokens_per_task : Figure, optional
        Tokens one task consumes (count; input + output).
    tasks_per_user_month : Figure, optional
        Tasks per active user per month (count).
    cost_decline_per_year : Figure, optional
        Yearly fall in inference cost per token (percentage, 40% = cost x 0.6 a year).
    price_decline_per_year : Figure, optional
        Yearly fall in the API price per token (percentage; default 0%).
    path_years : int
        Years in the gross-margin path.
    software_gross_margin : Figure, optional
        Benchmark gross margin of software companies (percentage) for the ARR-multiple adjustment;
        an explicit, cited input.
    plans : tuple of SubscriptionPlan
        Subscription plans to test against a heavy user.
    """

    api_price_per_mtok: PositiveMoneyFigure
    inference_cost_per_mtok: PositiveMoneyFigure | None = None
    gpu_hour_cost: PositiveMoneyFigure | None = None
    tokens_per_gpu_second: CountFigure | None = None
    gpu_utilisation: RatioFigure | None = None
    tokens_per_task: CountFigure | None = None
    tasks_per_user_month: CountFigure | None = None
    cost_decline_per_year: RatioFigure | None = None
    price_decline_per_year: RatioFigure | None = None
    path_years: int = 5
    software_gross_margin: RatioFigure | None = None
    plans: tuple[SubscriptionPlan, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> UnitEconomics:
        if self.inference_cost_per_mtok is None and (
            self.gpu_hour_cost is None or self.tokens_per_gpu_second is None
        ):
            raise ValueError(
                "inference_cost_per_mtok: give it, or both gpu_hour_cost and tokens_per_gpu_second"
            )
        if self.software_gross_margin is not None and self.software_gross_margin.base <= 0:
            raise ValueError("software_gross_margin: must be positive")
        for i, plan in enumerate(self.plans):
            if plan.quota_unit == "tasks" and self.tokens_per_task is None:
                raise ValueError(f"plans[{i}].quota_unit: quotas in tasks need tokens_per_task")
        if not 1 <= self.path_years <= 30:
            raise ValueError(f"path_years: must be 1-30, got {self.path_years}")
        return self


class ShareClass(FrozenModel):
    """One class of the capitalization table.

    Attributes
    ----------
    name : str
        Class name (``'Common'``, ``'Series H'``).
    kind : {'common', 'preferred', 'option'}
        Common stock, convertible preferred, or options/warrants on common.
    shares : Figure
        Shares (or options) outstanding (count).
    issue_price : Figure, optional
        Original issue price per preferred share (money per share).
    preference_multiple : Figure, optional
        Liquidation preference as a multiple of the issue price (x; default 1x).
    liquidation_preference : Figure, optional
        Total preference as stated (money); checked against shares x issue price x multiple.
    seniority : int
        1 = paid first; equal ranks pari passu.
    participating : bool
        Participating preferred.
    participation_cap : Figure, optional
        Total-return cap as a multiple of the issue price (x).
    conversion_ratio : Figure, optional
        Common shares per preferred share (count; default 1).
    strike : Figure, optional
        Exercise price per option (money per share).
    """

    name: str
    kind: Literal["common", "preferred", "option"]
    shares: CountFigure
    issue_price: PositiveMoneyFigure | None = None
    preference_multiple: Figure | None = None
    liquidation_preference: MoneyFigure | None = None
    seniority: int = 1
    participating: bool = False
    participation_cap: MultipleFigure | None = None
    conversion_ratio: CountFigure | None = None
    strike: MoneyFigure | None = None

    @model_validator(mode="after")
    def _check(self) -> ShareClass:
        if self.kind == "preferred" and self.issue_price is None:
            raise ValueError("issue_price: a preferred class needs its original issue price")
        if self.kind == "option" and self.strike is None:
            raise ValueError("strike: an option class needs its exercise price")
        if self.preference_multiple is not None and (
            self.preference_multiple.unit != "x" or self.preference_multiple.base < 0
        ):
            raise ValueError("preference_multiple: expected a non-negative multiple like 1x")
        if self.liquidation_preference is not None and self.issue_price is not None:
            mult = self.preference_multiple.base if self.preference_multiple else Decimal(1)
            want = self.shares.base * self.issue_price.base * mult
            got = self.liquidation_preference.base
            if abs(got - want) > Decimal("0.005") * max(abs(want), Decimal(1)):
                raise ValueError(
                    f"liquidation_preference: {got:,.2f} does not equal shares x issue price x "
                    "multiple "
                    f"= {want:,.2f}"
                )
        return self

    @property
    def preference(self) -> Decimal:
        """Total liquidation preference (money): shares x issue price x multiple (0 if common)."""
        if self.kind != "preferred" or self.issue_price is None:
            return Decimal(0)
        mult = self.preference_multiple.base if self.preference_multiple else Decimal(1)
        return self.shares.base * self.issue_price.base * mult


class CapTable(FrozenModel):
    """Capitalization table.

    Attributes
    ----------
    classes : tuple of ShareClass
        Every class (at least one common class).
    total_liquidation_preference : Figure, optional
        Stated total of all preferences (money); checked against the sum of the classes.
    fully_diluted_shares : Figure, optional
        Stated fully diluted (as-converted) share count; checked against the classes.
    """

    classes: tuple[ShareClass, ...]
    total_liquidation_preference: MoneyFigure | None = None
    fully_diluted_shares: CountFigure | None = None

    @field_validator("total_liquidation_preference")
    @classmethod
    def _preferences_sum(cls, f: Figure | None, info: ValidationInfo) -> Figure | None:
        classes = info.data.get("classes")
        if f is not None and classes is not None:
            total = sum((c.preference for c in classes), Decimal(0))
            if abs(f.base - total) > Decimal("0.005") * max(total, Decimal(1)):
                raise ValueError(
                    f"{f.base:,.2f} does not equal the sum of the classes' preferences {total:,.2f}"
                )
        return f

    @field_validator("fully_diluted_shares")
    @classmethod
    def _shares_sum(cls, f: Figure | None, info: ValidationInfo) -> Figure | None:
        classes = info.data.get("classes")
        if f is not None and classes is not None:
            total = sum(
                (
                    c.shares.base * (c.conversion_ratio.base if c.conversion_ratio else 1)
                    for c in classes
                ),
                Decimal(0),
            )
            if abs(f.base - total) > Decimal("0.005") * total:
                raise ValueError(
                    f"{f.base:,.0f} does not equal the classes' as-converted total {total:,.0f}"
                )
        return f

    @model_validator(mode="after")
    def _check(self) -> CapTable:
        names = [c.name for c in self.classes]
        if len(set(names)) != len(names):
            raise ValueError("classes: two classes share a name")
        if not any(c.kind == "common" for c in self.classes):
            raise ValueError("classes: the cap table needs a common class")
        curs = {f.unit for c in self.classes for f in (c.issue_price, c.strike) if f is not None}
        if len(curs) > 1:
            raise ValueError(f"classes: issue prices and strikes mix currencies {sorted(curs)}")
        return self

    @property
    def currency(self) -> str | None:
        """Currency of the issue prices and strikes (None if the table has none)."""
        for c in self.classes:
            for f in (c.issue_price, c.strike):
                if f is not None:
                    return f.unit
        return None


class OpmInputs(FrozenModel):
    """Option pricing method (OPM backsolve) and DLOM inputs.

    Attributes
    ----------
    round_class : str
        Cap-table class sold in the last round.
    round_price : Figure, optional
        Price per share of that class (money per share); default: last round post-money /
        fully diluted shares.
    volatility : Figure
        Equity volatility (percentage per year).
    time_to_liquidity : Figure
        Expected years to an exit (IPO).
    risk_free_rate : Figure
        Risk-free rate for that term (percentage, continuously compounded).
    dlom_volatility : Figure, optional
        Volatility for the DLOM (default: ``volatility``).
    """

    round_class: str
    round_price: PositiveMoneyFigure | None = None
    volatility: PositiveRateFigure
    time_to_liquidity: YearsFigure
    risk_free_rate: Annotated[Figure, _rate(above_minus_one=True)]
    dlom_volatility: PositiveRateFigure | None = None

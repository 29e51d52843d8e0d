"""Reflexivity: the path of P/S at a constant price as revenue grows.

At a constant share price the market cap M is fixed, so the price-to-sales multiple after k
periods is ``P/S_k = M / R_k`` with ``R_k = R_0 x prod_{i<=k} (1 + g_i)``. The periods until P/S
falls to a target T is the first k with ``R_k >= M / T``; with a constant growth g this is
``ceil(ln(M / (T R_0)) / ln(1 + g))``. The constant growth per period needed to reach T within n
periods is ``g = (M / (T R_0))^(1/n) - 1``. ("The denominator is catching up to the numerator",
Tencent Technology on Zhipu, June 2026.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from ..errors import ContradictoryInputError
from ..money import FxRate, Money
from ._common import PERIOD_MONTHS, Cited, add_months

__all__ = [
    "PSPath",
    "PSPoint",
    "ReflexivityResult",
    "RequiredGrowthRow",
    "RevenueTargetRow",
    "growth_path",
    "periods_to_target_ps",
    "ps_multiple",
    "ps_path",
    "required_growth",
    "revenue_path",
]


def growth_path(
    start: Decimal, end: Decimal | None = None, fade_periods: int = 1, periods: int = 8
) -> tuple[Decimal, ...]:
    """Growth rate per period: held at ``start``, or fading linearly from ``start`` to ``end``.

    Parameters
    ----------
    start : Decimal
        Growth in period 1, decimal per period (1.5 = +150%), above -1.
    end : Decimal, optional
        Growth reached at period ``1 + fade_periods`` and held afterwards; None holds ``start``.
    fade_periods : int
        Periods the fade takes (1: period 2 is already at ``end``), >= 1.
    periods : int
        Length of the path, >= 1.

    Returns
    -------
    tuple of Decimal, shape (periods,)
        ``g_k = start + (end - start) x min(k - 1, fade) / fade`` for k = 1..periods.

    Raises
    ------
    ContradictoryInputError
        If a rate is -100% or below, or a count is below 1.

    Examples
    --------
    >>> growth_path(Decimal("1.5"), Decimal("0.7"), 1, 3)
    (Decimal('1.5'), Decimal('0.7'), Decimal('0.7'))
    """
    if periods < 1 or fade_periods < 1:
        raise ContradictoryInputError("periods and fade_periods must be at least 1")
    for g in (start, end):
        if g is not None and g <= -1:
            raise ContradictoryInputError(f"a growth rate must be above -100%, got {g * 100}%")
    if end is None:
        return (start,) * periods
    return tuple(
        start + (end - start) * min(k - 1, fade_periods) / fade_periods
        for k in range(1, periods + 1)
    )


def revenue_path(base: Money, rates: Sequence[Decimal]) -> tuple[Money, ...]:
    """Revenue after each period of growth.

    Parameters
    ----------
    base : Money
        Revenue at period 0 (per year, or annualised).
    rates : sequence of Decimal, shape (n,)
        Growth per period (decimals, each above -1).

    Returns
    -------
    tuple of Money, shape (n + 1,)
        ``R_0 = base``, ``R_k = R_{k-1} x (1 + g_k)``.

    Raises
    ------
    ContradictoryInputError
        If a rate is -100% or below.
    """
    out = [base]
    for g in rates:
        if g <= -1:
            raise ContradictoryInputError(f"a growth rate must be above -100%, got {g * 100}%")
        out.append(out[-1] * (1 + g))
    return tuple(out)


def ps_multiple(market_cap: Money, revenue: Money) -> Decimal:
    """Price-to-sales multiple: market cap / revenue.

    Parameters
    ----------
    market_cap : Money
        Market capitalisation (total).
    revenue : Money
        Revenue per year (or annualised), same currency, positive.

    Returns
    -------
    Decimal
        The multiple (x), 1248.3 = 1,248x.

    Raises
    ------
    CurrencyMismatchError
        If the currencies differ.
    ContradictoryInputError
        If revenue is not positive.
    """
    if revenue.amount <= 0:
        raise ContradictoryInputError(f"revenue must be positive for a P/S, got {revenue}")
    return market_cap / revenue


def periods_to_target_ps(
    market_cap: Money,
    base_revenue: Money,
    rates: Sequence[Decimal],
    target_ps: Decimal,
    hold_last: bool = True,
) -> int | None:
    """Periods until P/S at a constant price falls to ``target_ps`` or below.

    Parameters
    ----------
    market_cap : Money
        Market cap, held constant (total).
    base_revenue : Money
        Revenue at period 0 (per year), same currency.
    rates : sequence of Decimal, shape (n,)
        Growth per period (decimals).
    target_ps : Decimal
        Target multiple (x), positive.
    hold_last : bool
        Past the path, keep growing at its last rate (closed form); else stop at n periods.

    Returns
    -------
    int or None
        The first k with ``M / R_k <= target_ps`` (0 if already there); None if never reached
        (the path ends, or the held rate is not positive).

    Raises
    ------
    ContradictoryInputError
        If ``target_ps`` or revenue is not positive.

    Examples
    --------
    >>> m, r = Money(Decimal(1000), "USD"), Money(Decimal(1), "USD")
    >>> periods_to_target_ps(m, r, [Decimal(1)] * 3, Decimal(100))  # 1000/2^k <= 100 -> k = 4
    4
    """
    if target_ps <= 0:
        raise ContradictoryInputError(f"target P/S must be positive, got {target_ps}")
    needed = market_cap.amount / target_ps  # revenue at which P/S = target
    if base_revenue.amount <= 0:
        raise ContradictoryInputError("base revenue must be positive")
    rev = base_revenue.amount
    if rev >= needed:
        return 0
    for k, g in enumerate(rates, 1):
        rev *= 1 + g
        if rev >= needed:
            return k
    if not hold_last or not rates or rates[-1] <= 0:
        return None
    g = Decimal(rates[-1])
    n = len(rates)
    extra = int(((needed / rev).ln() / (1 + g).ln()).to_integral_value(rounding=ROUND_CEILING))
    extra = max(extra, 1)
    while extra > 1 and rev * (1 + g) ** (extra - 1) >= needed:  # guard against rounding in ln
        extra -= 1
    while rev * (1 + g) ** extra < needed:
        extra += 1
    return n + extra


def required_growth(
    market_cap: Money, base_revenue: Money, target_ps: Decimal, periods: int
) -> Decimal:
    """Constant growth per period needed to bring P/S to ``target_ps`` in ``periods`` periods.

    Parameters
    ----------
    market_cap : Money
        Market cap, held constant (total).
    base_revenue : Money
        Revenue at period 0 (per year), same currency, positive.
    target_ps : Decimal
        Target multiple (x), positive.
    periods : int
        Number of periods, >= 1.

    Returns
    -------
    Decimal
        ``(M / (target_ps x R_0))^(1/periods) - 1`` (decimal per period; negative when P/S is
        already below target).

    Raises
    ------
    ContradictoryInputError
        If ``periods < 1`` or an input is not positive.

    Examples
    --------
    >>> m, r = Money(Decimal(400), "USD"), Money(Decimal(1), "USD")
    >>> required_growth(m, r, Decimal(100), 2)  # 400/100 = 4 = (1+g)^2, g = 100%
    Decimal('1.000000000000000000000000000')
    """
    if periods < 1:
        raise ContradictoryInputError(f"periods must be at least 1, got {periods}")
    if target_ps <= 0 or base_revenue.amount <= 0 or market_cap.amount <= 0:
        raise ContradictoryInputError("market cap, revenue and target P/S must be positive")
    ratio = (market_cap / base_revenue) / target_ps
    return ratio ** (Decimal(1) / Decimal(periods)) - 1


@dataclass(frozen=True)
class PSPoint:
    """P/S at the end of one period of a path.

    Attributes
    ----------
    period : int
        0 for the start.
    date : date
        End of the period.
    growth : Decimal or None
        Growth in the period (decimal); None at period 0.
    revenue : Money
        Revenue (per year) at the end of the period, in the market cap's currency.
    ps : Decimal
        Market cap / revenue (x).
    """

    period: int
    date: date
    growth: Decimal | None
    revenue: Money
    ps: Decimal


@dataclass(frozen=True)
class PSPath:
    """One growth scenario's P/S path at a constant price.

    Attributes
    ----------
    name, description : str
        Scenario name and words.
    period : {'year', 'quarter'}
        Period length.
    base_label : str
        Revenue the path starts from.
    points : tuple of PSPoint
        Period 0 to the horizon.
    target_ps : Decimal
        Target multiple (x).
    periods_to_target : int or None
        First period with P/S <= target (growth held past the horizon); None if never.
    target_date : date or None
        End of that period.
    figures : tuple of Cited
        Growth figures used.
    """

    name: str
    description: str
    period: str
    base_label: str
    points: tuple[PSPoint, ...]
    target_ps: Decimal
    periods_to_target: int | None
    target_date: date | None
    figures: tuple[Cited, ...] = ()


def ps_path(
    name: str,
    market_cap: Money,
    base_revenue: Money,
    base_date: date,
    rates: Sequence[Decimal],
    target_ps: Decimal,
    period: str = "year",
    description: str = "",
    base_label: str = "revenue",
    figures: tuple[Cited, ...] = (),
) -> PSPath:
    """Compute the P/S path of one growth scenario at a constant price.

    Parameters
    ----------
    name : str
        Scenario name.
    market_cap : Money
        Market cap, held constant (total).
    base_revenue : Money
        Revenue at ``base_date`` (per year), same currency.
    base_date : date
        End of period 0.
    rates : sequence of Decimal, shape (n,)
        Growth per period (decimals).
    target_ps : Decimal
        Target multiple (x).
    period : {'year', 'quarter'}
        Period length (for the dates).
    description, base_label : str
        Words carried to the result.
    figures : tuple of Cited
        Citations carried to the result.

    Returns
    -------
    PSPath
        Revenue and P/S (x) per period end, and the first period at or below ``target_ps``.

    Raises
    ------
    ContradictoryInputError
        If a rate is -100% or below, or the base revenue is not positive.
    CurrencyMismatchError
        If market cap and revenue are in different currencies.
    KeyError
        If ``period`` is not ``'year'`` or ``'quarter'``.
    """
    step = PERIOD_MONTHS[period]
    revs = revenue_path(base_revenue, rates)
    points = tuple(
        PSPoint(
            k,
            add_months(base_date, k * step),
            rates[k - 1] if k else None,
            r,
            ps_multiple(market_cap, r),
        )
        for k, r in enumerate(revs)
    )
    k = periods_to_target_ps(market_cap, base_revenue, rates, target_ps)
    return PSPath(
        name,
        description,
        period,
        base_label,
        points,
        target_ps,
        k,
        add_months(base_date, k * step) if k is not None else None,
        figures,
    )


@dataclass(frozen=True)
class RevenueTargetRow:
    """A future revenue scenario and the P/S it implies at a constant price.

    Attributes
    ----------
    name : str
        Scenario name (``'(alternative: ...)'`` for an alternative reading).
    period_end : date
        End of the revenue period.
    revenue : Money
        Revenue as the source states it (currency as stated); low and high in ``revenue_high``.
    revenue_high : Money
        High end of the revenue range (equal to ``revenue`` for a point).
    ps_low, ps_high : Decimal
        Market cap / revenue high and / revenue low (x), at today's price.
    stated_ps : Decimal or None
        The P/S the source says this revenue implies (x).
    implied_growth_low, implied_growth_high : Decimal or None
        Constant yearly growth from the base revenue to the target (decimal).
    is_alternative : bool
        True for an alternative reading of the figure.
    note : str or None
        The figure's note.
    """

    name: str
    period_end: date
    revenue: Money
    revenue_high: Money
    ps_low: Decimal
    ps_high: Decimal
    stated_ps: Decimal | None
    implied_growth_low: Decimal | None
    implied_growth_high: Decimal | None
    is_alternative: bool = False
    note: str | None = None


@dataclass(frozen=True)
class RequiredGrowthRow:
    """Growth per period needed to reach the target P/S by a date.

    Attributes
    ----------
    by : date
        Deadline.
    base_label : str
        Revenue the growth applies to.
    period : {'year', 'quarter'}
        Period length.
    periods : int
        Whole periods from the base date to ``by``.
    growth : Decimal
        Constant growth per period needed (decimal).
    """

    by: date
    base_label: str
    period: str
    periods: int
    growth: Decimal


@dataclass(frozen=True)
class ReflexivityResult:
    """The P/S path of a listed company under several growth scenarios.

    Attributes
    ----------
    market_cap : Money
        Market cap held constant (total, local currency).
    base_revenue : Money or None
        Trailing revenue converted into the market cap's currency (per year).
    base_date : date or None
        Date of the base revenue.
    start_ps : Decimal or None
        Market cap / base revenue (x).
    stated_ps_now : Decimal or None
        P/S the source states for today (x).
    target_ps : Decimal
        Target multiple (x).
    paths : tuple of PSPath
        One per scenario.
    targets : tuple of RevenueTargetRow
        Revenue scenarios and the P/S they imply.
    required : tuple of RequiredGrowthRow
        Growth needed to reach the target by given dates.
    run_rate : dict of str to str
        Run-rate inputs and what they imply, formatted.
    warnings : tuple of str
        Where stated and computed multiples disagree.
    figures : tuple of Cited
        Figures used.
    fx : tuple of FxRate
        FX rates used.
    """

    market_cap: Money
    base_revenue: Money | None
    base_date: date | None
    start_ps: Decimal | None
    stated_ps_now: Decimal | None
    target_ps: Decimal
    paths: tuple[PSPath, ...]
    targets: tuple[RevenueTargetRow, ...] = ()
    required: tuple[RequiredGrowthRow, ...] = ()
    run_rate: dict[str, str] | None = None
    warnings: tuple[str, ...] = ()
    figures: tuple[Cited, ...] = ()
    fx: tuple[FxRate, ...] = ()

    def to_frame(self) -> Any:
        """Every path as a long pandas DataFrame (one row per scenario and period).

        Returns
        -------
        pandas.DataFrame
            Columns: ``scenario``, ``period`` (int), ``date``, ``growth`` (decimal, NaN at 0),
            ``revenue`` (float, per year, in ``currency``), ``currency``, ``ps`` (x),
            ``target_ps`` (x), ``at_or_below_target`` (bool).
        """
        import pandas as pd

        rows = [
            {
                "scenario": p.name,
                "period": pt.period,
                "date": pt.date,
                "growth": None if pt.growth is None else float(pt.growth),
                "revenue": float(pt.revenue.amount),
                "currency": pt.revenue.currency,
                "ps": float(pt.ps),
                "target_ps": float(p.target_ps),
                "at_or_below_target": pt.ps <= p.target_ps,
            }
            for p in self.paths
            for pt in p.points
        ]
        return pd.DataFrame(rows)

    def targets_frame(self) -> Any:
        """Revenue scenarios as a pandas DataFrame (revenue in the stated currency, P/S in x)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "scenario": t.name,
                    "period_end": t.period_end,
                    "revenue_low": float(t.revenue.amount),
                    "revenue_high": float(t.revenue_high.amount),
                    "currency": t.revenue.currency,
                    "ps_low": float(t.ps_low),
                    "ps_high": float(t.ps_high),
                    "stated_ps": None if t.stated_ps is None else float(t.stated_ps),
                    "implied_growth_low": None
                    if t.implied_growth_low is None
                    else float(t.implied_growth_low),
                    "implied_growth_high": None
                    if t.implied_growth_high is None
                    else float(t.implied_growth_high),
                    "alternative": t.is_alternative,
                }
                for t in self.targets
            ]
        )

    def required_frame(self) -> Any:
        """Growth needed to reach the target P/S by each date, as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "by": r.by,
                    "base": r.base_label,
                    "period": r.period,
                    "periods": r.periods,
                    "growth": float(r.growth),
                }
                for r in self.required
            ]
        )

"""Index-inclusion demand: what passive funds must buy when a stock joins an index.

A fund that replicates an index holds each constituent at its index weight, so on inclusion the
funds tracking the index must buy ``float-adjusted weight x assets tracking the index`` of the
stock (the standard passive-demand estimate used around index rebalances). In shares that is the
value / price; against the free float it is the share of the tradable stock they need; against
the average daily volume (ADV) it is the number of trading days the buying would take at 100% of
the usual volume.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..errors import ContradictoryInputError
from ..money import FxRate, Money

__all__ = [
    "IndexDemandResult",
    "IndexDemandRow",
    "days_of_volume",
    "index_demand",
    "passive_demand",
    "sensitivity_points",
    "shares_for_value",
]


def passive_demand(weight: Decimal, tracking_assets: Money) -> Money:
    """Money passive funds must invest in a constituent: weight x assets tracking the index.

    Parameters
    ----------
    weight : Decimal
        Float-adjusted index weight of the stock, as a decimal (0.0053 = 0.53%), in [0, 1].
    tracking_assets : Money
        Assets of funds replicating the index (total).

    Returns
    -------
    Money
        ``weight x tracking_assets`` in the assets' currency.

    Raises
    ------
    ContradictoryInputError
        If the weight is outside [0, 1] or the assets are negative.

    Examples
    --------
    >>> str(passive_demand(Decimal("0.0053"), Money(Decimal("100e9"), "HKD")))
    '530M HKD'
    """
    if not (0 <= weight <= 1):
        raise ContradictoryInputError(f"an index weight must lie in 0%-100%, got {weight * 100}%")
    if tracking_assets.amount < 0:
        raise ContradictoryInputError("assets tracking an index cannot be negative")
    return tracking_assets * weight


def shares_for_value(value: Money, price: Money) -> Decimal:
    """Shares bought with ``value`` at ``price``.

    Parameters
    ----------
    value : Money
        Amount to invest (total).
    price : Money
        Price per share, same currency, positive.

    Returns
    -------
    Decimal
        ``value / price`` (count, not rounded).

    Raises
    ------
    CurrencyMismatchError
        If the currencies differ.
    ContradictoryInputError
        If the price is not positive.
    """
    if price.amount <= 0:
        raise ContradictoryInputError(f"share price must be positive, got {price}")
    return value / price


def days_of_volume(shares: Decimal, adv_shares: Decimal) -> Decimal:
    """Trading days of average daily volume that ``shares`` represent.

    Parameters
    ----------
    shares : Decimal
        Shares to buy (count).
    adv_shares : Decimal
        Average daily volume (shares per day), positive.

    Returns
    -------
    Decimal
        ``shares / adv_shares`` (days at 100% of ADV).

    Raises
    ------
    ContradictoryInputError
        If ``adv_shares`` is not positive.
    """
    if adv_shares <= 0:
        raise ContradictoryInputError(f"average daily volume must be positive, got {adv_shares}")
    return shares / adv_shares


def sensitivity_points(
    low: Decimal, high: Decimal, base: Decimal | None = None, n: int = 5
) -> list[Decimal]:
    """Evenly spaced points from ``low`` to ``high`` (inclusive) plus ``base``, sorted and distinct.

    Parameters
    ----------
    low, high : Decimal
        Range bounds, ``low <= high``.
    base : Decimal, optional
        A point to include (the base case).
    n : int
        Number of evenly spaced points (>= 2 unless ``low == high``).

    Returns
    -------
    list of Decimal
        In the unit of the bounds.

    Raises
    ------
    ContradictoryInputError
        If ``low > high``.
    """
    if low > high:
        raise ContradictoryInputError(f"range low {low} is above high {high}")
    pts = {low, high} if low == high else {low + (high - low) * i / (n - 1) for i in range(n)}
    if base is not None:
        pts.add(base)
    return sorted(pts)


@dataclass(frozen=True)
class IndexDemandRow:
    """Passive demand at one level of assets tracking the index.

    Attributes
    ----------
    tracking_assets : Money
        Assets tracking the index (total, in the input currency).
    demand : Money
        ``weight x tracking_assets`` converted into the price's currency (total).
    shares : Decimal
        ``demand / price`` (count).
    pct_of_float : Decimal
        ``shares / free float on the effective date`` (decimal).
    days_of_adv : Decimal or None
        ``shares / ADV`` at the base ADV (days); None without an ADV figure.
    days_of_adv_range : tuple of Decimal or None
        Days at the high and at the low ADV (fewer days first).
    is_base : bool
        True for the base case of the tracking-assets figure.
    """

    tracking_assets: Money
    demand: Money
    shares: Decimal
    pct_of_float: Decimal
    days_of_adv: Decimal | None
    days_of_adv_range: tuple[Decimal, Decimal] | None
    is_base: bool = False


@dataclass(frozen=True)
class IndexDemandResult:
    """Passive buying forced by one index inclusion, over a range of tracking assets.

    Attributes
    ----------
    index : str
        Index name.
    effective : date
        Inclusion date.
    announced : str or None
        Announcement date as text (``'2026-05'`` for month precision).
    weight : Decimal
        Float-adjusted index weight (decimal).
    price : Money
        Share price used (per share).
    float_shares : Decimal
        Free float on the effective date (count).
    float_is_lower_bound : bool
        Whether the float is a lower bound.
    adv_shares : tuple of Decimal or None
        ADV low, base, high (shares per day), or None.
    tracking_assets_assumed : bool
        True when the tracking assets are an assumption, not a sourced figure.
    adv_assumed : bool
        True when the ADV is an assumption.
    rows : tuple of IndexDemandRow
        The sensitivity table, by tracking assets ascending.
    figures : tuple of Cited
        Figures used.
    fx : tuple of FxRate
        FX rates used.
    warnings : tuple of str
        Caveats (price date, assumptions).
    """

    index: str
    effective: date
    announced: str | None
    weight: Decimal
    price: Money
    float_shares: Decimal
    float_is_lower_bound: bool
    adv_shares: tuple[Decimal, Decimal, Decimal] | None
    tracking_assets_assumed: bool
    adv_assumed: bool
    rows: tuple[IndexDemandRow, ...]
    figures: tuple[Any, ...] = ()
    fx: tuple[FxRate, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def base(self) -> IndexDemandRow:
        """The row at the base case of the tracking assets (else the middle row)."""
        for r in self.rows:
            if r.is_base:
                return r
        return self.rows[len(self.rows) // 2]

    def to_frame(self) -> Any:
        """Return the sensitivity table as a pandas DataFrame.

        Returns
        -------
        pandas.DataFrame
            Columns: ``index``, ``tracking_assets`` (float, total), ``tracking_currency``,
            ``demand`` (float, total, in ``currency``), ``currency``, ``shares`` (count),
            ``pct_of_float`` (decimal), ``days_of_adv``, ``days_of_adv_min``, ``days_of_adv_max``
            (days), ``is_base``, ``assumed`` (tracking assets are an assumption).
        """
        import pandas as pd

        rows = [
            {
                "index": self.index,
                "tracking_assets": float(r.tracking_assets.amount),
                "tracking_currency": r.tracking_assets.currency,
                "demand": float(r.demand.amount),
                "currency": r.demand.currency,
                "shares": float(r.shares),
                "pct_of_float": float(r.pct_of_float),
                "days_of_adv": None if r.days_of_adv is None else float(r.days_of_adv),
                "days_of_adv_min": None
                if r.days_of_adv_range is None
                else float(r.days_of_adv_range[0]),
                "days_of_adv_max": None
                if r.days_of_adv_range is None
                else float(r.days_of_adv_range[1]),
                "is_base": r.is_base,
                "assumed": self.tracking_assets_assumed,
            }
            for r in self.rows
        ]
        return pd.DataFrame(rows)


def index_demand(
    index: str,
    effective: date,
    weight: Decimal,
    assets_points: Sequence[Money],
    price: Money,
    float_shares: Decimal,
    to_price_currency: Any,
    *,
    base_assets: Money | None = None,
    adv_shares: tuple[Decimal, Decimal, Decimal] | None = None,
    announced: str | None = None,
    float_is_lower_bound: bool = False,
    tracking_assets_assumed: bool = False,
    adv_assumed: bool = False,
    figures: tuple[Any, ...] = (),
    fx: tuple[FxRate, ...] = (),
    warnings: tuple[str, ...] = (),
) -> IndexDemandResult:
    """Passive demand of one inclusion at each level of tracking assets.

    Parameters
    ----------
    index : str
        Index name.
    effective : date
        Inclusion date.
    weight : Decimal
        Float-adjusted index weight, decimal (0.0053 = 0.53%).
    assets_points : sequence of Money
        Levels of assets tracking the index to tabulate (totals).
    price : Money
        Share price (per share).
    float_shares : Decimal
        Free float on the effective date (count), positive.
    to_price_currency : callable
        ``Money -> Money`` converting an amount into the price's currency (FX at the case date).
    base_assets : Money, optional
        The base case among ``assets_points`` (flagged in the table).
    adv_shares : tuple of Decimal, optional
        Average daily volume low, base, high (shares per day).
    announced : str, optional
        Announcement date as text.
    float_is_lower_bound, tracking_assets_assumed, adv_assumed : bool
        Flags carried to the result.
    figures, fx, warnings : tuple
        Citations, FX rates and caveats carried to the result.

    Returns
    -------
    IndexDemandResult

    Raises
    ------
    ContradictoryInputError
        If the weight, float, price or ADV is out of range.
    """
    if float_shares <= 0:
        raise ContradictoryInputError("the free float on the inclusion date must be positive")
    rows = []
    for a in assets_points:
        demand = to_price_currency(passive_demand(weight, a))
        shares = shares_for_value(demand, price)
        days = rng = None
        if adv_shares is not None:
            lo, base, hi = adv_shares
            days = days_of_volume(shares, base)
            rng = (days_of_volume(shares, hi), days_of_volume(shares, lo))
        rows.append(
            IndexDemandRow(
                a,
                demand,
                shares,
                shares / float_shares,
                days,
                rng,
                base_assets is not None and a == base_assets,
            )
        )
    return IndexDemandResult(
        index=index,
        effective=effective,
        announced=announced,
        weight=weight,
        price=price,
        float_shares=float_shares,
        float_is_lower_bound=float_is_lower_bound,
        adv_shares=adv_shares,
        tracking_assets_assumed=tracking_assets_assumed,
        adv_assumed=adv_assumed,
        rows=tuple(rows),
        figures=figures,
        fx=fx,
        warnings=warnings,
    )

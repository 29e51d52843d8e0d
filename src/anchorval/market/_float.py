"""Free float: total shares, unrestricted (freely tradable) shares, float % and float value.

Standard definitions (e.g. Hang Seng Indexes' and MSCI's free-float methodologies): the free float
is the part of the shares outstanding that is freely tradable, i.e. not held under a lock-up or by
strategic holders; float % = free-float shares / shares outstanding; float value (free-float
market capitalisation) = free-float shares x share price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain import Case
from ..errors import MSG_MISSING_MARKET_FIGURES, ContradictoryInputError, MissingFigureError
from ..money import FxRate, FxTable, Money, format_number
from ._common import Cited, cite, pct

__all__ = [
    "FloatRow",
    "FreeFloatResult",
    "ShareBasis",
    "ShareCounts",
    "float_pct",
    "float_value",
    "free_float",
    "implied_total_shares",
    "share_counts",
]

#: Two share totals within this relative distance are treated as the same basis (0.0001 = 0.01%).
SAME_TOTAL_TOLERANCE = Decimal("0.0001")


def implied_total_shares(shares: Decimal, share_of_total: Decimal) -> Decimal:
    """Total shares implied by a block of shares and its stated share of the total.

    Parameters
    ----------
    shares : Decimal
        Shares in the block (count), e.g. 11.7379M unrestricted H-shares.
    share_of_total : Decimal
        The block's share of total shares, as a decimal (0.0267 = 2.67%), in (0, 1].

    Returns
    -------
    Decimal
        ``shares / share_of_total`` (count).

    Raises
    ------
    ContradictoryInputError
        If ``share_of_total`` is not in (0, 1] or ``shares`` is negative.

    Examples
    --------
    >>> implied_total_shares(Decimal("11.7379e6"), Decimal("0.0267")).quantize(Decimal(1))
    Decimal('439621723')
    """
    if not (0 < share_of_total <= 1):
        raise ContradictoryInputError(
            f"a share of the total must lie in (0%, 100%], got {share_of_total * 100}%"
        )
    if shares < 0:
        raise ContradictoryInputError(f"a share count cannot be negative, got {shares}")
    return shares / share_of_total


def float_pct(float_shares: Decimal, total_shares: Decimal) -> Decimal:
    """Free float as a share of total shares.

    Parameters
    ----------
    float_shares : Decimal
        Freely tradable shares (count).
    total_shares : Decimal
        Shares outstanding (count), positive.

    Returns
    -------
    Decimal
        ``float_shares / total_shares`` as a decimal (0.0267 = 2.67%).

    Raises
    ------
    ContradictoryInputError
        If ``total_shares`` is not positive or the float exceeds it.
    """
    if total_shares <= 0:
        raise ContradictoryInputError(f"total shares must be positive, got {total_shares}")
    if float_shares > total_shares:
        raise ContradictoryInputError(
            f"free float {format_number(float_shares, 6)} exceeds total shares "
            f"{format_number(total_shares, 6)}"
        )
    return float_shares / total_shares


def float_value(float_shares: Decimal, price: Money) -> Money:
    """Free-float market capitalisation: free-float shares x share price.

    Parameters
    ----------
    float_shares : Decimal
        Freely tradable shares (count).
    price : Money
        Price per share.

    Returns
    -------
    Money
        Total value of the float, in the price's currency.
    """
    return price * float_shares


@dataclass(frozen=True)
class ShareBasis:
    """One way of counting total shares (a stated count or one implied by a block and its %).

    Attributes
    ----------
    label : str
        What the total rests on.
    formula : str
        How it is computed, with the numbers.
    total_shares : Decimal
        Total shares (count).
    figures : tuple of Cited
        Figures used.
    primary : bool
        True for the basis used in every other computation.
    """

    label: str
    formula: str
    total_shares: Decimal
    figures: tuple[Cited, ...] = ()
    primary: bool = False


@dataclass(frozen=True)
class ShareCounts:
    """Total and unrestricted shares at listing, resolved from a case.

    Attributes
    ----------
    total_shares : Decimal
        Primary total (count): ``capital.shares_outstanding`` when given, else implied by the
        unrestricted shares and their %.
    unrestricted_at_listing : Decimal
        Freely tradable shares at listing (count).
    share_class : str
        Listed share class (``'H'``).
    bases : tuple of ShareBasis
        Every distinct total the case's figures give or imply; the primary one first.
    figures : tuple of Cited
        Figures used.
    """

    total_shares: Decimal
    unrestricted_at_listing: Decimal
    share_class: str
    bases: tuple[ShareBasis, ...]
    figures: tuple[Cited, ...]

    @property
    def locked_at_listing(self) -> Decimal:
        """Shares not freely tradable at listing (count): total - unrestricted."""
        return self.total_shares - self.unrestricted_at_listing


def share_counts(case: Case) -> ShareCounts:
    """Resolve total and unrestricted shares from a case's capital and free-float figures.

    Parameters
    ----------
    case : Case
        Needs ``market.free_float`` (unrestricted shares and/or their %) and a total:
        ``capital.shares_outstanding``, or both unrestricted shares and their %.

    Returns
    -------
    ShareCounts
        Also lists the totals implied by lock-ups that give both shares and % (the sources may
        disagree; each is a basis).

    Raises
    ------
    MissingFigureError
        Naming the missing figures.
    ContradictoryInputError
        If the unrestricted shares exceed the total.
    """
    ff = case.market.free_float if case.market else None
    cap = case.capital
    so = cap.shares_outstanding if cap else None
    if ff is None or (
        so is None and (ff.unrestricted_shares is None or ff.unrestricted_pct is None)
    ):
        missing = []
        if ff is None:
            missing.append("market.free_float")
        if so is None:
            missing.append(
                "capital.shares_outstanding (or market.free_float.unrestricted_shares "
                "and unrestricted_pct)"
            )
        raise MissingFigureError(
            MSG_MISSING_MARKET_FIGURES.format(
                case=case.id, needed_by="free float", fields=", ".join(missing)
            )
        )
    figures: list[Cited] = []
    bases: list[ShareBasis] = []
    base_path = "market.free_float"
    if ff.unrestricted_shares is not None and ff.unrestricted_pct is not None:
        us, up = ff.unrestricted_shares.base, ff.unrestricted_pct.base
        refs = (
            cite(case, ff.unrestricted_shares, f"{base_path}.unrestricted_shares"),
            cite(case, ff.unrestricted_pct, f"{base_path}.unrestricted_pct"),
        )
        figures += refs
        bases.append(
            ShareBasis(
                f"implied by unrestricted {ff.share_class}-shares at listing",
                f"{format_number(us, 6)} / {pct(up)}",
                implied_total_shares(us, up),
                refs,
            )
        )
    if case.market is not None:
        for i, lu in enumerate(case.market.lockups):
            if lu.shares is not None and lu.pct_of_total is not None:
                refs = (
                    cite(case, lu.shares, f"market.lockups[{i}].shares"),
                    cite(case, lu.pct_of_total, f"market.lockups[{i}].pct_of_total"),
                )
                bases.append(
                    ShareBasis(
                        f"implied by the {lu.date} lock-up expiry",
                        f"{format_number(lu.shares.base, 6)} / {pct(lu.pct_of_total.base)}",
                        implied_total_shares(lu.shares.base, lu.pct_of_total.base),
                        refs,
                    )
                )
    if so is not None:
        ref = cite(case, so, "capital.shares_outstanding")
        figures.append(ref)
        stated = ShareBasis(
            "capital.shares_outstanding (stated)", "as given", so.base, (ref,), primary=True
        )
        total = so.base
        bases = [stated, *bases]
    else:
        bases[0] = ShareBasis(
            bases[0].label, bases[0].formula, bases[0].total_shares, bases[0].figures, True
        )
        total = bases[0].total_shares
    # keep distinct totals only (the stated count often is one of the implied ones)
    distinct: list[ShareBasis] = []
    for b in bases:
        same = [
            d
            for d in distinct
            if abs(d.total_shares - b.total_shares) <= SAME_TOTAL_TOLERANCE * d.total_shares
        ]
        if same:
            d = same[0]
            distinct[distinct.index(d)] = ShareBasis(
                f"{d.label}; also {b.label}",
                d.formula if d.formula != "as given" else b.formula,
                d.total_shares,
                d.figures + b.figures,
                d.primary or b.primary,
            )
        else:
            distinct.append(b)
    if ff.unrestricted_shares is not None:
        unrestricted = ff.unrestricted_shares.base
        if ff.unrestricted_pct is None:
            figures.append(cite(case, ff.unrestricted_shares, f"{base_path}.unrestricted_shares"))
    else:
        assert ff.unrestricted_pct is not None
        unrestricted = ff.unrestricted_pct.base * total
        figures.append(cite(case, ff.unrestricted_pct, f"{base_path}.unrestricted_pct"))
    if unrestricted > total:
        raise ContradictoryInputError(
            f"{base_path}.unrestricted_shares: {format_number(unrestricted, 6)} unrestricted "
            "shares exceed "
            f"the {format_number(total, 6)} total shares"
        )
    return ShareCounts(total, unrestricted, ff.share_class, tuple(distinct), tuple(figures))


@dataclass(frozen=True)
class FloatRow:
    """The float on one share-count basis.

    Attributes
    ----------
    basis : ShareBasis
        How total shares are counted.
    float_pct : Decimal
        Free float / total shares (decimal).
    market_cap : dict of str to Money
        Price x total shares, by currency (totals).
    """

    basis: ShareBasis
    float_pct: Decimal
    market_cap: Mapping[str, Money]


@dataclass(frozen=True)
class FreeFloatResult:
    """Free float of a listed company on a date.

    Attributes
    ----------
    as_of : date
        Date of the float (the case date).
    share_class : str
        Listed share class.
    price : Money
        Share price (per share).
    total_shares : Decimal
        Primary total shares (count).
    float_at_listing : Decimal
        Unrestricted shares at listing (count).
    float_shares : Decimal
        Freely tradable shares on ``as_of`` (count): at listing plus lock-up expiries up to then.
    float_is_lower_bound : bool
        True when an expiry of unknown size has passed (the float is at least ``float_shares``).
    float_pct : Decimal
        ``float_shares / total_shares`` (decimal).
    float_value : dict of str to Money
        ``float_shares x price`` by currency (totals).
    market_cap : dict of str to Money
        ``total_shares x price`` by currency (totals).
    rows : tuple of FloatRow
        The float on every share-count basis.
    stated_max_pct : Decimal or None
        A source's upper bound on the share in circulation (decimal), when given.
    warnings : tuple of str
        Checks that failed (computed float above a stated bound, totals that disagree).
    figures : tuple of Cited
        Figures used.
    fx : tuple of FxRate
        FX rates used.
    """

    as_of: date
    share_class: str
    price: Money
    total_shares: Decimal
    float_at_listing: Decimal
    float_shares: Decimal
    float_is_lower_bound: bool
    float_pct: Decimal
    float_value: Mapping[str, Money]
    market_cap: Mapping[str, Money]
    rows: tuple[FloatRow, ...]
    stated_max_pct: Decimal | None = None
    warnings: tuple[str, ...] = ()
    figures: tuple[Cited, ...] = ()
    fx: tuple[FxRate, ...] = field(default_factory=tuple)

    def to_frame(self) -> Any:
        """Return the float table as a pandas DataFrame, one row per share-count basis.

        Returns
        -------
        pandas.DataFrame
            Columns: ``basis``, ``formula``, ``primary``, ``total_shares``, ``float_shares``
            (counts), ``float_pct`` (decimal), ``market_cap_<CCY>`` and ``float_value_<CCY>``
            (floats, totals).
        """
        import pandas as pd

        rows = []
        for r in self.rows:
            row: dict[str, Any] = {
                "basis": r.basis.label,
                "formula": r.basis.formula,
                "primary": r.basis.primary,
                "total_shares": float(r.basis.total_shares),
                "float_shares": float(self.float_shares),
                "float_pct": float(r.float_pct),
            }
            for ccy, m in r.market_cap.items():
                row[f"market_cap_{ccy}"] = float(m.amount)
            for ccy, m in self.float_value.items():
                row[f"float_value_{ccy}"] = float(m.amount)
            rows.append(row)
        return pd.DataFrame(rows)


def free_float(
    case: Case,
    counts: ShareCounts,
    price: Money,
    float_shares: Decimal,
    float_is_lower_bound: bool,
    fx: FxTable,
    currencies: Sequence[str],
) -> FreeFloatResult:
    """Compute the free float of a case on its as-of date, on every share-count basis.

    Parameters
    ----------
    case : Case
        The case (for its date and the stated upper bound on the float).
    counts : ShareCounts
        From :func:`share_counts`.
    price : Money
        Share price (per share).
    float_shares : Decimal
        Freely tradable shares on the case date (count), from the lock-up calendar.
    float_is_lower_bound : bool
        Whether ``float_shares`` is a lower bound (an expiry of unknown size has passed).
    fx : FxTable
        FX rates for the other currencies (at the case date).
    currencies : sequence of str
        Currencies to show values in (the price's currency first).

    Returns
    -------
    FreeFloatResult

    Raises
    ------
    ContradictoryInputError
        If the float exceeds total shares.
    FxRateMissingError
        If a conversion rate is unknown.
    """
    rates: dict[str, FxRate] = {}

    def conv(m: Money) -> dict[str, Money]:
        out = {}
        for c in currencies:
            r = fx.rate(m.currency, c, case.as_of)
            if r.base != r.quote:
                rates[c] = r
            out[c] = Money(m.amount * r.rate, c)
        return out

    rows = tuple(
        FloatRow(b, float_pct(float_shares, b.total_shares), conv(price * b.total_shares))
        for b in counts.bases
    )
    fpct = float_pct(float_shares, counts.total_shares)
    warnings: list[str] = []
    ff = case.market.free_float if case.market else None
    stated = ff.circulating_pct_max if ff else None
    figures = list(counts.figures)
    if stated is not None:
        figures.append(cite(case, stated, "market.free_float.circulating_pct_max"))
        if fpct > stated.base:
            warnings.append(
                f"computed float {pct(fpct)} on {case.as_of} is above the stated upper bound "
                f"{pct(stated.base)}"
            )
    totals = [b.total_shares for b in counts.bases]
    if len(totals) > 1:
        warnings.append(
            f"the figures imply {len(totals)} different share totals, from "
            f"{format_number(min(totals), 6)} to {format_number(max(totals), 6)} "
            f"({(max(totals) / min(totals) - 1) * 100:.2f}% apart); "
            "every basis is shown"
        )
    return FreeFloatResult(
        as_of=case.as_of,
        share_class=counts.share_class,
        price=price,
        total_shares=counts.total_shares,
        float_at_listing=counts.unrestricted_at_listing,
        float_shares=float_shares,
        float_is_lower_bound=float_is_lower_bound,
        float_pct=fpct,
        float_value=conv(float_value(float_shares, price)),
        market_cap=conv(price * counts.total_shares),
        rows=rows,
        stated_max_pct=stated.base if stated else None,
        warnings=tuple(warnings),
        figures=tuple(figures),
        fx=tuple(rates.values()),
    )

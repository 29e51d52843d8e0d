"""Lock-up calendar: dated lock-up expiries and the tradable shares over time.

At a lock-up expiry, shares held under an IPO lock-up become freely tradable, so the free float
after the expiry = the float before it + the shares released. The share of the float an expiry
adds (shares released / float before it) measures the supply shock relative to what trades today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain import Case
from ..errors import (
    MSG_DATE_BEFORE_LISTING,
    MSG_MISSING_MARKET_FIGURES,
    MSG_UNLOCK_EXCEEDS_LOCKED,
    ContradictoryInputError,
    MissingFigureError,
)
from ..money import Money, format_number
from ._common import Cited, cite
from ._float import ShareCounts

__all__ = ["LockUpCalendar", "LockUpRow", "float_after_unlocks", "lockup_calendar"]


def float_after_unlocks(unrestricted: Decimal, unlocks: Iterable[Decimal]) -> Decimal:
    """Free float after a series of lock-up expiries.

    Parameters
    ----------
    unrestricted : Decimal
        Freely tradable shares before the expiries (count), non-negative.
    unlocks : iterable of Decimal
        Shares released by each expiry (count), each non-negative.

    Returns
    -------
    Decimal
        ``unrestricted + sum(unlocks)`` (count). Never below ``unrestricted``.

    Raises
    ------
    ContradictoryInputError
        If a count is negative (an expiry cannot lock shares up again).

    Examples
    --------
    >>> float_after_unlocks(Decimal(10), [Decimal(5), Decimal(2)])
    Decimal('17')
    """
    if unrestricted < 0:
        raise ContradictoryInputError(f"unrestricted shares cannot be negative, got {unrestricted}")
    total = unrestricted
    for u in unlocks:
        if u < 0:
            raise ContradictoryInputError(
                f"a lock-up expiry cannot release a negative number of shares ({u})"
            )
        total += u
    return total


@dataclass(frozen=True)
class LockUpRow:
    """One lock-up expiry.

    Attributes
    ----------
    date : date
        Expiry date.
    label : str
        Short name.
    size_known : bool
        False when the source gives no size.
    shares : Decimal or None
        Shares released (count); ``None`` when unknown. Derived as % x total when only a % is given.
    shares_min : Decimal or None
        Lower bound on the shares released, for an unknown size.
    pct_of_total : Decimal or None
        ``shares / total shares`` (decimal; of the lower bound when the size is unknown).
    stated_pct : Decimal or None
        The % the source states, when given.
    float_before, float_after : Decimal
        Free float just before and after the expiry (count; lower bounds when flagged).
    float_after_is_lower_bound : bool
        True when this or an earlier expiry has an unknown size.
    pct_of_float : Decimal or None
        ``shares / float_before`` (decimal): the supply added relative to today's float.
    value : Money or None
        ``shares x current price`` (total), the value released at today's price.
    figures : tuple of Cited
        Figures used.
    note : str or None
        The event's note.
    """

    date: date
    label: str
    size_known: bool
    shares: Decimal | None
    shares_min: Decimal | None
    pct_of_total: Decimal | None
    stated_pct: Decimal | None
    float_before: Decimal
    float_after: Decimal
    float_after_is_lower_bound: bool
    pct_of_float: Decimal | None
    value: Money | None
    figures: tuple[Cited, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class LockUpCalendar:
    """The lock-up expiries of a listed company and its tradable shares over time.

    Attributes
    ----------
    listing_date : date or None
        First trading day.
    total_shares : Decimal
        Total shares (count) the % columns refer to.
    unrestricted_at_listing : Decimal
        Freely tradable shares at listing (count).
    price : Money
        Current share price (per share), for the value released.
    rows : tuple of LockUpRow
        Expiries in date order.
    """

    listing_date: date | None
    total_shares: Decimal
    unrestricted_at_listing: Decimal
    price: Money
    rows: tuple[LockUpRow, ...]

    @property
    def locked_at_listing(self) -> Decimal:
        """Shares under lock-up at listing (count)."""
        return self.total_shares - self.unrestricted_at_listing

    def float_at(self, on: date) -> tuple[Decimal, bool]:
        """Freely tradable shares on a date (expiries on that date count as released).

        Parameters
        ----------
        on : date
            The date.

        Returns
        -------
        tuple of (Decimal, bool)
            Shares (count) and whether that is a lower bound (an expiry of unknown size passed).
        """
        shares, lower = self.unrestricted_at_listing, False
        for r in self.rows:
            if r.date <= on:
                shares, lower = r.float_after, r.float_after_is_lower_bound
        return shares, lower

    def timeline(self) -> list[tuple[date | None, Decimal, bool]]:
        """Return the steps of tradable shares ``(date, shares after, lower bound?)``.

        Returns
        -------
        list of tuple
            The first entry is the listing (``listing_date``, unrestricted shares, False).
        """
        out: list[tuple[date | None, Decimal, bool]] = [
            (self.listing_date, self.unrestricted_at_listing, False)
        ]
        out += [(r.date, r.float_after, r.float_after_is_lower_bound) for r in self.rows]
        return out

    def to_frame(self) -> Any:
        """Return the lock-up calendar as a pandas DataFrame, one row per expiry.

        Returns
        -------
        pandas.DataFrame
            Columns: ``date``, ``label``, ``size_known``, ``shares``, ``shares_min`` (counts,
            NaN when unknown), ``pct_of_total``, ``pct_of_float`` (decimals), ``value`` (float,
            total, in ``currency``), ``currency``, ``float_before``, ``float_after`` (counts),
            ``float_after_is_lower_bound``.
        """
        import pandas as pd

        def f(x: Decimal | None) -> float | None:
            return None if x is None else float(x)

        rows = [
            {
                "date": r.date,
                "label": r.label,
                "size_known": r.size_known,
                "shares": f(r.shares),
                "shares_min": f(r.shares_min),
                "pct_of_total": f(r.pct_of_total),
                "pct_of_float": f(r.pct_of_float),
                "value": None if r.value is None else float(r.value.amount),
                "currency": self.price.currency,
                "float_before": float(r.float_before),
                "float_after": float(r.float_after),
                "float_after_is_lower_bound": r.float_after_is_lower_bound,
            }
            for r in self.rows
        ]
        cols = [
            "date",
            "label",
            "size_known",
            "shares",
            "shares_min",
            "pct_of_total",
            "pct_of_float",
            "value",
            "currency",
            "float_before",
            "float_after",
            "float_after_is_lower_bound",
        ]
        return pd.DataFrame(rows, columns=cols)


def lockup_calendar(case: Case, counts: ShareCounts, price: Money) -> LockUpCalendar:
    """Build the lock-up calendar of a case.

    Parameters
    ----------
    case : Case
        Its ``market.lockups`` (any order) and ``company.listing_date``.
    counts : ShareCounts
        Total and unrestricted shares (from :func:`~anchorval.market.share_counts`).
    price : Money
        Current share price (per share).

    Returns
    -------
    LockUpCalendar
        Expiries in date order. An expiry given only as a % of total gets shares = % x total.

    Raises
    ------
    MissingFigureError
        If there are expiries but no ``company.listing_date``.
    ContradictoryInputError
        If an expiry is dated before the listing, or the expiries release more shares (counting
        lower bounds of unknown sizes) than were locked at listing.
    """
    lockups = case.market.lockups if case.market else ()
    listing = case.company.listing_date
    if lockups and listing is None:
        raise MissingFigureError(
            MSG_MISSING_MARKET_FIGURES.format(
                case=case.id, needed_by="lock-up calendar", fields="company.listing_date"
            )
        )
    total = counts.total_shares
    order = sorted(range(len(lockups)), key=lambda i: lockups[i].date)
    float_now, lower = counts.unrestricted_at_listing, False
    released = Decimal(0)
    rows: list[LockUpRow] = []
    for i in order:
        lu = lockups[i]
        path = f"market.lockups[{i}]"
        if listing is not None and lu.date < listing:
            raise ContradictoryInputError(
                MSG_DATE_BEFORE_LISTING.format(field=f"{path}.date", date=lu.date, listing=listing)
            )
        refs: list[Cited] = []
        shares: Decimal | None = None
        if lu.shares is not None:
            shares = lu.shares.base
            refs.append(cite(case, lu.shares, f"{path}.shares"))
        if lu.pct_of_total is not None:
            refs.append(cite(case, lu.pct_of_total, f"{path}.pct_of_total"))
            if shares is None:
                shares = lu.pct_of_total.base * total
        smin = lu.shares_min.base if lu.shares_min is not None else None
        if lu.shares_min is not None:
            refs.append(cite(case, lu.shares_min, f"{path}.shares_min"))
        added = shares if shares is not None else (smin or Decimal(0))
        released += added
        if released > counts.locked_at_listing:
            raise ContradictoryInputError(
                MSG_UNLOCK_EXCEEDS_LOCKED.format(
                    field=f"{path}.shares",
                    unlocked=format_number(released, 6),
                    locked=format_number(counts.locked_at_listing, 6),
                    total=format_number(total, 6),
                    unrestricted=format_number(counts.unrestricted_at_listing, 6),
                )
            )
        before = float_now
        float_now = float_after_unlocks(before, [added])
        lower = lower or shares is None
        rows.append(
            LockUpRow(
                date=lu.date,
                label=lu.label,
                size_known=shares is not None,
                shares=shares,
                shares_min=smin,
                pct_of_total=(added / total) if (shares is not None or smin is not None) else None,
                stated_pct=lu.pct_of_total.base if lu.pct_of_total is not None else None,
                float_before=before,
                float_after=float_now,
                float_after_is_lower_bound=lower,
                pct_of_float=(added / before)
                if before > 0 and (shares is not None or smin)
                else None,
                value=price * shares
                if shares is not None
                else (price * smin if smin is not None else None),
                figures=tuple(refs),
                note=lu.note,
            )
        )
    return LockUpCalendar(listing, total, counts.unrestricted_at_listing, price, tuple(rows))

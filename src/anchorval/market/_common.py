"""Shared pieces of the market package: citations, period arithmetic, percent formatting."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..domain import (
    ASSUMPTION_PUBLISHER,
    ASSUMPTION_SOURCE_ID,
    Case,
    Figure,
    FigureRef,
    is_assumption_source,
)

__all__ = [
    "ASSUMPTION_PUBLISHER",
    "ASSUMPTION_SOURCE_ID",
    "Cited",
    "add_months",
    "cite",
    "is_assumption",
    "pct",
    "periods_between",
]

PERIOD_MONTHS = {"year": 12, "quarter": 3}


@dataclass(frozen=True)
class Cited(FigureRef):
    """A case figure as used in a market-structure result: a FigureRef with a compact citation."""

    def citation(self) -> str:
        """One line: ``'path = value (source id, as of date)'``."""
        tag = " ASSUMPTION" if self.assumption and self.source_id != ASSUMPTION_SOURCE_ID else ""
        return f"{self.path} = {self.display} ({self.source_id}{tag}, as of {self.as_of})"


def is_assumption(case: Case, source_id: str) -> bool:
    """Tell whether ``source_id`` names the case author's assumptions rather than a document.

    Parameters
    ----------
    case : Case
        The case declaring the source.
    source_id : str
        Source id.

    Returns
    -------
    bool
        ``source_id == 'assumption'`` or the source's publisher is the case author.
    """
    return is_assumption_source(source_id, case.sources.get(source_id))


def cite(case: Case, fig: Figure, path: str) -> Cited:
    """Cite one figure of ``case`` at ``path``.

    Parameters
    ----------
    case : Case
        Case that holds the figure (its sources are checked at load time).
    fig : Figure
        The figure.
    path : str
        Dotted path of the figure.

    Returns
    -------
    Cited
    """
    return Cited(
        case_id=case.id,
        path=path,
        display=fig.display(),
        as_of=fig.as_of,
        source_id=fig.source,
        source=case.sources[fig.source],
        note=fig.note,
        assumption=is_assumption(case, fig.source),
        kind=fig.provenance,
    )


def add_months(d: date, months: int) -> date:
    """Add calendar months, clamping the day to the month's end (2025-12-31 + 3 -> 2026-03-31).

    Parameters
    ----------
    d : date
        Start date.
    months : int
        Months to add (may be negative).

    Returns
    -------
    date
    """
    y, m0 = divmod(d.month - 1 + months, 12)
    y += d.year
    last = calendar.monthrange(y, m0 + 1)[1]
    day = last if d.day == calendar.monthrange(d.year, d.month)[1] else min(d.day, last)
    return date(y, m0 + 1, day)


def periods_between(start: date, end: date, period: str) -> int:
    """Whole periods from ``start`` to ``end`` (floor), for ``period`` in ``{'year', 'quarter'}``.

    Parameters
    ----------
    start, end : date
        Dates; ``end`` before ``start`` gives a negative count.
    period : {'year', 'quarter'}
        Period length.

    Returns
    -------
    int
        Largest ``k`` with ``add_months(start, k * months) <= end`` (for ``end >= start``).

    Raises
    ------
    KeyError
        If ``period`` is not ``'year'`` or ``'quarter'``.
    """
    step = PERIOD_MONTHS[period]
    months = (end.year - start.year) * 12 + (end.month - start.month)
    k = months // step
    while k > 0 and add_months(start, k * step) > end:
        k -= 1
    return k


def pct(x: Decimal | None, digits: int = 2) -> str:
    """Format a decimal share as a percent (``0.0267`` -> ``'2.67%'``); None -> ``'n/a'``."""
    if x is None:
        return "n/a"
    return f"{x * 100:,.{digits}f}%"

"""Venue conventions: how a pre-IPO perpetual's price maps to a company valuation.

Pure functions of frozen inputs (no I/O). Three conventions exist in the field:

=====================  ==============================================  =========================
kind                   valuation                                       example
=====================  ==============================================  =========================
``reference_shares``   price x the venue's reference share count       Binance: 1 billion shares
``valuation_per_1e9``  price x 1e9 (the price *is* valuation / 1e9)     Ventuals on Hyperliquid
``per_share``          price x a share count the user supplies;        trade[XYZ] IPO perps
                       the venue starts from an initial reference price
=====================  ==============================================  =========================

A venue that changes its reference share count and rescales the contract records a dated
:class:`Rebase`; it applies to prices on and after its date only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ..errors import MissingFigureError

__all__ = [
    "CONVENTIONS",
    "DEFAULT_DISAGREEMENT",
    "DEFAULT_MAX_AGE_SECONDS",
    "DEFAULT_MIN_VOLUME_RATIO",
    "QualityFlag",
    "Rebase",
    "VenueComparison",
    "VenueConvention",
    "VenueImplied",
    "compare_venues",
    "convention_for",
    "quality_flags",
]

ONE_BILLION = Decimal(10) ** 9
#: Flag a quote older than this, in seconds (15 minutes).
DEFAULT_MAX_AGE_SECONDS = 900
#: Flag 24h volume below this fraction of the implied valuation (1e-4 = 0.01%).
DEFAULT_MIN_VOLUME_RATIO = Decimal("1e-4")
#: Flag venues whose implied valuations differ by more than this (max/min - 1; 0.05 = 5%).
DEFAULT_DISAGREEMENT = Decimal("0.05")


@dataclass(frozen=True)
class Rebase:
    """A dated change of a venue's reference share count (the contract is rescaled).

    Attributes
    ----------
    effective : date
        First day the new count applies (UTC date of the quote).
    factor : Decimal
        New reference shares / old (1.1 = 10% more shares; the price falls by 1/1.1).
    source : str
        Venue notice announcing it.
    note : str
        What changed.
    """

    effective: date
    factor: Decimal
    source: str
    note: str = ""


@dataclass(frozen=True)
class VenueConvention:
    """How one venue's (or one market's) price maps to a valuation.

    Attributes
    ----------
    venue : str
        Provider name (``'binance'``).
    symbol : str
        Venue symbol, ``'dex:*'`` for every market of a Hyperliquid builder dex, or ``'*'``.
    kind : {'reference_shares', 'valuation_per_1e9', 'per_share'}
        See the module docstring.
    reference_shares : Decimal or None
        Share count (count) for ``reference_shares`` (and ``per_share`` when known).
    initial_reference_price : Decimal or None
        The venue's launch reference price per share (``per_share`` venues), for display.
    rebases : tuple of Rebase
        Dated rescalings, any order.
    source : str
        Where the convention is documented.
    note : str
        Caveats.
    """

    venue: str
    symbol: str
    kind: Literal["reference_shares", "valuation_per_1e9", "per_share"]
    source: str
    reference_shares: Decimal | None = None
    initial_reference_price: Decimal | None = None
    rebases: tuple[Rebase, ...] = ()
    note: str = ""

    def multiplier(self, on: date, shares: Decimal | None = None) -> Decimal:
        """Valuation per unit of price on ``on`` (count): base count x every rebase up to ``on``.

        Parameters
        ----------
        on : date
            Date of the price (a rebase applies on and after its ``effective`` date).
        shares : Decimal, optional
            Share count for ``per_share`` venues without a ``reference_shares``.

        Returns
        -------
        Decimal
            Shares the price is multiplied by (1e9 for Binance and Ventuals).

        Raises
        ------
        MissingFigureError
            For a ``per_share`` venue when no share count is known.
        """
        if self.kind == "valuation_per_1e9":
            base = ONE_BILLION
        else:
            base = self.reference_shares if self.reference_shares is not None else shares
            if base is None:
                raise MissingFigureError(
                    f"{self.venue} {self.symbol}: a per-share venue needs the company's share "
                    "count "
                    "to turn price into valuation (give reference_shares in the case)"
                )
        for r in sorted(self.rebases, key=lambda r: r.effective):
            if r.effective <= on:
                base *= r.factor
        return base

    def implied_valuation(self, price: Decimal, on: date, shares: Decimal | None = None) -> Decimal:
        """Price (per contract unit, quote currency) x :meth:`multiplier` = valuation (total).

        Examples
        --------
        >>> c = convention_for("hyperliquid", "vntl:ANTHROPIC")
        >>> c.implied_valuation(Decimal("1718"), date(2026, 6, 22))
        Decimal('1718000000000')
        """
        return price * self.multiplier(on, shares)


_BLOCKBEATS = (
    "Binance launch notice for ANTHROPICUSDT (2026-06-02) as relayed by BlockBeats, 2026-06-22: "
    "1 billion reference shares, 'for reference only'"
)
_HYPERHUB = (
    "hyperhub.xyz, 'Pre-IPO perps: trade[XYZ] vs Ventuals' (protocol docs captured 2026-05-06): "
    "Ventuals contract price = valuation / 1B; trade[XYZ] IPO perps track a per-share price "
    "from an "
    "Initial Reference Price"
)

#: The conventions table. Extend it by passing ``conventions=`` to the functions below.
CONVENTIONS: tuple[VenueConvention, ...] = (
    VenueConvention("binance", "ANTHROPICUSDT", "reference_shares", _BLOCKBEATS, reference_shares=ONE_BILLION),
    VenueConvention(
        "binance",
        "*",
        "reference_shares",
        _BLOCKBEATS,
        reference_shares=ONE_BILLION,
        note="assumed to follow ANTHROPICUSDT's 1 billion reference shares; check the notice",
    ),
    VenueConvention("hyperliquid", "vntl:*", "valuation_per_1e9", _HYPERHUB),
    VenueConvention(
        "hyperliquid",
        "xyz:*",
        "per_share",
        _HYPERHUB,
        note="per-share price: needs the company's share count to give a valuation",
    ),
)


def convention_for(venue: str, symbol: str, conventions: Iterable[VenueConvention] | None = None) -> VenueConvention:
    """Find the convention for a market: exact symbol, then ``dex:*``, then the venue's ``*``.

    Parameters
    ----------
    venue : str
        Provider name (``'binance'``, ``'hyperliquid'``), any case.
    symbol : str
        The venue's symbol (``'ANTHROPICUSDT'``, ``'vntl:ANTHROPIC'``).
    conventions : iterable of VenueConvention, optional
        Table to search (default: the bundled :data:`CONVENTIONS`, each entry citing its source).

    Returns
    -------
    VenueConvention
        How a contract price maps to a company valuation (reference shares per contract unit
        and their effective dates).

    Raises
    ------
    MissingFigureError
        If the table has no entry for the venue.

    Examples
    --------
    >>> convention_for("binance", "OPENAIUSDT").reference_shares
    Decimal('1000000000')
    """
    table = tuple(conventions) if conventions is not None else CONVENTIONS
    venue = venue.lower()
    dex = symbol.rpartition(":")[0]
    for want in (symbol, f"{dex}:*" if dex else None, "*"):
        for c in table:
            if c.venue == venue and want is not None and c.symbol == want:
                return c
    raise MissingFigureError(
        f"no venue convention for {venue} {symbol}; known: " + ", ".join(f"{c.venue} {c.symbol}" for c in table)
    )


@dataclass(frozen=True)
class VenueImplied:
    """One venue's implied valuation.

    Attributes
    ----------
    venue, symbol : str
    price : Decimal
        Price used (quote currency per contract unit).
    currency : str
        Quote currency of the price and of ``valuation``.
    multiplier : Decimal
        Shares the price was multiplied by (after rebases).
    valuation : Decimal
        Implied valuation (total, ``currency``).
    time : datetime
        Quote time.
    convention : VenueConvention
    """

    venue: str
    symbol: str
    price: Decimal
    currency: str
    multiplier: Decimal
    valuation: Decimal
    time: datetime
    convention: VenueConvention


@dataclass(frozen=True)
class VenueComparison:
    """Implied valuations side by side, with the spread between venues.

    Attributes
    ----------
    rows : tuple of VenueImplied
    spread : Decimal
        max / min of the valuations (1 for a single venue).
    """

    rows: tuple[VenueImplied, ...]
    spread: Decimal

    def to_frame(self):  # noqa: ANN201 - pandas imported lazily
        """One row per venue: venue, symbol, price, currency, multiplier, valuation, time."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "venue": r.venue,
                    "symbol": r.symbol,
                    "price": r.price,
                    "currency": r.currency,
                    "multiplier": r.multiplier,
                    "valuation": r.valuation,
                    "time": r.time,
                }
                for r in self.rows
            ]
        )


def compare_venues(
    quotes: Sequence[tuple[str, str, Decimal, str, datetime]],
    conventions: Iterable[VenueConvention] | None = None,
    shares: Mapping[str, Decimal] | None = None,
) -> VenueComparison:
    """Implied valuation per venue and the spread between them.

    Parameters
    ----------
    quotes : sequence of (venue, symbol, price, currency, time)
        Prices per contract unit in their quote currency; ``time`` is the quote time (UTC).
    conventions : iterable of VenueConvention, optional
        Table to use (default :data:`CONVENTIONS`).
    shares : mapping of str to Decimal, optional
        Share counts for per-share venues, keyed ``'venue:symbol'``.

    Returns
    -------
    VenueComparison
        Valuations in each quote's own currency (USDT and USDC are not converted here).

    Raises
    ------
    ValueError
        If ``quotes`` is empty.
    MissingFigureError
        If a venue has no convention or a per-share venue no share count.
    """
    if not quotes:
        raise ValueError("compare_venues needs at least one quote")
    rows = []
    for venue, symbol, price, ccy, when in quotes:
        c = convention_for(venue, symbol, conventions)
        m = c.multiplier(when.date(), (shares or {}).get(f"{venue}:{symbol}"))
        rows.append(VenueImplied(venue, symbol, price, ccy, m, price * m, when, c))
    vals = [r.valuation for r in rows]
    return VenueComparison(tuple(rows), max(vals) / min(vals) if min(vals) > 0 else Decimal("Infinity"))


@dataclass(frozen=True)
class QualityFlag:
    """A data-quality warning about live quotes.

    Attributes
    ----------
    kind : {'stale', 'thin_volume', 'venues_disagree'}
    subject : str
        ``'venue symbol'`` or ``'venues'``.
    message : str
        One line for people.
    """

    kind: Literal["stale", "thin_volume", "venues_disagree"]
    subject: str
    message: str


def _age(seconds: float) -> str:
    """Human age: ``'42 s'``, ``'15 min'``, ``'1.0 h'``, ``'152.1 days'``."""
    if seconds >= 86400:
        return f"{seconds / 86400:,.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


@dataclass(frozen=True)
class _Q:
    venue: str
    symbol: str
    time: datetime
    volume_quote_24h: Decimal | None
    valuation: Decimal


def quality_flags(
    rows: Sequence[tuple[str, str, datetime, Decimal | None, Decimal]],
    now: datetime,
    max_age_seconds: float = DEFAULT_MAX_AGE_SECONDS,
    min_volume_ratio: Decimal = DEFAULT_MIN_VOLUME_RATIO,
    max_disagreement: Decimal = DEFAULT_DISAGREEMENT,
) -> list[QualityFlag]:
    """Flag stale quotes, thin volume and venues that disagree.

    Parameters
    ----------
    rows : sequence of (venue, symbol, time, volume_quote_24h, valuation)
        Quote time (aware UTC), 24h traded value and implied valuation in one currency (totals).
    now : datetime
        Reference time (aware UTC).
    max_age_seconds : float
        A quote older than this is stale (default 900 s).
    min_volume_ratio : Decimal
        24h volume / valuation below this is thin (default 1e-4).
    max_disagreement : Decimal
        max/min valuation - 1 above this means the venues disagree (default 0.05 = 5%).

    Returns
    -------
    list of QualityFlag
        Empty when nothing is wrong.

    Examples
    --------
    >>> from datetime import UTC
    >>> t = datetime(2026, 6, 22, tzinfo=UTC)
    >>> row = ("binance", "X", t, Decimal("1e6"), Decimal("1.718e12"))
    >>> [f.kind for f in quality_flags([row], t)]
    ['thin_volume']
    """
    out: list[QualityFlag] = []
    qs = [_Q(*r) for r in rows]
    for q in qs:
        subj = f"{q.venue} {q.symbol}"
        age = (now - q.time).total_seconds()
        if age > max_age_seconds:
            out.append(
                QualityFlag(
                    "stale",
                    subj,
                    f"{subj}: quote is {_age(age)} old (limit {_age(max_age_seconds)}), from {q.time.isoformat()}",
                )
            )
        if q.volume_quote_24h is not None and q.valuation > 0:
            ratio = q.volume_quote_24h / q.valuation
            if ratio < min_volume_ratio:
                out.append(
                    QualityFlag(
                        "thin_volume",
                        subj,
                        f"{subj}: 24h volume is {ratio:.1e} of the implied valuation "
                        f"(limit {min_volume_ratio:.0e}); "
                        "the price moves on very little money",
                    )
                )
    vals = [q.valuation for q in qs if q.valuation > 0]
    if len(vals) > 1:
        gap = max(vals) / min(vals) - 1
        if gap > max_disagreement:
            out.append(
                QualityFlag(
                    "venues_disagree",
                    "venues",
                    f"venues disagree by {gap:.1%} (limit {max_disagreement:.0%}): "
                    + ", ".join(f"{q.venue} {q.valuation:.4g}" for q in qs),
                )
            )
    return out


_ = field

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
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..domain import Case

from ..errors import MSG_NO_CONVENTION, MissingFigureError, UnknownConventionError

__all__ = [
    "CONVENTIONS",
    "DEFAULT_DISAGREEMENT",
    "DEFAULT_FUNDING_HOURS",
    "DEFAULT_MAX_PREMIUM",
    "PerpReading",
    "PerpReadings",
    "annualised_funding",
    "read_perps",
    "DEFAULT_MAX_AGE_SECONDS",
    "DEFAULT_MIN_VOLUME_RATIO",
    "QualityFlag",
    "Rebase",
    "VenueComparison",
    "VenueConvention",
    "VenueImplied",
    "compare_venues",
    "convention_for",
    "conventions_from_case",
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

    @classmethod
    def to_count(cls, effective: date, old: Decimal, new: Decimal, source: str, note: str = "") -> Rebase:
        """Build a rebase from ``old`` to ``new`` reference shares (counts); factor = new / old.

        Examples
        --------
        >>> Rebase.to_count(date(2026, 9, 1), Decimal("11.87e9"), Decimal("13.08e9"), "notice").factor
        Decimal('1.101937657961246840775063184')
        """
        if old <= 0 or new <= 0:
            raise ValueError(f"reference share counts must be positive, got {old} -> {new}")
        return cls(effective, new / old, source, note or f"{old:,.0f} -> {new:,.0f} reference shares")


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
    valid_from : date or None
        First quote date the entry applies to (None: since the market launched). A later entry
        for the same symbol takes over from its own ``valid_from``.
    assumption : bool
        True when no source states the convention (reports label it ASSUMPTION).
    """

    venue: str
    symbol: str
    kind: Literal["reference_shares", "valuation_per_1e9", "per_share"]
    source: str
    reference_shares: Decimal | None = None
    initial_reference_price: Decimal | None = None
    rebases: tuple[Rebase, ...] = ()
    note: str = ""
    valid_from: date | None = None
    assumption: bool = False

    @property
    def basis(self) -> str:
        """Short description of the share basis (``'1e9 reference shares'``, ``'valuation/1e9'``)."""
        if self.kind == "valuation_per_1e9":
            return "price = valuation / 1e9"
        if self.reference_shares is None:
            return f"{self.kind} (share count from the case)"
        return f"{self.kind} x {self.reference_shares:,.0f} shares"

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
                    "count to turn price into valuation (add a 'venue_conventions:' entry with "
                    "kind: per_share and reference_shares: the count, with its source, to the case)"
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

#: The bundled registry: only entries a source supports. Binance's ANTHROPICUSDT is the source
#: articles' own example (BlockBeats, 2026-06-22); the Hyperliquid builder-dex rules are the
#: protocols' documented conventions as compared by hyperhub.xyz. There is deliberately no
#: venue-wide default: a contract that no entry covers is an error that says how to add one
#: (``venue_conventions:`` in a case file, see :func:`conventions_from_case`).
CONVENTIONS: tuple[VenueConvention, ...] = (
    VenueConvention(
        "binance",
        "ANTHROPICUSDT",
        "reference_shares",
        _BLOCKBEATS,
        reference_shares=ONE_BILLION,
        valid_from=date(2026, 6, 2),
    ),
    VenueConvention("hyperliquid", "vntl:*", "valuation_per_1e9", _HYPERHUB),
    VenueConvention(
        "hyperliquid",
        "xyz:*",
        "per_share",
        _HYPERHUB,
        note="per-share price: needs the company's share count (a per_share entry with a stated count)",
    ),
)


def convention_for(
    venue: str,
    symbol: str,
    conventions: Iterable[VenueConvention] | None = None,
    on: date | None = None,
) -> VenueConvention:
    """Find the dated convention of a market: exact symbol first, then a builder dex's ``dex:*`` rule.

    Parameters
    ----------
    venue : str
        Provider name (``'binance'``, ``'hyperliquid'``, ``'okx'``), any case.
    symbol : str
        The venue's symbol (``'ANTHROPICUSDT'``, ``'vntl:ANTHROPIC'``).
    conventions : iterable of VenueConvention, optional
        Table to search (default: the bundled :data:`CONVENTIONS`). Entries listed first win
        over later ones with the same symbol and ``valid_from`` (so a case's own entries,
        put first by :func:`conventions_from_case`, override the bundled ones).
    on : date, optional
        Quote date: among entries for the same symbol, the one with the latest ``valid_from``
        on or before it applies (default: the latest entry).

    Returns
    -------
    VenueConvention
        How a contract price maps to a company valuation (reference shares per contract unit
        and their effective dates).

    Raises
    ------
    UnknownConventionError
        (a ``MissingFigureError``) If no entry covers the symbol (on that date); the message says
        how to add one in a case file. There is no venue-wide default.

    Examples
    --------
    >>> convention_for("binance", "ANTHROPICUSDT").reference_shares
    Decimal('1000000000')
    >>> convention_for("binance", "OPENAIUSDT")
    Traceback (most recent call last):
    ...
    anchorval.errors.UnknownConventionError: no price convention for binance OPENAIUSDT: ...
    """
    table = tuple(conventions) if conventions is not None else CONVENTIONS
    venue = venue.lower()
    dex = symbol.rpartition(":")[0]
    for want in (symbol, f"{dex}:*" if dex else None):
        if want is None:
            continue
        hits = [c for c in table if c.venue == venue and c.symbol == want]
        if on is not None:
            hits = [c for c in hits if c.valid_from is None or c.valid_from <= on]
        if hits:
            # latest valid_from wins; among equals, the first listed (stable sort)
            return sorted(hits, key=lambda c: c.valid_from or date.min, reverse=True)[0]
    when = f" on {on.isoformat()}" if on is not None else ""
    raise UnknownConventionError(MSG_NO_CONVENTION.format(venue=venue, symbol=symbol, when=when))


def conventions_from_case(case: Case) -> tuple[VenueConvention, ...]:
    """List the case's own ``venue_conventions`` entries, then the bundled :data:`CONVENTIONS`.

    Each case entry keeps its source id and the source's title; an entry citing the case's
    assumption source (or marked ``assumption: true``) is an assumption.

    Parameters
    ----------
    case : Case
        A case, possibly with ``venue_conventions``.

    Returns
    -------
    tuple of VenueConvention
        Case entries first (they win over bundled entries for the same symbol).

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> conventions_from_case(resolve_case("anthropic-2026-06").case) == CONVENTIONS
    True
    """
    out: list[VenueConvention] = []
    for spec in getattr(case, "venue_conventions", ()) or ():
        src = case.sources.get(spec.source)
        cite = f"{spec.source}: {src.title}" if src is not None else spec.source
        shares = spec.reference_shares.base if spec.reference_shares is not None else None
        from ..domain import is_assumption_source

        assumed = spec.assumption or is_assumption_source(spec.source, src)
        entry = VenueConvention(
            spec.venue.lower(),
            spec.symbol,
            spec.kind,
            cite,
            reference_shares=shares,
            note=spec.note or "",
            valid_from=spec.valid_from,
            assumption=assumed,
        )
        out.append(entry)
        for r in sorted(spec.rebases, key=lambda r: r.effective):
            rsrc = case.sources.get(r.source)
            # a rebase is a dated entry of its own: the new count, exactly, from its date on
            out.append(
                replace(
                    entry,
                    reference_shares=r.reference_shares.base,
                    valid_from=r.effective,
                    source=f"{r.source}: {rsrc.title}" if rsrc is not None else r.source,
                    note=f"rebase from {entry.reference_shares:,.0f} reference shares"
                    if entry.reference_shares
                    else "rebase",
                )
            )
            entry = out[-1]
    return (*out, *CONVENTIONS)


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
        c = convention_for(venue, symbol, conventions, on=when.date())
        m = c.multiplier(when.date(), (shares or {}).get(f"{venue}:{symbol}"))
        rows.append(VenueImplied(venue, symbol, price, ccy, m, price * m, when, c))
    vals = [r.valuation for r in rows]
    return VenueComparison(tuple(rows), max(vals) / min(vals) if min(vals) > 0 else Decimal("Infinity"))


@dataclass(frozen=True)
class QualityFlag:
    """A data-quality warning about live quotes.

    Attributes
    ----------
    kind : str
        One of 'stale', 'thin_volume', 'venues_disagree', 'premium', 'share_bases_differ',
        'assumed_convention', 'no_convention', 'thin_book'.
    subject : str
        ``'venue symbol'`` or ``'venues'``.
    message : str
        One line for people.
    """

    kind: Literal[
        "stale",
        "thin_volume",
        "venues_disagree",
        "premium",
        "share_bases_differ",
        "assumed_convention",
        "no_convention",
        "thin_book",
    ]
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


#: Flag a mark more than this above or below the index (mark / index - 1; 0.02 = 2%).
DEFAULT_MAX_PREMIUM = Decimal("0.02")
#: Funding interval assumed when the venue does not say, in hours (8 h, Binance's default).
DEFAULT_FUNDING_HOURS = Decimal(8)
HOURS_PER_YEAR = Decimal(24 * 365)


def annualised_funding(rate: Decimal, interval_hours: Decimal) -> Decimal:
    """Annualise a funding rate simply: rate per interval x intervals per year (365 days, no compounding).

    Parameters
    ----------
    rate : Decimal
        Funding rate per interval, decimal (0.0001 = 0.01%).
    interval_hours : Decimal
        Hours between funding payments (8 on Binance, 1 on Hyperliquid).

    Returns
    -------
    Decimal
        Annual rate, decimal (0.1095 = 10.95% a year); positive means longs pay shorts.

    Examples
    --------
    >>> annualised_funding(Decimal("0.0001"), Decimal(8))
    Decimal('0.1095')
    """
    if interval_hours <= 0:
        raise ValueError(f"funding interval must be above zero hours, got {interval_hours}")
    return rate * HOURS_PER_YEAR / interval_hours


@dataclass(frozen=True)
class PerpReading:
    """One venue's perp quote read as a company valuation.

    Attributes
    ----------
    venue, symbol : str
    currency : str
        Quote currency of every amount below.
    time : datetime
        Quote time (UTC).
    convention : VenueConvention
        The dated entry used.
    multiplier : Decimal
        Shares the price is multiplied by on the quote date (count, after rebases).
    from_mark, from_index, from_last : Decimal or None
        Implied valuation (total, ``currency``) from the mark, index and last price.
    premium : Decimal or None
        mark / index - 1 (decimal; 0.01 = mark 1% above index).
    funding_rate : Decimal or None
        Per interval, decimal.
    funding_interval_hours : Decimal
        Hours per funding interval (the venue's, else :data:`DEFAULT_FUNDING_HOURS`).
    funding_annualised : Decimal or None
        :func:`annualised_funding` of the rate (decimal a year).
    next_funding_time : datetime or None
    open_interest_value : Decimal or None
        Open interest x mark (total, ``currency``).
    oi_ratio : Decimal or None
        Open interest value / implied valuation from the mark (decimal).
    volume_ratio : Decimal or None
        24h quote volume / implied valuation from the mark (decimal).
    """

    venue: str
    symbol: str
    currency: str
    time: datetime
    convention: VenueConvention
    multiplier: Decimal
    from_mark: Decimal | None
    from_index: Decimal | None
    from_last: Decimal | None
    premium: Decimal | None
    funding_rate: Decimal | None
    funding_interval_hours: Decimal
    funding_annualised: Decimal | None
    next_funding_time: datetime | None
    open_interest_value: Decimal | None
    oi_ratio: Decimal | None
    volume_ratio: Decimal | None

    @property
    def valuation(self) -> Decimal | None:
        """Implied valuation used for comparisons: from the mark, else the last price."""
        return self.from_mark if self.from_mark is not None else self.from_last

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (Decimals as strings, times ISO 8601)."""
        out: dict[str, object] = {}
        for k in self.__dataclass_fields__:
            v = getattr(self, k)
            if k == "convention":
                v = {
                    "kind": v.kind,
                    "basis": v.basis,
                    "valid_from": v.valid_from.isoformat() if v.valid_from else None,
                    "source": v.source,
                    "assumption": v.assumption,
                }
            elif isinstance(v, Decimal):
                v = str(v)
            elif isinstance(v, datetime):
                v = v.isoformat()
            out[k] = v
        return out


@dataclass(frozen=True)
class PerpReadings:
    """Every venue's reading side by side, the spread between them and the warnings.

    Attributes
    ----------
    rows : tuple of PerpReading
        Venues whose convention is known.
    unconverted : tuple of (str, str, str)
        ``(venue, symbol, why)`` of quotes no convention covers (the error text says the fix).
    spread : Decimal or None
        max / min implied valuation from the mark (None with fewer than two venues).
    warnings : tuple of QualityFlag
        Premium beyond the threshold, venues that disagree, different share bases.
    """

    rows: tuple[PerpReading, ...]
    unconverted: tuple[tuple[str, str, str], ...]
    spread: Decimal | None
    warnings: tuple[QualityFlag, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return {
            "rows": [r.to_dict() for r in self.rows],
            "unconverted": [{"venue": v, "symbol": s, "why": w} for v, s, w in self.unconverted],
            "spread": None if self.spread is None else str(self.spread),
            "warnings": [{"kind": f.kind, "subject": f.subject, "message": f.message} for f in self.warnings],
        }


def _get(q: object, name: str) -> object:
    return getattr(q, name, None)


def read_perps(
    quotes: Sequence[object],
    conventions: Iterable[VenueConvention] | None = None,
    shares: Mapping[str, Decimal] | None = None,
    max_premium: Decimal = DEFAULT_MAX_PREMIUM,
    max_disagreement: Decimal = DEFAULT_DISAGREEMENT,
) -> PerpReadings:
    """Read perp quotes as valuations: from mark and index, premium, funding, OI, spread.

    Formulas (per venue, all amounts in the quote currency):
    valuation = price x multiplier (the dated convention on the quote date, rebases applied);
    premium = mark / index - 1; annualised funding = rate x (24 x 365) / interval hours;
    OI ratio = open interest value / valuation from the mark; spread = max / min valuation.

    Parameters
    ----------
    quotes : sequence of PerpMarket-like objects
        Anything with ``venue, symbol, quote_currency, time, mark_price, index_price,
        last_price, funding_rate, open_interest_value, volume_quote_24h`` (and optionally
        ``funding_interval_hours``, ``next_funding_time``); prices per contract unit.
    conventions : iterable of VenueConvention, optional
        Registry (default :data:`CONVENTIONS`; pass :func:`conventions_from_case` for a case).
    shares : mapping of str to Decimal, optional
        Share counts for per-share entries without a stated count, keyed ``'venue:symbol'``.
    max_premium : Decimal
        Warn when |mark / index - 1| exceeds this (default 0.02).
    max_disagreement : Decimal
        Warn when max/min - 1 of the venues' valuations exceeds this (default 0.05).

    Returns
    -------
    PerpReadings
        A quote without a convention is listed in ``unconverted`` with the fix, not guessed.

    Examples
    --------
    >>> from types import SimpleNamespace as Q
    >>> from datetime import UTC
    >>> q = Q(venue="binance", symbol="ANTHROPICUSDT", quote_currency="USDT",
    ...       time=datetime(2026, 6, 22, tzinfo=UTC), mark_price=Decimal("1718.2"),
    ...       index_price=Decimal("1700"), last_price=None, funding_rate=Decimal("0.0001"),
    ...       open_interest_value=Decimal("5e6"), volume_quote_24h=Decimal("1e6"))
    >>> r = read_perps([q]).rows[0]
    >>> r.from_mark, r.from_index, r.premium, r.funding_annualised
    (Decimal('1718200000000.0'), Decimal('1700000000000'), Decimal('0.0107...'), Decimal('0.1095'))
    """
    rows: list[PerpReading] = []
    bad: list[tuple[str, str, str]] = []
    warn: list[QualityFlag] = []
    table = tuple(conventions) if conventions is not None else CONVENTIONS
    for q in quotes:
        venue, symbol = str(_get(q, "venue")), str(_get(q, "symbol"))
        when: datetime = _get(q, "time")  # type: ignore[assignment]
        try:
            c = convention_for(venue, symbol, table, on=when.date())
            m = c.multiplier(when.date(), (shares or {}).get(f"{venue}:{symbol}"))
        except MissingFigureError as exc:
            bad.append((venue, symbol, str(exc)))
            continue

        def val(p: object, m: Decimal = m) -> Decimal | None:
            return None if p is None else p * m  # type: ignore[operator]

        mark, index = _get(q, "mark_price"), _get(q, "index_price")
        premium = mark / index - 1 if mark is not None and index else None  # type: ignore[operator]
        rate = _get(q, "funding_rate")
        hours = _get(q, "funding_interval_hours") or DEFAULT_FUNDING_HOURS
        from_mark = val(mark) if mark is not None else val(_get(q, "last_price"))
        oi = _get(q, "open_interest_value")
        vol = _get(q, "volume_quote_24h")
        r = PerpReading(
            venue,
            symbol,
            str(_get(q, "quote_currency")),
            when,
            c,
            m,
            val(mark),
            val(index),
            val(_get(q, "last_price")),
            premium,
            rate,  # type: ignore[arg-type]
            Decimal(hours),  # type: ignore[arg-type]
            None if rate is None else annualised_funding(rate, Decimal(hours)),  # type: ignore[arg-type]
            _get(q, "next_funding_time"),  # type: ignore[arg-type]
            oi,  # type: ignore[arg-type]
            oi / from_mark if oi is not None and from_mark else None,  # type: ignore[operator]
            vol / from_mark if vol is not None and from_mark else None,  # type: ignore[operator]
        )
        rows.append(r)
        subj = f"{venue} {symbol}"
        if premium is not None and abs(premium) > max_premium:
            warn.append(
                QualityFlag(
                    "premium",
                    subj,
                    f"{subj}: mark is {premium:+.2%} against the index (limit {max_premium:.0%}); "
                    "the perp trades away from its reference price",
                )
            )
        if c.assumption:
            warn.append(
                QualityFlag(
                    "assumed_convention", subj, f"{subj}: ASSUMPTION: convention ({c.basis}) has no cited source"
                )
            )
    vals = [r.valuation for r in rows if r.valuation]
    spread = max(vals) / min(vals) if len(vals) > 1 else None
    if spread is not None and spread - 1 > max_disagreement:
        warn.append(
            QualityFlag(
                "venues_disagree",
                "venues",
                f"venues disagree by {spread - 1:.1%} (limit {max_disagreement:.0%}): "
                + ", ".join(f"{r.venue} {r.valuation:.4g} {r.currency}" for r in rows if r.valuation),
            )
        )
    bases = {r.multiplier for r in rows}
    if len(bases) > 1:
        warn.append(
            QualityFlag(
                "share_bases_differ",
                "venues",
                "venues price on different share bases, so equal prices are not equal valuations: "
                + "; ".join(
                    f"{r.venue} {r.symbol}: {r.convention.basis} ({r.multiplier:,.0f} on {r.time.date()})" for r in rows
                ),
            )
        )
    return PerpReadings(tuple(rows), tuple(bad), spread, tuple(warn))

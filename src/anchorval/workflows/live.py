"""Live workflow: fetch quotes, build a case with live figures, value it, store snapshots, watch.

This is orchestration (I/O lives here and in :mod:`anchorval.providers` / :mod:`anchorval.store`);
the valuation maths stays in :mod:`anchorval.anchors` and :mod:`anchorval.venues`.

A live case is the case file's case with its perp prices (and, for listed companies, share price
and share count) replaced by fetched figures via ``case.model_copy(update=...)``. Each live figure
cites a source ``live:<venue>`` whose note gives the fetch time, so reports show which figures
were live and when.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..anchors.venues import (
    DEFAULT_DISAGREEMENT,
    DEFAULT_MAX_AGE_SECONDS,
    DEFAULT_MIN_VOLUME_RATIO,
    QualityFlag,
    VenueComparison,
    _age,
    compare_venues,
    convention_for,
    quality_flags,
)
from ..cases import LoadedCase, resolve_case
from ..domain import Case, Figure, PerpQuote, Source
from ..errors import (
    EmptyResponseError,
    MalformedResponseError,
    MissingFigureError,
    ProviderError,
    ProviderNetworkError,
    UnknownCaseError,
)
from ..money import FxRate, jsonable
from ..providers import EquityQuote, Fetcher, PerpMarket, get_fetcher

__all__ = [
    "KNOWN_MARKETS",
    "FetchOutcome",
    "FetchResult",
    "HistoryResult",
    "LiveResult",
    "Target",
    "WatchEvent",
    "fetch_targets",
    "inputs_hash",
    "live_case",
    "case_targets",
    "fetch",
    "history",
    "resolve_targets",
    "snapshot_of",
    "value_live",
    "watch",
]

#: Pre-IPO markets known per company (lower-case name), beyond those a case file lists.
#: Ventuals' markets on Hyperliquid are named in the hyperhub.xyz comparison (2026-05-06).
KNOWN_MARKETS: dict[str, tuple[tuple[str, str], ...]] = {
    "anthropic": (("binance", "ANTHROPICUSDT"), ("hyperliquid", "vntl:ANTHROPIC")),
    "openai": (("hyperliquid", "vntl:OPENAI"),),
    "spacex": (("hyperliquid", "vntl:SPACEX"),),
}
#: Stablecoins taken at par with a fiat currency (stated as an assumption where used).
STABLE_AT_PAR = {"USDC": "USD"}


@dataclass(frozen=True)
class Target:
    """One thing to fetch: a provider and a symbol."""

    venue: str
    symbol: str


def resolve_targets(ref: str, venue: str | None = None) -> tuple[LoadedCase | None, list[Target]]:
    """Resolve what ``anchorval fetch REF`` fetches.

    Parameters
    ----------
    ref : str
        A case (bundled id or file): its perps, the company's :data:`KNOWN_MARKETS` and, for a
        listed company with a ticker, its Yahoo quote. Otherwise a symbol: ``'venue:SYMBOL'``-less
        Hyperliquid names contain ``':'`` (``'vntl:ANTHROPIC'``), Yahoo symbols end in an exchange
        suffix (``'2513.HK'``), anything else is a Binance symbol.
    venue : str, optional
        Keep only this provider (for a symbol: fetch it there).

    Returns
    -------
    (LoadedCase or None, list of Target)

    Raises
    ------
    UnknownProviderError
        If ``venue`` is not an installed provider.
    MissingFigureError
        If the case has nothing to fetch on ``venue``.
    """
    if venue is not None:
        get_fetcher(venue)  # raises with the installed list
        venue = venue.lower()
    loaded: LoadedCase | None = None
    try:
        loaded = resolve_case(ref)
    except UnknownCaseError:
        if Path(ref).suffix.lower() in (".yaml", ".yml") or "/" in ref or "-20" in ref:
            raise  # looks like a case file or case id, not a symbol
        loaded = None
    if loaded is None:
        if venue:
            return None, [Target(venue, ref)]
        if ":" in ref:
            return None, [Target("hyperliquid", ref)]
        if "." in ref:
            return None, [Target("yahoo", ref)]
        return None, [Target("binance", ref)]
    return loaded, case_targets(loaded.case, venue)


def case_targets(case: Case, venue: str | None = None) -> list[Target]:
    """Markets to fetch for a case: its perps, the company's :data:`KNOWN_MARKETS`, its listing.

    Parameters
    ----------
    case : Case
        The case; its perps, company name and (for a listed company) ticker and exchange are read.
    venue : str, optional
        Keep only this provider's markets (any case).

    Returns
    -------
    list of Target
        Provider and symbol pairs, the case's own perps first, without duplicates.

    Raises
    ------
    MissingFigureError
        If nothing is left to fetch (on ``venue``).
    """
    seen: list[Target] = [Target(p.venue.lower(), p.symbol) for p in case.perps]
    for v, s in KNOWN_MARKETS.get(case.company.name.lower(), ()):
        if Target(v, s) not in seen:
            seen.append(Target(v, s))
    if case.company.status == "listed" and case.company.ticker:
        seen.append(Target("yahoo", yahoo_symbol(case.company.ticker, case.company.exchange)))
    if venue:
        seen = [t for t in seen if t.venue == venue.lower()]
    if not seen:
        raise MissingFigureError(
            f"case {case.id!r} has no market to fetch{' on ' + venue if venue else ''}"
        )
    return seen


def yahoo_symbol(ticker: str, exchange: str | None) -> str:
    """Yahoo symbol of a listing: HKEX ``'2513'`` -> ``'2513.HK'``; US tickers unchanged."""
    if "." in ticker:
        return ticker
    if (exchange or "").upper() in ("HKEX", "HKG", "SEHK") and ticker.isdigit():
        return f"{int(ticker):04d}.HK"
    return ticker


@dataclass
class FetchOutcome:
    """Quotes fetched, and the errors of the targets that failed (one per target)."""

    perps: list[PerpMarket] = field(default_factory=list)
    equities: list[EquityQuote] = field(default_factory=list)
    errors: dict[str, ProviderError] = field(default_factory=dict)


def fetch_targets(
    targets: Sequence[Target], fetchers: Mapping[str, Fetcher[Any, Any]] | None = None
) -> FetchOutcome:
    """Fetch every target; a failing venue is recorded, the others still fetched.

    Parameters
    ----------
    targets : sequence of Target
    fetchers : mapping of str to Fetcher, optional
        Reused fetchers by provider name (``watch`` keeps them to cache exchangeInfo); missing ones
        are built with defaults.

    Returns
    -------
    FetchOutcome

    Raises
    ------
    ProviderError
        The first error, when every target failed.
    """
    out = FetchOutcome()
    cache = dict(fetchers or {})
    for t in targets:
        f = cache.get(t.venue) or get_fetcher(t.venue)
        cache[t.venue] = f
        try:
            d = f.fetch(symbol=t.symbol)
        except ProviderError as exc:
            out.errors[f"{t.venue}:{t.symbol}"] = exc
            continue
        (out.perps if isinstance(d, PerpMarket) else out.equities).append(d)
    if targets and not out.perps and not out.equities:
        raise next(iter(out.errors.values()))
    return out


def _quote_dict(q: Any, implied: Decimal | None) -> dict[str, Any]:
    d = {k: jsonable(v) for k, v in q.model_dump().items()}
    d["implied_valuation"] = jsonable(implied)
    return d


@dataclass
class FetchResult:
    """What ``anchorval fetch`` shows: the quotes, the valuation each implies, and quality flags.

    Attributes
    ----------
    outcome : FetchOutcome
        Quotes fetched and per-target errors.
    implied : dict of (venue, symbol) to Decimal or None
        Implied valuation per perp (total, quote currency); None for a venue without a
        known convention.
    comparison : VenueComparison or None
        The venues with a convention side by side, with the spread.
    flags : list of QualityFlag
        Stale quotes, thin volume, venues that disagree.
    """

    outcome: FetchOutcome
    implied: dict[tuple[str, str], Decimal | None]
    comparison: VenueComparison | None
    flags: list[QualityFlag]

    def to_frame(self) -> Any:
        """One row per quote, perps then listed shares, with the valuation each implies (pandas).

        Returns
        -------
        pandas.DataFrame
            The normalised quote fields (prices per contract unit or per share, in the quote
            currency) and ``implied_valuation`` (total, quote currency; None when unknown).
        """
        import pandas as pd

        implied = self.implied
        rows = [{**q.model_dump(), "implied_valuation": implied.get((q.venue, q.symbol))} for q in self.outcome.perps]
        rows += [{**e.model_dump(), "implied_valuation": e.market_cap} for e in self.outcome.equities]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON structure: perps and equities (with implied valuations), spread, flags, errors."""
        out = self.outcome
        return {
            "perps": [_quote_dict(q, self.implied.get((q.venue, q.symbol))) for q in out.perps],
            "equities": [_quote_dict(e, e.market_cap) for e in out.equities],
            "spread": str(self.comparison.spread) if self.comparison else None,
            "flags": [{"kind": f.kind, "subject": f.subject, "message": f.message} for f in self.flags],
            "errors": {k: str(v) for k, v in out.errors.items()},
        }


def fetch(
    ref: str,
    venue: str | None = None,
    max_age_seconds: float = 900,
    fetchers: Mapping[str, Fetcher[Any, Any]] | None = None,
    now: datetime | None = None,
) -> FetchResult:
    """Fetch live quotes for a case or a symbol; value each perp by its venue's convention.

    Parameters
    ----------
    ref : str
        A case (id or file) or a symbol, as :func:`resolve_targets`.
    venue : str, optional
        Only this provider.
    max_age_seconds : float
        Quotes older than this (seconds) are flagged stale.
    fetchers : mapping of str to Fetcher, optional
        Fetchers to reuse (tests inject ones with a recorded session).
    now : datetime, optional
        Reference time for staleness (default: the clock, UTC).

    Returns
    -------
    FetchResult

    Raises
    ------
    ProviderError
        When every target failed.
    UnknownProviderError, MissingFigureError
        As :func:`resolve_targets`.
    """
    _, targets = resolve_targets(ref, venue)
    out = fetch_targets(targets, fetchers)
    now = now or datetime.now(UTC)
    implied: dict[tuple[str, str], Decimal | None] = {}
    cmp = None
    convertible = []
    for q in out.perps:
        try:
            convention_for(q.venue, q.symbol).multiplier(q.time.date())
            convertible.append(q)
        except LookupError:
            implied[(q.venue, q.symbol)] = None
    if convertible:
        cmp = compare_venues([(q.venue, q.symbol, q.price, q.quote_currency, q.time) for q in convertible])
        implied.update({(r.venue, r.symbol): r.valuation for r in cmp.rows})
    flags = quality_flags(
        [(q.venue, q.symbol, q.time, q.volume_quote_24h, implied[(q.venue, q.symbol)]) for q in convertible],
        now,
        max_age_seconds=max_age_seconds,
    )
    return FetchResult(out, implied, cmp, flags)


@dataclass
class HistoryResult:
    """Stored history of a case: valuation per anchor and implied valuation per venue over time.

    Attributes
    ----------
    case_id : str
    anchors : pandas.DataFrame
        One row per snapshot and anchor (see :meth:`Store.history`; totals in ``currency``).
    quotes : pandas.DataFrame
        The quotes behind those snapshots (see :meth:`Store.quotes`).
    path : Path
        The history database.
    """

    case_id: str
    anchors: Any
    quotes: Any
    path: Path

    @property
    def currency(self) -> str:
        """Currency of the anchors' amounts (totals)."""
        return str(self.anchors["currency"].iloc[0])

    def to_frame(self) -> Any:
        """Wide table: one row per snapshot time, one column per anchor (base) and per venue.

        Returns
        -------
        pandas.DataFrame
            Index ``taken_at`` (UTC); anchor columns hold the base valuation (totals, :attr:`currency`),
            venue columns ``'<venue> <symbol> (<quote currency>)'`` the implied valuation.
        """
        import pandas as pd

        h, q = self.anchors, self.quotes
        long = h[["taken_at", "anchor", "base"]].rename(columns={"anchor": "column", "base": "value"})
        if not q.empty:
            # implied valuation per venue (quote currency), on the snapshot's row
            when = dict(zip(h["snapshot_id"], h["taken_at"], strict=False))
            qv = q[q["implied_valuation"].notna() & q["snapshot_id"].isin(when)]
            long = pd.concat(
                [
                    long,
                    pd.DataFrame(
                        {
                            "taken_at": qv["snapshot_id"].map(when),
                            "column": qv["venue"] + " " + qv["symbol"] + " (" + qv["quote_currency"] + ")",
                            "value": qv["implied_valuation"],
                        }
                    ),
                ]
            )
        return long.pivot_table(index="taken_at", columns="column", values="value", aggfunc="first", sort=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON structure: the case, every anchor row, every venue's implied valuation."""

        def plain(v: Any) -> Any:
            return jsonable(v.to_pydatetime() if hasattr(v, "to_pydatetime") else v)

        rows = [{k: plain(v) for k, v in r.items()} for r in self.anchors.to_dict("records")]
        venues = [
            {
                "taken_at": plain(r["quote_time"]),
                "venue": r["venue"],
                "symbol": r["symbol"],
                "mark_price": jsonable(r["mark_price"]),
                "implied_valuation": jsonable(r["implied_valuation"]),
                "currency": r["quote_currency"],
            }
            for r in self.quotes.to_dict("records")
        ]
        return {"case": self.case_id, "anchors": rows, "venues": venues}


def history(case_id: str, store: Any, since: datetime | None = None, since_text: str | None = None) -> HistoryResult:
    """Read a case's stored snapshots and quotes.

    Parameters
    ----------
    case_id : str
        Case id as stored by :func:`watch`.
    store : Store
        The history store.
    since : datetime, optional
        Only snapshots at or after this time (timezone-aware).
    since_text : str, optional
        How the user wrote ``since``, quoted in the error.

    Returns
    -------
    HistoryResult

    Raises
    ------
    MissingFigureError
        If the store holds no snapshot of the case (since that time).
    """
    h = store.history(case_id, since)
    if h.empty:
        raise MissingFigureError(
            f"no snapshots of {case_id!r} in {store.path}" + (f" since {since_text}" if since_text else "")
        )
    return HistoryResult(case_id, h, store.quotes(case_id, since), store.path)


def _fmt_time(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def live_case(
    loaded: LoadedCase,
    outcome: FetchOutcome,
    now: datetime | None = None,
    notes: Sequence[str] = (),
) -> Case:
    """Copy the case with live figures (``case.model_copy(update=...)``), re-validated.

    Perp quotes: one :class:`~anchorval.domain.PerpQuote` per fetched venue, price = mark price,
    reference shares = the venue convention's multiplier on the quote date (rebases applied),
    24h volume = quote volume, open interest = contracts x mark. Listed companies: share price and
    (when Yahoo has it) share count. ``as_of`` becomes the fetch date (UTC).

    Parameters
    ----------
    loaded : LoadedCase
        The case as loaded (with its file, for error locations).
    outcome : FetchOutcome
        Normalised quotes from :func:`fetch_targets`; prices per contract unit in the quote
        currency, share prices per share in the listing currency.
    now : datetime, optional
        Fetch time (UTC); default: now.
    notes : sequence of str
        Notes appended to the case's ``notes``.

    Returns
    -------
    Case
        A new frozen case; every live figure cites a ``live:<venue>`` source with the quote time.

    Raises
    ------
    MissingFigureError
        If a venue has no convention.
    """
    case = loaded.case
    now = now or datetime.now(UTC)
    sources = dict(case.sources)
    perps: list[PerpQuote] = []
    for q in outcome.perps:
        sid, cid = f"live:{q.venue}", f"convention:{q.venue}"
        conv = convention_for(q.venue, q.symbol)
        sources[sid] = Source(
            title=f"{q.venue} market data (live)",
            publisher=q.venue.capitalize(),
            date=q.fetched_at.date(),
            note=f"fetched {_fmt_time(q.fetched_at)} by anchorval; "
            f"quote time {_fmt_time(q.time)} ({q.time_source})",
        )
        sources[cid] = Source(
            title=f"{q.venue} contract convention ({conv.kind})",
            publisher=q.venue.capitalize(),
            date=q.fetched_at.date(),
            note=conv.source,
        )
        ccy = STABLE_AT_PAR.get(q.quote_currency, q.quote_currency)
        par = f"; {q.quote_currency} taken at par with {ccy}" if ccy != q.quote_currency else ""
        d = q.time.date()
        shares = None
        if conv.kind == "per_share":
            old = next((p for p in case.perps if p.venue == q.venue and p.symbol == q.symbol), None)
            shares = old.reference_shares.base if old else None
        mult = conv.multiplier(d, shares)
        existing = next(
            (p for p in case.perps if p.venue == q.venue and p.symbol == q.symbol), None
        )
        perps.append(
            PerpQuote(
                venue=q.venue,
                symbol=q.symbol,
                launch_date=existing.launch_date if existing else None,
                price=Figure(
                    value=q.price,
                    unit=ccy,
                    as_of=d,
                    source=sid,
                    note=f"live mark price at {_fmt_time(q.time)}{par}",
                ),
                reference_shares=Figure(
                    value=mult,
                    unit="count",
                    as_of=d,
                    source=cid,
                    note=f"{conv.kind}: {conv.note or conv.source}",
                ),
                reference_shares_basis="venue_convention",
                volume_24h=Figure(
                    value=q.volume_quote_24h,
                    unit=ccy,
                    as_of=d,
                    source=sid,
                    note="live 24h quote volume",
                )
                if q.volume_quote_24h is not None
                else None,
                open_interest=Figure(
                    value=q.open_interest_value,
                    unit=ccy,
                    as_of=d,
                    source=sid,
                    note="live open interest x mark price",
                )
                if q.open_interest_value is not None
                else None,
            )
        )
    live_notes = [
        f"Live: {q.venue} {q.symbol} mark {q.price} {q.quote_currency} at {_fmt_time(q.time)} "
        f"(fetched {_fmt_time(q.fetched_at)})"
        for q in outcome.perps
    ] + [
        f"Live: yahoo {e.symbol} {e.last_price} {e.currency} at {_fmt_time(e.time)}"
        for e in outcome.equities
    ]
    live_notes += [f"Live fetch failed: {k}: {v}" for k, v in outcome.errors.items()]
    update: dict[str, Any] = {
        "as_of": now.date(),
        "sources": sources,
        "notes": (*case.notes, *live_notes, *notes),
    }
    if perps:
        update["perps"] = tuple(perps)
    if outcome.equities and case.capital is not None:
        e = outcome.equities[0]
        sid = "live:yahoo"
        sources[sid] = Source(
            title=f"Yahoo Finance quote {e.symbol} (live)",
            publisher="Yahoo Finance",
            date=e.fetched_at.date(),
            note=f"fetched {_fmt_time(e.fetched_at)}; last price at {_fmt_time(e.time)}",
        )
        cap: dict[str, Any] = {
            "share_price": Figure(
                value=e.last_price,
                unit=e.currency,
                as_of=e.time.date(),
                source=sid,
                note=f"live last price at {_fmt_time(e.time)}",
            )
        }
        if e.shares_outstanding is not None and e.shares_as_of is not None:
            cap["shares_outstanding"] = Figure(
                value=e.shares_outstanding,
                unit="count",
                as_of=e.shares_as_of,
                source=sid,
                note="shares outstanding as Yahoo reports them",
            )
        if case.capital.market_cap is not None:
            cap["market_cap"] = None  # recomputed from the live price x shares
        update["capital"] = case.capital.model_copy(update=cap)
    new = case.model_copy(update=update)
    return Case.model_validate(new.model_dump())  # re-run the validators (sources declared, ...)


def inputs_hash(
    case: Case, fx_rates: Sequence[FxRate] = (), options: Mapping[str, Any] | None = None
) -> str:
    """SHA-256 of a valuation's inputs: figures, FX rates and options; equal inputs, equal hash.

    Text that is not an input is left out: notes (a live figure's note carries its fetch time),
    source titles, publishers and dates. The fetch time is stored beside the hash, not in it.

    Parameters
    ----------
    case : Case
        The (possibly live) case.
    fx_rates : sequence of FxRate, optional
        Rates used (pair, rate, date and whether assumed enter the hash; their source text does not).
    options : mapping, optional
        Valuation options (report currency, blend weights...), JSON-serialisable values.

    Returns
    -------
    str
        64 lowercase hex digits.

    Examples
    --------
    >>> from anchorval.cases import load_case
    >>> c = load_case("anthropic-2026-06")
    >>> inputs_hash(c) == inputs_hash(c.model_copy(update={"notes": ("another note",)}))
    True
    """

    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in sorted(x.items()) if k not in ("note", "notes")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    data = strip(case.model_dump(mode="json", exclude={"sources"}))
    data["sources"] = sorted(case.sources)
    data["fx"] = sorted([r.base, r.quote, str(r.rate), r.on.isoformat(), r.assumption] for r in fx_rates)
    data["options"] = strip(dict(options or {}))
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class LiveResult:
    """A live valuation: the triangulation and everything behind it.

    Attributes
    ----------
    triangulation : Triangulation
    case : Case
        The live case.
    outcome : FetchOutcome
        Quotes and per-venue errors.
    comparison : VenueComparison or None
        Implied valuation per venue with the spread.
    flags : list of QualityFlag
        Stale quotes, thin volume, venues that disagree.
    taken_at : datetime
    """

    triangulation: Any
    case: Case
    outcome: FetchOutcome
    comparison: VenueComparison | None
    flags: list[QualityFlag]
    taken_at: datetime
    peers: Mapping[str, Case] = field(default_factory=dict)


def value_live(
    ref: str | Path | Case | LoadedCase,
    venue: str | None = None,
    fetchers: Mapping[str, Fetcher[Any, Any]] | None = None,
    now: datetime | None = None,
    max_age_seconds: float = DEFAULT_MAX_AGE_SECONDS,
    min_volume_ratio: Decimal = DEFAULT_MIN_VOLUME_RATIO,
    max_disagreement: Decimal = DEFAULT_DISAGREEMENT,
    anchors: Sequence[str] | None = None,
    currency: str | None = None,
    weights: Mapping[str, Decimal | float] | None = None,
) -> LiveResult:
    """Fetch fresh quotes for a case and value it with every anchor.

    Parameters
    ----------
    ref : str, Path, Case or LoadedCase
        The case.
    venue : str, optional
        Only this provider.
    fetchers : mapping of str to Fetcher, optional
        Fetchers to reuse (tests inject ones with a recorded or stand-in session).
    now : datetime, optional
        Reference time for staleness (default: the clock, UTC).
    max_age_seconds, min_volume_ratio, max_disagreement
        Quality thresholds (see :func:`anchorval.anchors.venues.quality_flags`).
    anchors, currency, weights
        As :func:`anchorval.value` (the live case is valued once, with these).

    Returns
    -------
    LiveResult

    Raises
    ------
    ProviderError
        When every venue failed.
    """
    from .value import value_loaded

    loaded = ref if isinstance(ref, LoadedCase) else resolve_case(ref)
    targets = case_targets(loaded.case, venue)
    outcome = fetch_targets(targets, fetchers)
    now = now or datetime.now(UTC)
    comparison = None
    rows = []
    if outcome.perps:
        comparison = compare_venues(
            [(q.venue, q.symbol, q.price, q.quote_currency, q.time) for q in outcome.perps]
        )
        for q, r in zip(outcome.perps, comparison.rows, strict=True):
            rows.append((q.venue, q.symbol, q.time, q.volume_quote_24h, r.valuation))
    flags = quality_flags(rows, now, max_age_seconds, min_volume_ratio, max_disagreement)
    for e in outcome.equities:
        age = (now - e.time).total_seconds()
        if age > max_age_seconds:
            flags.append(
                QualityFlag(
                    "stale",
                    f"yahoo {e.symbol}",
                    f"yahoo {e.symbol}: last price is {_age(age)} old (market closed?)",
                )
            )
    case = live_case(loaded, outcome, now, notes=[f"Quality: {f.message}" for f in flags])
    t = value_loaded(LoadedCase(case=case, peers=loaded.peers, origin=loaded.origin), anchors, currency, weights)
    return LiveResult(t, case, outcome, comparison, flags, now, loaded.peers)


def snapshot_of(res: LiveResult) -> Any:
    """Build the store snapshot of a live valuation (anchors, quotes, FX used).

    Parameters
    ----------
    res : LiveResult
        The live valuation (from :func:`value_live`).

    Returns
    -------
    Snapshot
        One row per anchor (low/base/high totals in the triangulation's currency, plus
        ``'blended'`` when the case has blend weights), one per quote (prices per contract unit in
        the quote currency, with the implied valuation), and the FX rates used.
    """
    from ..store import AnchorRow, FxRow, QuoteRow, Snapshot

    t = res.triangulation
    implied = {
        (r.venue, r.symbol): r.valuation for r in (res.comparison.rows if res.comparison else ())
    }
    anchors = tuple(
        AnchorRow(a.anchor, a.low.amount, a.base.amount, a.high.amount) for a in t.anchors
    )
    if t.blended is not None:
        b = t.blended
        anchors += (AnchorRow("blended", b.low.amount, b.base.amount, b.high.amount),)
    quotes = tuple(
        QuoteRow(
            q.venue,
            q.symbol,
            q.contract_type,
            q.quote_currency,
            q.mark_price,
            q.index_price,
            q.last_price,
            q.volume_base_24h,
            q.volume_quote_24h,
            q.open_interest,
            q.funding_rate,
            q.time,
            q.fetched_at,
            implied.get((q.venue, q.symbol)),
        )
        for q in res.outcome.perps
    ) + tuple(
        QuoteRow(
            "yahoo",
            e.symbol,
            "equity",
            e.currency,
            None,
            None,
            e.last_price,
            None,
            None,
            None,
            None,
            e.time,
            e.fetched_at,
            e.market_cap,
        )
        for e in res.outcome.equities
    )
    fx = tuple(FxRow(r.base, r.quote, r.rate, r.on, r.source, r.assumption) for r in t.fx_rates)
    return Snapshot(
        uuid.uuid4().hex,
        res.case.id,
        res.taken_at,
        t.currency,
        inputs_hash(res.case, t.fx_rates, {"currency": t.currency}),
        anchors,
        quotes,
        fx,
        True,
    )


@dataclass(frozen=True)
class WatchEvent:
    """What happened in one ``watch`` iteration.

    Attributes
    ----------
    iteration : int
        1-based.
    ok : bool
        True when a snapshot was committed.
    message : str
        One line for people.
    wait : float
        Seconds until the next iteration.
    snapshot_id : str or None
    """

    iteration: int
    ok: bool
    message: str
    wait: float
    snapshot_id: str | None = None


#: Errors ``watch`` survives (backs off and tries again): transport faults and venue glitches.
RECOVERABLE = (ProviderNetworkError, MalformedResponseError, EmptyResponseError)


def watch(
    ref: str | Path | Case,
    store: Any,
    every: float = 60.0,
    count: int | None = None,
    venue: str | None = None,
    fetchers: Mapping[str, Fetcher[Any, Any]] | None = None,
    on_event: Callable[[WatchEvent], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_backoff: float = 900.0,
) -> list[str]:
    """Fetch, value and store a case every ``every`` seconds; back off exponentially on faults.

    Parameters
    ----------
    ref : str, Path or Case
        The case.
    store : Store
        Where snapshots go (each committed in one transaction).
    every : float
        Seconds between snapshots when all is well.
    count : int, optional
        Stop after this many iterations (successful or not); default: run until interrupted.
    venue : str, optional
        Only this provider.
    fetchers : mapping of str to Fetcher, optional
        Fetchers to reuse (built once otherwise, so exchangeInfo is cached between iterations).
    on_event : callable, optional
        Called with a :class:`WatchEvent` after every iteration.
    sleep : callable
        Sleep function (tests record instead).
    max_backoff : float
        Cap on the wait after repeated failures, in seconds. After ``n`` failures in a row the
        wait is ``min(every x 2**(n-1), max_backoff)`` plus jitter, computed by tenacity.

    Returns
    -------
    list of str
        Ids of the snapshots committed.

    Raises
    ------
    ProviderError
        Non-recoverable provider errors (an unknown symbol); earlier snapshots stay committed.
    KeyboardInterrupt
        Propagated (Ctrl-C); every snapshot committed before it stays committed.
    ModelInputError
        (a ``ValueError``) If ``every`` or ``max_backoff`` is not above zero (a zero interval
        would poll without pause).
    """
    import tenacity

    from ..errors import ModelInputError

    if not every > 0:
        raise ModelInputError("every", f"must be above zero seconds, got {every}")
    if not max_backoff > 0:
        raise ModelInputError("max_backoff", f"must be above zero seconds, got {max_backoff}")
    loaded = resolve_case(ref)
    targets = case_targets(loaded.case, venue)
    cache: dict[str, Fetcher[Any, Any]] = dict(fetchers or {})
    for t in targets:
        cache.setdefault(t.venue, get_fetcher(t.venue))
    backoff = tenacity.wait_exponential_jitter(
        multiplier=every, max=max_backoff, jitter=min(every, 1.0)
    )
    committed: list[str] = []
    failures = 0
    i = 0
    while count is None or i < count:
        i += 1
        try:
            res = value_live(loaded, venue=venue, fetchers=cache)
            snap = snapshot_of(res)
            store.write_snapshot(snap)
        except RECOVERABLE as exc:
            failures += 1
            state = tenacity.RetryCallState(None, None, (), {})
            state.attempt_number = failures
            wait = float(backoff(state))
            last = count is not None and i >= count
            then = "last iteration" if last else f"retrying in {wait:.0f} s"
            ev = WatchEvent(i, False, f"{type(exc).__name__}: {exc}; {then}", wait)
        else:
            failures = 0
            committed.append(snap.snapshot_id)
            base = next((a for a in snap.anchors if a.anchor == "perp_implied"), snap.anchors[0])
            flags = "; ".join(f.message for f in res.flags)
            errs = "; ".join(f"{k}: {v}" for k, v in res.outcome.errors.items())
            sid = snap.snapshot_id[:8]
            msg = f"snapshot {sid} {base.anchor} base {base.base:,.0f} {snap.currency}"
            ev = WatchEvent(
                i,
                True,
                msg + (f" | {errs}" if errs else "") + (f" | {flags}" if flags else ""),
                every,
                snap.snapshot_id,
            )
        if on_event:
            on_event(ev)
        if count is not None and i >= count:
            break
        sleep(ev.wait)
    return committed

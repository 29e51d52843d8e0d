"""The market-structure analysis of one case: float, lock-ups, index demand, P/S path, premium.

:func:`analyse_market` is pure: it takes a frozen :class:`~anchorval.domain.Case` and an
:class:`~anchorval.money.FxTable` and returns a frozen :class:`MarketStructureResult`. Loading
files and parsing options is the job of :mod:`anchorval.workflows.market`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain import STATED_TOTAL_TOLERANCE, Case, Source
from ..errors import (
    MSG_DATE_BEFORE_LISTING,
    MSG_MISSING_MARKET_FIGURES,
    ContradictoryInputError,
    MissingFigureError,
)
from ..money import FxRate, FxTable, Money, amount_str, format_money, format_number, jsonable
from ._common import Cited, cite, is_assumption, pct, periods_between
from ._decomposition import DecompositionResult, PremiumSplit, decompose
from ._float import FreeFloatResult, free_float, share_counts
from ._index import IndexDemandResult, index_demand, sensitivity_points
from ._lockups import LockUpCalendar, lockup_calendar
from ._reflexivity import (
    PSPath,
    ReflexivityResult,
    RequiredGrowthRow,
    RevenueTargetRow,
    growth_path,
    ps_multiple,
    ps_path,
    required_growth,
)

__all__ = ["MARKET_JSON_SCHEMA_ID", "MarketStructureResult", "analyse_market", "missing_market_figures"]

#: Stated and computed multiples further apart than this factor are flagged (2 = 2x).
DISAGREEMENT_FACTOR = Decimal(2)
#: Identifier and version of the JSON output of ``anchorval market``; bump on breaking change.
MARKET_JSON_SCHEMA_ID = "anchorval.market/1"


@dataclass(frozen=True)
class MarketStructureResult:
    """Market structure of a listed company on the case date.

    Attributes
    ----------
    case_id, company : str
        Case id and company name.
    as_of : date
        Case date.
    currency : str
        Currency of the share price (amounts below are in it unless stated).
    free_float : FreeFloatResult
        Free float on every share-count basis.
    lockups : LockUpCalendar
        Lock-up expiries and tradable shares over time.
    index : tuple of IndexDemandResult
        Passive demand of each index inclusion.
    reflexivity : ReflexivityResult or None
        P/S path under growth scenarios.
    decomposition : DecompositionResult or None
        Market cap split into fundamental value and premium.
    skipped : dict of str to str
        Analyses not computed and the figures they lack.
    sources : dict of str to Source
        Every cited source by id.
    notes : tuple of str
        Case notes.
    """

    case_id: str
    company: str
    as_of: date
    currency: str
    free_float: FreeFloatResult
    lockups: LockUpCalendar
    index: tuple[IndexDemandResult, ...] = ()
    reflexivity: ReflexivityResult | None = None
    decomposition: DecompositionResult | None = None
    skipped: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, Source] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def market_cap(self) -> Money:
        """Share price x primary total shares (total, :attr:`currency`)."""
        return self.free_float.market_cap[self.currency]

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning of every part, in report order."""
        out = list(self.free_float.warnings)
        for x in self.index:
            out += x.warnings
        if self.reflexivity is not None:
            out += self.reflexivity.warnings
        return tuple(out)

    @property
    def fx_rates(self) -> tuple[FxRate, ...]:
        """FX rates used anywhere, de-duplicated."""
        seen: dict[tuple[str, str, date], FxRate] = {}
        groups = [self.free_float.fx, *(x.fx for x in self.index)]
        if self.reflexivity is not None:
            groups.append(self.reflexivity.fx)
        for g in groups:
            for r in g:
                if r.base != r.quote:
                    seen.setdefault((r.base, r.quote, r.on), r)
        return tuple(seen.values())

    @property
    def figures(self) -> tuple[Cited, ...]:
        """Every cited figure, de-duplicated by path."""
        seen: dict[str, Cited] = {}
        groups: list[Sequence[Cited]] = [self.free_float.figures]
        groups += [r.figures for r in self.lockups.rows]
        groups += [x.figures for x in self.index]
        if self.reflexivity is not None:
            groups.append(self.reflexivity.figures)
            groups += [p.figures for p in self.reflexivity.paths]
        if self.decomposition is not None:
            groups += [s.figures for s in self.decomposition.splits]
        for g in groups:
            for f in g:
                seen.setdefault(f.path, f)
        return tuple(seen.values())

    def tables(self) -> dict[str, Any]:
        """Every table as a pandas DataFrame.

        Returns
        -------
        dict of str to pandas.DataFrame
            Keys: ``'float'``, ``'lockups'``, ``'index_demand'``, and when computed
            ``'ps_path'``, ``'revenue_targets'``, ``'required_growth'``, ``'decomposition'``.
        """
        import pandas as pd

        out: dict[str, Any] = {
            "float": self.free_float.to_frame(),
            "lockups": self.lockups.to_frame(),
        }
        frames = [x.to_frame() for x in self.index]
        out["index_demand"] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if self.reflexivity is not None:
            out["ps_path"] = self.reflexivity.to_frame()
            out["revenue_targets"] = self.reflexivity.targets_frame()
            out["required_growth"] = self.reflexivity.required_frame()
        if self.decomposition is not None:
            out["decomposition"] = self.decomposition.to_frame()
        return out

    def to_frame(self) -> Any:
        """Return the float table (see :meth:`tables` for the others)."""
        return self.free_float.to_frame()

    def to_dict(self) -> dict[str, Any]:
        """Build the stable JSON structure of a market-structure result (``anchorval.market/1``).

        See ``docs/market.md``.

        Returns
        -------
        dict
            Money as ``{'amount': '<decimal string, cents>', 'currency': ...}``; share counts, ratios
            (decimals, 0.0267 = 2.67%) and multiples (x) as decimal strings; dates ISO.

        Examples
        --------
        >>> import anchorval
        >>> d = anchorval.market_structure("zhipu-2026-06").to_dict()
        >>> d["schema"], d["free_float"]["total_shares"], d["free_float"]["float_pct"][:6]
        ('anchorval.market/1', '439621700', '0.0267')
        """
        ff = self.free_float
        out: dict[str, Any] = {
            "schema": MARKET_JSON_SCHEMA_ID,
            "case": self.case_id,
            "company": self.company,
            "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "free_float": {
                "share_class": ff.share_class,
                "price": _m(ff.price),
                "total_shares": _d(ff.total_shares),
                "float_at_listing": _d(ff.float_at_listing),
                "float_shares": _d(ff.float_shares),
                "float_is_lower_bound": ff.float_is_lower_bound,
                "float_pct": _d(ff.float_pct),
                "stated_max_pct": _d(ff.stated_max_pct),
                "float_value": {k: _m(v) for k, v in ff.float_value.items()},
                "market_cap": {k: _m(v) for k, v in ff.market_cap.items()},
                "bases": [
                    {
                        "label": row.basis.label,
                        "formula": row.basis.formula,
                        "primary": row.basis.primary,
                        "total_shares": _d(row.basis.total_shares),
                        "float_pct": _d(row.float_pct),
                        "market_cap": {k: _m(v) for k, v in row.market_cap.items()},
                    }
                    for row in ff.rows
                ],
            },
            "lockups": {
                "listing_date": jsonable(self.lockups.listing_date),
                "total_shares": _d(self.lockups.total_shares),
                "locked_at_listing": _d(self.lockups.locked_at_listing),
                "events": [
                    {
                        "date": e.date.isoformat(),
                        "label": e.label,
                        "size": "known" if e.size_known else "unknown",
                        "shares": _d(e.shares),
                        "shares_min": _d(e.shares_min),
                        "pct_of_total": _d(e.pct_of_total),
                        "stated_pct": _d(e.stated_pct),
                        "pct_of_float": _d(e.pct_of_float),
                        "value": _m(e.value),
                        "float_before": _d(e.float_before),
                        "float_after": _d(e.float_after),
                        "float_after_is_lower_bound": e.float_after_is_lower_bound,
                    }
                    for e in self.lockups.rows
                ],
            },
            "index_demand": [
                {
                    "index": x.index,
                    "effective": x.effective.isoformat(),
                    "announced": x.announced,
                    "weight": _d(x.weight),
                    "float_shares": _d(x.float_shares),
                    "adv_shares": None if x.adv_shares is None else [_d(v) for v in x.adv_shares],
                    "tracking_assets_assumed": x.tracking_assets_assumed,
                    "adv_assumed": x.adv_assumed,
                    "rows": [
                        {
                            "tracking_assets": _m(row.tracking_assets),
                            "demand": _m(row.demand),
                            "shares": _d(row.shares),
                            "pct_of_float": _d(row.pct_of_float),
                            "days_of_adv": _d(row.days_of_adv),
                            "is_base": row.is_base,
                        }
                        for row in x.rows
                    ],
                }
                for x in self.index
            ],
            "ps_path": None,
            "decomposition": None,
            "warnings": list(self.warnings),
            "skipped": dict(self.skipped),
            "figures": [
                {
                    "path": f.path,
                    "value": f.display,
                    "as_of": f.as_of.isoformat(),
                    "source": f.source_id,
                    "assumption": f.assumption,
                    "kind": f.kind,
                }
                for f in self.figures
            ],
            "sources": {
                k: {
                    "title": s.title,
                    "publisher": s.publisher,
                    "date": s.date.isoformat(),
                    "url": s.url,
                    "note": s.note,
                }
                for k, s in self.sources.items()
            },
            "fx_rates": [jsonable(x) for x in self.fx_rates],
        }
        x = self.reflexivity
        if x is not None:
            out["ps_path"] = {
                "market_cap": _m(x.market_cap),
                "base_revenue": _m(x.base_revenue),
                "base_date": jsonable(x.base_date),
                "start_ps": _d(x.start_ps),
                "target_ps": _d(x.target_ps),
                "scenarios": [
                    {
                        "name": p.name,
                        "period": p.period,
                        "base": p.base_label,
                        "periods_to_target": p.periods_to_target,
                        "target_date": jsonable(p.target_date),
                        "points": [
                            {
                                "period": pt.period,
                                "date": pt.date.isoformat(),
                                "growth": _d(pt.growth),
                                "revenue": _m(pt.revenue),
                                "ps": _d(pt.ps),
                            }
                            for pt in p.points
                        ],
                    }
                    for p in x.paths
                ],
                "revenue_targets": [
                    {
                        "name": t.name,
                        "period_end": t.period_end.isoformat(),
                        "revenue_low": _m(t.revenue),
                        "revenue_high": _m(t.revenue_high),
                        "ps_low": _d(t.ps_low),
                        "ps_high": _d(t.ps_high),
                        "stated_ps": _d(t.stated_ps),
                        "alternative": t.is_alternative,
                    }
                    for t in x.targets
                ],
                "required_growth": [
                    {
                        "by": q.by.isoformat(),
                        "base": q.base_label,
                        "period": q.period,
                        "periods": q.periods,
                        "growth": _d(q.growth),
                    }
                    for q in x.required
                ],
                "run_rate": x.run_rate,
            }
        if self.decomposition is not None:
            out["decomposition"] = [
                {
                    "scenario": s.scenario,
                    "market_cap": _m(s.market_cap),
                    "fundamental": _m(s.fundamental),
                    "premium": _m(s.premium),
                    "premium_share": _d(s.premium_share),
                    "structural_share_of_premium": _d(s.structural_share_of_premium),
                    "structural": _m(s.structural),
                    "narrative": _m(s.narrative),
                }
                for s in self.decomposition.splits
            ]
        return out

    def _repr_html_(self) -> str:
        import html

        def money(ccy: str) -> Any:
            return lambda v: f"{format_number(v, 4)} {ccy}"

        fmt: dict[str, Any] = {c: (lambda v: format_number(v, 6)) for c in ("total_shares", "float_shares")}
        fmt["float_pct"] = lambda v: f"{v:.2%}"
        df = self.to_frame()
        for c in df.columns:
            if c.startswith(("market_cap_", "float_value_")):
                fmt[c] = money(c.rsplit("_", 1)[1])
        head = (
            f"<p><strong>{html.escape(self.company)}</strong>: free float on every share-count basis "
            f"({self.as_of}; share price {format_money(self.free_float.price, digits=6)})</p>"
        )
        return head + df.to_html(index=False, formatters=fmt)


def _m(m: Money | None) -> dict[str, str] | None:
    return None if m is None else {"amount": amount_str(m), "currency": m.currency}


def _d(x: Decimal | None) -> str | None:
    return None if x is None else jsonable(x)


def missing_market_figures(case: Case) -> list[str]:
    """Figures the core of the analysis (float, market cap) needs and the case lacks.

    Parameters
    ----------
    case : Case

    Returns
    -------
    list of str
        Dotted field paths, empty when the analysis can run.
    """
    missing = []
    if case.company.status != "listed":
        missing.append("company.status (must be 'listed')")
    cap = case.capital
    if cap is None or cap.share_price is None:
        missing.append("capital.share_price")
    ff = case.market.free_float if case.market else None
    if ff is None:
        missing.append("market.free_float (unrestricted_shares and/or unrestricted_pct)")
    so = cap.shares_outstanding if cap else None
    if so is None and (ff is None or ff.unrestricted_shares is None or ff.unrestricted_pct is None):
        missing.append(
            "capital.shares_outstanding (or market.free_float.unrestricted_shares "
            "with unrestricted_pct)"
        )
    return missing


def analyse_market(
    case: Case,
    fx: FxTable | None = None,
    *,
    currency: str | None = None,
    tracking_assets: Sequence[Money] | None = None,
    average_daily_volume: Decimal | Money | None = None,
    target_ps: Decimal | None = None,
    by: Sequence[date] = (),
    fundamental: Money | None = None,
    structural_share: Decimal | None = None,
) -> MarketStructureResult:
    """Analyse the market structure of a listed company.

    Parameters
    ----------
    case : Case
        Needs ``company.status: listed``, ``capital.share_price``, ``market.free_float`` and a total
        share count; lock-ups, index inclusions, reflexivity and premium scenarios are optional
        (each missing part is listed in ``skipped``).
    fx : FxTable, optional
        FX rates (default: the case's rates, then ECB).
    currency : str, optional
        Second currency for values (default: the case's report currency); USD is always shown.
    tracking_assets : sequence of Money, optional
        Levels of assets tracking the index, overriding the case figure (totals); two or more
        levels are spread into a sensitivity range from the lowest to the highest.
    average_daily_volume : Decimal or Money, optional
        ADV overriding the case figure: shares per day (Decimal) or traded value per day (Money).
    target_ps : Decimal, optional
        Target P/S (x) overriding ``market.reflexivity.target_ps``.
    by : sequence of date
        Dates for the growth-needed table (default: the revenue targets' period ends).
    fundamental : Money, optional
        A fundamental value (total) to decompose the market cap against, e.g. an anchor's base.
    structural_share : Decimal, optional
        Share of the premium from structure (decimal), applied to every split.

    Returns
    -------
    MarketStructureResult

    Raises
    ------
    MissingFigureError
        Naming every missing figure, when the core analysis cannot run.
    ContradictoryInputError
        An unlock larger than the locked shares, a date before the listing, an index weight or
        share outside [0, 100%].
    FxRateMissingError
        If a conversion rate is unknown.

    Examples
    --------
    >>> from anchorval.cases import load_case
    >>> r = analyse_market(load_case("zhipu-2026-06"))
    >>> f"{r.free_float.float_pct:.2%}"
    '2.67%'
    """
    missing = missing_market_figures(case)
    if missing:
        raise MissingFigureError(
            MSG_MISSING_MARKET_FIGURES.format(
                case=case.id, needed_by="anchorval market", fields="; ".join(missing)
            )
        )
    fx = fx if fx is not None else FxTable(overrides=[r.to_rate() for r in case.fx_rates])
    assert (
        case.capital is not None
        and case.capital.share_price is not None
        and case.market is not None
    )
    price = case.capital.share_price.money()
    local = price.currency
    currencies = list(dict.fromkeys([local, currency or case.report_currency, "USD"]))
    counts = share_counts(case)
    cal = lockup_calendar(case, counts, price)
    fshares, flower = cal.float_at(case.as_of)
    ff = free_float(case, counts, price, fshares, flower, fx, currencies)
    ff = _with_price_cite(case, ff)
    mcap = ff.market_cap[local]
    skipped: dict[str, str] = {}

    index = []
    listing = case.company.listing_date
    if not case.market.index_inclusions:
        skipped["index demand"] = "lacks market.index_inclusions"
    for i, inc in enumerate(case.market.index_inclusions):
        path = f"market.index_inclusions[{i}]"
        if listing is not None and inc.effective < listing:
            raise ContradictoryInputError(
                MSG_DATE_BEFORE_LISTING.format(
                    field=f"{path}.effective", date=inc.effective, listing=listing
                )
            )
        res = _index_demand(case, i, price, cal, fx, tracking_assets, average_daily_volume)
        if isinstance(res, str):
            skipped[f"index demand ({inc.index})"] = res
        else:
            index.append(res)

    refl = None
    if case.market.reflexivity is None and target_ps is None:
        skipped["P/S path"] = "lacks market.reflexivity (target_ps and growth scenarios)"
    else:
        refl = _reflexivity(case, mcap, fx, target_ps, by)
        if isinstance(refl, str):
            skipped["P/S path"], refl = refl, None

    splits: list[PremiumSplit] = []
    for i, pa in enumerate(case.market.premium_attributions):
        path = f"market.premium_attributions[{i}]"
        refs = [cite(case, pa.fundamental_share, f"{path}.fundamental_share")]
        s = structural_share
        if s is None and pa.structural_share_of_premium is not None:
            s = pa.structural_share_of_premium.base
            refs.append(
                cite(case, pa.structural_share_of_premium, f"{path}.structural_share_of_premium")
            )
        splits.append(decompose(mcap, mcap * pa.fundamental_share.base, s, pa.name, tuple(refs)))
    if fundamental is not None:
        fund_local = fx.convert(fundamental, local, case.as_of)
        label = f"user input ({format_money(fundamental)})"
        splits.append(decompose(mcap, fund_local, structural_share, label))
    decomp = DecompositionResult(mcap, tuple(splits)) if splits else None
    if decomp is None:
        skipped["price decomposition"] = (
            "lacks market.premium_attributions and no fundamental value was given (--fundamental)"
        )
    result = MarketStructureResult(
        case_id=case.id,
        company=case.company.name,
        as_of=case.as_of,
        currency=local,
        free_float=ff,
        lockups=cal,
        index=tuple(index),
        reflexivity=refl,
        decomposition=decomp,
        skipped=skipped,
        notes=case.notes,
    )
    used = {f.source_id for f in result.figures}
    used |= {lu.source for lu in case.market.lockups} | {
        x.source for x in case.market.index_inclusions
    }
    sources = {k: v for k, v in case.sources.items() if k in used}
    return MarketStructureResult(**{**result.__dict__, "sources": sources})


def _with_price_cite(case: Case, ff: FreeFloatResult) -> FreeFloatResult:
    assert case.capital is not None and case.capital.share_price is not None
    refs = (cite(case, case.capital.share_price, "capital.share_price"), *ff.figures)
    return FreeFloatResult(**{**ff.__dict__, "figures": refs})


def _adv_shares(
    case: Case, price: Money, fx: FxTable, override: Decimal | Money | None
) -> tuple[tuple[Decimal, Decimal, Decimal] | None, bool, list[Cited]]:
    """ADV as (low, base, high) shares per day, whether it is an assumption, and its citation."""
    assert case.market is not None

    def to_shares(v: Decimal | Money) -> Decimal:
        if isinstance(v, Money):
            return fx.convert(v, price.currency, case.as_of) / price
        return v

    if override is not None:
        s = to_shares(override)
        return (s, s, s), False, []
    adv = case.market.average_daily_volume
    if adv is None:
        return None, False, []
    if adv.is_money:
        lo, base, hi = (to_shares(adv.money(w)) for w in ("lo", "base", "hi"))  # type: ignore[arg-type]
    else:
        lo, base, hi = adv.lo, adv.base, adv.hi
    return (
        (lo, base, hi),
        is_assumption(case, adv.source),
        [cite(case, adv, "market.average_daily_volume")],
    )


def _index_demand(
    case: Case,
    i: int,
    price: Money,
    cal: LockUpCalendar,
    fx: FxTable,
    assets_override: Sequence[Money] | None,
    adv_override: Decimal | Money | None,
) -> IndexDemandResult | str:
    assert case.market is not None
    inc = case.market.index_inclusions[i]
    path = f"market.index_inclusions[{i}]"
    refs = [cite(case, inc.weight, f"{path}.weight")]
    warnings = []
    assumed = False
    if assets_override:
        cur = assets_override[0].currency
        amounts = sorted(fx.convert(a, cur, case.as_of).amount for a in assets_override)
        points = [Money(x, cur) for x in sensitivity_points(amounts[0], amounts[-1])]
        base = None
    elif inc.tracking_assets is not None:
        ta = inc.tracking_assets
        refs.append(cite(case, ta, f"{path}.tracking_assets"))
        points = [Money(x, ta.unit) for x in sensitivity_points(ta.lo, ta.hi, ta.base)]
        base = Money(ta.base, ta.unit)
        assumed = is_assumption(case, ta.source)
    else:
        return (
            f"lacks {path}.tracking_assets (assets tracking {inc.index}: give a cited figure, an "
            "assumption range citing an 'assumption' source, or --tracking-assets)"
        )
    if assumed:
        warnings.append(
            f"assets tracking {inc.index} are an ASSUMPTION "
            f"({inc.tracking_assets.display() if inc.tracking_assets else ''}), "
            "not a sourced figure: read the demand as a sensitivity, not a fact"
        )
    adv, adv_assumed, adv_refs = _adv_shares(case, price, fx, adv_override)
    refs += adv_refs
    if adv is None:
        warnings.append(
            "no average daily volume (market.average_daily_volume or --adv): "
            "days of volume not computed"
        )
    elif adv_assumed:
        warnings.append("average daily volume is an ASSUMPTION, not a sourced figure")
    if inc.effective != case.as_of:
        warnings.append(
            f"demand in shares uses the {case.as_of} price ({format_money(price, digits=6)}), "
            "not the price on the "
            f"effective date {inc.effective}"
        )
    fshares, flower = cal.float_at(inc.effective)
    rates: dict[str, FxRate] = {}

    def conv(m: Money) -> Money:
        r = fx.rate(m.currency, price.currency, case.as_of)
        if r.base != r.quote:
            rates[r.pair] = r
        return Money(m.amount * r.rate, price.currency)

    announced = None
    if inc.announced is not None:
        announced = (
            inc.announced.strftime("%Y-%m")
            if inc.announced_precision == "month"
            else inc.announced.isoformat()
        )
    res = index_demand(
        inc.index,
        inc.effective,
        inc.weight.base,
        points,
        price,
        fshares,
        conv,
        base_assets=base,
        adv_shares=adv,
        announced=announced,
        float_is_lower_bound=flower,
        tracking_assets_assumed=assumed,
        adv_assumed=adv_assumed,
        figures=tuple(refs),
        warnings=tuple(warnings),
    )
    return IndexDemandResult(**{**res.__dict__, "fx": tuple(rates.values())})


def _reflexivity(
    case: Case, mcap: Money, fx: FxTable, target_override: Decimal | None, by: Sequence[date]
) -> ReflexivityResult | str:
    spec = case.market.reflexivity if case.market else None
    refs: list[Cited] = []
    rates: dict[str, FxRate] = {}
    warnings: list[str] = []

    def conv(m: Money) -> Money:
        r = fx.rate(m.currency, mcap.currency, case.as_of)
        if r.base != r.quote:
            rates[r.pair] = r
        return Money(m.amount * r.rate, mcap.currency)

    if target_override is not None:
        target = target_override
    else:
        assert spec is not None
        target = spec.target_ps.base
        refs.append(cite(case, spec.target_ps, "market.reflexivity.target_ps"))
    fin = case.financials
    rev_fig = fin.revenue if fin else None
    base_rev = base_date = start_ps = None
    if rev_fig is not None:
        base_rev = conv(rev_fig.money())
        base_date = rev_fig.as_of
        start_ps = ps_multiple(mcap, base_rev)
        refs.append(cite(case, rev_fig, "financials.revenue"))
    rr = spec.run_rate if spec else None
    rr_local = conv(rr.run_rate.money()) if rr is not None else None
    period_label = fin.revenue_period if fin and fin.revenue_period else "trailing"
    bases = {
        "revenue": (base_rev, base_date, f"{period_label} revenue"),
        "run_rate": (
            rr_local,
            rr.run_rate.as_of if rr else None,
            f"{rr.segment} run rate (annualised)" if rr else "",
        ),
    }
    stated_now = spec.stated_ps_now.base if spec and spec.stated_ps_now else None
    if spec and spec.stated_ps_now is not None:
        refs.append(cite(case, spec.stated_ps_now, "market.reflexivity.stated_ps_now"))
        if start_ps is not None and not (
            1 / DISAGREEMENT_FACTOR <= start_ps / stated_now <= DISAGREEMENT_FACTOR
        ):
            warnings.append(
                f"computed P/S {start_ps:,.0f}x disagrees with the stated {stated_now:,.0f}x"
            )
    paths: list[PSPath] = []
    scenarios = spec.scenarios if spec else ()
    if not scenarios and base_rev is None:
        return "lacks financials.revenue and growth scenarios (market.reflexivity.scenarios)"
    for j, sc in enumerate(scenarios):
        p = f"market.reflexivity.scenarios[{j}]"
        brev, bdate, blabel = bases[sc.base]
        if brev is None or bdate is None:
            need = "financials.revenue" if sc.base == "revenue" else "market.reflexivity.run_rate"
            raise MissingFigureError(
                MSG_MISSING_MARKET_FIGURES.format(
                    case=case.id, needed_by=f"P/S scenario {sc.name!r}", fields=need
                )
            )
        srefs = [cite(case, sc.start, f"{p}.start")]
        if sc.end is not None:
            srefs.append(cite(case, sc.end, f"{p}.end"))
        g = growth_path(sc.start.base, sc.end.base if sc.end else None, sc.fade_periods, sc.periods)
        paths.append(
            ps_path(
                sc.name,
                mcap,
                brev,
                bdate,
                g,
                target,
                sc.period,
                sc.description,
                blabel,
                tuple(srefs),
            )
        )
    targets: list[RevenueTargetRow] = []
    for j, rt in enumerate(spec.revenue_targets if spec else ()):
        p = f"market.reflexivity.revenue_targets[{j}]"
        refs.append(cite(case, rt.revenue, f"{p}.revenue"))
        if rt.stated_ps is not None:
            refs.append(cite(case, rt.stated_ps, f"{p}.stated_ps"))
        stated = rt.stated_ps.base if rt.stated_ps else None
        for k, fig in enumerate((rt.revenue, *rt.revenue.alternatives)):
            if not fig.is_money:
                continue
            lo, hi = fig.money("lo"), fig.money("hi")
            lo_l, hi_l = conv(lo), conv(hi)
            g_lo = g_hi = None
            if base_rev is not None and base_date is not None:
                years = periods_between(base_date, rt.period_end, "year")
                if years >= 1:
                    g_lo = (lo_l / base_rev) ** (Decimal(1) / years) - 1
                    g_hi = (hi_l / base_rev) ** (Decimal(1) / years) - 1
            row = RevenueTargetRow(
                rt.name if k == 0 else f"{rt.name} (alternative: {fig.display()}, {fig.source})",
                rt.period_end,
                lo,
                hi,
                ps_multiple(mcap, hi_l),
                ps_multiple(mcap, lo_l),
                stated,
                g_lo,
                g_hi,
                k > 0,
                fig.note,
            )
            targets.append(row)
            if stated is not None:
                mid = (row.ps_low + row.ps_high) / 2
                if not (1 / DISAGREEMENT_FACTOR <= mid / stated <= DISAGREEMENT_FACTOR):
                    warnings.append(
                        f"{row.name}: at {fig.display()} the P/S at today's price is "
                        f"{row.ps_low:,.0f}x-"
                        f"{row.ps_high:,.0f}x, not the {stated:,.0f}x the source states"
                    )
                elif k > 0:
                    warnings.append(
                        f"{row.name}: this reading gives {row.ps_low:,.0f}x-{row.ps_high:,.0f}x, "
                        "consistent with "
                        f"the stated {stated:,.0f}x"
                    )
    dates = list(by) or [t.period_end for t in (spec.revenue_targets if spec else ())]
    if not dates and base_date is not None:
        dates = [date(base_date.year + k, 12, 31) for k in (1, 2, 3)]
    required: list[RequiredGrowthRow] = []
    for d in sorted(set(dates)):
        for key, period in (("revenue", "year"), ("run_rate", "quarter")):
            brev, bdate, blabel = bases[key]
            if brev is None or bdate is None:
                continue
            n = periods_between(bdate, d, period)
            if n >= 1:
                required.append(
                    RequiredGrowthRow(d, blabel, period, n, required_growth(mcap, brev, target, n))
                )
    run_rate = None
    if rr is not None:
        refs.append(cite(case, rr.run_rate, "market.reflexivity.run_rate.run_rate"))
        run_rate = {
            f"{rr.segment} run rate (annualised)": f"{format_money(rr.run_rate.money())} = "
            f"{format_money(rr_local)}"
            f" (as of {rr.run_rate.as_of})",
            f"P/S on the {rr.segment} run rate alone": f"{ps_multiple(mcap, rr_local):,.0f}x",
        }
        if rr.price_growth_qoq is not None:
            refs.append(
                cite(case, rr.price_growth_qoq, "market.reflexivity.run_rate.price_growth_qoq")
            )
            run_rate["price change QoQ"] = pct(rr.price_growth_qoq.base, 0)
        if rr.revenue_multiple_qoq is not None:
            refs.append(
                cite(
                    case,
                    rr.revenue_multiple_qoq,
                    "market.reflexivity.run_rate.revenue_multiple_qoq",
                )
            )
            run_rate["revenue multiple QoQ"] = f"{format_number(rr.revenue_multiple_qoq.base)}x"
        if rr.price_growth_qoq is not None and rr.revenue_multiple_qoq is not None:
            vol = rr.revenue_multiple_qoq.base / (1 + rr.price_growth_qoq.base)
            run_rate["implied volume multiple QoQ (revenue multiple / price multiple)"] = (
                f"{vol:.2f}x"
            )
        if rr.volume_multiple_qoq is not None:
            stated_vol = rr.volume_multiple_qoq.base
            refs.append(
                cite(case, rr.volume_multiple_qoq, "market.reflexivity.run_rate.volume_multiple_qoq")
            )
            run_rate["volume multiple QoQ (stated)"] = f"{format_number(stated_vol)}x"
            if rr.price_growth_qoq is not None and rr.revenue_multiple_qoq is not None:
                vol = rr.revenue_multiple_qoq.base / (1 + rr.price_growth_qoq.base)
                if abs(vol / stated_vol - 1) > STATED_TOTAL_TOLERANCE:
                    implied_rev = stated_vol * (1 + rr.price_growth_qoq.base)
                    warnings.append(
                        f"{rr.segment}: the source gives two readings that cannot both hold: revenue "
                        f"x{format_number(rr.revenue_multiple_qoq.base)} at "
                        f"+{pct(rr.price_growth_qoq.base, 0)} prices implies volume x{vol:.2f}, but it also states "
                        f"volume x{format_number(stated_vol)} (which implies revenue x{implied_rev:.2f})"
                    )
    return ReflexivityResult(
        market_cap=mcap,
        base_revenue=base_rev,
        base_date=base_date,
        start_ps=start_ps,
        stated_ps_now=stated_now,
        target_ps=target,
        paths=tuple(paths),
        targets=tuple(targets),
        required=tuple(required),
        run_rate=run_rate,
        warnings=tuple(warnings),
        figures=tuple(refs),
        fx=tuple(rates.values()),
    )

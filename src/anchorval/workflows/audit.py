"""Orchestration of the claims audit: read articles, load cases once, check their numbers.

Builds the references (case figures, anchorval's arithmetic on them, anchors) and the FX rates,
and runs the pure checks of :mod:`anchorval.claims`.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..cases import LoadedCase, resolve_case
from ..claims import (
    ArticleAudit,
    AuditResult,
    Check,
    Reference,
    check_across,
    check_article,
    decode_article,
    extract_claims,
    split_sentences,
)
from ..claims._text import MAX_ARTICLE_BYTES
from ..domain import Case, Figure
from ..domain._figure import is_assumption_source
from ..errors import (
    MSG_ARTICLE_TOO_LARGE,
    MSG_ARTICLE_UNREADABLE,
    AnchorvalError,
    ArticleError,
    FxRateMissingError,
)
from ..money import FxRate, FxTable, Money, format_number

__all__ = ["audit", "case_references", "read_article"]

#: Case figure path -> (quantity, bound). Figures the articles state as the end point of a
#: 'from X to Y' (``market.reflexivity.stated_ps_now``, ``target_ps``) are not references: they
#: are the articles' own words, and anchorval recomputes P/S from price, shares and revenue.
_FIGURE_MAP: tuple[tuple[str, str, str], ...] = (
    (r"financials\.revenue", "revenue", "exact"),
    (r"financials\.revenue_growth", "revenue_growth", "exact"),
    (r"financials\.net_loss", "net_loss", "exact"),
    (r"financials\.adjusted_net_loss", "adjusted_net_loss", "exact"),
    (r"financials\.rd_expense", "rd_expense", "exact"),
    (r"financials\.arr_run_rate", "arr", "exact"),
    (r"capital\.share_price", "share_price", "exact"),
    (r"capital\.market_cap", "market_cap", "over"),
    (r"capital\.shares_outstanding", "share_count", "exact"),
    (r"funding_rounds\[\d+\]\.money_raised", "funding", "exact"),
    (r"perps\[\d+\]\.price", "share_price", "exact"),
    (r"perps\[\d+\]\.reference_shares", "share_count", "exact"),
    (r"perps\[\d+\]\.volume_24h", "volume", "exact"),
    (r"arr_multiple\.market_arr", "combined_arr", "exact"),
    (r"arr_multiple\.share", "revenue_share", "exact"),
    (r"arr_multiple\.multiples", "arr_multiple", "exact"),
    (r"market\.free_float\.unrestricted_shares", "float_shares", "exact"),
    (r"market\.free_float\.unrestricted_pct", "float_pct", "exact"),
    (r"market\.free_float\.circulating_pct_max", "float_pct", "under"),
    (r"market\.lockups\[\d+\]\.shares", "unlock_shares", "exact"),
    (r"market\.lockups\[\d+\]\.pct_of_total", "unlock_pct", "exact"),
    (r"market\.index_inclusions\[\d+\]\.weight", "index_weight", "exact"),
    (r"market\.reflexivity\.run_rate\.run_rate", "arr", "exact"),
    (r"market\.reflexivity\.run_rate\.price_growth_qoq", "price_growth", "exact"),
    (r"market\.reflexivity\.run_rate\.revenue_multiple_qoq", "growth_multiple", "exact"),
    (r"market\.reflexivity\.revenue_targets\[\d+\]\.revenue", "revenue", "exact"),
    (r"market\.premium_attributions\[\d+\]\.fundamental_share", "premium_share", "exact"),
)
#: Currencies whose rates the audit fetches (the sources print these).
_AUDIT_CURRENCIES = ("USD", "HKD", "CNY", "USDT", "EUR", "JPY")


def read_article(path: str | Path) -> tuple[str, str]:
    """Read an article file, bounded in size, and decode it.

    Parameters
    ----------
    path : str or Path
        A text file (UTF-8, or one that declares its encoding; see
        :func:`~anchorval.claims.decode_article`).

    Returns
    -------
    tuple of (str, str)
        The file name and the text.

    Raises
    ------
    ArticleError
        If the file cannot be read, is larger than ``MAX_ARTICLE_BYTES`` (checked before
        reading), or is empty, binary or not valid text.
    """
    p = Path(path)
    try:
        size = os.stat(p).st_size
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(MSG_ARTICLE_TOO_LARGE.format(file=str(p), size=size, limit=MAX_ARTICLE_BYTES))
        data = p.read_bytes()
    except OSError as exc:
        raise ArticleError(MSG_ARTICLE_UNREADABLE.format(file=str(p), why=exc.strerror or exc)) from None
    return str(p), decode_article(data, str(p))


def _cite(case: Case, path: str, f: Figure) -> str:
    src = case.sources.get(f.source)
    tag = " ASSUMPTION" if is_assumption_source(f.source, src) else ""
    return f"{case.id}:{path} = {f.display()} ({f.source}{tag}, as of {f.as_of})"


def _year(f: Figure, path: str, case: Case) -> str | None:
    if path == "financials.revenue" and case.financials is not None:
        m = re.search(r"(20\d\d)", str(getattr(case.financials, "revenue_period", "") or ""))
        return m.group(1) if m else str(f.as_of.year)
    if path.startswith("financials.") and path != "financials.arr_run_rate":
        return str(f.as_of.year)
    if ".revenue_targets[" in path:
        return None  # set from period_end by the caller
    return None


def case_references(loaded: LoadedCase, fx: FxTable, on: date) -> list[Reference]:
    """Build the references of one case: its figures, anchorval's arithmetic on them, its anchors.

    Parameters
    ----------
    loaded : LoadedCase
        The case and its resolved peers.
    fx : FxTable
        Rates for converting (the case's own rates win over the ECB's).
    on : date
        Date of the FX rates (the case's as-of date).

    Returns
    -------
    list of Reference
        Figures (``origin='case'``), computed values (``'computed'``: market cap = price x
        shares, P/S = market cap / revenue, implied share totals from percentages, unlock as a %
        of the float, the perp-implied valuation, ARR = combined ARR x share, ARR x each
        multiple), and each anchor's low-high (``'anchor'``).

    Raises
    ------
    FxRateMissingError
        If a needed rate is unknown.
    """
    from ..workflows.value import value_loaded

    case = loaded.case
    who = case.company.name
    figs = case.figures()
    refs: list[Reference] = []
    for path, f in figs.items():
        for pat, quantity, bound in _FIGURE_MAP:
            if re.fullmatch(pat, path):
                period = _year(f, path, case)
                if ".revenue_targets[" in path:
                    idx = int(re.search(r"\[(\d+)\]", path).group(1))  # type: ignore[union-attr]
                    assert case.market is not None and case.market.reflexivity is not None
                    period = str(case.market.reflexivity.revenue_targets[idx].period_end.year)
                label = f"{who} {path} (case figure)"
                pts = f.values if f.values is not None else None
                if pts:
                    for v in pts:
                        refs.append(
                            Reference(
                                quantity, who, v, v, f.unit, label, "case", (_cite(case, path, f),), bound, None, period
                            )
                        )
                else:
                    refs.append(
                        Reference(
                            quantity,
                            who,
                            f.lo,
                            f.hi,
                            f.unit,
                            label,
                            "case",
                            (_cite(case, path, f),),
                            bound,
                            None,
                            period,
                        )
                    )
                break
    refs += _computed(case, figs, fx, on)
    for rf in loaded.case.funding_rounds:
        if rf.post_money is not None:
            f = rf.post_money
            refs.append(
                Reference(
                    "valuation",
                    who,
                    f.lo,
                    f.hi,
                    f.unit,
                    f"{who} {rf.name} post-money (case figure)",
                    "case",
                    (_cite(case, "funding_rounds.post_money", f),),
                    "exact",
                    "last_round",
                )
            )
    try:
        t = value_loaded(loaded)
    except AnchorvalError:
        return refs
    for a in t.anchors:
        cites = tuple(
            dict.fromkeys(
                f"{x.case_id}:{x.path} = {x.display} ({x.source_id}, as of {x.as_of})"
                for s in a.steps
                for x in s.figures
            )
        )
        refs.append(
            Reference(
                "valuation",
                who,
                a.low.amount,
                a.high.amount,
                a.low.currency,
                f"{who} {a.anchor} anchor ({a.method})",
                "anchor",
                cites,
                "exact",
                a.anchor,
            )
        )
        if a.anchor == "peer_multiple" and a.metrics.get("metric") == "ps" and "multiple" in a.metrics:
            ps = Decimal(str(a.metrics["multiple"]))
            refs.append(
                Reference(
                    "ps",
                    who,
                    ps,
                    ps,
                    "x",
                    f"P/S of the peer {case.peer.case} applied to {who} (peer_multiple anchor)",
                    "computed",
                    cites,
                    "exact",
                    "peer_multiple",
                )
            )
    return refs


def _computed(case: Case, figs: dict[str, Figure], fx: FxTable, on: date) -> list[Reference]:
    who = case.company.name
    out: list[Reference] = []

    def cite(path: str) -> str:
        return _cite(case, path, figs[path])

    price, shares = figs.get("capital.share_price"), figs.get("capital.shares_outstanding")
    cap: tuple[Decimal, str, tuple[str, ...]] | None = None
    if price is not None and shares is not None and price.is_money:
        v = price.base * shares.base
        c = (cite("capital.share_price"), cite("capital.shares_outstanding"))
        cap = (v, price.unit, c)
        out.append(
            Reference(
                "market_cap",
                who,
                v,
                v,
                price.unit,
                f"{who} market cap = share price x shares outstanding",
                "computed",
                c,
            )
        )
    elif "capital.market_cap" in figs:
        f = figs["capital.market_cap"]
        cap = (f.base, f.unit, (cite("capital.market_cap"),))
    rev = figs.get("financials.revenue")
    if cap is not None and rev is not None and rev.is_money:
        r = fx.convert(Money(rev.base, rev.unit), cap[1], on).amount
        ps = cap[0] / r
        rate = fx.rate(rev.unit, cap[1], on)
        out.append(
            Reference(
                "ps",
                who,
                ps,
                ps,
                "x",
                f"{who} P/S = market cap / {rev.display()} revenue",
                "computed",
                (*cap[2], cite("financials.revenue"), f"FX {rate.pair} {rate.rate:.6g} on {rate.on} ({rate.source})"),
            )
        )
    uns, unp = figs.get("market.free_float.unrestricted_shares"), figs.get("market.free_float.unrestricted_pct")
    if uns is not None and unp is not None and unp.base:
        v = uns.base / unp.base
        out.append(
            Reference(
                "share_count",
                who,
                v,
                v,
                "count",
                f"{who} total shares = unrestricted H-shares / their %",
                "computed",
                (cite("market.free_float.unrestricted_shares"), cite("market.free_float.unrestricted_pct")),
            )
        )
    for i in range(len(case.market.lockups) if case.market is not None else 0):
        sp, pp = f"market.lockups[{i}].shares", f"market.lockups[{i}].pct_of_total"
        if sp in figs and pp in figs and figs[pp].base:
            v = figs[sp].base / figs[pp].base
            out.append(
                Reference(
                    "share_count",
                    who,
                    v,
                    v,
                    "count",
                    f"{who} total shares = unlock / its %",
                    "computed",
                    (cite(sp), cite(pp)),
                )
            )
        if sp in figs and shares is not None:
            v = figs[sp].base / shares.base
            out.append(
                Reference(
                    "unlock_pct",
                    who,
                    v,
                    v,
                    "ratio",
                    f"{who} unlock / shares outstanding",
                    "computed",
                    (cite(sp), cite("capital.shares_outstanding")),
                )
            )
        if sp in figs and uns is not None:
            v = figs[sp].base / uns.base
            out.append(
                Reference(
                    "unlock_float_pct",
                    who,
                    v,
                    v,
                    "ratio",
                    f"{who} unlock as % of the unrestricted float",
                    "computed",
                    (cite(sp), cite("market.free_float.unrestricted_shares")),
                )
            )
    for i, p in enumerate(case.perps):
        pp, rp = f"perps[{i}].price", f"perps[{i}].reference_shares"
        if pp in figs and rp in figs:
            lo, hi = figs[pp].lo * figs[rp].base, figs[pp].hi * figs[rp].base
            out.append(
                Reference(
                    "valuation",
                    who,
                    lo,
                    hi,
                    figs[pp].unit,
                    f"{who} {p.venue} perp price x reference shares",
                    "computed",
                    (cite(pp), cite(rp)),
                    "exact",
                    "perp_implied",
                )
            )
    am = case.arr_multiple
    if am is not None and "arr_multiple.market_arr" in figs and "arr_multiple.share" in figs:
        m, s = figs["arr_multiple.market_arr"], figs["arr_multiple.share"]
        lo, hi = m.lo * s.lo, m.hi * s.hi
        c = (cite("arr_multiple.market_arr"), cite("arr_multiple.share"))
        year = str(am.horizon.year) if getattr(am, "horizon", None) else None
        out.append(
            Reference(
                "arr",
                who,
                lo,
                hi,
                m.unit,
                f"{who} ARR = combined ARR x revenue share",
                "computed",
                c,
                "exact",
                None,
                year,
            )
        )
        mults = figs.get("arr_multiple.multiples")
        if mults is not None:
            for k in mults.points:
                out.append(
                    Reference(
                        "valuation",
                        who,
                        lo * k,
                        hi * k,
                        m.unit,
                        f"{who} ARR x {format_number(k)}x",
                        "computed",
                        (*c, cite("arr_multiple.multiples")),
                        "exact",
                        "arr_multiple",
                    )
                )
    return out


def _rates(fx: FxTable, on: date, currencies: Sequence[str]) -> tuple[dict[tuple[str, str], Decimal], list[FxRate]]:
    rates: dict[tuple[str, str], Decimal] = {}
    used: list[FxRate] = []
    for a, b in itertools.combinations(currencies, 2):
        try:
            r = fx.rate(a, b, on)
        except FxRateMissingError:
            continue
        rates[(a, b)] = r.rate
        used.append(r)
    return rates, used


def audit(
    text_or_path: str | Path | Sequence[str | Path],
    cases: Iterable[str | Path | Case] = (),
    on: date | None = None,
) -> AuditResult:
    """Audit the numbers one or more articles print, against arithmetic, cases and each other.

    Parameters
    ----------
    text_or_path : str, Path, or sequence of them
        An article's text, or the path of a text file (UTF-8 or a declared encoding); a list
        audits several articles and also compares them with each other (an original and its
        machine translation). A ``str`` that names an existing file is read as a path.
    cases : iterable of str, Path or Case
        Bundled case ids or case files whose figures, computed values and anchors the claims are
        checked against (peers are resolved too).
    on : date, optional
        Date of the FX rates (default: the first case's as-of date; without cases, today's ECB
        rates are not fetched and money in different currencies is not compared).

    Returns
    -------
    AuditResult
        Per article: claims (with spans), checks and verdicts; the references, FX rates and
        sources used. ``to_dict()`` gives the JSON of ``docs/audit.md``.

    Raises
    ------
    ArticleError
        If an article file is empty, binary, too large or not valid text.
    UnknownCaseError, CaseError
        If a case cannot be loaded.

    Examples
    --------
    >>> r = audit("Zhipu's 2025 revenue was 7.2433 billion RMB.", cases=["zhipu-2026-06"])
    >>> row = r.articles[0].rows()[1]
    >>> row.claim.text, row.verdict, row.check.slip
    ('7.2433 billion RMB', 'inconsistent', 'scale')
    """
    items = [text_or_path] if isinstance(text_or_path, str | Path) else list(text_or_path)
    texts: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        if isinstance(item, Path) or (
            isinstance(item, str) and "\n" not in item and len(item) < 4096 and _is_file(item)
        ):
            texts.append(read_article(item))
        else:
            text = str(item)
            if not text.strip():
                raise ArticleError(f"<text {i + 1}>: the article is empty (no text to audit)")
            texts.append((f"<text {i + 1}>" if len(items) > 1 else "<text>", text))
    loaded: list[LoadedCase] = []
    known: dict[str, Case] = {}  # each case file is parsed once, also when it is another's peer
    for ref in cases:
        lc = resolve_case(known[ref] if isinstance(ref, str) and ref in known else ref, peers=known)
        known.update({lc.case.id: lc.case, **lc.peers})
        loaded.append(lc)
    entities: dict[str, list[str]] = {}
    headline: dict[str, str] = {}  # an amount about a listed company with no keyword is its market cap
    sources: dict[str, dict[str, object]] = {}
    for lc in loaded:
        for c in (lc.case, *lc.peers.values()):
            entities.setdefault(c.company.name, []).extend(c.company.aliases)
            if c.company.status == "listed":
                headline[c.company.name] = "market_cap"
            for sid, s in c.sources.items():
                sources[f"{c.id}:{sid}"] = {
                    "title": s.title,
                    "publisher": s.publisher,
                    "date": s.date.isoformat(),
                    "url": s.url,
                    "assumption": is_assumption_source(sid, s),
                }
    day = on or (loaded[0].case.as_of if loaded else None)
    rates: dict[tuple[str, str], Decimal] = {}
    used: list[FxRate] = []
    refs: list[Reference] = []
    if loaded:
        overrides = [r.to_rate() for lc in loaded for c in (lc.case, *lc.peers.values()) for r in c.fx_rates]
        fx = FxTable(overrides=overrides)
        assert day is not None
        seen: set[str] = set()
        for lc in loaded:
            for c in (lc.case, *lc.peers.values()):
                if c.id in seen:
                    continue
                seen.add(c.id)
                refs += (
                    case_references(resolve_case(c, lc.peers), fx, day)
                    if c is not lc.case
                    else case_references(lc, fx, day)
                )
    extracted = [
        (
            name,
            text,
            extract_claims(text, entities, loaded[0].case.company.name if len(loaded) == 1 else None, headline),
        )
        for name, text in texts
    ]
    if loaded:  # rates between the currencies the claims and references use (and USD, HKD, CNY)
        units = {c.unit for _, _, cs in extracted for c in cs} | {r.unit for r in refs}
        rates, used = _rates(fx, day, [u for u in _AUDIT_CURRENCIES if u in units or u in ("USD", "HKD", "CNY")])
    arts: list[ArticleAudit] = []
    claims_by: dict[str, list] = {}
    for name, text, claims in extracted:
        checks = check_article(claims, text, refs, rates)
        claims_by[name] = claims
        arts.append(ArticleAudit(name, text, tuple(split_sentences(text)), tuple(claims), tuple(checks)))
    if len(arts) > 1:
        extra: dict[str, list[Check]] = {}
        for name, k in check_across(claims_by, rates):
            extra.setdefault(name, []).append(k)
        arts = [replace(a, checks=a.checks + tuple(extra.get(a.name, ()))) for a in arts]
    return AuditResult(
        articles=tuple(arts),
        cases=tuple(lc.case.id for lc in loaded),
        as_of=day,
        references=tuple(refs),
        fx_rates=tuple(used),
        sources=sources,
    )


def _is_file(s: str) -> bool:
    try:
        return Path(s).is_file()
    except OSError:
        return False

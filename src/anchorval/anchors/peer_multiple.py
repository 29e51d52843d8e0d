"""Peer-multiple anchor: a listed peer's P/S (or EV/Revenue) applied to the target's revenue or ARR."""

from __future__ import annotations

from decimal import Decimal

from ..domain import Case
from ..errors import MSG_MISSING_FIGURE, MissingFigureError
from ..money import Money, format_money, format_number
from ._base import AnchorContext, AnchorResult, Derivation, FigureRef

__all__ = ["SCARCITY_PS", "peer_market_cap", "peer_multiple", "price_to_sales"]

#: A P/S above this (x) is flagged as carrying a scarcity premium.
SCARCITY_PS = Decimal(100)

CAVEAT = (
    "A peer priced at hundreds of times sales carries a scarcity premium: applied to a far larger "
    "revenue base it gives an emotional ceiling, not a value."
)


def peer_market_cap(peer: Case, d: Derivation) -> tuple[Money, tuple[FigureRef, ...]]:
    """Market cap of a listed case: price x shares if both are given, else the stated market cap.

    Parameters
    ----------
    peer : Case
        A case with ``capital``.
    d : Derivation
        Builder that receives the step.

    Returns
    -------
    tuple of (Money, tuple of FigureRef)
        Market cap (total, in the price's currency) and the figures used.

    Raises
    ------
    MissingFigureError
        If neither price x shares nor a market cap is given.
    """
    cap = peer.capital
    if cap is not None and cap.share_price is not None and cap.shares_outstanding is not None:
        price, shares = cap.share_price.money(), cap.shares_outstanding.base
        mcap = price * shares
        refs = (
            d.ref(cap.share_price, "capital.share_price", peer),
            d.ref(cap.shares_outstanding, "capital.shares_outstanding", peer),
        )
        d.step(
            f"{peer.company.name} market cap",
            "share price x shares outstanding",
            f"{format_money(price, digits=6)} x {format_number(shares, 6)} = {format_money(mcap)}",
            refs,
        )
        if cap.market_cap is not None and cap.market_cap.unit == mcap.currency:
            stated = cap.market_cap.money()
            d.step(
                f"{peer.company.name} stated market cap (check)",
                "derived market cap / stated market cap",
                f"{format_money(mcap)} / {format_money(stated)} = {mcap / stated:.3f}",
                (d.ref(cap.market_cap, "capital.market_cap", peer),),
            )
        return mcap, refs
    if cap is not None and cap.market_cap is not None:
        mcap = cap.market_cap.money()
        refs = (d.ref(cap.market_cap, "capital.market_cap", peer),)
        d.step(f"{peer.company.name} market cap", "stated market cap", mcap, refs)
        return mcap, refs
    raise MissingFigureError(
        MSG_MISSING_FIGURE.format(
            case=peer.id,
            field="capital.share_price and capital.shares_outstanding, or capital.market_cap",
            needed_by="peer_multiple",
        )
    )


def price_to_sales(peer: Case, ctx: AnchorContext, metric: str = "ps", d: Derivation | None = None) -> Decimal:
    """Compute a listed case's P/S (market cap / revenue) or EV/Revenue from its own figures.

    Parameters
    ----------
    peer : Case
        Needs ``capital`` (price x shares, or market cap) and ``financials.revenue``.
    ctx : AnchorContext
        FX: revenue is converted into the market cap's currency at the peer's as-of date.
    metric : {'ps', 'ev_revenue'}
        ``'ev_revenue'`` uses EV = market cap + debt - cash.
    d : Derivation, optional
        Builder to record steps in.

    Returns
    -------
    Decimal
        The multiple (x), e.g. ``Decimal('1248.3')`` = 1,248x.

    Raises
    ------
    MissingFigureError
        If market cap or revenue is missing.
    FxRateMissingError
        If revenue cannot be converted.
    """
    d = d or Derivation(peer, ctx, "peer_multiple")
    mcap, _ = peer_market_cap(peer, d)
    numerator = mcap
    label = "P/S"
    if metric == "ev_revenue":
        label = "EV/Revenue"
        cap = peer.capital
        assert cap is not None
        debt = d.convert(cap.debt.money(), peer.as_of, mcap.currency)[0] if cap.debt else Money(0, mcap.currency)
        cash = d.convert(cap.cash.money(), peer.as_of, mcap.currency)[0] if cap.cash else Money(0, mcap.currency)
        numerator = mcap + debt - cash
        d.step("Enterprise value", "market cap + debt - cash", numerator)
    fin = peer.financials
    rev_fig = d.require(fin.revenue if fin else None, "financials.revenue", peer)
    rev, rate = d.convert(rev_fig.money(), peer.as_of, mcap.currency)
    multiple = numerator.amount / rev.amount
    period = fin.revenue_period if fin and fin.revenue_period else "trailing"
    d.step(
        f"{peer.company.name} {label}",
        f"{'EV' if metric == 'ev_revenue' else 'market cap'} / {period} revenue (revenue at the {peer.as_of} rate)",
        f"{format_money(numerator)} / {format_money(rev)} = {multiple:,.1f}x",
        (d.ref(rev_fig, "financials.revenue", peer),),
        (rate,),
    )
    for j, alt in enumerate(rev_fig.alternatives):
        if not alt.is_money:
            continue
        arev, arate = d.convert(alt.money(), peer.as_of, mcap.currency)
        d.step(
            f"{label} at an alternative revenue figure",
            f"{label} if revenue were {alt.display()} ({alt.source})",
            f"{format_money(numerator)} / {format_money(arev)} = {numerator.amount / arev.amount:,.1f}x",
            (d.ref(alt, f"financials.revenue.alternatives[{j}]", peer),),
            (arate,),
        )
    return multiple


def peer_multiple(case: Case, ctx: AnchorContext) -> AnchorResult:
    """Apply a listed peer's P/S (or EV/Revenue) to the target's revenue or ARR range.

    Parameters
    ----------
    case : Case
        Needs ``peer`` (the peer case id, metric and what it applies to) and the target figure
        (``financials.arr_run_rate`` or ``financials.revenue``).
    ctx : AnchorContext
        Must hold the resolved peer case in ``peers``.

    Returns
    -------
    AnchorResult
        low/base/high = multiple x target's low/base/high (totals, report currency).
        ``metrics['multiple']`` is the peer's multiple (x).

    Raises
    ------
    MissingFigureError
        If the peer, its figures, or the target figure are missing.

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06")
    >>> r = peer_multiple(lc.case, AnchorContext.for_case(lc.case, lc.peers))
    >>> 1100 < r.metrics["multiple"] < 1350
    True
    """
    d = Derivation(case, ctx, "peer_multiple")
    spec = d.require(case.peer, "peer")
    if spec.case not in ctx.peers:
        raise MissingFigureError(
            MSG_MISSING_FIGURE.format(
                case=case.id, field=f"peer case {spec.case!r} (not resolved)", needed_by="peer_multiple"
            )
        )
    peer = ctx.peers[spec.case]
    multiple = price_to_sales(peer, ctx, spec.metric, d)
    fin = case.financials
    target = d.require(getattr(fin, spec.applied_to, None) if fin else None, f"financials.{spec.applied_to}")
    conv = {w: d.convert(target.money(w), case.as_of) for w in ("lo", "base", "hi")}
    vals = {w: m * multiple for w, (m, _) in conv.items()}
    label = "P/S" if spec.metric == "ps" else "EV/Revenue"
    d.step(
        f"Apply {peer.company.name}'s {label} to {case.company.name}",
        f"peer {label} x {case.company.name} {spec.applied_to.replace('_', ' ')}",
        f"{multiple:,.1f}x x {target.display()} = {format_money(vals['lo'])} .. {format_money(vals['hi'])}",
        (d.ref(target, f"financials.{spec.applied_to}"),),
        (conv["base"][1],),
    )
    if multiple > SCARCITY_PS:
        d.warnings.append(
            f"{peer.company.name} trades at {multiple:,.0f}x {label}: a scarcity premium far above high-growth "
            "software; this anchor is an emotional ceiling, not a value."
        )
    if spec.applied_to == "arr_run_rate":
        d.warnings.append(f"The peer's {label} is on trailing revenue; it is applied here to a forward run rate (ARR).")
    return d.result(
        "peer_multiple",
        f"Peer multiple ({peer.company.name} {label})",
        "market approach: guideline public company method",
        vals["lo"],
        vals["base"],
        vals["hi"],
        CAVEAT,
        metrics={"multiple": multiple, "peer": peer.id, "metric": spec.metric},
    )

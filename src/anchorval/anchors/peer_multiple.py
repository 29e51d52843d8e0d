"""Peer-multiple anchor: a listed peer's P/S (or EV/Revenue) applied to the target's revenue or ARR."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..domain import Case
from ..errors import MSG_MISSING_FIGURE, MissingFigureError
from ..money import Money, format_money, format_number
from ._base import Anchor, AnchorContext, AnchorResult, Derivation, FigureRef, ModelInputs
from ._formulas import Arr, Values, prod

__all__ = [
    "PEER_MULTIPLE",
    "SCARCITY_PS",
    "peer_market_cap",
    "peer_multiple",
    "peer_multiple_model",
    "price_to_sales",
    "sales_multiple",
]


def sales_multiple(
    market_cap: Arr, revenue: Arr, fx_revenue: Arr, debt: Arr | None = None, cash: Arr | None = None
) -> Arr:
    """P/S, or EV/Revenue when debt and cash are given: (market cap + debt - cash) / (revenue x FX).

    Parameters
    ----------
    market_cap : Decimal, float or ndarray of shape (n_draws,)
        Market capitalisation (money, total; price x shares or the stated cap).
    revenue : Decimal, float or ndarray of shape (n_draws,)
        Revenue (money per year, in its own currency).
    fx_revenue : Decimal or float
        Revenue currency -> market cap currency.
    debt, cash : Decimal, float or ndarray of shape (n_draws,), optional
        Already in the market cap's currency (EV = market cap + debt - cash).

    Returns
    -------
    Decimal, float or ndarray of shape (n_draws,)
        The multiple (x).

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> sales_multiple(D(1000), D(10), D(2))
    Decimal('50')
    """
    num = market_cap
    if debt is not None:
        num = num + debt
    if cash is not None:
        num = num - cash
    return num / prod(revenue, fx_revenue)


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
        mcap = Money(prod(price.amount, shares), price.currency)  # price x shares
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
    debt = cash = None
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
    rate = d.rate(rev_fig.unit, peer.as_of, mcap.currency)
    rev = Money(prod(rev_fig.base, rate.rate), mcap.currency)
    multiple = sales_multiple(
        mcap.amount,
        rev_fig.base,
        rate.rate,
        None if debt is None else debt.amount,
        None if cash is None else cash.amount,
    )
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
    rate = d.rate(target.unit, case.as_of)
    conv = {w: (target.money(w), rate) for w in ("lo", "base", "hi")}
    # target figure x FX x peer multiple
    vals = {w: Money(prod(m.amount, rate.rate, multiple), d.currency) for w, (m, _) in conv.items()}
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


def peer_multiple_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised :func:`peer_multiple` base: target x FX x :func:`sales_multiple` of the peer.

    Parameters
    ----------
    case : Case
        Needs ``peer`` (resolved in ``m.ctx.peers``) and the target figure.
    m : ModelInputs
        Registers the figures read (the peer's with a ``'peer.'`` prefix) and gives FX rates.

    Returns
    -------
    callable
        ``fn(x) -> ndarray of shape (n_draws,) or float`` (report currency, total).

    Examples
    --------
    >>> from anchorval.anchors import AnchorContext, PointInputs
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06")
    >>> ctx = AnchorContext.for_case(lc.case, lc.peers)
    >>> m = PointInputs(lc.case, ctx)
    >>> at_base = peer_multiple_model(lc.case, m)(m.values())
    >>> abs(at_base / float(peer_multiple(lc.case, ctx).base.amount) - 1) < 1e-13  # the derivation's base
    True
    """
    spec = case.peer
    assert spec is not None
    peer = m.ctx.peers[spec.case]
    cap = peer.capital
    assert cap is not None and peer.financials is not None and peer.financials.revenue is not None
    if cap.share_price is not None and cap.shares_outstanding is not None:
        cap_cur = cap.share_price.unit
        price, shares = m.use("peer.capital.share_price"), m.use("peer.capital.shares_outstanding")
        mcap: Callable[[Values], Arr] = lambda x: prod(x[price], x[shares])  # noqa: E731
    else:
        assert cap.market_cap is not None
        cap_cur = cap.market_cap.unit
        mc = m.use("peer.capital.market_cap")
        mcap = lambda x: x[mc]  # noqa: E731
    ev = spec.metric == "ev_revenue"
    debt = (m.use("peer.capital.debt"), m.fx(cap.debt.unit, peer.as_of, cap_cur)) if ev and cap.debt else None
    cash = (m.use("peer.capital.cash"), m.fx(cap.cash.unit, peer.as_of, cap_cur)) if ev and cap.cash else None
    rev = m.use("peer.financials.revenue")
    k_rev = m.fx(peer.financials.revenue.unit, peer.as_of, cap_cur)
    target_fig = getattr(case.financials, spec.applied_to)
    target = m.use(f"financials.{spec.applied_to}")
    k_t = m.fx(target_fig.unit, case.as_of)

    def fn(x: Values) -> Arr:
        multiple = sales_multiple(
            mcap(x),
            x[rev],
            k_rev,
            None if debt is None else prod(x[debt[0]], debt[1]),
            None if cash is None else prod(x[cash[0]], cash[1]),
        )
        return prod(x[target], k_t, multiple)

    return fn


#: The peer-multiple anchor: derivation and vectorised model.
PEER_MULTIPLE = Anchor("peer_multiple", peer_multiple, peer_multiple_model)

"""Market-value anchor: a listed company's quoted market capitalisation (price x shares)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..domain import Case
from ..errors import MSG_MISSING_FIGURE, MissingFigureError
from ..money import Money, format_number
from ._base import Anchor, AnchorContext, AnchorResult, Derivation, ModelInputs
from ._formulas import Arr, Values, prod

__all__ = ["LOW_FLOAT", "MARKET_VALUE", "market_value", "market_value_model"]

#: Warn when the free float (unrestricted shares / total) is below this decimal (0.10 = 10%).
LOW_FLOAT = Decimal("0.10")

CAVEAT = (
    "A quoted price values the marginal share that trades; with a thin free float, lock-ups and "
    "index demand it can move as much on structure as on the business (see `anchorval market`)."
)


def market_value(case: Case, ctx: AnchorContext) -> AnchorResult:
    """Value a listed company at its quoted market capitalisation.

    market cap = share price (per share) x shares outstanding (count); when the case gives
    alternative share counts (sources that disagree), low and high span them.

    Parameters
    ----------
    case : Case
        Needs ``company.status == 'listed'`` and ``capital.share_price`` with
        ``capital.shares_outstanding`` (or ``capital.market_cap``).
    ctx : AnchorContext
        FX to the report currency at the case's as-of date.

    Returns
    -------
    AnchorResult
        Totals in the report currency. ``metrics['float_pct']`` is the free float (decimal) when
        the case's ``market.free_float`` gives unrestricted shares.

    Raises
    ------
    MissingFigureError
        If the company is not listed or lacks price and shares (and a stated market cap).

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("zhipu-2026-06")
    >>> str(market_value(lc.case, AnchorContext.for_case(lc.case, lc.peers)).base)
    '1.046T HKD'
    """
    from .peer_multiple import peer_market_cap

    d = Derivation(case, ctx, "market_value")
    if case.company.status != "listed":
        raise MissingFigureError(
            MSG_MISSING_FIGURE.format(case=case.id, field="company.status: listed", needed_by="market_value")
        )
    native, _ = peer_market_cap(case, d)
    rate = d.rate(native.currency, case.as_of)
    base = Money(prod(native.amount, rate.rate), d.currency)  # market cap x FX
    values = [base]
    cap = case.capital
    if cap is not None and cap.share_price is not None and cap.shares_outstanding is not None:
        for j, alt in enumerate(cap.shares_outstanding.alternatives):
            if alt.is_money:
                continue
            alt_cap = d.convert(cap.share_price.money() * alt.base, case.as_of)[0]
            values.append(alt_cap)
            d.step(
                "Market cap on an alternative share count",
                f"share price x {format_number(alt.base, 6)} shares ({alt.source})",
                alt_cap,
                (d.ref(alt, f"capital.shares_outstanding.alternatives[{j}]"),),
            )
    d.step("Market cap in the report currency", "market cap x FX", base, (), (rate,))
    metrics: dict[str, object] = {"market_cap": base}
    ff = getattr(getattr(case, "market", None), "free_float", None)
    shares = cap.shares_outstanding.base if cap is not None and cap.shares_outstanding is not None else None
    if ff is not None and getattr(ff, "unrestricted_shares", None) is not None and shares:
        pct = ff.unrestricted_shares.base / shares
        metrics["float_pct"] = pct
        if pct < LOW_FLOAT:
            d.warnings.append(
                f"Free float is only {pct:.2%} of shares ({format_number(ff.unrestricted_shares.base, 6)} "
                f"unrestricted): the price is set by a small fraction of the company."
            )
    return d.result(
        "market_value",
        f"Listed market value ({case.company.exchange or 'quoted price'})",
        "quoted market price (Level 1)",
        min(values),
        base,
        max(values),
        CAVEAT,
        metrics=metrics,
    )


def market_value_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised :func:`market_value` base: share price x shares x FX (or market cap x FX).

    Parameters
    ----------
    case : Case
        Needs ``capital``.
    m : ModelInputs
        Registers the figures read and gives the FX rates.

    Returns
    -------
    callable
        ``fn(x) -> ndarray of shape (n_draws,) or float`` (report currency, total).

    Examples
    --------
    >>> from anchorval.anchors import AnchorContext, PointInputs
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("zhipu-2026-06")
    >>> ctx = AnchorContext.for_case(lc.case, lc.peers)
    >>> m = PointInputs(lc.case, ctx)
    >>> at_base = market_value_model(lc.case, m)(m.values())
    >>> abs(at_base / float(market_value(lc.case, ctx).base.amount) - 1) < 1e-13  # the derivation's base
    True
    """
    cap = case.capital
    assert cap is not None
    if cap.share_price is not None and cap.shares_outstanding is not None:
        pr, sh = m.use("capital.share_price"), m.use("capital.shares_outstanding")
        k = m.fx(cap.share_price.unit, case.as_of)
        return lambda x: prod(x[pr], x[sh], k)
    assert cap.market_cap is not None
    mc = m.use("capital.market_cap")
    k = m.fx(cap.market_cap.unit, case.as_of)
    return lambda x: prod(x[mc], k)


#: The listed market-value anchor: derivation and vectorised model.
MARKET_VALUE = Anchor("market_value", market_value, market_value_model)

"""Perp-implied anchor: a pre-IPO perpetual's price x the venue's reference share count."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..domain import Case
from ..money import Money, format_money
from ._base import Anchor, AnchorContext, AnchorResult, Derivation, ModelInputs
from ._formulas import Arr, Values, median, prod

__all__ = [
    "LOW_VOLUME_RATIO",
    "PERP_IMPLIED",
    "STALE_QUOTE_DAYS",
    "perp_implied",
    "perp_implied_model",
    "perp_value",
]

#: Warn when 24h traded value is below this fraction of the implied valuation (1e-4 = 0.01%).
LOW_VOLUME_RATIO = Decimal("1e-4")
#: Warn when a quote is this many days older than the case's as-of date.
STALE_QUOTE_DAYS = 3

CAVEAT = (
    "The reference share count is the venue's convention, not the company's; volume is thin; a "
    "perpetual's price is not the clearing price of common stock."
)


def perp_value(price: Arr, reference_shares: Arr, fx: Arr) -> Arr:
    """Perp-implied equity value: contract price x reference share count x FX.

    Parameters
    ----------
    price : Decimal, float or ndarray of shape (n_draws,)
        Contract price per reference share (settlement currency, e.g. USDT).
    reference_shares : Decimal, float or ndarray of shape (n_draws,)
        The venue's reference share count (count).
    fx : Decimal or float
        Settlement currency -> target currency rate.

    Returns
    -------
    Decimal, float or ndarray of shape (n_draws,)
        Total equity value in the target currency (Decimal inputs: the exact Decimal product).

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> perp_value(D("1718"), D("1e9"), D(1))
    Decimal('1.718E+12')
    """
    return prod(price, reference_shares, fx)


def perp_implied(case: Case, ctx: AnchorContext) -> AnchorResult:
    """Value a company from pre-IPO perpetual quotes.

    implied valuation = contract price (per reference share, settlement currency)
    x reference share count x settlement-currency/report-currency rate.

    Parameters
    ----------
    case : Case
        Needs ``perps`` (one or more quotes; several venues give low/base/high as min/median/max).
    ctx : AnchorContext
        FX (USDT/USD is 1 unless the case gives a rate, and then flagged as an assumption).

    Returns
    -------
    AnchorResult
        Totals in the report currency. ``metrics['volume_ratio']`` is 24h volume / implied value
        (decimal) per venue; ``metrics['implied']`` the implied value per venue.

    Raises
    ------
    MissingFigureError
        If the case has no perp quote.
    FxRateMissingError
        If the settlement currency cannot be converted.

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06")
    >>> str(perp_implied(lc.case, AnchorContext.for_case(lc.case, lc.peers)).base)
    '1.718T USD'
    """
    d = Derivation(case, ctx, "perp_implied")
    d.require(case.perps or None, "perps")
    implied: dict[str, Money] = {}
    vol_ratio: dict[str, Decimal] = {}
    for i, q in enumerate(case.perps):
        p = f"perps[{i}]"
        key = f"{q.venue}:{q.symbol}"
        price = q.price.money()
        shares = q.reference_shares.base
        rate = d.rate(price.currency, case.as_of)
        value = Money(perp_value(price.amount, shares, rate.rate), d.currency)
        implied[key] = value
        d.step(
            f"Implied valuation, {q.venue} {q.symbol}",
            "contract price x reference share count x FX to report currency",
            f"{format_money(price, digits=6)} x {shares:,.0f} x {rate.rate:.6g} = {format_money(value)}",
            (d.ref(q.price, f"{p}.price"), d.ref(q.reference_shares, f"{p}.reference_shares")),
            (rate,),
        )
        if q.reference_shares_basis == "venue_convention":
            d.warnings.append(
                f"{q.venue} {q.symbol}: the reference share count ({shares:,.0f}) is the venue's "
                "convention, not the company's share count; the implied valuation is only as real "
                "as that count."
            )
        if q.volume_24h is not None:
            vol, vrate = d.convert(q.volume_24h.money(), case.as_of)
            ratio = vol.amount / value.amount
            vol_ratio[key] = ratio
            d.step(
                f"24h volume relative to implied value, {q.venue}",
                "24h traded value / implied valuation",
                f"{format_money(vol)} / {format_money(value)} = {ratio:.2e}",
                (d.ref(q.volume_24h, f"{p}.volume_24h"),),
                (vrate,),
            )
            if ratio < LOW_VOLUME_RATIO:
                d.warnings.append(
                    f"{q.venue} {q.symbol}: 24h volume {format_money(vol)} is {ratio:.1e} of the "
                    f"implied value (about 1/{1 / ratio:,.0f}); the price moves on very little money."
                )
        else:
            d.warnings.append(f"{q.venue} {q.symbol}: no 24h volume given; liquidity unknown.")
        if q.open_interest is not None:
            oi, orate = d.convert(q.open_interest.money(), case.as_of)
            d.step(
                f"Open interest relative to implied value, {q.venue}",
                "open interest / implied valuation",
                f"{format_money(oi)} / {format_money(value)} = {oi.amount / value.amount:.2e}",
                (d.ref(q.open_interest, f"{p}.open_interest"),),
                (orate,),
            )
        else:
            d.warnings.append(f"{q.venue} {q.symbol}: no open interest given.")
        age = (case.as_of - q.price.as_of).days
        if age > STALE_QUOTE_DAYS:
            d.warnings.append(f"{q.venue} {q.symbol}: price is {age} days older than the case date {case.as_of}.")
    vals = sorted(implied.values())
    base = Money(median([v.amount for v in vals]), d.currency)
    if len(vals) > 1:
        d.step(
            "Across venues",
            "low = min, base = median, high = max of venue-implied valuations",
            f"{format_money(vals[0])} .. {format_money(vals[-1])} (spread {vals[-1] / vals[0]:.3f}x)",
        )
    title = "Pre-IPO perpetual" + (
        f" ({case.perps[0].venue} {case.perps[0].symbol})" if len(case.perps) == 1 else f" ({len(case.perps)} venues)"
    )
    return d.result(
        "perp_implied",
        title,
        "market-implied valuation",
        vals[0],
        base,
        vals[-1],
        CAVEAT,
        metrics={"implied": implied, "volume_ratio": vol_ratio},
    )


def perp_implied_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised :func:`perp_implied` base: :func:`perp_value` per venue, the median per draw.

    Parameters
    ----------
    case : Case
        Needs ``perps``.
    m : ModelInputs
        Registers the figures read and gives the FX rates (see :class:`ModelInputs`).

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
    >>> at_base = perp_implied_model(lc.case, m)(m.values())
    >>> abs(at_base / float(perp_implied(lc.case, ctx).base.amount) - 1) < 1e-13  # the derivation's base
    True
    """
    legs = [
        (m.use(f"perps[{i}].price"), m.use(f"perps[{i}].reference_shares"), m.fx(q.price.unit, case.as_of))
        for i, q in enumerate(case.perps)
    ]

    def fn(x: Values) -> Arr:
        return median([perp_value(x[p], x[s], k) for p, s, k in legs])

    return fn


#: The perp-implied anchor: derivation and vectorised model.
PERP_IMPLIED = Anchor("perp_implied", perp_implied, perp_implied_model)

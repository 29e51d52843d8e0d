"""Last-round anchor: post-money valuation of the latest priced round (prior transaction)."""

from __future__ import annotations

from collections.abc import Callable

from ..domain import Case
from ..money import Money, format_money
from ._base import Anchor, AnchorContext, AnchorResult, Derivation, ModelInputs
from ._formulas import Arr, Values, prod

__all__ = ["LAST_ROUND", "STALE_ROUND_DAYS", "last_round", "last_round_model"]

#: Warn when the round is older than this many days at the case date (a mark goes stale).
STALE_ROUND_DAYS = 180

CAVEAT = (
    "A round prices preferred stock, not common, and goes stale as time passes; it calibrates rather "
    "than measures today's value."
)


def last_round(case: Case, ctx: AnchorContext) -> AnchorResult:
    """Value a company at the post-money valuation of its latest priced round.

    Parameters
    ----------
    case : Case
        Needs ``funding_rounds`` (the latest by date is used).
    ctx : AnchorContext
        FX to the report currency (at the case's as-of date: every anchor converts at one date).

    Returns
    -------
    AnchorResult
        low = base = high = post-money (total, report currency). ``metrics['age_days']`` is the age
        of the mark in days at the case's as-of date; ``metrics['pre_money']`` post-money minus
        money raised.

    Raises
    ------
    MissingFigureError
        If the case has no funding round.

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06")
    >>> str(last_round(lc.case, AnchorContext.for_case(lc.case, lc.peers)).base)
    '965B USD'
    """
    d = Derivation(case, ctx, "last_round")
    r = d.require(case.last_round, "funding_rounds")
    i = case.funding_rounds.index(r)
    p = f"funding_rounds[{i}]"
    rate = d.rate(r.post_money.unit, case.as_of)
    post = Money(prod(r.post_money.base, rate.rate), d.currency)  # post-money x FX
    d.step(
        f"Post-money, {r.name}",
        "post-money valuation of the round, converted to the report currency at the case date",
        post,
        (d.ref(r.post_money, f"{p}.post_money"),),
        (rate,),
    )
    metrics: dict[str, object] = {"post_money": post}
    if r.money_raised is not None:
        raised, rrate = d.convert(r.money_raised.money(), case.as_of)
        pre = post - raised
        metrics.update(money_raised=raised, pre_money=pre)
        d.step(
            "Money raised and pre-money",
            "pre-money = post-money - money raised",
            f"raised {format_money(raised)}; pre-money {format_money(pre)} "
            f"(round sold {raised / post:.2%} of the company)",
            (d.ref(r.money_raised, f"{p}.money_raised"),),
            (rrate,),
        )
    age = (case.as_of - r.date).days
    metrics["age_days"] = age
    precision = " (month precision: day 1 of the month assumed)" if r.date_precision == "month" else ""
    d.step("Age of the mark", "case as-of date - round date", f"{age} days{precision}")
    d.warnings.append(f"{r.name} priced {r.security}, not common stock.")
    if age > STALE_ROUND_DAYS:
        d.warnings.append(f"{r.name} is {age} days old at {case.as_of}: a stale mark.")
    return d.result(
        "last_round",
        f"Last round ({r.name}, {r.date:%b %Y})",
        "prior transaction (calibration)",
        post,
        post,
        post,
        CAVEAT,
        metrics=metrics,
    )


def last_round_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised :func:`last_round`: post-money x FX per draw (report currency, total).

    Parameters
    ----------
    case : Case
        Needs ``funding_rounds``.
    m : ModelInputs
        Registers the figures read and gives the FX rates.

    Returns
    -------
    callable
        ``fn(x) -> ndarray of shape (n_draws,) or float``.

    Examples
    --------
    >>> from anchorval.anchors import AnchorContext, PointInputs
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06")
    >>> ctx = AnchorContext.for_case(lc.case, lc.peers)
    >>> m = PointInputs(lc.case, ctx)
    >>> at_base = last_round_model(lc.case, m)(m.values())
    >>> abs(at_base / float(last_round(lc.case, ctx).base.amount) - 1) < 1e-13  # the derivation's base
    True
    """
    r = case.last_round
    assert r is not None
    p = m.use(f"funding_rounds[{case.funding_rounds.index(r)}].post_money")
    k = m.fx(r.post_money.unit, case.as_of)
    return lambda x: prod(x[p], k)


#: The last-round anchor: derivation and vectorised model.
LAST_ROUND = Anchor("last_round", last_round, last_round_model)

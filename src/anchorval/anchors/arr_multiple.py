"""ARR-multiple anchor: market ARR x company share x forward revenue multiple, over a grid."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from ..domain import Case
from ..money import Money, format_money
from ._base import Anchor, AnchorContext, AnchorResult, Derivation, GridCell, ModelInputs
from ._formulas import Arr, Values, prod
from .unit_economics import gross_margin_adjustment, gross_margin_factor_model

__all__ = ["ARR_MULTIPLE", "arr_multiple", "arr_multiple_model", "arr_value"]


def arr_value(market_arr: Arr, fx: Arr, share: Arr, multiple: Arr, gross_margin_factor: Arr | None = None) -> Arr:
    """ARR-multiple value: market ARR x FX x company share x revenue multiple (x margin factor).

    Parameters
    ----------
    market_arr : Decimal, float or ndarray of shape (n_draws,)
        Market annual recurring revenue (money per year, its own currency).
    fx : Decimal or float
        Its currency -> report currency.
    share : Decimal, float or ndarray of shape (n_draws,)
        Company share of the market (ratio, 0.59 = 59%).
    multiple : Decimal, float or ndarray of shape (n_draws,)
        Forward revenue multiple (x).
    gross_margin_factor : Decimal, float or ndarray of shape (n_draws,), optional
        Token gross margin / software gross margin (see
        :func:`~anchorval.anchors.unit_economics.gross_margin_adjustment`).

    Returns
    -------
    Decimal, float or ndarray of shape (n_draws,)
        Total value in the report currency.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> arr_value(D("140e9"), D(1), D("0.59"), D(10))
    Decimal('8.2600E+11')
    """
    if gross_margin_factor is None:
        return prod(market_arr, fx, share, multiple)
    return prod(market_arr, fx, share, multiple, gross_margin_factor)


CAVEAT = (
    "Holds only if revenue growth, enterprise and developer demand, and falling inference and cloud "
    "costs (gross margin approaching software levels) all hold at once."
)


def arr_multiple(case: Case, ctx: AnchorContext) -> AnchorResult:
    """Value a company as (market ARR x company share) x revenue multiple, every grid cell kept.

    Parameters
    ----------
    case : Case
        Needs ``arr_multiple``: ``market_arr`` (money per year, point or range), ``share`` (ratio,
        0.59 = 59%) and ``multiples`` (x, point or discrete set).
    ctx : AnchorContext
        FX to the report currency at the case's as-of date.

    Returns
    -------
    AnchorResult
        ``cells`` holds every combination of market ARR point x share point x multiple (totals in
        the report currency); low/high are the smallest and largest cell; base is base market ARR x
        base share x median multiple.

    Raises
    ------
    MissingFigureError
        If the case has no ``arr_multiple`` section.

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06")
    >>> r = arr_multiple(lc.case, AnchorContext.for_case(lc.case, lc.peers))
    >>> [str(c.value) for c in r.cells][:3]
    ['826B USD', '1.239T USD', '1.652T USD']
    """
    d = Derivation(case, ctx, "arr_multiple")
    spec = d.require(case.arr_multiple, "arr_multiple")
    refs = (
        d.ref(spec.market_arr, "arr_multiple.market_arr"),
        d.ref(spec.share, "arr_multiple.share"),
        d.ref(spec.multiples, "arr_multiple.multiples"),
    )
    rate = d.rate(spec.market_arr.unit, case.as_of)
    company_arr = [(d.convert(spec.market_arr.money(w), case.as_of)[0] * spec.share.base) for w in ("lo", "hi")]
    d.step(
        "Company ARR",
        "market ARR x company share",
        f"{spec.market_arr.display()} x {spec.share.display()} = "
        f"{format_money(company_arr[0])} .. {format_money(company_arr[1])}",
        refs[:2],
        (rate,),
    )
    # gross-margin adjustment (unit economics); None when the case gives no software benchmark
    gm_factor = gross_margin_adjustment(d, case)
    cells: list[GridCell] = []
    for arr_pt, share_pt, mult in itertools.product(spec.market_arr.points, spec.share.points, spec.multiples.points):
        arr_m = Money(arr_pt * rate.rate, d.currency)
        value = Money(arr_value(arr_pt, rate.rate, share_pt, mult, gm_factor), d.currency)
        inputs = {"market_arr": format_money(arr_m), "multiple": f"{mult:g}x"}
        if len(spec.share.points) > 1:
            inputs["share"] = f"{share_pt:.1%}"
        cells.append(GridCell(inputs, value))
    by_mult: dict[str, list[str]] = {}
    for c in cells:
        by_mult.setdefault(c.inputs["multiple"], []).append(format_money(c.value))
    d.step(
        "Grid: company ARR x multiple",
        "market ARR x share x multiple, for every combination",
        "; ".join(f"{k}: {' .. '.join(v)}" for k, v in by_mult.items()),
        refs,
    )
    base = Money(
        arr_value(spec.market_arr.base, rate.rate, spec.share.base, spec.multiples.base, gm_factor),
        d.currency,
    )
    d.step(
        "Base case",
        "base market ARR x base share x median multiple",
        base,
        refs,
    )
    if spec.market_arr.note and "over" in spec.market_arr.note:
        d.warnings.append("The market ARR's high end is open-ended in the source ('over'); high may understate.")
    vals = [c.value for c in cells]
    return d.result(
        "arr_multiple",
        "ARR multiple",
        "forward revenue multiple",
        min(vals),
        base,
        max(vals),
        CAVEAT,
        cells=tuple(cells),
        metrics={"company_arr_low": company_arr[0], "company_arr_high": company_arr[1]},
    )


def arr_multiple_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised :func:`arr_multiple` base: :func:`arr_value` per draw (with the margin factor).

    Parameters
    ----------
    case : Case
        Needs ``arr_multiple`` (and ``unit_economics`` for the gross-margin adjustment).
    m : ModelInputs
        Registers the figures read and gives the FX rates.

    Returns
    -------
    callable
        ``fn(x) -> ndarray of shape (n_draws,) or float`` (report currency, total).

    Raises
    ------
    DistributionError
        As :func:`~anchorval.anchors.unit_economics.gross_margin_factor_model`.

    Examples
    --------
    >>> from anchorval.anchors import AnchorContext, PointInputs
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06-dcf")
    >>> ctx = AnchorContext.for_case(lc.case, lc.peers)
    >>> m = PointInputs(lc.case, ctx)
    >>> at_base = arr_multiple_model(lc.case, m)(m.values())
    >>> abs(at_base / float(arr_multiple(lc.case, ctx).base.amount) - 1) < 1e-13  # the derivation's base
    True
    """
    s = case.arr_multiple
    assert s is not None
    arr, sh, mu = m.use("arr_multiple.market_arr"), m.use("arr_multiple.share"), m.use("arr_multiple.multiples")
    k = m.fx(s.market_arr.unit, case.as_of)
    gm = gross_margin_factor_model(case, m)
    if gm is None:
        return lambda x: arr_value(x[arr], k, x[sh], x[mu])
    return lambda x: arr_value(x[arr], k, x[sh], x[mu], gm(x))


#: The ARR-multiple anchor: derivation and vectorised model.
ARR_MULTIPLE = Anchor("arr_multiple", arr_multiple, arr_multiple_model)

"""ARR-multiple anchor: market ARR x company share x forward revenue multiple, over a grid."""

from __future__ import annotations

import itertools

from ..domain import Case
from ..money import Money, format_money
from ._base import AnchorContext, AnchorResult, Derivation, GridCell
from .unit_economics import gross_margin_adjustment

__all__ = ["arr_multiple"]

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
    m_base, rate = d.convert(spec.market_arr.money(), case.as_of)
    company_arr = [
        (d.convert(spec.market_arr.money(w), case.as_of)[0] * spec.share.base)
        for w in ("lo", "hi")
    ]
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
    for arr_pt, share_pt, mult in itertools.product(
        spec.market_arr.points, spec.share.points, spec.multiples.points
    ):
        arr_m, _ = d.convert(Money(arr_pt, spec.market_arr.unit), case.as_of)
        value = arr_m * share_pt * mult
        if gm_factor is not None:
            value = value * gm_factor
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
    base = m_base * spec.share.base * spec.multiples.base
    if gm_factor is not None:
        base = base * gm_factor
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

"""Young-company DCF anchor (FCFF, Damodaran's young-growth spreadsheet) with the reverse DCF.

The reverse DCF runs against the case's marks: what revenue growth must come true for the last
round, the perp mark or the listed market cap.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Literal

from ..domain import Case, DcfInputs, Figure
from ..errors import SolveError
from ..money import Money, format_money
from ._base import Anchor, AnchorContext, AnchorResult, Derivation, GridCell, ModelInputs
from ._dcf_math import DcfParams, DcfResult, dcf_core, dcf_value, solve_dcf
from ._formulas import Arr, Values, is_scalar

__all__ = ["DCF", "dcf", "dcf_model", "dcf_params", "dcf_result", "dcf_targets"]

CAVEAT = (
    "A DCF is only as good as its growth, margin, reinvestment and cost-of-capital paths; for a "
    "young "
    "firm most of the value sits in the terminal value, years away."
)

Which = Literal["base", "lo", "hi"]


def _pick(f: Figure | None, which: Which, invert: bool = False) -> Decimal | None:
    if f is None:
        return None
    if which == "base":
        return f.base
    if invert:
        which = "hi" if which == "lo" else "lo"
    return f.lo if which == "lo" else f.hi


def dcf_params(spec: DcfInputs, which: Which = "base") -> DcfParams:
    """Turn a case's DCF section into :class:`DcfParams` (amounts in the revenue's currency).

    Parameters
    ----------
    spec : DcfInputs
        The case's ``dcf`` section.
    which : {'base', 'lo', 'hi'}
        ``'lo'`` takes the low end of growth and margin ranges and the high end of cost-of-capital
        ranges (the pessimistic corner); ``'hi'`` the opposite; ``'base'`` every figure's base.

    Returns
    -------
    DcfParams

    Raises
    ------
    ModelInputError
        If the inputs are out of the model's domain (naming the field).
    """
    dp = spec.distress_proceeds
    return DcfParams(
        revenue=spec.revenue.base,
        operating_margin=spec.operating_margin.base,
        operating_margin_year1=_pick(spec.operating_margin_year1, which),
        revenue_growth_year1=_pick(spec.revenue_growth_year1, which),
        revenue_growth_years_2_5=_pick(spec.revenue_growth_years_2_5, which),
        terminal_growth=spec.terminal_growth.base,
        target_margin=_pick(spec.target_operating_margin, which),
        margin_convergence_year=int(spec.margin_convergence_year.base),
        sales_to_capital=_pick(spec.sales_to_capital, which),
        sales_to_capital_late=_pick(spec.sales_to_capital_late, which),
        effective_tax_rate=spec.effective_tax_rate.base,
        marginal_tax_rate=spec.marginal_tax_rate.base,
        nol=spec.nol.base if spec.nol else Decimal(0),
        cost_of_capital_initial=_pick(spec.cost_of_capital_initial, which, invert=True),
        cost_of_capital_mature=_pick(spec.cost_of_capital_mature, which, invert=True),
        terminal_roic=_pick(spec.terminal_roic, which),
        probability_of_failure=_pick(spec.probability_of_failure, which, invert=True) or Decimal(0),
        distress_proceeds=dp.base if dp is not None and dp.unit == "ratio" else Decimal(0),
        distress_proceeds_amount=dp.base if dp is not None and dp.unit != "ratio" else None,
        cash=spec.cash.base if spec.cash else Decimal(0),
        non_operating_assets=spec.non_operating_assets.base if spec.non_operating_assets else Decimal(0),
        debt=spec.debt.base if spec.debt else Decimal(0),
        minority_interests=spec.minority_interests.base if spec.minority_interests else Decimal(0),
        shares=spec.shares_outstanding.base if spec.shares_outstanding else None,
        reinvestment_lag=spec.reinvestment_lag,
    )


def dcf_targets(case: Case) -> list[tuple[str, Money]]:
    """Market values in the case a reverse DCF can be solved against.

    Parameters
    ----------
    case : Case
        The case; its last round, perps and listed market cap are read (all optional).

    Returns
    -------
    list of (str, Money)
        ``('last round post-money', ...)``, ``('perp mark binance:ANTHROPICUSDT', ...)`` (price x
        reference shares, in the settlement currency), ``('listed market cap', ...)``; total
        equity values (not per share), each in its own currency. Empty if the case has none.

    Raises
    ------
    CurrencyError
        If a figure's currency is unknown (cases are validated on load, so only for cases built
        in code).
    """
    out: list[tuple[str, Money]] = []
    if case.last_round is not None:
        out.append((f"last round post-money ({case.last_round.name})", case.last_round.post_money.money()))
    for q in case.perps:
        out.append((f"perp mark {q.venue}:{q.symbol}", q.price.money() * q.reference_shares.base))
    if case.capital is not None and case.capital.market_cap is not None:
        out.append(("listed market cap", case.capital.market_cap.money()))
    return out


def _pct(x: Decimal) -> str:
    return f"{x:.1%}"


def dcf(case: Case, ctx: AnchorContext) -> AnchorResult:
    """Value a young company by FCFF DCF and solve the growth its marks imply.

    Parameters
    ----------
    case : Case
        Needs ``dcf`` (see :class:`~anchorval.domain.DcfInputs`).
    ctx : AnchorContext
        FX from the DCF currency (the revenue's) to the report currency, at the revenue's as-of.

    Returns
    -------
    AnchorResult
        base = equity value with every figure's base; low/high = the pessimistic / optimistic
        corners of the growth, margin and cost-of-capital ranges (equal to base for point inputs).
        ``cells`` holds the year-by-year table (value = PV of the year's FCFF; the terminal row
        holds PV of the terminal value). ``metrics['years']`` is the same table as plain rows
        (JSON-ready; :func:`dcf_result` gives the :class:`~anchorval.anchors._dcf_math.DcfResult`
        with ``.to_frame()``),
        ``metrics['implied_growth']`` the years 1-5 growth each mark needs.

    Raises
    ------
    MissingFigureError
        If the case has no ``dcf`` section.
    ModelInputError
        If an input is outside the model's domain.
    """
    d = Derivation(case, ctx, "dcf")
    spec: DcfInputs = d.require(case.dcf, "dcf")
    cur = spec.revenue.unit
    on = case.as_of  # every anchor converts at the case date

    def ref(name: str) -> tuple:
        f = getattr(spec, name)
        return (d.ref(f, f"dcf.{name}"),) if f is not None else ()

    p = dcf_params(spec)
    r = dcf_value(p)
    years = r.years
    y1, y5, y10, term = years[1], years[5], years[10], years[11]

    def m(x: Decimal) -> str:
        return format_money(Money(x, cur))

    d.step(
        "Base year",
        "revenue and operating margin today",
        f"revenue {m(p.revenue)}, operating margin {_pct(p.operating_margin)}",
        ref("revenue") + ref("operating_margin"),
    )
    d.step(
        "Revenue path",
        "growth g1 in year 1, g2-5 in years 2-5, falling linearly to the terminal rate over years 6-10",
        f"g1 {_pct(p.revenue_growth_year1)}, g2-5 {_pct(p.revenue_growth_years_2_5)}, terminal "
        f"{_pct(p.terminal_growth)}: revenue year 5 {m(y5.revenue)}, year 10 {m(y10.revenue)}",
        ref("revenue_growth_year1") + ref("revenue_growth_years_2_5") + ref("terminal_growth"),
    )
    d.step(
        "Operating margin path",
        "year-1 margin converging linearly to the target by the convergence year",
        f"{_pct(y1.operating_margin)} in year 1 -> {_pct(p.target_margin)} by year {p.margin_convergence_year}",
        ref("operating_margin_year1") + ref("target_operating_margin") + ref("margin_convergence_year"),
    )
    d.step(
        "Taxes and net operating losses",
        "effective rate years 1-5 moving to the marginal rate by year 10; losses carried forward shield profit",
        f"{_pct(p.effective_tax_rate)} -> {_pct(p.marginal_tax_rate)}; NOL at start {m(p.nol)}, "
        f"at year 10 {m(y10.nol)}",
        ref("effective_tax_rate") + ref("marginal_tax_rate") + ref("nol"),
    )
    d.step(
        "Reinvestment",
        "change in revenue / sales-to-capital"
        + (" (one-year lag: year t funds growth t -> t+1)" if p.reinvestment_lag else ""),
        f"sales-to-capital {p.sales_to_capital:g}x"
        + (f" then {p.sales_to_capital_late:g}x" if p.sales_to_capital_late else "")
        + f"; reinvestment years 1-10 {m(sum((y.reinvestment for y in years[1:11]), Decimal(0)))}",
        ref("sales_to_capital") + ref("sales_to_capital_late"),
    )
    d.step(
        "Cost of capital path",
        "initial rate years 1-5, moving linearly to the mature rate by year 10",
        f"{_pct(p.cost_of_capital_initial)} -> {_pct(p.cost_of_capital_mature)}; year-10 discount "
        "factor "
        f"{y10.discount_factor:.4f}",
        ref("cost_of_capital_initial") + ref("cost_of_capital_mature"),
    )
    d.step("PV of FCFF, years 1-10", "sum of FCFF_t x discount factor_t", m(r.pv_fcff))
    d.step(
        "Terminal value",
        "EBIT(1-t)_11 x (1 - g / terminal ROIC) / (mature cost of capital - g), discounted at the year-10 factor",
        f"FCFF_11 {m(term.fcff)} / ({_pct(p.cost_of_capital_mature)} - {_pct(p.terminal_growth)}) "
        f"= {m(r.terminal_value)}; "
        f"ROIC {_pct(r.terminal_roic)}; PV {m(r.pv_terminal_value)} ({r.terminal_share:.0%} of "
        "value)",
        ref("terminal_growth") + ref("terminal_roic") + ref("cost_of_capital_mature"),
    )
    if p.probability_of_failure > 0:
        d.step(
            "Failure adjustment",
            "PV x (1 - p(failure)) + distress proceeds x p(failure)",
            f"{m(r.pv_sum)} x (1 - {_pct(p.probability_of_failure)}) + proceeds x "
            f"{_pct(p.probability_of_failure)} "
            f"= {m(r.operating_assets)}",
            ref("probability_of_failure") + ref("distress_proceeds"),
        )
    d.step(
        "Equity value",
        "operating assets + cash + non-operating assets - debt - minority interests",
        f"{m(r.operating_assets)} + {m(p.cash)} + {m(p.non_operating_assets)} - {m(p.debt)} - "
        f"{m(p.minority_interests)} = {m(r.equity_value)}",
        ref("cash") + ref("non_operating_assets") + ref("debt") + ref("minority_interests"),
    )
    base, rate = d.convert(Money(r.equity_value, cur), on)
    fx = (rate,) if rate.base != rate.quote else ()
    if cur != d.currency:
        d.step("In the report currency", "equity value x FX", base, (), fx)
    metrics: dict = {
        "dcf_currency": cur,
        "years": [dataclasses.asdict(y) for y in r.years],
        "pv_fcff": Money(r.pv_fcff, cur),
        "terminal_value": Money(r.terminal_value, cur),
        "pv_terminal_value": Money(r.pv_terminal_value, cur),
        "operating_assets": Money(r.operating_assets, cur),
        "equity_value": Money(r.equity_value, cur),
        "terminal_share": r.terminal_share,
    }
    if r.value_per_share is not None:
        vps = Money(r.value_per_share, cur)
        metrics["value_per_share"] = vps
        d.step(
            "Value per share",
            "equity value / shares outstanding",
            format_money(vps, digits=6),
            ref("shares_outstanding"),
        )
    # low / high corners of the input ranges
    corners: dict[str, Money] = {}
    for which in ("lo", "hi"):
        pw = dcf_params(spec, which)  # type: ignore[arg-type]
        corners[which] = base if pw == p else d.convert(Money(dcf_value(pw).equity_value, cur), on)[0]
    if corners["lo"] != base or corners["hi"] != base:
        d.step(
            "Range",
            "low: low growth and margin, high cost of capital; high: the opposite corner",
            f"{format_money(corners['lo'])} .. {format_money(corners['hi'])}",
        )
    # reverse DCF against the case's marks
    implied: dict[str, Decimal] = {}
    for label, target in dcf_targets(case):
        tgt, trate = d.convert(target, case.as_of, to=cur)
        try:
            sol = solve_dcf(p, tgt.amount, "growth")
        except SolveError as exc:
            d.warnings.append(f"Reverse DCF for the {label}: {exc}")
            continue
        implied[label] = sol.value
        d.step(
            f"Reverse DCF: {label}",
            "revenue growth in years 1-5 (others held) at which the DCF equity value equals the mark",
            f"{format_money(target)} needs {_pct(sol.value)} a year in years 1-5 "
            f"(case: {_pct(p.revenue_growth_year1)} / {_pct(p.revenue_growth_years_2_5)}); "
            "revenue year 10 "
            f"{m(sol.result.years[10].revenue)}",
            (),
            (trate,) if trate.base != trate.quote else (),
        )
    metrics["implied_growth"] = implied
    if r.terminal_share > Decimal("0.75"):
        d.warnings.append(f"{r.terminal_share:.0%} of the DCF value is terminal value (beyond year 10).")
    if y10.nol > 0:
        d.warnings.append(
            f"Net operating losses of {m(y10.nol)} remain unused at year 10; the terminal year ignores them."
        )
    ue = case.unit_economics
    if ue is not None and ue.inference_cost_per_mtok is not None:
        gm_now = 1 - ue.inference_cost_per_mtok.base / ue.api_price_per_mtok.base
        if p.target_margin > gm_now and ue.inference_cost_per_mtok.unit == ue.api_price_per_mtok.unit:
            d.warnings.append(
                f"Target operating margin {_pct(p.target_margin)} is above today's token gross "
                "margin "
                f"{_pct(gm_now)}; it needs inference cost per token to keep falling."
            )
    cells = []
    for y in years[1:]:
        label = "terminal" if y.year == 11 else str(y.year)
        pv = r.pv_terminal_value if y.year == 11 else y.pv_fcff
        cells.append(
            GridCell(
                {
                    "year": label,
                    "revenue": m(y.revenue),
                    "growth": _pct(y.revenue_growth),
                    "margin": _pct(y.operating_margin),
                    "EBIT(1-t)": m(y.ebit_after_tax),
                    "reinvestment": m(y.reinvestment),
                    "FCFF": m(y.fcff),
                    "cost of capital": _pct(y.cost_of_capital),
                    "discount factor": f"{y.discount_factor:.4f}",
                },
                d.convert(Money(pv, cur), on)[0],
            )
        )
    return d.result(
        "dcf",
        "Young-company DCF (FCFF)",
        "income approach: discounted cash flow (FCFF)",
        corners["lo"],
        base,
        corners["hi"],
        CAVEAT,
        cells=tuple(cells),
        metrics=metrics,
    )


def dcf_result(case: Case, which: Which = "base") -> DcfResult:
    """Compute the DCF of a case's ``dcf`` section (amounts in the revenue's currency).

    Parameters
    ----------
    case : Case
        The case; only its ``dcf`` section is read.
    which : {'base', 'lo', 'hi'}
        Corner of the input ranges, as in :func:`dcf_params`.

    Returns
    -------
    DcfResult
        Year-by-year cash flows and the equity value (total, in the revenue's currency) and
        value per share, from :func:`~anchorval.anchors._dcf_math.dcf_value` (Damodaran's
        young-firm FCFF model).

    Raises
    ------
    MissingFigureError
        If the case has no ``dcf`` section.
    ModelInputError
        If the inputs are out of the model's domain (naming the field).
    """
    d = Derivation(case, AnchorContext.for_case(case), "dcf")
    spec = d.require(case.dcf, "dcf")
    return dcf_value(dcf_params(spec, which))


#: Case ``dcf`` figure -> :func:`~anchorval.anchors._dcf_math.dcf_core` argument, where they differ.
_CORE_NAME = {"target_operating_margin": "target_margin"}


def dcf_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised :func:`dcf` base: :func:`~anchorval.anchors._dcf_math.dcf_core` on the draws.

    Every figure of the ``dcf`` section (but the share count) is an input, read at ``'base'`` as
    :func:`dcf_params` does; the convergence year is truncated to a whole year as there. The
    equity value is converted at the case date's FX rate, as the deterministic anchor.

    Parameters
    ----------
    case : Case
        Needs ``dcf``.
    m : ModelInputs
        Registers the figures read, checks their distributions, gives the FX rates.

    Returns
    -------
    callable
        ``fn(x) -> ndarray of shape (n_draws,) or float``: equity value x FX per draw (report
        currency, total).

    Raises
    ------
    DistributionError
        If a distribution reaches outside the DCF's domain (terminal growth at or above the
        mature cost of capital, non-positive sales-to-capital, a tax rate or failure probability
        outside 0-100%, a convergence year outside 1-10).

    Examples
    --------
    >>> from anchorval.anchors import AnchorContext, PointInputs
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06-dcf")
    >>> ctx = AnchorContext.for_case(lc.case, lc.peers)
    >>> m = PointInputs(lc.case, ctx)
    >>> at_base = dcf_model(lc.case, m)(m.values())
    >>> abs(at_base / float(dcf(lc.case, ctx).base.amount) - 1) < 1e-13  # the derivation's base
    True
    """
    import numpy as np

    spec = case.dcf
    assert spec is not None
    p: dict[str, str] = {}
    for name in type(spec).model_fields:
        f = getattr(spec, name)
        if name != "shares_outstanding" and f is not None and hasattr(f, "base"):
            p[name] = m.use(f"dcf.{name}")
    dp = spec.distress_proceeds
    proceeds = "distress_proceeds" if dp is None or dp.unit == "ratio" else "distress_proceeds_amount"
    lag = spec.reinvestment_lag
    k_fx = m.fx(spec.revenue.unit, case.as_of)
    g_hi = m.bounds(p["terminal_growth"])[1]
    r_lo = m.bounds(p["cost_of_capital_mature"])[0]
    if g_hi >= r_lo:
        raise m.fail(
            "dcf.terminal_growth",
            f"can reach {g_hi:.4g}, at or above the mature cost of capital's lowest {r_lo:.4g} "
            "(a growing perpetuity has no finite value); bound or truncate the distributions",
        )
    for name in ("sales_to_capital", "sales_to_capital_late", "terminal_roic"):
        if name in p:
            m.check(p[name], above=0.0, what="a positive value")
    for name in ("effective_tax_rate", "marginal_tax_rate", "probability_of_failure"):
        if name in p:
            m.check(p[name], at_least=0.0, at_most=1.0, what="a value in 0-1 (0%-100%)")
    if dp is not None and dp.unit == "ratio":
        m.check(p["distress_proceeds"], at_least=0.0, at_most=1.0, what="0%-100%")
    for name in ("cost_of_capital_initial", "cost_of_capital_mature"):
        m.check(p[name], above=-1.0, what="a rate above -100%")
    for name in ("revenue_growth_year1", "revenue_growth_years_2_5", "terminal_growth"):
        m.check(p[name], above=-1.0, what="a rate above -100%")
    m.check(p["margin_convergence_year"], at_least=1.0, at_most=10.0, what="a year 1-10")
    for name in ("operating_margin", "operating_margin_year1", "target_operating_margin"):
        if name in p:
            m.check(p[name], at_most=1.0, what="a margin of at most 100%")
    m.check(p["revenue"], above=0.0, what="a positive revenue")
    args = {(proceeds if name == "distress_proceeds" else _CORE_NAME.get(name, name)): path for name, path in p.items()}

    def fn(x: Values) -> Arr:
        kw = {a: x[path] for a, path in args.items()}
        # DcfParams takes int(year): truncation, as here
        n = kw["margin_convergence_year"]
        kw["margin_convergence_year"] = float(math.trunc(n)) if is_scalar(n) else np.trunc(n)
        return dcf_core(**kw, reinvestment_lag=lag).equity_value * k_fx

    return m.sliced(fn, list(p.values()))


#: The DCF anchor: derivation and vectorised model.
DCF = Anchor("dcf", dcf, dcf_model)

"""Young-company FCFF DCF (Damodaran's ``fcffsimpleginzu`` mechanics) and the reverse DCF.

The reverse DCF solves for the implied expectations (growth or margin) behind a market value.

Pure Decimal maths on plain numbers in one currency, usable directly from Python::

    from anchorval.anchors._dcf_math import DcfParams, dcf_value, solve_dcf

The year-by-year mechanics follow Damodaran's spreadsheet for young and growth firms
(A. Damodaran, *fcffsimpleginzu.xlsx*, NYU Stern, https://pages.stern.nyu.edu/~adamodar/;
*The Dark Side of Valuation*, 3rd ed., chapter on young growth companies):

- revenue growth: year 1, then a constant rate for years 2-5, then falling linearly to the
  terminal growth rate over years 6-10 (``g_{5+k} = g_5 - k (g_5 - g) / 5``);
- operating margin: year 1 (default: today's), then converging linearly to the target by the
  convergence year (``m_t = target - (target - m_1) (N - t) / N`` for ``2 <= t <= N``);
- tax: the effective rate for years 1-5, moving linearly to the marginal rate over years 6-10;
  net operating losses carried forward shield operating income from tax;
- reinvestment: change in revenue / sales-to-capital, with the spreadsheet's default one-year lag
  (year t reinvests for the growth from t to t+1); terminal reinvestment = g / ROIC x EBIT(1-t);
- cost of capital: the initial rate for years 1-5, moving linearly to the mature rate over 6-10;
- terminal value = FCFF_{11} / (mature cost of capital - g), discounted with the year-10 factor;
- failure: value = PV x (1 - p) + distress proceeds x p;
- equity = operating assets + cash + non-operating assets - debt - minority interests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any, Literal

from ..errors import MSG_NO_SOLUTION, ModelInputError, SolveError
from ._formulas import Arr, where

__all__ = [
    "DcfCore",
    "DcfParams",
    "DcfResult",
    "DcfSolution",
    "DcfYear",
    "dcf_core",
    "dcf_value",
    "solve_dcf",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
#: Years in the explicit forecast (fixed, as in the spreadsheet).
FORECAST_YEARS = 10


def _d(x: Any) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(x)


@dataclass(frozen=True)
class DcfParams:
    """Inputs of the young-company DCF (plain numbers in one currency; rates as decimals).

    Attributes
    ----------
    revenue : Decimal
        Base-year revenue (money per year, total), positive.
    operating_margin : Decimal
        Base-year operating (EBIT) margin (decimal, -0.5 = -50%); at most 1.
    revenue_growth_year1 : Decimal
        Revenue growth in year 1 (decimal, 1.5 = +150%), above -1.
    revenue_growth_years_2_5 : Decimal
        Compounded annual revenue growth in years 2-5 (decimal), above -1.
    terminal_growth : Decimal
        Growth after year 10 (decimal); below ``cost_of_capital_mature``.
    target_margin : Decimal
        Target operating margin (decimal), at most 1.
    margin_convergence_year : int
        Year (1-10) by which the margin reaches the target.
    sales_to_capital : Decimal
        Revenue per unit of invested capital for years 1-5 (x), positive.
    effective_tax_rate, marginal_tax_rate : Decimal
        Tax rates (decimal, 0-1): effective in years 1-5, marginal in the terminal year.
    cost_of_capital_initial, cost_of_capital_mature : Decimal
        Cost of capital in years 1-5 and from year 10 on (decimal per year).
    operating_margin_year1 : Decimal, optional
        Margin in year 1 (default: ``operating_margin``).
    sales_to_capital_late : Decimal, optional
        Sales-to-capital for years 6-10 (default: ``sales_to_capital``).
    nol : Decimal
        Net operating loss carried forward into year 1 (money), non-negative.
    terminal_roic : Decimal, optional
        Return on capital in perpetuity (decimal; default: the year-10 cost of capital).
    probability_of_failure : Decimal
        Chance the firm fails before maturity (decimal, 0-1).
    distress_proceeds : Decimal
        On failure, proceeds as a share of the DCF value of operating assets (decimal, 0-1).
    distress_proceeds_amount : Decimal, optional
        On failure, proceeds as an amount (money); wins over ``distress_proceeds``.
    cash, non_operating_assets, debt, minority_interests : Decimal
        Equity bridge (money, totals).
    shares : Decimal, optional
        Share count for value per share.
    reinvestment_lag : int
        1 (default, the spreadsheet's): year t reinvests for revenue growth from t to t+1;
        0: for growth from t-1 to t.

    Raises
    ------
    ModelInputError
        Naming the field, for a target margin above 100%, terminal growth at or above the mature
        cost of capital, and other out-of-domain inputs.
    """

    revenue: Decimal
    operating_margin: Decimal
    revenue_growth_year1: Decimal
    revenue_growth_years_2_5: Decimal
    terminal_growth: Decimal
    target_margin: Decimal
    margin_convergence_year: int
    sales_to_capital: Decimal
    effective_tax_rate: Decimal
    marginal_tax_rate: Decimal
    cost_of_capital_initial: Decimal
    cost_of_capital_mature: Decimal
    operating_margin_year1: Decimal | None = None
    sales_to_capital_late: Decimal | None = None
    nol: Decimal = _ZERO
    terminal_roic: Decimal | None = None
    probability_of_failure: Decimal = _ZERO
    distress_proceeds: Decimal = _ZERO
    distress_proceeds_amount: Decimal | None = None
    cash: Decimal = _ZERO
    non_operating_assets: Decimal = _ZERO
    debt: Decimal = _ZERO
    minority_interests: Decimal = _ZERO
    shares: Decimal | None = None
    reinvestment_lag: int = 1

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v is not None and f.name not in ("margin_convergence_year", "reinvestment_lag"):
                object.__setattr__(self, f.name, _d(v))
        if self.revenue <= 0:
            raise ModelInputError("revenue", f"must be positive, got {self.revenue}")
        for name in ("operating_margin", "operating_margin_year1", "target_margin"):
            v = getattr(self, name)
            if v is not None and v > 1:
                raise ModelInputError(name, f"an operating margin cannot exceed 100%, got {v:.2%}")
        for name in ("revenue_growth_year1", "revenue_growth_years_2_5", "terminal_growth"):
            if getattr(self, name) <= -1:
                raise ModelInputError(name, f"growth must be above -100%, got {getattr(self, name):.2%}")
        if not 1 <= int(self.margin_convergence_year) <= FORECAST_YEARS:
            raise ModelInputError(
                "margin_convergence_year",
                f"must be a year from 1 to 10, got {self.margin_convergence_year}",
            )
        for name in ("sales_to_capital", "sales_to_capital_late"):
            v = getattr(self, name)
            if v is not None and v <= 0:
                raise ModelInputError(name, f"must be positive, got {v}")
        for name in (
            "effective_tax_rate",
            "marginal_tax_rate",
            "probability_of_failure",
            "distress_proceeds",
        ):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ModelInputError(name, f"must lie in 0%-100%, got {v:.2%}")
        for name in ("cost_of_capital_initial", "cost_of_capital_mature"):
            if getattr(self, name) <= -1:
                raise ModelInputError(name, "must be above -100%")
        if self.terminal_growth >= self.cost_of_capital_mature:
            raise ModelInputError(
                "terminal_growth",
                f"terminal growth {self.terminal_growth:.2%} must be below the mature cost of "
                "capital "
                f"{self.cost_of_capital_mature:.2%} (a growing perpetuity has no finite value "
                "otherwise)",
            )
        if self.terminal_roic is not None and self.terminal_roic <= 0:
            raise ModelInputError("terminal_roic", f"must be positive, got {self.terminal_roic:.2%}")
        if self.nol < 0:
            raise ModelInputError("nol", f"must be non-negative, got {self.nol}")
        if self.shares is not None and self.shares <= 0:
            raise ModelInputError("shares", f"must be positive, got {self.shares}")
        if self.reinvestment_lag not in (0, 1):
            raise ModelInputError("reinvestment_lag", f"must be 0 or 1, got {self.reinvestment_lag}")

    def replace(self, **changes: Any) -> DcfParams:
        """Return a copy with some inputs changed (validated again)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class DcfYear:
    """One row of the year-by-year table (year 0 = base year, 11 = terminal year).

    Attributes
    ----------
    year : int
        0 (base), 1-10, or 11 (terminal year).
    revenue_growth, operating_margin, tax_rate, cost_of_capital : Decimal
        Rates for the year (decimals).
    revenue, ebit, ebit_after_tax, reinvestment, fcff, nol : Decimal
        Money amounts for the year (totals); ``nol`` is the loss carried forward at year end.
    discount_factor : Decimal
        Cumulative ``prod 1 / (1 + r_k)`` up to the year (the terminal row uses year 10's).
    pv_fcff : Decimal
        ``fcff x discount_factor`` (0 for the base and terminal rows).
    """

    year: int
    revenue_growth: Decimal
    revenue: Decimal
    operating_margin: Decimal
    ebit: Decimal
    tax_rate: Decimal
    ebit_after_tax: Decimal
    nol: Decimal
    reinvestment: Decimal
    fcff: Decimal
    cost_of_capital: Decimal
    discount_factor: Decimal
    pv_fcff: Decimal


@dataclass(frozen=True)
class DcfResult:
    """Result of :func:`dcf_value`.

    Attributes
    ----------
    params : DcfParams
        The inputs.
    years : tuple of DcfYear
        Base year (0), years 1-10 and the terminal year (11).
    terminal_value : Decimal
        Value at the end of year 10 of the cash flows from year 11 on (money).
    pv_terminal_value : Decimal
        Its present value (money).
    pv_fcff : Decimal
        Sum of the present values of years 1-10 FCFF (money).
    pv_sum : Decimal
        ``pv_fcff + pv_terminal_value``, before the failure adjustment (money).
    terminal_roic : Decimal
        Return on capital used for terminal reinvestment (decimal).
    operating_assets : Decimal
        ``pv_sum x (1 - p) + proceeds x p`` (money).
    equity_value : Decimal
        ``operating_assets + cash + non-operating assets - debt - minority interests`` (money).
    value_per_share : Decimal or None
        ``equity_value / shares`` (money per share) when a share count is given.
    """

    params: DcfParams
    years: tuple[DcfYear, ...]
    terminal_value: Decimal
    pv_terminal_value: Decimal
    pv_fcff: Decimal
    pv_sum: Decimal
    terminal_roic: Decimal
    operating_assets: Decimal
    equity_value: Decimal
    value_per_share: Decimal | None

    @property
    def terminal_share(self) -> Decimal:
        """Share of the pre-failure value that comes from the terminal value (decimal)."""
        return self.pv_terminal_value / self.pv_sum if self.pv_sum else _ZERO

    def to_frame(self) -> Any:
        """Year-by-year table as a pandas DataFrame.

        Returns
        -------
        pandas.DataFrame
            Index ``year`` ('base', 1..10, 'terminal'); columns as :class:`DcfYear` (floats;
            money in the input currency, totals; rates as decimals).
        """
        import pandas as pd

        rows = []
        for y in self.years:
            row = {k: float(v) for k, v in dataclasses.asdict(y).items() if k != "year"}
            row["year"] = "base" if y.year == 0 else "terminal" if y.year == FORECAST_YEARS + 1 else y.year
            rows.append(row)
        return pd.DataFrame(rows).set_index("year")


@dataclass
class DcfCore:
    """What :func:`dcf_core` computes (scalars, or arrays of shape (n_draws,)).

    Attributes
    ----------
    equity_value, operating_assets, pv_sum, pv_fcff, terminal_value, pv_terminal_value : Decimal, float or ndarray
        As :class:`DcfResult` (money, totals).
    terminal_roic : Decimal, float or ndarray
        Return on capital used for terminal reinvestment (decimal).
    rows : list of tuple
        Per-year rows (year 0 to 11, :class:`DcfYear` fields in order) when asked for.
    """

    equity_value: Any
    operating_assets: Any
    pv_sum: Any
    pv_fcff: Any
    terminal_value: Any
    pv_terminal_value: Any
    terminal_roic: Any
    rows: list[tuple[Any, ...]]


def dcf_core(
    revenue: Arr,
    operating_margin: Arr,
    revenue_growth_year1: Arr,
    revenue_growth_years_2_5: Arr,
    terminal_growth: Arr,
    target_margin: Arr,
    margin_convergence_year: Arr,
    sales_to_capital: Arr,
    effective_tax_rate: Arr,
    marginal_tax_rate: Arr,
    cost_of_capital_initial: Arr,
    cost_of_capital_mature: Arr,
    operating_margin_year1: Arr | None = None,
    sales_to_capital_late: Arr | None = None,
    nol: Arr = 0,
    terminal_roic: Arr | None = None,
    probability_of_failure: Arr = 0,
    distress_proceeds: Arr = 0,
    distress_proceeds_amount: Arr | None = None,
    cash: Arr = 0,
    non_operating_assets: Arr = 0,
    debt: Arr = 0,
    minority_interests: Arr = 0,
    reinvestment_lag: int = 1,
    trace: bool = False,
) -> DcfCore:
    """Compute the young-company FCFF DCF on scalars or on arrays of draws (the one implementation).

    The inputs are those of :class:`DcfParams` (money in one currency, totals; rates as
    decimals; ``margin_convergence_year`` already a whole year, ``numpy.trunc`` for arrays).
    Called with Decimals (inside a 34-digit context, as :func:`dcf_value` does) it is the exact
    deterministic DCF; called with float64 arrays of shape (n_draws,) it values every draw at
    once, the net-operating-loss and margin-convergence branches becoming ``numpy.where``. Inputs
    are not validated here (:class:`DcfParams` does that for one scenario; the simulation checks
    each distribution's range).

    Parameters
    ----------
    revenue, operating_margin, ..., minority_interests : Decimal, float or ndarray of shape (n_draws,)
        As :class:`DcfParams`.
    reinvestment_lag : {1, 0}
        As :class:`DcfParams`.
    trace : bool
        Also return the year-by-year rows (the deterministic table).

    Returns
    -------
    DcfCore
        Equity value and its parts, same type and shape as the inputs.

    Examples
    --------
    >>> import numpy as np
    >>> c = dcf_core(np.array([100.0, 200.0]), 0.2, 0.0, 0.0, 0.0, 0.2, 1, 2.0, 0.25, 0.25,
    ...              0.1, 0.1)
    >>> np.round(c.equity_value, 6).tolist()  # perpetuity: revenue x 20% x (1 - 25%) / 10%
    [150.0, 300.0]
    """
    dec = isinstance(revenue, Decimal)
    zero, one = (_ZERO, _ONE) if dec else (0.0, 1.0)
    g, g5 = terminal_growth, revenue_growth_years_2_5
    step = (g5 - g) / 5
    growth = [revenue_growth_year1] + [g5] * 4 + [g5 - k * step for k in range(1, 6)]
    m1 = operating_margin if operating_margin_year1 is None else operating_margin_year1
    n, target = margin_convergence_year, target_margin
    margins = [m1]
    for t in range(2, FORECAST_YEARS + 1):
        margins.append(where(t > n, target, target - (target - m1) / n * (n - t)))
    eff, marg = effective_tax_rate, marginal_tax_rate
    tstep = (marg - eff) / 5
    taxes = [eff] * 5 + [eff + k * tstep for k in range(1, 6)]
    c_i, c_m = cost_of_capital_initial, cost_of_capital_mature
    wstep = (c_m - c_i) / 5
    wacc = [c_i] * 5 + [c_i + k * wstep for k in range(1, 6)]
    late = sales_to_capital if sales_to_capital_late is None else sales_to_capital_late
    s2c = [sales_to_capital] * 5 + [late] * 5
    revenues = [revenue]
    for gr in growth:
        revenues.append(revenues[-1] * (1 + gr))
    rev_terminal = revenues[-1] * (1 + g)
    rows: list[tuple[Any, ...]] = []
    if trace:
        rows.append(
            (0, zero, revenue, operating_margin, revenue * operating_margin, eff, zero, nol)
            + (zero, zero, zero, one, zero)
        )
    df: Arr = one
    pv_fcff: Arr = zero
    for t in range(1, FORECAST_YEARS + 1):
        r_t = revenues[t]
        ebit = r_t * margins[t - 1]
        # a loss, or profit below the losses carried forward, is shielded; else tax the excess
        shielded = (ebit <= 0) | (ebit < nol)
        after_tax = where(shielded, ebit, ebit - (ebit - nol) * taxes[t - 1])
        nol = where(shielded, nol - ebit, zero)
        if reinvestment_lag == 1:
            nxt = revenues[t + 1] if t < FORECAST_YEARS else rev_terminal
            reinvest = (nxt - r_t) / s2c[t - 1]
        else:
            reinvest = (r_t - revenues[t - 1]) / s2c[t - 1]
        fcff = after_tax - reinvest
        df = df / (1 + wacc[t - 1])
        pv = fcff * df
        pv_fcff = pv_fcff + pv
        if trace:
            rows.append(
                (t, growth[t - 1], r_t, margins[t - 1], ebit, taxes[t - 1], after_tax, nol)
                + (reinvest, fcff, wacc[t - 1], df, pv)
            )
    roic = wacc[-1] if terminal_roic is None else terminal_roic
    ebit_t = rev_terminal * margins[-1]
    after_t = ebit_t * (1 - marg)
    reinvest_t = where(g > 0, g / roic * after_t, zero)
    fcff_t = after_t - reinvest_t
    tv = fcff_t / (c_m - g)
    pv_tv = tv * df
    if trace:
        rows.append(
            (FORECAST_YEARS + 1, g, rev_terminal, margins[-1], ebit_t, marg, after_t, nol)
            + (reinvest_t, fcff_t, c_m, df, zero)
        )
    pv_sum = pv_fcff + pv_tv
    if distress_proceeds_amount is None:
        proceeds = pv_sum * distress_proceeds
    else:
        proceeds = distress_proceeds_amount
    pf = probability_of_failure
    operating = pv_sum * (1 - pf) + proceeds * pf
    equity = operating + cash + non_operating_assets - debt - minority_interests
    return DcfCore(equity, operating, pv_sum, pv_fcff, tv, pv_tv, roic, rows)


def dcf_value(p: DcfParams) -> DcfResult:
    """Value a young company by FCFF DCF (Damodaran's young-growth spreadsheet mechanics).

    :func:`dcf_core` on one scenario, in 34-digit Decimal arithmetic.

    Parameters
    ----------
    p : DcfParams
        Inputs (money in one currency, totals; rates as decimals).

    Returns
    -------
    DcfResult
        Year table, terminal value, operating assets, equity value and value per share.

    Raises
    ------
    ModelInputError
        Raised by :class:`DcfParams` for out-of-domain inputs.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> p = DcfParams(revenue=D(100), operating_margin=D("0.2"), revenue_growth_year1=D(0),
    ...     revenue_growth_years_2_5=D(0), terminal_growth=D(0), target_margin=D("0.2"),
    ...     margin_convergence_year=1, sales_to_capital=D(2), effective_tax_rate=D("0.25"),
    ...     marginal_tax_rate=D("0.25"), cost_of_capital_initial=D("0.1"),
    ...     cost_of_capital_mature=D("0.1"))
    >>> round(dcf_value(p).equity_value, 6)  # perpetuity: 100 x 20% x (1 - 25%) / 10%
    Decimal('150.000000')
    """
    with localcontext() as ctx:
        ctx.prec = 34
        fields = {f.name: getattr(p, f.name) for f in dataclasses.fields(p) if f.name != "shares"}
        fields["margin_convergence_year"] = int(p.margin_convergence_year)
        c = dcf_core(**fields, trace=True)
        per_share = c.equity_value / p.shares if p.shares else None
        return DcfResult(
            p,
            tuple(DcfYear(*row) for row in c.rows),
            c.terminal_value,
            c.pv_terminal_value,
            c.pv_fcff,
            c.pv_sum,
            c.terminal_roic,
            c.operating_assets,
            c.equity_value,
            per_share,
        )


@dataclass(frozen=True)
class DcfSolution:
    """Result of :func:`solve_dcf`.

    Attributes
    ----------
    solve_for : {'growth', 'margin'}
        What was solved for.
    value : Decimal
        The implied input (decimal): revenue growth for years 1-5, or the target margin.
    target_equity : Decimal
        Equity value that was matched (money).
    result : DcfResult
        The DCF at the implied input (its equity value matches the target to 1e-9 relative).
    base_value : Decimal
        The input's value in the original parameters, for comparison.
    """

    solve_for: str
    value: Decimal
    target_equity: Decimal
    result: DcfResult
    base_value: Decimal


#: Default search brackets: growth in years 1-5 from -50% to +1,000%; target margin -100% to 100%.
SOLVE_BOUNDS: dict[str, tuple[float, float]] = {"growth": (-0.5, 10.0), "margin": (-1.0, 1.0)}


def _setter(solve_for: str) -> Callable[[DcfParams, Decimal], DcfParams]:
    if solve_for == "growth":
        return lambda p, x: p.replace(revenue_growth_year1=x, revenue_growth_years_2_5=x)
    if solve_for == "margin":
        return lambda p, x: p.replace(target_margin=x)
    raise ModelInputError("solve_for", f"must be 'growth' or 'margin', got {solve_for!r}")


def solve_dcf(
    p: DcfParams,
    target_equity: Decimal | float,
    solve_for: Literal["growth", "margin"] = "growth",
    bounds: tuple[float, float] | None = None,
) -> DcfSolution:
    """Reverse DCF: the revenue growth (years 1-5) or target margin that gives a market value.

    Holds every other input and solves ``dcf_value(p').equity_value = target_equity`` with
    Brent's method (``scipy.optimize.brentq``) after a grid scan for the first sign change.
    ``'growth'`` sets both year-1 and years 2-5 growth to the solved rate (years 6-10 still fade
    to the terminal rate).

    Parameters
    ----------
    p : DcfParams
        Base inputs.
    target_equity : Decimal or float
        Equity value to match (money, total, same currency as ``p``): a perp-implied value,
        a post-money, a listed market cap.
    solve_for : {'growth', 'margin'}
        Input to solve for.
    bounds : tuple of float, optional
        Search interval (decimals); default :data:`SOLVE_BOUNDS`.

    Returns
    -------
    DcfSolution

    Raises
    ------
    SolveError
        If no value in the interval reaches the target (the message gives the DCF's range there).
    ModelInputError
        If ``solve_for`` is unknown.
    """
    from scipy.optimize import brentq

    setter = _setter(solve_for)
    target = _d(target_equity)
    lo, hi = bounds or SOLVE_BOUNDS[solve_for]
    if solve_for == "margin":
        hi = min(hi, 1.0)

    def eq(x: float) -> Decimal:
        return dcf_value(setter(p, Decimal(repr(x)))).equity_value

    def f(x: float) -> float:
        return float((eq(x) - target) / abs(target)) if target else float(eq(x))

    n = 40
    xs = [lo + (hi - lo) * i / n for i in range(n + 1)]
    fs = [f(x) for x in xs]
    bracket = None
    for i in range(n):
        if fs[i] == 0:
            bracket = (xs[i], xs[i])
            break
        if fs[i] * fs[i + 1] < 0:
            bracket = (xs[i], xs[i + 1])
            break
    if bracket is None:
        vals = [eq(x) for x in (xs[0], xs[-1])]
        raise SolveError(
            MSG_NO_SOLUTION.format(
                what=f"reverse DCF ({solve_for})",
                lo=f"{lo:.0%}",
                hi=f"{hi:.0%}",
                target=f"{target:,.0f}",
                detail=f"the DCF equity value runs from {min(vals):,.0f} to {max(vals):,.0f} "
                "(at the ends of the interval) and "
                f"{min(fs) * float(abs(target)) + float(target):,.0f} at its lowest",
            )
        )
    x = (
        bracket[0]
        if bracket[0] == bracket[1]
        else brentq(f, bracket[0], bracket[1], xtol=1e-13, rtol=1e-14, maxiter=200)
    )
    xd = Decimal(repr(x))
    base = p.revenue_growth_years_2_5 if solve_for == "growth" else p.target_margin
    return DcfSolution(solve_for, xd, target, dcf_value(setter(p, xd)), base)

"""AI unit economics and the gross-margin adjustment of an ARR multiple.

Token price vs inference cost, cost per task, subscription-plan margins on a heavy user, and the
gross-margin path as cost per token falls.

The maths are pure Decimal functions; :func:`unit_economics` reads a case's ``unit_economics``
section, and :func:`gross_margin_adjustment` is what the ARR-multiple anchor calls (it changes
nothing when the case gives no software gross-margin benchmark).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain import Case, UnitEconomics
from ..errors import ModelInputError
from ..money import Money, format_money
from ._base import AnchorContext, Derivation, FigureRef, ModelInputs
from ._formulas import Arr, Values

__all__ = [
    "HOURS_PER_WEEK",
    "WEEKS_PER_MONTH",
    "GrossMarginPoint",
    "PlanEconomics",
    "UnitEconomicsResult",
    "gross_margin",
    "gross_margin_adjustment",
    "gross_margin_factor",
    "gross_margin_factor_model",
    "gross_margin_path",
    "heavy_user_units_per_month",
    "gpu_cost_per_mtok",
    "inference_cost_per_mtok",
    "plan_margin",
    "token_gross_margin",
    "unit_economics",
]

#: Tokens in a million: API prices and inference costs are quoted per million tokens (Mtok).
MTOK = Decimal(1_000_000)
#: Hours in a week; a heavy user can exhaust at most 168 / 5 = 33.6 five-hour windows a week.
HOURS_PER_WEEK = Decimal(168)
#: Average weeks per month, 52 / 12.
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)


def gpu_cost_per_mtok(gpu_hour_cost: Arr, tokens_per_gpu_second: Arr, utilisation: Arr = 1) -> Arr:
    """Inference cost per million tokens: GPU-hour cost / (tokens per second x 3600 x utilisation) x 1e6.

    The formula alone (scalars or arrays of draws; :func:`inference_cost_per_mtok` checks one
    scenario's inputs first).

    Parameters
    ----------
    gpu_hour_cost : Decimal, float or ndarray of shape (n_draws,)
        Cost of one GPU-hour (money).
    tokens_per_gpu_second : Decimal, float or ndarray of shape (n_draws,)
        Tokens served per GPU per second (count).
    utilisation : Decimal, float or ndarray of shape (n_draws,)
        Share of paid GPU time serving tokens (decimal, 0-1].

    Returns
    -------
    Decimal, float or ndarray of shape (n_draws,)
        Money per million tokens.

    Examples
    --------
    >>> gpu_cost_per_mtok(3.6, 1000.0)
    1.0
    """
    return gpu_hour_cost / (tokens_per_gpu_second * 3600 * utilisation) * 1_000_000


def token_gross_margin(price_per_mtok: Arr, cost_per_mtok: Arr) -> Arr:
    """Gross margin of serving tokens, ``1 - cost / price`` (the formula; scalars or arrays).

    Parameters
    ----------
    price_per_mtok, cost_per_mtok : Decimal, float or ndarray of shape (n_draws,)
        API price and inference cost per million tokens (same currency).

    Returns
    -------
    Decimal, float or ndarray of shape (n_draws,)
        Gross margin as a decimal (0.6 = 60%).

    Examples
    --------
    >>> token_gross_margin(10.0, 4.0)
    0.6
    """
    return 1 - cost_per_mtok / price_per_mtok


def gross_margin_factor(token_margin: Arr, software_margin: Arr) -> Arr:
    """Scale of an ARR multiple: token gross margin / software gross-margin benchmark.

    Parameters
    ----------
    token_margin, software_margin : Decimal, float or ndarray of shape (n_draws,)
        Gross margins (decimals).

    Returns
    -------
    Decimal, float or ndarray of shape (n_draws,)
        The factor (x).

    Examples
    --------
    >>> gross_margin_factor(0.4, 0.8)
    0.5
    """
    return token_margin / software_margin


def inference_cost_per_mtok(
    gpu_hour_cost: Decimal, tokens_per_gpu_second: Decimal, utilisation: Decimal = Decimal(1)
) -> Decimal:
    """Inference cost per million tokens from GPU rental cost and throughput.

    ``cost = gpu_hour_cost / (tokens_per_second x 3600 x utilisation) x 1e6``.

    Parameters
    ----------
    gpu_hour_cost : Decimal
        Cost of one GPU-hour (money).
    tokens_per_gpu_second : Decimal
        Tokens served per GPU per second (count).
    utilisation : Decimal
        Share of paid GPU time serving tokens (decimal, 0-1].

    Returns
    -------
    Decimal
        Money per million tokens.

    Raises
    ------
    ModelInputError
        If an input is not positive or utilisation exceeds 1.

    Examples
    --------
    >>> inference_cost_per_mtok(Decimal("3.6"), Decimal(1000))
    Decimal('1.000000')
    """
    if gpu_hour_cost <= 0:
        raise ModelInputError("gpu_hour_cost", f"must be positive, got {gpu_hour_cost}")
    if tokens_per_gpu_second <= 0:
        raise ModelInputError("tokens_per_gpu_second", f"must be positive, got {tokens_per_gpu_second}")
    if not 0 < utilisation <= 1:
        raise ModelInputError("gpu_utilisation", f"must lie in (0%, 100%], got {utilisation:.2%}")
    return gpu_cost_per_mtok(gpu_hour_cost, tokens_per_gpu_second, utilisation)


def gross_margin(price_per_mtok: Decimal, cost_per_mtok: Decimal) -> Decimal:
    """Gross margin of serving tokens: ``1 - cost / price`` (decimal; negative if cost > price).

    Parameters
    ----------
    price_per_mtok : Decimal
        API price per million tokens (any currency, the same as the cost's).
    cost_per_mtok : Decimal
        Inference cost per million tokens, in the price's currency.

    Returns
    -------
    Decimal
        Gross margin as a decimal (0.6 = 60%), not a percentage.

    Raises
    ------
    ModelInputError
        If the price is not positive.
    """
    if price_per_mtok <= 0:
        raise ModelInputError("api_price_per_mtok", f"must be positive, got {price_per_mtok}")
    return token_gross_margin(price_per_mtok, cost_per_mtok)


@dataclass(frozen=True)
class GrossMarginPoint:
    """One year of the gross-margin path.

    Attributes
    ----------
    year : int
        Years from now (0 = today).
    price_per_mtok, cost_per_mtok : Decimal
        Money per million tokens.
    gross_margin : Decimal
        ``1 - cost / price`` (decimal).
    """

    year: int
    price_per_mtok: Decimal
    cost_per_mtok: Decimal
    gross_margin: Decimal


def gross_margin_path(
    price_per_mtok: Decimal,
    cost_per_mtok: Decimal,
    cost_decline: Decimal,
    price_decline: Decimal = Decimal(0),
    years: int = 5,
) -> tuple[GrossMarginPoint, ...]:
    """Gross margin year by year as cost (and price) per token fall at constant yearly rates.

    ``cost_t = cost_0 (1 - cost_decline)^t``, ``price_t = price_0 (1 - price_decline)^t``.

    Parameters
    ----------
    price_per_mtok, cost_per_mtok : Decimal
        Today's price and cost (money per million tokens).
    cost_decline, price_decline : Decimal
        Yearly declines (decimal, 0.4 = -40% a year), in [0, 1).
    years : int
        Years after today.

    Returns
    -------
    tuple of GrossMarginPoint
        ``years + 1`` points, year 0 first.

    Raises
    ------
    ModelInputError
        If a decline is outside [0, 1).
    """
    for name, v in (
        ("cost_decline_per_year", cost_decline),
        ("price_decline_per_year", price_decline),
    ):
        if not 0 <= v < 1:
            raise ModelInputError(name, f"must lie in [0%, 100%), got {v:.2%}")
    out = []
    for t in range(years + 1):
        p = price_per_mtok * (1 - price_decline) ** t
        c = cost_per_mtok * (1 - cost_decline) ** t
        out.append(GrossMarginPoint(t, p, c, gross_margin(p, c)))
    return tuple(out)


def heavy_user_units_per_month(
    quota_per_5h: Decimal | None,
    quota_per_week: Decimal | None,
    windows_per_week: Decimal | None = None,
    peak_multiplier: Decimal = Decimal(1),
    peak_share: Decimal = Decimal(0),
) -> Decimal:
    """Usage of a heavy user who exhausts every quota, per month (in the quota's unit).

    ``weekly quota units = min(quota_per_week, quota_per_5h x windows_per_week)``; at peak hours
    each unit used deducts ``peak_multiplier`` units, so units actually served per week are
    ``weekly / (1 + peak_share x (peak_multiplier - 1))``; a month is 52/12 weeks.

    Parameters
    ----------
    quota_per_5h, quota_per_week : Decimal or None
        Quotas (units per window, units per week); at least one.
    windows_per_week : Decimal, optional
        5-hour windows exhausted per week (default 168 / 5 = 33.6).
    peak_multiplier : Decimal
        Units deducted per unit used at peak (x, >= 1).
    peak_share : Decimal
        Share of usage at peak (decimal, 0-1).

    Returns
    -------
    Decimal
        Units served per month.

    Raises
    ------
    ModelInputError
        If no quota is given, or the multiplier is below 1.
    """
    if quota_per_5h is None and quota_per_week is None:
        raise ModelInputError("quota_per_week", "a plan needs quota_per_5h or quota_per_week")
    if peak_multiplier < 1:
        raise ModelInputError("peak_multiplier", f"must be at least 1x, got {peak_multiplier}")
    if not 0 <= peak_share <= 1:
        raise ModelInputError("peak_share", f"must lie in 0%-100%, got {peak_share:.2%}")
    windows = windows_per_week if windows_per_week is not None else HOURS_PER_WEEK / 5
    caps = []
    if quota_per_5h is not None:
        caps.append(quota_per_5h * windows)
    if quota_per_week is not None:
        caps.append(quota_per_week)
    weekly = min(caps) / (1 + peak_share * (peak_multiplier - 1))
    return weekly * WEEKS_PER_MONTH


def plan_margin(price_per_month: Decimal, tokens_per_month: Decimal, cost_per_mtok: Decimal) -> Decimal:
    """Margin of a subscription on a user: ``1 - tokens / 1e6 x cost per Mtok / price`` (decimal).

    Parameters
    ----------
    price_per_month : Decimal
        Subscription price per user per month.
    tokens_per_month : Decimal
        Tokens the user consumes per month (a count, not millions).
    cost_per_mtok : Decimal
        Inference cost per million tokens, in the price's currency.

    Returns
    -------
    Decimal
        Margin as a decimal (negative when the user costs more than the plan brings in).

    Raises
    ------
    ModelInputError
        If the price is not positive.
    """
    if price_per_month <= 0:
        raise ModelInputError("price_per_month", f"must be positive, got {price_per_month}")
    return 1 - tokens_per_month / MTOK * cost_per_mtok / price_per_month


@dataclass(frozen=True)
class PlanEconomics:
    """A subscription plan against the inference cost of a heavy user.

    Attributes
    ----------
    name : str
    price : Money
        Price per month.
    tokens_per_month : Decimal
        Tokens a heavy user consumes within the quotas (count).
    inference_cost : Money
        Their inference cost per month.
    margin : Decimal
        ``1 - inference cost / price`` (decimal; negative = the plan loses money on that user).
    """

    name: str
    price: Money
    tokens_per_month: Decimal
    inference_cost: Money
    margin: Decimal


@dataclass(frozen=True)
class UnitEconomicsResult:
    """Unit economics of one case (money in ``currency``).

    Attributes
    ----------
    currency : str
    revenue_per_mtok, cost_per_mtok : Decimal
        API price and inference cost (money per million tokens).
    gross_margin : Decimal
        Today's token gross margin (decimal).
    cost_per_task, revenue_per_task : Decimal or None
        Per task (money), when tokens per task is given.
    cost_per_user_month : Decimal or None
        Inference cost of an average user per month (money), when tasks per user are given.
    plans : tuple of PlanEconomics
    path : tuple of GrossMarginPoint
        Empty when no cost decline is given.
    steps_refs : tuple of FigureRef
        Figures cited.
    """

    currency: str
    revenue_per_mtok: Decimal
    cost_per_mtok: Decimal
    gross_margin: Decimal
    cost_per_task: Decimal | None
    revenue_per_task: Decimal | None
    cost_per_user_month: Decimal | None
    plans: tuple[PlanEconomics, ...]
    path: tuple[GrossMarginPoint, ...]
    steps_refs: tuple[FigureRef, ...] = ()

    def to_frame(self) -> Any:
        """Gross-margin path as a pandas DataFrame (index ``year``; price, cost, gross_margin)."""
        import pandas as pd

        rows = [
            {
                "year": p.year,
                "price_per_mtok": float(p.price_per_mtok),
                "cost_per_mtok": float(p.cost_per_mtok),
                "gross_margin": float(p.gross_margin),
            }
            for p in self.path
        ]
        return pd.DataFrame(rows, columns=["year", "price_per_mtok", "cost_per_mtok", "gross_margin"]).set_index("year")

    def plans_frame(self) -> Any:
        """Plans as a pandas DataFrame (price, heavy-user tokens, inference cost, margin)."""
        import pandas as pd

        rows = [
            {
                "plan": p.name,
                "price": float(p.price.amount),
                "tokens_per_month": float(p.tokens_per_month),
                "inference_cost": float(p.inference_cost.amount),
                "margin": float(p.margin),
            }
            for p in self.plans
        ]
        return pd.DataFrame(rows, columns=["plan", "price", "tokens_per_month", "inference_cost", "margin"]).set_index(
            "plan"
        )


def _money_in(d: Derivation, fig: Any, cur: str) -> Decimal:
    m, _ = d.convert(fig.money(), d.case.as_of, to=cur)  # every anchor converts at the case date
    return m.amount


def unit_economics(case: Case, ctx: AnchorContext, d: Derivation | None = None) -> UnitEconomicsResult:
    """Compute a case's AI unit economics, appending cited steps to ``d`` when given.

    Parameters
    ----------
    case : Case
        Needs ``unit_economics``.
    ctx : AnchorContext
        FX (money figures are converted into the API price's currency at their as-of dates).
    d : Derivation, optional
        Derivation to append the steps to (the ARR-multiple and DCF anchors pass theirs).

    Returns
    -------
    UnitEconomicsResult

    Raises
    ------
    MissingFigureError
        If the case has no ``unit_economics`` section.
    ModelInputError
        On out-of-domain inputs.
    """
    d = d or Derivation(case, ctx, "unit_economics")
    ue: UnitEconomics = d.require(case.unit_economics, "unit_economics")
    p = "unit_economics"
    cur = ue.api_price_per_mtok.unit
    price = ue.api_price_per_mtok.base
    r_price = d.ref(ue.api_price_per_mtok, f"{p}.api_price_per_mtok")
    if ue.inference_cost_per_mtok is not None:
        cost = _money_in(d, ue.inference_cost_per_mtok, cur)
        r_cost: tuple[FigureRef, ...] = (d.ref(ue.inference_cost_per_mtok, f"{p}.inference_cost_per_mtok"),)
        d.step(
            "Inference cost per 1M tokens",
            "given",
            format_money(Money(cost, cur), digits=4),
            r_cost,
        )
    else:
        util = ue.gpu_utilisation.base if ue.gpu_utilisation else Decimal(1)
        gpu = _money_in(d, ue.gpu_hour_cost, cur)
        cost = inference_cost_per_mtok(gpu, ue.tokens_per_gpu_second.base, util)
        r_cost = tuple(
            d.ref(f, f"{p}.{n}")
            for n, f in (
                ("gpu_hour_cost", ue.gpu_hour_cost),
                ("tokens_per_gpu_second", ue.tokens_per_gpu_second),
                ("gpu_utilisation", ue.gpu_utilisation),
            )
            if f is not None
        )
        d.step(
            "Inference cost per 1M tokens",
            "GPU-hour cost / (tokens per GPU-second x 3600 x utilisation) x 1e6",
            f"{format_money(Money(gpu, cur))} / ({ue.tokens_per_gpu_second.base:,} x 3600 x "
            f"{util:.0%}) x 1e6 = "
            f"{format_money(Money(cost, cur), digits=4)}",
            r_cost,
        )
    gm = gross_margin(price, cost)
    d.step(
        "Token gross margin",
        "1 - inference cost per 1M tokens / API price per 1M tokens",
        f"1 - {cost:.4g} / {price:.4g} = {gm:.1%}",
        (r_price, *r_cost),
    )
    cost_task = rev_task = cost_user = None
    if ue.tokens_per_task is not None:
        tpt = ue.tokens_per_task.base
        cost_task, rev_task = tpt / MTOK * cost, tpt / MTOK * price
        r_tpt = d.ref(ue.tokens_per_task, f"{p}.tokens_per_task")
        d.step(
            "Cost per task",
            "tokens per task / 1e6 x inference cost per 1M tokens (revenue per task at the API price)",
            f"{tpt:,} tokens: cost {format_money(Money(cost_task, cur), digits=4)}, "
            f"API revenue {format_money(Money(rev_task, cur), digits=4)}",
            (r_tpt, *r_cost, r_price),
        )
        if ue.tasks_per_user_month is not None:
            cost_user = cost_task * ue.tasks_per_user_month.base
            d.step(
                "Inference cost per user per month",
                "cost per task x tasks per user per month",
                f"{format_money(Money(cost_task, cur), digits=4)} x "
                f"{ue.tasks_per_user_month.base:,} = "
                f"{format_money(Money(cost_user, cur), digits=4)}",
                (r_tpt, d.ref(ue.tasks_per_user_month, f"{p}.tasks_per_user_month")),
            )
    plans: list[PlanEconomics] = []
    for i, pl in enumerate(ue.plans):
        pp = f"{p}.plans[{i}]"
        units = heavy_user_units_per_month(
            pl.quota_per_5h.base if pl.quota_per_5h else None,
            pl.quota_per_week.base if pl.quota_per_week else None,
            pl.windows_per_week.base if pl.windows_per_week else None,
            pl.peak_multiplier.base if pl.peak_multiplier else Decimal(1),
            pl.peak_share.base if pl.peak_share else Decimal(0),
        )
        tokens = units * (ue.tokens_per_task.base if pl.quota_unit == "tasks" else 1)
        price_m = _money_in(d, pl.price_per_month, cur)
        cost_m = tokens / MTOK * cost
        margin = plan_margin(price_m, tokens, cost)
        plans.append(PlanEconomics(pl.name, Money(price_m, cur), tokens, Money(cost_m, cur), margin))
        refs = tuple(
            d.ref(f, f"{pp}.{n}")
            for n in (
                "price_per_month",
                "quota_per_5h",
                "quota_per_week",
                "windows_per_week",
                "peak_multiplier",
                "peak_share",
            )
            if (f := getattr(pl, n)) is not None
        )
        d.step(
            f"Plan margin on a heavy user: {pl.name}",
            "1 - (units within the 5-hour and weekly quotas, peak deductions applied, x 52/12 "
            "weeks x tokens "
            "per unit) x inference cost per token / monthly price",
            f"{tokens:,.0f} tokens/month cost {format_money(Money(cost_m, cur), digits=4)} vs "
            f"{format_money(Money(price_m, cur), digits=4)}: margin {margin:.1%}",
            (*refs, *r_cost),
        )
        if margin < 0:
            d.warnings.append(
                f"Plan {pl.name}: a heavy user costs {format_money(Money(cost_m, cur), digits=3)} "
                "a month in "
                f"inference against a {format_money(Money(price_m, cur), digits=3)} price (margin "
                f"{margin:.0%})."
            )
    path: tuple[GrossMarginPoint, ...] = ()
    if ue.cost_decline_per_year is not None:
        pdecl = ue.price_decline_per_year.base if ue.price_decline_per_year else Decimal(0)
        path = gross_margin_path(price, cost, ue.cost_decline_per_year.base, pdecl, ue.path_years)
        refs = tuple(
            d.ref(f, f"{p}.{n}")
            for n in ("cost_decline_per_year", "price_decline_per_year")
            if (f := getattr(ue, n)) is not None
        )
        d.step(
            "Gross-margin path",
            "1 - cost x (1 - cost decline)^t / (price x (1 - price decline)^t), t = 0..years",
            ", ".join(f"y{pt.year} {pt.gross_margin:.1%}" for pt in path),
            (*refs, r_price, *r_cost),
        )
    return UnitEconomicsResult(
        cur, price, cost, gm, cost_task, rev_task, cost_user, tuple(plans), path, (r_price, *r_cost)
    )


def gross_margin_adjustment(d: Derivation, case: Case) -> Decimal | None:
    """Factor that scales an ARR multiple by gross margin relative to a software benchmark.

    ``factor = token gross margin / software gross margin`` (the case's explicit, cited
    ``unit_economics.software_gross_margin``). A company at software margins keeps its multiple;
    at half the margin, the multiple halves (value tracks gross profit, not revenue).

    Parameters
    ----------
    d : Derivation
        The ARR-multiple anchor's derivation; the unit-economics steps are appended to it.
    case : Case
        The case.

    Returns
    -------
    Decimal or None
        None (no change at all) when the case has no ``unit_economics.software_gross_margin``.

    Raises
    ------
    ModelInputError
        If the token gross margin is not positive (a multiple of negative gross profit is void).
    """
    ue = case.unit_economics
    if ue is None or ue.software_gross_margin is None:
        return None
    res = unit_economics(case, d.ctx, d)
    bench = ue.software_gross_margin.base
    if res.gross_margin <= 0:
        raise ModelInputError(
            "unit_economics.inference_cost_per_mtok",
            f"token gross margin is {res.gross_margin:.1%}; an ARR multiple cannot be scaled by a non-positive margin",
        )
    factor = gross_margin_factor(res.gross_margin, bench)
    d.step(
        "Gross-margin adjustment of the multiple",
        "multiple x (token gross margin / software gross-margin benchmark)",
        f"{res.gross_margin:.1%} / {bench:.1%} = {factor:.3f}x the multiple",
        (d.ref(ue.software_gross_margin, "unit_economics.software_gross_margin"),),
    )
    return factor


def gross_margin_factor_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr] | None:
    """Vectorised :func:`gross_margin_adjustment` (None when the case gives no benchmark).

    :func:`gross_margin_factor` of :func:`token_gross_margin` per draw, the inference cost
    given (in the API price's currency) or :func:`gpu_cost_per_mtok`.

    Parameters
    ----------
    case : Case
        The case (its ``unit_economics``).
    m : ModelInputs
        Registers the figures read and gives the FX rates.

    Returns
    -------
    callable or None
        ``fn(x) -> ndarray of shape (n_draws,) or float``: the factor (x).

    Raises
    ------
    DistributionError
        If the inference cost can reach the API price (a multiple of non-positive gross profit
        is void, as in the deterministic anchor), or the benchmark margin can reach zero.

    Examples
    --------
    >>> from anchorval.anchors import AnchorContext, PointInputs
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06-dcf")
    >>> m = PointInputs(lc.case, AnchorContext.for_case(lc.case, lc.peers))
    >>> round(gross_margin_factor_model(lc.case, m)(m.values()), 4)  # (1 - cost / price) / 75%
    0.6667
    """
    ue = case.unit_economics
    if ue is None or ue.software_gross_margin is None:
        return None
    cur = ue.api_price_per_mtok.unit
    p_price = m.use("unit_economics.api_price_per_mtok")
    p_bench = m.use("unit_economics.software_gross_margin")
    if ue.inference_cost_per_mtok is not None:
        f = ue.inference_cost_per_mtok
        p_cost, k_cost = m.use("unit_economics.inference_cost_per_mtok"), m.fx(f.unit, case.as_of, cur)
        cost_path = p_cost
        cost_hi = m.bounds(p_cost)[1] * k_cost

        def cost(x: Values) -> Arr:
            return x[p_cost] * k_cost

    else:
        g = ue.gpu_hour_cost
        assert g is not None and ue.tokens_per_gpu_second is not None
        p_gpu, k_gpu = m.use("unit_economics.gpu_hour_cost"), m.fx(g.unit, case.as_of, cur)
        p_tps = m.use("unit_economics.tokens_per_gpu_second")
        p_util = m.use("unit_economics.gpu_utilisation") if ue.gpu_utilisation else None
        cost_path = p_gpu
        util_lo = m.bounds(p_util)[0] if p_util else 1.0
        m.check(p_tps, above=0.0, what="a positive throughput")
        if p_util:
            m.check(p_util, above=0.0, at_most=1.0, what="a value in (0%, 100%]")
        cost_hi = gpu_cost_per_mtok(m.bounds(p_gpu)[1] * k_gpu, m.bounds(p_tps)[0], util_lo)

        def cost(x: Values) -> Arr:
            return gpu_cost_per_mtok(x[p_gpu] * k_gpu, x[p_tps], x[p_util] if p_util else 1.0)

    price_lo = m.bounds(p_price)[0]
    if (m.uncertain(cost_path) or m.uncertain(p_price)) and cost_hi >= price_lo:
        raise m.fail(
            cost_path,
            f"the inference cost per 1M tokens can reach {cost_hi:.4g} {cur}, at or above the "
            f"lowest API price {price_lo:.4g}: the gross margin would not be positive; bound "
            "the distributions",
        )
    m.check(p_bench, above=0.0, what="a positive benchmark margin")
    return lambda x: gross_margin_factor(token_gross_margin(x[p_price], cost(x)), x[p_bench])

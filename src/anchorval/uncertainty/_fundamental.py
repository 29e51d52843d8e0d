"""Vectorised (float64 numpy) DCF, OPM backsolve and DLOM anchors for the Monte Carlo engine.

The deterministic anchors stay the single source of truth: these models read the same figures
(every figure through ``use(path)``, so any of them can carry a distribution), the same FX
rates and the same defaults, and mirror the deterministic formulas operation by operation:

- ``dcf``: :func:`anchorval.anchors._dcf_math.dcf_value` (Damodaran's young-growth FCFF DCF),
  the 10-year loop run over years with every quantity an array over draws (shape (n,)); the
  net-operating-loss branch becomes ``np.where``. The deterministic maths is Decimal (34
  digits); here it is float64, about 1e-16 apart at the base (tested to 1e-13).
- ``opm_last_round``: :func:`anchorval.anchors._opm_math.opm_backsolve` per draw (safeguarded
  Newton on arrays, each draw converging on its own), then
  :func:`~anchorval.anchors._opm_math.opm_allocate` and the Finnerty (2012) DLOM.
- ``opm_perp``: the perp-implied equity value (price x reference shares x FX) allocated by the
  OPM, then the Finnerty DLOM; several venues: the median per draw.
- the ARR multiple's gross-margin adjustment from the unit economics
  (:func:`anchorval.anchors.unit_economics.gross_margin_adjustment`).

The cap table is held at its base values: its breakpoints come from the deterministic
:func:`~anchorval.anchors._opm_math.opm_breakpoints` once per model (a distribution on a
cap-table figure is named in the model's notes as not simulated).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..domain import Case
from ._distributions import LogNormal, _fail
from ._models import InputVar, Values

__all__ = ["dcf_fn", "gross_margin_factor_fn", "opm_fn"]

Arr = Any  # ndarray of shape (n,) or float

#: Newton steps at most per draw in the vectorised OPM backsolve (it needs 5-12).
OPM_MAX_ITER = 200
#: Relative Newton step below which a draw has converged (the next error is ~ its square).
OPM_RTOL = 1e-10


#: Draws per slice inside the DCF and OPM models: their many temporaries stay in cache
#: (about 1.3x faster than whole 65,536-draw blocks; elementwise, so bit-identical).
SLICE = 1 << 14


def _in_slices(fn: Callable[[Values], Arr], paths: list[str]) -> Callable[[Values], Arr]:
    """Evaluate ``fn`` (reading the inputs ``paths``) on slices of :data:`SLICE` draws."""

    def sliced(x: Values) -> Arr:
        n = max((np.size(x[p]) for p in paths if np.ndim(x[p])), default=0)
        if n <= SLICE:
            return fn(x)
        out = np.empty(n)
        for s in range(0, n, SLICE):
            part = {p: (x[p][s : s + SLICE] if np.ndim(x[p]) else x[p]) for p in paths}
            out[s : s + SLICE] = fn(part)
        return out

    return sliced


def _check(
    var: InputVar,
    where: str,
    *,
    above: float | None = None,
    at_least: float | None = None,
    at_most: float | None = None,
    what: str,
) -> None:
    """Raise DistributionError if the input's distribution reaches outside the model's domain."""
    if not var.uncertain:
        return
    lo, hi = var.dist.quantile(0.0), var.dist.quantile(1.0)
    # a lognormal's lower bound 0 is never drawn (exp of a finite normal draw)
    open_lo = isinstance(var.dist, LogNormal)
    bad = (
        (above is not None and (lo < above or (lo == above and not open_lo)))
        or (at_least is not None and lo < at_least)
        or (at_most is not None and hi > at_most)
    )
    if bad:
        raise _fail(
            var.path,
            f"the distribution reaches {lo:g} .. {hi:g}, but the model needs {what}; "
            "bound or truncate it",
            where,
        )


def dcf_fn(
    case: Case,
    use: Callable[[str], str],
    var: Callable[[str], InputVar],
    fx: Callable[..., float],
    where: str,
) -> Callable[[Values], Arr]:
    """Vectorised young-company FCFF DCF equity value (report currency, total).

    Mirrors :func:`anchorval.anchors._dcf_math.dcf_value` with the inputs
    :func:`anchorval.anchors.dcf.dcf_params` reads at ``'base'``.

    Parameters
    ----------
    case : Case
        Needs ``dcf``.
    use : callable
        Registers a figure path as a simulated input and returns its key.
    var : callable
        The :class:`InputVar` of a registered path (for the domain checks).
    fx : callable
        ``fx(unit, on)``: rate from ``unit`` to the report currency on a date.
    where : str
        Prefix of error messages (the case id).

    Returns
    -------
    callable
        ``fn(x) -> ndarray of shape (n,) or float``: equity value x FX per draw.

    Raises
    ------
    DistributionError
        If a distribution reaches outside the DCF's domain (terminal growth at or above the
        mature cost of capital, non-positive sales-to-capital, a tax rate or failure probability
        outside 0-100%, a convergence year outside 1-10).
    """
    spec = case.dcf
    assert spec is not None
    p: dict[str, str] = {}
    for name in type(spec).model_fields:
        f = getattr(spec, name)
        if name != "shares_outstanding" and f is not None and hasattr(f, "base"):
            p[name] = use(f"dcf.{name}")
    dp = spec.distress_proceeds
    proceeds_is_ratio = dp is not None and dp.unit == "ratio"
    lag = spec.reinvestment_lag
    k_fx = fx(spec.revenue.unit, case.as_of)

    v = {name: var(path) for name, path in p.items()}
    g_hi = v["terminal_growth"].dist.quantile(1.0) if v["terminal_growth"].uncertain else float(
        v["terminal_growth"].base
    )
    r = v["cost_of_capital_mature"]
    r_lo = r.dist.quantile(0.0) if r.uncertain else r.base
    if g_hi >= r_lo:
        raise _fail(
            "dcf.terminal_growth",
            f"can reach {g_hi:.4g}, at or above the mature cost of capital's lowest {r_lo:.4g} "
            "(a growing perpetuity has no finite value); bound or truncate the distributions",
            where,
        )
    for name in ("sales_to_capital", "sales_to_capital_late", "terminal_roic"):
        if name in v:
            _check(v[name], where, above=0.0, what="a positive value")
    for name in ("effective_tax_rate", "marginal_tax_rate", "probability_of_failure"):
        if name in v:
            _check(v[name], where, at_least=0.0, at_most=1.0, what="a value in 0-1 (0%-100%)")
    if proceeds_is_ratio:
        _check(v["distress_proceeds"], where, at_least=0.0, at_most=1.0, what="0%-100%")
    for name in ("cost_of_capital_initial", "cost_of_capital_mature"):
        _check(v[name], where, above=-1.0, what="a rate above -100%")
    for name in ("revenue_growth_year1", "revenue_growth_years_2_5", "terminal_growth"):
        _check(v[name], where, above=-1.0, what="a rate above -100%")
    _check(v["margin_convergence_year"], where, at_least=1.0, at_most=10.0, what="a year 1-10")
    for name in ("operating_margin", "operating_margin_year1", "target_operating_margin"):
        if name in v:
            _check(v[name], where, at_most=1.0, what="a margin of at most 100%")
    _check(v["revenue"], where, above=0.0, what="a positive revenue")

    def fn(x: Values) -> Arr:
        def get(name: str, default: Arr = 0.0) -> Arr:
            return x[p[name]] if name in p else default

        revenue0 = x[p["revenue"]]
        m0 = x[p["operating_margin"]]
        g1, g5, g = (
            x[p["revenue_growth_year1"]],
            x[p["revenue_growth_years_2_5"]],
            x[p["terminal_growth"]],
        )
        target = x[p["target_operating_margin"]]
        # DcfParams takes int(year): truncation, as here
        n = np.trunc(x[p["margin_convergence_year"]])
        eff, marg = x[p["effective_tax_rate"]], x[p["marginal_tax_rate"]]
        c_i, c_m = x[p["cost_of_capital_initial"]], x[p["cost_of_capital_mature"]]
        s2c_early = x[p["sales_to_capital"]]
        s2c_late = get("sales_to_capital_late", s2c_early)
        # paths, as _growth_path, _margin_path, _linear_6_10 (same operation order)
        step = (g5 - g) / 5
        growth = [g1] + [g5] * 4 + [g5 - k * step for k in range(1, 6)]
        m1 = get("operating_margin_year1", m0)
        margins = [m1]
        for t in range(2, 11):
            if np.ndim(n) == 0:  # one convergence year for every draw: no per-draw branch
                margins.append(target if t > n else target - (target - m1) / n * (n - t))
            else:
                margins.append(np.where(t > n, target, target - (target - m1) / n * (n - t)))
        tstep = (marg - eff) / 5
        taxes = [eff] * 5 + [eff + k * tstep for k in range(1, 6)]
        wstep = (c_m - c_i) / 5
        wacc = [c_i] * 5 + [c_i + k * wstep for k in range(1, 6)]
        s2c = [s2c_early] * 5 + [s2c_late] * 5
        revenue = [revenue0]
        for gr in growth:
            revenue.append(revenue[-1] * (1 + gr))
        rev_terminal = revenue[-1] * (1 + g)
        nol = get("nol")
        df: Arr = 1.0
        pv_fcff: Arr = 0.0
        for t in range(1, 11):
            r_t = revenue[t]
            ebit = r_t * margins[t - 1]
            # ebit <= 0 or ebit < nol: losses carried forward shield it; else tax the excess
            shielded = (ebit <= 0) | (ebit < nol)
            after_tax = np.where(shielded, ebit, ebit - (ebit - nol) * taxes[t - 1])
            nol = np.where(shielded, nol - ebit, 0.0)
            if lag == 1:
                nxt = revenue[t + 1] if t < 10 else rev_terminal
                reinvest = (nxt - r_t) / s2c[t - 1]
            else:
                reinvest = (r_t - revenue[t - 1]) / s2c[t - 1]
            fcff = after_tax - reinvest
            df = df / (1 + wacc[t - 1])
            pv_fcff = pv_fcff + fcff * df
        roic = get("terminal_roic", wacc[-1])
        after_t = rev_terminal * margins[-1] * (1 - marg)
        reinvest_t = np.where(g > 0, g / roic * after_t, 0.0)
        tv = (after_t - reinvest_t) / (c_m - g)
        pv_sum = pv_fcff + tv * df
        if "distress_proceeds" not in p:
            proceeds: Arr = pv_sum * 0.0
        elif proceeds_is_ratio:
            proceeds = pv_sum * x[p["distress_proceeds"]]
        else:
            proceeds = x[p["distress_proceeds"]]
        pf = get("probability_of_failure")
        operating = pv_sum * (1 - pf) + proceeds * pf
        equity = (
            operating
            + get("cash")
            + get("non_operating_assets")
            - get("debt")
            - get("minority_interests")
        )
        return equity * k_fx

    return _in_slices(fn, list(p.values()))


def _sub(a: Arr, idx: np.ndarray) -> Arr:
    return a[idx] if np.ndim(a) else a


class _Market:
    """Per-draw Black-Scholes constants (volatility, term and rate do not change with the value).

    ``sd = sigma sqrt(T)``, ``drift = (r + sigma^2 / 2) T``, ``disc = e^{-rT}`` (arrays of shape
    (n,) or floats), as in :func:`anchorval.anchors._opm_math.black_scholes` (no dividends).
    """

    def __init__(self, vol: Arr, term: Arr, rate: Arr) -> None:
        self.vol, self.term, self.rate = vol, term, rate
        self.sd = vol * np.sqrt(term)
        self.drift = (rate + 0.5 * vol**2) * term
        self.disc = np.exp(-rate * term)

    def take(self, idx: np.ndarray) -> _Market:
        """Return the constants of draws ``idx`` (floats stay floats)."""
        out = object.__new__(_Market)
        for k in ("vol", "term", "rate", "sd", "drift", "disc"):
            setattr(out, k, _sub(getattr(self, k), idx))
        return out


def _calls(
    v: Arr, ln_v: Arr, strikes: list[float], mk: _Market, needed: set[int]
) -> dict[int, tuple[Arr, Arr]]:
    """Black-Scholes calls on the total equity value ``v`` and their deltas ``N(d1)``.

    ``C(K) = V N(d1) - K e^{-rT} N(d2)``, ``d1 = (ln V - ln K + (r + sigma^2/2) T) / (sigma
    sqrt T)``, ``d2 = d1 - sigma sqrt T``, with ``N(x) = 0.5 erfc(-x / sqrt 2)`` as the
    deterministic :func:`~anchorval.anchors._opm_math.norm_cdf`; strike 0 gives ``(V, 1)``.
    Only the strikes with index in ``needed`` are priced.
    """
    from scipy.special import erfc

    out: dict[int, tuple[Arr, Arr]] = {}
    r2 = math.sqrt(2.0)
    for j in sorted(needed):
        k = strikes[j]
        if k == 0:
            out[j] = (v, np.ones_like(v))
            continue
        d1 = (ln_v - math.log(k) + mk.drift) / mk.sd
        n1 = 0.5 * erfc(-d1 / r2)
        n2 = 0.5 * erfc(-(d1 - mk.sd) / r2)
        out[j] = (v * n1 - k * mk.disc * n2, n1)
    return out


class _Waterfall:
    """A cap table's breakpoints with the fractions of two classes, evaluated on arrays."""

    def __init__(self, classes: list[Any], names: tuple[str, ...]) -> None:
        from ..anchors._opm_math import opm_breakpoints

        bps = opm_breakpoints(classes)
        self.starts = [b.start for b in bps]
        self.fracs = {k: [b.shares.get(k, 0.0) for b in bps] for k in names}
        self.shares = {c.name: c.shares for c in classes}
        # the calls a class's value needs: C(start_j) and C(start_{j+1}) where its fraction > 0
        self.needed = {
            k: {i for j, f in enumerate(fr) if f != 0.0 for i in (j, j + 1) if i < len(fr)}
            for k, fr in self.fracs.items()
        }

    def per_share(self, name: str, v: Arr, mk: _Market, delta: bool = False) -> tuple[Arr, Arr]:
        """Value per share of a class and its derivative in the total equity value ``v``.

        ``sum_j fraction_j (C(start_j) - C(start_{j+1}))``, as
        :func:`~anchorval.anchors._opm_math.opm_allocate` (``C(inf) = 0``); the derivative is
        the same sum over the calls' deltas.
        """
        calls = _calls(v, np.log(v), self.starts, mk, self.needed[name])
        val: Arr = 0.0
        der: Arr = 0.0
        fr = self.fracs[name]
        for j in range(len(fr)):
            if fr[j] == 0.0:
                continue
            c_next, d_next = calls[j + 1] if j + 1 < len(fr) else (0.0, 0.0)
            val = val + fr[j] * (calls[j][0] - c_next)
            if delta:
                der = der + fr[j] * (calls[j][1] - d_next)
        return val / self.shares[name], der / self.shares[name]


def _backsolve(w: _Waterfall, name: str, price: Arr, mk: _Market, start: Arr) -> np.ndarray:
    """Total equity value per draw at which class ``name`` is worth ``price`` a share.

    Safeguarded Newton on arrays (the class value rises strictly with the equity value; its
    derivative is the fraction-weighted sum of the call deltas ``N(d1)``), from ``start`` (the
    post-money), keeping a bracket ``[lo, hi]`` per draw: a step that leaves the bracket is
    replaced by doubling (no upper end yet), halving (no lower end yet) or the geometric
    midpoint. Each draw stops on its own once its relative step is below :data:`OPM_RTOL`
    (Newton converges quadratically, so the next error is far below float precision), so a
    draw's result does not depend on the other draws in its block.

    Raises
    ------
    DistributionError
        If some draw has not converged after :data:`OPM_MAX_ITER` steps.
    """
    n = max(np.size(a) for a in (price, mk.sd, start))
    price = np.broadcast_to(np.asarray(price, dtype=float), (n,))
    v = np.array(np.broadcast_to(np.asarray(start, dtype=float), (n,)))
    full = _Market.__new__(_Market)
    for k in ("vol", "term", "rate", "sd", "drift", "disc"):
        a = getattr(mk, k)
        setattr(full, k, np.broadcast_to(np.asarray(a, dtype=float), (n,)) if np.ndim(a) else a)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    idx = np.arange(n)
    for _ in range(OPM_MAX_ITER):
        vi = v[idx]
        ps, der = w.per_share(name, vi, full.take(idx) if idx.size < n else full, True)
        fv = ps - price[idx]
        neg = fv < 0
        li = lo[idx] = np.where(neg, vi, lo[idx])
        hj = hi[idx] = np.where(neg, hi[idx], vi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = fv / der
        newton = vi - step
        small = np.abs(step) <= OPM_RTOL * vi  # False for nan
        ok = small | (np.isfinite(newton) & (newton > li) & (newton < hj))
        fallback = np.where(np.isinf(hj), vi * 2.0, np.where(li == 0, vi * 0.5, np.sqrt(li * hj)))
        v[idx] = np.where(fv == 0, vi, np.where(ok, newton, fallback))
        idx = idx[~((fv == 0) | small)]
        if idx.size == 0:
            return v
    raise _fail(name, f"OPM backsolve did not converge in {OPM_MAX_ITER} steps for some draws")


def _finnerty(vol: Arr, term: Arr) -> Arr:
    """Finnerty (2012) DLOM on arrays, as :func:`~anchorval.anchors._opm_math.dlom_finnerty`."""
    from scipy.special import erfc

    x = vol**2 * term
    v2t = x + np.log(2.0 * (np.expm1(x) - x)) - 2.0 * np.log(np.expm1(x))
    vt = np.sqrt(np.maximum(v2t, 0.0))
    return 0.5 * erfc(-(vt / 2.0) / math.sqrt(2.0)) - 0.5 * erfc(-(-vt / 2.0) / math.sqrt(2.0))


def opm_fn(
    key: str,
    case: Case,
    use: Callable[[str], str],
    var: Callable[[str], InputVar],
    fx: Callable[..., float],
    where: str,
    ctx: Any,
) -> Callable[[Values], Arr]:
    """Vectorised ``opm_last_round`` or ``opm_perp`` base (non-marketable common view, total).

    Parameters
    ----------
    key : {'opm_last_round', 'opm_perp'}
        The anchor.
    case : Case
        Needs ``cap_table`` and ``opm`` (and ``perps`` or a round price / last round).
    use, var, fx, where
        As :func:`dcf_fn`; ``fx(unit, on, to)`` converts to ``to`` (default report currency).
    ctx : AnchorContext
        The deterministic anchors' context (report currency, FX).

    Returns
    -------
    callable
        ``fn(x)``: value per common share x (1 - Finnerty DLOM) x fully diluted shares x FX,
        per draw (report currency, total).

    Raises
    ------
    DistributionError
        If volatility, time to liquidity, the round price or a perp price or reference share
        count can reach zero or below.
    """
    from ..anchors.opm_backsolve import _setup

    opm, cap = case.opm, case.cap_table
    assert opm is not None and cap is not None
    _d, _cap, _opm, classes, cur = _setup(case, ctx, key)
    common = next(c.name for c in classes if c.kind == "common")
    w = _Waterfall(classes, (opm.round_class, common))
    n_fd = sum(c.as_converted for c in classes)
    p_vol, p_t, p_r = use("opm.volatility"), use("opm.time_to_liquidity"), use("opm.risk_free_rate")
    p_dv = use("opm.dlom_volatility") if opm.dlom_volatility is not None else p_vol
    for path in (p_vol, p_dv):
        _check(var(path), where, above=0.0, what="a positive volatility")
    _check(var(p_t), where, above=0.0, what="a positive time to liquidity")
    k_out = fx(cur, case.as_of)

    def common_view(v: Arr, x: Values, mk: _Market) -> Arr:
        per_common, _ = w.per_share(common, v, mk)
        return per_common * (1 - _finnerty(x[p_dv], mk.term)) * n_fd * k_out

    if key == "opm_last_round":
        if opm.round_price is not None:
            p_price = price_path = use("opm.round_price")
            k_price = fx(opm.round_price.unit, case.as_of, cur)

            def price_of(x: Values) -> Arr:
                return x[p_price] * k_price

        else:
            lr = case.last_round
            assert lr is not None
            p_pm = price_path = use(f"funding_rounds[{case.funding_rounds.index(lr)}].post_money")
            k_pm = fx(lr.post_money.unit, case.as_of, cur)

            def price_of(x: Values) -> Arr:
                return x[p_pm] * k_pm / n_fd

        _check(var(price_path), where, above=0.0, what="a positive round price")

        def fn(x: Values) -> Arr:
            price = price_of(x)
            mk = _Market(x[p_vol], x[p_t], x[p_r])
            v = _backsolve(w, opm.round_class, price, mk, price * n_fd)
            out = common_view(v, x, mk)
            scalar = all(np.ndim(a) == 0 for a in (price, x[p_vol], x[p_t], x[p_r], x[p_dv]))
            return float(out[0]) if scalar else out

        return _in_slices(fn, [p_vol, p_t, p_r, p_dv, price_path])

    legs = [
        (
            use(f"perps[{i}].price"),
            use(f"perps[{i}].reference_shares"),
            fx(q.price.unit, case.as_of, cur),
        )
        for i, q in enumerate(case.perps)
    ]

    for a, b, _k in legs:
        _check(var(a), where, above=0.0, what="a positive perp price")
        _check(var(b), where, above=0.0, what="a positive reference share count")

    def fn_perp(x: Values) -> Arr:
        mk = _Market(x[p_vol], x[p_t], x[p_r])
        vals = [common_view(x[a] * x[b] * k, x, mk) for a, b, k in legs]
        if len(vals) == 1:
            return vals[0]
        return np.median(np.stack(np.broadcast_arrays(*vals)), axis=0)

    return _in_slices(fn_perp, [p_vol, p_t, p_r, p_dv, *(q for a, b, _k in legs for q in (a, b))])


def _range(v: InputVar) -> tuple[float, float]:
    if not v.uncertain:
        return v.base, v.base
    return v.dist.quantile(0.0), v.dist.quantile(1.0)


def gross_margin_factor_fn(
    case: Case,
    use: Callable[[str], str],
    var: Callable[[str], InputVar],
    fx: Callable[..., float],
    where: str,
) -> Callable[[Values], Arr] | None:
    """Vectorised gross-margin adjustment of the ARR multiple (None when the case has none).

    As :func:`anchorval.anchors.unit_economics.gross_margin_adjustment`:
    ``factor = (1 - inference cost per 1M tokens / API price per 1M tokens) / software gross
    margin``, the cost in the price's currency (at the cost's as-of date), or derived as
    GPU-hour cost / (tokens per GPU-second x 3600 x utilisation) x 1e6.

    Raises
    ------
    DistributionError
        If the inference cost can reach the API price (a multiple of non-positive gross profit
        is void, as in the deterministic anchor), or the benchmark margin can reach zero.
    """
    ue = case.unit_economics
    if ue is None or ue.software_gross_margin is None:
        return None
    cur = ue.api_price_per_mtok.unit
    p_price = use("unit_economics.api_price_per_mtok")
    p_bench = use("unit_economics.software_gross_margin")
    if ue.inference_cost_per_mtok is not None:
        f = ue.inference_cost_per_mtok
        p_cost, k_cost = use("unit_economics.inference_cost_per_mtok"), fx(f.unit, case.as_of, cur)
        cost_path = p_cost
        cost_hi = _range(var(p_cost))[1] * k_cost

        def cost(x: Values) -> Arr:
            return x[p_cost] * k_cost

    else:
        g = ue.gpu_hour_cost
        assert g is not None and ue.tokens_per_gpu_second is not None
        p_gpu, k_gpu = use("unit_economics.gpu_hour_cost"), fx(g.unit, case.as_of, cur)
        p_tps = use("unit_economics.tokens_per_gpu_second")
        p_util = use("unit_economics.gpu_utilisation") if ue.gpu_utilisation else None
        cost_path = p_gpu
        util_lo = _range(var(p_util))[0] if p_util else 1.0
        _check(var(p_tps), where, above=0.0, what="a positive throughput")
        if p_util:
            _check(var(p_util), where, above=0.0, at_most=1.0, what="a value in (0%, 100%]")
        cost_hi = _range(var(p_gpu))[1] * k_gpu / (_range(var(p_tps))[0] * 3600 * util_lo) * 1e6

        def cost(x: Values) -> Arr:
            util = x[p_util] if p_util else 1.0
            return x[p_gpu] * k_gpu / (x[p_tps] * 3600 * util) * 1e6

    price_lo = _range(var(p_price))[0]
    if var(cost_path).uncertain or var(p_price).uncertain:
        if cost_hi >= price_lo:
            raise _fail(
                cost_path,
                f"the inference cost per 1M tokens can reach {cost_hi:.4g} {cur}, at or above the "
                f"lowest API price {price_lo:.4g}: the gross margin would not be positive; bound "
                "the distributions",
                where,
            )
    _check(var(p_bench), where, above=0.0, what="a positive benchmark margin")

    def fn(x: Values) -> Arr:
        return (1 - cost(x) / x[p_price]) / x[p_bench]

    return fn

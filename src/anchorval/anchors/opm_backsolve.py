"""OPM backsolve and DLOM anchors: the common-stock view of the last round and of the perp marks.

A round prices preferred stock, and a perp mark is not the clearing price of common stock. The
option pricing method (Black-Scholes over the cap table's breakpoints) backsolves the total equity
value at which the round's preferred is worth its price and the value per common share; a
discount for lack of marketability (Finnerty 2012 average-strike put; Chaffe 1993 protective put)
then gives the value of a non-marketable common share.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..domain import CapTable, Case, OpmInputs
from ..errors import ModelInputError
from ..money import Money, format_money
from ._base import Anchor, AnchorContext, AnchorResult, Derivation, FigureRef, ModelInputs
from ._formulas import Arr, Values, is_scalar, median, prod
from ._opm_math import (
    BsMarket,
    OpmAllocation,
    OpmClass,
    Waterfall,
    backsolve_equity,
    dlom_chaffe,
    dlom_finnerty,
    opm_allocate,
    opm_backsolve,
)
from .perp_implied import perp_value

__all__ = [
    "OPM_LAST_ROUND",
    "OPM_PERP",
    "non_marketable",
    "opm_classes",
    "opm_last_round",
    "opm_last_round_model",
    "opm_perp",
    "opm_perp_model",
    "round_price_from_post_money",
]


def non_marketable(per_share: Arr, dlom: Arr) -> Arr:
    """Value per share after a discount for lack of marketability: ``per_share x (1 - DLOM)``.

    Parameters
    ----------
    per_share : float or ndarray of shape (n_draws,)
        Marketable value per share (money per share).
    dlom : float or ndarray of shape (n_draws,)
        Discount (decimal, 0.18 = 18%).

    Returns
    -------
    float or ndarray of shape (n_draws,)
        Money per share.

    Examples
    --------
    >>> non_marketable(100.0, 0.25)
    75.0
    """
    return per_share * (1 - dlom)


def round_price_from_post_money(post_money: Arr, fx: Arr, shares: Arr) -> Arr:
    """Round price per share: post-money x FX / fully diluted (as-converted) shares.

    Parameters
    ----------
    post_money : Decimal, float or ndarray of shape (n_draws,)
        Post-money valuation (money, total, its own currency).
    fx : Decimal or float
        Its currency -> the cap table's currency.
    shares : Decimal or float
        Fully diluted as-converted shares (count).

    Returns
    -------
    Decimal, float or ndarray of shape (n_draws,)
        Money per share.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> round_price_from_post_money(D(1000), D(2), D(4))
    Decimal('500')
    """
    return prod(post_money, fx) / shares


CAVEAT = (
    "The OPM depends on volatility and time to exit, which are assumptions; the DLOM models "
    "bracket "
    "rather than measure the discount a buyer of illiquid common stock would ask."
)


def _f(x: Decimal) -> float:
    return float(x)


def opm_classes(cap: CapTable) -> list[OpmClass]:
    """Turn a case's cap table into :class:`~anchorval.anchors._opm_math.OpmClass` objects.

    Parameters
    ----------
    cap : CapTable

    Returns
    -------
    list of OpmClass
        Floats in the cap table's currency (per-share prices) and share counts.

    Raises
    ------
    ModelInputError
        Naming the class field that is out of domain.
    """
    out = []
    for c in cap.classes:
        out.append(
            OpmClass(
                name=c.name,
                kind=c.kind,
                shares=_f(c.shares.base),
                issue_price=_f(c.issue_price.base) if c.issue_price else 0.0,
                preference_multiple=_f(c.preference_multiple.base) if c.preference_multiple else 1.0,
                seniority=c.seniority,
                participating=c.participating,
                participation_cap=_f(c.participation_cap.base) if c.participation_cap else None,
                conversion_ratio=_f(c.conversion_ratio.base) if c.conversion_ratio else 1.0,
                strike=_f(c.strike.base) if c.strike else 0.0,
            )
        )
    return out


def _common_name(classes: list[OpmClass]) -> str:
    return next(c.name for c in classes if c.kind == "common")


def _cap_refs(d: Derivation, cap: CapTable) -> tuple[FigureRef, ...]:
    refs = []
    for i, c in enumerate(cap.classes):
        for n in (
            "shares",
            "issue_price",
            "preference_multiple",
            "participation_cap",
            "conversion_ratio",
            "strike",
        ):
            f = getattr(c, n)
            if f is not None:
                refs.append(d.ref(f, f"cap_table.classes[{i}].{n}"))
    return tuple(refs)


def _opm_refs(d: Derivation, opm: OpmInputs) -> tuple[FigureRef, ...]:
    return tuple(
        d.ref(f, f"opm.{n}")
        for n in ("volatility", "time_to_liquidity", "risk_free_rate", "dlom_volatility")
        if (f := getattr(opm, n)) is not None
    )


def _common_view(
    d: Derivation,
    case: Case,
    opm: OpmInputs,
    classes: list[OpmClass],
    alloc: OpmAllocation,
    cur: str,
    prefix: str,
) -> tuple[Money, Money, Money, dict]:
    """Append the common-share, DLOM and common-view steps; return low, base, high, metrics."""
    common = _common_name(classes)
    n_fd = sum(c.as_converted for c in classes)
    per_common = alloc.per_share[common]
    vol_d = _f((opm.dlom_volatility or opm.volatility).base)
    t = _f(opm.time_to_liquidity.base)
    rf = _f(opm.risk_free_rate.base)
    d_f = dlom_finnerty(vol_d, t)
    d_c = dlom_chaffe(vol_d, t, rf)
    refs = _opm_refs(d, opm)
    d.step(
        f"{prefix}Value per common share (marketable)",
        "OPM value of the common class / common shares",
        f"{per_common:,.4f} {cur} per share "
        f"({alloc.class_values[common] / alloc.equity_value:.1%} of equity "
        f"to {common})",
    )
    d.step(
        f"{prefix}DLOM",
        "Finnerty (2012) average-strike put: e^{-qT}[N(v sqrt(T)/2) - N(-v sqrt(T)/2)]; Chaffe "
        "(1993) "
        "protective put: Black-Scholes at-the-money put / value",
        f"Finnerty {d_f:.1%}, Chaffe {d_c:.1%} (volatility {vol_d:.0%}, {t:g} years to liquidity)",
        refs,
    )
    nm = non_marketable(per_common, d_f)
    d.step(
        f"{prefix}Value per common share (non-marketable)",
        "marketable common value x (1 - Finnerty DLOM)",
        f"{nm:,.4f} {cur} per share",
    )

    def total(x: float) -> Money:
        m = Money(Decimal(repr(x * n_fd)), cur)
        return d.convert(m, case.as_of)[0]

    high = total(per_common)
    base = total(nm)
    low = total(non_marketable(per_common, max(d_f, d_c)))
    d.step(
        f"{prefix}Common-stock view of the company",
        "value per common share x fully diluted (as-converted) shares: marketable / Finnerty / the larger DLOM",
        f"{format_money(high)} / {format_money(base)} / {format_money(low)} ({n_fd:,.0f} shares)",
    )
    metrics = {
        "common_per_share": Money(Decimal(repr(per_common)), cur),
        "common_per_share_non_marketable": Money(Decimal(repr(nm)), cur),
        "dlom_finnerty": Decimal(repr(round(d_f, 10))),
        "dlom_chaffe": Decimal(repr(round(d_c, 10))),
        "fully_diluted_shares": Decimal(repr(n_fd)),
        "class_values": {k: Money(Decimal(repr(v)), cur) for k, v in alloc.class_values.items()},
    }
    return low, base, high, metrics


def _breakpoint_text(alloc: OpmAllocation, cur: str) -> str:
    parts = []
    for b in alloc.breakpoints:
        end = "inf" if b.end == float("inf") else format_money(Money(Decimal(repr(b.end)), cur))
        parts.append(f"{format_money(Money(Decimal(repr(b.start)), cur))}-{end}: {b.label}")
    return "; ".join(parts)


def _setup(case: Case, ctx: AnchorContext, key: str) -> tuple[Derivation, CapTable, OpmInputs, list[OpmClass], str]:
    d = Derivation(case, ctx, key)
    cap: CapTable = d.require(case.cap_table, "cap_table")
    opm: OpmInputs = d.require(case.opm, "opm")
    classes = opm_classes(cap)
    if opm.round_class not in {c.name for c in classes}:
        raise ModelInputError(
            "opm.round_class",
            f"{opm.round_class!r} is not a class of cap_table ({', '.join(c.name for c in classes)})",
        )
    cur = cap.currency or (opm.round_price.unit if opm.round_price else d.currency)
    return d, cap, opm, classes, cur


def opm_last_round(case: Case, ctx: AnchorContext) -> AnchorResult:
    """OPM backsolve from the last round's preferred price, then DLOM: the common-stock view.

    Parameters
    ----------
    case : Case
        Needs ``cap_table`` and ``opm``; the round price is ``opm.round_price`` or else the last
        round's post-money / fully diluted as-converted shares.
    ctx : AnchorContext
        FX to the report currency.

    Returns
    -------
    AnchorResult
        high = marketable common value per share x fully diluted shares; base = the same after
        the Finnerty DLOM; low = after the larger of the Finnerty and Chaffe DLOMs (totals, report
        currency). ``metrics['equity_value']`` is the backsolved total equity value.

    Raises
    ------
    MissingFigureError
        If the case lacks ``cap_table`` or ``opm`` (or both a round price and a last round).
    ModelInputError, SolveError
        On out-of-domain inputs or when no equity value reaches the price.
    """
    d, cap, opm, classes, cur = _setup(case, ctx, "opm_last_round")
    n_fd = sum(c.as_converted for c in classes)
    cap_refs = _cap_refs(d, cap)
    if opm.round_price is not None:
        price_m = d.convert(opm.round_price.money(), case.as_of, to=cur)[0]
        d.step(
            "Round price per preferred share",
            "given",
            format_money(price_m, digits=6),
            (d.ref(opm.round_price, "opm.round_price"),),
        )
    else:
        lr = d.require(case.last_round, "opm.round_price (or funding_rounds)")
        i = case.funding_rounds.index(lr)
        rate = d.rate(lr.post_money.unit, case.as_of, cur)
        pm = Money(prod(lr.post_money.base, rate.rate), cur)
        price_m = Money(round_price_from_post_money(lr.post_money.base, rate.rate, Decimal(repr(n_fd))), cur)
        d.step(
            "Round price per preferred share",
            "last round post-money / fully diluted as-converted shares",
            f"{format_money(pm)} / {n_fd:,.0f} = {format_money(price_m, digits=6)}",
            (d.ref(lr.post_money, f"funding_rounds[{i}].post_money"), *cap_refs),
            (rate,) if rate.base != rate.quote else (),
        )
    price = float(price_m.amount)
    bs = opm_backsolve(
        classes,
        opm.round_class,
        price,
        _f(opm.volatility.base),
        _f(opm.time_to_liquidity.base),
        _f(opm.risk_free_rate.base),
    )
    alloc = bs.allocation
    d.step(
        "Breakpoints",
        "waterfall: preferences by seniority, then conversions and participation",
        _breakpoint_text(alloc, cur),
        cap_refs,
    )
    eq = Money(Decimal(repr(bs.equity_value)), cur)
    post = Money(price_m.amount * Decimal(repr(n_fd)), cur)
    d.step(
        "OPM backsolve: total equity value",
        f"equity value at which the Black-Scholes call spreads give {opm.round_class} its round price",
        f"{format_money(eq)} (vs {format_money(post)} = round price x all shares as if common; {eq / post:.1%})",
        _opm_refs(d, opm),
    )
    d.step(
        "Value by class",
        "sum over breakpoints of the class's share x call spread",
        "; ".join(
            f"{k} {format_money(Money(Decimal(repr(v)), cur))} ({alloc.per_share[k]:,.4f}/sh)"
            for k, v in alloc.class_values.items()
        ),
    )
    low, base, high, metrics = _common_view(d, case, opm, classes, alloc, cur, "")
    metrics["equity_value"] = eq
    metrics["round_price"] = price_m
    d.warnings.append(
        "The common-stock view prices every share as non-marketable common; the round's preferred "
        "carries "
        "preferences the common does not."
    )
    return d.result(
        "opm_last_round",
        f"Last round as common stock (OPM backsolve + DLOM, {opm.round_class})",
        "OPM backsolve with DLOM (common stock)",
        low,
        base,
        high,
        CAVEAT,
        metrics=metrics,
    )


def opm_perp(case: Case, ctx: AnchorContext) -> AnchorResult:
    """Value the perp marks as common stock: OPM allocation of the perp-implied equity, then DLOM.

    The perp-implied valuation (price x reference shares) is taken as the total equity value; the
    OPM splits it among the cap table's classes and the DLOM discounts the common share.

    Parameters
    ----------
    case : Case
        Needs ``perps``, ``cap_table`` and ``opm``.
    ctx : AnchorContext
        FX (USDT/USD is an assumption unless the case gives a rate).

    Returns
    -------
    AnchorResult
        Across venues: low = min of the low ends, base = median of the Finnerty values, high = max
        of the marketable values (totals, report currency).

    Raises
    ------
    MissingFigureError
        If the case lacks perps, cap_table or opm.
    """
    d, cap, opm, classes, cur = _setup(case, ctx, "opm_perp")
    d.require(case.perps or None, "perps")
    cap_refs = _cap_refs(d, cap)
    lows, bases, highs = [], [], []
    metrics: dict = {}
    for i, q in enumerate(case.perps):
        rate = d.rate(q.price.unit, case.as_of, cur)
        v = Money(perp_value(q.price.base, q.reference_shares.base, rate.rate), cur)
        prefix = f"{q.venue} {q.symbol}: " if len(case.perps) > 1 else ""
        d.step(
            f"{prefix}Perp-implied equity value",
            "contract price x reference share count, taken as total equity value",
            format_money(v),
            (
                d.ref(q.price, f"perps[{i}].price"),
                d.ref(q.reference_shares, f"perps[{i}].reference_shares"),
            ),
            (rate,) if rate.base != rate.quote else (),
        )
        alloc = opm_allocate(
            classes,
            float(v.amount),
            _f(opm.volatility.base),
            _f(opm.time_to_liquidity.base),
            _f(opm.risk_free_rate.base),
        )
        d.step(
            f"{prefix}Breakpoints",
            "waterfall of the cap table",
            _breakpoint_text(alloc, cur),
            cap_refs,
        )
        lo, ba, hi, m = _common_view(d, case, opm, classes, alloc, cur, prefix)
        lows.append(lo)
        bases.append(ba)
        highs.append(hi)
        metrics[f"{q.venue}:{q.symbol}"] = m
    base = Money(median([b.amount for b in bases]), bases[0].currency)
    d.warnings.append(
        "The perp's reference share count is a venue convention; its implied value is treated "
        "here as the "
        "total equity value."
    )
    return d.result(
        "opm_perp",
        "Perp mark as common stock (OPM + DLOM)",
        "OPM allocation with DLOM (common stock)",
        min(lows),
        base,
        max(highs),
        CAVEAT,
        metrics=metrics,
    )


def _opm_model(key: str, case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised ``opm_last_round`` or ``opm_perp`` base (non-marketable common view, total).

    The same formulas as the anchors, on arrays of draws: the round price (given, or
    :func:`round_price_from_post_money`), :func:`~anchorval.anchors._opm_math.backsolve_equity`
    (Newton per draw on the :class:`~anchorval.anchors._opm_math.Waterfall`) or the perp value
    (:func:`~anchorval.anchors.perp_implied.perp_value`), the common class's value per share,
    :func:`non_marketable` after the Finnerty DLOM, x fully diluted shares x FX. The cap table
    is held at its base values (its breakpoints are computed once).

    Raises
    ------
    DistributionError
        If volatility, time to liquidity, the round price or a perp price or reference share
        count can reach zero or below.
    """
    opm = case.opm
    assert opm is not None
    _d, _cap, _opm, classes, cur = _setup(case, m.ctx, key)
    common = _common_name(classes)
    w = Waterfall(classes, (opm.round_class, common))
    n_fd = sum(c.as_converted for c in classes)
    p_vol, p_t = m.use("opm.volatility"), m.use("opm.time_to_liquidity")
    p_r = m.use("opm.risk_free_rate")
    p_dv = m.use("opm.dlom_volatility") if opm.dlom_volatility is not None else p_vol
    for path in (p_vol, p_dv):
        m.check(path, above=0.0, what="a positive volatility")
    m.check(p_t, above=0.0, what="a positive time to liquidity")
    k_out = m.fx(cur, case.as_of)

    def common_view(v: Arr, x: Values, mk: BsMarket) -> Arr:
        per_common, _ = w.per_share(common, v, mk)
        return non_marketable(per_common, dlom_finnerty(x[p_dv], mk.term)) * n_fd * k_out

    if key == "opm_last_round":
        if opm.round_price is not None:
            p_price = m.use("opm.round_price")
            k_price = m.fx(opm.round_price.unit, case.as_of, cur)

            def price_of(x: Values) -> Arr:
                return x[p_price] * k_price

        else:
            lr = case.last_round
            assert lr is not None
            p_price = m.use(f"funding_rounds[{case.funding_rounds.index(lr)}].post_money")
            k_pm = m.fx(lr.post_money.unit, case.as_of, cur)

            def price_of(x: Values) -> Arr:
                return round_price_from_post_money(x[p_price], k_pm, n_fd)

        m.check(p_price, above=0.0, what="a positive round price")

        def fn(x: Values) -> Arr:
            price = price_of(x)
            mk = BsMarket(x[p_vol], x[p_t], x[p_r])
            v = backsolve_equity(w, opm.round_class, price, mk, price * n_fd)
            out = common_view(v, x, mk)
            scalar = all(is_scalar(a) for a in (price, x[p_vol], x[p_t], x[p_r], x[p_dv]))
            return float(out[0]) if scalar else out

        return m.sliced(fn, [p_vol, p_t, p_r, p_dv, p_price])

    legs = [
        (m.use(f"perps[{i}].price"), m.use(f"perps[{i}].reference_shares"), m.fx(q.price.unit, case.as_of, cur))
        for i, q in enumerate(case.perps)
    ]
    for a, b, _k in legs:
        m.check(a, above=0.0, what="a positive perp price")
        m.check(b, above=0.0, what="a positive reference share count")

    def fn_perp(x: Values) -> Arr:
        mk = BsMarket(x[p_vol], x[p_t], x[p_r])
        return median([common_view(perp_value(x[a], x[b], k), x, mk) for a, b, k in legs])

    return m.sliced(fn_perp, [p_vol, p_t, p_r, p_dv, *(q for a, b, _k in legs for q in (a, b))])


def opm_last_round_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised :func:`opm_last_round` base (see ``_opm_model``).

    Parameters
    ----------
    case : Case
        Needs ``cap_table``, ``opm`` and a round price or last round.
    m : ModelInputs
        Registers the figures read, checks their distributions, gives the FX rates.

    Returns
    -------
    callable
        ``fn(x)``: value per common share x (1 - Finnerty DLOM) x fully diluted shares x FX,
        per draw (report currency, total).

    Examples
    --------
    >>> from anchorval.anchors import AnchorContext, PointInputs
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06-dcf")
    >>> ctx = AnchorContext.for_case(lc.case, lc.peers)
    >>> m = PointInputs(lc.case, ctx)
    >>> at_base = opm_last_round_model(lc.case, m)(m.values())
    >>> abs(at_base / float(opm_last_round(lc.case, ctx).base.amount) - 1) < 1e-13  # the derivation's base
    True
    """
    return _opm_model("opm_last_round", case, m)


def opm_perp_model(case: Case, m: ModelInputs) -> Callable[[Values], Arr]:
    """Vectorised :func:`opm_perp` base: the OPM common view of each perp value, the median.

    Parameters
    ----------
    case : Case
        Needs ``perps``, ``cap_table`` and ``opm``.
    m : ModelInputs
        Registers the figures read, checks their distributions, gives the FX rates.

    Returns
    -------
    callable
        ``fn(x) -> ndarray of shape (n_draws,) or float`` (report currency, total).

    Examples
    --------
    >>> from anchorval.anchors import AnchorContext, PointInputs
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06-dcf")
    >>> ctx = AnchorContext.for_case(lc.case, lc.peers)
    >>> m = PointInputs(lc.case, ctx)
    >>> at_base = opm_perp_model(lc.case, m)(m.values())
    >>> abs(at_base / float(opm_perp(lc.case, ctx).base.amount) - 1) < 1e-13  # the derivation's base
    True
    """
    return _opm_model("opm_perp", case, m)


#: The OPM anchors: derivation and vectorised model (the cap table held at its base values).
_HELD = (("cap_table.", "the OPM holds the cap table at its base values"),)
OPM_LAST_ROUND = Anchor("opm_last_round", opm_last_round, opm_last_round_model, _HELD)
OPM_PERP = Anchor("opm_perp", opm_perp, opm_perp_model, _HELD)

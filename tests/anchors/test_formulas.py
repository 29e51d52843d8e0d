"""Formula functions take Decimal scalars, floats and arrays of draws alike."""

from __future__ import annotations

import math
from decimal import Decimal as D

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchorval.anchors._dcf_math import dcf_core
from anchorval.anchors._formulas import median, prod, where
from anchorval.anchors._opm_math import (
    BsMarket,
    OpmClass,
    Waterfall,
    backsolve_equity,
    black_scholes,
    dlom_finnerty,
    opm_allocate,
    opm_backsolve,
)
from anchorval.anchors.arr_multiple import arr_value
from anchorval.anchors.dcf import dcf_params
from anchorval.anchors.peer_multiple import sales_multiple
from anchorval.anchors.perp_implied import perp_value
from anchorval.cases import resolve_case


def test_decimal_inputs_give_the_exact_decimal_product():
    # the deterministic anchors' Money arithmetic, left to right: nothing goes through float
    p, s, fx = D("1718.4"), D("1e9"), D("0.99962")
    assert perp_value(p, s, fx) == p * s * fx and isinstance(perp_value(p, s, fx), D)
    assert arr_value(D("140e9"), D("1.1"), D("0.59"), D(15), D("0.8")) == D("140e9") * D("1.1") * D("0.59") * D(15) * D(
        "0.8"
    )
    assert sales_multiple(D(1000), D(10), D(2), D(50), D(30)) == (D(1000) + D(50) - D(30)) / (D(10) * D(2))
    assert median([D(3), D(1), D(2), D(10)]) == D("2.5")


def test_arrays_give_each_draws_scalar_value():
    rng = np.random.default_rng(3)
    p, s = rng.uniform(100, 3000, 50), rng.uniform(5e8, 2e9, 50)
    got = perp_value(p, s, 1.25)
    # scalars are folded first on arrays (one pass per array): equal to the last bit or so
    np.testing.assert_allclose(got, [perp_value(a, b, 1.25) for a, b in zip(p, s, strict=True)], rtol=1e-15)
    np.testing.assert_array_equal(prod(p, 2.0, s), p * 2.0 * s)
    np.testing.assert_array_equal(where(p > 1000, p, -p), [a if a > 1000 else -a for a in p])
    np.testing.assert_array_equal(median([p, 2 * p, 3 * p]), 2 * p)


def _float_dcf_inputs(case_id="anthropic-2026-06-dcf"):
    p = dcf_params(resolve_case(case_id).case.dcf)
    out = {}
    for k in (
        "revenue operating_margin revenue_growth_year1 revenue_growth_years_2_5 terminal_growth "
        "target_margin sales_to_capital effective_tax_rate marginal_tax_rate cost_of_capital_initial "
        "cost_of_capital_mature probability_of_failure distress_proceeds cash debt"
    ).split():
        out[k] = float(getattr(p, k))
    out["margin_convergence_year"] = float(p.margin_convergence_year)
    return out


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-0.3, 2.0),  # growth year 1
            st.floats(-0.4, 0.4),  # margin today
            st.integers(1, 10),  # convergence year
            st.floats(0.0, 3e11),  # losses carried forward
        ),
        min_size=1,
        max_size=8,
    )
)
def test_property_dcf_core_on_arrays_is_bit_identical_to_each_draw_alone(rows):
    base = _float_dcf_inputs()
    g1, m0, n, nol = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    arr = dcf_core(
        **{**base, "revenue_growth_year1": g1, "operating_margin": m0, "margin_convergence_year": n}, nol=nol
    ).equity_value
    for i, (a, b, c, d) in enumerate(rows):
        one = dcf_core(
            **{**base, "revenue_growth_year1": a, "operating_margin": b, "margin_convergence_year": float(c)}, nol=d
        ).equity_value
        assert arr[i] == one  # same IEEE operations, branch by branch


def test_black_scholes_and_dlom_on_arrays_match_the_scalar_functions():
    rng = np.random.default_rng(1)
    vol, t, r, s = (
        rng.uniform(0.2, 1.2, 40),
        rng.uniform(0.3, 5, 40),
        rng.uniform(0, 0.08, 40),
        rng.uniform(50, 150, 40),
    )
    bs = black_scholes(s, 100.0, r, vol, t)
    dl = dlom_finnerty(vol, t)
    for i in range(40):
        # math.erfc on a scalar, scipy.special.erfc on arrays: equal to ~1e-16
        assert bs[i] == pytest.approx(black_scholes(s[i], 100.0, r[i], vol[i], t[i]), rel=1e-14)
        assert dl[i] == pytest.approx(dlom_finnerty(vol[i], t[i]), rel=1e-14)
    # Hull's example (Options, Futures, and Other Derivatives): call 4.76, put 0.81
    assert round(black_scholes(42.0, 40.0, 0.10, 0.20, 0.5), 2) == 4.76
    assert round(black_scholes(42.0, 40.0, 0.10, 0.20, 0.5, "put"), 2) == 0.81


CAP = [
    OpmClass("Common", "common", 600.0),
    OpmClass("Series A", "preferred", 200.0, issue_price=1.0, seniority=2),
    OpmClass("Series B", "preferred", 100.0, issue_price=5.0, participating=True, participation_cap=3.0),
    OpmClass("Options", "option", 100.0, strike=2.0),
]


def test_waterfall_on_arrays_matches_the_scalar_allocation_and_backsolve():
    rng = np.random.default_rng(7)
    v, vol, t = rng.uniform(300, 5000, 30), rng.uniform(0.3, 1.0, 30), rng.uniform(0.5, 4, 30)
    w = Waterfall(CAP)
    mk = BsMarket(vol, t, 0.04)
    for name in ("Common", "Series A", "Series B", "Options"):
        got, _ = w.per_share(name, v, mk)
        want = [opm_allocate(CAP, v[i], vol[i], t[i], 0.04).per_share[name] for i in range(30)]
        np.testing.assert_allclose(got, want, rtol=1e-13)
    # Newton on arrays and Brent on one scenario solve the same equation: class B worth 6.0
    eq = backsolve_equity(w, "Series B", 6.0, mk, 6.0 * 1000)
    for i in range(30):
        brent = opm_backsolve(CAP, "Series B", 6.0, vol[i], t[i], 0.04).equity_value
        assert eq[i] == pytest.approx(brent, rel=1e-12)
    assert math.isfinite(eq.sum())

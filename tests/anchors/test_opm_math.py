"""Black-Scholes, OPM breakpoints / backsolve and DLOM: published values, oracles, properties."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from anchorval.anchors._opm_math import (
    OpmClass,
    black_scholes,
    dlom_chaffe,
    dlom_finnerty,
    opm_allocate,
    opm_backsolve,
    opm_breakpoints,
)
from anchorval.errors import ModelInputError


def _n(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _bs_closed_form(s, k, r, sigma, t):
    d1 = (math.log(s / k) + (r + sigma**2 / 2) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    call = s * _n(d1) - k * math.exp(-r * t) * _n(d2)
    put = k * math.exp(-r * t) * _n(-d2) - s * _n(-d1)
    return call, put


def test_black_scholes_hull_textbook_example():
    # Hull, "Options, Futures, and Other Derivatives" (8th ed., Pearson 2012), ch. 15 "The
    # Black-Scholes-Merton Model", worked example: S0 = 42, K = 40, r = 10%, sigma = 20%,
    # T = 0.5 gives d1 = 0.7693, d2 = 0.6278, c = 4.76 and p = 0.81.
    call = black_scholes(42, 40, 0.10, 0.20, 0.5, "call")
    put = black_scholes(42, 40, 0.10, 0.20, 0.5, "put")
    c_ref, p_ref = _bs_closed_form(42, 40, 0.10, 0.20, 0.5)
    assert call == pytest.approx(c_ref, abs=1e-4)
    assert put == pytest.approx(p_ref, abs=1e-4)
    assert round(call, 2) == 4.76  # the book's rounding
    assert round(put, 2) == 0.81


@given(
    s=st.floats(1, 1000),
    k=st.floats(1, 1000),
    r=st.floats(0, 0.2),
    sigma=st.floats(0.05, 2),
    t=st.floats(0.05, 10),
)
def test_put_call_parity(s, k, r, sigma, t):
    c = black_scholes(s, k, r, sigma, t, "call")
    p = black_scholes(s, k, r, sigma, t, "put")
    assert c - p == pytest.approx(s - k * math.exp(-r * t), abs=1e-9 * max(s, k))


def _finnerty_from_paper(sigma, t):
    # Finnerty (2012), The Journal of Derivatives 19(4): D = N(v sqrt(T)/2) - N(-v sqrt(T)/2),
    # v^2 T = sigma^2 T + ln[2 (e^{sigma^2 T} - sigma^2 T - 1)] - 2 ln[e^{sigma^2 T} - 1]
    x = sigma**2 * t
    v2t = x + math.log(2 * (math.exp(x) - x - 1)) - 2 * math.log(math.exp(x) - 1)
    vt = math.sqrt(v2t)
    return _n(vt / 2) - _n(-vt / 2)


@pytest.mark.parametrize("sigma,t", [(0.3, 1), (0.5, 1), (0.6, 2), (0.8, 3), (1.0, 4), (0.45, 0.5)])
def test_finnerty_dlom_matches_published_formula(sigma, t):
    assert dlom_finnerty(sigma, t) == pytest.approx(_finnerty_from_paper(sigma, t), abs=1e-10)


def test_finnerty_small_variance_limit_is_arithmetic_average_volatility():
    # as sigma^2 T -> 0, v^2 T -> sigma^2 T / 3 (variance of the arithmetic average)
    sigma, t = 0.01, 1.0
    vt = sigma * math.sqrt(t / 3)
    assert dlom_finnerty(sigma, t) == pytest.approx(_n(vt / 2) - _n(-vt / 2), rel=1e-4)


def test_dlom_rises_with_volatility_and_term_and_chaffe_is_the_atm_put():
    assert dlom_finnerty(0.4, 2) < dlom_finnerty(0.6, 2) < dlom_finnerty(0.6, 3)
    assert dlom_chaffe(0.6, 2, 0.04) == pytest.approx(
        _bs_closed_form(1, 1, 0.04, 0.6, 2)[1], abs=1e-12
    )


def test_single_common_class_value_per_share_is_equity_over_shares():
    cs = [OpmClass("Common", "common", 1_000_000.0)]
    a = opm_allocate(cs, 250_000_000.0, 0.7, 3.0, 0.04)
    assert a.per_share["Common"] == pytest.approx(250_000_000.0 / 1_000_000.0, rel=1e-12)


def _cap_table():
    return [
        OpmClass("Common", "common", 100.0),
        OpmClass("A", "preferred", 50.0, issue_price=1.0, seniority=2),
        OpmClass("B", "preferred", 50.0, issue_price=4.0, seniority=1),
        OpmClass(
            "P",
            "preferred",
            20.0,
            issue_price=2.0,
            participating=True,
            participation_cap=3.0,
            seniority=2,
        ),
        OpmClass("Opt", "option", 10.0, strike=2.0),
    ]


def test_breakpoints_of_a_hand_worked_cap_table():
    bps = opm_breakpoints(_cap_table())
    # B's $200 preference first; then A ($50) and P ($40) pari passu; then common + P share the
    # residual per share x: Opt exercises at x = 2 (strike), A converts at x = 1 ($50 / 50 sh),
    # P hits its 3x cap at x = (120 - 40) / 20 = 4 as B converts (x = 200 / 50 = 4), P converts
    # at x = 120 / 20 = 6.
    starts = [b.start for b in bps]
    assert starts[:3] == [0.0, 200.0, 290.0]
    # x from 0 to 1: common 100 + P 20 = 120 shares -> 290 + 120 = 410
    assert bps[3].start == pytest.approx(410.0)
    # x 1 -> 2 with A: 170 shares -> 580; x 2 -> 4 with Opt: 180 shares -> 940
    assert bps[4].start == pytest.approx(580.0)
    assert bps[5].start == pytest.approx(940.0)
    # x 4 -> 6: common 100 + A 50 + Opt 10 + B 50 (P capped) = 210 shares -> 1360
    assert bps[6].start == pytest.approx(1360.0)
    assert bps[-1].end == math.inf
    for b in bps:
        assert sum(b.shares.values()) == pytest.approx(1.0)


def test_class_values_sum_to_equity():
    a = opm_allocate(_cap_table(), 600.0, 0.6, 2.0, 0.04)
    assert sum(a.class_values.values()) == pytest.approx(600.0, rel=1e-12)
    assert a.per_share["B"] > a.per_share["Common"]


@settings(max_examples=40, deadline=None)
@given(
    equity=st.floats(50, 50_000),
    sigma=st.floats(0.2, 1.5),
    t=st.floats(0.25, 6),
    cls=st.sampled_from(["A", "B", "P", "Common"]),
)
def test_backsolve_of_price_returns_equity(equity, sigma, t, cls):
    cs = _cap_table()
    price = opm_allocate(cs, equity, sigma, t, 0.04).per_share[cls]
    # a class worth less than a billionth of the equity has no information to backsolve from
    assume(price * 50 > 1e-9 * equity)
    back = opm_backsolve(cs, cls, price, sigma, t, 0.04)
    assert back.equity_value == pytest.approx(equity, rel=1e-6)


def test_bad_opm_inputs_name_the_field():
    with pytest.raises(ModelInputError, match="round_class"):
        opm_backsolve(_cap_table(), "Z", 1.0, 0.5, 1, 0.04)
    with pytest.raises(ModelInputError, match="volatility"):
        opm_allocate(_cap_table(), 100.0, 0.0, 1, 0.04)
    with pytest.raises(ModelInputError, match="P.participation_cap"):
        OpmClass("P", "preferred", 1.0, issue_price=1.0, participating=True, participation_cap=0.5)
    with pytest.raises(ModelInputError, match="common class"):
        opm_breakpoints([OpmClass("A", "preferred", 1.0, issue_price=1.0)])

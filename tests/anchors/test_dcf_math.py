"""Young-company DCF and reverse DCF: perpetuity oracle, a published worked example, properties."""

from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from anchorval.anchors._dcf_math import DcfParams, dcf_value, solve_dcf
from anchorval.errors import ModelInputError, SolveError


def _params(**kw):
    base = dict(
        revenue=D(1000),
        operating_margin=D("0.2"),
        revenue_growth_year1=D(0),
        revenue_growth_years_2_5=D(0),
        terminal_growth=D(0),
        target_margin=D("0.2"),
        margin_convergence_year=1,
        sales_to_capital=D(2),
        effective_tax_rate=D("0.25"),
        marginal_tax_rate=D("0.25"),
        cost_of_capital_initial=D("0.09"),
        cost_of_capital_mature=D("0.09"),
    )
    base.update(kw)
    return DcfParams(**base)


def test_no_growth_no_reinvestment_constant_margin_is_the_perpetuity():
    p = _params(cash=D(50), debt=D(20), shares=D(10))
    r = dcf_value(p)
    perpetuity = p.revenue * p.target_margin * (1 - p.marginal_tax_rate) / p.cost_of_capital_mature
    assert r.operating_assets == pytest.approx(perpetuity, rel=D("1e-20"))
    assert r.equity_value == pytest.approx(perpetuity + 50 - 20, rel=D("1e-20"))
    assert r.value_per_share == pytest.approx((perpetuity + 30) / 10, rel=D("1e-20"))
    assert all(y.reinvestment == 0 for y in r.years)


def test_damodaran_spreadsheet_published_example_reproduced():
    # Published worked example: A. Damodaran's young/growth-firm spreadsheet fcffsimpleginzu.xlsx
    # (NYU Stern, pages.stern.nyu.edu/~adamodar; the version whose shipped example is Amazon on its
    # 2023 financials):
    # revenue $574,785M, EBIT $36,852M plus a $28,287M R&D capitalisation adjustment (year-1
    # margin 11.33%), growth 12% in years 1-5, target margin 14% by year 5, sales-to-capital 1.5,
    # risk-free rate 4.08% (= terminal growth), initial cost of capital 8.60%, mature cost of
    # capital = 4.08% + 4.11% mature ERP, tax 19% -> 25%, debt $161,574M, cash $86,780M,
    # non-operating assets $2,954M, 10,492M shares; the spreadsheet's value per share: $103.79.
    # Inputs and output as transcribed from the spreadsheet's "Input sheet" / "Valuation output"
    # in github.com/QueryPlanner/valuation-pro (tests reproducing the spreadsheet).
    p = DcfParams(
        revenue=D(574785),
        operating_margin=D(36852) / D(574785),
        operating_margin_year1=(D(36852) + D(28287)) / D(574785),
        revenue_growth_year1=D("0.12"),
        revenue_growth_years_2_5=D("0.12"),
        terminal_growth=D("0.0408"),
        target_margin=D("0.14"),
        margin_convergence_year=5,
        sales_to_capital=D("1.5"),
        effective_tax_rate=D("0.19"),
        marginal_tax_rate=D("0.25"),
        cost_of_capital_initial=D("0.086"),
        cost_of_capital_mature=D("0.0408") + D("0.0411"),
        debt=D(161574),
        cash=D(86780),
        non_operating_assets=D(2954),
        shares=D(10492),
    )
    r = dcf_value(p)
    assert r.value_per_share == pytest.approx(D("103.79"), rel=D("0.01"))
    assert r.value_per_share == pytest.approx(D("103.79"), abs=D("0.01"))  # in fact to the cent


def test_nol_shields_operating_income_from_tax():
    # year 1 EBIT = 1000 x 20% = 200 < NOL 300: no tax, NOL falls to 100; year 2: tax on 200 - 100
    p = _params(nol=D(300))
    r = dcf_value(p)
    y1, y2, y3 = r.years[1], r.years[2], r.years[3]
    ebit = p.revenue * p.operating_margin  # the same every year: no growth, constant margin
    assert p.effective_tax_rate == p.marginal_tax_rate  # so one rate applies in every year
    left = p.nol - ebit
    assert y1.ebit_after_tax == ebit and y1.nol == left
    assert y2.ebit_after_tax == ebit - (ebit - left) * p.effective_tax_rate and y2.nol == 0
    assert y3.ebit_after_tax == ebit * (1 - p.marginal_tax_rate)


def test_failure_probability_and_distress_proceeds():
    p = _params(probability_of_failure=D("0.2"), distress_proceeds=D("0.5"))
    full = dcf_value(_params())
    r = dcf_value(p)
    assert r.operating_assets == pytest.approx(
        full.pv_sum * D("0.8") + full.pv_sum * D("0.5") * D("0.2")
    )


def test_paths_follow_the_spreadsheet_rules():
    p = _params(
        revenue_growth_year1=D("0.8"),
        revenue_growth_years_2_5=D("0.5"),
        terminal_growth=D("0.03"),
        operating_margin=D("-0.4"),
        target_margin=D("0.3"),
        margin_convergence_year=6,
        effective_tax_rate=D("0.05"),
        marginal_tax_rate=D("0.25"),
        cost_of_capital_initial=D("0.14"),
        cost_of_capital_mature=D("0.09"),
    )
    ys = dcf_value(p).years
    assert [y.revenue_growth for y in ys[1:6]] == [D("0.8")] + [D("0.5")] * 4
    assert ys[8].revenue_growth == D("0.5") - 3 * (D("0.5") - D("0.03")) / 5
    assert ys[10].revenue_growth == D("0.03")
    assert ys[6].operating_margin == D("0.3")
    assert ys[3].operating_margin == pytest.approx(D("0.3") - D("0.7") / 6 * 3, abs=D("1e-25"))
    assert ys[10].tax_rate == D("0.25") and ys[5].tax_rate == D("0.05")
    assert ys[10].cost_of_capital == D("0.09") and ys[7].cost_of_capital == D("0.14") - 2 * D(
        "0.01"
    )
    # one-year lag: year t reinvests for revenue t -> t+1
    assert ys[3].reinvestment == (ys[4].revenue - ys[3].revenue) / p.sales_to_capital


@settings(max_examples=60, deadline=None)
@given(
    g1=st.decimals("0", "1.5", places=3),
    g=st.decimals("0", "0.6", places=3),
    margin=st.decimals("0.05", "0.6", places=3),
    s2c=st.decimals("1", "5", places=2),
    r=st.decimals("0.06", "0.2", places=3),
    bump=st.decimals("0.001", "0.05", places=3),
)
def test_value_falls_as_cost_of_capital_rises(g1, g, margin, s2c, r, bump):
    base = dict(
        revenue_growth_year1=g1,
        revenue_growth_years_2_5=g,
        terminal_growth=D("0.03"),
        operating_margin=margin,
        target_margin=margin,
        sales_to_capital=s2c,
        terminal_roic=D("0.15"),
    )
    lo = dcf_value(_params(cost_of_capital_initial=r + D("0.02"), cost_of_capital_mature=r, **base))
    assume(all(y.fcff > 0 for y in lo.years[1:]))
    hi = dcf_value(
        _params(
            cost_of_capital_initial=r + D("0.02") + bump, cost_of_capital_mature=r + bump, **base
        )
    )
    assert hi.equity_value < lo.equity_value


def _young():
    return _params(
        revenue=D(30),
        operating_margin=D("-0.3"),
        revenue_growth_year1=D("0.9"),
        revenue_growth_years_2_5=D("0.4"),
        terminal_growth=D("0.04"),
        target_margin=D("0.3"),
        margin_convergence_year=7,
        sales_to_capital=D(1),
        sales_to_capital_late=D(2),
        effective_tax_rate=D(0),
        cost_of_capital_initial=D("0.12"),
        cost_of_capital_mature=D("0.085"),
        probability_of_failure=D("0.1"),
        distress_proceeds=D("0.3"),
        cash=D(65),
    )


@pytest.mark.parametrize(
    "solve_for,field", [("growth", "revenue_growth_years_2_5"), ("margin", "target_margin")]
)
def test_reverse_dcf_round_trips(solve_for, field):
    # growth mode sets years 1-5 to one rate, so start from a case with g1 = g2-5
    p = _young().replace(revenue_growth_year1=D("0.4"))
    target = dcf_value(p).equity_value
    sol = solve_dcf(p, target, solve_for)
    assert float(sol.value) == pytest.approx(float(getattr(p, field)), abs=1e-9)
    assert sol.result.equity_value == pytest.approx(target, rel=D("1e-9"))


def test_reverse_dcf_for_a_market_value():
    p = _young()
    sol = solve_dcf(p, D(1700), "growth")
    assert sol.result.equity_value == pytest.approx(D(1700), rel=D("1e-9"))
    assert sol.value > p.revenue_growth_years_2_5
    with pytest.raises(SolveError, match="reverse DCF"):
        solve_dcf(p, D("1e12"), "margin")


def test_bad_inputs_name_the_field():
    with pytest.raises(
        ModelInputError, match="^target_margin: an operating margin cannot exceed 100%"
    ):
        _params(target_margin=D("1.2"))
    with pytest.raises(
        ModelInputError, match="^terminal_growth: .* must be below the mature cost of capital"
    ):
        _params(terminal_growth=D("0.09"))
    with pytest.raises(ModelInputError, match="^margin_convergence_year"):
        _params(margin_convergence_year=11)

"""Closed-form checks of every market-structure formula on small hand-made inputs.

Expectations are computed here from the inputs with the textbook formula, never typed in.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest
from market_cases import tiny_case

from anchorval.errors import ContradictoryInputError
from anchorval.market import (
    add_months,
    analyse_market,
    days_of_volume,
    decompose,
    float_after_unlocks,
    float_pct,
    float_value,
    growth_path,
    implied_total_shares,
    passive_demand,
    periods_between,
    periods_to_target_ps,
    ps_multiple,
    required_growth,
    revenue_path,
    sensitivity_points,
    shares_for_value,
)
from anchorval.money import Money

D = Decimal


def usd(x) -> Money:
    return Money(D(str(x)), "USD")


# -- float ---------------------------------------------------------------------------------
def test_implied_total_and_float_pct():
    shares, share = D(50), D("0.25")
    total = implied_total_shares(shares, share)
    assert total == shares / share
    assert float_pct(shares, total) == share
    assert float_value(shares, usd(3)) == usd(3) * shares


@pytest.mark.parametrize("bad", [D(0), D("-0.1"), D("1.5")])
def test_implied_total_rejects_bad_share(bad):
    with pytest.raises(ContradictoryInputError):
        implied_total_shares(D(10), bad)


def test_float_cannot_exceed_total():
    with pytest.raises(ContradictoryInputError, match="exceeds total shares"):
        float_pct(D(11), D(10))


def test_tiny_case_float(tiny):
    r = analyse_market(tiny)
    c = tiny
    total = c.capital.shares_outstanding.base
    unrestricted = c.market.free_float.unrestricted_shares.base
    price = c.capital.share_price.money()
    ff = r.free_float
    assert ff.total_shares == total
    # the stated count and unrestricted/pct agree: one basis, both cited
    assert len(ff.rows) == 1 and "also implied" in ff.rows[0].basis.label
    # case date 2026-06-30 is before the first expiry, so the float is the listing float
    assert ff.float_shares == unrestricted
    assert ff.float_pct == unrestricted / total
    assert ff.float_value["USD"] == price * unrestricted
    assert ff.market_cap["USD"] == price * total
    assert r.market_cap == price * total


def test_two_bases_when_figures_disagree():
    c = tiny_case(
        market__free_float={
            "unrestricted_shares": {"value": "100", "as_of": "2026-01-02", "source": "s"},
            "unrestricted_pct": {"value": "8%", "as_of": "2026-01-02", "source": "s"},
        }
    )
    r = analyse_market(c)
    totals = sorted(row.basis.total_shares for row in r.free_float.rows)
    assert totals == sorted([D(1000), D(100) / D("0.08")])
    assert any("different share totals" in w for w in r.free_float.warnings)


def test_total_from_float_alone_when_no_share_count():
    c = tiny_case(capital__shares_outstanding=None)
    r = analyse_market(c)
    assert r.free_float.total_shares == D(100) / D("0.10")
    assert r.free_float.rows[0].basis.primary


# -- lock-ups ------------------------------------------------------------------------------
def test_float_after_unlocks_closed_form():
    assert float_after_unlocks(D(10), [D(5), D(2)]) == D(10) + D(5) + D(2)
    with pytest.raises(ContradictoryInputError):
        float_after_unlocks(D(10), [D(-1)])


def test_tiny_lockup_calendar(tiny):
    r = analyse_market(tiny)
    cal = r.lockups
    total, unrestricted = D(1000), D(100)
    first_shares = D(200)
    e0, e1 = cal.rows
    assert cal.locked_at_listing == total - unrestricted
    assert e0.shares == first_shares and e0.size_known
    assert e0.pct_of_total == first_shares / total
    assert e0.pct_of_float == first_shares / unrestricted
    assert e0.value == tiny.capital.share_price.money() * first_shares
    assert e0.float_before == unrestricted and e0.float_after == unrestricted + first_shares
    # the second expiry has no size: its shares are unknown and later floats are lower bounds
    assert e1.shares is None and not e1.size_known and e1.float_after_is_lower_bound
    assert e1.float_after == e0.float_after
    assert cal.float_at(date(2026, 7, 1)) == (unrestricted + first_shares, False)
    assert cal.float_at(date(2026, 6, 30)) == (unrestricted, False)
    assert cal.float_at(date(2027, 2, 1))[1] is True
    steps = cal.timeline()
    assert [s[1] for s in steps] == [
        unrestricted,
        unrestricted + first_shares,
        unrestricted + first_shares,
    ]


def test_lockup_given_as_pct_only():
    c = tiny_case(
        market__lockups=[
            {
                "date": "2026-07-01",
                "pct_of_total": {"value": "5%", "as_of": "2026-06-30", "source": "s"},
                "source": "s",
            }
        ]
    )
    r = analyse_market(c)
    assert r.lockups.rows[0].shares == D("0.05") * D(1000)


# -- index demand ----------------------------------------------------------------------------
def test_passive_demand_closed_form():
    w, a = D("0.0053"), usd("1e9")
    assert passive_demand(w, a) == a * w
    assert shares_for_value(usd(100), usd(4)) == D(25)
    assert days_of_volume(D(30), D(10)) == D(3)
    with pytest.raises(ContradictoryInputError):
        passive_demand(D("1.5"), a)
    with pytest.raises(ContradictoryInputError):
        days_of_volume(D(1), D(0))


def test_sensitivity_points():
    pts = sensitivity_points(D(1000), D(3000), D(2000), n=5)
    assert pts == [D(1000) + D(500) * i for i in range(5)]
    assert sensitivity_points(D(5), D(5)) == [D(5)]


def test_tiny_index_demand(tiny):
    r = analyse_market(tiny)
    (x,) = r.index
    weight, price, adv = D("0.01"), D(10), D(10)
    float_on_effective = D(100)  # effective 2026-03-01 is before the first expiry
    assert x.float_shares == float_on_effective
    assert x.tracking_assets_assumed  # cites the `assumption` source
    for row in x.rows:
        demand = row.tracking_assets.amount * weight
        assert row.demand.amount == demand
        assert row.shares == demand / price
        assert row.pct_of_float == demand / price / float_on_effective
        assert row.days_of_adv == demand / price / adv
    assert x.base.tracking_assets.amount == D(2000)
    assert [row.tracking_assets.amount for row in x.rows] == [
        D(1000),
        D(1500),
        D(2000),
        D(2500),
        D(3000),
    ]


def test_tracking_assets_override(tiny):
    r = analyse_market(tiny, tracking_assets=[usd(100), usd(500)], average_daily_volume=usd(20))
    (x,) = r.index
    assert [row.tracking_assets.amount for row in x.rows] == [
        D(100),
        D(200),
        D(300),
        D(400),
        D(500),
    ]
    assert not x.tracking_assets_assumed
    # ADV given as money per day: shares per day = value / price
    assert x.adv_shares == (D(2), D(2), D(2))


# -- reflexivity -----------------------------------------------------------------------------
def test_growth_path_fade():
    g0, g1, fade = D("1.5"), D("0.7"), 2
    path = growth_path(g0, g1, fade, 5)
    assert path == tuple(g0 + (g1 - g0) * min(k - 1, fade) / fade for k in range(1, 6))
    assert growth_path(g0, None, 1, 3) == (g0, g0, g0)


def test_revenue_and_ps_path():
    base, rates = usd(100), [D(1), D("0.5")]
    revs = revenue_path(base, rates)
    assert revs == (base, base * 2, base * 2 * D("1.5"))
    assert ps_multiple(usd(1000), revs[2]) == D(1000) / D(300)


@pytest.mark.parametrize("g,start_ps,target", [(D(1), 100, 10), (D("0.5"), 1248, 100), (D("1.5"), 1248, 100)])
def test_periods_to_target_constant_growth(g, start_ps, target):
    mc, rev = usd(start_ps), usd(1)
    expected = math.ceil(math.log(start_ps / target) / math.log(1 + float(g)))
    # within the path and past it (the last rate is held, closed form)
    assert periods_to_target_ps(mc, rev, [g] * 50, D(target)) == expected
    assert periods_to_target_ps(mc, rev, [g], D(target)) == expected


def test_periods_to_target_edge_cases():
    assert periods_to_target_ps(usd(50), usd(1), [D(1)], D(100)) == 0
    assert periods_to_target_ps(usd(1000), usd(1), [D(0)], D(100)) is None
    assert periods_to_target_ps(usd(1000), usd(1), [D(1)], D(100), hold_last=False) is None


def test_required_growth_round_trip():
    mc, rev, target, n = usd(1248), usd(1), D(100), 3
    g = required_growth(mc, rev, target, n)
    assert abs(g - ((D(1248) / D(100)) ** (D(1) / D(3)) - 1)) < D("1e-25")
    # growing at g for n periods lands on the target
    end = revenue_path(rev, [g] * n)[-1]
    assert abs(ps_multiple(mc, end) - target) < D("1e-20")


def test_tiny_reflexivity(tiny):
    r = analyse_market(tiny)
    x = r.reflexivity
    mc, rev0, target = D(10) * D(1000), D(100), D(10)
    assert x.start_ps == mc / rev0
    doubling, fading = x.paths
    assert [p.ps for p in doubling.points] == [mc / (rev0 * 2**k) for k in range(6)]
    assert doubling.periods_to_target == math.ceil(math.log(float(mc / rev0 / target), 2))
    assert doubling.target_date == date(2025 + doubling.periods_to_target, 12, 31)
    # fading: 100%, 75%, 50%, 50%, ...
    g = growth_path(D(1), D("0.5"), 2, 6)
    assert [p.growth for p in fading.points[1:]] == list(g)
    assert fading.periods_to_target >= doubling.periods_to_target
    (t,) = x.targets
    assert t.ps_low == t.ps_high == mc / D(400)
    assert t.implied_growth_low == (D(400) / rev0) ** (D(1) / D(2)) - 1
    (req,) = x.required  # by the target's period end, 2 years after FY2025
    assert req.periods == 2 and req.growth == required_growth(usd(mc), usd(rev0), target, 2)


def test_period_arithmetic():
    assert add_months(date(2025, 12, 31), 3) == date(2026, 3, 31)
    assert add_months(date(2026, 3, 31), 3) == date(2026, 6, 30)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert periods_between(date(2025, 12, 31), date(2027, 12, 31), "year") == 2
    assert periods_between(date(2026, 3, 31), date(2027, 12, 31), "quarter") == 7
    assert periods_between(date(2026, 3, 31), date(2026, 6, 29), "quarter") == 0


# -- decomposition ---------------------------------------------------------------------------
def test_decompose_closed_form():
    mc, fund, s = usd(100), usd(40), D("0.25")
    d = decompose(mc, fund, s)
    assert d.premium == mc - fund
    assert d.premium_share == (mc - fund) / mc
    assert d.structural == (mc - fund) * s
    assert d.narrative == (mc - fund) * (1 - s)
    assert d.fundamental + d.structural + d.narrative == mc
    assert decompose(mc, fund).structural is None
    with pytest.raises(ContradictoryInputError):
        decompose(mc, fund, D("1.2"))


def test_tiny_decomposition_and_user_fundamental(tiny):
    r = analyse_market(tiny, fundamental=usd(7000), structural_share=D("0.6"))
    mc = D(10000)
    case_split, user_split = r.decomposition.splits
    assert case_split.fundamental.amount == mc * D("0.4")
    # the CLI/API structural share wins over the case's 25% for every split
    assert case_split.structural.amount == (mc - mc * D("0.4")) * D("0.6")
    assert user_split.premium.amount == mc - D(7000)
    assert user_split.premium_share == (mc - D(7000)) / mc


def test_quarterly_scenario_on_a_run_rate():
    from market_cases import fig, make

    from anchorval.domain import Case

    data = make()
    refl = data["market"]["reflexivity"]
    refl["run_rate"] = {"segment": "API", "run_rate": fig("200 USD", as_of="2026-03-31")}
    refl["scenarios"] = [{"name": "q", "period": "quarter", "base": "run_rate", "start": fig("50%"), "periods": 4}]
    x = analyse_market(Case.model_validate(data)).reflexivity
    (p,) = x.paths
    mc, rr = D(10000), D(200)
    assert [pt.date for pt in p.points] == [add_months(date(2026, 3, 31), 3 * k) for k in range(5)]
    for k, pt in enumerate(p.points):
        assert abs(pt.ps / (mc / (rr * D("1.5") ** k)) - 1) < D("1e-25")
    expected = math.ceil(math.log(float(mc / rr / 10)) / math.log(1.5))
    assert p.periods_to_target == expected
    quarterly = [q for q in x.required if q.period == "quarter"]
    n = periods_between(date(2026, 3, 31), date(2027, 12, 31), "quarter")
    assert quarterly[0].periods == n
    assert quarterly[0].growth == required_growth(usd(mc), usd(rr), D(10), n)
    assert x.run_rate["P/S on the API run rate alone"] == f"{mc / rr:,.0f}x"


def test_scenario_on_a_missing_base_names_it():
    from market_cases import fig, make

    from anchorval.domain import Case
    from anchorval.errors import MissingFigureError

    data = make()
    data["market"]["reflexivity"]["scenarios"] = [{"name": "q", "base": "run_rate", "start": fig("50%")}]
    with pytest.raises(MissingFigureError, match="market.reflexivity.run_rate"):
        analyse_market(Case.model_validate(data))

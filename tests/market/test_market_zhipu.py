"""Golden values on the bundled Zhipu case, computed here from the case's own inputs.

Sources: Tencent Technology (author Xiaojing), "Trillion-Dollar Metaverse, Why?", 2026-06-22
(shared/sources/002): 11.7379M unrestricted H-shares = ~2.67% of total at listing; 25.6816M shares
(~5.76%) unlock on 2026-07-08; Hang Seng TECH weight ~0.53% from 2026-06-08; price HK$2,380.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from anchorval.cases import load_case
from anchorval.money import FxTable, Money

D = Decimal
Z = load_case("zhipu-2026-06")
M = Z.market
PRICE = Z.capital.share_price.money()
UNRESTRICTED = M.free_float.unrestricted_shares.base
UNRESTRICTED_PCT = M.free_float.unrestricted_pct.base
IMPLIED_TOTAL = UNRESTRICTED / UNRESTRICTED_PCT


def test_case_keeps_foundation_figures():
    assert Z.capital.shares_outstanding.base == D("439.6217e6")
    assert PRICE == Money(D(2380), "HKD")
    assert Z.financials.revenue.display() == "724.33M CNY"


def test_total_shares_and_market_cap(zhipu_market):
    ff = zhipu_market.free_float
    # issue 3: total shares implied by 11.7379M at 2.67% ~ 439.6M (tolerance 0.05M)
    assert abs(IMPLIED_TOTAL - D("439.6e6")) < D("0.05e6")
    assert ff.float_pct == UNRESTRICTED / ff.total_shares
    assert abs(ff.float_pct - UNRESTRICTED_PCT) < D("1e-6")
    # market cap at HK$2,380 x that count ~ HK$1.046T (tolerance HK$0.5B)
    mcap = ff.market_cap["HKD"]
    assert mcap == PRICE * ff.total_shares
    assert abs(mcap.amount - PRICE.amount * IMPLIED_TOTAL) < D("0.5e9")
    assert abs(mcap.amount - D("1.046e12")) < D("0.5e9")
    # float value and the USD column at the ECB rate of the case date
    rate = FxTable().rate("HKD", "USD", Z.as_of).rate
    assert ff.float_value["HKD"] == PRICE * UNRESTRICTED
    assert ff.float_value["USD"].amount == PRICE.amount * UNRESTRICTED * rate
    # 'less than 4%' in circulation holds
    assert ff.stated_max_pct == D("0.04") and ff.float_pct < ff.stated_max_pct


def test_both_share_totals_are_shown(zhipu_market):
    lu = M.lockups[0]
    totals = {row.basis.label: row.basis.total_shares for row in zhipu_market.free_float.rows}
    assert len(totals) == 2
    assert lu.shares.base / lu.pct_of_total.base in totals.values()
    assert any(abs(t - IMPLIED_TOTAL) < D("1e3") for t in totals.values())


def test_lockup_calendar(zhipu_market):
    cal = zhipu_market.lockups
    july, january = cal.rows
    unlock = M.lockups[0].shares.base
    assert str(july.date) == "2026-07-08" and str(january.date) == "2027-01-08"
    assert july.shares == unlock
    assert july.pct_of_float == unlock / UNRESTRICTED  # about 2.19x today's float
    assert july.float_after == UNRESTRICTED + unlock
    assert july.value == PRICE * unlock
    assert july.stated_pct == D("0.0576")
    # 'a larger unlocking window is set for January 8, 2027': size unknown, at least the July one
    assert january.shares is None and not january.size_known
    assert january.shares_min == unlock
    assert january.float_after == UNRESTRICTED + 2 * unlock and january.float_after_is_lower_bound


def test_index_demand(zhipu_market):
    (x,) = zhipu_market.index
    inc = M.index_inclusions[0]
    weight = inc.weight.base
    assert weight == D("0.0053") and str(x.effective) == "2026-06-08" and x.announced == "2026-05"
    assert x.tracking_assets_assumed and x.adv_assumed  # not in the sources: labelled assumptions
    assert x.float_shares == UNRESTRICTED  # before the July expiry
    base = x.base
    assets = inc.tracking_assets.base
    assert base.tracking_assets.amount == assets
    assert base.demand.amount == weight * assets
    assert base.shares == weight * assets / PRICE.amount
    assert base.pct_of_float == weight * assets / PRICE.amount / UNRESTRICTED
    assert base.days_of_adv == base.shares / M.average_daily_volume.base
    lows = [r.tracking_assets.amount for r in x.rows]
    assert lows[0] == inc.tracking_assets.lo and lows[-1] == inc.tracking_assets.hi


def test_ps_path(zhipu_market):
    x = zhipu_market.reflexivity
    mcap = zhipu_market.market_cap
    rate = FxTable().rate("CNY", "HKD", Z.as_of).rate
    rev = Z.financials.revenue.base * rate
    start = mcap.amount / rev
    assert x.start_ps == start
    assert 1200 < start < 1300  # 'over 1,200 times'
    sustained, falling = x.paths
    # sustained 150%: P/S_k = start / 2.5^k; first k with P/S <= 100
    for k, p in enumerate(sustained.points):  # Decimal, 28 digits: equal to 1e-20 relative
        assert abs(p.ps / (mcap.amount / (rev * D("2.5") ** k)) - 1) < D("1e-20")
    assert sustained.periods_to_target == math.ceil(math.log(float(start / 100)) / math.log(2.5))
    # 150% then 70%: P/S_k = start / (2.5 x 1.7^(k-1))
    expected = next(k for k in range(1, 50) if start / (D("2.5") * D("1.7") ** (k - 1)) <= 100)
    assert falling.periods_to_target == expected
    assert falling.periods_to_target > sustained.periods_to_target


def test_fy2027_revenue_in_dollars_contradicts_the_stated_ps(zhipu_market):
    x = zhipu_market.reflexivity
    usd_row, cny_row = x.targets
    hkd_per_usd = FxTable().rate("USD", "HKD", Z.as_of).rate
    mcap = zhipu_market.market_cap.amount
    assert usd_row.revenue == Money(D("6e9"), "USD")  # stated in dollars, kept in dollars
    assert usd_row.ps_high == mcap / (D("6e9") * hkd_per_usd)
    assert usd_row.ps_high < 30 < 100  # far below 'just over 100 times'
    assert cny_row.is_alternative and 100 < cny_row.ps_low < cny_row.ps_high < 160
    assert any("not the 100x" in w for w in x.warnings)


def test_run_rate_inputs(zhipu_market):
    rr = zhipu_market.reflexivity.run_rate
    assert rr["price change QoQ"] == "83%"
    assert rr["revenue multiple QoQ"] == "4x"
    assert rr["implied volume multiple QoQ (revenue multiple / price multiple)"] == f"{D(4) / D('1.83'):.2f}x"


def test_fifty_fifty_is_one_scenario(zhipu_market):
    (s,) = zhipu_market.decomposition.splits
    assert s.fundamental == zhipu_market.market_cap * D("0.5")
    assert s.premium_share == D("0.5") and s.structural is None  # the article does not split it


@pytest.mark.parametrize("path", ["market.index_inclusions[0].tracking_assets", "market.average_daily_volume"])
def test_assumptions_cite_the_assumption_source(zhipu_market, path):
    f = {c.path: c for c in zhipu_market.figures}[path]
    assert f.source_id == "assumption" and f.assumption
    assert "ASSUMPTION" in f.note and "not in the sources" in f.note
    assert Z.sources["assumption"].publisher == "anchorval case author"


def test_every_figure_cites_a_declared_source(zhipu_market):
    for f in zhipu_market.figures:
        assert f.source_id in Z.sources and f.as_of is not None

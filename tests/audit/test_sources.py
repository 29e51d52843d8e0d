"""Verdicts on the three source articles, each justified by arithmetic written here from the
bundled cases' own figures (the expected values are recomputed, not typed in)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anchorval.cases import load_case
from anchorval.money import FxTable

from .conftest import MT, TENCENT, ZH, find


@pytest.fixture(scope="module")
def zhipu():
    return load_case("zhipu-2026-06")


@pytest.fixture(scope="module")
def anthropic():
    return load_case("anthropic-2026-06")


@pytest.fixture(scope="module")
def fx(zhipu):
    t = FxTable()
    on = zhipu.as_of
    return {
        "CNY/HKD": t.rate("CNY", "HKD", on).rate,
        "USD/HKD": t.rate("USD", "HKD", on).rate,
        "USD/CNY": t.rate("USD", "CNY", on).rate,
    }


def market_cap(z):
    """Zhipu's market cap = share price x shares outstanding (HKD)."""
    return z.capital.share_price.value * z.capital.shares_outstanding.value


def ps(z, fx):
    """Zhipu's P/S = market cap (HKD) / FY2025 revenue converted to HKD."""
    return market_cap(z) / (z.financials.revenue.value * fx["CNY/HKD"])


def row(article, claim):
    return next(r for r in article.rows() if r.claim is claim)


def test_machine_translation_revenue_is_ten_times_too_large(sources_audit, zhipu):
    arts, _ = sources_audit
    c = find(arts[MT.name], "7.2433 billion RMB")
    ratio = c.low / zhipu.financials.revenue.value  # 7.2433e9 / 724.33e6
    assert ratio == 10
    r = row(arts[MT.name], c)
    assert (r.verdict, r.check.slip) == ("inconsistent", "scale")
    # the gap is measured from the claim's lower tolerance edge (1%): 10 x 0.99 - 1
    assert float(r.check.gap) == pytest.approx(float(ratio * Decimal("0.99") - 1), rel=1e-9)
    # the same figure in the other versions agrees with the case
    for art, text in ((ZH, "724.33 million RMB"), (TENCENT, "0.724 billion yuan")):
        assert row(arts[art.name], find(arts[art.name], text)).verdict == "consistent"
    # and across versions, the MT figure is named a scale slip against the original
    across = [k for k in arts[MT.name].checks_of(c.id) if k.scope == "across"]
    assert across and all(k.slip == "scale" for k in across)


@pytest.mark.parametrize(("art", "text"), [(MT, "hundreds of times"), (ZH, "several hundred times"), (ZH, "数百倍")])
def test_hundreds_of_times_is_a_wording_slip(sources_audit, zhipu, fx, art, text):
    arts, _ = sources_audit
    p = ps(zhipu, fx)
    assert p > 1000  # 2380 x 439.6217M / (724.33M CNY in HKD): over a thousand, not 'hundreds'
    r = row(arts[art.name], find(arts[art.name], text))
    assert (r.verdict, r.check.slip) == ("inconsistent", "wording")
    assert r.check.expected_low == pytest.approx(p)


def test_over_1200_times_agrees(sources_audit, zhipu, fx):
    arts, _ = sources_audit
    assert ps(zhipu, fx) > 1200
    assert row(arts[TENCENT.name], find(arts[TENCENT.name], "1,200 times")).verdict == "consistent"


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("trillion-dollar", 0),
        ("trillion-dollar", 1),
        ("trillion-dollar", 2),
        ("a trillion dollars", 0),
        ("Trillion-Dollar", 0),
    ],
)
def test_trillion_dollar_market_cap_is_a_currency_slip(sources_audit, zhipu, fx, text, n):
    arts, _ = sources_audit
    cap = market_cap(zhipu)
    usd = Decimal(10) ** 12
    assert usd * fx["USD/HKD"] > 7 * cap  # a trillion US dollars is over 7x Zhipu's market cap
    assert abs(Decimal(10) ** 12 / cap - 1) < Decimal("0.05")  # a trillion HK dollars is it
    r = row(arts[TENCENT.name], find(arts[TENCENT.name], text, n))
    assert (r.verdict, r.check.slip) == ("inconsistent", "currency")


def test_2027_revenue_in_dollars_does_not_give_100x(sources_audit, zhipu, fx):
    # '$6 to $8 billion' full-year 2027 revenue 'reducing the P/S ... to just over 100 times':
    # in dollars the P/S would be ~17x-22x; in yuan ~113x-150x, which is 'just over 100'.
    arts, _ = sources_audit
    cap = market_cap(zhipu)
    in_usd = (cap / (8 * Decimal(10) ** 9 * fx["USD/HKD"]), cap / (6 * Decimal(10) ** 9 * fx["USD/HKD"]))
    in_cny = (cap / (8 * Decimal(10) ** 9 * fx["CNY/HKD"]), cap / (6 * Decimal(10) ** 9 * fx["CNY/HKD"]))
    assert in_usd[1] < 100 <= in_cny[0]
    r = row(arts[TENCENT.name], find(arts[TENCENT.name], "100 times"))
    assert (r.verdict, r.check.slip) == ("inconsistent", "currency")
    assert (r.check.expected_low, r.check.expected_high) == (pytest.approx(in_usd[0]), pytest.approx(in_usd[1]))


def test_arr_and_multiples_agree(sources_audit, anthropic):
    arts, _ = sources_audit
    am = anthropic.arr_multiple
    arr = (am.market_arr.low * am.share.value, am.market_arr.high * am.share.value)  # 140B x 59%, 200B x 59%
    assert arr == (Decimal("82.6e9"), Decimal("118e9"))
    a = arts[MT.name]
    assert row(a, find(a, "$82 billion to $118 billion")).verdict == "consistent"
    for k, text in zip(
        am.multiples.values,
        ("$820 billion to $1.18 trillion", "$1.23 trillion to $1.77 trillion", "$1.64 trillion to $2.36 trillion"),
        strict=True,
    ):
        lo, hi = arr[0] * k, arr[1] * k
        c = find(a, text)
        assert abs(c.low / lo - 1) < Decimal("0.01") and abs(c.high / hi - 1) < Decimal("0.01")
        assert row(a, c).verdict == "consistent"


def test_perp_and_last_round_agree(sources_audit, anthropic):
    arts, _ = sources_audit
    p = anthropic.perps[0]
    implied = p.price.value * p.reference_shares.value  # 1718 USDT x 1e9
    assert implied == Decimal("1.718e12")
    for art in (MT, ZH):
        c = find(arts[art.name], "$1.72 trillion")
        assert abs(c.low / implied - 1) < Decimal("0.01")
        assert row(arts[art.name], c).verdict == "consistent"
    post = anthropic.funding_rounds[0].post_money.value
    assert row(arts[TENCENT.name], find(arts[TENCENT.name], "$965 billion")).check.expected_low == post


def test_ten_trillion_for_tens_of_trillions(sources_audit, anthropic, zhipu, fx):
    # the peer multiple applied to Anthropic's run rate: Zhipu's P/S x $30B-$47B
    arts, _ = sources_audit
    p = ps(zhipu, fx)
    run = anthropic.financials.arr_run_rate
    product = (p * run.low, p * run.high)
    assert Decimal("1e13") < product[0] and product[1] < Decimal("1e14")  # tens of trillions
    a = arts[ZH.name]
    assert row(a, find(a, "tens of trillions of dollars")).verdict == "consistent"
    for text in ("ten trillion dollars", "十万亿美元", "十万亿"):
        r = row(a, find(a, text))
        assert (r.verdict, r.check.slip) == ("inconsistent", "wording")
    # '$10 trillion' (digits) follows from the printed 'several hundred times' x the run rate
    r = row(a, find(a, "$10 trillion"))
    assert (r.verdict, r.check.slip) == ("inconsistent", "wording")
    assert Decimal(200) * run.low <= Decimal("1e13") <= Decimal(999) * run.high


def test_stated_ratio_and_float(sources_audit, zhipu):
    arts, _ = sources_audit
    a = arts[TENCENT.name]
    # '1/218 of Alibaba Cloud's': 0.724 billion / 158.1 billion, both printed in the article
    assert abs(Decimal("0.724") / Decimal("158.1") * 218 - 1) < Decimal("0.005")
    assert row(a, find(a, "1/218")).verdict == "consistent"
    # 'less than 4% ... in circulation': the unrestricted H-shares are 2.67%
    assert zhipu.market.free_float.unrestricted_pct.value < Decimal("0.04")
    assert row(a, find(a, "4%")).verdict == "consistent"


def test_same_number_two_labels(sources_audit, zhipu):
    arts, _ = sources_audit
    # the case records the disagreement: 3.18B is the adjusted net loss (BlockBeats) and R&D (Tencent)
    assert zhipu.financials.adjusted_net_loss.value == zhipu.financials.rd_expense.value
    r = row(arts[TENCENT.name], find(arts[TENCENT.name], "3.18 billion"))
    labels = [k for k in r.checks if k.slip == "label"]
    assert labels and r.verdict == "inconsistent"


def test_verdict_counts(sources_audit):
    _, r = sources_audit
    n = {a.name.rsplit("/", 1)[-1]: a.counts() for a in r.articles}
    # every claim has a verdict; the inconsistent ones are the slips tested above
    for name, c in n.items():
        assert sum(c.values()) == len(next(a for a in r.articles if a.name.endswith(name)).claims)
    assert all(c["inconsistent"] >= 1 for c in n.values())

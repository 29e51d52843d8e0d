"""Each named class of slip, from short texts written for the test, with hand-written references
and rates (the pure checks take plain data)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anchorval.claims import (
    Reference,
    check_across,
    check_article,
    classify_slip,
    extract_claims,
    verdict_of,
)

D = Decimal
#: Rates for these tests (units of quote per base), round numbers so the arithmetic is visible.
RATES = {("USD", "HKD"): D("7.8"), ("USD", "CNY"): D("7.2"), ("CNY", "HKD"): D("7.8") / D("7.2")}


def ref(quantity, value, unit, high=None, **kw):
    return Reference(quantity, "Acme", D(value), D(high or value), unit, f"Acme {quantity}", "case", **kw)


def audit_one(text, refs):
    claims = extract_claims(text, {"Acme": []})
    checks = check_article(claims, text, refs, RATES)
    quantities = [c for c in claims if c.kind not in ("date", "label")]
    c = quantities[0]
    mine = [k for k in checks if k.claim == c.id]
    return c, verdict_of(mine), mine


def decisive(checks):
    return next(k for k in checks if k.verdict == "inconsistent")


@pytest.mark.parametrize(
    ("text", "value", "unit", "factor"),
    [
        ("Acme's revenue was 7.2 billion yuan.", "720e6", "CNY", 10),  # x10: a decimal shifted
        ("Acme's revenue was 720 billion yuan.", "720e6", "CNY", 1000),  # million vs billion
        ("Acme's revenue was 3.5万元.", "3.5e8", "CNY", D(1) / 10**4),  # 万 for 亿
        ("Acme's revenue was 72万元.", "72e8", "CNY", D(1) / 10**4),  # 万 for 亿
    ],
)
def test_scale_slip(text, value, unit, factor):
    c, v, ks = audit_one(text, [ref("revenue", value, unit)])
    assert c.low / D(value) == factor  # the printed value is the figure times a power of ten
    assert (v, decisive(ks).slip) == ("inconsistent", "scale")


def test_currency_slip():
    # Acme's market cap is HK$1.05T; '$1 trillion' read as USD is HK$7.8T, read as HKD it agrees
    c, v, ks = audit_one("Acme's market cap is a trillion dollars.", [ref("market_cap", "1.05e12", "HKD")])
    assert D(10) ** 12 * RATES[("USD", "HKD")] / D("1.05e12") > 7
    assert (v, decisive(ks).slip) == ("inconsistent", "currency")
    assert "HKD" in decisive(ks).reason


def test_currency_slip_in_a_revenue_behind_a_ps():
    # market cap HK$1.05T; '$6 billion' of revenue gives 1.05e12 / (6e9 x 7.8) = 22.4x, not
    # 'over 100 times'; 6 billion yuan gives 1.05e12 / (6e9 x 7.8/7.2) = 161.5x
    text = "If Acme's revenue reaches $6 billion, its P/S falls to over 100 times."
    refs = [Reference("market_cap", "Acme", D("1.05e12"), D("1.05e12"), "HKD", "Acme market cap", "computed")]
    claims = extract_claims(text, {"Acme": []})
    ks = [k for k in check_article(claims, text, refs, RATES) if k.claim == claims[-1].id]
    implied_usd = D("1.05e12") / (D("6e9") * RATES[("USD", "HKD")])
    implied_cny = D("1.05e12") / (D("6e9") * RATES[("CNY", "HKD")])
    assert implied_usd < 100 < implied_cny
    k = decisive(ks)
    assert k.slip == "currency" and k.expected_low == pytest.approx(implied_usd)


def test_period_slip():
    # a quarter's revenue printed where the figure is annual: 100M x 4 = 400M
    c, v, ks = audit_one("Acme's revenue was $100 million.", [ref("revenue", "400e6", "USD")])
    assert D("400e6") / c.low == 4
    assert (v, decisive(ks).slip) == ("inconsistent", "period")


def test_wording_slip_hundreds_of_times():
    # P/S = market cap / revenue = 1.3e12 / 1e9 = 1,300x: over a thousand, not 'hundreds'
    ps = D("1.3e12") / D("1e9")
    c, v, ks = audit_one("Acme trades at hundreds of times its P/S.", [ref("ps", ps, "x")])
    assert (c.low, c.high) == (200, 999) and ps > c.high
    assert (v, decisive(ks).slip) == ("inconsistent", "wording")


def test_wording_slip_ten_trillion_for_tens_of_trillions():
    # 1,300x x $30B-$47B = $39T-$61.1T: tens of trillions, not 'ten trillion'
    lo, hi = D(1300) * D("30e9"), D(1300) * D("47e9")
    c, v, ks = audit_one("Acme's valuation would be ten trillion dollars.", [ref("valuation", lo, "USD", hi)])
    assert c.high < lo
    assert (v, decisive(ks).slip) == ("inconsistent", "wording")
    c, v, _ = audit_one("Acme's valuation would be tens of trillions of dollars.", [ref("valuation", lo, "USD", hi)])
    assert v == "consistent"


def test_rounding_slip():
    # 104M printed for 100M: 4%, beyond the precision of '104' but within 5%
    c, v, ks = audit_one("Acme's revenue was $104 million.", [ref("revenue", "100e6", "USD")])
    assert (v, decisive(ks).slip) == ("inconsistent", "rounding")
    c, v, _ = audit_one("Acme's revenue was about $104 million.", [ref("revenue", "100e6", "USD")])
    assert v == "consistent"  # 'about' admits 10%


def test_label_slip_across_articles():
    a = extract_claims("Acme's 2025 adjusted net loss was 3.18 billion RMB.", {"Acme": []})
    b = extract_claims("Acme's 2025 R&D expenses were 3.18 billion.", {"Acme": []})
    out = check_across({"a": a, "b": b}, RATES)
    assert {(n, k.slip) for n, k in out} == {("a", "label"), ("b", "label")}


def test_within_article_two_statements_disagree():
    # 7.2433 billion RMB = 7.2433e9 / 7.2 = $1.006B, ten times 'about $100 million'
    text = "Acme's 2025 revenue is 7.2433 billion RMB. Acme's 2025 revenue of about $100 million."
    claims = extract_claims(text, {"Acme": []})
    ks = [k for k in check_article(claims, text, (), RATES) if k.scope == "article"]
    assert D("7.2433e9") / RATES[("USD", "CNY")] / D("100e6") == pytest.approx(D("10.06"), rel=D("0.001"))
    assert {k.slip for k in ks} == {"scale"} and len(ks) == 2


def test_across_versions_same_fact():
    mt = extract_claims("Acme's 2025 revenue is 7.2433 billion RMB.", {"Acme": []})
    zh = extract_claims("Acme's 2025 revenue was 724.33 million RMB.", {"Acme": []})
    out = check_across({"mt": mt, "zh": zh}, RATES)
    assert [(n, k.slip) for n, k in out] == [("mt", "scale"), ("zh", "scale")]


def test_growth_between_two_figures():
    # from $100M to $160M is +60%, not the printed +50%
    text = "Acme's revenue grew 50%, from $100 million to $160 million."
    claims = extract_claims(text, {"Acme": []})
    ks = [k for k in check_article(claims, text, (), RATES) if k.claim == claims[0].id]
    assert D("160e6") / D("100e6") - 1 == D("0.6")
    assert verdict_of(ks) == "inconsistent" and ks[0].expected_low == D("0.6")


def test_no_slip_named_when_none_explains():
    c = extract_claims("Acme's revenue was $250 million.", {"Acme": []})[0]
    assert classify_slip(c, (D("100e6"), D("100e6")), "USD", RATES)[0] is None


def test_price_times_shares():
    # market cap = price x shares: HK$2,380 x 439.6217M = HK$1.0463T; 'HK$1.05 trillion' agrees
    cap = D(2380) * D("439.6217e6")
    c, v, _ = audit_one(
        "Acme's market cap is HK$1.05 trillion.",
        [Reference("market_cap", "Acme", cap, cap, "HKD", "Acme price x shares", "computed")],
    )
    assert v == "consistent" and abs(c.low / cap - 1) < D("0.01")

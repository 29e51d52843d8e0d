"""Golden values of the four seed anchors on the bundled Anthropic case."""

from datetime import date
from decimal import Decimal

import pytest
from currency_converter import CurrencyConverter

import anchorval
from anchorval.anchors import AnchorContext, arr_multiple, last_round, peer_multiple, perp_implied
from anchorval.cases import resolve_case
from anchorval.domain import Case

REL = Decimal("0.001")  # 0.1%


def close(actual: Decimal, expected: Decimal, rel: Decimal = REL) -> bool:
    return abs(actual - expected) <= rel * abs(expected)


def test_perp_implied_golden(anthropic, anthropic_ctx):
    # BlockBeats, 2026-06-22: ANTHROPICUSDT ~1718 USDT x 1 billion reference shares ~ $1.72 trillion
    r = perp_implied(anthropic.case, anthropic_ctx)
    assert close(r.base.amount, Decimal("1.718e12"))
    assert r.low == r.base == r.high and r.base.currency == "USD"
    # ~$1M 24h volume is about 5.8e-7 of the implied value: warned, and the convention flagged
    assert close(r.metrics["volume_ratio"]["binance:ANTHROPICUSDT"], Decimal("1e6") / Decimal("1.718e12"))
    text = " ".join(r.warnings)
    assert "venue's convention" in text and "1 USDT = 1 USD" in text and "very little money" in text


def test_arr_grid_golden(anthropic, anthropic_ctx):
    # BlockBeats: at 10x/15x/20x, "$820B to $1.18T", "$1.23T to $1.77T", "$1.64T to $2.36T";
    # exact cells: 140B x 59% x {10,15,20} and 200B x 59% x {10,15,20}
    r = arr_multiple(anthropic.case, anthropic_ctx)
    cells = [c.value.amount for c in r.cells]
    expected = [Decimal(x) for x in ("826e9", "1.239e12", "1.652e12", "1.18e12", "1.77e12", "2.36e12")]
    assert len(cells) == 6
    for got, want in zip(cells, expected, strict=True):
        assert close(got, want)
    assert r.low.amount == min(cells) and r.high.amount == max(cells)
    # base: midpoint market ARR x share x median multiple
    assert r.base.amount == Decimal("170e9") * Decimal("0.59") * 15


def test_last_round_golden(anthropic, anthropic_ctx):
    # BlockBeats/Tencent: $65B raised at ~$965B post-money (May 2026)
    r = last_round(anthropic.case, anthropic_ctx)
    assert r.base.amount == Decimal("965e9")
    assert r.metrics["pre_money"].amount == Decimal("900e9")
    assert r.metrics["age_days"] == (date(2026, 6, 22) - date(2026, 5, 1)).days


def _ecb_cny_hkd(day: date) -> Decimal:
    cc = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    return Decimal(repr(cc.convert(1, "EUR", "HKD", date=day))) / Decimal(repr(cc.convert(1, "EUR", "CNY", date=day)))


def test_zhipu_ps_from_its_own_case(anthropic, anthropic_ctx):
    z = anthropic.peers["zhipu-2026-06"]
    cap = z.capital.share_price.value * z.capital.shares_outstanding.value  # HKD
    rev_hkd = z.financials.revenue.value * _ecb_cny_hkd(z.as_of)
    ps = cap / rev_hkd
    # sources: "several hundred times" / "over 1,200 times" P/S
    assert Decimal(1100) < ps < Decimal(1350)
    r = peer_multiple(anthropic.case, anthropic_ctx)
    assert close(r.metrics["multiple"], ps, Decimal("1e-9"))
    arr = anthropic.case.financials.arr_run_rate
    assert close(r.low.amount, ps * arr.low, Decimal("1e-9"))
    assert close(r.high.amount, ps * arr.high, Decimal("1e-9"))
    assert "emotional ceiling" in " ".join(r.warnings)


def test_alternative_revenue_shows_which_figure_holds(anthropic, anthropic_ctx):
    # The machine translation's 7.2433B RMB would give ~125x, not "several hundred times"
    r = peer_multiple(anthropic.case, anthropic_ctx)
    alt_steps = [s.value for s in r.steps if "alternative" in s.label]
    assert any(s.endswith("124.8x") for s in alt_steps)


def test_triangulation(anthropic):
    t = anchorval.value("anthropic-2026-06")
    bases = [a.base.amount for a in t.anchors]
    assert t.spread == max(bases) / min(bases)
    assert t.log_axis  # peer multiple at tens of trillions vs $826B: > 10x span
    kinds = {r.kind for r in t.references}
    assert kinds == {"last_round", "live_mark"}
    w = t.blended.weights
    assert sum(w.values()) == 1 and w["peer_multiple"] == 0
    expected_base = sum(t.anchor(k).base.amount * v for k, v in w.items())
    assert t.blended.base.amount == expected_base
    df = t.to_frame()
    assert list(df.index) == ["peer_multiple", "perp_implied", "arr_multiple", "last_round"]
    # BlockBeats, 2026-06-22: 1718 USDT x 1 billion reference shares at 1 USDT = 1 USD
    assert df.loc["perp_implied", "base"] == pytest.approx(1718 * 1e9)
    html = t._repr_html_()
    assert "<table" in html and "1.718T USD" in html


def test_weights_override_and_currency(anthropic):
    t = anchorval.value("anthropic-2026-06", weights={"perp_implied": 1})
    assert t.blended.base == t.anchor("perp_implied").base
    h = anchorval.value("anthropic-2026-06", currency="HKD")
    assert h.currency == "HKD"
    cc = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    rate = Decimal(repr(cc.convert(1, "EUR", "HKD", date=date(2026, 6, 22)))) / Decimal(
        repr(cc.convert(1, "EUR", "USD", date=date(2026, 6, 22)))
    )
    # BlockBeats, 2026-06-22: 1718 USDT x 1 billion reference shares, at the ECB USD/HKD of the day
    assert close(h.anchor("perp_implied").base.amount, Decimal("1718e9") * rate, Decimal("1e-12"))


def test_case_built_in_code():
    base = resolve_case("anthropic-2026-06")
    case = Case.model_validate(base.case.model_dump() | {"id": "my-case", "peer": None})
    t = anchorval.value(case)
    assert "peer_multiple" in t.skipped and len(t.anchors) == 3


def test_anchor_context_reports_fx_used(anthropic):
    ctx = AnchorContext.for_case(anthropic.case, anthropic.peers)
    r = peer_multiple(anthropic.case, ctx)
    pairs = {x.pair for x in r.fx_rates}
    assert "CNY/HKD" in pairs


def test_market_value_of_a_listed_case(zhipu):
    from anchorval.anchors import market_value

    z = zhipu.case
    r = market_value(z, AnchorContext.for_case(z, zhipu.peers))
    # Tencent: HK$2,380 x 11.7379M / 2.67% shares ~ HK$1.046T; the 5.76% unlock basis gives the high
    price, shares = z.capital.share_price.value, z.capital.shares_outstanding.value
    assert r.base.amount == price * shares and r.base.currency == "HKD"
    assert r.high.amount == price * z.capital.shares_outstanding.alternatives[0].value
    float_pct = z.market.free_float.unrestricted_shares.value / shares
    assert r.metrics["float_pct"] == float_pct and "Free float is only 2.67%" in r.warnings[0]


def test_market_value_needs_a_listed_company(anthropic, anthropic_ctx):
    from anchorval.anchors import market_value
    from anchorval.errors import MissingFigureError

    with pytest.raises(MissingFigureError, match="needed by market_value"):
        market_value(anthropic.case, anthropic_ctx)

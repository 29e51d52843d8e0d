"""The prediction-market anchor valued from a case file, beside the others and in the blend."""

from __future__ import annotations

from decimal import Decimal

import pytest

import anchorval
from anchorval.errors import CaseError

CASE = """\
id: ladder-test
as_of: 2026-06-22
company: {name: Anthropic, status: private}
sources:
  pm: {title: "Polymarket event page (test capture)", publisher: Polymarket, date: 2026-06-22}
  round: {title: "Series H announcement (test)", publisher: Anthropic, date: 2026-05-01}
funding_rounds:
  - name: Series H
    date: 2026-05-01
    post_money: {value: 965B USD, as_of: 2026-05-01, source: round}
prediction_markets:
  - event: anthropic-ipo-closing-market-cap
    question: Anthropic IPO closing market cap?
    resolves_by: 2026-12-31
    as_of: 2026-06-22
    source: pm
    brackets:
      - {label: "<$500B", high: 500B USD, probability: 0.04, best_bid: 0.03, best_ask: 0.05, liquidity: 8200}
      - {label: "$500B-$1T", low: 500B USD, high: 1T USD, probability: 0.10}
      - {label: "$1T-$1.5T", low: 1T USD, high: 1.5T USD, probability: 0.18}
      - {label: "$1.5T-$2T", low: 1.5T USD, high: 2T USD, probability: 0.12}
      - {label: ">$2T", low: 2T USD, probability: 0.06, best_bid: 0.02, best_ask: 0.15}
      - {label: "No IPO by Dec 31, 2026", no_ipo: true, probability: 0.52}
blend_weights: {prediction_market: 0.5, last_round: 0.5}
"""


@pytest.fixture()
def path(tmp_path):
    p = tmp_path / "ladder.yaml"
    p.write_text(CASE)
    return p


def test_anchor_beside_the_others_and_in_the_blend(path):
    t = anchorval.value(str(path))
    a = t.anchor("prediction_market")
    T = Decimal("1e12")
    # the hand-computed quantiles of tests/anchors/test_conventions_registry.py, in USD
    assert a.low.amount == Decimal("0.55e12")
    assert a.base.amount == T + T / 2 * Decimal("0.22") / Decimal("0.36")
    assert a.high.amount == 2 * T + T / 2 * Decimal("0.02") / Decimal("0.12")
    assert a.metrics["p_no_ipo"] == Decimal("0.52") / Decimal("1.02")
    assert {"prediction_market", "last_round"} <= {x.anchor for x in t.anchors}
    assert t.blended is not None
    assert t.blended.base.amount == (a.base.amount + Decimal("965e9")) / 2
    warns = " ".join(a.warnings)
    assert "thin book" in warns and "'>$2T'" in warns and "liquidity 8,200" in warns
    steps = " ".join(s.label + s.formula for s in a.steps)
    assert "ASSUMPTION" in steps and "P(no IPO by 2026-12-31)" in steps


def test_bad_bracket_is_a_case_error_naming_the_field(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(CASE.replace("probability: 0.10", "probability: 1.7"))
    with pytest.raises(CaseError, match=r"prediction_markets\[0\]\.brackets\[1\]\.probability"):
        anchorval.value(str(p))


def test_simulated_ladder_matches_its_quantiles(path):
    from anchorval.workflows.simulate import simulate

    n = 1_000_000
    r = simulate(str(path), draws=n, seed=7)
    o = r.outputs["prediction_market"]
    # by hand (probabilities given an IPO 0.08, 0.20, 0.36, 0.24, 0.12 over 0.5T-wide brackets):
    # P5 = 0.5T x 0.05/0.08 = 312.5B; P25 = 0.5T + 0.5T x 0.17/0.20 = 925B;
    # P95 = 2T + 0.5T x 0.07/0.12 = 2.2917T. Tolerance: 4 standard errors of a sample quantile,
    # sqrt(q(1-q)/n) / density, density = bracket probability / 0.5T.
    for q, want, p_bracket in ((0.05, 312.5e9, 0.08), (0.25, 925e9, 0.20), (0.95, 2e12 + 0.5e12 * 0.07 / 0.12, 0.12)):
        se = (q * (1 - q) / n) ** 0.5 / (p_bracket / 0.5e12)
        assert abs(o.quantiles[q] - want) < 4 * se, (q, o.quantiles[q], se)
    assert o.base == pytest.approx(float(anchorval.value(str(path)).anchor("prediction_market").base.amount))
    assert "prediction_market" in r.weights

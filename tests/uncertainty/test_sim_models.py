"""The vectorised models reproduce the deterministic anchors (the single source of truth)."""

from __future__ import annotations

import numpy as np
import pytest

from anchorval.anchors import ANCHORS
from anchorval.domain import SimulationSpec
from anchorval.errors import DistributionError
from anchorval.uncertainty import CaseModel, build_case_model, simulated
from anchorval.workflows.value import value_loaded


@pytest.fixture(scope="module")
def model(anthropic, model_of) -> CaseModel:
    return model_of(anthropic)


def test_every_anchor_at_base_equals_deterministic_base(anthropic, model):
    t = value_loaded(anthropic)
    assert set(model.outputs) == {a.anchor for a in t.anchors} | {"blended"}
    assert all(simulated(k) for k in set(model.outputs) - {"blended"})
    out = model.evaluate(model.base_inputs())
    for a in t.anchors:
        # float64 product of Decimal inputs: equal to ~1e-15 relative
        assert float(out[a.anchor]) == pytest.approx(float(a.base.amount), rel=1e-13, abs=0), a.anchor
    assert float(out["blended"]) == pytest.approx(float(t.blended.base.amount), rel=1e-13)


def test_vectorised_matches_deterministic_at_every_grid_cell(anthropic, model):
    # every cell of the deterministic ARR grid, evaluated as one vector
    t = value_loaded(anthropic)
    spec = anthropic.case.arr_multiple
    cells = [(float(a), float(m)) for a in spec.market_arr.points for m in spec.multiples.points]
    x = {
        "arr_multiple.market_arr": np.array([c[0] for c in cells]),
        "arr_multiple.multiples": np.array([c[1] for c in cells]),
    }
    got = model.evaluate(x)["arr_multiple"]
    want = [float(c.value.amount) for c in t.anchor("arr_multiple").cells]
    np.testing.assert_allclose(got, want, rtol=1e-13)


def test_five_uncertain_inputs_and_stated_defaults(model):
    assert len(model.uncertain) >= 5
    stated = {p for p, v in model.inputs.items() if v.stated}
    assert {"arr_multiple.market_arr", "arr_multiple.share", "perps[0].price"} <= stated
    for p in stated:
        assert model.inputs[p].note and model.inputs[p].source
    text = "\n".join(model.assumptions)
    assert "financials.arr_run_rate: no distribution stated; assumed uniform over low/high 30B-47B USD" in text
    assert "arr_multiple.multiples: no distribution stated; assumed discrete, equal probability" in text


def test_peer_multiple_is_price_x_shares_over_revenue(anthropic, model):
    # Zhipu P/S = HK$2380 x shares / (CNY revenue in HKD); doubling the price doubles the anchor
    base = model.evaluate(model.base_inputs())["peer_multiple"]
    p = model.inputs["peer.capital.share_price"].base
    doubled = model.evaluate({**model.base_inputs(), "peer.capital.share_price": 2 * p})["peer_multiple"]
    assert doubled == pytest.approx(2 * base, rel=1e-14)
    halved_rev = model.evaluate(
        {
            **model.base_inputs(),
            "peer.financials.revenue": model.inputs["peer.financials.revenue"].base / 2,
        }
    )["peer_multiple"]
    assert halved_rev == pytest.approx(2 * base, rel=1e-14)


def test_spec_overrides_and_unknown_path(anthropic, model_of):
    spec = SimulationSpec(
        distributions={"funding_rounds[0].post_money": {"kind": "uniform", "low": "900B USD", "high": "1T USD"}}
    )
    m = model_of(anthropic, spec)
    v = m.inputs["funding_rounds[0].post_money"]
    assert v.stated and v.unit == "USD"
    # the spec's distribution replaces the case's: uniform over exactly the bounds written above
    assert v.dist.kind == "uniform"
    np.testing.assert_array_equal(v.dist.ppf(np.array([0.0, 1.0])), [900e9, 1e12])
    with pytest.raises(DistributionError, match=r"arr_multiple\.marketarr: no such figure"):
        model_of(anthropic, SimulationSpec(distributions={"arr_multiple.marketarr": {"kind": "point"}}))


def test_non_psd_correlation_names_figures(anthropic, model_of):
    spec = SimulationSpec(
        distributions={"funding_rounds[0].post_money": {"kind": "uniform", "low": "900B USD", "high": "1T USD"}},
        correlation={
            "figures": ["arr_multiple.market_arr", "arr_multiple.share", "perps[0].price"],
            "matrix": [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]],
        },
    )
    with pytest.raises(DistributionError) as exc:
        model_of(anthropic, spec)
    msg = str(exc.value)
    assert "arr_multiple.market_arr, arr_multiple.share, perps[0].price" in msg
    assert "not positive semi-definite" in msg


def test_asymmetric_correlation_is_a_case_error():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="not symmetric: a ~ b is 0.5 but b ~ a is 0.2"):
        SimulationSpec(correlation={"figures": ["a", "b"], "matrix": [[1, 0.5], [0.2, 1]]})


def test_property_arr_model_equals_decimal_formula(anthropic, model):
    from decimal import Decimal

    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(
        arr=st.integers(140, 200).map(lambda b: b * 10**9),
        share=st.integers(500, 650).map(lambda m: Decimal(m) / 1000),
        mult=st.sampled_from([10, 15, 20]),
    )
    def check(arr, share, mult):
        got = model.evaluate(
            {
                **model.base_inputs(),
                "arr_multiple.market_arr": float(arr),
                "arr_multiple.share": float(share),
                "arr_multiple.multiples": float(mult),
            }
        )
        assert got["arr_multiple"] == pytest.approx(float(Decimal(arr) * share * mult), rel=1e-14)

    check()


def test_several_perp_venues_median_matches_deterministic(tmp_path, model_of):
    from importlib import resources

    from anchorval.cases import resolve_case

    text = resources.files("anchorval.cases").joinpath("anthropic-2026-06.yaml").read_text("utf-8")
    extra = """  - venue: othervenue
    symbol: ANTHROPIC-PERP
    price:
      value: 1800 USDT
      as_of: 2026-06-22
      source: blockbeats-zh
    reference_shares:
      value: 1e9
      as_of: 2026-06-22
      source: blockbeats-zh
  - venue: thirdvenue
    symbol: ANTH
    price:
      value: 1650 USDT
      as_of: 2026-06-22
      source: blockbeats-zh
    reference_shares:
      value: 1e9
      as_of: 2026-06-22
      source: blockbeats-zh

arr_multiple:
"""
    text = text.replace("\narr_multiple:\n", "\n" + extra, 1)
    p = tmp_path / "three-venues.yaml"
    p.write_text(text, encoding="utf-8")
    loaded = resolve_case(p)
    m = model_of(loaded)
    det = value_loaded(loaded).anchor("perp_implied")
    assert m.evaluate(m.base_inputs())["perp_implied"] == pytest.approx(float(det.base.amount), rel=1e-15)
    # per draw: the median of the three venue-implied values
    x = {**m.base_inputs(), "perps[0].price": np.array([1000.0, 1700.0, 2000.0])}
    np.testing.assert_allclose(m.evaluate(x)["perp_implied"], [1650e9, 1700e9, 1800e9], rtol=1e-15)


def test_bad_distribution_on_unused_figure_is_still_an_error(anthropic, model_of):
    spec = SimulationSpec(distributions={"perps[0].volume_24h": {"kind": "uniform", "low": 5, "high": 1}})
    with pytest.raises(DistributionError, match=r"perps\[0\]\.volume_24h: low 5 is above high 1"):
        model_of(anthropic, spec)


def test_default_simulation_leaves_out_anchors_without_a_model_and_says_so(monkeypatch, model_of):
    import dataclasses

    from anchorval.cases import resolve_case
    from anchorval.workflows.simulate import build_model

    loaded = resolve_case("anthropic-2026-06-dcf")
    # every anchor of the DCF case has a vectorised model now: nothing is left out
    full = build_model(loaded)
    assert {"dcf", "opm_last_round", "opm_perp", "arr_multiple"} <= set(full.outputs)
    assert not any("not simulated (no vectorised model" in a for a in full.assumptions)
    # an anchor without a model (simulated here by taking dcf's model off) is left out and named
    monkeypatch.setitem(ANCHORS, "dcf", dataclasses.replace(ANCHORS["dcf"], model=None))
    m = build_model(loaded)
    assert "dcf" not in m.outputs and "arr_multiple" in m.outputs
    assert any(a.startswith("dcf: not simulated") for a in m.assumptions)
    # handed a valuation that holds it, the model builder names it (no valuing of its own)
    with pytest.raises(DistributionError, match="dcf: no vectorised model"):
        build_case_model(loaded, value_loaded(loaded))

    # asking for an anchor that has no model at all is an error naming it
    def toy(case, ctx):
        return dataclasses.replace(ANCHORS["last_round"](case, ctx), anchor="toy")

    monkeypatch.setitem(ANCHORS, "toy", toy)
    with pytest.raises(DistributionError, match="toy: no vectorised model"):
        build_model(loaded, anchors=["toy"])
    # a case none of whose anchors has a model: an error naming them, not an empty simulation
    for k in list(ANCHORS):
        if k != "toy":
            monkeypatch.setitem(ANCHORS, k, dataclasses.replace(ANCHORS[k], model=None))
    with pytest.raises(
        DistributionError,
        match=r"anthropic-2026-06-dcf: perp_implied, .*dcf, .*opm_perp.*: no anchor of this case "
        "has a vectorised model yet",
    ):
        build_model(loaded)


@pytest.mark.parametrize(
    ("case_id", "currency"),
    [("zhipu-2026-06", None), ("zhipu-2026-06", "USD"), ("anthropic-2026-06", "HKD"), ("anthropic-2026-06-dcf", "HKD")],
)
def test_base_equals_deterministic_in_any_report_currency(case_id, currency, model_of):
    # every anchor converts at the case's as-of date, in the deterministic view and in the simulation
    from anchorval.cases import resolve_case

    loaded = resolve_case(case_id)
    t = value_loaded(loaded, currency=currency)
    m = model_of(loaded, currency=currency)
    out = m.evaluate(m.base_inputs())
    assert set(m.outputs) - {"blended"} == {a.anchor for a in t.anchors}
    for a in t.anchors:
        assert float(out[a.anchor]) == pytest.approx(float(a.base.amount), rel=1e-9), a.anchor

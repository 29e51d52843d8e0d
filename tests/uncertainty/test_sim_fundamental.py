"""Vectorised DCF, OPM backsolve and DLOM models against the deterministic anchors."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchorval.anchors._dcf_math import dcf_value
from anchorval.anchors._opm_math import dlom_finnerty, opm_allocate, opm_backsolve
from anchorval.anchors.dcf import dcf_params
from anchorval.anchors.opm_backsolve import opm_classes
from anchorval.cases import resolve_case
from anchorval.domain import SimulationSpec
from anchorval.errors import DistributionError
from anchorval.uncertainty import run_simulation
from anchorval.uncertainty._engine import BLOCK
from anchorval.workflows.value import value_loaded

FUNDAMENTAL = ("dcf", "opm_last_round", "opm_perp")


@pytest.fixture(scope="module")
def loaded():
    return resolve_case("anthropic-2026-06-dcf")


@pytest.fixture(scope="module")
def model(loaded, model_of):
    return model_of(loaded)


def _variant(tmp_path, name: str, extra: str, replace: tuple[str, str] | None = None):
    """The DCF example case with extra DCF lines (exercising other branches of the model)."""
    text = resources.files("anchorval.cases").joinpath("anthropic-2026-06-dcf.yaml").read_text("utf-8")
    text = text.replace("\ndcf:\n", "\ndcf:\n" + extra, 1)
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    p = tmp_path / f"{name}.yaml"
    p.write_text(text.replace("id: anthropic-2026-06-dcf", f"id: {name}"), encoding="utf-8")
    return resolve_case(p)


A = "as_of: 2026-06-22, source: assumption, note: test"
VARIANTS = {
    # net operating losses shield early profit (the np.where tax branch)
    "nol": f"  nol: {{value: 150B USD, {A}}}\n",
    # no reinvestment lag, explicit terminal ROIC, a year-1 margin, proceeds as an amount
    "lag0": (
        "  reinvestment_lag: 0\n"
        f"  terminal_roic: {{value: 20%, {A}}}\n"
        f"  operating_margin_year1: {{value: -10%, {A}}}\n"
        f"  minority_interests: {{value: 2B USD, {A}}}\n"
        f"  non_operating_assets: {{value: 3B USD, {A}}}\n"
    ),
}


def test_every_anchor_of_the_dcf_case_at_base_equals_the_deterministic_anchor(loaded, model):
    t = value_loaded(loaded)
    assert set(model.outputs) == {a.anchor for a in t.anchors}  # none left out
    out = model.evaluate(model.base_inputs())
    for key in model.outputs:
        want = float(t.anchor(key).base.amount)
        # dcf: float64 against the anchor's 34-digit Decimal; the ten compounding years and the
        # sum of negative early and positive late present values lose a few ulps (seen: 1e-16).
        # OPM: both float64; Newton here, Brent there, both to ~1e-15 in the equity value.
        assert float(out[key]) == pytest.approx(want, rel=1e-13, abs=0), key
        assert model.bases[key] == float(t.anchor(key).base.amount)


def test_arr_multiple_carries_the_gross_margin_adjustment(loaded, model, model_of):
    # factor = (1 - cost / price) / software gross margin, as the deterministic anchor
    ue = loaded.case.unit_economics
    price, cost = float(ue.api_price_per_mtok.base), float(ue.inference_cost_per_mtok.base)
    base = model.evaluate(model.base_inputs())["arr_multiple"]
    costs = np.array([0.5, 1.0, 4.0, 5.5])
    got = model.evaluate({**model.base_inputs(), "unit_economics.inference_cost_per_mtok": costs})["arr_multiple"]
    np.testing.assert_allclose(got, base * (1 - costs / price) / (1 - cost / price), rtol=1e-14)
    spec = SimulationSpec(
        distributions={
            "unit_economics.inference_cost_per_mtok": {
                "kind": "uniform",
                "low": "2 USD",
                "high": "7 USD",
            }
        }
    )
    with pytest.raises(DistributionError, match=r"inference_cost_per_mtok: .* can reach 7"):
        model_of(loaded, spec)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_dcf_branches_at_base_equal_the_deterministic_anchor(tmp_path, variant, model_of):
    lc = _variant(tmp_path, variant, VARIANTS[variant])
    m = model_of(lc, anchors=["dcf"])
    want = float(value_loaded(lc, ["dcf"]).anchor("dcf").base.amount)
    assert float(m.evaluate(m.base_inputs())["dcf"]) == pytest.approx(want, rel=1e-13, abs=0)


def _dcf_oracle(spec, **changes) -> float:
    """The deterministic Decimal DCF with some inputs replaced (floats -> exact Decimals)."""
    p = dcf_params(spec).replace(
        **{k: Decimal(repr(v)) if k != "margin_convergence_year" else v for k, v in changes.items()}
    )
    return float(dcf_value(p).equity_value)


# figure path -> DcfParams field
DCF_FIELDS = {
    "dcf.revenue_growth_year1": "revenue_growth_year1",
    "dcf.revenue_growth_years_2_5": "revenue_growth_years_2_5",
    "dcf.target_operating_margin": "target_margin",
    "dcf.cost_of_capital_initial": "cost_of_capital_initial",
    "dcf.sales_to_capital": "sales_to_capital",
    "dcf.probability_of_failure": "probability_of_failure",
    "dcf.operating_margin": "operating_margin",
    "dcf.margin_convergence_year": "margin_convergence_year",
}


@pytest.mark.parametrize("variant", ["case", *sorted(VARIANTS)])
def test_property_vectorised_dcf_equals_decimal_dcf_per_draw(tmp_path, loaded, variant, model_of):
    lc = loaded if variant == "case" else _variant(tmp_path, variant, VARIANTS[variant])
    m = model_of(lc, anchors=["dcf"])
    spec = lc.case.dcf

    draw = st.fixed_dictionaries(
        {
            "dcf.revenue_growth_year1": st.floats(-0.5, 3.0),
            "dcf.revenue_growth_years_2_5": st.floats(-0.2, 1.0),
            "dcf.target_operating_margin": st.floats(-0.3, 0.6),
            "dcf.cost_of_capital_initial": st.floats(0.09, 0.25),
            "dcf.sales_to_capital": st.floats(0.3, 5.0),
            "dcf.probability_of_failure": st.floats(0.0, 0.6),
            "dcf.operating_margin": st.floats(-0.6, 0.4),
            "dcf.margin_convergence_year": st.integers(1, 10).map(float),
        }
    )

    @settings(max_examples=25, deadline=None)
    @given(st.lists(draw, min_size=1, max_size=6))
    def check(rows):
        x = {p: np.array([r[p] for r in rows]) for p in rows[0]}
        got = m.evaluate({**m.base_inputs(), **x})["dcf"]
        for i, r in enumerate(rows):
            want = _dcf_oracle(
                spec,
                **{DCF_FIELDS[p]: (int(v) if p.endswith("year") else v) for p, v in r.items()},
            )
            # float64 vs Decimal: within 1e-11 of the value or $1,000 on values of ~1e11-1e12
            assert got[i] == pytest.approx(want, rel=1e-11, abs=1e3)

    check()


def test_property_dcf_value_falls_as_cost_of_capital_rises_per_draw(model):
    # for this case the terminal value is most of the DCF value, so a higher discount rate
    # lowers every draw's value (with large negative early FCFF it need not: not a theorem)
    @settings(max_examples=30, deadline=None)
    @given(
        seed=st.integers(0, 2**32 - 1),
        path=st.sampled_from(["dcf.cost_of_capital_initial", "dcf.cost_of_capital_mature"]),
        bump=st.floats(0.0005, 0.03),
    )
    def check(seed, path, bump):
        x = model.sample(np.random.default_rng(seed), 2000)
        y = {**x, path: np.asarray(x[path]) + bump}
        assert np.all(model.evaluate(y)["dcf"] < model.evaluate(x)["dcf"])

    check()


def test_property_dcf_rises_with_target_margin_and_falls_with_failure_per_draw(model):
    x = model.sample(np.random.default_rng(11), 5000)
    base = model.evaluate(x)["dcf"]
    up = model.evaluate({**x, "dcf.target_operating_margin": x["dcf.target_operating_margin"] + 0.01})
    assert np.all(up["dcf"] > base)
    fail = model.evaluate({**x, "dcf.probability_of_failure": 0.2})["dcf"]
    # value = PV x (1 - p) + 30% x PV x p: linear in p with slope -(1 - 30%) x PV
    pv = (base - 65e9) / (1 - 0.1 * 0.7)
    np.testing.assert_allclose(fail, pv * (1 - 0.2 * 0.7) + 65e9, rtol=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_opm_last_round_equals_deterministic_backsolve_per_draw(loaded, model, seed):
    rng = np.random.default_rng(seed)
    n = 40
    x = {
        **model.base_inputs(),
        "funding_rounds[0].post_money": rng.uniform(3e11, 3e12, n),
        "opm.volatility": rng.uniform(0.2, 1.5, n),
        "opm.time_to_liquidity": rng.uniform(0.25, 6.0, n),
        "opm.risk_free_rate": rng.uniform(0.0, 0.08, n),
        "perps[0].price": rng.uniform(200, 5000, n),
    }
    out = model.evaluate(x)
    classes = opm_classes(loaded.case.cap_table)
    n_fd = sum(c.as_converted for c in classes)
    for i in range(n):
        vol, t, r = (x[k][i] for k in ("opm.volatility", "opm.time_to_liquidity", "opm.risk_free_rate"))
        keep = 1 - dlom_finnerty(vol, t)
        bs = opm_backsolve(classes, "Series H", x["funding_rounds[0].post_money"][i] / n_fd, vol, t, r)
        want = bs.per_share("Common") * keep * n_fd
        assert out["opm_last_round"][i] == pytest.approx(want, rel=1e-11), i
        alloc = opm_allocate(classes, x["perps[0].price"][i] * 1e9, vol, t, r)
        assert out["opm_perp"][i] == pytest.approx(alloc.per_share["Common"] * keep * n_fd, rel=1e-12)


def test_same_seed_same_numbers_whatever_chunks_and_threads(loaded, model_of):
    spec = SimulationSpec(
        distributions={
            "opm.volatility": {"kind": "uniform", "low": "40%", "high": "80%"},
            "dcf.sales_to_capital": {"kind": "triangular", "low": "0.7x", "high": "1.5x"},
        }
    )
    m = model_of(loaded, spec)
    assert {"opm.volatility", "dcf.sales_to_capital"} <= set(m.uncertain)
    draws = 3 * BLOCK + 17
    ref = run_simulation(m, draws, seed=7, chunk_size=1 << 20, threads=1).to_dict()
    for chunk, threads in [(BLOCK, 2), (2 * BLOCK + 5, 1)]:
        got = run_simulation(m, draws, seed=7, chunk_size=chunk, threads=threads).to_dict()
        for k in FUNDAMENTAL:
            assert got["outputs"][k] == ref["outputs"][k], (k, chunk, threads)


def test_dcf_simulation_brackets_the_base(model):
    r = run_simulation(model, 200_000, seed=3)
    o = r.outputs["dcf"]
    # the deterministic pessimistic / optimistic corners bound every draw of the same ranges
    t = value_loaded(resolve_case("anthropic-2026-06-dcf"), ["dcf"]).anchor("dcf")
    assert float(t.low.amount) <= o.min < o.q(0.5) < o.max <= float(t.high.amount)
    assert o.q(0.05) < model.bases["dcf"] < o.q(0.95)


def test_terminal_growth_reaching_the_cost_of_capital_is_an_error(loaded, model_of):
    spec = SimulationSpec(distributions={"dcf.terminal_growth": {"kind": "uniform", "low": "3%", "high": "9%"}})
    with pytest.raises(DistributionError, match=r"dcf\.terminal_growth: can reach 0\.09"):
        model_of(loaded, spec)
    spec = SimulationSpec(distributions={"opm.volatility": {"kind": "normal", "sd": "20%"}})
    with pytest.raises(DistributionError, match=r"opm\.volatility: .* a positive volatility"):
        model_of(loaded, spec)


def test_cap_table_distribution_is_named_as_not_simulated(loaded, model_of):
    spec = SimulationSpec(
        distributions={"cap_table.classes[3].strike": {"kind": "uniform", "low": "40 USD", "high": "60 USD"}}
    )
    m = model_of(loaded, spec)
    assert "cap_table.classes[3].strike" not in m.inputs
    assert any(a.startswith("cap_table.classes[3].strike: distribution not simulated") for a in m.assumptions)


def test_opm_round_price_dlom_volatility_and_several_venues_equal_the_anchors(tmp_path, model_of):
    venues = "".join(
        f"""  - venue: venue{i}
    symbol: ANTH{i}
    price: {{value: {p} USDT, {A}}}
    reference_shares: {{value: 1e9, {A}}}
"""
        for i, p in enumerate((1500, 2100))
    )
    _variant(  # writes opm-variant.yaml with a round price and a DLOM volatility
        tmp_path,
        "opm-variant",
        "",
        (
            "  round_class: Series H\n",
            f"  round_class: Series H\n  round_price: {{value: 900 USD, {A}}}\n"
            f"  dlom_volatility: {{value: 45%, {A}}}\n",
        ),
    )
    text = (tmp_path / "opm-variant.yaml").read_text("utf-8")
    text = text.replace("\narr_multiple:\n", "\n" + venues + "\narr_multiple:\n", 1)
    (tmp_path / "opm-variant.yaml").write_text(text, encoding="utf-8")
    lc = resolve_case(tmp_path / "opm-variant.yaml")
    assert len(lc.case.perps) == 3
    m = model_of(lc, anchors=["opm_last_round", "opm_perp"])
    assert {"opm.round_price", "opm.dlom_volatility", "perps[2].price"} <= set(m.inputs)
    t = value_loaded(lc, ["opm_last_round", "opm_perp"])
    out = m.evaluate(m.base_inputs())
    for key in ("opm_last_round", "opm_perp"):
        assert float(out[key]) == pytest.approx(float(t.anchor(key).base.amount), rel=1e-13)
    # per draw, opm_perp is the median of the three venues' common-stock values
    prices = np.array([1000.0, 1718.0, 3000.0])
    got = m.evaluate({**m.base_inputs(), "perps[0].price": prices})["opm_perp"]
    one = [float(m.evaluate({**m.base_inputs(), "perps[0].price": p})["opm_perp"]) for p in prices]
    # venue prices 1500 and 2100: the median is the middle of (price0, 1500, 2100)
    alone = {
        p: float(m.evaluate({**m.base_inputs(), **{f"perps[{i}].price": p for i in range(3)}})["opm_perp"])
        for p in (1500.0, 1718.0, 2100.0)
    }
    np.testing.assert_allclose(got, [alone[1500.0], alone[1718.0], alone[2100.0]], rtol=1e-14)
    assert one[1] == pytest.approx(alone[1718.0], rel=1e-14)


def test_slicing_inside_the_models_does_not_change_a_bit(loaded, monkeypatch, model_of):
    from anchorval.uncertainty import _models

    spec = SimulationSpec(distributions={"opm.volatility": {"kind": "uniform", "low": "40%", "high": "80%"}})
    m = model_of(loaded, spec)
    x = m.sample(np.random.default_rng(5), 5000)
    monkeypatch.setattr(_models, "SLICE", 1 << 20)
    whole = m.evaluate(x)
    monkeypatch.setattr(_models, "SLICE", 333)
    sliced = m.evaluate(x)
    for k in FUNDAMENTAL:
        np.testing.assert_array_equal(sliced[k], whole[k])


def test_lognormal_inputs_are_inside_a_positive_domain(loaded, model_of):
    # a lognormal never draws its infimum 0: accepted where the model needs a positive value
    spec = SimulationSpec(
        distributions={
            "dcf.revenue": {"kind": "lognormal", "spread": 0.2},
            "opm.volatility": {"kind": "lognormal", "spread": 0.25},
            "dcf.sales_to_capital": {"kind": "lognormal", "spread": 0.3},
        }
    )
    m = model_of(loaded, spec)
    r = run_simulation(m, 50_000, seed=2)
    for k in FUNDAMENTAL:
        assert np.isfinite(r.outputs[k].mean) and np.isfinite(r.outputs[k].min)
    # the DCF can go negative (heavy reinvestment at a low sales-to-capital); OPM values cannot
    assert r.outputs["opm_last_round"].min > 0 and r.outputs["opm_perp"].min > 0
    # the median revenue draws at the base: the DCF's median moves little from its base
    assert r.outputs["dcf"].q(0.5) == pytest.approx(m.bases["dcf"], rel=0.2)

"""The DCF, unit-economics and OPM anchors on cases: registration, citations, unchanged main cases,
and bad case files (one clear line naming the field, exit code 2)."""

from decimal import Decimal

import pytest
from typer.testing import CliRunner

import anchorval
from anchorval.anchors import ANCHORS, AnchorContext
from anchorval.anchors._dcf_math import dcf_value
from anchorval.anchors._opm_math import dlom_finnerty, opm_allocate
from anchorval.anchors.dcf import dcf_params, dcf_result
from anchorval.anchors.opm_backsolve import opm_classes
from anchorval.anchors.unit_economics import (
    gross_margin_path,
    heavy_user_units_per_month,
    inference_cost_per_mtok,
    unit_economics,
)
from anchorval.cases import resolve_case
from anchorval.cli import app

EXAMPLE = "anthropic-2026-06-dcf"
runner = CliRunner()


@pytest.fixture(scope="module")
def example():
    return resolve_case(EXAMPLE)


@pytest.fixture(scope="module")
def tri():
    return anchorval.value(EXAMPLE)


def test_new_anchors_are_registered_and_skipped_without_inputs():
    assert {"dcf", "opm_last_round", "opm_perp"} <= set(ANCHORS)
    t = anchorval.value("anthropic-2026-06")
    assert [a.anchor for a in t.anchors] == [
        "peer_multiple",
        "perp_implied",
        "arr_multiple",
        "last_round",
    ]
    assert {"dcf", "opm_last_round", "opm_perp"} <= set(t.skipped)
    # the foundation's ARR grid is untouched when no unit economics are given
    assert [str(c.value) for c in t.anchor("arr_multiple").cells][:3] == [
        "826B USD",
        "1.239T USD",
        "1.652T USD",
    ]
    assert (
        t.anchor("arr_multiple").base.amount
        == Decimal("140e9") * Decimal("0.59") * 15 / 2 + Decimal("200e9") * Decimal("0.59") * 15 / 2
    )


def test_example_case_has_every_assumption_cited_to_the_assumption_source(example):
    c = example.case
    assert c.sources["assumption"].publisher == "anchorval case author"
    for path, fig in c.figures().items():
        if (
            path.startswith(("dcf.", "unit_economics.", "cap_table.", "opm."))
            and path != "dcf.revenue"
        ):
            assert fig.source == "assumption", path


def test_dcf_anchor_equals_the_dcf_of_its_inputs(tri, example):
    a = tri.anchor("dcf")
    r = dcf_value(dcf_params(example.case.dcf))
    assert a.base.amount == pytest.approx(r.equity_value, rel=Decimal("1e-25"))
    assert a.low < a.base < a.high
    assert [c.inputs["year"] for c in a.cells] == [str(i) for i in range(1, 11)] + ["terminal"]
    assert sum(c.value.amount for c in a.cells) == pytest.approx(r.pv_sum, rel=Decimal("1e-20"))
    # reverse DCF against the marks: the perp needs more growth than the round
    ig = a.metrics["implied_growth"]
    assert ig["perp mark binance:ANTHROPICUSDT"] > ig["last round post-money (Series H)"]
    assert dcf_result(example.case).to_frame().shape == (12, 12)
    assert len(a.metrics["years"]) == 12
    assert all(f.source_id in ("assumption", "blockbeats-zh") for f in a.figures)


def test_opm_last_round_anchor(tri, example):
    a = tri.anchor("opm_last_round")
    c = example.case
    classes = opm_classes(c.cap_table)
    eq = float(a.metrics["equity_value"].amount)
    alloc = opm_allocate(classes, eq, 0.6, 2.0, 0.04)
    # backsolved equity prices Series H at the round price: $965B / 1B shares
    assert alloc.per_share["Series H"] == pytest.approx(965.0, rel=1e-9)
    common = alloc.per_share["Common"]
    assert float(a.high.amount) == pytest.approx(common * 1e9, rel=1e-9)
    assert float(a.base.amount) == pytest.approx(
        common * (1 - dlom_finnerty(0.6, 2.0)) * 1e9, rel=1e-9
    )
    assert a.low <= a.base <= a.high < tri.anchor("last_round").base


def test_opm_perp_anchor_allocates_the_perp_value(tri, example):
    a = tri.anchor("opm_perp")
    alloc = opm_allocate(opm_classes(example.case.cap_table), 1718e9, 0.6, 2.0, 0.04)
    assert float(a.high.amount) == pytest.approx(alloc.per_share["Common"] * 1e9, rel=1e-9)
    assert a.high < tri.anchor("perp_implied").base


def test_unit_economics_from_inputs(example):
    ctx = AnchorContext.for_case(example.case, example.peers)
    ue = unit_economics(example.case, ctx)
    assert ue.gross_margin == 1 - Decimal(3) / Decimal(6)
    assert ue.cost_per_task == Decimal(50000) / Decimal(1_000_000) * 3
    pro, mx = ue.plans
    # Pro: min(40 x 168/5, 300) = 300 tasks a week x 52/12 weeks x 50k tokens x $3/M
    assert pro.tokens_per_month == pytest.approx(Decimal(300) * 52 / 12 * 50000)
    assert pro.margin == pytest.approx(1 - pro.tokens_per_month / 1_000_000 * 3 / 20)
    # Max: peak deduction 3x on 30% of use: 3000 / (1 + 0.3 x 2)
    assert mx.tokens_per_month == pytest.approx(Decimal(3000) / Decimal("1.6") * 52 / 12 * 50000)
    assert ue.path[-1].gross_margin == pytest.approx(
        1 - 3 * Decimal("0.6") ** 5 / (6 * Decimal("0.8") ** 5)
    )
    assert ue.to_frame().shape == (6, 3)


def test_arr_multiple_scaled_by_gross_margin_relative_to_software(tri):
    # example case: token gross margin 50% vs software benchmark 75% -> multiples x 2/3
    a = tri.anchor("arr_multiple")
    factor = Decimal("0.5") / Decimal("0.75")
    assert a.low.amount == pytest.approx(Decimal("140e9") * Decimal("0.59") * 10 * factor)
    assert any("Gross-margin adjustment" in s.label for s in a.steps)


def test_unit_economics_helpers():
    assert (
        inference_cost_per_mtok(Decimal("2.5"), Decimal(500), Decimal("0.5"))
        == Decimal("2.5") / (Decimal(500) * 3600 * Decimal("0.5")) * 1_000_000
    )
    assert heavy_user_units_per_month(Decimal(10), None) == Decimal(10) * Decimal(168) / 5 * 52 / 12
    path = gross_margin_path(Decimal(10), Decimal(8), Decimal("0.5"), years=2)
    # 1 - cost_t / price with cost_t = 8 x (1 - 0.5)^t and the price held at 10
    assert [p.gross_margin for p in path] == [1 - 8 * Decimal("0.5") ** t / 10 for t in range(3)]
    assert [p.gross_margin for p in path] == [Decimal("0.2"), Decimal("0.6"), Decimal("0.8")]


def test_dcf_cli_year_table_and_reverse_dcf():
    res = runner.invoke(
        app, ["dcf", EXAMPLE, "--solve-for", "growth", "--target", "1.7T USD", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    import json

    data = json.loads(res.output)
    assert [y["year"] for y in data["years"]][:2] == ["base", "1"] and data["years"][-1][
        "year"
    ] == "terminal"
    implied = Decimal(data["reverse_dcf"][0]["implied"])
    c = resolve_case(EXAMPLE).case
    p = dcf_params(c.dcf).replace(revenue_growth_year1=implied, revenue_growth_years_2_5=implied)
    assert dcf_value(p).equity_value == pytest.approx(Decimal("1.7e12"), rel=Decimal("1e-9"))
    res = runner.invoke(app, ["dcf", EXAMPLE, "--solve-for", "margin"])
    assert res.exit_code == 0 and "Reverse DCF" in res.output and "terminal" in res.output
    res = runner.invoke(app, ["dcf", EXAMPLE, "-f", "markdown"])
    assert res.exit_code == 0 and "| year |" in res.output


def test_value_json_and_markdown_with_the_new_anchors():
    import json

    res = runner.invoke(app, ["value", EXAMPLE, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    keys = [a["anchor"] for a in data["anchors"]]
    assert {"dcf", "opm_last_round", "opm_perp"} <= set(keys)
    dcf = data["anchors"][keys.index("dcf")]
    assert [c["inputs"]["year"] for c in dcf["cells"]][-1] == "terminal"
    res = runner.invoke(app, ["value", EXAMPLE, "--format", "markdown"])
    assert res.exit_code == 0 and "## Young-company DCF (FCFF)" in res.output


def test_value_report_shows_the_dcf_year_table(tmp_path):
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["value", EXAMPLE, "--report", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert (
        "Young-company DCF (FCFF)" in html and "discount factor" in html and "OPM backsolve" in html
    )


def _bad_case(tmp_path, old, new):
    from importlib import resources

    text = resources.files("anchorval.cases").joinpath(f"{EXAMPLE}.yaml").read_text()
    assert old in text
    p = tmp_path / "bad.yaml"
    p.write_text(text.replace(old, new, 1))
    return p


@pytest.mark.parametrize(
    "old,new,field,why",
    [
        (
            "value: 30%, low: 20%, high: 40%",
            "value: 120%, low: 20%, high: 130%",
            "dcf.target_operating_margin",
            "cannot exceed 100%",
        ),
        (
            "terminal_growth: {value: 4%",
            "terminal_growth: {value: 9%",
            "dcf.terminal_growth",
            "9.00% must be below the mature cost of capital 8.50%",
        ),
        (
            "  fully_diluted_shares: {value: 1e9",
            "  total_liquidation_preference: {value: 50B USD, as_of: 2026-05-01, "
            "source: assumption}\n  fully_diluted_shares: {value: 1e9",
            "cap_table.total_liquidation_preference",
            "50,000,000,000.00 does not equal the sum",
        ),
    ],
)
def test_bad_case_file_one_line_naming_the_field_exit_2(tmp_path, old, new, field, why):
    p = _bad_case(tmp_path, old, new)
    for cmd in ("value", "dcf"):
        res = runner.invoke(app, [cmd, str(p)])
        assert res.exit_code == 2
        lines = [ln for ln in res.output.strip().splitlines() if ln]
        assert len(lines) == 1 and "Traceback" not in res.output
        assert (
            lines[0].startswith(f"error: {p}:") and f": {field}: " in lines[0] and why in lines[0]
        )


def test_unreachable_target_is_one_line_exit_2():
    res = runner.invoke(app, ["dcf", EXAMPLE, "--solve-for", "margin", "--target", "1000T USD"])
    assert res.exit_code == 2
    assert res.output.startswith("error: reverse DCF (margin): no value in [-100%, 100%]")
    assert len(res.output.strip().splitlines()) == 1


def test_every_new_command_is_documented():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = (root / "README.md").read_text() + (root / "docs" / "fundamental.md").read_text()
    assert "anchorval dcf" in text and "--solve-for" in text and "--target" in text


def test_opm_perp_with_two_venues_takes_the_median(example):
    from anchorval.anchors.opm_backsolve import opm_perp

    c = example.case
    q = c.perps[0]
    q2 = q.model_copy(
        update={"venue": "other", "price": q.price.model_copy(update={"value": Decimal(1000)})}
    )
    c2 = c.model_copy(update={"perps": (q, q2)})
    ctx = AnchorContext.for_case(c2)
    a = opm_perp(c2, ctx)
    one = [opm_perp(c.model_copy(update={"perps": (x,)}), ctx).base.amount for x in (q, q2)]
    assert a.base.amount == pytest.approx((one[0] + one[1]) / 2, rel=Decimal("1e-20"))
    assert a.low.amount < min(one) and a.high.amount > max(one)

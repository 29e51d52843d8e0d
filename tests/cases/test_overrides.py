"""What-if overrides: the case with figures replaced, validated as a case file, citing what-if."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest

import anchorval
from anchorval.cases import (
    WHAT_IF_SOURCE_ID,
    apply_overrides,
    bundled_case_ids,
    load_case,
    override_paths,
    parse_case_text,
    scenario_yaml,
)
from anchorval.errors import MSG_UNKNOWN_OVERRIDE, CaseError

CASE = "anthropic-2026-06"


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def test_units_of_bare_numbers_and_text(case):
    c = apply_overrides(
        case, {"arr_multiple.share": 0.5, "perps[0].price": 1400, "arr_multiple.multiples": [12, "18x"]}
    )
    assert c.arr_multiple.share.value == Decimal("0.5") and c.arr_multiple.share.unit == "ratio"
    assert c.perps[0].price.value == 1400 and c.perps[0].price.unit == "USDT"  # the filed currency
    assert c.arr_multiple.multiples.values == (12, 18) and c.arr_multiple.multiples.unit == "x"
    assert apply_overrides(case, {"arr_multiple.share": "50%"}) == apply_overrides(case, {"arr_multiple.share": 0.5})
    # text with its own unit is read as in a case file: 1.5T USD of market ARR
    c = apply_overrides(case, {"arr_multiple.market_arr": "1.5T USD"})
    assert c.arr_multiple.market_arr.value == Decimal("1.5e12") and c.arr_multiple.market_arr.low is None


def test_overridden_figures_cite_what_if_and_keep_the_rest(case):
    c = apply_overrides(case, {"arr_multiple.market_arr.low": "100B USD"})
    f = c.arr_multiple.market_arr
    assert (f.low, f.high) == (Decimal("1e11"), Decimal("2e11"))  # the high bound as filed
    assert f.source == WHAT_IF_SOURCE_ID and f.as_of == case.as_of and f.distribution is None
    assert f.note == "what-if override; filed as 140B-200B USD (blockbeats-zh, 2026-06-22)"
    assert c.sources[WHAT_IF_SOURCE_ID].publisher == "anchorval case author"  # reports label it ASSUMPTION
    assert c.perps == case.perps and c.funding_rounds == case.funding_rounds
    assert apply_overrides(case, {}) is case
    w = apply_overrides(case, {"blend_weights.arr_multiple": 1})
    assert w.blend_weights["arr_multiple"] == 1 and WHAT_IF_SOURCE_ID not in w.sources


def test_value_with_override_is_the_formula(case):
    # perp-implied = price x reference shares x USDT/USD (1, the case's assumption):
    # 1400 USDT x 1e9 = 1.4T USD; the ARR multiple at a 50% share: 0.5 x 170B x 15x = 1.275T
    t = anchorval.value(CASE, overrides={"perps[0].price": "1400 USDT", "arr_multiple.share": "50%"})
    assert t.anchor("perp_implied").base.amount == Decimal("1.4e12")
    assert t.anchor("arr_multiple").base.amount == Decimal("1.275e12")
    assert t.anchor("last_round").base == anchorval.value(CASE).anchor("last_round").base


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"perps[0].reference_shares": -5}, "perps[0].reference_shares", "must be positive, got -5"),
        ({"arr_multiple.share": "1.5"}, "arr_multiple.share", "a share must lie in 0%-100%, got 150.0%"),
        ({"blend_weights.last_round": -1}, "blend_weights.last_round", "weight must be non-negative, got -1"),
        ({"perps[0].price": True}, "perps[0].price", "not a number or an amount: True"),
    ],
)
def test_bad_values_name_the_field(case, overrides, field, message):
    with pytest.raises(CaseError) as exc:
        apply_overrides(case, overrides)
    assert (exc.value.field, exc.value.message) == (field, message)
    assert str(exc.value) == f"{field}: {message}"


def test_unknown_path(case):
    with pytest.raises(CaseError) as exc:
        apply_overrides(case, {"peer.metric": "ev_revenue"})
    known = ", ".join(override_paths(case))
    assert str(exc.value) == "peer.metric: " + MSG_UNKNOWN_OVERRIDE.format(case=CASE, known=known)


@pytest.mark.parametrize("cid", bundled_case_ids())
def test_scenario_file_loads_as_the_overridden_case(cid):
    case = load_case(cid)
    text = resources.files("anchorval.cases").joinpath(f"{cid}.yaml").read_text(encoding="utf-8")

    def moved(f):
        if f.unit == "ratio":
            return f.base / 2
        return f.base + 1 if f.base == f.base.to_integral_value() else f.base * Decimal("1.1")

    overrides = {p: moved(f) for p, f in case.figures().items()}
    out = scenario_yaml(text, case, overrides)
    assert parse_case_text(out, "scenario.yaml") == apply_overrides(case, overrides)
    assert out.count(f"source: {WHAT_IF_SOURCE_ID}") == len(overrides)


def test_peer_figures_override_through_the_peer_case():
    from anchorval.cases import override_loaded, resolve_case

    filed = anchorval.value(CASE)
    peer = resolve_case("zhipu-2026-06").case
    old = peer.capital.share_price.value
    t = anchorval.value(CASE, overrides={"zhipu-2026-06:capital.share_price": old / 2})
    # peer multiple = (price x shares / revenue) x ARR run rate: half the price, half the anchor
    ratio = t.anchor("peer_multiple").base.amount / filed.anchor("peer_multiple").base.amount
    assert abs(ratio - Decimal("0.5")) < Decimal("1e-12")
    assert t.anchor("last_round").base == filed.anchor("last_round").base
    cites = {f"{f.case_id}:{f.path}": f.source_id for s in t.anchor("peer_multiple").steps for f in s.figures}
    assert cites["zhipu-2026-06:capital.share_price"] == WHAT_IF_SOURCE_ID
    with pytest.raises(CaseError) as exc:
        override_loaded(resolve_case(CASE), {"zhipu-2026-06:capital.share_price": -1})
    assert exc.value.field == "zhipu-2026-06:capital.share_price"

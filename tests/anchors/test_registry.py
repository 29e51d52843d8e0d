"""One registry: each anchor key maps to its one implementation, valued and simulated alike."""

from __future__ import annotations

import numpy as np
import pytest

from anchorval.anchors import ANCHORS, Anchor
from anchorval.cases import bundled_case_ids, resolve_case
from anchorval.uncertainty import build_case_model, run_simulation
from anchorval.workflows.value import value_loaded


@pytest.fixture(scope="module")
def valued():
    """Every bundled case with its deterministic valuation, and the prediction-market test case."""
    from anchorval.cases import parse_case_text

    from .test_prediction_anchor import CASE as LADDER_CASE

    out = {}
    for case_id in bundled_case_ids():
        lc = resolve_case(case_id)
        out[case_id] = (lc, value_loaded(lc))
    # no source article gives a prediction-market ladder, so no bundled case has one
    lc = resolve_case(parse_case_text(LADDER_CASE, "ladder-test.yaml"))
    out["ladder-test"] = (lc, value_loaded(lc))
    return out


def test_every_registered_anchor_is_one_implementation():
    for key, entry in ANCHORS.items():
        assert isinstance(entry, Anchor) and entry.key == key
        assert entry.model is not None, key
        # the derivation and the vectorised model live together, in the anchor's own module
        assert entry.value.__module__ == entry.model.__module__, key


def test_the_test_cases_exercise_every_registered_anchor(valued):
    computed = {a.anchor for _lc, t in valued.values() for a in t.anchors}
    assert computed == set(ANCHORS)


@pytest.mark.parametrize("key", list(ANCHORS))
def test_every_registered_anchor_can_be_valued_and_simulated(valued, key):
    lc, t = next((lc, t) for lc, t in valued.values() if key in {a.anchor for a in t.anchors})
    base = float(t.anchor(key).base.amount)
    m = build_case_model(lc, t)
    assert key in m.outputs and m.bases[key] == base
    # the model at every input's base reproduces the derivation (same formulas; float64 against
    # the derivation's Decimal: ~1e-16 apart, OPM Newton against Brent ~1e-15)
    assert float(m.evaluate(m.base_inputs())[key]) == pytest.approx(base, rel=1e-13, abs=0)
    o = run_simulation(m, 4096, seed=1).outputs[key]
    assert np.isfinite(o.mean) and np.isfinite(o.std)
    slack = 1e-9 * abs(base)
    assert o.min - slack <= o.q(0.5) <= o.max + slack


def test_the_model_builder_does_not_value_the_case(valued, monkeypatch):
    import dataclasses

    from anchorval.workflows.simulate import build_model

    lc, _t = valued["anthropic-2026-06-dcf"]
    t = value_loaded(lc)
    calls: list[str] = []
    for key, entry in list(ANCHORS.items()):

        def counted(case, ctx, _value=entry.value, _key=key):
            calls.append(_key)
            return _value(case, ctx)

        monkeypatch.setitem(ANCHORS, key, dataclasses.replace(entry, value=counted))
    build_case_model(lc, t)
    assert calls == []
    # the workflow values the case once (every registered anchor tried once; the ones the case
    # has no figures for are skipped) and hands the valuation in
    build_model(lc)
    assert sorted(calls) == sorted(ANCHORS)


def test_domain_knows_every_registered_anchor_key():
    # the case loader checks blend-weight keys against ANCHOR_KEYS (domain cannot import anchors)
    from anchorval.domain import ANCHOR_KEYS

    assert ANCHOR_KEYS == tuple(ANCHORS)

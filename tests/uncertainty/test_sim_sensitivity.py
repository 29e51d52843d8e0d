"""Sensitivity: Sobol against analytic indices, tornado order, two-way grid."""

from __future__ import annotations

import numpy as np
import pytest

import anchorval
from anchorval.errors import DistributionError
from anchorval.uncertainty import (
    FunctionModel,
    LogNormal,
    Uniform,
    grid,
    sobol,
    tornado,
)

COEF = {"x1": 4.0, "x2": 2.0, "x3": 1.0, "x4": 0.5, "x5": 3.0}


def additive():
    return FunctionModel(
        lambda x1, x2, x3, x4, x5: (
            COEF["x1"] * x1 + COEF["x2"] * x2 + COEF["x3"] * x3 + COEF["x4"] * x4 + COEF["x5"] * x5
        ),
        {k: Uniform(0.0, 1.0) for k in COEF},
    )


def test_sobol_of_additive_linear_model_matches_analytic_indices():
    # y = sum a_i x_i, x_i ~ U(0,1) independent: Var(a_i x_i) = a_i^2 / 12, so
    # S1_i = ST_i = a_i^2 / sum_j a_j^2 (no interactions)
    res = sobol(additive(), "y", n=1 << 14, seed=1)
    total = sum(a * a for a in COEF.values())
    for p, s1, s1c, st, stc in zip(res.paths, res.s1, res.s1_conf, res.st, res.st_conf, strict=True):
        exact = COEF[p] ** 2 / total
        assert abs(s1 - exact) <= s1c, (p, s1, exact, s1c)
        assert abs(st - exact) <= stc, (p, st, exact, stc)
    df = res.to_frame()
    assert list(df.columns) == ["S1", "S1_conf", "ST", "ST_conf"]


def test_tornado_order_and_swings_match_analytic():
    m = additive()
    tr = tornado(m, "y")
    # swing_i = a_i (P90 - P10) = 0.8 a_i: order by |a_i|
    assert [b.path for b in tr.bars] == sorted(COEF, key=lambda k: -COEF[k])
    for b in tr.bars:
        assert b.swing == pytest.approx(0.8 * COEF[b.path], rel=1e-12)
    assert tr.base == pytest.approx(sum(COEF.values()) * 0.5)


def test_tornado_on_multiplicative_model_known_order():
    # y = a * b * c with lognormal inputs: swing ranks follow the spreads
    m = FunctionModel(
        lambda a, b, c: a * b * c,
        {"a": LogNormal(0, 0.1), "b": LogNormal(0, 0.5), "c": LogNormal(0, 0.3)},
    )
    assert [b.path for b in tornado(m, "y").bars] == ["b", "c", "a"]


def test_case_sensitivity_api(anthropic, model_of):
    tr = anchorval.sensitivity("anthropic-2026-06", method="tornado")
    assert tr.bars[0].path == "arr_multiple.multiples"
    # the multiple at 10x / 20x with everything else at base: blended moves by 0.5 x ARR grid swing
    model = model_of(anthropic)
    arr_base = model.bases["arr_multiple"]
    assert tr.bars[0].swing == pytest.approx(model.weights["arr_multiple"] * arr_base * (20 - 10) / 15, rel=1e-12)
    s = anchorval.sensitivity("anthropic-2026-06", method="sobol", n=1 << 12)
    assert s.paths[int(np.argmax(s.st))] == "arr_multiple.multiples"


def test_grid_uses_discrete_levels_and_matches_model(anthropic, model_of):
    model = model_of(anthropic)
    g = grid(model, "arr_multiple.share", "arr_multiple.multiples")
    assert g.y_values == (10.0, 15.0, 20.0)
    assert len(g.x_values) == 7
    for i, y in enumerate(g.y_values):
        for j, x in enumerate(g.x_values):
            want = model.evaluate({**model.base_inputs(), "arr_multiple.share": x, "arr_multiple.multiples": y})[
                "blended"
            ]
            assert g.z[i][j] == pytest.approx(float(want), rel=1e-14)
    assert g.to_frame().shape == (3, 7)


def test_sensitivity_errors_name_the_input():
    with pytest.raises(DistributionError, match="arr_multiple.sharee: not an input"):
        anchorval.sensitivity("anthropic-2026-06", method="grid", grid="arr_multiple.sharee,arr_multiple.multiples")
    with pytest.raises(DistributionError, match="unknown sensitivity method 'morris'"):
        anchorval.sensitivity("anthropic-2026-06", method="morris")


def test_sensitivity_without_blend_explains_the_anchor_the_inputs_move():
    # anthropic-2026-06-dcf has no blend weights; its first anchor (the perp mark) depends on no
    # uncertain input, and explaining it gave an all-zero tornado

    tr = anchorval.sensitivity("anthropic-2026-06-dcf", method="tornado")
    assert tr.output != "perp_implied"
    assert max(b.swing for b in tr.bars) > 0
    # the chosen output has the largest relative swing of every anchor
    for key in ("perp_implied", "last_round", "dcf", "opm_last_round", "opm_perp"):
        other = anchorval.sensitivity("anthropic-2026-06-dcf", method="tornado", output=key)
        top = max((b.swing for b in other.bars), default=0.0)
        assert top / other.base <= max(b.swing for b in tr.bars) / tr.base

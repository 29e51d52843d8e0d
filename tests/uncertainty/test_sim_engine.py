"""Engine: closed-form oracles, sketch accuracy, reproducibility across chunks and threads."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

import anchorval
from anchorval.uncertainty import (
    BLOCK,
    FunctionModel,
    LogNormal,
    Normal,
    Point,
    Uniform,
    block_rng,
    run_simulation,
)


def raw_draws(model, draws, seed, output):
    """The engine's stream, drawn block by block outside the engine."""
    parts = []
    for b in range(math.ceil(draws / BLOCK)):
        n = min(BLOCK, draws - b * BLOCK)
        y = model.evaluate(model.sample(block_rng(seed, b), n))[output]
        parts.append(np.broadcast_to(y, (n,)))
    return np.concatenate(parts)


def test_product_of_independent_lognormals_is_lognormal():
    # ln(AB) = ln A + ln B ~ N(mu1 + mu2, s1^2 + s2^2): median exp(mu), P95 exp(mu + z95 s)
    mu1, s1, mu2, s2 = math.log(170e9), 0.11, math.log(8.85), 0.3
    m = FunctionModel(lambda a, b: a * b, {"a": LogNormal(mu1, s1), "b": LogNormal(mu2, s2)})
    r = run_simulation(m, 1_000_000, seed=11)
    o = r.outputs["y"]
    s = math.hypot(s1, s2)
    median = math.exp(mu1 + mu2)
    p95 = math.exp(mu1 + mu2 + special.ndtri(0.95) * s)
    # sampling s.e. of the median in log space: s sqrt(pi/2) / sqrt(n) = 4.0e-4; tolerance ~4 s.e.
    assert o.q(0.5) == pytest.approx(median, rel=1.6e-3)
    # s.e. of the P95 in log space: s sqrt(0.95 0.05) / (phi(z95) sqrt n) = 6.5e-4; ~4 s.e.
    assert o.q(0.95) == pytest.approx(p95, rel=2.6e-3)
    assert o.mean == pytest.approx(math.exp(mu1 + mu2 + s * s / 2), rel=2e-3)


def test_uniform_arr_times_constant_has_known_mean():
    lo, hi, k = 30e9, 47e9, 0.59 * 15
    m = FunctionModel(lambda arr, c: arr * c, {"arr": Uniform(lo, hi), "c": Point(k)})
    r = run_simulation(m, 1_000_000, seed=3)
    o = r.outputs["y"]
    se = (hi - lo) * k / math.sqrt(12) / 1000  # s.e. of the mean at n = 1e6
    assert abs(o.mean - (lo + hi) / 2 * k) < 5 * se
    assert o.std == pytest.approx((hi - lo) * k / math.sqrt(12), rel=5e-3)
    assert o.min >= lo * k and o.max <= hi * k


def test_sketch_quantiles_within_0_1_pp_and_exact_moments(anthropic, model_of):
    model = model_of(anthropic)
    n = 1_000_000
    r = run_simulation(model, n, seed=5, thresholds=[1e12, 1.5e12])
    for key in ("blended", "arr_multiple", "perp_implied"):
        raw = raw_draws(model, n, 5, key)
        o = r.outputs[key]
        for q, v in o.quantiles.items():
            rank = np.count_nonzero(raw <= v) / n
            assert abs(rank - q) <= 0.001, (key, q, rank)
        assert o.mean == pytest.approx(raw.mean(), rel=1e-11)
        assert o.std == pytest.approx(raw.std(ddof=1), rel=1e-9)
        assert o.min == raw.min() and o.max == raw.max()
        for t in (1e12, 1.5e12):
            assert o.p_above[t] == np.count_nonzero(raw > t) / n
        assert sum(o.hist_counts) <= n and sum(o.hist_counts) > 0.98 * n


def test_sketch_handles_negative_values():
    m = FunctionModel(lambda a: a, {"a": Normal(0.0, 1.0)})
    r = run_simulation(m, 300_000, seed=9)
    raw = raw_draws(m, 300_000, 9, "y")
    for q, v in r.outputs["y"].quantiles.items():
        assert abs(np.count_nonzero(raw <= v) / raw.size - q) <= 0.001


@pytest.mark.parametrize("chunk,threads", [(BLOCK, 2), (3 * BLOCK, 1), (1 << 20, 2), (5 * BLOCK + 17, 2)])
def test_same_seed_same_numbers_whatever_chunks_and_threads(anthropic, chunk, threads, model_of):
    model = model_of(anthropic)
    ref = run_simulation(model, 400_001, seed=7, thresholds=[1e12], chunk_size=1 << 20, threads=1)
    got = run_simulation(model, 400_001, seed=7, thresholds=[1e12], chunk_size=chunk, threads=threads)
    assert got == ref  # every statistic, bit for bit (elapsed and settings excluded)
    assert got.to_frame().equals(ref.to_frame())


def test_different_seed_differs_and_seed_is_reported(anthropic, model_of):
    model = model_of(anthropic)
    a = run_simulation(model, 100_000, seed=1)
    b = run_simulation(model, 100_000, seed=2)
    assert a.outputs["blended"].mean != b.outputs["blended"].mean
    c = run_simulation(model, 100_000)
    again = run_simulation(model, 100_000, seed=c.seed)
    assert again == c


def test_gaussian_copula_correlation():
    rho = 0.6
    m = FunctionModel(
        lambda a, b: a * b,
        {"a": LogNormal(0.0, 0.2), "b": Uniform(0.0, 1.0)},
        correlation=(["a", "b"], [[1, rho], [rho, 1]]),
    )
    x = m.sample(np.random.default_rng(0), 400_000)
    za = np.log(x["a"]) / 0.2
    zb = special.ndtri(x["b"])
    assert np.corrcoef(za, zb)[0, 1] == pytest.approx(rho, abs=0.005)


def test_api_and_frame(anthropic):
    r = anchorval.simulate("anthropic-2026-06", draws=200_000, seed=7, thresholds=["1T USD"])
    df = r.to_frame()
    assert list(df.columns[:8]) == ["title", "base", "mean", "std", "p5", "p25", "p50", "p75"]
    assert "P(>1T)" in df.columns
    b = r.outputs["blended"]
    assert b.q(0.05) < b.q(0.25) < b.q(0.5) < b.q(0.75) < b.q(0.95)
    # last round has no stated distribution and a point post-money: a point mass at $965B
    assert r.outputs["last_round"].q(0.05) == r.outputs["last_round"].q(0.95) == pytest.approx(965e9, rel=3e-4)
    assert any("arr_multiple.multiples" in a for a in r.assumptions)
    d = r.to_dict()
    assert d["outputs"]["blended"]["p_above"]["1e+12"] == b.p_above[1e12]


def test_repr_html_lists_assumptions():
    r = anchorval.simulate("anthropic-2026-06", draws=70_000, seed=3)
    h = r._repr_html_()
    assert "70,000 draws" in h and "Defaults assumed" in h and "arr_multiple.multiples" in h


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # std overflows: e^600
def test_sketch_survives_absurd_spans():
    # an output spanning hundreds of orders of magnitude keeps bounded bins; quantiles stay sane
    m = FunctionModel(lambda a: np.exp(a), {"a": Normal(0.0, 150.0)})
    r = run_simulation(m, 200_000, seed=4)
    raw = raw_draws(m, 200_000, 4, "y")
    o = r.outputs["y"]
    for q in (0.25, 0.5, 0.75):
        assert abs(np.count_nonzero(raw <= o.q(q)) / raw.size - q) <= 0.001


def test_semi_definite_correlation_is_accepted():
    # perfectly correlated pair: PSD but not PD (no Cholesky); the copula still holds
    m = FunctionModel(
        lambda a, b: a + b,
        {"a": Normal(0.0, 1.0), "b": Normal(0.0, 1.0)},
        correlation=(["a", "b"], [[1, 1], [1, 1]]),
    )
    x = m.sample(np.random.default_rng(0), 10_000)
    np.testing.assert_allclose(x["a"], x["b"], rtol=1e-12, atol=1e-12)

"""Distribution schema, validation errors naming the figure, and closed-form oracles."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from scipy import stats

from anchorval.domain import Figure
from anchorval.errors import DistributionError
from anchorval.uncertainty import (
    Discrete,
    LogNormal,
    Normal,
    Pert,
    Point,
    Triangular,
    Uniform,
    default_distribution,
    parse_distribution,
)

U = np.array([0.001, 0.05, 0.3, 0.5, 0.77, 0.95, 0.999])


def fig(**kw):
    return Figure(as_of=date(2026, 6, 22), source="s", **kw)


def test_uniform_ppf_and_mean():
    d = parse_distribution(
        {"kind": "uniform", "low": "140B USD", "high": "200B USD"},
        fig(low="140B USD", high="200B USD"),
        "x",
    )
    assert isinstance(d, Uniform)
    np.testing.assert_allclose(d.ppf(U), stats.uniform(140e9, 60e9).ppf(U), rtol=1e-14)
    assert d.mean() == (140e9 + 200e9) / 2


def test_triangular_matches_scipy():
    d = parse_distribution(
        {"kind": "triangular", "low": "50%", "mode": "59%", "high": "65%"}, fig(value="59%"), "s"
    )
    ref = stats.triang((0.59 - 0.5) / 0.15, loc=0.5, scale=0.15)
    np.testing.assert_allclose(d.ppf(U), ref.ppf(U), rtol=1e-12)
    assert d.mean() == pytest.approx(ref.mean(), rel=1e-12)


def test_pert_is_scaled_beta():
    d = parse_distribution({"kind": "pert", "low": 0.5, "mode": 0.59, "high": 0.65}, None, "s")
    assert isinstance(d, Pert)
    # Vose: alpha = 1 + 4 (m - a) / (b - a), beta = 1 + 4 (b - m) / (b - a)
    a, b = 1 + 4 * 0.09 / 0.15, 1 + 4 * 0.06 / 0.15
    ref = stats.beta(a, b, loc=0.5, scale=0.15)
    np.testing.assert_allclose(d.ppf(U), ref.ppf(U), rtol=1e-10)
    assert d.mean() == pytest.approx(ref.mean(), rel=1e-12)


def test_lognormal_from_quantiles_hits_them():
    d = parse_distribution(
        {"kind": "lognormal", "low": "140B USD", "high": "200B USD"},
        fig(low="140B USD", high="200B USD"),
        "m",
    )
    assert isinstance(d, LogNormal)
    assert d.quantile(0.05) == pytest.approx(140e9, rel=1e-12)
    assert d.quantile(0.95) == pytest.approx(200e9, rel=1e-12)
    assert d.quantile(0.5) == pytest.approx(math.sqrt(140e9 * 200e9), rel=1e-12)


def test_lognormal_median_spread_matches_scipy():
    d = parse_distribution(
        {"kind": "lognormal", "median": "1718 USDT", "spread": 0.15}, fig(value="1718 USDT"), "p"
    )
    ref = stats.lognorm(0.15, scale=1718)
    np.testing.assert_allclose(d.ppf(U), ref.ppf(U), rtol=1e-12)
    assert d.mean() == pytest.approx(ref.mean(), rel=1e-12)


def test_truncated_normal_matches_scipy():
    d = parse_distribution({"kind": "normal", "mean": 10, "sd": 2, "low": 9, "high": 15}, None, "n")
    assert isinstance(d, Normal)
    ref = stats.truncnorm((9 - 10) / 2, (15 - 10) / 2, loc=10, scale=2)
    np.testing.assert_allclose(d.ppf(U), ref.ppf(U), rtol=1e-10)
    assert d.mean() == pytest.approx(ref.mean(), rel=1e-12)
    x = d.sample(np.random.default_rng(1), 10_000)
    assert x.min() >= 9 and x.max() <= 15


def test_discrete_probabilities():
    d = parse_distribution(
        {"kind": "discrete", "values": ["10x", "15x", "20x"], "probabilities": [0.25, 0.5, 0.25]},
        fig(values=["10x", "15x", "20x"]),
        "m",
    )
    assert isinstance(d, Discrete)
    np.testing.assert_array_equal(
        d.ppf(np.array([0.1, 0.25, 0.3, 0.74, 0.75, 0.99])), [10, 15, 15, 15, 20, 20]
    )
    x = d.sample(np.random.default_rng(2), 200_000)
    # binomial standard error of a share p at n = 200k is < 0.0012; allow 5 SE
    assert abs((x == 15).mean() - 0.5) < 0.006 and abs((x == 10).mean() - 0.25) < 0.006
    assert d.mean() == 10 * 0.25 + 15 * 0.5 + 20 * 0.25  # sum of value x probability


def test_defaults_are_stated():
    d, why = default_distribution(fig(low="30B USD", high="47B USD"))
    assert isinstance(d, Uniform) and "uniform" in why and "30B-47B USD" in why
    d, why = default_distribution(fig(values=["10x", "15x", "20x"]))
    assert (
        isinstance(d, Discrete)
        and d.probabilities == (1 / 3, 1 / 3, 1 / 3)
        and "equal probability" in why
    )
    d, why = default_distribution(fig(low=1, value=2, high=4))
    assert isinstance(d, Triangular) and (d.low, d.mode, d.high) == (1, 2, 4)
    d, why = default_distribution(fig(value="965B USD"))
    assert isinstance(d, Point) and why is None


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ({"kind": "uniform", "low": 3, "high": 1}, "low 3 is above high 1"),
        ({"kind": "lognormal", "median": 5, "spread": -0.2}, "spread (sd of ln) must be positive"),
        ({"kind": "normal", "mean": 1, "sd": 0}, "sd must be positive"),
        ({"kind": "triangular", "low": 1, "mode": 5, "high": 3}, "mode 5 lies outside"),
        ({"kind": "discrete", "values": [1, 2], "probabilities": [0.5, 0.6]}, "sum to 1.1"),
        ({"kind": "discrete", "values": [1, 2], "probabilities": [1.5, -0.5]}, "non-negative"),
        ({"kind": "gamma"}, "unknown distribution kind 'gamma'"),
        ({"kind": "uniform", "low": 1, "high": 2, "mean": 3}, "does not take mean"),
        (
            {"kind": "lognormal", "low": "140B EUR", "high": "200B USD"},
            "is in EUR, the figure is in USD",
        ),
        ({"kind": "lognormal", "low": -1, "high": 2}, "lognormal low must be positive"),
    ],
)
def test_bad_parameters_name_the_figure(spec, needle):
    f = fig(low="140B USD", high="200B USD")
    with pytest.raises(DistributionError) as exc:
        parse_distribution(spec, f, "arr_multiple.market_arr", "anthropic-2026-06: ")
    msg = str(exc.value)
    assert msg.startswith("anthropic-2026-06: arr_multiple.market_arr: ")
    assert needle in msg
    assert "\n" not in msg
    assert isinstance(exc.value, ValueError)


def test_copula_transform_consistent_with_ppf():
    z = np.linspace(-3, 3, 13)
    for d in (LogNormal(1.0, 0.3), Normal(2.0, 0.5), Uniform(0, 4), Pert(0, 1, 3)):
        np.testing.assert_allclose(d.from_normal(z), d.ppf(stats.norm.cdf(z)), rtol=1e-9)

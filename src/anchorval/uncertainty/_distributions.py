"""Probability distributions on case figures: schema, validation, sampling and quantiles.

A distribution is written on a figure (``Figure.distribution``) or in a simulation spec, keyed by
the figure's path. Parameters are in the figure's own unit and accept human amounts
(``140B USD``, ``59%``, ``15x``)::

    distribution: {kind: lognormal, low: 140B USD, high: 200B USD}   # P5 / P95 by default
    distribution: {kind: pert, low: 50%, mode: 59%, high: 65%}
    distribution: {kind: discrete, values: [10x, 15x, 20x], probabilities: [0.25, 0.5, 0.25]}

Kinds: ``point``, ``uniform``, ``triangular``, ``pert``, ``normal`` (optionally truncated by
``low``/``high``), ``lognormal`` (``median`` + ``spread``, the standard deviation of the natural
log, or ``low``/``high`` quantiles at ``low_q``/``high_q``, default 0.05/0.95) and ``discrete``.
Every kind also accepts ``note`` and ``source``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from scipy import special

from ..domain import Figure
from ..domain._figure import _split_unit
from ..errors import MSG_BAD_DISTRIBUTION, DistributionError

__all__ = [
    "KINDS",
    "Discrete",
    "Distribution",
    "LogNormal",
    "Normal",
    "Pert",
    "Point",
    "Triangular",
    "Uniform",
    "default_distribution",
    "parse_distribution",
]

#: Distribution kinds accepted in case files and simulation specs.
KINDS = ("point", "uniform", "triangular", "pert", "normal", "lognormal", "discrete")

_COMMON_KEYS = {"kind", "note", "source"}


def _g(x: float) -> str:
    """Six significant digits, large amounts compact: ``4.39622e+08`` reads ``439.622M``."""
    from ..money import format_number

    return format_number(x, 6) if math.isfinite(x) and abs(x) >= 1e6 else f"{x:.6g}"


class Distribution:
    """Base class: a univariate distribution of one figure, in the figure's unit.

    Subclasses implement :meth:`sample` (direct draws with a numpy Generator) and :meth:`ppf`
    (inverse CDF, used by the Gaussian copula, Sobol sampling and the tornado).
    """

    kind = "base"

    @property
    def is_constant(self) -> bool:
        """True for a point mass (the figure is held fixed)."""
        return False

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` independent values.

        Parameters
        ----------
        rng : numpy.random.Generator
        n : int
            Number of draws.

        Returns
        -------
        ndarray of shape (n,), float64
        """
        return self.ppf(rng.random(n))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at probabilities ``u`` (array, values in (0, 1)); same shape as ``u``."""
        raise NotImplementedError

    def from_normal(self, z: np.ndarray) -> np.ndarray:
        """Transform standard normal scores ``z`` (Gaussian copula): ``ppf(Phi(z))``."""
        return self.ppf(special.ndtr(z))

    def quantile(self, q: float) -> float:
        """Return the ``q`` quantile (``q`` a decimal, 0.1 = P10) as a float."""
        return float(self.ppf(np.asarray([q], dtype=float))[0])

    def mean(self) -> float:
        """Mean of the distribution (float, figure unit)."""
        raise NotImplementedError

    def describe(self) -> str:
        """Short human description (``'uniform(140e9, 200e9)'``)."""
        return self.kind


@dataclass(frozen=True)
class Point(Distribution):
    """A point mass at ``value`` (the figure is not uncertain)."""

    value: float
    kind = "point"

    @property
    def is_constant(self) -> bool:  # noqa: D102
        return True

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return np.full(n, self.value)

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        return np.full(np.shape(u), self.value)

    def mean(self) -> float:  # noqa: D102
        return self.value

    def describe(self) -> str:  # noqa: D102
        return f"point({_g(self.value)})"


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low, high]."""

    low: float
    high: float
    kind = "uniform"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return rng.uniform(self.low, self.high, n)

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)

    def mean(self) -> float:  # noqa: D102
        return (self.low + self.high) / 2

    def describe(self) -> str:  # noqa: D102
        return f"uniform({_g(self.low)}, {_g(self.high)})"


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular on [low, high] with mode ``mode``."""

    low: float
    mode: float
    high: float
    kind = "triangular"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return rng.triangular(self.low, self.mode, self.high, n)

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        u = np.asarray(u, dtype=float)
        a, c, b = self.low, self.mode, self.high
        fc = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < fc, left, right)

    def mean(self) -> float:  # noqa: D102
        return (self.low + self.mode + self.high) / 3

    def describe(self) -> str:  # noqa: D102
        return f"triangular({_g(self.low)}, {_g(self.mode)}, {_g(self.high)})"


@dataclass(frozen=True)
class Pert(Distribution):
    """PERT (scaled beta) on [low, high] with mode ``mode`` and shape ``lamb`` (4 = classic PERT).

    alpha = 1 + lamb (mode - low) / (high - low), beta = 1 + lamb (high - mode) / (high - low)
    (Vose, *Risk Analysis*, 3rd ed., 2008, sec. III.7).
    """

    low: float
    mode: float
    high: float
    lamb: float = 4.0
    kind = "pert"

    @property
    def _ab(self) -> tuple[float, float]:
        w = self.high - self.low
        return 1 + self.lamb * (self.mode - self.low) / w, 1 + self.lamb * (
            self.high - self.mode
        ) / w

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        a, b = self._ab
        return self.low + (self.high - self.low) * rng.beta(a, b, n)

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        a, b = self._ab
        return self.low + (self.high - self.low) * special.betaincinv(
            a, b, np.asarray(u, dtype=float)
        )

    def mean(self) -> float:  # noqa: D102
        return (self.low + self.lamb * self.mode + self.high) / (self.lamb + 2)

    def describe(self) -> str:  # noqa: D102
        return f"pert({_g(self.low)}, {_g(self.mode)}, {_g(self.high)})"


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal(mean, sd), optionally truncated to [low, high] (``-inf``/``inf`` = not truncated)."""

    mu: float
    sd: float
    low: float = -math.inf
    high: float = math.inf
    kind = "normal"

    @property
    def truncated(self) -> bool:
        """True when a bound is finite."""
        return math.isfinite(self.low) or math.isfinite(self.high)

    def _cdf_bounds(self) -> tuple[float, float]:
        return (
            float(special.ndtr((self.low - self.mu) / self.sd)),
            float(special.ndtr((self.high - self.mu) / self.sd)),
        )

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        if not self.truncated:
            return rng.normal(self.mu, self.sd, n)
        return self.ppf(rng.random(n))

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        u = np.asarray(u, dtype=float)
        if self.truncated:
            a, b = self._cdf_bounds()
            u = a + u * (b - a)
        x = self.mu + self.sd * special.ndtri(u)
        return np.clip(x, self.low, self.high) if self.truncated else x

    def from_normal(self, z: np.ndarray) -> np.ndarray:  # noqa: D102
        return self.mu + self.sd * z if not self.truncated else super().from_normal(z)

    def mean(self) -> float:  # noqa: D102
        if not self.truncated:
            return self.mu
        a, b = (self.low - self.mu) / self.sd, (self.high - self.mu) / self.sd
        pdf = lambda t: math.exp(-t * t / 2) / math.sqrt(2 * math.pi) if math.isfinite(t) else 0.0  # noqa: E731
        ca, cb = self._cdf_bounds()
        return self.mu + self.sd * (pdf(a) - pdf(b)) / (cb - ca)

    def describe(self) -> str:  # noqa: D102
        t = f", truncated [{_g(self.low)}, {_g(self.high)}]" if self.truncated else ""
        return f"normal({_g(self.mu)}, sd {_g(self.sd)}{t})"


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Lognormal: ln X ~ Normal(mu, sigma); median = exp(mu), ``sigma`` is the 'spread'."""

    mu: float
    sigma: float
    kind = "lognormal"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        # exp(mu + sigma z) in place: the same law as rng.lognormal, about 1.5x faster
        z = rng.standard_normal(n)
        z *= self.sigma
        z += self.mu
        return np.exp(z, out=z)

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        return np.exp(self.mu + self.sigma * special.ndtri(np.asarray(u, dtype=float)))

    def from_normal(self, z: np.ndarray) -> np.ndarray:  # noqa: D102
        return np.exp(self.mu + self.sigma * z)

    def mean(self) -> float:  # noqa: D102
        return math.exp(self.mu + self.sigma**2 / 2)

    def describe(self) -> str:  # noqa: D102
        return f"lognormal(median {_g(math.exp(self.mu))}, spread {self.sigma:.4g})"


@dataclass(frozen=True)
class Discrete(Distribution):
    """Discrete scenarios ``values`` with ``probabilities`` (sum to 1)."""

    values: tuple[float, ...]
    probabilities: tuple[float, ...]
    kind = "discrete"

    @property
    def _cdf(self) -> np.ndarray:
        c = np.cumsum(self.probabilities)
        c[-1] = 1.0
        return c

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        u = np.asarray(u, dtype=float)
        vals = np.asarray(self.values, dtype=float)
        cdf = self._cdf
        if len(vals) > 8:
            idx = np.searchsorted(cdf, u, side="right")
            return vals[np.minimum(idx, len(vals) - 1)]
        # few scenarios: x = v0 + sum_i (v_{i+1} - v_i) [u >= cdf_i], one pass per step
        out = np.full(u.shape, vals[0])
        for i in range(len(vals) - 1):
            step = vals[i + 1] - vals[i]
            if step != 0.0:
                out += step * (u >= cdf[i])
        return out

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return self.ppf(rng.random(n))

    def mean(self) -> float:  # noqa: D102
        return float(sum(v * p for v, p in zip(self.values, self.probabilities, strict=True)))

    def describe(self) -> str:  # noqa: D102
        return (
            "discrete("
            + ", ".join(
                f"{_g(v)}@{p:.3g}" for v, p in zip(self.values, self.probabilities, strict=True)
            )
            + ")"
        )


# -- parsing ---------------------------------------------------------------------------------

_ALLOWED = {
    "point": {"value"},
    "uniform": {"low", "high"},
    "triangular": {"low", "mode", "high"},
    "pert": {"low", "mode", "high", "lambda"},
    "normal": {"mean", "sd", "low", "high"},
    "lognormal": {"median", "spread", "low", "high", "low_q", "high_q"},
    "discrete": {"values", "probabilities"},
}


def _fail(path: str, why: str, where: str = "", origin: str | None = None) -> DistributionError:
    return DistributionError(
        MSG_BAD_DISTRIBUTION.format(where=where, path=path, why=why),
        figure=path,
        why=why,
        origin=origin,
    )


def parse_distribution(
    spec: Mapping[str, Any], figure: Figure | None, path: str, where: str = ""
) -> Distribution:
    """Validate a distribution mapping and build the Distribution.

    Parameters
    ----------
    spec : mapping
        ``{'kind': ..., <parameters>, 'note': ..., 'source': ...}``; parameters in the figure's
        unit (human amounts accepted, a currency or unit must agree with the figure's). Missing
        bounds default to the figure's own low/base/high (e.g. ``{kind: uniform}`` on a range).
    figure : Figure or None
        The figure the distribution describes (for its unit and default parameters).
    path : str
        Figure path, named in every error (``'arr_multiple.market_arr'``).
    where : str
        Prefix for errors (``'anthropic-2026-06: '``).

    Returns
    -------
    Distribution

    Raises
    ------
    DistributionError
        One line naming the figure: unknown kind or key, unparsable or missing parameter,
        ``low > high``, a mode outside [low, high], a non-positive spread or sd, probabilities
        that are negative or do not sum to 1.

    Examples
    --------
    >>> parse_distribution({"kind": "uniform", "low": "1", "high": "3"}, None, "x").mean()
    2.0
    """
    if not isinstance(spec, Mapping):
        raise _fail(path, "distribution must be a mapping with a 'kind'", where)
    kind = spec.get("kind")
    if kind not in KINDS:
        raise _fail(path, f"unknown distribution kind {kind!r} (known: {', '.join(KINDS)})", where)
    extra = set(spec) - _COMMON_KEYS - _ALLOWED[kind]
    if extra:
        raise _fail(
            path,
            f"{kind} distribution does not take {', '.join(sorted(extra))} "
            f"(takes {', '.join(sorted(_ALLOWED[kind]))})",
            where,
        )

    def num(key: str, default: Decimal | None = None, raw: Any = None) -> float:
        val = spec.get(key) if raw is None else raw
        if val is None:
            if default is None:
                raise _fail(path, f"{kind} distribution needs {key!r}", where)
            return float(default)
        try:
            number, unit = _split_unit(val)
        except (ValueError, ArithmeticError) as exc:
            raise _fail(path, f"{key}: cannot read {val!r} ({exc})", where) from None
        if unit and figure is not None and key not in ("spread", "low_q", "high_q", "lambda"):
            if unit != figure.unit:
                raise _fail(
                    path, f"{key} {val!r} is in {unit}, the figure is in {figure.unit}", where
                )
        x = float(number)
        if not math.isfinite(x):
            raise _fail(path, f"{key} must be finite, got {val!r}", where)
        return x

    lo = figure.lo if figure is not None else None
    hi = figure.hi if figure is not None else None
    base = figure.base if figure is not None else None

    def ordered(low: float, high: float, strict: bool = True) -> None:
        if low > high or (strict and low == high):
            raise _fail(
                path,
                f"low {low:.6g} is {'above' if low > high else 'equal to'} high {high:.6g}",
                where,
            )

    if kind == "point":
        return Point(num("value", base))
    if kind == "uniform":
        a, b = num("low", lo), num("high", hi)
        ordered(a, b)
        return Uniform(a, b)
    if kind in ("triangular", "pert"):
        a, c, b = num("low", lo), num("mode", base), num("high", hi)
        ordered(a, b)
        if not a <= c <= b:
            raise _fail(path, f"mode {c:.6g} lies outside [low {a:.6g}, high {b:.6g}]", where)
        if kind == "triangular":
            return Triangular(a, c, b)
        lamb = num("lambda", Decimal(4))
        if lamb <= 0:
            raise _fail(path, f"PERT lambda must be positive, got {lamb:.6g}", where)
        return Pert(a, c, b, lamb)
    if kind == "normal":
        mu = num("mean", base)
        sd = num("sd")
        if sd <= 0:
            raise _fail(path, f"sd must be positive, got {sd:.6g}", where)
        a = num("low") if "low" in spec else -math.inf
        b = num("high") if "high" in spec else math.inf
        if a >= b:
            ordered(a, b)
        dist = Normal(mu, sd, a, b)
        if dist.truncated:
            ca, cb = dist._cdf_bounds()
            if cb - ca < 1e-12:
                raise _fail(path, "truncation bounds leave no probability mass", where)
        return dist
    if kind == "lognormal":
        has_q = "low" in spec or "high" in spec
        if has_q and ("median" in spec or "spread" in spec):
            raise _fail(
                path, "lognormal takes either median and spread, or low and high quantiles", where
            )
        use_q = "median" not in spec and "spread" not in spec and figure is not None
        if has_q or (use_q and figure.lo != figure.hi):
            a, b = num("low", lo), num("high", hi)
            qa, qb = num("low_q", Decimal("0.05")), num("high_q", Decimal("0.95"))
            if not 0 < qa < qb < 1:
                raise _fail(
                    path,
                    f"quantile levels must satisfy 0 < low_q < high_q < 1, got {qa}, {qb}",
                    where,
                )
            if a <= 0:
                raise _fail(path, f"lognormal low must be positive, got {a:.6g}", where)
            ordered(a, b)
            za, zb = float(special.ndtri(qa)), float(special.ndtri(qb))
            sigma = (math.log(b) - math.log(a)) / (zb - za)
            return LogNormal(math.log(a) - sigma * za, sigma)
        med = num("median", base)
        if med <= 0:
            raise _fail(path, f"lognormal median must be positive, got {med:.6g}", where)
        s = num("spread")
        if s <= 0:
            raise _fail(path, f"spread (sd of ln) must be positive, got {s:.6g}", where)
        return LogNormal(math.log(med), s)
    # discrete
    raw_vals = spec.get("values")
    if raw_vals is None and figure is not None and figure.values is not None:
        vals = tuple(float(v) for v in figure.values)
    elif isinstance(raw_vals, list | tuple) and raw_vals:
        vals = tuple(num("values", raw=v) for v in raw_vals)
    else:
        raise _fail(path, "discrete distribution needs a non-empty list of values", where)
    raw_p = spec.get("probabilities")
    if raw_p is None:
        probs = tuple(1 / len(vals) for _ in vals)
    else:
        if not isinstance(raw_p, list | tuple) or len(raw_p) != len(vals):
            raise _fail(
                path, f"probabilities must be a list of {len(vals)} numbers, one per value", where
            )
        probs = tuple(num("probabilities", raw=p) for p in raw_p)
        if any(p < 0 for p in probs):
            raise _fail(path, f"probabilities must be non-negative, got {list(probs)}", where)
        if abs(sum(probs) - 1) > 1e-9:
            raise _fail(path, f"probabilities sum to {sum(probs):.6g}, not 1", where)
    return Discrete(vals, probs)


def default_distribution(figure: Figure) -> tuple[Distribution, str | None]:
    """Return the distribution assumed for a figure that states none.

    Parameters
    ----------
    figure : Figure

    Returns
    -------
    tuple of (Distribution, str or None)
        A discrete set (``values``) gets equal probabilities; a low/high range with a base value
        strictly inside it a triangular(low, value, high); a range without one uniform(low, high);
        a point value a point mass. The string says which default was assumed (None for a point).
    """
    if figure.values is not None and len(set(figure.values)) > 1:
        vals = tuple(float(v) for v in figure.values)
        return Discrete(vals, tuple(1 / len(vals) for _ in vals)), (
            f"discrete, equal probability over {figure.display()}"
        )
    if figure.low is not None and figure.high is not None and figure.low < figure.high:
        if figure.value is not None and figure.low < figure.value < figure.high:
            return Triangular(float(figure.low), float(figure.value), float(figure.high)), (
                f"triangular over {figure.display()} (mode at the base value)"
            )
        return Uniform(
            float(figure.low), float(figure.high)
        ), f"uniform over low/high {figure.display()}"
    return Point(float(figure.base)), None

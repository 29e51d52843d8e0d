"""Vectorised model of the prediction-market anchor: the ladder is the input's distribution.

The anchor's low / base / high are quantiles of the IPO valuation a ladder implies; in a Monte
Carlo the same distribution is drawn directly (inverse CDF :func:`ladder_quantile` of the
anchors module, the one formula for the deterministic quantiles and for draws).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..anchors.prediction_market import ladder_distribution, ladder_quantile
from ..domain import Case
from ._distributions import Distribution

__all__ = ["LadderDist", "prediction_input"]


@dataclass(frozen=True)
class LadderDist(Distribution):
    """Piecewise-uniform distribution of a ladder (totals in the ladder's currency).

    Attributes
    ----------
    lows, highs, probs : tuple of float
        Bracket bounds (ascending, open ends closed as the anchor closes them) and
        probabilities given an IPO (decimals summing to 1).
    """

    lows: tuple[float, ...]
    highs: tuple[float, ...]
    probs: tuple[float, ...]
    kind = "ladder"

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        return ladder_quantile(
            np.asarray(u, dtype=float), np.array(self.lows), np.array(self.highs), np.array(self.probs)
        )

    def mean(self) -> float:  # noqa: D102
        return float(sum(p * (lo + hi) / 2 for lo, hi, p in zip(self.lows, self.highs, self.probs, strict=True)))

    def describe(self) -> str:  # noqa: D102
        return f"prediction-market ladder ({len(self.probs)} brackets, uniform within each)"


def prediction_input(case: Case) -> tuple[str, str, float, LadderDist, str]:
    """Build the simulated input of the first ladder: path, currency, median, distribution, source.

    Parameters
    ----------
    case : Case
        With ``prediction_markets``.

    Returns
    -------
    tuple
        ``('prediction_markets[0]', currency, median (total), LadderDist, source id)``.
    """
    lad = case.prediction_markets[0]
    d = ladder_distribution([(b.label, b.low, b.high, b.no_ipo, b.probability) for b in lad.brackets], lad.event)
    lows, highs, probs = d.knots()
    dist = LadderDist(tuple(lows), tuple(highs), tuple(probs))
    return "prediction_markets[0]", lad.currency, float(dist.ppf(np.array([0.5]))[0]), dist, lad.source

"""A distribution an anchor defines by its own inverse CDF (e.g. a prediction-market ladder).

The anchor owns the formula (:func:`anchorval.anchors.prediction_market.ladder_quantile` for a
ladder); the simulation draws through it, so the deterministic quantiles and the draws come from
one function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._distributions import Distribution

__all__ = ["PpfDist"]

#: Grid of probabilities on which the mean of a ppf-defined distribution is computed (midpoints).
_MEAN_GRID = (np.arange(4096) + 0.5) / 4096


@dataclass(frozen=True)
class PpfDist(Distribution):
    """A distribution given by its inverse CDF.

    Attributes
    ----------
    inverse_cdf : callable
        ``u (ndarray in (0, 1)) -> values (ndarray)``, totals in the input's unit.
    text : str
        Description shown in reports.
    """

    inverse_cdf: Callable[[Any], Any] = field(compare=False)
    text: str = "custom"
    kind = "ppf"

    def ppf(self, u: np.ndarray) -> np.ndarray:  # noqa: D102
        return np.asarray(self.inverse_cdf(np.asarray(u, dtype=float)), dtype=float)

    def mean(self) -> float:  # noqa: D102
        return float(np.mean(self.ppf(_MEAN_GRID)))

    def describe(self) -> str:  # noqa: D102
        return self.text

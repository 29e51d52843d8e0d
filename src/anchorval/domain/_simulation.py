"""Simulation inputs a case may carry: extra distributions and a correlation matrix.

The distribution schema itself is validated by :mod:`anchorval.uncertainty` (this module stays free
of numpy); here only the shape of the correlation matrix is checked, so a bad matrix in a case
file is reported with its file, line and field.
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from ._figure import FrozenModel

__all__ = ["CorrelationSpec", "SimulationSpec"]


class CorrelationSpec(FrozenModel):
    """Correlation among simulated figures (Gaussian copula).

    Attributes
    ----------
    figures : tuple of str
        Figure paths as yielded by ``iter_figures`` (``'arr_multiple.market_arr'``); peer-case
        figures are prefixed ``'peer.'`` (``'peer.capital.share_price'``).
    matrix : tuple of tuple of float
        Correlation matrix, shape ``(len(figures), len(figures))``: symmetric, ones on the
        diagonal, entries in [-1, 1]; positive semi-definiteness is checked when simulating.
    note : str, optional
        Why these correlations.
    source : str, optional
        Source id, when the correlations come from a document.
    """

    figures: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    note: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _check(self) -> CorrelationSpec:
        k = len(self.figures)
        if len(set(self.figures)) != k:
            raise ValueError("correlation figures must be distinct")
        if len(self.matrix) != k or any(len(row) != k for row in self.matrix):
            raise ValueError(f"correlation matrix must be {k}x{k} (one row and column per figure)")
        for i in range(k):
            if abs(self.matrix[i][i] - 1.0) > 1e-12:
                raise ValueError(
                    f"correlation of {self.figures[i]} with itself must be 1, "
                    f"got {self.matrix[i][i]}"
                )
            for j in range(k):
                r = self.matrix[i][j]
                if not -1.0 <= r <= 1.0:
                    raise ValueError(
                        f"correlation {self.figures[i]} ~ {self.figures[j]} = {r} "
                        "lies outside [-1, 1]"
                    )
                if abs(r - self.matrix[j][i]) > 1e-12:
                    raise ValueError(
                        f"correlation matrix is not symmetric: "
                        f"{self.figures[i]} ~ {self.figures[j]} is {r} "
                        f"but {self.figures[j]} ~ {self.figures[i]} is {self.matrix[j][i]}"
                    )
        return self


class SimulationSpec(FrozenModel):
    """Simulation settings carried by a case or given in a separate YAML file.

    Attributes
    ----------
    distributions : dict of str to dict
        Distributions by figure path; they win over a figure's own ``distribution``. The schema
        (``kind: uniform|triangular|pert|normal|lognormal|discrete|point`` and its parameters) is
        documented in ``docs/simulate.md`` and validated by :mod:`anchorval.uncertainty`.
    correlation : CorrelationSpec, optional
        Correlation among figure paths.
    thresholds : tuple of str
        Default thresholds for P(value > threshold), human amounts (``'1T USD'``).
    note : str, optional
        Editorial note.
    """

    distributions: dict[str, dict[str, Any]] = {}
    correlation: CorrelationSpec | None = None
    thresholds: tuple[str, ...] = ()
    note: str | None = None

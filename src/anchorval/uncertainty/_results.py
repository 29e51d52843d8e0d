"""Frozen results of a simulation: per-output statistics, inputs used and assumptions made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain import ASSUMPTION_SOURCE_ID

__all__ = ["InputSummary", "OutputStats", "SimulationResult"]

#: Percentiles reported for every output (decimals: 0.05 = P5).
REPORTED = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class OutputStats:
    """Simulated distribution of one output (an anchor or the blended view).

    Attributes
    ----------
    key, title : str
        Output key (``'arr_multiple'``, ``'blended'``) and human title.
    n : int
        Number of draws.
    base : float
        Deterministic base value (totals, report currency) for comparison.
    mean, std : float
        Sample mean and standard deviation (totals, report currency).
    min, max : float
        Exact sample extremes.
    quantiles : dict of float to float
        Percentiles by level (decimal, 0.05 = P5), from the streaming sketch (+-0.1 pp).
    p_above : dict of float to float
        P(value > threshold) by threshold (totals, report currency), exact counts / n.
    hist_edges : tuple of float
        Edges of the pre-binned histogram (between P0.5 and P99.5), length ``len(hist_counts)+1``.
    hist_counts : tuple of int
        Draws per histogram bin.
    """

    key: str
    title: str
    n: int
    base: float
    mean: float
    std: float
    min: float
    max: float
    quantiles: Mapping[float, float]
    p_above: Mapping[float, float]
    hist_edges: tuple[float, ...]
    hist_counts: tuple[int, ...]

    def q(self, level: float) -> float:
        """Percentile at ``level`` (decimal, 0.95 = P95)."""
        return self.quantiles[level]


@dataclass(frozen=True)
class InputSummary:
    """One input as simulated.

    Attributes
    ----------
    path, unit : str
        Figure path and unit.
    base : float
        Deterministic base value.
    distribution : str
        Description of the distribution used.
    stated : bool
        False when a default was assumed (see ``assumption``).
    assumption : str or None
        The assumed default, when not stated.
    note, source : str or None
        Note and source of a stated distribution.
    p10, p50, p90 : float
        Percentiles of the input distribution.
    """

    path: str
    unit: str
    base: float
    distribution: str
    stated: bool
    assumption: str | None
    note: str | None
    source: str | None
    p10: float
    p50: float
    p90: float

    @property
    def kind(self) -> str:
        """Provenance of the distribution simulated.

        ``'assumption'`` when the stated distribution cites the case's ``assumption`` source (the
        case author's spread), ``'stated'`` when it cites a document, ``'default'`` when no
        distribution was stated and a default was assumed, ``'fixed'`` when held at the case value.
        """
        if self.stated:
            return "assumption" if self.source == ASSUMPTION_SOURCE_ID else "stated"
        return "default" if self.assumption else "fixed"


@dataclass(frozen=True)
class SimulationResult:
    """Monte Carlo result for every anchor and the blended view of a case.

    Attributes
    ----------
    case_id, company : str
        Case id and company name.
    as_of : date or None
        Case date.
    currency : str
        Currency of every amount (totals).
    draws : int
        Number of scenarios.
    seed : int
        Seed (numpy SeedSequence entropy); the same seed gives the same numbers whatever the
        chunk size and thread count.
    outputs : dict of str to OutputStats
        By output key, anchors in report order then ``'blended'``.
    inputs : tuple of InputSummary
        Every input the anchors read (uncertain and fixed).
    assumptions : tuple of str
        Default distributions assumed for figures that state none.
    correlated : tuple of str
        Figure paths correlated through the Gaussian copula.
    thresholds : tuple of float
        Thresholds of ``p_above`` (totals, report currency).
    weights : dict of str to float
        Blend weights used (normalised).
    elapsed : float
        Wall time in seconds (not part of equality).
    threads, chunk_size : int
        Execution settings (not part of equality).
    """

    case_id: str
    company: str
    as_of: date | None
    currency: str
    draws: int
    seed: int
    outputs: Mapping[str, OutputStats]
    inputs: tuple[InputSummary, ...] = ()
    assumptions: tuple[str, ...] = ()
    correlated: tuple[str, ...] = ()
    thresholds: tuple[float, ...] = ()
    weights: Mapping[str, float] = field(default_factory=dict)
    elapsed: float = field(default=0.0, compare=False)
    threads: int = field(default=1, compare=False)
    chunk_size: int = field(default=0, compare=False)

    @property
    def draws_per_second(self) -> float:
        """Scenarios per second of wall time."""
        return self.draws / self.elapsed if self.elapsed > 0 else float("nan")

    def to_frame(self) -> Any:
        """Statistics per output as a pandas DataFrame.

        Returns
        -------
        pandas.DataFrame
            Index: output key. Columns: ``title``, ``base``, ``mean``, ``std``, ``p5``, ``p25``,
            ``p50``, ``p75``, ``p95`` (floats, totals in :attr:`currency`) and one
            ``P(>threshold)`` column per threshold (decimal probability).
        """
        import pandas as pd

        from ..money import format_number

        rows = []
        for o in self.outputs.values():
            row: dict[str, Any] = {
                "output": o.key,
                "title": o.title,
                "base": o.base,
                "mean": o.mean,
                "std": o.std,
            }
            for q in REPORTED:
                row[f"p{round(q * 100)}"] = o.quantiles[q]
            for t in self.thresholds:
                row[f"P(>{format_number(t)})"] = o.p_above[t]
            rows.append(row)
        return pd.DataFrame(rows).set_index("output")

    def _repr_html_(self) -> str:
        import html

        df = self.to_frame().drop(columns=["title"])
        head = (
            f"<p><strong>{html.escape(self.company)}</strong>: {self.draws:,} draws, "
            f"seed {self.seed}, {self.currency} (totals)</p>"
        )
        notes = "".join(f"<li>{html.escape(a)}</li>" for a in self.assumptions)
        tail = f"<p>Defaults assumed:</p><ul>{notes}</ul>" if notes else ""
        return head + df.to_html(float_format="{:.4g}".format) + tail

    def inputs_frame(self) -> Any:
        """Return the inputs as a pandas DataFrame (index: figure path)."""
        import pandas as pd

        return pd.DataFrame([i.__dict__ for i in self.inputs]).set_index("path")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (schema ``anchorval.simulation/1``; amounts are floats)."""
        return {
            "schema": "anchorval.simulation/1",
            "case": self.case_id,
            "company": self.company,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "currency": self.currency,
            "draws": self.draws,
            "seed": self.seed,
            "weights": dict(self.weights),
            "thresholds": list(self.thresholds),
            "assumptions": list(self.assumptions),
            "correlated": list(self.correlated),
            "inputs": [{**i.__dict__, "kind": i.kind} for i in self.inputs],
            "outputs": {
                k: {
                    "title": o.title,
                    "base": o.base,
                    "mean": o.mean,
                    "std": o.std,
                    "min": o.min,
                    "max": o.max,
                    "percentiles": {f"p{q * 100:g}": v for q, v in o.quantiles.items()},
                    "p_above": {f"{t:.6g}": p for t, p in o.p_above.items()},
                    "histogram": {"edges": list(o.hist_edges), "counts": list(o.hist_counts)},
                }
                for k, o in self.outputs.items()
            },
            "elapsed_seconds": self.elapsed,
        }

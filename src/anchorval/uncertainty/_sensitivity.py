"""Sensitivity: one-at-a-time tornado, Sobol indices (SALib), and two-way scenario grids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..errors import MSG_BAD_DISTRIBUTION, DistributionError
from ._distributions import Discrete
from ._models import SimModel

__all__ = [
    "GridResult",
    "SobolResult",
    "TornadoBar",
    "TornadoResult",
    "grid",
    "sobol",
    "tornado",
]


def _check_output(model: SimModel, output: str) -> None:
    if output not in model.outputs:
        raise DistributionError(
            MSG_BAD_DISTRIBUTION.format(
                where="", path=output, why=f"unknown output (outputs: {', '.join(model.outputs)})"
            )
        )


def _check_inputs(model: SimModel, paths: Sequence[str]) -> None:
    for p in paths:
        if p not in model.inputs:
            raise DistributionError(
                MSG_BAD_DISTRIBUTION.format(
                    where="",
                    path=p,
                    why=f"not an input of the model (inputs: {', '.join(model.inputs)})",
                )
            )


# -- tornado ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TornadoBar:
    """One input's swing.

    Attributes
    ----------
    path : str
        Input figure path.
    input_low, input_high : float
        The input at its low and high level (P10/P90 by default; figure unit).
    output_low, output_high : float
        The output with that input at its low / high level and every other input at base.
    swing : float
        ``|output_high - output_low|`` (output unit).
    """

    path: str
    input_low: float
    input_high: float
    output_low: float
    output_high: float

    @property
    def swing(self) -> float:
        """Absolute swing of the output (output unit)."""
        return abs(self.output_high - self.output_low)


@dataclass(frozen=True)
class TornadoResult:
    """A tornado: inputs ordered by the swing they cause in one output.

    Attributes
    ----------
    output, title : str
        Output key and title.
    base : float
        Output with every input at base.
    low_q, high_q : float
        Quantile levels of the low and high input values (decimals).
    bars : tuple of TornadoBar
        Largest swing first.
    currency : str
        Output unit.
    """

    output: str
    title: str
    base: float
    low_q: float
    high_q: float
    bars: tuple[TornadoBar, ...]
    currency: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return every field as a JSON-ready dict (floats in the output's unit)."""
        return asdict(self)

    def to_frame(self) -> Any:
        """Bars as a pandas DataFrame (index: input path; largest swing first)."""
        import pandas as pd

        rows = [{**b.__dict__, "swing": b.swing} for b in self.bars]
        return pd.DataFrame(rows).set_index("path")


def tornado(
    model: SimModel,
    output: str = "blended",
    low_q: float = 0.10,
    high_q: float = 0.90,
    inputs: Sequence[str] | None = None,
) -> TornadoResult:
    """One-at-a-time sensitivity: each input at its low/high quantile, the others at base.

    Parameters
    ----------
    model : SimModel
        A case model or function model.
    output : str
        Output key (``'blended'``, an anchor key, or a function model's output name).
    low_q, high_q : float
        Quantile levels of the input (decimals; 0.10/0.90 = P10/P90). Use 0 and 1 for the
        low/high of bounded inputs.
    inputs : sequence of str, optional
        Inputs to vary (default: every uncertain input).

    Returns
    -------
    TornadoResult
        Bars sorted by swing, largest first.

    Raises
    ------
    DistributionError
        For an unknown output or input.

    Examples
    --------
    >>> from anchorval.uncertainty import FunctionModel, Uniform, tornado
    >>> m = FunctionModel(lambda a, b: 3 * a + b, {"a": Uniform(0, 1), "b": Uniform(0, 1)})
    >>> [b.path for b in tornado(m, "y").bars]
    ['a', 'b']
    """
    _check_output(model, output)
    paths = list(inputs) if inputs is not None else list(model.uncertain)
    _check_inputs(model, paths)
    base_x = model.base_inputs()
    base = float(model.evaluate(base_x)[output])
    bars = []
    for p in paths:
        d = model.inputs[p].dist
        lo, hi = (
            d.quantile(min(max(low_q, 1e-12), 1 - 1e-12)),
            d.quantile(min(max(high_q, 1e-12), 1 - 1e-12)),
        )
        ylo = float(model.evaluate({**base_x, p: lo})[output])
        yhi = float(model.evaluate({**base_x, p: hi})[output])
        bars.append(TornadoBar(p, lo, hi, ylo, yhi))
    bars.sort(key=lambda b: -b.swing)
    return TornadoResult(
        output, model.titles.get(output, output), base, low_q, high_q, tuple(bars), model.currency
    )


# -- Sobol -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SobolResult:
    """First-order and total Sobol indices of one output.

    Attributes
    ----------
    output : str
        Output key.
    paths : tuple of str
        Inputs, in order.
    s1, s1_conf, st, st_conf : tuple of float
        First-order and total indices and their confidence half-widths (SALib bootstrap, 95%).
    n : int
        Base sample size N (model evaluations: N x (D + 2)).
    note : str
        Assumptions (independence of inputs).
    """

    output: str
    paths: tuple[str, ...]
    s1: tuple[float, ...]
    s1_conf: tuple[float, ...]
    st: tuple[float, ...]
    st_conf: tuple[float, ...]
    n: int
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return every field as a JSON-ready dict (floats in the output's unit)."""
        return asdict(self)

    def to_frame(self) -> Any:
        """Return the indices as a DataFrame (index: input path; S1, S1_conf, ST, ST_conf)."""
        import pandas as pd

        return pd.DataFrame(
            {"S1": self.s1, "S1_conf": self.s1_conf, "ST": self.st, "ST_conf": self.st_conf},
            index=pd.Index(self.paths, name="path"),
        )


def sobol(
    model: SimModel,
    output: str = "blended",
    n: int = 1 << 14,
    seed: int = 0,
    inputs: Sequence[str] | None = None,
    num_resamples: int = 100,
) -> SobolResult:
    """Sobol first-order and total indices by Saltelli sampling (SALib).

    Inputs are sampled independently (Sobol indices assume independence; a case's correlation
    is ignored here and the result says so); each uniform coordinate is mapped through the
    input's inverse CDF.

    Parameters
    ----------
    model : SimModel
    output : str
        Output key.
    n : int
        Base sample size N, a power of 2 (evaluations: N x (D + 2)).
    seed : int
        Seed of the scrambled Sobol sequence and of the bootstrap.
    inputs : sequence of str, optional
        Inputs to analyse (default: every uncertain input); the others stay at base.
    num_resamples : int
        Bootstrap resamples for the confidence intervals.

    Returns
    -------
    SobolResult

    Raises
    ------
    DistributionError
        For an unknown output or input, or fewer than one uncertain input.
    ModelInputError
        If ``n < 1`` or ``seed < 0``.

    Notes
    -----
    Saltelli, A. et al. (2010), "Variance based sensitivity analysis of model output",
    *Computer Physics Communications* 181, 259-270; implemented by SALib
    (``SALib.sample.sobol``, ``SALib.analyze.sobol``).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from ..errors import ModelInputError

    if n < 1:
        raise ModelInputError("n", f"the Sobol base sample size must be at least 1, got {n}")
    if seed < 0:
        raise ModelInputError("seed", f"must be a non-negative integer, got {seed}")
    _check_output(model, output)
    paths = list(inputs) if inputs is not None else list(model.uncertain)
    _check_inputs(model, paths)
    if not paths:
        raise DistributionError(
            MSG_BAD_DISTRIBUTION.format(where="", path=output, why="no uncertain input to analyse")
        )
    problem = {"num_vars": len(paths), "names": paths, "bounds": [[0.0, 1.0]] * len(paths)}
    u = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    np.clip(u, 1e-12, 1 - 1e-12, out=u)
    x: dict[str, Any] = dict(model.base_inputs())
    for j, p in enumerate(paths):
        # Saltelli rows reuse the base matrices' values: map each distinct value once (exact)
        uniq, inv = np.unique(u[:, j], return_inverse=True)
        x[p] = model.inputs[p].dist.ppf(uniq)[inv.ravel()]
    y = np.broadcast_to(np.asarray(model.evaluate(x)[output], dtype=float), (u.shape[0],)).copy()
    res = sobol_analyze.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=num_resamples,
        seed=seed,
        print_to_console=False,
    )
    note = "inputs sampled independently (Sobol indices assume independence)"
    if model.correlation is not None:
        note += f"; the correlation among {', '.join(model.correlation[0])} is ignored here"
    return SobolResult(
        output,
        tuple(paths),
        tuple(float(v) for v in res["S1"]),
        tuple(float(v) for v in res["S1_conf"]),
        tuple(float(v) for v in res["ST"]),
        tuple(float(v) for v in res["ST_conf"]),
        n,
        note,
    )


# -- two-way grid ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GridResult:
    """Output over a two-way grid of two inputs, the others at base.

    Attributes
    ----------
    output : str
        Output key.
    x_path, y_path : str
        The two inputs.
    x_values, y_values : tuple of float
        Grid levels (figure units): a discrete input's scenarios, else quantiles P5..P95.
    z : tuple of tuple of float
        ``z[i][j]`` = output at ``y_values[i]``, ``x_values[j]`` (output unit).
    currency : str
        Output unit.
    """

    output: str
    x_path: str
    y_path: str
    x_values: tuple[float, ...]
    y_values: tuple[float, ...]
    z: tuple[tuple[float, ...], ...]
    currency: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return every field as a JSON-ready dict (floats in the output's unit)."""
        return asdict(self)

    def to_frame(self) -> Any:
        """Grid as a pandas DataFrame (index: y levels, columns: x levels)."""
        import pandas as pd

        return pd.DataFrame(
            self.z,
            index=pd.Index(self.y_values, name=self.y_path),
            columns=pd.Index(self.x_values, name=self.x_path),
        )


def _levels(model: SimModel, path: str, points: int) -> np.ndarray:
    d = model.inputs[path].dist
    if isinstance(d, Discrete):
        return np.asarray(sorted(set(d.values)), dtype=float)
    if d.is_constant:
        return np.asarray([d.mean()])
    return d.ppf(np.linspace(0.05, 0.95, points))


def grid(model: SimModel, x: str, y: str, output: str = "blended", points: int = 7) -> GridResult:
    """Two-way scenario grid of ``output`` over inputs ``x`` and ``y``.

    Parameters
    ----------
    model : SimModel
    x, y : str
        Input paths (``'arr_multiple.share'``, ``'arr_multiple.multiples'``).
    output : str
        Output key.
    points : int
        Levels per continuous input (quantiles evenly spaced from P5 to P95).

    Returns
    -------
    GridResult

    Raises
    ------
    DistributionError
        For an unknown output or input, or ``x == y``.
    """
    _check_output(model, output)
    _check_inputs(model, [x, y])
    if x == y:
        raise DistributionError(
            MSG_BAD_DISTRIBUTION.format(where="", path=x, why="a grid needs two different inputs")
        )
    xs, ys = _levels(model, x, points), _levels(model, y, points)
    gx, gy = np.meshgrid(xs, ys)
    vals = {**model.base_inputs(), x: gx.ravel(), y: gy.ravel()}
    z = np.broadcast_to(np.asarray(model.evaluate(vals)[output], dtype=float), gx.size).reshape(
        gx.shape
    )
    return GridResult(
        output,
        x,
        y,
        tuple(float(v) for v in xs),
        tuple(float(v) for v in ys),
        tuple(tuple(float(v) for v in row) for row in z),
        model.currency,
    )

"""Orchestration of the uncertainty tools: load a case and a spec file, simulate, run sensitivity.

This is the workflow layer of :mod:`anchorval.uncertainty` (the maths there never does I/O). The
public entry points are re-exported as ``anchorval.simulate(...)`` and
``anchorval.sensitivity(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cases import LoadedCase, resolve_case
from ..domain import Case, SimulationSpec
from ..errors import AmountParseError, CaseError, DistributionError
from ..money import Money, parse_amount, parse_number

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation
    from ..uncertainty import CaseModel, GridResult, SimulationResult, SobolResult, TornadoResult

__all__ = [
    "SimulationRun",
    "load_simulation_spec",
    "parse_draws",
    "sensitivity",
    "simulate",
    "simulation_run",
]

CaseRef = str | Path | Case | LoadedCase
SpecRef = SimulationSpec | Mapping[str, Any] | str | Path | None


#: Most draws one run may ask for (1e9: about 100 s on two cores at ~10M draws/s, memory bounded);
#: anchorval's own limit, see docs/security.md.
MAX_DRAWS = 1_000_000_000
#: Most worker threads a run may ask for.
MAX_THREADS = 1024


def parse_draws(text: str | int) -> int:
    """Parse a draw count such as ``'10M'``, ``'1e6'`` or ``100000``.

    Parameters
    ----------
    text : str or int
        A count (scenarios), with an optional K/M/B scale suffix (see
        :func:`~anchorval.money.parse_number`).

    Returns
    -------
    int
        The number of draws (>= 1).

    Raises
    ------
    DistributionError
        If it is not a positive whole number.
    """
    try:
        d = parse_number(text)
    except (ValueError, ArithmeticError) as exc:
        raise DistributionError(f"draws: cannot read {text!r} ({exc})") from None
    if d != d.to_integral_value() or d < 1:
        raise DistributionError(f"draws: must be a positive whole number, got {text!r}")
    if d > MAX_DRAWS:
        raise DistributionError(f"draws: {text!r} is over the limit of {MAX_DRAWS:,} draws a run")
    return int(d)


def load_simulation_spec(path: str | Path) -> SimulationSpec:
    """Load a simulation spec from a YAML file (same shape as a case's ``simulation`` section).

    Parameters
    ----------
    path : str or Path
        YAML file with ``distributions``, ``correlation``, ``thresholds``.

    Returns
    -------
    SimulationSpec

    Raises
    ------
    CaseError
        For a missing or malformed file or invalid content, with the file, line and field.
    """
    from pydantic import ValidationError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from ..cases._loader import _clean_msg, _line_of, _loc_text, _plain

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise CaseError(f"cannot read simulation spec: {exc.strerror}", file=str(p)) from None
    try:
        doc = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise CaseError(
            f"malformed YAML: {exc.problem or exc.context}", file=str(p), line=line
        ) from None
    except YAMLError as exc:
        raise CaseError(f"malformed YAML: {exc}", file=str(p)) from None
    if not isinstance(doc, dict):
        raise CaseError("a simulation spec must be a YAML mapping", file=str(p), line=1)
    try:
        return SimulationSpec.model_validate(_plain(doc))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise CaseError(
            _clean_msg(err["msg"]),
            file=str(p),
            line=_line_of(doc, loc),
            field=_loc_text(loc) or None,
        ) from None


def _spec(spec: SpecRef) -> SimulationSpec | None:
    if spec is None or isinstance(spec, SimulationSpec):
        return spec
    if isinstance(spec, str | Path):
        return load_simulation_spec(spec)
    from pydantic import ValidationError

    try:
        return SimulationSpec.model_validate(dict(spec))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise DistributionError(
            f"simulation spec: {'.'.join(map(str, err['loc']))}: {err['msg']}"
        ) from None


def _loaded(case: CaseRef) -> LoadedCase:
    return case if isinstance(case, LoadedCase) else resolve_case(case)


def build_model(
    case: CaseRef,
    spec: SpecRef = None,
    currency: str | None = None,
    weights: Mapping[str, float] | None = None,
    anchors: Sequence[str] | None = None,
    full: Triangulation | None = None,
) -> CaseModel:
    """Load a case (and spec), value it once and build its vectorised model.

    See :func:`anchorval.uncertainty.build_case_model`, which receives the valuation: ``full``
    when the caller already valued the case (every anchor, same ``currency`` and ``weights``),
    else valued here.

    Raises
    ------
    DistributionError
        As ``build_case_model``; when the offending input was written in a case or spec file,
        the message starts with that file and line.
    """
    from ..anchors.triangulate import triangulate
    from ..uncertainty import build_case_model, simulated
    from .value import value_loaded

    loaded = _loaded(case)
    sp = _spec(spec)
    t = full if full is not None else value_loaded(loaded, anchors, currency, weights)
    left_out: tuple[str, ...] = ()
    if anchors is None:  # default: anchors without a vectorised model are left out, named
        left_out = tuple(a.anchor for a in t.anchors if not simulated(a.anchor))
        if left_out and len(left_out) < len(t.anchors):  # blend over the others (no re-valuing)
            kept = [a for a in t.anchors if a.anchor not in left_out]
            t = triangulate(kept, loaded.case, weights=weights)
    try:
        return build_case_model(loaded, t, sp, left_out)
    except DistributionError as exc:
        located = _locate(exc, loaded, sp, spec if isinstance(spec, str | Path) else None)
        if located is None:
            raise
        raise located from None


def _locate(
    exc: DistributionError,
    loaded: LoadedCase,
    sp: SimulationSpec | None,
    spec_file: str | Path | None,
) -> DistributionError | None:
    """Return the same error with the file and line where the offending input is written."""
    from ..cases._loader import _line_of, _path_to_loc

    fig, why, origin = exc.figure, exc.why, exc.origin
    if fig is None or why is None or origin is None:
        return None
    in_spec_file = spec_file is not None and sp is not None
    if origin == "figure":
        if fig.startswith("peer."):
            return None
        file, loc, field = (
            loaded.origin,
            (*_path_to_loc(fig), "distribution"),
            f"{fig}.distribution",
        )
    elif origin == "spec":
        if in_spec_file and fig in sp.distributions:  # type: ignore[union-attr]
            file, loc, field = str(spec_file), ("distributions", fig), f"distributions.{fig}"
        else:
            file, loc = loaded.origin, ("simulation", "distributions", fig)
            field = f"simulation.distributions.{fig}"
    else:
        tail = fig[len("correlation") :] if fig.startswith("correlation") else f" [{fig}]"
        if in_spec_file and sp.correlation is not None:  # type: ignore[union-attr]
            file, loc, field = str(spec_file), ("correlation",), f"correlation{tail}"
        else:
            file, loc, field = (
                loaded.origin,
                ("simulation", "correlation"),
                f"simulation.correlation{tail}",
            )
    if not Path(file).is_file():
        return None
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        doc = YAML(typ="rt").load(Path(file).read_text(encoding="utf-8"))
    except (OSError, YAMLError):
        return None
    line = _line_of(doc, loc)
    where = f"{file}:{line}" if line else file
    return DistributionError(f"{where}: {field}: {why}", figure=fig, why=why, origin=origin)


def _thresholds(
    model: CaseModel, loaded: LoadedCase, values: Sequence[Money | str | float | Decimal] | None
) -> list[float]:
    raw = list(values) if values is not None else list(model.spec_thresholds)
    out = []
    for v in raw:
        if isinstance(v, int | float | Decimal):
            out.append(float(v))
            continue
        try:
            m = v if isinstance(v, Money) else parse_amount(v, default_currency=model.currency)
        except AmountParseError as exc:
            raise DistributionError(f"{model.case_id}: threshold {v!r}: {exc}") from None
        if m.currency != model.currency:
            m = Money(
                m.amount * loaded.fx.rate(m.currency, model.currency, loaded.case.as_of).rate,
                model.currency,
            )
        out.append(float(m.amount))
    return out


@dataclass(frozen=True)
class SimulationRun:
    """A simulation and what its report shows beside it, from one load and one valuation.

    Attributes
    ----------
    result : SimulationResult
        The Monte Carlo statistics.
    triangulation : Triangulation or None
        The deterministic view of the same case (every anchor, same currency and weights) the
        model was built from; None when ``anchors`` narrowed the simulation.
    sensitivities : tuple of TornadoResult, SobolResult or GridResult
        The sensitivity analyses asked for, run on the same model.
    """

    result: SimulationResult
    triangulation: Triangulation | None = None
    sensitivities: tuple[TornadoResult | SobolResult | GridResult, ...] = ()


def simulation_run(
    case: CaseRef,
    draws: int | str = 1_000_000,
    seed: int | None = None,
    thresholds: Sequence[Money | str | float] | None = None,
    spec: SpecRef = None,
    currency: str | None = None,
    weights: Mapping[str, float] | None = None,
    anchors: Sequence[str] | None = None,
    chunk_size: int | None = None,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
    sensitivities: Sequence[str] = (),
) -> SimulationRun:
    """Simulate a case and run sensitivity analyses on the same model: one load, one valuation.

    The case (and spec file) is read once, valued once (the deterministic view, handed to the
    model builder and to the report), its model built once and reused by every analysis.

    Parameters
    ----------
    case, draws, seed, thresholds, spec, currency, weights, anchors, chunk_size, threads, progress
        As :func:`simulate`.
    sensitivities : sequence of {'tornado', 'sobol', 'grid'}
        Sensitivity methods to run on the model (of the blended view, or without blend weights
        of the anchor the inputs move most; the grid crosses the two most influential inputs).

    Returns
    -------
    SimulationRun

    Raises
    ------
    DistributionError, ModelInputError, UnknownCaseError, CaseError, MissingFigureError, FxRateMissingError
        As :func:`simulate` and :func:`sensitivity`.

    Examples
    --------
    >>> from anchorval.workflows.simulate import simulation_run
    >>> run = simulation_run("anthropic-2026-06", draws=10_000, seed=7, sensitivities=["tornado"])
    >>> run.sensitivities[0].bars[0].path
    'arr_multiple.multiples'
    """
    from ..uncertainty import DEFAULT_CHUNK, run_simulation
    from .value import value_loaded

    n = parse_draws(draws)
    if threads is not None and not (0 <= threads <= MAX_THREADS):
        raise DistributionError(f"threads: must be 0 (all cores) to {MAX_THREADS}, got {threads}")

    loaded = _loaded(case)
    full = value_loaded(loaded, None, currency, weights) if anchors is None else None
    model = build_model(loaded, spec, currency, weights, anchors, full=full)
    result = run_simulation(
        model,
        n,
        seed=seed,
        thresholds=_thresholds(model, loaded, thresholds),
        chunk_size=chunk_size or DEFAULT_CHUNK,
        threads=threads,
        progress=progress,
    )
    return SimulationRun(result, full, tuple(_sensitivity(model, m) for m in sensitivities))


def simulate(
    case: CaseRef,
    draws: int | str = 1_000_000,
    seed: int | None = None,
    thresholds: Sequence[Money | str | float] | None = None,
    spec: SpecRef = None,
    currency: str | None = None,
    weights: Mapping[str, float] | None = None,
    anchors: Sequence[str] | None = None,
    chunk_size: int | None = None,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Monte Carlo of every anchor of a case, and of the blended view.

    Parameters
    ----------
    case : str, Path, Case or LoadedCase
        Bundled case id, case file, or a case built in code.
    draws : int or str
        Number of scenarios (``'10M'`` accepted).
    seed : int, optional
        Seed; the same seed gives the same numbers whatever ``chunk_size`` and ``threads``.
    thresholds : sequence of Money, str or float, optional
        Values for P(value > threshold): ``'1T USD'`` (converted to the report currency at the
        case date) or floats in the report currency. Default: the spec's / case's thresholds.
    spec : SimulationSpec, mapping, or path to a YAML file, optional
        Distributions and correlation that win over the case's ``simulation`` section.
    currency : str, optional
        Report currency (default: the case's).
    weights : mapping of str to float, optional
        Blend weights (default: the case's).
    anchors : sequence of str, optional
        Anchor keys to simulate (default: all the case supports).
    chunk_size : int, optional
        Draws per thread task (default ~1M).
    threads : int, optional
        Worker threads (default: all cores).
    progress : callable, optional
        Called with the number of draws done.

    Returns
    -------
    SimulationResult
        ``.to_frame()`` gives P5/P25/P50/P75/P95, mean, std and P(> threshold) per output.

    Raises
    ------
    DistributionError
        For an invalid distribution or correlation (naming the figure) or a bad draw count.
    ModelInputError
        If ``threads`` or ``seed`` is negative, or ``chunk_size < 1``.
    UnknownCaseError, CaseError, MissingFigureError, FxRateMissingError
        As :func:`anchorval.value`.

    Examples
    --------
    >>> import anchorval
    >>> r = anchorval.simulate("anthropic-2026-06", draws=100_000, seed=7)
    >>> 0.9e12 < r.outputs["blended"].q(0.5) < 2e12
    True
    """
    return simulation_run(
        case,
        draws,
        seed=seed,
        thresholds=thresholds,
        spec=spec,
        currency=currency,
        weights=weights,
        anchors=anchors,
        chunk_size=chunk_size,
        threads=threads,
        progress=progress,
    ).result


def sensitivity(
    case: CaseRef,
    method: str = "tornado",
    output: str = "blended",
    grid: Sequence[str] | str | None = None,
    n: int = 1 << 14,
    seed: int = 0,
    spec: SpecRef = None,
    currency: str | None = None,
    weights: Mapping[str, float] | None = None,
    low_q: float = 0.10,
    high_q: float = 0.90,
) -> TornadoResult | SobolResult | GridResult:
    """Sensitivity of an output (default the blended view) to the case's uncertain inputs.

    Parameters
    ----------
    case : str, Path, Case or LoadedCase
    method : {'tornado', 'sobol', 'grid'}
        One-at-a-time tornado (inputs at P10/P90), Sobol first-order and total indices (SALib),
        or a two-way grid of two inputs.
    output : str
        ``'blended'`` or an anchor key.
    grid : str or pair of str, optional
        The two inputs of a grid (``'arr_multiple.share,arr_multiple.multiples'``); default: the
        two inputs with the largest tornado swing.
    n : int
        Sobol base sample size (power of 2).
    seed : int
        Sobol seed.
    spec, currency, weights
        As :func:`simulate`.
    low_q, high_q : float
        Tornado quantile levels (decimals).

    Returns
    -------
    TornadoResult, SobolResult or GridResult
        Each with ``.to_frame()``.

    Raises
    ------
    DistributionError
        For an unknown method, output or input, or an invalid distribution.
    ModelInputError
        For ``method='sobol'`` with ``n < 1`` or a negative ``seed``.

    Examples
    --------
    >>> import anchorval
    >>> t = anchorval.sensitivity("anthropic-2026-06", method="tornado")
    >>> t.bars[0].path
    'arr_multiple.multiples'
    """
    from .value import value_loaded

    loaded = _loaded(case)
    model = build_model(loaded, spec, currency, weights, full=value_loaded(loaded, None, currency, weights))
    return _sensitivity(model, method, output, grid, n, seed, low_q, high_q)


def _sensitivity(
    model: CaseModel,
    method: str,
    output: str = "blended",
    grid: Sequence[str] | str | None = None,
    n: int = 1 << 14,
    seed: int = 0,
    low_q: float = 0.10,
    high_q: float = 0.90,
) -> TornadoResult | SobolResult | GridResult:
    """Run one sensitivity method on a model already built (see :func:`sensitivity`)."""
    from ..uncertainty import grid as grid_fn
    from ..uncertainty import sobol, tornado

    if output == "blended" and "blended" not in model.outputs:
        # no blend weights: explain the anchor the uncertain inputs move most (relative P10-P90
        # swing; the result's title names it). The first anchor may depend on no uncertain
        # input at all (a fixed perp mark) and gave an all-zero tornado.
        def rel_swing(key: str) -> float:
            tr = tornado(model, key, low_q, high_q)
            top = max((b.swing for b in tr.bars), default=0.0)
            return top / abs(tr.base) if tr.base else 0.0

        output = max(model.outputs, key=rel_swing)
    if method == "tornado":
        return tornado(model, output, low_q, high_q)
    if method == "sobol":
        return sobol(model, output, n=n, seed=seed)
    if method == "grid":
        if grid is None:
            bars = tornado(model, output).bars
            if len(bars) < 2:
                raise DistributionError(
                    f"grid: the case has fewer than two uncertain inputs for {output}"
                )
            pair = [bars[0].path, bars[1].path]
        else:
            pair = [g.strip() for g in grid.split(",")] if isinstance(grid, str) else list(grid)
        if len(pair) != 2:
            raise DistributionError(f"grid: give exactly two figure paths, got {pair}")
        return grid_fn(model, pair[0], pair[1], output)
    raise DistributionError(f"unknown sensitivity method {method!r} (known: tornado, sobol, grid)")

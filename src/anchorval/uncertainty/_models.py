"""Vectorised models of a case: every anchor's model and the blended view, for the engine.

Each anchor's vectorised model is part of its one implementation in :mod:`anchorval.anchors`
(``ANCHORS[key].model``), written over the same formula functions as its deterministic
derivation. :func:`build_case_model` takes the case and its already computed
:class:`~anchorval.anchors.triangulate.Triangulation` (same figures, FX table, report currency
and blend weights), registers every figure an anchor reads as an input with its distribution,
and checks each distribution against the formula's domain. With every input at its base value
the model reproduces each anchor's deterministic base to float precision (tested).

``blended`` = sum of normalised weight x anchor value, per draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..anchors import ANCHORS, AnchorContext
from ..anchors._formulas import Values, prod
from ..cases import LoadedCase
from ..domain import Figure, SimulationSpec, iter_figures
from ..errors import DistributionError
from ._distributions import (
    Distribution,
    LogNormal,
    _fail,
    default_distribution,
    parse_distribution,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation

__all__ = ["CaseModel", "FunctionModel", "InputVar", "SimModel", "build_case_model", "simulated"]

#: Smallest eigenvalue tolerated in a correlation matrix (PSD check, float round-off).
PSD_TOLERANCE = 1e-10


@dataclass(frozen=True)
class InputVar:
    """One simulated input: a case figure and its distribution.

    Attributes
    ----------
    path : str
        Figure path (``'arr_multiple.market_arr'``; peer figures ``'peer.capital.share_price'``).
    unit : str
        The figure's unit (currency code for totals, ``'x'``, ``'ratio'``, ``'count'``).
    base : float
        Deterministic base value (``Figure.base``) in that unit.
    dist : Distribution
        Distribution used by the simulation.
    stated : bool
        True when the case or spec states the distribution; False when a default was assumed.
    assumption : str or None
        The default assumed (``'uniform over low/high 30B-47B USD'``), when not stated.
    note, source : str or None
        The distribution's note and source id, when stated.
    """

    path: str
    unit: str
    base: float
    dist: Distribution
    stated: bool = False
    assumption: str | None = None
    note: str | None = None
    source: str | None = None

    @property
    def uncertain(self) -> bool:
        """True unless the input is held at a point."""
        return not self.dist.is_constant


class SimModel:
    """A vectorised model: named inputs with distributions, named outputs, optional correlation.

    Subclasses implement :meth:`evaluate`. Used by the engine and by the sensitivity tools.

    Attributes
    ----------
    inputs : dict of str to InputVar
        Inputs by path, in a fixed order (the order draws are made in).
    outputs : tuple of str
        Output keys.
    titles : dict of str to str
        Human titles of the outputs.
    bases : dict of str to float
        Deterministic base of every output.
    currency : str
        Unit of the outputs.
    correlation : tuple of (tuple of str, ndarray) or None
        Correlated input paths and the loading matrix ``L`` (``L @ L.T`` = the correlation).
    """

    inputs: dict[str, InputVar]
    outputs: tuple[str, ...]
    titles: dict[str, str]
    bases: dict[str, float]
    currency: str = ""
    correlation: tuple[tuple[str, ...], np.ndarray] | None = None

    def evaluate(self, x: Values) -> dict[str, np.ndarray | float]:
        """Compute the outputs for inputs ``x`` (arrays of shape (n,) or floats; others at base)."""
        raise NotImplementedError

    def base_inputs(self) -> dict[str, float]:
        """Every input at its deterministic base value."""
        return {p: v.base for p, v in self.inputs.items()}

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Paths of the inputs that are not held at a point."""
        return tuple(p for p, v in self.inputs.items() if v.uncertain)

    @property
    def assumptions(self) -> tuple[str, ...]:
        """One line per default distribution the simulation assumed."""
        return tuple(
            f"{v.path}: no distribution stated; assumed {v.assumption}" for v in self.inputs.values() if v.assumption
        )

    def sample(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray | float]:
        """Draw ``n`` scenarios of every input (constants stay floats).

        The correlated group (Gaussian copula) is drawn first as an ``(n, k)`` standard normal
        block, then every other uncertain input in :attr:`inputs` order; the order is part of the
        seed contract.
        """
        x: dict[str, np.ndarray | float] = {}
        done: set[str] = set()
        if self.correlation is not None:
            paths, load = self.correlation
            g = rng.standard_normal((len(paths), n))
            for i, p in enumerate(paths):
                # z_i = sum_j L[i, j] g_j, column by column (no BLAS call: threads stay independent)
                z = g[0] * load[i, 0]
                for j in range(1, len(paths)):
                    if load[i, j] != 0.0:
                        z += g[j] * load[i, j]
                x[p] = self.inputs[p].dist.from_normal(z)
                done.add(p)
        for p, v in self.inputs.items():
            if p in done:
                continue
            if v.uncertain:
                x[p] = v.dist.sample(rng, n)
            else:
                x[p] = float(v.dist.mean())
        return x


class FunctionModel(SimModel):
    """A model given as a Python function of named inputs (for tests and custom models).

    Parameters
    ----------
    fn : callable
        ``fn(**inputs) -> ndarray or float``; vectorised over arrays of shape (n,).
    inputs : mapping of str to Distribution
        Input distributions by name.
    base : mapping of str to float, optional
        Base values (default: each distribution's median).
    output : str
        Name of the single output.
    correlation : tuple of (sequence of str, array_like), optional
        Correlated names and their correlation matrix (validated PSD).

    Examples
    --------
    >>> from anchorval.uncertainty import FunctionModel, Uniform
    >>> m = FunctionModel(lambda a: 2 * a, {"a": Uniform(0, 1)})
    >>> m.evaluate({"a": 0.25})["y"]
    0.5
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        inputs: Mapping[str, Distribution],
        base: Mapping[str, float] | None = None,
        output: str = "y",
        correlation: tuple[Sequence[str], Any] | None = None,
    ) -> None:
        self.fn = fn
        self.inputs = {
            k: InputVar(k, "", float((base or {}).get(k, d.quantile(0.5))), d, stated=True) for k, d in inputs.items()
        }
        self.outputs = (output,)
        self.titles = {output: output}
        self.bases = {output: float(fn(**self.base_inputs()))}
        self.correlation = None if correlation is None else _loading(tuple(correlation[0]), correlation[1], "")

    def evaluate(self, x: Values) -> dict[str, np.ndarray | float]:  # noqa: D102
        full = {**self.base_inputs(), **x}
        return {self.outputs[0]: self.fn(**{k: full[k] for k in self.inputs})}


def _loading(paths: tuple[str, ...], matrix: Any, where: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Validate a correlation matrix (symmetric, PSD) and return its loading matrix."""
    c = np.asarray(matrix, dtype=float)
    names = ", ".join(paths)
    if c.shape != (len(paths), len(paths)):
        raise _fail(
            f"correlation [{names}]",
            f"matrix shape {c.shape} does not match {len(paths)} figures",
            where,
            "correlation",
        )
    if not np.allclose(c, c.T, atol=1e-12):
        raise _fail(f"correlation [{names}]", "matrix is not symmetric", where, "correlation")
    w, v = np.linalg.eigh(c)
    if w.min() < -PSD_TOLERANCE:
        raise _fail(
            f"correlation [{names}]",
            f"matrix is not positive semi-definite (smallest eigenvalue {w.min():.4g}); "
            "these correlations cannot hold together",
            where,
            "correlation",
        )
    try:  # positive definite: the Cholesky factor (lower triangular)
        return paths, np.linalg.cholesky(c)
    except np.linalg.LinAlgError:  # semi-definite: V sqrt(diag(w)), also L @ L.T = C
        return paths, v * np.sqrt(np.clip(w, 0, None))


#: Draws per slice inside the heavy models (DCF, OPM): their many temporaries stay in cache
#: (about 1.3x faster than whole 65,536-draw blocks; elementwise, so bit-identical).
SLICE = 1 << 14


def _in_slices(fn: Callable[[Values], Any], paths: list[str]) -> Callable[[Values], Any]:
    """Evaluate ``fn`` (reading the inputs ``paths``) on slices of :data:`SLICE` draws."""

    def sliced(x: Values) -> Any:
        n = max((np.size(x[p]) for p in paths if np.ndim(x[p])), default=0)
        if n <= SLICE:
            return fn(x)
        out = np.empty(n)
        for s in range(0, n, SLICE):
            part = {p: (x[p][s : s + SLICE] if np.ndim(x[p]) else x[p]) for p in paths}
            out[s : s + SLICE] = fn(part)
        return out

    return sliced


class _Inputs:
    """The inputs the anchors' models read, with their distributions (an ``anchors.ModelInputs``)."""

    def __init__(self, loaded: LoadedCase, currency: str, spec: SimulationSpec | None, where: str) -> None:
        self.case, self.peers, self.spec, self.where = loaded.case, loaded.peers, spec, where
        self.currency = currency
        self.ctx = AnchorContext(fx=loaded.fx, peers=dict(loaded.peers), currency=currency)
        self.vars: dict[str, InputVar] = {}
        self.index = {p: (f, self.case) for p, f in iter_figures(self.case)}
        if self.case.peer is not None and self.case.peer.case in self.peers:
            peer = self.peers[self.case.peer.case]
            self.index.update({f"peer.{p}": (f, peer) for p, f in iter_figures(peer)})

    def _var(self, path: str, fig: Figure, owner: Any) -> InputVar:
        stated = None
        origin = "figure"
        if self.spec is not None and path in self.spec.distributions:
            stated, origin = self.spec.distributions[path], "spec"
        elif fig.distribution is not None:
            stated = fig.distribution
        if stated is None:
            dist, assumed = default_distribution(fig)
            return InputVar(path, fig.unit, float(fig.base), dist, False, assumed)
        try:
            dist = parse_distribution(stated, fig, path, self.where)
        except DistributionError as exc:
            exc.origin = origin
            raise
        src = stated.get("source")
        if src is not None and src not in owner.sources:
            raise _fail(path, f"distribution source {src!r} is not declared in sources", self.where, origin)
        return InputVar(path, fig.unit, float(fig.base), dist, True, None, stated.get("note"), src)

    def use(self, path: str) -> str:
        if path not in self.vars:
            f, owner = self.index[path]
            self.vars[path] = self._var(path, f, owner)
        return path

    def validate(self, path: str) -> None:
        """Parse a stated distribution that no anchor reads (never ignore a typo)."""
        f, owner = self.index[path]
        self._var(path, f, owner)

    def fx(self, unit: str, on: Any, to: str | None = None) -> float:
        return float(self.ctx.fx.rate(unit, to or self.currency, on).rate)

    def uncertain(self, path: str) -> bool:
        return self.vars[path].uncertain

    def bounds(self, path: str) -> tuple[float, float]:
        v = self.vars[path]
        if not v.uncertain:
            return v.base, v.base
        return v.dist.quantile(0.0), v.dist.quantile(1.0)

    def fail(self, path: str, why: str) -> DistributionError:
        return _fail(path, why, self.where)

    def sliced(self, fn: Callable[[Values], Any], paths: list[str]) -> Callable[[Values], Any]:
        return _in_slices(fn, paths)

    def use_drawn(
        self, path: str, unit: str, base: float, ppf: Callable[[Any], Any], describe: str, source: str
    ) -> str:
        from ._prediction import PpfDist

        if path not in self.vars:
            note = "the anchor's own distribution (drawn by its inverse CDF)"
            self.vars[path] = InputVar(path, unit, base, PpfDist(ppf, describe), True, None, note, source)
        return path

    def check(
        self,
        path: str,
        *,
        above: float | None = None,
        at_least: float | None = None,
        at_most: float | None = None,
        what: str,
    ) -> None:
        """Raise DistributionError if the input's distribution reaches outside the domain."""
        var = self.vars[path]
        if not var.uncertain:
            return
        lo, hi = var.dist.quantile(0.0), var.dist.quantile(1.0)
        # a lognormal's lower bound 0 is never drawn (exp of a finite normal draw)
        open_lo = isinstance(var.dist, LogNormal)
        bad = (
            (above is not None and (lo < above or (lo == above and not open_lo)))
            or (at_least is not None and lo < at_least)
            or (at_most is not None and hi > at_most)
        )
        if bad:
            raise _fail(
                var.path,
                f"the distribution reaches {lo:g} .. {hi:g}, but the model needs {what}; bound or truncate it",
                self.where,
            )


class CaseModel(SimModel):
    """Vectorised model of every anchor of a case, and the blended view.

    Build it with :func:`build_case_model`. Outputs: the anchor keys present in the deterministic
    triangulation (report order) plus ``'blended'`` when the case has blend weights.
    """

    def __init__(self) -> None:
        self._fns: dict[str, Callable[[Values], np.ndarray | float]] = {}
        self.notes: tuple[str, ...] = ()
        self.weights: dict[str, float] = {}
        self.case_id = ""
        self.company = ""
        self.as_of: Any = None
        self.spec_thresholds: tuple[str, ...] = ()

    @property
    def assumptions(self) -> tuple[str, ...]:
        """Default distributions assumed, then anchors left out of the simulation."""
        return super().assumptions + self.notes

    def evaluate(self, x: Values) -> dict[str, np.ndarray | float]:  # noqa: D102
        if len(x) < len(self.inputs):
            x = {**self.base_inputs(), **x}
        out = {k: fn(x) for k, fn in self._fns.items()}
        if self.weights:
            terms = [prod(w, out[k]) for k, w in self.weights.items() if w != 0]
            acc = terms[0]
            for t in terms[1:]:
                acc = acc + t
            out["blended"] = acc
        return out


def simulated(key: str) -> bool:
    """Return True if the anchor ``key`` is registered with a vectorised model."""
    return getattr(ANCHORS.get(key), "model", None) is not None


def build_case_model(
    loaded: LoadedCase,
    triangulation: Triangulation,
    spec: SimulationSpec | None = None,
    left_out: Sequence[str] = (),
) -> CaseModel:
    """Build the vectorised model of a case from its deterministic valuation.

    The case is not valued here: the caller hands in the triangulation it computed, and the
    model reads the same figures, FX rates, report currency and blend weights. Every anchor of
    the triangulation is modelled by its registered vectorised model
    (``anchorval.anchors.ANCHORS[key].model``).

    Parameters
    ----------
    loaded : LoadedCase
        The case with its resolved peers.
    triangulation : Triangulation
        The case's deterministic valuation over the anchors to model
        (``anchorval.workflows.value.value_loaded``).
    spec : SimulationSpec, optional
        Distributions and correlation that win over the case's own ``simulation`` section (each
        entry replaces the case's entry for that figure; a given correlation replaces the case's).
    left_out : sequence of str
        Anchors the caller valued but left out of the triangulation because they have no
        vectorised model (see :func:`simulated`); named in ``assumptions``.

    Returns
    -------
    CaseModel
        Outputs: the triangulation's anchor keys (report order), plus ``'blended'`` when it has
        a blended view.

    Raises
    ------
    DistributionError
        For an invalid distribution, an unknown figure path in the spec or correlation, a
        correlation matrix that is not positive semi-definite, a distribution outside an
        anchor's domain, an anchor without a vectorised model, or nothing to model; the message
        names the figure or anchor.
    MissingFigureError, FxRateMissingError
        As the deterministic anchors.
    """
    case = loaded.case
    where = f"{case.id}: "
    merged = _merge_specs(case.simulation, spec)
    t = triangulation
    keys = [a.anchor for a in t.anchors if a.anchor not in left_out]
    if not keys:
        raise _fail(
            ", ".join(left_out) or "anchors",
            "no anchor of this case has a vectorised model yet; nothing to simulate",
            where,
        )
    for k in keys:
        if not simulated(k):
            raise _fail(k, "no vectorised model for this anchor yet; pass anchors= to leave it out", where)
    ins = _Inputs(loaded, t.currency, merged, where)
    index = ins.index
    if merged is not None:
        for p in merged.distributions:
            if p not in index:
                raise _fail(p, f"no such figure in the case (figures: {', '.join(index)})", where, "spec")
    fns: dict[str, Callable[[Values], np.ndarray | float]] = {}
    held: dict[str, str] = {}
    for key in keys:
        entry = ANCHORS[key]
        assert entry.model is not None
        fns[key] = entry.model(case, ins)
        for prefix, why in entry.held_at_base:
            for p, (f, _o) in index.items():
                if p.startswith(prefix) and (
                    f.distribution is not None or f.lo != f.hi or (merged is not None and p in merged.distributions)
                ):
                    held.setdefault(p, f"{p}: distribution not simulated ({why})")
    # validate every stated distribution, also on figures no anchor reads (never ignore a typo)
    for path, (f, _owner) in index.items():
        if path not in ins.vars and (
            f.distribution is not None or (merged is not None and path in merged.distributions)
        ):
            ins.validate(path)
    model = CaseModel()
    model.notes = tuple(
        f"{k}: not simulated (no vectorised model yet); held out of the simulated blend" for k in left_out
    ) + tuple(held.values())
    model._fns = fns
    model.inputs = dict(ins.vars)
    model.outputs = tuple(keys) + (("blended",) if t.blended is not None else ())
    model.titles = {a.anchor: a.title for a in t.anchors} | {"blended": "Blended view"}
    model.bases = {a.anchor: float(a.base.amount) for a in t.anchors}
    if t.blended is not None:
        model.weights = {k: float(v) for k, v in t.blended.weights.items()}
        model.bases["blended"] = float(t.blended.base.amount)
    model.currency = t.currency
    model.case_id, model.company, model.as_of = case.id, case.company.name, case.as_of
    model.spec_thresholds = merged.thresholds if merged is not None else ()
    if merged is not None and merged.correlation is not None:
        cs = merged.correlation
        if cs.source is not None and cs.source not in case.sources:
            raise _fail(
                f"correlation [{', '.join(cs.figures)}]",
                f"source {cs.source!r} is not declared in sources",
                where,
                "correlation",
            )
        for p in cs.figures:
            if p not in index:
                raise _fail(p, "correlated figure is not in the case", where, "correlation")
            if p not in model.inputs:
                raise _fail(p, "correlated figure is not used by any anchor", where, "correlation")
            if not model.inputs[p].uncertain:
                raise _fail(
                    p,
                    "correlated figure is held at a point; give it a distribution",
                    where,
                    "correlation",
                )
        model.correlation = _loading(cs.figures, cs.matrix, where)
    return model


def _merge_specs(case_spec: SimulationSpec | None, extra: SimulationSpec | None) -> SimulationSpec | None:
    if extra is None:
        return case_spec
    if case_spec is None:
        return extra
    return SimulationSpec(
        distributions={**case_spec.distributions, **extra.distributions},
        correlation=extra.correlation or case_spec.correlation,
        thresholds=extra.thresholds or case_spec.thresholds,
        note=extra.note or case_spec.note,
    )

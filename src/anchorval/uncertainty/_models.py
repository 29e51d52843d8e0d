"""Vectorised (float64 numpy) versions of the anchors and the blended view.

The DCF, OPM backsolve and DLOM models live in :mod:`anchorval.uncertainty._fundamental`.

The deterministic anchors in :mod:`anchorval.anchors` stay the single source of truth: a
:class:`CaseModel` is built from the same case, uses the FX rates the deterministic anchors use
(same table, same dates), the blend weights of the deterministic triangulation, and, with every
input at its base value, reproduces each anchor's deterministic base to float precision (tested).

Formulas (totals in the report currency):

- ``perp_implied`` = contract price x reference shares x FX(settlement -> report); several
  venues: the median across venues per draw.
- ``arr_multiple`` = market ARR x FX x company share x revenue multiple.
- ``peer_multiple`` = peer P/S x target ARR run rate (or revenue) x FX, with
  P/S = (peer price x peer shares, or peer market cap) / (peer revenue x FX to the cap's currency);
  EV/Revenue adds debt and subtracts cash.
- ``last_round`` = post-money x FX.
- ``blended`` = sum of normalised weight x anchor value, per draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..anchors import AnchorContext
from ..cases import LoadedCase
from ..domain import Case, Figure, SimulationSpec, iter_figures
from ..errors import DistributionError
from ._distributions import (
    Distribution,
    _fail,
    default_distribution,
    parse_distribution,
)

__all__ = ["CaseModel", "FunctionModel", "InputVar", "SimModel", "build_case_model"]

#: Smallest eigenvalue tolerated in a correlation matrix (PSD check, float round-off).
PSD_TOLERANCE = 1e-10

Values = Mapping[str, "np.ndarray | float"]


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
            f"{v.path}: no distribution stated; assumed {v.assumption}"
            for v in self.inputs.values()
            if v.assumption
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


def _prod(*factors: np.ndarray | float) -> np.ndarray | float:
    """Product with the scalars folded first (one array pass per array factor)."""
    k = 1.0
    arrays = []
    for f in factors:
        if np.ndim(f) == 0:
            k *= float(f)
        else:
            arrays.append(f)
    if not arrays:
        return k
    out = arrays[0] * k
    for a in arrays[1:]:
        out *= a
    return out


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
            k: InputVar(k, "", float((base or {}).get(k, d.quantile(0.5))), d, stated=True)
            for k, d in inputs.items()
        }
        self.outputs = (output,)
        self.titles = {output: output}
        self.bases = {output: float(fn(**self.base_inputs()))}
        self.correlation = (
            None if correlation is None else _loading(tuple(correlation[0]), correlation[1], "")
        )

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


@dataclass
class _Inputs:
    """Collects the inputs an anchor reads, with their distributions."""

    case: Case
    peers: Mapping[str, Case]
    spec: SimulationSpec | None
    where: str
    vars: dict[str, InputVar] = field(default_factory=dict)

    def figure_index(self) -> dict[str, tuple[Figure, Case]]:
        out = {p: (f, self.case) for p, f in iter_figures(self.case)}
        if self.case.peer is not None and self.case.peer.case in self.peers:
            peer = self.peers[self.case.peer.case]
            out.update({f"peer.{p}": (f, peer) for p, f in iter_figures(peer)})
        return out

    def use(self, path: str, fig: Figure, owner: Case) -> str:
        if path in self.vars:
            return path
        stated = None
        origin = "figure"
        if self.spec is not None and path in self.spec.distributions:
            stated, origin = self.spec.distributions[path], "spec"
        elif fig.distribution is not None:
            stated = fig.distribution
        if stated is not None:
            try:
                dist = parse_distribution(stated, fig, path, self.where)
            except DistributionError as exc:
                exc.origin = origin
                raise
            src = stated.get("source")
            if src is not None and src not in owner.sources:
                raise _fail(
                    path,
                    f"distribution source {src!r} is not declared in sources",
                    self.where,
                    origin,
                )
            var = InputVar(
                path, fig.unit, float(fig.base), dist, True, None, stated.get("note"), src
            )
        else:
            dist, assumed = default_distribution(fig)
            var = InputVar(path, fig.unit, float(fig.base), dist, False, assumed)
        self.vars[path] = var
        return path


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
            terms = [_prod(w, out[k]) for k, w in self.weights.items() if w != 0]
            acc = terms[0]
            for t in terms[1:]:
                acc = acc + t
            out["blended"] = acc
        return out


#: Anchors with a vectorised model (the others are left out of a default simulation, and named).
SIMULATED_ANCHORS = frozenset(
    {
        "market_value",
        "peer_multiple",
        "perp_implied",
        "arr_multiple",
        "last_round",
        "dcf",
        "opm_last_round",
        "opm_perp",
    }
)


def build_case_model(
    loaded: LoadedCase,
    spec: SimulationSpec | None = None,
    currency: str | None = None,
    weights: Mapping[str, float] | None = None,
    anchors: Sequence[str] | None = None,
    full: Any = None,
) -> CaseModel:
    """Build the vectorised model of a case from the same figures and FX as the deterministic view.

    Parameters
    ----------
    loaded : LoadedCase
        The case with its resolved peers.
    spec : SimulationSpec, optional
        Distributions and correlation that win over the case's own ``simulation`` section (each
        entry replaces the case's entry for that figure; a given correlation replaces the case's).
    currency : str, optional
        Report currency (default: the case's).
    weights : mapping of str to float, optional
        Blend weights (default: the case's); normalised over the anchors present.
    anchors : sequence of str, optional
        Anchor keys to model (default: every anchor the deterministic view computes that has a
        vectorised model, see :data:`SIMULATED_ANCHORS`; the others are named in ``assumptions``).
    full : Triangulation, optional
        The deterministic view of every anchor, already valued with the same ``currency`` and
        ``weights`` (the workflow values once and hands it on); valued here when not given.

    Returns
    -------
    CaseModel

    Raises
    ------
    DistributionError
        For an invalid distribution, an unknown figure path in the spec or correlation, or a
        correlation matrix that is not positive semi-definite; the message names the figure.
    MissingFigureError, FxRateMissingError
        As the deterministic anchors.
    """
    from ..workflows.value import value_loaded
    from ._fundamental import dcf_fn, gross_margin_factor_fn, opm_fn

    case = loaded.case
    where = f"{case.id}: "
    merged = _merge_specs(case.simulation, spec)
    not_simulated: list[str] = []
    t = None
    if anchors is None:
        # default: every anchor the deterministic view computes that has a vectorised model
        full = full if full is not None else value_loaded(loaded, None, currency, weights)
        anchors = [a.anchor for a in full.anchors if a.anchor in SIMULATED_ANCHORS]
        not_simulated = [a.anchor for a in full.anchors if a.anchor not in SIMULATED_ANCHORS]
        if not anchors:  # an empty list would mean "every anchor" to value_loaded
            raise _fail(
                ", ".join(not_simulated) or "anchors",
                "no anchor of this case has a vectorised model yet; nothing to simulate",
                where,
            )
        if not not_simulated:  # every computed anchor has a model: the full view is the one to model
            t = full
    if t is None:
        t = value_loaded(loaded, anchors, currency, weights)
    ctx = AnchorContext(fx=loaded.fx, peers=dict(loaded.peers), currency=currency)
    cur = t.currency
    ins = _Inputs(case, loaded.peers, merged, where)
    index = ins.figure_index()
    if merged is not None:
        for p in merged.distributions:
            if p not in index:
                raise _fail(
                    p, f"no such figure in the case (figures: {', '.join(index)})", where, "spec"
                )

    def fx(unit: str, on: Any, to: str | None = None) -> float:
        return float(ctx.fx.rate(unit, to or cur, on).rate)

    def use(path: str) -> str:
        f, owner = index[path]
        return ins.use(path, f, owner)

    fns: dict[str, Callable[[Values], np.ndarray | float]] = {}
    extra_notes: list[str] = []
    present = [a.anchor for a in t.anchors]
    for key in present:
        if key == "perp_implied":
            legs = []
            for i, q in enumerate(case.perps):
                legs.append(
                    (
                        use(f"perps[{i}].price"),
                        use(f"perps[{i}].reference_shares"),
                        fx(q.price.unit, case.as_of),
                    )
                )
            fns[key] = _perp_fn(legs)
        elif key == "arr_multiple":
            s = case.arr_multiple
            assert s is not None
            m, sh, mu = (
                use("arr_multiple.market_arr"),
                use("arr_multiple.share"),
                use("arr_multiple.multiples"),
            )
            k = fx(s.market_arr.unit, case.as_of)
            # the unit-economics gross-margin adjustment, when the case gives a benchmark
            gm = gross_margin_factor_fn(case, use, lambda p: ins.vars[p], fx, where)
            if gm is None:
                fns[key] = lambda x, m=m, sh=sh, mu=mu, k=k: _prod(k, x[m], x[sh], x[mu])
            else:
                fns[key] = lambda x, m=m, sh=sh, mu=mu, k=k, gm=gm: _prod(
                    k, x[m], x[sh], x[mu], gm(x)
                )
        elif key == "last_round":
            r = case.last_round
            assert r is not None
            i = case.funding_rounds.index(r)
            p = use(f"funding_rounds[{i}].post_money")
            k = fx(r.post_money.unit, case.as_of)
            fns[key] = lambda x, p=p, k=k: _prod(k, x[p])
        elif key == "peer_multiple":
            fns[key] = _peer_fn(case, loaded.peers, use, fx)
        elif key == "market_value":
            cap = case.capital
            assert cap is not None
            if cap.share_price is not None and cap.shares_outstanding is not None:
                pr, sh = use("capital.share_price"), use("capital.shares_outstanding")
                k = fx(cap.share_price.unit, case.as_of)
                fns[key] = lambda x, pr=pr, sh=sh, k=k: _prod(k, x[pr], x[sh])
            else:
                assert cap.market_cap is not None
                mc = use("capital.market_cap")
                k = fx(cap.market_cap.unit, case.as_of)
                fns[key] = lambda x, mc=mc, k=k: _prod(k, x[mc])
        elif key == "dcf":
            fns[key] = dcf_fn(case, use, lambda p: ins.vars[p], fx, where)
        elif key in ("opm_last_round", "opm_perp"):
            fns[key] = opm_fn(key, case, use, lambda p: ins.vars[p], fx, where, ctx)
            if not extra_notes:  # the OPM holds the cap table at base: name what is not drawn
                extra_notes.extend(
                    f"{p}: distribution not simulated (the OPM holds the cap table at its base "
                    "values)"
                    for p, (f, _o) in index.items()
                    if p.startswith("cap_table.")
                    and (
                        f.distribution is not None
                        or f.lo != f.hi
                        or (merged is not None and p in merged.distributions)
                    )
                )
        else:  # an anchor registered later without a vectorised model
            raise _fail(
                key, "no vectorised model for this anchor yet; pass anchors= to leave it out", where
            )
    # validate every stated distribution, also on figures no anchor reads (never ignore a typo)
    for path, (f, owner) in index.items():
        if path not in ins.vars and (
            f.distribution is not None or (merged is not None and path in merged.distributions)
        ):
            _Inputs(owner if path.startswith("peer.") else case, loaded.peers, merged, where).use(
                path, f, owner
            )
    model = CaseModel()
    model.notes = tuple(
        f"{k}: not simulated (no vectorised model yet); held out of the simulated blend"
        for k in not_simulated
    ) + tuple(extra_notes)
    model._fns = fns
    model.inputs = dict(ins.vars)
    model.outputs = tuple(present) + (("blended",) if t.blended is not None else ())
    model.titles = {a.anchor: a.title for a in t.anchors} | {"blended": "Blended view"}
    model.bases = {a.anchor: float(a.base.amount) for a in t.anchors}
    if t.blended is not None:
        model.weights = {k: float(v) for k, v in t.blended.weights.items()}
        model.bases["blended"] = float(t.blended.base.amount)
    model.currency = cur
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


def _merge_specs(
    case_spec: SimulationSpec | None, extra: SimulationSpec | None
) -> SimulationSpec | None:
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


def _perp_fn(legs: list[tuple[str, str, float]]) -> Callable[[Values], np.ndarray | float]:
    def fn(x: Values) -> np.ndarray | float:
        vals = [_prod(k, x[p], x[s]) for p, s, k in legs]
        if len(vals) == 1:
            return vals[0]
        if all(np.ndim(v) == 0 for v in vals):
            return float(np.median(vals))
        return np.median(np.stack(np.broadcast_arrays(*vals)), axis=0)

    return fn


def _peer_fn(
    case: Case, peers: Mapping[str, Case], use: Callable[[str], str], fx: Callable[..., float]
) -> Callable[[Values], np.ndarray | float]:
    spec = case.peer
    assert spec is not None
    peer = peers[spec.case]
    cap = peer.capital
    assert cap is not None and peer.financials is not None and peer.financials.revenue is not None
    if cap.share_price is not None and cap.shares_outstanding is not None:
        cap_cur = cap.share_price.unit
        cap_terms = (
            "product",
            use("peer.capital.share_price"),
            use("peer.capital.shares_outstanding"),
        )
    else:
        assert cap.market_cap is not None
        cap_cur = cap.market_cap.unit
        cap_terms = ("single", use("peer.capital.market_cap"), "")
    ev: list[tuple[str, float, float]] = []
    if spec.metric == "ev_revenue":
        if cap.debt is not None:
            ev.append((use("peer.capital.debt"), fx(cap.debt.unit, peer.as_of, cap_cur), 1.0))
        if cap.cash is not None:
            ev.append((use("peer.capital.cash"), fx(cap.cash.unit, peer.as_of, cap_cur), -1.0))
    rev = use("peer.financials.revenue")
    k_rev = fx(peer.financials.revenue.unit, peer.as_of, cap_cur)
    fin = case.financials
    target_fig = getattr(fin, spec.applied_to)
    target = use(f"financials.{spec.applied_to}")
    k_t = fx(target_fig.unit, case.as_of)

    def fn(x: Values) -> np.ndarray | float:
        num = (
            _prod(x[cap_terms[1]], x[cap_terms[2]])
            if cap_terms[0] == "product"
            else x[cap_terms[1]]
        )
        for p, k, sign in ev:
            num = num + _prod(sign * k, x[p])
        multiple = num / _prod(k_rev, x[rev])
        return _prod(k_t, x[target], multiple)

    return fn

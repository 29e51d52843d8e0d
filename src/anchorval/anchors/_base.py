"""Shared types of every anchor: AnchorResult, its derivation steps, and the context anchors read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from ..domain import Case, Figure, FigureRef, is_assumption_source, iter_figures
from ..errors import MSG_MISSING_FIGURE, MissingFigureError, ModelInputError
from ..money import FxRate, FxTable, Money, format_money

__all__ = [
    "Anchor",
    "AnchorContext",
    "ModelInputs",
    "PointInputs",
    "AnchorResult",
    "Derivation",
    "FigureRef",
    "GridCell",
    "Step",
]


@dataclass(frozen=True)
class Step:
    """One step of an anchor's derivation.

    Attributes
    ----------
    label : str
        Short name of the step (``'Implied valuation'``).
    formula : str
        The formula in words (``'price x reference shares x USDT/USD'``).
    value : str
        Result, formatted for people.
    figures : tuple of FigureRef
        Case figures the step used.
    fx : tuple of FxRate
        FX rates the step used.
    """

    label: str
    formula: str
    value: str
    figures: tuple[FigureRef, ...] = ()
    fx: tuple[FxRate, ...] = ()


@dataclass(frozen=True)
class GridCell:
    """One cell of a scenario grid (e.g. ARR x multiple).

    Attributes
    ----------
    inputs : dict of str to str
        Input values of the cell, formatted (``{'market_arr': '140B USD', 'multiple': '10x'}``).
    value : Money
        Valuation of the cell, in the report currency.
    """

    inputs: Mapping[str, str]
    value: Money


@dataclass(frozen=True)
class AnchorResult:
    """The result of one valuation anchor.

    Attributes
    ----------
    anchor : str
        Anchor key (``'perp_implied'``).
    title : str
        Human title (``'Pre-IPO perpetual (Binance ANTHROPICUSDT)'``).
    method : str
        Standard term for the method (``'market-implied valuation'``).
    low, base, high : Money
        Equity valuation range in the report currency (totals), ``low <= base <= high``.
    steps : tuple of Step
        The derivation, in order.
    warnings : tuple of str
        Data-quality and interpretation warnings.
    caveat : str
        The caveat the method always carries.
    cells : tuple of GridCell
        Every cell of the scenario grid, where the anchor has one.
    metrics : dict of str to Any
        Extra named results (``{'ps': Decimal('1248.2')}``, ``{'age_days': 52}``).
    """

    anchor: str
    title: str
    method: str
    low: Money
    base: Money
    high: Money
    steps: tuple[Step, ...]
    warnings: tuple[str, ...] = ()
    caveat: str = ""
    cells: tuple[GridCell, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fx_rates(self) -> tuple[FxRate, ...]:
        """FX rates used anywhere in the derivation, de-duplicated."""
        seen: dict[tuple[str, str, date], FxRate] = {}
        for s in self.steps:
            for r in s.fx:
                seen.setdefault((r.base, r.quote, r.on), r)
        return tuple(seen.values())

    @property
    def figures(self) -> tuple[FigureRef, ...]:
        """Case figures used anywhere in the derivation, de-duplicated by case and path."""
        seen: dict[tuple[str, str], FigureRef] = {}
        for s in self.steps:
            for f in s.figures:
                seen.setdefault((f.case_id, f.path), f)
        return tuple(seen.values())


@dataclass
class AnchorContext:
    """What an anchor reads besides the case: FX rates and resolved peer cases.

    Parameters
    ----------
    fx : FxTable
        FX rate source (case overrides first, ECB default).
    peers : mapping of str to Case
        Peer cases by id.
    currency : str or None
        Report currency; ``None`` uses the case's ``report_currency``.
    """

    fx: FxTable
    peers: Mapping[str, Case] = field(default_factory=dict)
    currency: str | None = None

    @classmethod
    def for_case(
        cls, case: Case, peers: Mapping[str, Case] | None = None, currency: str | None = None
    ) -> AnchorContext:
        """Build a context whose FX table holds the case's own rates (and its peers').

        Parameters
        ----------
        case : Case
            The case being valued.
        peers : mapping of str to Case, optional
            Resolved peer cases.
        currency : str, optional
            Report currency override.

        Returns
        -------
        AnchorContext
        """
        rates = [r.to_rate() for r in case.fx_rates]
        for p in (peers or {}).values():
            rates += [r.to_rate() for r in p.fx_rates]
        return cls(fx=FxTable(overrides=rates), peers=dict(peers or {}), currency=currency)


class Derivation:
    """Builder for an AnchorResult's steps: cites figures and converts money as it goes.

    Parameters
    ----------
    case : Case
        Case whose figures are cited.
    ctx : AnchorContext
        FX and peers.
    needed_by : str
        Anchor key, used in missing-figure errors.
    """

    def __init__(self, case: Case, ctx: AnchorContext, needed_by: str) -> None:
        self.case = case
        self.ctx = ctx
        self.needed_by = needed_by
        self.currency = ctx.currency or case.report_currency
        self.steps: list[Step] = []
        self.warnings: list[str] = []

    def require(self, obj: Any, path: str, case: Case | None = None) -> Any:
        """Return ``obj`` or raise MissingFigureError naming ``path``.

        Raises
        ------
        MissingFigureError
            If ``obj`` is None.
        """
        if obj is None:
            c = case or self.case
            raise MissingFigureError(MSG_MISSING_FIGURE.format(case=c.id, field=path, needed_by=self.needed_by))
        return obj

    def ref(self, fig: Figure, path: str, case: Case | None = None) -> FigureRef:
        """Cite one figure of ``case`` (default: the case being valued)."""
        c = case or self.case
        return FigureRef(
            case_id=c.id,
            path=path,
            display=fig.display(),
            as_of=fig.as_of,
            source_id=fig.source,
            source=c.sources[fig.source],
            note=fig.note,
            assumption=is_assumption_source(fig.source, c.sources[fig.source]),
            kind=fig.provenance,
        )

    def rate(self, currency: str, on: date, to: str | None = None) -> FxRate:
        """FX rate from ``currency`` to ``to`` (default: report currency) for ``on``.

        An assumed rate (no source) is named once in the warnings.
        """
        rate = self.ctx.fx.rate(currency, to or self.currency, on)
        if rate.assumption:
            msg = f"FX {rate.pair} {rate.rate}: {rate.source}"
            if msg not in self.warnings:
                self.warnings.append(msg)
        return rate

    def convert(self, m: Money, on: date, to: str | None = None) -> tuple[Money, FxRate]:
        """Convert ``m`` to ``to`` (default: report currency) at the rate for ``on``."""
        rate = self.rate(m.currency, on, to)
        return Money(m.amount * rate.rate, to or self.currency), rate

    def step(
        self,
        label: str,
        formula: str,
        value: Money | Decimal | str,
        figures: tuple[FigureRef, ...] = (),
        fx: tuple[FxRate, ...] = (),
    ) -> None:
        """Append a step; Money is shown with 4 significant digits, Decimals as given."""
        shown = format_money(value) if isinstance(value, Money) else str(value)
        self.steps.append(Step(label, formula, shown, figures, fx))

    def result(
        self,
        anchor: str,
        title: str,
        method: str,
        low: Money,
        base: Money,
        high: Money,
        caveat: str,
        cells: tuple[GridCell, ...] = (),
        metrics: Mapping[str, Any] | None = None,
    ) -> AnchorResult:
        """Freeze the derivation into an AnchorResult (low/base/high sorted defensively)."""
        lo, hi = min(low, base, high), max(low, base, high)
        return AnchorResult(
            anchor=anchor,
            title=title,
            method=method,
            low=lo,
            base=base,
            high=hi,
            steps=tuple(self.steps),
            warnings=tuple(self.warnings),
            caveat=caveat,
            cells=cells,
            metrics=dict(metrics or {}),
        )


class ModelInputs(Protocol):
    """What an anchor's vectorised model reads besides the case (implemented by the simulation).

    An anchor's ``model(case, m)`` registers every figure it reads with :meth:`use` (so any of
    them can carry a distribution), checks that each distribution stays inside the formula's
    domain, and returns ``fn(x)``: the anchor's formula on the draws ``x`` (figure path ->
    ndarray of shape (n_draws,) or float), a total in the report currency per draw.

    Attributes
    ----------
    ctx : AnchorContext
        The deterministic anchors' context (FX table, peers, report currency).
    currency : str
        Report currency.
    where : str
        Prefix of error messages (``'<case id>: '``).
    """

    ctx: AnchorContext
    currency: str
    where: str

    def use(self, path: str) -> str:
        """Register figure ``path`` (``'peer.'`` prefix for the peer's) as an input; its key."""
        ...

    def fx(self, unit: str, on: date, to: str | None = None) -> float:
        """FX rate from ``unit`` to ``to`` (default: report currency) on ``on``, as a float."""
        ...

    def bounds(self, path: str) -> tuple[float, float]:
        """Lowest and highest value the input can draw (its base twice when held at a point)."""
        ...

    def uncertain(self, path: str) -> bool:
        """Return True unless the input is held at a point."""
        ...

    def check(
        self,
        path: str,
        *,
        above: float | None = None,
        at_least: float | None = None,
        at_most: float | None = None,
        what: str,
    ) -> None:
        """Raise if the input's distribution reaches outside the formula's domain."""
        ...

    def fail(self, path: str, why: str) -> Exception:
        """Return the error to raise for input ``path`` (the simulation's DistributionError)."""
        ...

    def sliced(self, fn: Callable[[Any], Any], paths: list[str]) -> Callable[[Any], Any]:
        """``fn`` evaluated on cache-sized slices of draws (for formulas with many temporaries)."""
        ...

    def use_drawn(
        self, path: str, unit: str, base: float, ppf: Callable[[Any], Any], describe: str, source: str
    ) -> str:
        """Register an input the anchor draws by its own inverse CDF ``ppf`` (u in (0, 1) -> value).

        For an input that is a distribution rather than a figure (a prediction-market ladder);
        ``base`` is its deterministic value, ``describe`` names the distribution, ``source`` cites it.
        """
        ...


class PointInputs:
    """:class:`ModelInputs` holding every figure at its base value (no distributions).

    Evaluates an anchor's vectorised model at the base without the simulation: every range is
    a point, every domain check passes, nothing is sliced.

    Parameters
    ----------
    case : Case
        The case.
    ctx : AnchorContext
        FX table, resolved peers, report currency.

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> from anchorval.anchors.last_round import last_round_model
    >>> lc = resolve_case("anthropic-2026-06")
    >>> m = PointInputs(lc.case, AnchorContext.for_case(lc.case, lc.peers))
    >>> last_round_model(lc.case, m)(m.values())
    965000000000.0
    """

    def __init__(self, case: Case, ctx: AnchorContext) -> None:
        self.ctx = ctx
        self.currency = ctx.currency or case.report_currency
        self.where = f"{case.id}: "
        self.index = {p: f for p, f in iter_figures(case)}
        if case.peer is not None and case.peer.case in ctx.peers:
            self.index.update({f"peer.{p}": f for p, f in iter_figures(ctx.peers[case.peer.case])})
        self.used: dict[str, float] = {}

    def use(self, path: str) -> str:
        """Register figure ``path``; its key."""
        self.used[path] = float(self.index[path].base)
        return path

    def values(self) -> dict[str, float]:
        """Return the base value of every registered figure (its unit: totals, x, ratios)."""
        return dict(self.used)

    def fx(self, unit: str, on: date, to: str | None = None) -> float:
        """FX rate from ``unit`` to ``to`` (default: report currency), as a float."""
        return float(self.ctx.fx.rate(unit, to or self.currency, on).rate)

    def bounds(self, path: str) -> tuple[float, float]:
        """Return the base value twice (a point)."""
        return self.used[path], self.used[path]

    def uncertain(self, path: str) -> bool:
        """Return False: every input is held at its base."""
        return False

    def check(
        self,
        path: str,
        *,
        above: float | None = None,
        at_least: float | None = None,
        at_most: float | None = None,
        what: str,
    ) -> None:
        """Pass: a base value of the case's validated figures needs no distribution check."""

    def fail(self, path: str, why: str) -> Exception:
        """Return a ModelInputError naming the figure."""
        return ModelInputError(path, why)

    def sliced(self, fn: Callable[[Any], Any], paths: list[str]) -> Callable[[Any], Any]:
        """Return ``fn`` itself (no draws to slice)."""
        return fn

    def use_drawn(
        self, path: str, unit: str, base: float, ppf: Callable[[Any], Any], describe: str, source: str
    ) -> str:
        """Register an input drawn by its own inverse CDF; held at ``base`` here."""
        self.used[path] = float(base)
        return path


#: ``model(case, inputs) -> fn(x)``: an anchor's vectorised model (see :class:`ModelInputs`).
ModelFn = Callable[[Case, ModelInputs], Callable[[Any], Any]]


@dataclass(frozen=True)
class Anchor:
    """One registered anchor: its deterministic derivation and its vectorised model.

    Both call the same formula functions (:mod:`anchorval.anchors._formulas`,
    :mod:`~anchorval.anchors._dcf_math`, :mod:`~anchorval.anchors._opm_math`): the derivation on
    the figures' base values (Decimal money, cited steps), the model on arrays of draws.
    Calling the entry values the case (``ANCHORS[key](case, ctx)``).

    Attributes
    ----------
    key : str
        Anchor key (``'perp_implied'``).
    value : callable
        ``value(case, ctx) -> AnchorResult``: the deterministic derivation.
    model : callable or None
        ``model(case, inputs) -> fn(x)``: the vectorised model (see :class:`ModelInputs`).
    held_at_base : tuple of (str, str)
        Figure-path prefixes the model reads at their base values only, each with the reason
        (a distribution on them is named as not simulated), e.g. ``('cap_table.', 'the OPM
        holds the cap table at its base values')``.
    """

    key: str
    value: Callable[[Case, AnchorContext], AnchorResult]
    model: ModelFn | None = None
    held_at_base: tuple[tuple[str, str], ...] = ()

    def __call__(self, case: Case, ctx: AnchorContext) -> AnchorResult:
        """Value ``case`` (the deterministic derivation)."""
        return self.value(case, ctx)

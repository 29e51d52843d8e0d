"""Shared types of every anchor: AnchorResult, its derivation steps, and the context anchors read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain import Case, Figure, FigureRef, is_assumption_source
from ..errors import MSG_MISSING_FIGURE, MissingFigureError
from ..money import FxRate, FxTable, Money, format_money

__all__ = [
    "AnchorContext",
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
            raise MissingFigureError(
                MSG_MISSING_FIGURE.format(case=c.id, field=path, needed_by=self.needed_by)
            )
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

    def convert(self, m: Money, on: date, to: str | None = None) -> tuple[Money, FxRate]:
        """Convert ``m`` to ``to`` (default: report currency) at the rate for ``on``."""
        to = to or self.currency
        rate = self.ctx.fx.rate(m.currency, to, on)
        if rate.assumption:
            msg = f"FX {rate.pair} {rate.rate}: {rate.source}"
            if msg not in self.warnings:
                self.warnings.append(msg)
        return Money(m.amount * rate.rate, to), rate

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

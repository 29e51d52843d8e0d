"""Triangulation: every anchor in one currency, the spread between them, and a blended view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain import Case, Source, provenance_warnings
from ..errors import AmountParseError, CurrencyMismatchError, ModelInputError
from ..money import FxRate, Money, amount_str, format_money, format_number, jsonable, parse_number
from ._base import AnchorResult

__all__ = ["JSON_SCHEMA_ID", "LOG_AXIS_SPAN", "BlendedView", "ReferenceLine", "Triangulation", "triangulate"]

#: Draw the football field on a log axis when max(high) / min(low) exceeds this (10 = 10x).
LOG_AXIS_SPAN = Decimal(10)
#: Identifier and version of the JSON output of ``anchorval value``; bump on breaking change.
JSON_SCHEMA_ID = "anchorval.triangulation/1"


def _max_over_min(hi: Decimal, lo: Decimal) -> Decimal:
    """``hi / lo`` (x); infinite when an anchor is zero or negative (a ratio is then meaningless)."""
    return hi / lo if lo > 0 else Decimal("Infinity")


@dataclass(frozen=True)
class ReferenceLine:
    """A vertical reference on the football field (last round, live marks).

    Attributes
    ----------
    label : str
        Legend text.
    value : Money
        Valuation (total, report currency).
    kind : {'last_round', 'live_mark'}
        What the line marks.
    as_of : date
        Date of the mark.
    """

    label: str
    value: Money
    kind: str
    as_of: date


@dataclass(frozen=True)
class BlendedView:
    """Weighted average of anchors' low, base and high.

    Attributes
    ----------
    weights : dict of str to Decimal
        Normalised weights (sum to 1) by anchor key; the inputs are explicit, never implied.
    low, base, high : Money
        Weighted arithmetic means of the anchors' low, base and high (totals, report currency).
    ignored : tuple of str
        Anchors given a positive weight that were not computed; the other weights were
        renormalised without them (reports say so).
    """

    weights: Mapping[str, Decimal]
    low: Money
    base: Money
    high: Money
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class Triangulation:
    """All anchors of one case side by side.

    Attributes
    ----------
    case_id, company : str
        Case id and company name.
    as_of : date
        Case date.
    currency : str
        Report currency of every amount.
    anchors : tuple of AnchorResult
        In report order.
    references : tuple of ReferenceLine
        Last round and live marks.
    blended : BlendedView or None
        Present when weights were given.
    sources : dict of str to Source
        Every cited source, keyed ``'<case_id>:<source_id>'``.
    notes : tuple of str
        Case notes (which figures are primary and why).
    skipped : dict of str to str
        Anchors not computed and why (missing figures).
    checks : tuple of str
        Warnings about the case's own figures, with the numbers: stated totals that differ from
        their recomputation, a stale peer case, two readings a power of ten apart (see
        :func:`anchorval.domain.provenance_warnings`).
    """

    case_id: str
    company: str
    as_of: date
    currency: str
    anchors: tuple[AnchorResult, ...]
    references: tuple[ReferenceLine, ...] = ()
    blended: BlendedView | None = None
    sources: Mapping[str, Source] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    skipped: Mapping[str, str] = field(default_factory=dict)
    checks: tuple[str, ...] = ()

    @property
    def spread(self) -> Decimal:
        """Spread of base values: max(base) / min(base) (x, 1 = all agree)."""
        bases = [a.base.amount for a in self.anchors]
        return _max_over_min(max(bases), min(bases))

    @property
    def span(self) -> Decimal:
        """Span of all ranges: max(high) / min(low) (x)."""
        return _max_over_min(max(a.high.amount for a in self.anchors), min(a.low.amount for a in self.anchors))

    @property
    def log_axis(self) -> bool:
        """True when the football field should use a log axis (span above :data:`LOG_AXIS_SPAN`)."""
        return self.span > LOG_AXIS_SPAN

    @property
    def fx_rates(self) -> tuple[FxRate, ...]:
        """Every FX rate used by any anchor, de-duplicated."""
        seen: dict[tuple[str, str, date], FxRate] = {}
        for a in self.anchors:
            for r in a.fx_rates:
                if r.base != r.quote:
                    seen.setdefault((r.base, r.quote, r.on), r)
        return tuple(seen.values())

    def anchor(self, key: str) -> AnchorResult:
        """Return the result of one anchor by key.

        Raises
        ------
        KeyError
            If the anchor was not computed.
        """
        for a in self.anchors:
            if a.anchor == key:
                return a
        raise KeyError(key)

    def to_frame(self) -> Any:
        """Football-field table as a pandas DataFrame.

        Returns
        -------
        pandas.DataFrame
            Index: anchor key. Columns: ``title``, ``method``, ``low``, ``base``, ``high`` (floats,
            totals in :attr:`currency`), ``currency``, ``warnings`` (count).
        """
        import pandas as pd

        rows = [
            {
                "anchor": a.anchor,
                "title": a.title,
                "method": a.method,
                "low": float(a.low.amount),
                "base": float(a.base.amount),
                "high": float(a.high.amount),
                "currency": self.currency,
                "warnings": len(a.warnings),
            }
            for a in self.anchors
        ]
        return pd.DataFrame(rows).set_index("anchor")

    def _repr_html_(self) -> str:
        import html

        money = {c: (lambda v: f"{format_number(v, 4)} {self.currency}") for c in ("low", "base", "high")}
        head = (
            f"<p><strong>{html.escape(self.company)}</strong>: valuation anchors as of {self.as_of} "
            f"({self.currency}, totals); spread of base values (max/min) {self.spread:.2f}x</p>"
        )
        if self.blended is not None:
            b = self.blended
            w = ", ".join(f"{html.escape(k)} {v:.0%}" for k, v in b.weights.items())
            head += (
                f"<p>Blended (weights {w}): low {format_money(b.low)}, base {format_money(b.base)}, "
                f"high {format_money(b.high)}</p>"
            )
        df = self.to_frame().drop(columns=["currency"])
        return head + df.to_html(formatters=money)

    def to_dict(self) -> dict[str, Any]:
        """Build the stable JSON structure of a triangulation (see ``docs/json.md``).

        Returns
        -------
        dict
            Amounts are decimal strings rounded to the cent, totals in ``currency`` (not millions);
            ratios (``spread``, ``span``) are decimal strings in x.

        Examples
        --------
        >>> import anchorval
        >>> d = anchorval.value("anthropic-2026-06").to_dict()
        >>> d["schema"], d["anchors"][1]["anchor"], d["anchors"][1]["base"]
        ('anchorval.triangulation/1', 'perp_implied', '1718000000000.00')
        """
        return {
            "schema": JSON_SCHEMA_ID,
            "case": self.case_id,
            "company": self.company,
            "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "anchors": [
                {
                    "anchor": a.anchor,
                    "title": a.title,
                    "method": a.method,
                    "low": amount_str(a.low),
                    "base": amount_str(a.base),
                    "high": amount_str(a.high),
                    "caveat": a.caveat,
                    "warnings": list(a.warnings),
                    "steps": [
                        {
                            "label": s.label,
                            "formula": s.formula,
                            "value": s.value,
                            "figures": [
                                {
                                    "case": f.case_id,
                                    "path": f.path,
                                    "value": f.display,
                                    "as_of": f.as_of.isoformat(),
                                    "source": f"{f.case_id}:{f.source_id}",
                                    "kind": f.kind,
                                }
                                for f in s.figures
                            ],
                            "fx": [jsonable(r) for r in s.fx if r.base != r.quote],
                        }
                        for s in a.steps
                    ],
                    "cells": [{"inputs": dict(c.inputs), "value": amount_str(c.value)} for c in a.cells],
                    "metrics": jsonable(a.metrics),
                }
                for a in self.anchors
            ],
            "spread": f"{self.spread:.6f}",
            "span": f"{self.span:.6f}",
            "log_axis": self.log_axis,
            "references": [
                {"label": r.label, "kind": r.kind, "value": amount_str(r.value), "as_of": r.as_of.isoformat()}
                for r in self.references
            ],
            "blended": None
            if self.blended is None
            else {
                "weights": {k: f"{v:.6f}" for k, v in self.blended.weights.items()},
                "low": amount_str(self.blended.low),
                "base": amount_str(self.blended.base),
                "high": amount_str(self.blended.high),
            },
            "fx_rates": [jsonable(r) for r in self.fx_rates],
            "sources": {
                k: {
                    "title": s.title,
                    "publisher": s.publisher,
                    "date": s.date.isoformat(),
                    "url": s.url,
                    "note": s.note,
                }
                for k, s in self.sources.items()
            },
            "notes": list(self.notes),
            "skipped": dict(self.skipped),
            "checks": list(self.checks),
        }


def triangulate(
    results: Sequence[AnchorResult],
    case: Case,
    weights: Mapping[str, Decimal | float] | None = None,
    sources: Mapping[str, Source] | None = None,
    skipped: Mapping[str, str] | None = None,
    peers: Mapping[str, Case] | None = None,
) -> Triangulation:
    """Put anchor results side by side, with reference lines and an optional blended view.

    Parameters
    ----------
    results : sequence of AnchorResult
        All in one currency.
    case : Case
        The valued case (for reference lines, notes and dates).
    weights : mapping of str to number, optional
        Blend weights by anchor key (non-negative; normalised over the anchors present).
        ``None`` uses ``case.blend_weights``; an empty mapping gives no blended view.
    sources : mapping of str to Source, optional
        Cited sources keyed ``'<case_id>:<source_id>'``; default: collected from the results.
    skipped : mapping of str to str, optional
        Anchors not computed and why.
    peers : mapping of str to Case, optional
        The case's resolved peer cases, for the provenance checks (peer age).

    Returns
    -------
    Triangulation

    Raises
    ------
    ModelInputError
        (a ``ValueError``) If there are no results, or a weight is negative, or all weights of
        present anchors are 0.
    CurrencyMismatchError
        If the results are in different currencies.
    """
    if not results:
        raise ModelInputError("results", "nothing to triangulate: no anchor could be computed")
    cur = results[0].base.currency
    for r in results:
        if r.base.currency != cur:
            raise CurrencyMismatchError(f"anchor {r.anchor} is in {r.base.currency}, not {cur}")
    refs: list[ReferenceLine] = []
    for r in results:
        if r.anchor == "last_round":
            refs.append(
                ReferenceLine(
                    f"Last round post-money ({format_money(r.base)})",
                    r.base,
                    "last_round",
                    case.last_round.date if case.last_round else case.as_of,
                )
            )
        if r.anchor == "perp_implied":
            for key, v in r.metrics.get("implied", {}).items():
                refs.append(ReferenceLine(f"Perp mark {key} ({format_money(v)})", v, "live_mark", case.as_of))
    w = case.blend_weights if weights is None else weights
    blended = None
    present = {r.anchor: r for r in results}
    if w:
        from . import ANCHORS

        unknown = [k for k in w if k not in ANCHORS]
        if unknown:
            raise ModelInputError(
                "blend weights", f"unknown anchor {', '.join(map(repr, unknown))} (anchors: {', '.join(ANCHORS)})"
            )
        ws = {}
        for k, v in w.items():
            try:
                d = parse_number(v)
            except AmountParseError:
                raise ModelInputError("blend weights", f"{k}: {v!r} is not a finite number") from None
            if k in present:
                ws[k] = d
        negative = {k: v for k, v in ws.items() if v < 0}
        if negative:
            raise ModelInputError(
                "blend weights",
                "must be non-negative, got " + ", ".join(f"{k}={v}" for k, v in negative.items()),
            )
        total = sum(ws.values(), Decimal(0))
        if total <= 0:
            raise ModelInputError(
                "blend weights",
                f"the weights of the computed anchors ({', '.join(present)}) sum to zero "
                f"(weights given for: {', '.join(map(str, w)) or 'none'})",
            )
        ws = {k: v / total for k, v in ws.items()}

        def mix(attr: str) -> Money:
            acc = Money(Decimal(0), cur)
            for k, v in ws.items():
                acc = acc + getattr(present[k], attr) * v
            return acc

        ignored = tuple(k for k, v in w.items() if k not in present and parse_number(v) > 0)
        blended = BlendedView(ws, mix("low"), mix("base"), mix("high"), ignored)
    if sources is None:
        sources = {}
        for r in results:
            for f in r.figures:
                sources.setdefault(f"{f.case_id}:{f.source_id}", f.source)
    return Triangulation(
        case_id=case.id,
        company=case.company.name,
        as_of=case.as_of,
        currency=cur,
        anchors=tuple(results),
        references=tuple(refs),
        blended=blended,
        sources=dict(sources),
        notes=case.notes,
        skipped=dict(skipped or {}),
        checks=tuple(provenance_warnings(case, peers)),
    )

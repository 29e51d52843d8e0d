"""JSON, Markdown and HTML renderers of a Triangulation, and the shared HTML page shell."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from ..money import FxRate, Money, format_money

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation

__all__ = [
    "JSON_SCHEMA_ID",
    "ReportSection",
    "amount_str",
    "jsonable",
    "render_html",
    "render_markdown",
    "render_page",
    "render_table_html",
    "triangulation_to_dict",
]

#: Identifier and version of the JSON output of ``anchorval value``; bump on breaking change.
JSON_SCHEMA_ID = "anchorval.triangulation/1"
_CENT = Decimal("0.01")


def amount_str(m: Money | Decimal) -> str:
    """Exact amount as a plain decimal string rounded to the cent (``'1718000000000.00'``).

    Parameters
    ----------
    m : Money or Decimal
        An amount (total, in its currency; the currency is not printed).

    Returns
    -------
    str
        No exponent and no grouping, two decimals, rounded half to even (banker's rounding).
    """
    d = m.amount if isinstance(m, Money) else m
    return f"{d.quantize(_CENT, rounding=ROUND_HALF_EVEN):f}"


def jsonable(x: Any) -> Any:
    """Turn results (Money, Decimal, dates, dataclasses, mappings) into JSON-ready values.

    Money becomes ``{'amount': '<decimal string, cents>', 'currency': 'USD'}``; Decimal a string;
    dates ISO strings.
    """
    if isinstance(x, Money):
        return {"amount": amount_str(x), "currency": x.currency}
    if isinstance(x, Decimal):
        return f"{x.normalize():f}" if x == x.to_integral_value() else str(x)
    if isinstance(x, date):
        return x.isoformat()
    if isinstance(x, FxRate):
        return {
            "pair": x.pair,
            "rate": str(x.rate),
            "on": x.on.isoformat(),
            "source": x.source,
            "assumption": x.assumption,
        }
    if isinstance(x, Mapping):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    return x


def triangulation_to_dict(t: Triangulation) -> dict[str, Any]:
    """Build the stable JSON structure of a triangulation (see ``docs/json.md``).

    Parameters
    ----------
    t : Triangulation

    Returns
    -------
    dict
        Amounts are decimal strings rounded to the cent, totals in ``currency`` (not millions);
        ratios (``spread``, ``span``) are decimal strings in x.
    """
    return {
        "schema": JSON_SCHEMA_ID,
        "case": t.case_id,
        "company": t.company,
        "as_of": t.as_of.isoformat(),
        "currency": t.currency,
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
            for a in t.anchors
        ],
        "spread": f"{t.spread:.6f}",
        "span": f"{t.span:.6f}",
        "log_axis": t.log_axis,
        "references": [
            {"label": r.label, "kind": r.kind, "value": amount_str(r.value), "as_of": r.as_of.isoformat()}
            for r in t.references
        ],
        "blended": None
        if t.blended is None
        else {
            "weights": {k: f"{v:.6f}" for k, v in t.blended.weights.items()},
            "low": amount_str(t.blended.low),
            "base": amount_str(t.blended.base),
            "high": amount_str(t.blended.high),
        },
        "fx_rates": [jsonable(r) for r in t.fx_rates],
        "sources": {
            k: {"title": s.title, "publisher": s.publisher, "date": s.date.isoformat(), "url": s.url, "note": s.note}
            for k, s in t.sources.items()
        },
        "notes": list(t.notes),
        "skipped": dict(t.skipped),
        "checks": list(t.checks),
    }


def to_json(t: Triangulation) -> str:
    """JSON text of :func:`triangulation_to_dict`, indented, keys in a stable order."""
    return json.dumps(triangulation_to_dict(t), indent=2, ensure_ascii=False)


def _kind_label(f: Any) -> str:
    """`` ASSUMPTION`` or `` derived`` after a cited figure (nothing for a stated one)."""
    if f.assumption or getattr(f, "kind", "stated") == "assumption":
        return " ASSUMPTION"
    return " derived" if getattr(f, "kind", "stated") == "derived" else ""


def render_markdown(t: Triangulation) -> str:
    """Markdown report: football-field table, derivations with citations, warnings, FX, sources.

    Parameters
    ----------
    t : Triangulation

    Returns
    -------
    str
    """
    out = [f"# {t.company}: valuation anchors as of {t.as_of} ({t.currency})", ""]
    out += ["| anchor | method | low | base | high |", "|---|---|---:|---:|---:|"]
    for a in t.anchors:
        out.append(
            f"| {a.title} | {a.method} | {format_money(a.low)} | {format_money(a.base)} | {format_money(a.high)} |"
        )
    if t.blended is not None:
        b = t.blended
        cols = " | ".join(format_money(m) for m in (b.low, b.base, b.high))
        out.append(f"| **Blended** | weights {_weights(b.weights)} | {cols} |")
    out += ["", f"Spread of base values (max/min): **{t.spread:.2f}x**; span of ranges: {t.span:.2f}x.", ""]
    for a in t.anchors:
        out += [f"## {a.title}", "", f"*{a.method}.* {a.caveat}", ""]
        for i, s in enumerate(a.steps, 1):
            cites = "; ".join(
                f"{f.path} = {f.display} ({f.source_id}{_kind_label(f)}, as of {f.as_of})"
                for f in s.figures
            )
            out.append(f"{i}. **{s.label}**: {s.formula} = {s.value}" + (f"  \n   _{cites}_" if cites else ""))
        if a.cells:
            keys = list(a.cells[0].inputs)
            out += ["", "| " + " | ".join(keys) + " | value |", "|" + "---|" * (len(keys) + 1)]
            for c in a.cells:
                out.append("| " + " | ".join(c.inputs[k] for k in keys) + f" | {format_money(c.value)} |")
        if a.warnings:
            out += [""] + [f"> ⚠ {w}" for w in a.warnings]
        out.append("")
    if t.checks:
        out += ["## Checks on the case's figures", ""] + [f"> ⚠ {w}" for w in t.checks] + [""]
    if t.fx_rates:
        out += ["## FX rates used", "", "| pair | rate | date | source |", "|---|---:|---|---|"]
        out += [f"| {r.pair} | {r.rate:.6g} | {r.on} | {r.source} |" for r in t.fx_rates]
        out.append("")
    out += ["## Sources", ""]
    out += [
        f'- **{k}**: {s.publisher}, "{s.title}", {s.date}' + (f", {s.url}" if s.url else "")
        for k, s in t.sources.items()
    ]
    if t.notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in t.notes]
    if t.skipped:
        out += ["", "## Anchors not computed", ""] + [f"- {k}: {v}" for k, v in t.skipped.items()]
    return "\n".join(out) + "\n"


def _weights(w: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{k} {v:.0%}" for k, v in w.items())


def _env() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("anchorval.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    env.filters["money"] = format_money
    env.filters["money_full"] = lambda m: format_money(m, compact=False)
    return env


def render_table_html(t: Triangulation) -> str:
    """Render the football-field table alone, as an HTML fragment (Jupyter ``_repr_html_``).

    Parameters
    ----------
    t : Triangulation
        The valuation; amounts are shown in its report currency.

    Returns
    -------
    str
        An autoescaped HTML ``<table>`` fragment (no page, no scripts).
    """
    return _env().get_template("table.html.j2").render(t=t)


@dataclass(frozen=True)
class ReportSection:
    """A section of an HTML report (other modules add theirs: market structure, simulation...).

    Attributes
    ----------
    id : str
        HTML id (anchor for the table of contents).
    title : str
        Heading.
    html : str
        Body, already-safe HTML (render it with an autoescaping template).
    """

    id: str
    title: str
    html: str


def plotly_div(fig: Any) -> str:
    """Render a plotly figure as a ``<div>`` without the plotly.js library (the page shell embeds it once)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def render_page(title: str, sections: Sequence[ReportSection], subtitle: str = "") -> str:
    """Render a self-contained HTML page (plotly.js embedded once, no network needed) from sections.

    Parameters
    ----------
    title : str
        Page title.
    sections : sequence of ReportSection
        Body sections in order.
    subtitle : str
        Line under the title.

    Returns
    -------
    str
        Complete HTML document.
    """
    from plotly.offline import get_plotlyjs

    return (
        _env()
        .get_template("page.html.j2")
        .render(title=title, subtitle=subtitle, sections=sections, plotlyjs=get_plotlyjs())
    )


def triangulation_sections(t: Triangulation) -> list[ReportSection]:
    """Report sections of a triangulation: table + football field, derivations, FX, sources."""
    from markupsafe import Markup

    from .charts import football_field

    env = _env()
    chart = Markup(plotly_div(football_field(t)))
    return [
        ReportSection(
            "football-field", "Football field", env.get_template("triangulation.html.j2").render(t=t, chart=chart)
        ),
        ReportSection("derivations", "Derivations", env.get_template("derivations.html.j2").render(t=t)),
        ReportSection("fx", "FX rates used", env.get_template("fx.html.j2").render(t=t)),
        ReportSection("sources", "Sources and notes", env.get_template("sources.html.j2").render(t=t)),
    ]


def render_html(t: Triangulation, extra: Sequence[ReportSection] = ()) -> str:
    """Self-contained HTML report of a triangulation.

    Parameters
    ----------
    t : Triangulation
    extra : sequence of ReportSection
        Further sections appended before the sources (market structure, simulation...).

    Returns
    -------
    str
        Complete HTML document (opens offline; plotly.js is embedded).
    """
    secs = triangulation_sections(t)
    secs = secs[:-1] + list(extra) + secs[-1:]
    return render_page(f"{t.company}: valuation anchors", secs, f"as of {t.as_of}, amounts in {t.currency} (totals)")

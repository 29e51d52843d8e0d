"""Presentation of a valuation (Triangulation): terminal tables, Markdown, JSON text, HTML report.

The football-field chart (plotly) and the report sections live here; the JSON structure belongs
to :meth:`~anchorval.anchors.triangulate.Triangulation.to_dict`. Heavy libraries (plotly,
jinja2, rich) are imported inside the functions that need them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._base import (
    ANCHOR_COLORS,
    ReportSection,
    env,
    format_money,
    json_text,
    log_axis_ticks,
    plotly_div,
    render_page,
    styled,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation

__all__ = [
    "football_field",
    "print_cases",
    "print_table",
    "render_cases_markdown",
    "render_html",
    "render_json",
    "render_markdown",
    "triangulation_sections",
]


def render_json(t: Triangulation) -> str:
    """JSON text of :meth:`Triangulation.to_dict`, indented, keys in a stable order.

    Examples
    --------
    >>> import anchorval
    >>> render_json(anchorval.value("anthropic-2026-06")).splitlines()[1]
    '  "schema": "anchorval.triangulation/1",'
    """
    return json_text(t.to_dict())


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
                f"{f.path} = {f.display} ({f.source_id}{kind_label(f)}, as of {f.as_of})"
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


def kind_label(f: Any) -> str:
    """`` ASSUMPTION`` or `` derived`` after a cited figure (nothing for a stated one)."""
    if f.assumption or f.kind == "assumption":
        return " ASSUMPTION"
    return " derived" if f.kind == "derived" else ""


def _weights(w: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{k} {v:.0%}" for k, v in w.items())


def _weights(w: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{k} {v:.0%}" for k, v in w.items())


def print_table(t: Triangulation, c: Any) -> None:
    """Print a triangulation as rich tables: anchors, derivations, FX rates, sources.

    Parameters
    ----------
    t : Triangulation
    c : rich.console.Console
        Where to print (the command line passes stdout's).

    Examples
    --------
    >>> import io, anchorval
    >>> from anchorval.report._base import make_console
    >>> c = make_console(file=io.StringIO(), width=120)
    >>> print_table(anchorval.value("anthropic-2026-06"), c)
    >>> "1.718T USD" in c.file.getvalue()
    True
    """
    from rich.table import Table

    tab = Table(title=f"{t.company}: valuation anchors as of {t.as_of} ({t.currency}, totals)")
    for col in ("anchor", "method"):
        tab.add_column(col)
    for col in ("low", "base", "high"):
        tab.add_column(col, justify="right")
    for a in t.anchors:
        tab.add_row(a.title, a.method, format_money(a.low), format_money(a.base), format_money(a.high))
    if t.blended is not None:
        b = t.blended
        tab.add_row(
            styled(("Blended", "bold")),
            f"weights: {_weights(b.weights)}",
            format_money(b.low),
            format_money(b.base),
            format_money(b.high),
        )
    tab.caption = f"spread of base values {t.spread:.2f}x; span of ranges {t.span:.2f}x"
    if t.blended is not None and t.blended.ignored:
        tab.caption += (
            f"\nblend weights of {', '.join(t.blended.ignored)} ignored (not computed); the others renormalised"
        )
    c.print(tab)
    for a in t.anchors:
        c.print(styled("\n", (a.title, "bold"), " ", (f"({a.method})", "dim")))
        for i, s in enumerate(a.steps, 1):
            cites = ", ".join(f"{f.source_id} {f.as_of}{kind_label(f)}" for f in s.figures)
            line = styled(f"  {i}. {s.label}: {s.value}", *([(f" [{cites}]", "dim")] if cites else []))
            c.print(line, highlight=False)
        for w in a.warnings:
            c.print(f"  ⚠ {w}", style="yellow", highlight=False)
    if t.checks:
        c.print("\nChecks on the case's figures", style="bold")
        for w in t.checks:
            c.print("  ⚠ " + w, style="yellow", highlight=False)
    if t.fx_rates:
        c.print("\nFX rates used", style="bold")
        for r in t.fx_rates:
            c.print(f"  {r.pair} {r.rate:.6g} on {r.on} ({r.source})", highlight=False)
    c.print("\nSources", style="bold")
    for k, s in t.sources.items():
        c.print(f'  {k}: {s.publisher}, "{s.title}", {s.date}', highlight=False)
    if t.skipped:
        # one dim line, not one per anchor: on the quick-start case four separate "not
        # computed" lines read like errors. The full reasons are in the JSON and HTML report.
        def why(reason: str) -> str:
            m = re.search(r"lacks figures? '?([^']+?)'? needed by", reason)
            return f"needs {m.group(1)}" if m else reason

        parts = ", ".join(f"{k} ({why(v)})" for k, v in t.skipped.items())
        c.print(f"not computed: {parts}", style="dim", highlight=False)


def print_cases(rows: Sequence[Mapping[str, str]], c: Any) -> None:
    """Print the bundled cases (``id``, ``company``, ``status``, ``as_of``, ``currency``) as a table."""
    from rich.table import Table

    tab = Table(title="Bundled cases")
    # the id is what users type: never truncate or wrap it; the company name wraps instead
    tab.add_column("id", no_wrap=True, min_width=max(len(str(r["id"])) for r in rows) if rows else None)
    for col in ("company", "status", "as_of", "currency"):
        tab.add_column(col, min_width=8 if col == "company" else None)
    for r in rows:
        tab.add_row(*(str(r[k]) for k in ("id", "company", "status", "as_of", "currency")))
    c.print(tab)


def render_cases_markdown(rows: Sequence[Mapping[str, str]]) -> str:
    """Markdown table of the bundled cases."""
    out = ["| id | company | status | as of | currency |", "|---|---|---|---|---|"]
    out += [f"| {r['id']} | {r['company']} | {r['status']} | {r['as_of']} | {r['currency']} |" for r in rows]
    return "\n".join(out)


def football_field(t: Triangulation) -> Any:
    """Football-field chart: one horizontal bar per anchor from low to high, base marked.

    Parameters
    ----------
    t : Triangulation
        The anchors to draw (totals in ``t.currency``).

    Returns
    -------
    plotly.graph_objects.Figure
        Log x axis when ``t.log_axis`` (anchors span more than 10x); vertical dashed lines for the
        reference lines; a shaded band for the blended view.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    names = [a.title for a in t.anchors][::-1]
    anchors = list(t.anchors)[::-1]
    for a, name in zip(anchors, names, strict=True):
        lo, hi, base = float(a.low.amount), float(a.high.amount), float(a.base.amount)
        width = hi - lo if hi > lo else max(lo * 0.004, 1.0)
        fig.add_trace(
            go.Bar(
                y=[name],
                x=[width],
                base=[lo if hi > lo else lo - width / 2],
                orientation="h",
                marker_color=ANCHOR_COLORS.get(a.anchor, "#8064a2"),
                name=a.title,
                hovertemplate=(
                    f"{a.title}<br>low {format_money(a.low)}<br>base {format_money(a.base)}"
                    f"<br>high {format_money(a.high)}<extra></extra>"
                ),
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                y=[name],
                x=[base],
                mode="markers+text",
                marker={"symbol": "line-ns-open", "size": 18, "color": "black", "line": {"width": 3}},
                text=[format_money(a.base)],
                textposition="top center",
                showlegend=False,
                hoverinfo="skip",
            )
        )
    values = [float(v.amount) for a in t.anchors for v in (a.low, a.high) if v.amount > 0]
    values += [float(r.value.amount) for r in t.references if r.value.amount > 0]
    lo_all, hi_all = (min(values), max(values)) if values else (1.0, 10.0)
    if t.log_axis:
        # labelled ticks at 1-2-5 steps (200B, 500B, 1T, ...): plotly's own log ticks label
        # the minor steps "2", "3", ... with no unit, which reads as 2 USD
        fig.update_xaxes(**log_axis_ticks(lo_all, hi_all))

    def _ax(x: float) -> float:
        # plotly places annotations on a log axis in log10 units (add_vline's own annotation
        # does not, and lands off the chart), so annotations are placed here explicitly.
        return math.log10(x) if t.log_axis and x > 0 else x

    # (x, label, colour) of every vertical marker, labelled one per row above the plot so that
    # neighbouring labels never overlap
    labels: list[tuple[float, str, str]] = []
    for r in t.references:
        x = float(r.value.amount)
        color = "#555" if r.kind == "last_round" else "#e36c09"
        fig.add_vline(x=x, line_dash="dash", line_color=color)
        labels.append((x, f"┆ {r.label}", color))
    if t.blended is not None:
        fig.add_vrect(
            x0=float(t.blended.low.amount),
            x1=float(t.blended.high.amount),
            fillcolor="#4f81bd",
            opacity=0.08,
            line_width=0,
        )
        labels.append(
            (
                float(t.blended.low.amount),
                f"▯ blended {format_money(t.blended.low)} .. {format_money(t.blended.high)}"
                f" (base {format_money(t.blended.base)})",
                "#4f81bd",
            )
        )
    labels.sort()
    span = math.log10(hi_all / lo_all) if t.log_axis and lo_all > 0 else hi_all - lo_all
    for i, (x, text, color) in enumerate(labels):
        # labels of lines in the right part of the axis run leftwards, so they stay on the chart
        pos = (math.log10(x / lo_all) if t.log_axis and x > 0 else x - lo_all) / span if span else 0
        right = pos > 0.55
        fig.add_annotation(
            x=_ax(x),
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            yshift=4 + 16 * (len(labels) - 1 - i),
            text=f"{text[2:]} {text[0]}" if right else text,
            showarrow=False,
            xanchor="right" if right else "left",
            font={"size": 10, "color": color},
        )
    fig.update_layout(
        title=f"{t.company}: football field ({t.currency}, {'log' if t.log_axis else 'linear'} axis, as of {t.as_of})",
        xaxis_title=f"Equity value ({t.currency}, total)",
        barmode="overlay",
        height=160 + 80 * len(t.anchors),
        margin={"l": 260, "r": 40, "t": 90 + 16 * len(labels), "b": 50},
        template="plotly_white",
    )
    return fig


def triangulation_sections(t: Triangulation) -> list[ReportSection]:
    """Report sections of a triangulation: table + football field, derivations, FX, sources."""
    from markupsafe import Markup

    e = env()
    chart = Markup(plotly_div(football_field(t)))
    return [
        ReportSection(
            "football-field", "Football field", e.get_template("triangulation.html.j2").render(t=t, chart=chart)
        ),
        ReportSection("derivations", "Derivations", e.get_template("derivations.html.j2").render(t=t)),
        ReportSection("fx", "FX rates used", e.get_template("fx.html.j2").render(t=t)),
        ReportSection("sources", "Sources and notes", e.get_template("sources.html.j2").render(t=t)),
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

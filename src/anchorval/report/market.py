"""Presentation of a market-structure result: report sections, charts, Markdown, JSON text, rich tables.

The JSON structure belongs to :meth:`~anchorval.market.MarketStructureResult.to_dict`.

Heavy libraries (plotly, jinja2, rich) are imported inside the functions that need them.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from ._base import ReportSection, env, format_money, format_number, json_text, pct, plotly_div, render_page

if TYPE_CHECKING:  # pragma: no cover
    from ..market import LockUpCalendar, MarketStructureResult, ReflexivityResult

__all__ = [
    "lockup_chart",
    "market_sections",
    "print_market_tables",
    "ps_path_chart",
    "render_market_html",
    "render_market_json",
    "render_market_markdown",
]


def _log_hline(fig: Any, y: float, text: str, dash: str, color: str, yanchor: str, label_color: str) -> None:
    """Draw a labelled horizontal line on a log y axis.

    add_hline's own annotation is placed in linear units, which a log axis reads as 10**y (it
    stretched the P/S axis to 1e100); the label goes in log10 units instead.
    """
    fig.add_hline(y=y, line_dash=dash, line_color=color)
    fig.add_annotation(
        x=1,
        xref="paper",
        xanchor="right",
        y=math.log10(y),
        yanchor=yanchor,
        text=text,
        showarrow=False,
        font={"size": 10, "color": label_color},
    )


def lockup_chart(cal: LockUpCalendar, as_of: date, marks: dict[str, date] | None = None) -> Any:
    """Step chart of freely tradable shares over time, from listing through each lock-up expiry.

    Parameters
    ----------
    cal : LockUpCalendar
        The calendar (shares are counts).
    as_of : date
        Case date, drawn as a vertical line.
    marks : dict of str to date, optional
        Further dated events to mark (index inclusions).

    Returns
    -------
    plotly.graph_objects.Figure
        Solid step line for known sizes; after an expiry of unknown size the line is dashed and
        labelled as a lower bound.
    """
    import plotly.graph_objects as go

    steps = cal.timeline()
    start = steps[0][0] or (steps[1][0] if len(steps) > 1 else as_of)
    end_candidates = [d for d, _, _ in steps if d is not None] + [as_of]
    end = max(end_candidates)
    end = date(end.year + (1 if end.month > 6 else 0), (end.month + 6 - 1) % 12 + 1, 1)
    xs: list[date] = []
    ys: list[float] = []
    lower: list[bool] = []
    for d, shares, lb in steps:
        xs.append(d or start)
        ys.append(float(shares))
        lower.append(lb)
    fig = go.Figure()
    known_x = [x for x, lb in zip(xs, lower, strict=True) if not lb]
    known_y = [y for y, lb in zip(ys, lower, strict=True) if not lb]
    first_lb = next((i for i, lb in enumerate(lower) if lb), None)
    if first_lb is not None:
        known_x.append(xs[first_lb])
        known_y.append(known_y[-1])
    else:
        known_x.append(end)
        known_y.append(known_y[-1])
    fig.add_trace(
        go.Scatter(
            x=known_x,
            y=known_y,
            mode="lines+markers",
            line_shape="hv",
            name="tradable shares",
            line={"color": "#4f81bd", "width": 3},
        )
    )
    if first_lb is not None:
        # start at the last known level on the expiry date, so the dashed step is drawn
        lx = [xs[first_lb], *xs[first_lb:], end]
        ly = [ys[first_lb - 1], *ys[first_lb:], ys[-1]]
        fig.add_trace(
            go.Scatter(
                x=lx,
                y=ly,
                mode="lines+markers",
                line_shape="hv",
                name="at least (unlock of unknown size)",
                line={"color": "#c0504d", "dash": "dash", "width": 3},
            )
        )
    for r in cal.rows:
        text = (
            f"{r.label}: +{format_number(r.shares, 4)}"
            if r.size_known
            else f"{r.label}: size unknown" + (f" (> {format_number(r.shares_min, 4)})" if r.shares_min else "")
        )
        fig.add_annotation(
            x=r.date,
            y=math.log10(float(r.float_after)),  # a log axis places annotations in log10 units
            text=text,
            showarrow=True,
            arrowhead=2,
            ay=-40,
            font={"size": 10},
        )
    fig.add_vline(x=as_of.isoformat(), line_dash="dot", line_color="#555")
    fig.add_annotation(
        x=as_of.isoformat(),
        y=1,
        yref="paper",
        text=f"case date {as_of}",
        showarrow=False,
        font={"size": 10},
        yanchor="bottom",
    )
    for label, d in (marks or {}).items():
        fig.add_vline(x=d.isoformat(), line_dash="dash", line_color="#e36c09")
        fig.add_annotation(
            x=d.isoformat(),
            y=0.92,
            yref="paper",
            text=label,
            showarrow=False,
            xanchor="right",  # left of its line, clear of the case-date line just after it
            font={"size": 10, "color": "#e36c09"},
        )
    _log_hline(
        fig, float(cal.total_shares), f"total shares {format_number(cal.total_shares, 4)}", "dot", "#999", "top", "#777"
    )
    fig.update_layout(
        title="Freely tradable shares over time (lock-up expiries)",
        xaxis_title="date",
        yaxis_title="tradable shares (count)",
        yaxis_type="log",
        height=420,
        template="plotly_white",
        margin={"l": 70, "r": 30, "t": 70, "b": 50},
    )
    return fig


def ps_path_chart(x: ReflexivityResult) -> Any:
    """P/S at a constant price along each growth scenario (log y axis), with the target line.

    Parameters
    ----------
    x : ReflexivityResult
        Paths (P/S in x).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for p in x.paths:
        fig.add_trace(
            go.Scatter(
                x=[pt.date for pt in p.points],
                y=[float(pt.ps) for pt in p.points],
                mode="lines+markers",
                name=p.name,
                hovertemplate="%{x}: %{y:,.0f}x<extra>" + p.name + "</extra>",
            )
        )
    for t in x.targets:
        fig.add_trace(
            go.Scatter(
                x=[t.period_end, t.period_end],
                y=[float(t.ps_low), float(t.ps_high)],
                mode="lines+markers",
                name=t.name,
                line={"width": 6},
                opacity=0.6,
            )
        )
    _log_hline(fig, float(x.target_ps), f"target {x.target_ps:,.0f}x", "dash", "#c0504d", "bottom", "#c0504d")
    fig.update_layout(
        title=f"P/S at a constant price (market cap {format_money(x.market_cap)})",
        xaxis_title="end of period",
        # ticks at the period ends themselves: a 2027-12-31 period end sat on plotly's "2028" tick
        xaxis={
            "tickvals": sorted({pt.date for p in x.paths for pt in p.points}),
            "tickformat": "%Y-%m-%d",
        },
        yaxis_title="P/S (x, log scale)",
        yaxis_type="log",
        height=460 + 22 * (len(x.paths) + len(x.targets)),
        template="plotly_white",
        # one legend entry per line under the chart: scenario names are long and a horizontal
        # legend cut the last one off
        legend={"orientation": "v", "y": -0.22, "yanchor": "top", "x": 0},
        margin={"l": 70, "r": 30, "t": 70, "b": 40},
    )
    return fig


def market_sections(r: MarketStructureResult) -> list[ReportSection]:
    """HTML report sections of a market-structure result.

    Parameters
    ----------
    r : MarketStructureResult

    Returns
    -------
    list of ReportSection
        Free float, lock-ups (table + chart), index demand, P/S path (chart + tables), price
        decomposition, figures and sources; parts not computed are listed in the last section.
    """
    from markupsafe import Markup

    e = env()
    marks = {f"{x.index} effective": x.effective for x in r.index}
    secs = [
        ReportSection("market-float", "Free float", e.get_template("market_float.html.j2").render(r=r)),
        ReportSection(
            "market-lockups",
            "Lock-up calendar",
            e.get_template("market_lockups.html.j2").render(
                r=r, chart=Markup(plotly_div(lockup_chart(r.lockups, r.as_of, marks)))
            ),
        ),
        ReportSection(
            "market-index",
            "Index inclusion demand",
            e.get_template("market_index.html.j2").render(r=r),
        ),
    ]
    if r.reflexivity is not None:
        chart = Markup(plotly_div(ps_path_chart(r.reflexivity)))
        secs.append(
            ReportSection(
                "market-ps-path",
                "Reflexivity: the P/S path",
                e.get_template("market_ps.html.j2").render(r=r, chart=chart),
            )
        )
    if r.decomposition is not None:
        secs.append(
            ReportSection(
                "market-decomposition",
                "Price decomposition",
                e.get_template("market_decomposition.html.j2").render(r=r),
            )
        )
    secs.append(
        ReportSection(
            "market-sources",
            "Figures, sources and notes",
            e.get_template("market_sources.html.j2").render(r=r),
        )
    )
    return secs


def render_market_html(r: MarketStructureResult) -> str:
    """Render a self-contained HTML report of a market-structure result (plotly.js embedded)."""
    warn = f"; {len(r.warnings)} warnings" if r.warnings else ""
    return render_page(
        f"{r.company}: market structure",
        market_sections(r),
        f"as of {r.as_of}; amounts are totals in {r.currency} unless stated{warn}",
    )


def render_market_json(r: MarketStructureResult) -> str:
    """JSON text of :meth:`MarketStructureResult.to_dict`, indented."""
    return json_text(r.to_dict())


def _md_table(header: list[str], rows: list[list[str]], right: int = 1) -> list[str]:
    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i < right else "---:" for i in range(len(header))) + "|",
    ]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def _rows(r: MarketStructureResult) -> dict[str, tuple[str, list[str], list[list[str]], int]]:
    """Every table as (title, header, rows, left-aligned columns), for Markdown and rich."""
    ff = r.free_float
    ccys = list(ff.float_value)
    out: dict[str, tuple[str, list[str], list[list[str]], int]] = {}
    out["float"] = (
        f"Free float on {r.as_of}: {format_number(ff.float_shares, 6)} {ff.share_class}-shares "
        f"({pct(ff.float_pct)}), price {format_money(ff.price, digits=6)}",
        [
            "share-count basis",
            "formula",
            "total shares",
            "float %",
            *(f"market cap {c}" for c in ccys),
            *(f"float value {c}" for c in ccys),
        ],
        [
            [
                row.basis.label + (" (primary)" if row.basis.primary else ""),
                row.basis.formula,
                format_number(row.basis.total_shares, 6),
                pct(row.float_pct),
                *(format_money(m) for m in row.market_cap.values()),
                *(format_money(m) for m in ff.float_value.values()),
            ]
            for row in ff.rows
        ],
        2,
    )
    ev = []
    for e in r.lockups.rows:
        gt = "" if e.size_known else "> "
        ev.append(
            [
                e.date.isoformat(),
                e.label,
                format_number(e.shares, 6)
                if e.shares is not None
                else ("unknown" + (f" (> {format_number(e.shares_min, 6)})" if e.shares_min is not None else "")),
                gt + pct(e.pct_of_total) if e.pct_of_total is not None else "n/a",
                gt + pct(e.pct_of_float, 1) if e.pct_of_float is not None else "n/a",
                gt + format_money(e.value) if e.value is not None else "n/a",
                ("≥ " if e.float_after_is_lower_bound else "") + format_number(e.float_after, 6),
            ]
        )
    out["lockups"] = (
        f"Lock-up expiries (listing {r.lockups.listing_date}; "
        f"{format_number(r.lockups.locked_at_listing, 6)} "
        "shares locked at listing)",
        [
            "date",
            "event",
            "shares",
            "% of total",
            "% of float before",
            "value at today's price",
            "float after",
        ],
        ev,
        2,
    )
    for x in r.index:
        tag = " (tracking assets: ASSUMPTION)" if x.tracking_assets_assumed else ""
        out[f"index:{x.index}"] = (
            f"{x.index} inclusion, effective {x.effective}, weight {pct(x.weight)}: passive demand{tag}",
            ["assets tracking the index", "demand", "shares", "% of float", "days of ADV"],
            [
                [
                    format_money(row.tracking_assets) + (" (base)" if row.is_base else ""),
                    format_money(row.demand),
                    format_number(row.shares, 4),
                    pct(row.pct_of_float),
                    "n/a" if row.days_of_adv is None else f"{row.days_of_adv:.2f}",
                ]
                for row in x.rows
            ],
            0,
        )
    rx = r.reflexivity
    if rx is not None:
        head = f"P/S at a constant price, market cap {format_money(rx.market_cap)}; target {rx.target_ps:,.0f}x"
        if rx.start_ps is not None:
            head += f"; today {rx.start_ps:,.0f}x on {format_money(rx.base_revenue)}"
        out["ps"] = (
            head,
            ["scenario", "base", "P/S by period", "periods to target", "reached by"],
            [
                [
                    p.name,
                    p.base_label,
                    ", ".join(f"{pt.ps:,.0f}x" for pt in p.points[:6]) + (", …" if len(p.points) > 6 else ""),
                    "never" if p.periods_to_target is None else f"{p.periods_to_target} {p.period}s",
                    str(p.target_date or "n/a"),
                ]
                for p in rx.paths
            ],
            3,
        )
        if rx.targets:
            out["targets"] = (
                "Revenue scenarios and the P/S they imply at today's price",
                ["scenario", "period end", "revenue (as stated)", "P/S", "stated P/S"],
                [
                    [
                        t.name,
                        t.period_end.isoformat(),
                        f"{format_money(t.revenue)} to {format_money(t.revenue_high)}",
                        f"{t.ps_low:,.0f}x to {t.ps_high:,.0f}x",
                        "n/a" if t.stated_ps is None else f"{t.stated_ps:,.0f}x",
                    ]
                    for t in rx.targets
                ],
                2,
            )
        if rx.required:
            out["required"] = (
                f"Constant growth needed to reach {rx.target_ps:,.0f}x",
                ["by", "revenue base", "periods", "growth per period"],
                [[q.by.isoformat(), q.base_label, f"{q.periods} {q.period}s", pct(q.growth, 1)] for q in rx.required],
                2,
            )
    if r.decomposition is not None:
        out["decomposition"] = (
            f"Price decomposition of {format_money(r.decomposition.market_cap)}",
            ["scenario", "fundamental", "premium", "premium share", "structural", "narrative"],
            [
                [
                    s.scenario,
                    format_money(s.fundamental),
                    format_money(s.premium),
                    pct(s.premium_share, 1),
                    "not split" if s.structural is None else format_money(s.structural),
                    "not split" if s.narrative is None else format_money(s.narrative),
                ]
                for s in r.decomposition.splits
            ],
            1,
        )
    return out


def render_market_markdown(r: MarketStructureResult) -> str:
    """Markdown report: every table, warnings, figures with their sources, what was not computed."""
    out = [f"# {r.company}: market structure as of {r.as_of} ({r.currency})", ""]
    for title, header, rows, left in _rows(r).values():
        out += [f"## {title}", ""] + _md_table(header, rows, left)
    if r.reflexivity is not None and r.reflexivity.run_rate:
        out += ["## Run-rate inputs", ""] + [f"- {k}: {v}" for k, v in r.reflexivity.run_rate.items()] + [""]
    if r.warnings:
        out += ["## Warnings", ""] + [f"> ⚠ {w}" for w in r.warnings] + [""]
    out += ["## Figures used", ""]
    out += [
        f"- `{f.path}` = {f.display} ({f.source_id}{' ASSUMPTION' if f.assumption else ''}, as of {f.as_of})"
        for f in r.figures
    ]
    out += ["", "## Sources", ""]
    out += [f'- **{k}**: {s.publisher}, "{s.title}", {s.date}' for k, s in r.sources.items()]
    if r.skipped:
        out += ["", "## Not computed", ""] + [f"- {k}: {v}" for k, v in r.skipped.items()]
    return "\n".join(out) + "\n"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def print_market_tables(r: MarketStructureResult, console: Any) -> None:
    """Print every table as a rich table, then warnings, citations and what was not computed."""
    from rich.table import Table

    for title, header, rows, left in _rows(r).values():
        tab = Table(title=title, title_justify="left")
        for i, h in enumerate(header):
            # dates never wrap; other cells fold rather than lose characters to an ellipsis
            is_date = bool(rows) and all(_ISO_DATE.fullmatch(str(row[i])) for row in rows)
            tab.add_column(
                h,
                justify="left" if i < left else "right",
                min_width=10 if is_date else None,
                no_wrap=is_date,
                overflow="fold",
            )
        for row in rows:
            tab.add_row(*row)
        console.print(tab)
    if r.reflexivity is not None and r.reflexivity.run_rate:
        console.print("Run-rate inputs", style="bold")
        for k, v in r.reflexivity.run_rate.items():
            console.print(f"  {k}: {v}", highlight=False)
    for w in r.warnings:
        console.print(f"⚠ {w}", style="yellow", highlight=False)
    console.print("\nFigures used", style="bold")
    for f in r.figures:
        console.print(f"  {f.citation()}", highlight=False)
    console.print("\nSources", style="bold")
    for k, s in r.sources.items():
        console.print(f'  {k}: {s.publisher}, "{s.title}", {s.date}', highlight=False)
    for k, v in r.skipped.items():
        console.print(f"not computed: {k}: {v}", style="dim", highlight=False)

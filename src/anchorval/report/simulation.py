"""Presentation of simulations and sensitivity analyses: charts, report sections, Markdown, tables.

Every chart is drawn from pre-binned data (the simulation's histograms and percentiles), never
from raw draws, so a 100M-draw simulation embeds a few kilobytes. The JSON structures belong to
the results (``SimulationResult.to_dict()``, ``TornadoResult.to_dict()``, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import (
    ANCHOR_COLORS,
    ReportSection,
    amount,
    env,
    json_text,
    log_axis_ticks,
    num,
    plotly_div,
    render_page,
    styled,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation
    from ..uncertainty import GridResult, SimulationResult, SobolResult, TornadoResult

__all__ = [
    "distribution_field",
    "grid_heatmap",
    "histogram_chart",
    "print_sensitivity",
    "print_simulation",
    "render_sensitivity_html",
    "render_sensitivity_json",
    "render_simulation_html",
    "render_simulation_json",
    "sensitivity_markdown",
    "sensitivity_section",
    "simulation_markdown",
    "simulation_sections",
    "sobol_chart",
    "tornado_chart",
]

_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


def _num(x: float) -> str:
    return num(x, 4)


def _money(x: float, cur: str) -> str:
    return amount(x, cur)


def render_simulation_json(r: SimulationResult) -> str:
    """JSON text of :meth:`SimulationResult.to_dict`, indented."""
    return json_text(r.to_dict())


def render_sensitivity_json(res: TornadoResult | SobolResult | GridResult, method: str) -> str:
    """JSON text of a sensitivity result's ``to_dict()``, with the ``method`` that produced it."""
    return json_text({**res.to_dict(), "method": method})


def simulation_sections(r: SimulationResult, t: Triangulation | None = None) -> list[ReportSection]:
    """Report sections of a simulation: table, distributions on the football field, inputs.

    Parameters
    ----------
    r : SimulationResult
    t : Triangulation, optional
        Deterministic view of the same case, drawn under the distributions.

    Returns
    -------
    list of ReportSection
    """
    from markupsafe import Markup

    html = (
        env()
        .get_template("simulation.html.j2")
        .render(
            r=r,
            levels=_LEVELS,
            field_chart=Markup(plotly_div(distribution_field(r, t))),
            hist_chart=Markup(plotly_div(histogram_chart(r))),
        )
    )
    return [ReportSection("simulation", "Monte Carlo simulation", html)]


def sensitivity_section(res: TornadoResult | SobolResult | GridResult) -> ReportSection:
    """One report section for a tornado, Sobol or grid result."""
    from markupsafe import Markup

    from ..uncertainty import SobolResult, TornadoResult

    if isinstance(res, TornadoResult):
        kind, chart, title = "tornado", tornado_chart(res), "Sensitivity: tornado"
    elif isinstance(res, SobolResult):
        kind, chart, title = "sobol", sobol_chart(res), "Sensitivity: Sobol indices"
    else:
        kind, chart, title = "grid", grid_heatmap(res), "Sensitivity: two-way grid"
    html = env().get_template("sensitivity.html.j2").render(kind=kind, res=res, chart=Markup(plotly_div(chart)))
    return ReportSection(f"sensitivity-{kind}", title, html)


def render_simulation_html(
    r: SimulationResult, t: Triangulation | None = None, extra: list[ReportSection] | None = None
) -> str:
    """Standalone HTML page: deterministic view (when given), simulation, extra sections."""
    from .valuation import triangulation_sections

    secs: list[ReportSection] = []
    if t is not None:
        base = triangulation_sections(t)
        secs = base[:1] + simulation_sections(r, t) + list(extra or []) + base[1:]
    else:
        secs = simulation_sections(r) + list(extra or [])
    return render_page(
        f"{r.company}: valuation under uncertainty",
        secs,
        f"as of {r.as_of}, amounts in {r.currency} (totals)",
    )


def render_sensitivity_html(res: TornadoResult | SobolResult | GridResult, title: str) -> str:
    """Standalone HTML page of one sensitivity analysis."""
    return render_page(title, [sensitivity_section(res)])


def simulation_markdown(r: SimulationResult) -> str:
    """Markdown table of a simulation with inputs and assumptions."""
    head = ["output", "base", "mean", "P5", "P25", "P50", "P75", "P95"] + [f"P(>{_num(t)})" for t in r.thresholds]
    out = [f"# {r.company}: Monte Carlo ({r.draws:,} draws, seed {r.seed}, {r.currency})", ""]
    out += ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for o in r.outputs.values():
        cells = [o.title, _num(o.base), _num(o.mean)] + [_num(o.quantiles[q]) for q in _LEVELS]
        cells += [f"{o.p_above[t]:.1%}" for t in r.thresholds]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "## Inputs", "", "| figure | unit | distribution | basis |", "|---|---|---|---|"]
    for i in r.inputs:
        basis = (
            "ASSUMPTION (the case author's distribution)"
            if i.kind == "assumption"
            else "stated" + (f" ({i.source})" if i.source else "")
            if i.stated
            else (f"assumed: {i.assumption}" if i.assumption else "fixed")
        )
        out.append(f"| `{i.path}` | {i.unit} | {i.distribution} | {basis} |")
    if r.assumptions:
        out += ["", "## Defaults assumed", ""] + [f"- {a}" for a in r.assumptions]
    return "\n".join(out) + "\n"


def sensitivity_markdown(res: TornadoResult | SobolResult | GridResult) -> str:
    """Markdown table of a tornado, Sobol or grid result."""
    from ..uncertainty import SobolResult, TornadoResult

    if isinstance(res, TornadoResult):
        out = [
            f"# Tornado: {res.title} (base {_num(res.base)} {res.currency})",
            "",
            "| input | input low | input high | output low | output high | swing |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        out += [
            f"| `{b.path}` | {_num(b.input_low)} | {_num(b.input_high)} | "
            f"{_num(b.output_low)} | {_num(b.output_high)} | {_num(b.swing)} |"
            for b in res.bars
        ]
    elif isinstance(res, SobolResult):
        out = [
            f"# Sobol indices of {res.output} (N = {res.n:,})",
            "",
            "| input | S1 | ST |",
            "|---|---:|---:|",
        ]
        out += [
            f"| `{p}` | {a:.3f} ± {ac:.3f} | {b:.3f} ± {bc:.3f} |"
            for p, a, ac, b, bc in zip(res.paths, res.s1, res.s1_conf, res.st, res.st_conf, strict=True)
        ]
        out += ["", f"_{res.note}._"]
    else:
        out = [
            f"# {res.output} ({res.currency}): `{res.y_path}` (rows) x `{res.x_path}` (columns)",
            "",
        ]
        out += [
            "| | " + " | ".join(_num(v) for v in res.x_values) + " |",
            "|---|" + "---:|" * len(res.x_values),
        ]
        out += [
            f"| {_num(y)} | " + " | ".join(_num(v) for v in row) + " |"
            for y, row in zip(res.y_values, res.z, strict=True)
        ]
    return "\n".join(out) + "\n"


def print_simulation(r: SimulationResult, c: Any) -> None:
    """Print a simulation as rich tables: percentiles, P(> threshold), inputs, assumptions.

    Parameters
    ----------
    r : SimulationResult
    c : rich.console.Console
        Where to print (the command line passes stdout's).
    """
    from rich import box
    from rich.table import Table

    tab = Table(
        title=f"{r.company}: Monte Carlo, {r.draws:,} draws, seed {r.seed} ({r.currency}, totals)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,  # with the edge padding six outputs needed 81 columns and P95 lost digits
    )
    for col in ("output", "base", "mean", "P5", "P25", "P50", "P75", "P95"):
        tab.add_column(col, justify="left" if col == "output" else "right", no_wrap=True)
    for o in r.outputs.values():
        q = o.quantiles
        tab.add_row(
            o.key,
            _num(o.base),
            _num(o.mean),
            *(_num(q[v]) for v in (0.05, 0.25, 0.5, 0.75, 0.95)),
        )
    tab.caption = f"{r.draws_per_second / 1e6:.1f}M scenarios/s on {r.threads} threads ({r.elapsed:.2f} s)"
    c.print(tab)
    if r.thresholds:
        pt = Table(title="Probability the value exceeds a threshold", box=box.SIMPLE_HEAD)
        pt.add_column("output", no_wrap=True)
        for t in r.thresholds:
            pt.add_column(f"P(> {_num(t)} {r.currency})", justify="right", no_wrap=True)
        for o in r.outputs.values():
            pt.add_row(o.key, *(f"{o.p_above[t]:.1%}" for t in r.thresholds))
        c.print(pt)
    c.print("\nInputs", style="bold")
    for i in r.inputs:
        if i.kind == "assumption":
            basis = ("ASSUMPTION", "yellow"), " (the case author's distribution; no source gives it)"
        elif i.stated:
            basis = ("stated" + (f" ({i.source})" if i.source else ""),)
        elif i.assumption:
            basis = ("assumed", "yellow"), f": {i.assumption}"
        else:
            basis = ("fixed at the case value",)
        line = styled(f"  {i.path} ({i.unit}): {i.distribution} ")
        tail = styled(*basis)
        tail.stylize("dim")
        c.print(line + tail, highlight=False)
    if r.correlated:
        c.print(f"  correlated (Gaussian copula): {', '.join(r.correlated)}", highlight=False)
    for a in r.assumptions:
        c.print(f"⚠ {a}", style="yellow", highlight=False)


def print_sensitivity(res: TornadoResult | SobolResult | GridResult, c: Any) -> None:
    """Print a tornado, Sobol or grid result as a rich table (the Markdown table's cells)."""
    _print_markdown_table(sensitivity_markdown(res), c)


def _print_markdown_table(md: str, c: Any) -> None:
    """Print a one-table Markdown document (``# title``, a table, notes) as a rich table.

    The first column (figure paths such as ``arr_multiple.market_arr``) never wraps or truncates;
    rich's own Markdown renderer cut it to ``arr_multiple.market_a…`` in an 80-column terminal.
    """
    from rich import box
    from rich.table import Table

    lines = md.splitlines()
    title = next((ln[2:] for ln in lines if ln.startswith("# ")), None)
    rows = [[c.strip().strip("`") for c in ln.strip().strip("|").split("|")] for ln in lines if ln.startswith("|")]
    rows = [r for r in rows if not all(set(c) <= set("-:") and c for c in r)]  # drop |---|
    notes = [ln for ln in lines if ln and not ln.startswith(("#", "|"))]
    tab = Table(title=title.replace("`", "") if title else None, box=box.SIMPLE_HEAD)
    for i, head in enumerate(rows[0]):
        tab.add_column(head, justify="left" if i == 0 else "right", no_wrap=i == 0)
    for r in rows[1:]:
        tab.add_row(*r)
    c.print(tab)
    for ln in notes:
        c.print(ln.strip("_"), highlight=False)


def distribution_field(r: SimulationResult, t: Triangulation | None = None) -> Any:
    """Football field with the simulated distributions overlaid.

    Each output gets a row: the deterministic low-high bar (when ``t`` is given), the simulated
    P5-P95 (thin) and P25-P75 (thick) ranges, the P50 and the deterministic base.

    Parameters
    ----------
    r : SimulationResult
    t : Triangulation, optional
        The deterministic view of the same case (same currency).

    Returns
    -------
    plotly.graph_objects.Figure
        Log x axis when P5..P95 across outputs spans more than 10x.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    outs = list(r.outputs.values())[::-1]
    det = {a.anchor: a for a in t.anchors} if t is not None else {}
    cur = r.currency
    for o in outs:
        color = ANCHOR_COLORS.get(o.key, "#8064a2")
        if o.key in det:
            a = det[o.key]
            lo, hi = float(a.low.amount), float(a.high.amount)
            if hi > lo:
                fig.add_trace(
                    go.Bar(
                        y=[o.title],
                        x=[hi - lo],
                        base=[lo],
                        orientation="h",
                        marker_color=color,
                        opacity=0.25,
                        showlegend=False,
                        hoverinfo="skip",
                    )
                )
        p = o.quantiles
        for q_lo, q_hi, width in ((0.05, 0.95, 3), (0.25, 0.75, 14)):  # P5-P95 whisker, P25-P75 box
            fig.add_trace(
                go.Scatter(
                    y=[o.title, o.title],
                    x=[p[q_lo], p[q_hi]],
                    mode="lines",
                    line={"color": color, "width": width},
                    showlegend=False,
                    hovertemplate=f"{o.title}<br>P{q_lo * 100:.0f} {_money(p[q_lo], cur)}"
                    f"<br>P{q_hi * 100:.0f} {_money(p[q_hi], cur)}<extra></extra>",
                )
            )
        fig.add_trace(
            go.Scatter(
                y=[o.title],
                x=[p[0.5]],
                mode="markers+text",
                marker={
                    "symbol": "diamond",
                    "size": 11,
                    "color": "white",
                    "line": {"color": "black", "width": 2},
                },
                text=[f"P50 {_money(p[0.5], cur)}"],
                textposition="top center",
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                y=[o.title],
                x=[o.base],
                mode="markers",
                marker={
                    "symbol": "line-ns-open",
                    "size": 18,
                    "color": "black",
                    "line": {"width": 3},
                },
                showlegend=False,
                hovertemplate=f"base {_money(o.base, cur)}<extra></extra>",
            )
        )
    lows = [o.quantiles[0.05] for o in outs]
    highs = [o.quantiles[0.95] for o in outs]
    if min(lows) > 0 and max(highs) / min(lows) > 10:
        drawn = [v for v in lows + highs if v > 0]
        drawn += [float(x.amount) for a in det.values() for x in (a.low, a.high) if x.amount > 0]
        fig.update_xaxes(**log_axis_ticks(min(drawn), max(drawn)))
    fig.update_layout(
        title=f"{r.company}: simulated distributions on the football field ({r.draws:,} draws, {cur})",
        xaxis_title=f"Equity value ({cur}, total); bar = deterministic low-high, thin = P5-P95, thick = P25-P75",
        barmode="overlay",
        height=160 + 80 * len(outs),
        margin={"l": 260, "r": 40, "t": 70, "b": 60},
        template="plotly_white",
    )
    return fig


def histogram_chart(r: SimulationResult, keys: list[str] | None = None) -> Any:
    """Pre-binned histograms (density per bin) of the outputs, overlaid.

    Parameters
    ----------
    r : SimulationResult
    keys : list of str, optional
        Outputs to draw (default: every output whose P5 and P95 differ).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    keys = keys or [k for k, o in r.outputs.items() if o.quantiles[0.95] > o.quantiles[0.05]]
    for k in keys:
        o = r.outputs[k]
        e = o.hist_edges
        mids = [(e[i] + e[i + 1]) / 2 for i in range(len(o.hist_counts))]
        share = [c / o.n for c in o.hist_counts]
        fig.add_trace(
            go.Scatter(
                x=mids,
                y=share,
                mode="lines",
                line={"shape": "hvh", "color": ANCHOR_COLORS.get(k)},
                name=o.title,
                fill="tozeroy",
                opacity=0.4,
            )
        )
    lows = [r.outputs[k].hist_edges[0] for k in keys]
    highs = [r.outputs[k].hist_edges[-1] for k in keys]
    if keys and min(lows) > 0 and max(highs) / min(lows) > 10:
        fig.update_xaxes(**log_axis_ticks(min(lows), max(highs)))
    fig.update_layout(
        title="Simulated distributions (share of draws per bin)",
        xaxis_title=f"Equity value ({r.currency}, total)",
        yaxis_title="share of draws",
        template="plotly_white",
        height=420,
    )
    return fig


def tornado_chart(tr: TornadoResult) -> Any:
    """Tornado chart: one bar per input from the output at its low to its high level.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    bars = list(tr.bars)[::-1]
    fig = go.Figure()
    names = [b.path for b in bars]
    fig.add_trace(
        go.Bar(
            y=names,
            x=[b.output_low - tr.base for b in bars],
            base=[tr.base] * len(bars),
            orientation="h",
            name=f"input at P{tr.low_q * 100:g}",
            marker_color="#c0504d",
        )
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=[b.output_high - tr.base for b in bars],
            base=[tr.base] * len(bars),
            orientation="h",
            name=f"input at P{tr.high_q * 100:g}",
            marker_color="#4f81bd",
        )
    )
    fig.add_vline(x=tr.base, line_dash="dash")
    # label above the plot area, not over the first bar
    fig.add_annotation(
        x=tr.base,
        y=1,
        yref="paper",
        yanchor="bottom",
        text=f"base {_money(tr.base, tr.currency)}",
        showarrow=False,
        font={"size": 11},
    )
    fig.update_layout(
        barmode="overlay",
        title=f"Tornado: {tr.title}",
        xaxis_title=f"{tr.currency}, total",
        template="plotly_white",
        height=160 + 50 * len(bars),
        margin={"l": 220},
    )
    return fig


def sobol_chart(s: SobolResult) -> Any:
    """Bar chart of first-order and total Sobol indices with their confidence intervals.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(go.Bar(x=list(s.paths), y=list(s.s1), error_y={"array": list(s.s1_conf)}, name="first order S1"))
    fig.add_trace(go.Bar(x=list(s.paths), y=list(s.st), error_y={"array": list(s.st_conf)}, name="total ST"))
    fig.update_layout(barmode="group", title=f"Sobol indices of {s.output} (N = {s.n:,})", template="plotly_white")
    return fig


def grid_heatmap(g: GridResult) -> Any:
    """Heatmap of a two-way grid, each cell labelled with its value.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    text = [[_num(v) for v in row] for row in g.z]
    fig = go.Figure(
        go.Heatmap(
            z=[list(r) for r in g.z],
            # 140B, not 1.4e+11
            x=[_num(v) for v in g.x_values],
            y=[_num(v) for v in g.y_values],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            colorbar={"title": g.currency},
        )
    )
    fig.update_layout(
        title=f"{g.output}: {g.y_path} x {g.x_path}",
        xaxis_title=g.x_path,
        yaxis_title=g.y_path,
        template="plotly_white",
        height=420,
    )
    return fig

"""Charts (plotly) of simulations and sensitivity: distributions on the football field, tornado.

Every chart is drawn from pre-binned data (the simulation's histograms and percentiles), never
from raw draws, so a 100M-draw simulation embeds a few kilobytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..money import format_number
from .charts import log_axis_ticks

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation
    from ..uncertainty import GridResult, SimulationResult, SobolResult, TornadoResult

__all__ = ["distribution_field", "grid_heatmap", "histogram_chart", "sobol_chart", "tornado_chart"]

_COLORS = {
    "peer_multiple": "#c0504d",
    "perp_implied": "#f79646",
    "arr_multiple": "#4f81bd",
    "last_round": "#9bbb59",
    "blended": "#333333",
}


def _money(x: float, cur: str) -> str:
    return f"{format_number(x, 4)} {cur}"


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
        color = _COLORS.get(o.key, "#8064a2")
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
                line={"shape": "hvh", "color": _COLORS.get(k)},
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

    text = [[format_number(v, 4) for v in row] for row in g.z]
    fig = go.Figure(
        go.Heatmap(
            z=[list(r) for r in g.z],
            # 140B, not 1.4e+11
            x=[format_number(v, 4) for v in g.x_values],
            y=[format_number(v, 4) for v in g.y_values],
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

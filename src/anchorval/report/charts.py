"""Charts (plotly): the football field of a triangulation."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..money import format_money, format_number

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation

__all__ = ["football_field", "log_axis_ticks"]

_COLORS = {
    "peer_multiple": "#c0504d",
    "perp_implied": "#f79646",
    "arr_multiple": "#4f81bd",
    "last_round": "#9bbb59",
    "market_value": "#4bacc6",
    "dcf": "#8064a2",
    "opm_last_round": "#76923c",
    "opm_perp": "#e46c0a",
}


def log_axis_ticks(lo: float, hi: float) -> dict[str, Any]:
    """Return plotly axis settings for a log axis labelled at 1-2-5 steps (``200B``, ``1T``).

    Plotly's own log ticks label the minor steps ``2``, ``3``, ... with no unit, which reads as
    2 USD; these label every tick with its compact amount.

    Parameters
    ----------
    lo, hi : float
        Smallest and largest positive value drawn (ticks cover ``lo / 1.5`` .. ``hi * 1.5``).

    Returns
    -------
    dict
        ``type``, ``tickvals`` and ``ticktext`` for ``fig.update_xaxes(**...)``.
    """
    ticks = [
        m * 10.0**k
        for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
        for m in (1, 2, 5)
        if lo / 1.5 <= m * 10.0**k <= hi * 1.5
    ]
    return {"type": "log", "tickvals": ticks, "ticktext": [format_number(v, 3) for v in ticks]}


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
                marker_color=_COLORS.get(a.anchor, "#8064a2"),
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

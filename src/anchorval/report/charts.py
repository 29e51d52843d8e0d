"""Charts (plotly): the football field of a triangulation."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..money import format_money

if TYPE_CHECKING:  # pragma: no cover
    from ..triangulate import Triangulation

__all__ = ["football_field"]

_COLORS = {
    "peer_multiple": "#c0504d",
    "perp_implied": "#f79646",
    "arr_multiple": "#4f81bd",
    "last_round": "#9bbb59",
}


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
    if t.log_axis:
        fig.update_xaxes(type="log")

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
    for i, (x, text, color) in enumerate(labels):
        fig.add_annotation(
            x=_ax(x),
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            yshift=4 + 16 * (len(labels) - 1 - i),
            text=text,
            showarrow=False,
            xanchor="left",
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

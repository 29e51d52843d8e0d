"""The combined football field of several cases (the Compare page of the web app)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..money import format_money
from ._base import log_axis_ticks

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation

__all__ = ["compare_field"]

_PALETTE = ("#4f81bd", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#555555", "#e46c0a")


def compare_field(ts: Sequence[Triangulation]) -> Any:
    """Football field of several cases: anchors as rows, one coloured low-high bar per case.

    Parameters
    ----------
    ts : sequence of Triangulation
        The valuations to draw, all in one currency (totals).

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped horizontal bars from low to high with the base marked; log axis when the values
        span more than 10x.

    Raises
    ------
    ValueError
        If ``ts`` is empty or the valuations are in different currencies.

    Examples
    --------
    >>> import anchorval
    >>> fig = compare_field([anchorval.value("anthropic-2026-06")])
    >>> fig.layout.barmode
    'group'
    """
    import plotly.graph_objects as go

    if not ts:
        raise ValueError("compare_field: no valuation to draw")
    cur = ts[0].currency
    if any(t.currency != cur for t in ts):
        raise ValueError(f"compare_field: all valuations must be in {cur}")
    rows: list[str] = []
    for t in ts:
        rows += [a.title for a in t.anchors if a.title not in rows]
    rows.append("Blended")
    fig = go.Figure()
    values: list[float] = []
    for i, t in enumerate(ts):
        items = [(a.title, a.low, a.base, a.high) for a in t.anchors]
        if t.blended is not None:
            items.append(("Blended", t.blended.low, t.blended.base, t.blended.high))
        color = _PALETTE[i % len(_PALETTE)]
        ys, widths, bases, text = [], [], [], []
        for title, lo, base, hi in items:
            lo_f, hi_f = float(lo.amount), float(hi.amount)
            w = hi_f - lo_f if hi_f > lo_f else max(lo_f * 0.004, 1.0)
            ys.append(title)
            widths.append(w)
            bases.append(lo_f if hi_f > lo_f else lo_f - w / 2)
            text.append(
                f"{t.company} ({t.as_of})<br>low {format_money(lo)}<br>base {format_money(base)}"
                f"<br>high {format_money(hi)}"
            )
            values += [v for v in (lo_f, hi_f) if v > 0]
        fig.add_trace(
            go.Bar(
                y=ys,
                x=widths,
                base=bases,
                orientation="h",
                name=f"{t.company} ({t.as_of})",
                marker_color=color,
                hovertext=text,
                hoverinfo="text",
            )
        )
    if values and max(values) / min(values) > 10:
        fig.update_xaxes(**log_axis_ticks(min(values), max(values)))
    fig.update_layout(
        title=f"Football field of {len(ts)} case{'s' if len(ts) > 1 else ''} ({cur}, totals)",
        xaxis_title=f"Equity value ({cur}, total)",
        barmode="group",
        yaxis={"categoryorder": "array", "categoryarray": rows[::-1]},
        height=200 + 40 * len(rows) * max(1, len(ts)),
        margin={"l": 260, "r": 40, "t": 60, "b": 50},
        template="plotly_white",
    )
    return fig

"""Presentation of live data: fetched quotes, the live-figures summary, the stored history.

The JSON structures belong to the results (:class:`~anchorval.workflows.live.FetchResult`,
:class:`~anchorval.workflows.live.HistoryResult`). Heavy libraries (plotly, rich, pandas) are
imported inside the functions that need them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._base import ReportSection, json_text, num, plotly_div, render_page, styled

if TYPE_CHECKING:  # pragma: no cover
    from ..workflows.live import FetchResult, HistoryResult, LiveResult

__all__ = [
    "history_html",
    "print_fetch",
    "print_fetch_problems",
    "print_history",
    "print_live_summary",
    "render_fetch_json",
    "render_fetch_markdown",
    "render_history_json",
    "render_history_markdown",
]

_PERP_COLS = [
    "venue",
    "symbol",
    "type",
    "mark",
    "index",
    "last",
    "24h vol (base)",
    "24h vol (quote)",
    "open interest",
    "funding",
    "time (UTC)",
    "implied valuation",
]


def _num(d: Decimal | None, digits: int = 6) -> str:
    return num(d, digits, none="-")


def render_fetch_json(res: FetchResult) -> str:
    """JSON text of :meth:`FetchResult.to_dict`, indented (non-ASCII escaped)."""
    return json_text(res.to_dict(), ascii_only=True)


def _perp_rows(res: FetchResult) -> list[list[str]]:
    return [
        [
            q.venue,
            q.symbol,
            q.contract_type,
            _num(q.mark_price),
            _num(q.index_price),
            _num(q.last_price) + (" (mid)" if q.last_price_kind == "mid" else ""),
            _num(q.volume_base_24h),
            f"{_num(q.volume_quote_24h)} {q.quote_currency}",
            _num(q.open_interest),
            _num(q.funding_rate),
            q.time.strftime("%Y-%m-%d %H:%M:%S"),
            "-"
            if res.implied.get((q.venue, q.symbol)) is None
            else f"{_num(res.implied[(q.venue, q.symbol)], 4)} {q.quote_currency}",
        ]
        for q in res.outcome.perps
    ]


def _equity_rows(res: FetchResult) -> list[list[str]]:
    return [
        [
            e.symbol,
            e.exchange or "-",
            f"{_num(e.last_price)} {e.currency}",
            _num(e.shares_outstanding),
            f"{_num(e.market_cap, 4)} {e.currency}" if e.market_cap else "-",
            e.time.strftime("%Y-%m-%d %H:%M:%S"),
        ]
        for e in res.outcome.equities
    ]


def render_fetch_markdown(res: FetchResult) -> str:
    """Markdown: one row per perp (every field), then one row per listed share."""
    rows = _perp_rows(res)
    out = []
    if rows:
        out.append("| " + " | ".join(_PERP_COLS) + " |\n|" + "---|" * len(_PERP_COLS))
        out += ["| " + " | ".join(r) + " |" for r in rows]
    out += [f"| {' | '.join(r)} |" for r in _equity_rows(res)]
    from ..anchors.prediction_market import QUANTILES
    from .venues import ladders_markdown, readings_markdown

    if res.readings is not None and res.readings.rows:
        out.append("\n" + readings_markdown(res.readings))
    out += ["\n" + ladders_markdown(d, dist, QUANTILES) for d, dist in res.ladders]
    return "\n".join(out)


def print_fetch(res: FetchResult, c: Any) -> None:
    """Print perps (one column per market, one row per field) and listed shares as rich tables."""
    from rich.table import Table

    rows = _perp_rows(res)
    erows = _equity_rows(res)
    cmp = res.comparison
    if rows:
        # one column per market, one row per field: fits a terminal however many fields
        tab = Table(title="Perpetuals (prices per contract unit)")
        tab.add_column("field")
        for r in rows:
            tab.add_column(f"{r[0]} {r[1]}", justify="right")
        for i, col in enumerate(_PERP_COLS[2:], start=2):
            tab.add_row(col, *(r[i] for r in rows))
        if cmp and len(cmp.rows) > 1:
            tab.caption = f"spread between venues {cmp.spread:.4f}x (max/min implied valuation)"
        c.print(tab)
    if erows:
        tab = Table(title="Listed shares")
        for col in ("symbol", "exchange", "last price", "shares outstanding", "market cap", "time (UTC)"):
            tab.add_column(col)
        for r in erows:
            tab.add_row(*r)
        c.print(tab)
    from ..anchors.prediction_market import QUANTILES
    from .venues import ladders_table, readings_table

    if res.readings is not None and res.readings.rows:
        c.print(readings_table(res.readings))
    for d, dist in res.ladders:
        c.print(ladders_table(d, dist, QUANTILES))


def print_fetch_problems(res: FetchResult, err: Any) -> None:
    """Print the quality flags (⚠) and the venues that failed (✗), usually on stderr."""
    for f in res.flags:
        err.print(f"⚠ {f.message}", style="yellow", highlight=False)
    for k, v in res.outcome.errors.items():
        err.print(f"✗ {k}: {v}", style="red", highlight=False)


def print_live_summary(res: LiveResult, err: Any) -> None:
    """Print which figures are live and when (``value --live``), usually on stderr."""
    err.print(styled(("Live figures", "bold"), " (sources live:<venue>):"), highlight=False)
    for q in res.outcome.perps:
        err.print(
            f"  {q.venue} {q.symbol}: mark {_num(q.mark_price)} {q.quote_currency} "
            f"at {q.time:%Y-%m-%d %H:%M:%S} UTC "
            f"(fetched {q.fetched_at:%H:%M:%S})",
            highlight=False,
        )
    for e in res.outcome.equities:
        err.print(
            f"  yahoo {e.symbol}: {_num(e.last_price)} {e.currency} at {e.time:%Y-%m-%d %H:%M:%S} UTC",
            highlight=False,
        )
    if res.comparison and len(res.comparison.rows) > 1:
        err.print(f"  spread between venues {res.comparison.spread:.4f}x", highlight=False)
    for f in res.flags:
        err.print(f"  ⚠ {f.message}", style="yellow", highlight=False)
    for k, v in res.outcome.errors.items():
        err.print(f"  ✗ {k}: {v}", style="red", highlight=False)


def render_history_json(res: HistoryResult) -> str:
    """JSON text of :meth:`HistoryResult.to_dict`, indented (non-ASCII escaped)."""
    return json.dumps(res.to_dict(), indent=2, default=str)


def _cells(piv: Any) -> list[list[str]]:
    return [["-" if v is None or v != v else num(Decimal(v), 4) for v in r] for _, r in piv.iterrows()]


def render_history_markdown(res: HistoryResult) -> str:
    """Markdown: one row per snapshot time, base valuation per anchor and implied value per venue."""
    piv = res.to_frame()
    cols = [str(c) for c in piv.columns]
    out = [f"| time (UTC) | {' | '.join(cols)} |\n|---|" + "---|" * len(cols)]
    rows = zip(piv.index, _cells(piv), strict=True)
    out += [f"| {t:%Y-%m-%d %H:%M:%S} | " + " | ".join(row) + " |" for t, row in rows]
    return "\n".join(out)


def print_history(res: HistoryResult, c: Any) -> None:
    """Print the history as one rich table (time never wraps; long names fold)."""
    from rich import box
    from rich.table import Table

    piv = res.to_frame()
    cols = [str(c) for c in piv.columns]
    tab = Table(
        title=f"{res.case_id}: base valuation per anchor ({res.currency}) and implied valuation per venue",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    # the time never wraps or truncates (it read "2026-0…" in 80 columns); long anchor
    # and venue names fold instead of losing their end
    cells = _cells(piv)
    tab.add_column("time (UTC)", no_wrap=True, min_width=19)
    for i, col in enumerate(cols):
        tab.add_column(
            col,
            justify="right",
            overflow="fold",
            min_width=max((len(row[i]) for row in cells), default=1),
        )
    for t, row in zip(piv.index, cells, strict=True):
        tab.add_row(f"{t:%Y-%m-%d %H:%M:%S}", *row)
    c.print(tab)


def history_html(res: HistoryResult) -> str:
    """Render a standalone HTML page: base (low-high band) per anchor, marks, implied value per venue."""
    import plotly.graph_objects as go

    from ..anchors.triangulate import LOG_AXIS_SPAN

    case, h, q = res.case_id, res.anchors, res.quotes
    marks = res.marks if res.marks is not None else None

    palette = ("#4f81bd", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#555555")
    fig = go.Figure()
    for i, (anchor, g) in enumerate(h.groupby("anchor") if not h.empty else ()):
        x = list(g["taken_at"])
        color = palette[i % len(palette)]
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=[float(v) for v in g["high"]] + [float(v) for v in g["low"]][::-1],
                fill="toself",
                fillcolor=color,
                opacity=0.15,
                line={"width": 0},
                name=f"{anchor} low-high",
                legendgroup=str(anchor),
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[float(v) for v in g["base"]],
                mode="lines+markers",
                name=str(anchor),
                legendgroup=str(anchor),
                line={"color": color},
            )
        )
    from .venues import add_mark_traces

    add_mark_traces(fig, marks)
    positive = [float(v) for c in ("low", "base", "high") for v in h.get(c, []) if v is not None and v > 0]
    positive += [float(v) for v in (marks["value"] if marks is not None and not marks.empty else []) if v > 0]
    # anchors a hundred times apart (a peer multiple at 48T next to a 965B round) flatten every
    # other line onto zero on a linear axis: use a log axis past the football field's span
    log_y = bool(positive) and max(positive) / min(positive) > float(LOG_AXIS_SPAN)
    fig.update_layout(
        yaxis_title=f"valuation ({res.currency}{', log scale' if log_y else ''})",
        yaxis_type="log" if log_y else "linear",
        xaxis_title="time (UTC)",
        height=460,
        template="plotly_white",
    )
    secs = [ReportSection("anchors", "Valuation per anchor and recorded marks over time", plotly_div(fig))]
    qv = q[q["implied_valuation"].notna()] if not q.empty else q
    if not qv.empty:
        f2 = go.Figure()
        for (v, s), g in qv.groupby(["venue", "symbol"]):
            f2.add_trace(
                go.Scatter(
                    x=list(g["quote_time"]),
                    y=[float(x) for x in g["implied_valuation"]],
                    mode="lines+markers",
                    name=f"{v} {s}",
                )
            )
        f2.update_layout(
            yaxis_title="implied valuation (quote currency)",
            xaxis_title="quote time (UTC)",
            height=420,
            template="plotly_white",
        )
        secs.append(ReportSection("venues", "Implied valuation per venue", plotly_div(f2)))
    n_snaps = h["snapshot_id"].nunique() if not h.empty else 0
    n_marks = 0 if marks is None else len(marks)
    return render_page(f"{case}: valuation history", secs, subtitle=f"{n_snaps} snapshots, {n_marks} marks")

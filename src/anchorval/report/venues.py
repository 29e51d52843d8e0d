"""Presentation of venue readings and prediction ladders (rich tables and Markdown).

Presentation only: the numbers come from :func:`anchorval.anchors.venues.read_perps` and
:func:`anchorval.anchors.prediction_market.ladder_distribution`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._base import num

__all__ = [
    "add_mark_traces",
    "ladder_rows",
    "ladders_markdown",
    "ladders_table",
    "reading_rows",
    "readings_markdown",
    "readings_table",
]


def _md(cols: list[str], rows: list[list[str]]) -> str:
    """Build a Markdown table (pipes in cells escaped)."""
    esc = [[c.replace("|", "\\|") for c in r] for r in rows]
    return "\n".join(
        ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)] + ["| " + " | ".join(r) + " |" for r in esc]
    )


def _n(d: Decimal | None, digits: int = 4) -> str:
    return num(d, digits, none="-")


def _pct(d: Decimal | None, places: int = 2) -> str:
    return "-" if d is None else f"{d:+.{places}%}"


def reading_rows(readings: Any) -> tuple[list[str], list[list[str]]]:
    """Column names and one row per venue (strings) of a :class:`PerpReadings`.

    Returns
    -------
    (list of str, list of list of str)
        Valuations in each venue's quote currency (totals); premium and funding in percent.
    """
    cols = [
        "venue",
        "symbol",
        "share basis",
        "implied (mark)",
        "implied (index)",
        "mark/index",
        "funding / interval",
        "funding (annualised)",
        "next funding (UTC)",
        "OI / implied value",
        "24h vol / implied value",
    ]
    rows = []
    for r in readings.rows:
        rows.append(
            [
                r.venue,
                r.symbol,
                r.convention.basis + (" [ASSUMPTION]" if r.convention.assumption else ""),
                f"{_n(r.from_mark)} {r.currency}",
                f"{_n(r.from_index)} {r.currency}" if r.from_index is not None else "-",
                _pct(r.premium),
                "-" if r.funding_rate is None else f"{r.funding_rate:.4%} / {r.funding_interval_hours:g} h",
                _pct(r.funding_annualised),
                r.next_funding_time.strftime("%Y-%m-%d %H:%M") if r.next_funding_time else "-",
                "-" if r.oi_ratio is None else f"{r.oi_ratio:.2e}",
                "-" if r.volume_ratio is None else f"{r.volume_ratio:.2e}",
            ]
        )
    return cols, rows


def readings_table(readings: Any) -> Any:
    """Build a rich table of the readings, one column per venue (fits a terminal)."""
    from rich.table import Table

    cols, rows = reading_rows(readings)
    tab = Table(title="Perp marks read as valuations (each venue's own dated convention)")
    tab.add_column("field")
    for r in rows:
        tab.add_column(f"{r[0]} {r[1]}", justify="right")
    for i, c in enumerate(cols[2:], start=2):
        tab.add_row(c, *(r[i] for r in rows))
    if readings.spread is not None:
        tab.caption = f"spread between venues {readings.spread:.4f}x (max/min implied valuation from the mark)"
    return tab


def ladder_rows(data: Any, dist: Any, quantiles: tuple[Decimal, ...]) -> list[list[str]]:
    """One row per outcome of a fetched ladder, then P(no IPO) and the quantiles given an IPO."""
    rows = [
        [
            o.label,
            f"{o.price:.3f}",
            "-" if o.best_bid is None else f"{o.best_bid:.3f}",
            "-" if o.best_ask is None else f"{o.best_ask:.3f}",
            num(o.liquidity, 3, none="-"),
        ]
        for o in data.outcomes
    ]
    rows.append(["sum of YES prices", f"{dist.raw_sum:.3f}", "", "", ""])
    if dist.p_no_ipo is not None:
        rows.append([f"P(no IPO by {data.end_date or 'the date'}), normalised", f"{dist.p_no_ipo:.3f}", "", "", ""])
    for q in quantiles:
        rows.append([f"{int(q * 100)}% quantile given an IPO", f"{_n(dist.quantile(q))} {data.currency}", "", "", ""])
    return rows


def ladders_table(data: Any, dist: Any, quantiles: tuple[Decimal, ...]) -> Any:
    """Build a rich table of one ladder and its implied distribution."""
    from rich.table import Table

    tab = Table(title=f"{data.venue} {data.event}: {data.title}")
    for c in ("outcome", "YES price", "bid", "ask", "liquidity"):
        tab.add_column(c, justify="left" if c == "outcome" else "right")
    for r in ladder_rows(data, dist, quantiles):
        tab.add_row(*r)
    return tab


def readings_markdown(readings: Any) -> str:
    """Render the readings as a Markdown table, one row per venue."""
    cols, rows = reading_rows(readings)
    return _md(cols, rows)


def ladders_markdown(data: Any, dist: Any, quantiles: tuple[Decimal, ...]) -> str:
    """Render one ladder and its implied distribution as a Markdown table."""
    title = f"**{data.venue} {data.event}**: {data.title}\n\n"
    return title + _md(["outcome", "YES price", "bid", "ask", "liquidity"], ladder_rows(data, dist, quantiles))


def add_mark_traces(fig: Any, marks: Any) -> None:
    """Add recorded marks to a plotly figure: diamonds per kind, the source on hover."""
    if marks is None or marks.empty:
        return
    import plotly.graph_objects as go

    for kind, g in marks.groupby("kind"):
        fig.add_trace(
            go.Scatter(
                x=[str(d) for d in g["as_of"]],
                y=[float(v) for v in g["value"]],
                mode="markers",
                marker={"size": 10, "symbol": "diamond"},
                name=f"mark: {kind}",
                text=[str(x) for x in g["source"]],
                hovertemplate="%{x}: %{y:.4s}<br>%{text}<extra></extra>",
            )
        )

"""``anchorval fetch``, ``watch`` and ``history``: live quotes and their history."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import typer

from ._common import FORMAT_OPTION, OutputFormat, console, handle_errors, write_text

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def parse_duration(text: str, option: str = "--every") -> float:
    """Parse a positive duration for a CLI option.

    Parameters
    ----------
    text : str
        ``'60s'``, ``'5m'``, ``'1h'``, ``'250ms'`` or ``'90'`` (seconds).
    option : str
        The option the text came from, named in the error.

    Returns
    -------
    float
        The duration in seconds (> 0).

    Raises
    ------
    typer.BadParameter
        If the text is not a duration or is zero (a zero interval would poll without pause).
    """
    m = _DURATION.match(text)
    if not m:
        raise typer.BadParameter(
            f"expected a duration like 60s, 5m or 1h, got {text!r}", param_hint=option
        )
    n, unit = Decimal(m.group(1)), m.group(2) or "s"
    if n == 0:
        raise typer.BadParameter(f"must be longer than zero, got {text!r}", param_hint=option)
    return float(n * {"ms": Decimal("0.001"), "s": 1, "m": 60, "h": 3600}[unit])


def _need_live() -> None:
    """Fail with the extra to install when a live dependency is missing."""
    import importlib.util

    from ..errors import MSG_MISSING_EXTRA, ProviderUnavailableError

    for pkg in ("ccxt", "duckdb", "tenacity", "yfinance"):
        if importlib.util.find_spec(pkg) is None:
            raise ProviderUnavailableError(
                MSG_MISSING_EXTRA.format(what="live market data", package=pkg)
            )


def _num(d: Decimal | None, digits: int = 6) -> str:
    from ..money import format_number

    return "-" if d is None else format_number(d, digits)


def _quote_dict(q: Any, implied: Decimal | None) -> dict[str, Any]:
    from ..report._render import jsonable

    d = {k: jsonable(v) for k, v in q.model_dump().items()}
    d["implied_valuation"] = jsonable(implied)
    return d


@handle_errors
def fetch_cmd(
    target: str = typer.Argument(
        ...,
        help="A case id/file (its markets) or a symbol: ANTHROPICUSDT, vntl:OPENAI, 0700.HK.",
    ),
    venue: str | None = typer.Option(
        None,
        "--venue",
        "-v",
        help="Provider: binance, hyperliquid, yahoo (default: by symbol, or a case's markets).",
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    max_age: float = typer.Option(
        900, "--max-age", help="Flag quotes older than this many seconds."
    ),
) -> None:
    """Fetch live quotes and show the normalised data and implied valuation per venue.

    Example: anchorval fetch anthropic-2026-06
    """
    _need_live()
    from ..anchors.venues import compare_venues, convention_for, quality_flags
    from ..workflows.live import fetch_targets, resolve_targets

    _, targets = resolve_targets(target, venue)
    out = fetch_targets(targets)
    now = datetime.now(UTC)
    implied: dict[tuple[str, str], Decimal | None] = {}
    cmp = None
    convertible = []
    for q in out.perps:
        try:
            convention_for(q.venue, q.symbol).multiplier(q.time.date())
            convertible.append(q)
        except LookupError:
            implied[(q.venue, q.symbol)] = None
    if convertible:
        cmp = compare_venues(
            [(q.venue, q.symbol, q.price, q.quote_currency, q.time) for q in convertible]
        )
        implied.update({(r.venue, r.symbol): r.valuation for r in cmp.rows})
    flags = quality_flags(
        [
            (q.venue, q.symbol, q.time, q.volume_quote_24h, implied[(q.venue, q.symbol)])
            for q in convertible
        ],
        now,
        max_age_seconds=max_age,
    )
    if fmt is OutputFormat.json:
        typer.echo(
            json.dumps(
                {
                    "perps": [_quote_dict(q, implied.get((q.venue, q.symbol))) for q in out.perps],
                    "equities": [_quote_dict(e, e.market_cap) for e in out.equities],
                    "spread": str(cmp.spread) if cmp else None,
                    "flags": [
                        {"kind": f.kind, "subject": f.subject, "message": f.message} for f in flags
                    ],
                    "errors": {k: str(v) for k, v in out.errors.items()},
                },
                indent=2,
            )
        )
        return
    cols = [
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
    rows = [
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
            if implied.get((q.venue, q.symbol)) is None
            else f"{_num(implied[(q.venue, q.symbol)], 4)} {q.quote_currency}",
        ]
        for q in out.perps
    ]
    erows = [
        [
            e.symbol,
            e.exchange or "-",
            f"{_num(e.last_price)} {e.currency}",
            _num(e.shares_outstanding),
            f"{_num(e.market_cap, 4)} {e.currency}" if e.market_cap else "-",
            e.time.strftime("%Y-%m-%d %H:%M:%S"),
        ]
        for e in out.equities
    ]
    if fmt is OutputFormat.markdown:
        if rows:
            typer.echo("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
            for r in rows:
                typer.echo("| " + " | ".join(r) + " |")
        for r in erows:
            typer.echo(f"| {' | '.join(r)} |")
    else:
        from rich.table import Table

        c = console()
        if rows:
            # one column per market, one row per field: fits a terminal however many fields
            tab = Table(title="Perpetuals (prices per contract unit)")
            tab.add_column("field")
            for r in rows:
                tab.add_column(f"{r[0]} {r[1]}", justify="right")
            for i, col in enumerate(cols[2:], start=2):
                tab.add_row(col, *(r[i] for r in rows))
            if cmp and len(cmp.rows) > 1:
                tab.caption = f"spread between venues {cmp.spread:.4f}x (max/min implied valuation)"
            c.print(tab)
        if erows:
            tab = Table(title="Listed shares")
            for col in (
                "symbol",
                "exchange",
                "last price",
                "shares outstanding",
                "market cap",
                "time (UTC)",
            ):
                tab.add_column(col)
            for r in erows:
                tab.add_row(*r)
            c.print(tab)
    err = console(stderr=True)
    for f in flags:
        err.print(f"[yellow]⚠ {f.message}[/yellow]", highlight=False)
    for k, v in out.errors.items():
        err.print(f"[red]✗ {k}: {v}[/red]", highlight=False)


@handle_errors
def watch_cmd(
    case: str = typer.Argument(..., help="Bundled case id or case file."),
    every: str = typer.Option("60s", "--every", help="Interval between snapshots: 60s, 5m, 1h."),
    count: int | None = typer.Option(
        None, "--count", "-n", min=1, help="Stop after N iterations (default: until Ctrl-C)."
    ),
    venue: str | None = typer.Option(None, "--venue", "-v", help="Only this provider."),
    db: str | None = typer.Option(
        None, "--db", help="History database (default: $ANCHORVAL_DB or the user data dir)."
    ),
    max_backoff: str = typer.Option(
        "15m", "--max-backoff", help="Longest wait after repeated network errors."
    ),
) -> None:
    """Fetch, value and store a case on an interval; back off on network errors; Ctrl-C stops.

    Example: anchorval watch anthropic-2026-06 --every 60s
    """
    interval = parse_duration(every, "--every")  # before the store is opened or any fetch
    backoff_cap = parse_duration(max_backoff, "--max-backoff")
    _need_live()
    from ..store import Store
    from ..workflows.live import watch

    store = Store(db) if db else Store()
    err = console(stderr=True)
    err.print(
        f"watching {case} every {every}; history in {store.path} (Ctrl-C to stop)", highlight=False
    )

    def show(ev: Any) -> None:
        stamp = datetime.now(UTC).strftime("%H:%M:%S")
        style = "green" if ev.ok else "yellow"
        err.print(f"[{style}]{stamp} #{ev.iteration} {ev.message}[/{style}]", highlight=False)

    done: list[str] = []
    try:
        done = watch(
            case,
            store,
            every=interval,
            count=count,
            venue=venue,
            on_event=show,
            max_backoff=backoff_cap,
        )
    except KeyboardInterrupt:
        n = len(store.snapshot_ids(None)) if store.path.exists() else 0
        err.print(f"stopped; {n} snapshots in {store.path}", highlight=False)
        raise typer.Exit(0) from None
    err.print(f"done: {len(done)} snapshots committed to {store.path}", highlight=False)
    if count is not None and not done:
        # a script running `watch --count N` learns that every iteration failed
        err.print(f"error: no snapshot of {case} committed in {count} iteration(s)", highlight=False)
        raise typer.Exit(2)


@handle_errors
def history_cmd(
    case: str = typer.Argument(..., help="Case id (as stored by watch)."),
    since: str | None = typer.Option(
        None, "--since", help="Only snapshots at or after this date/time (ISO 8601, UTC)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    chart: str | None = typer.Option(
        None, "--chart", help="Also write an HTML chart of implied valuation over time."
    ),
    db: str | None = typer.Option(
        None, "--db", help="History database (default: $ANCHORVAL_DB or the user data dir)."
    ),
) -> None:
    """Show implied valuation over time per anchor and per venue, from the history store.

    Example: anchorval history anthropic-2026-06 --since 2026-06-01 --chart history.html
    """
    from ..errors import MissingFigureError
    from ..store import Store

    when = None
    if since:
        try:
            when = datetime.fromisoformat(since)
        except ValueError:
            raise typer.BadParameter(
                f"not an ISO date/time: {since!r}", param_hint="--since"
            ) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    store = Store(db) if db else Store()
    h = store.history(case, when)
    if h.empty:
        raise MissingFigureError(
            f"no snapshots of {case!r} in {store.path}" + (f" since {since}" if since else "")
        )
    q = store.quotes(case, when)
    if fmt is OutputFormat.json:
        from ..report._render import jsonable

        rows = [
            {
                k: jsonable(v.to_pydatetime() if hasattr(v, "to_pydatetime") else v)
                for k, v in r.items()
            }
            for r in h.to_dict("records")
        ]
        venues = [
            {
                "taken_at": jsonable(
                    r["quote_time"].to_pydatetime()
                    if hasattr(r["quote_time"], "to_pydatetime")
                    else r["quote_time"]
                ),
                "venue": r["venue"],
                "symbol": r["symbol"],
                "mark_price": jsonable(r["mark_price"]),
                "implied_valuation": jsonable(r["implied_valuation"]),
                "currency": r["quote_currency"],
            }
            for r in q.to_dict("records")
        ]
        typer.echo(
            json.dumps({"case": case, "anchors": rows, "venues": venues}, indent=2, default=str)
        )
    else:
        import pandas as pd

        long = h[["taken_at", "anchor", "base"]].rename(
            columns={"anchor": "column", "base": "value"}
        )
        if not q.empty:
            # implied valuation per venue (quote currency), on the snapshot's row
            when = dict(zip(h["snapshot_id"], h["taken_at"], strict=False))
            qv = q[q["implied_valuation"].notna() & q["snapshot_id"].isin(when)]
            long = pd.concat(
                [
                    long,
                    pd.DataFrame(
                        {
                            "taken_at": qv["snapshot_id"].map(when),
                            "column": qv["venue"]
                            + " "
                            + qv["symbol"]
                            + " ("
                            + qv["quote_currency"]
                            + ")",
                            "value": qv["implied_valuation"],
                        }
                    ),
                ]
            )
        piv = long.pivot_table(
            index="taken_at", columns="column", values="value", aggfunc="first", sort=False
        )
        ccy = h["currency"].iloc[0]
        from ..money import format_number

        cols = [str(c) for c in piv.columns]
        if fmt is OutputFormat.markdown:
            typer.echo(f"| time (UTC) | {' | '.join(cols)} |\n|---|" + "---|" * len(cols))
            for t, r in piv.iterrows():
                typer.echo(
                    f"| {t:%Y-%m-%d %H:%M:%S} | "
                    + " | ".join(
                        "-" if v is None or v != v else format_number(Decimal(v), 4) for v in r
                    )
                    + " |"
                )
        else:
            from rich import box
            from rich.table import Table

            tab = Table(
                title=f"{case}: base valuation per anchor ({ccy}) and implied valuation per venue",
                box=box.SIMPLE_HEAD,
                pad_edge=False,
                padding=(0, 1, 0, 0),
            )
            # the time never wraps or truncates (it read "2026-0…" in 80 columns); long anchor
            # and venue names fold instead of losing their end
            cells = [
                ["-" if v is None or v != v else format_number(Decimal(v), 4) for v in r]
                for _, r in piv.iterrows()
            ]
            tab.add_column("time (UTC)", no_wrap=True, min_width=19)
            for i, c in enumerate(cols):
                tab.add_column(
                    c,
                    justify="right",
                    overflow="fold",
                    min_width=max((len(row[i]) for row in cells), default=1),
                )
            for t, row in zip(piv.index, cells, strict=True):
                tab.add_row(f"{t:%Y-%m-%d %H:%M:%S}", *row)
            console().print(tab)
    if chart is not None:
        write_text(chart, history_html(case, h, q))
        console(stderr=True).print(f"chart written to [bold]{chart}[/bold]")


def history_html(case: str, h: Any, q: Any) -> str:
    """Render a standalone HTML page: base (low-high band) per anchor, implied value per venue."""
    import plotly.graph_objects as go

    from ..anchors.triangulate import LOG_AXIS_SPAN
    from ..report._render import ReportSection, plotly_div, render_page

    palette = ("#4f81bd", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#555555")
    fig = go.Figure()
    for i, (anchor, g) in enumerate(h.groupby("anchor")):
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
    positive = [float(v) for c in ("low", "base", "high") for v in h[c] if v is not None and v > 0]
    # anchors a hundred times apart (a peer multiple at 48T next to a 965B round) flatten every
    # other line onto zero on a linear axis: use a log axis past the football field's span
    log_y = bool(positive) and max(positive) / min(positive) > float(LOG_AXIS_SPAN)
    fig.update_layout(
        yaxis_title=f"valuation ({h['currency'].iloc[0]}{', log scale' if log_y else ''})",
        yaxis_type="log" if log_y else "linear",
        xaxis_title="time (UTC)",
        height=460,
        template="plotly_white",
    )
    secs = [ReportSection("anchors", "Valuation per anchor over time", plotly_div(fig))]
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
    return render_page(
        f"{case}: valuation history", secs, subtitle=f"{h['snapshot_id'].nunique()} snapshots"
    )


def go_live(case: str) -> tuple[Any, Any]:
    """Fetch quotes for ``value --live``, print what is live and when; return (case, peers)."""
    _need_live()
    from ..workflows.live import value_live

    res = value_live(case)
    err = console(stderr=True)
    err.print("[bold]Live figures[/bold] (sources live:<venue>):", highlight=False)
    for q in res.outcome.perps:
        err.print(
            f"  {q.venue} {q.symbol}: mark {_num(q.mark_price)} {q.quote_currency} "
            f"at {q.time:%Y-%m-%d %H:%M:%S} UTC "
            f"(fetched {q.fetched_at:%H:%M:%S})",
            highlight=False,
        )
    for e in res.outcome.equities:
        err.print(
            f"  yahoo {e.symbol}: {_num(e.last_price)} {e.currency} "
            f"at {e.time:%Y-%m-%d %H:%M:%S} UTC",
            highlight=False,
        )
    if res.comparison and len(res.comparison.rows) > 1:
        err.print(f"  spread between venues {res.comparison.spread:.4f}x", highlight=False)
    for f in res.flags:
        err.print(f"  [yellow]⚠ {f.message}[/yellow]", highlight=False)
    for k, v in res.outcome.errors.items():
        err.print(f"  [red]✗ {k}: {v}[/red]", highlight=False)
    return res.case, res.peers

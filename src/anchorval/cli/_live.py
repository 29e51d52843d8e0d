"""``anchorval fetch``, ``watch`` and ``history``: live quotes and their history."""

from __future__ import annotations

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


def need_live() -> None:
    """Fail with the extra to install when a live dependency is missing."""
    import importlib.util

    from ..errors import MSG_MISSING_EXTRA, ProviderUnavailableError

    for pkg in ("ccxt", "duckdb", "tenacity", "yfinance"):
        if importlib.util.find_spec(pkg) is None:
            raise ProviderUnavailableError(
                MSG_MISSING_EXTRA.format(what="live market data", package=pkg)
            )


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
        help="Provider: binance, hyperliquid, okx, htx, cryptocom, coinbaseinternational, aster, "
        "polymarket, yahoo (default: by symbol, or a case's markets).",
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    max_age: float = typer.Option(
        900, "--max-age", help="Flag quotes older than this many seconds."
    ),
    all_venues: bool = typer.Option(
        False, "--all-venues", help="With a case: also look the company up on every perp venue."
    ),
) -> None:
    """Fetch live quotes and show the normalised data and implied valuation per venue.

    Example: anchorval fetch anthropic-2026-06
    """
    need_live()
    from ..report import live as show
    from ..workflows.live import fetch

    res = fetch(target, venue, max_age_seconds=max_age, all_venues=all_venues)
    if fmt is OutputFormat.json:
        typer.echo(show.render_fetch_json(res))
        return
    if fmt is OutputFormat.markdown:
        text = show.render_fetch_markdown(res)
        if text:
            typer.echo(text)
    else:
        show.print_fetch(res, console())
    show.print_fetch_problems(res, console(stderr=True))


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
    need_live()
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
    from ..report import live as show
    from ..report import print_written
    from ..workflows.live import history
    from ._marks import _store

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
    # _store names the extra to install when duckdb or tenacity is missing (no traceback)
    res = history(case, _store(db), when, since)
    if fmt is OutputFormat.json:
        typer.echo(show.render_history_json(res))
    elif fmt is OutputFormat.markdown:
        typer.echo(show.render_history_markdown(res))
    else:
        show.print_history(res, console())
    if chart is not None:
        write_text(chart, show.history_html(res))
        print_written(console(stderr=True), chart, "chart")

"""``anchorval value`` and ``anchorval cases``."""

from __future__ import annotations

from typing import Any

import typer

from ._common import FORMAT_OPTION, OutputFormat, console, handle_errors, write_text


def _parse_weights(text: str | None) -> dict[str, Any] | None:
    """``arr_multiple=0.5,last_round=50%`` -> {key: Decimal}; the keys are checked by the valuation."""
    from ..errors import AmountParseError
    from ..money import parse_number

    if text is None:
        return None
    out: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, val = part.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected anchor=weight, got {part!r}", param_hint="--weights")
        try:
            out[key.strip()] = parse_number(val.strip())
        except AmountParseError:
            raise typer.BadParameter(
                f"weight {val!r} is not a finite number (0.5 or 50%)", param_hint="--weights"
            ) from None
    return out


@handle_errors
def value_cmd(
    case: str = typer.Argument(..., help="Bundled case id (see `anchorval cases`) or path to a case YAML file."),
    fmt: OutputFormat = FORMAT_OPTION,
    report: str | None = typer.Option(
        None, "--report", "-r", help="Also write a self-contained HTML report to this path."
    ),
    currency: str | None = typer.Option(None, "--currency", help="Report currency (default: the case's)."),
    anchors: str | None = typer.Option(
        None, "--anchors", help="Comma-separated anchor keys (default: all the case supports)."
    ),
    weights: str | None = typer.Option(
        None, "--weights", help="Blend weights, e.g. arr_multiple=0.5,last_round=0.5 (default: the case's)."
    ),
    live: bool = typer.Option(
        False, "--live", help="Fetch fresh quotes first; live figures cite live:<venue> with their time."
    ),
) -> None:
    """Value a company with every anchor, side by side, with sources.

    Example: anchorval value anthropic-2026-06 --report anthropic.html
    """
    from ..report._render import render_html, render_markdown, to_json
    from ..workflows.value import value

    keys = [a.strip() for a in anchors.split(",")] if anchors else None
    ref, peers = case, None
    if live:
        from ._live import go_live

        ref, peers = go_live(case)
    t = value(ref, anchors=keys, currency=currency, weights=_parse_weights(weights), peers=peers)
    if fmt is OutputFormat.json:
        typer.echo(to_json(t))
    elif fmt is OutputFormat.markdown:
        typer.echo(render_markdown(t))
    else:
        print_table(t)
    if report is not None:
        write_text(report, render_html(t))
        console(stderr=True).print(f"report written to [bold]{report}[/bold]")


def print_table(t: Any) -> None:
    """Render a triangulation as rich tables on stdout."""
    from rich.table import Table

    from ..money import format_money

    c = console()
    tab = Table(title=f"{t.company}: valuation anchors as of {t.as_of} ({t.currency}, totals)")
    for col in ("anchor", "method"):
        tab.add_column(col)
    for col in ("low", "base", "high"):
        tab.add_column(col, justify="right")
    for a in t.anchors:
        tab.add_row(a.title, a.method, format_money(a.low), format_money(a.base), format_money(a.high))
    if t.blended is not None:
        b = t.blended
        w = ", ".join(f"{k} {v:.0%}" for k, v in b.weights.items())
        tab.add_row(
            "[bold]Blended[/bold]", f"weights: {w}", format_money(b.low), format_money(b.base), format_money(b.high)
        )
    tab.caption = f"spread of base values {t.spread:.2f}x; span of ranges {t.span:.2f}x"
    if t.blended is not None and t.blended.ignored:
        tab.caption += (
            f"\nblend weights of {', '.join(t.blended.ignored)} ignored (not computed); the others renormalised"
        )
    c.print(tab)
    for a in t.anchors:
        c.print(f"\n[bold]{a.title}[/bold] [dim]({a.method})[/dim]")
        for i, s in enumerate(a.steps, 1):
            cites = ", ".join(f"{f.source_id} {f.as_of}" for f in s.figures)
            c.print(f"  {i}. {s.label}: {s.value}" + (f" [dim][{cites}][/dim]" if cites else ""), highlight=False)
        for w in a.warnings:
            c.print(f"  [yellow]⚠ {w}[/yellow]", highlight=False)
    if t.fx_rates:
        c.print("\n[bold]FX rates used[/bold]")
        for r in t.fx_rates:
            c.print(f"  {r.pair} {r.rate:.6g} on {r.on} ({r.source})", highlight=False)
    c.print("\n[bold]Sources[/bold]")
    for k, s in t.sources.items():
        c.print(f'  {k}: {s.publisher}, "{s.title}", {s.date}', highlight=False)
    if t.skipped:
        # one dim line, not one per anchor: on the quick-start case four separate "not
        # computed" lines read like errors. The full reasons are in the JSON and HTML report.
        import re

        def why(reason: str) -> str:
            m = re.search(r"lacks figures? '?([^']+?)'? needed by", reason)
            return f"needs {m.group(1)}" if m else reason

        parts = ", ".join(f"{k} ({why(v)})" for k, v in t.skipped.items())
        c.print(f"[dim]not computed: {parts}[/dim]", highlight=False)


@handle_errors
def cases_cmd(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """List the bundled cases.

    Example: anchorval cases --format json
    """
    import json

    from ..cases import bundled_case_ids, load_case

    rows = []
    for cid in bundled_case_ids():
        c = load_case(cid)
        rows.append(
            {
                "id": cid,
                "company": c.company.name,
                "status": c.company.status,
                "as_of": c.as_of.isoformat(),
                "currency": c.report_currency,
            }
        )
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt is OutputFormat.markdown:
        typer.echo("| id | company | status | as of | currency |\n|---|---|---|---|---|")
        for r in rows:
            typer.echo(f"| {r['id']} | {r['company']} | {r['status']} | {r['as_of']} | {r['currency']} |")
    else:
        from rich.table import Table

        tab = Table(title="Bundled cases")
        # the id is what users type: never truncate or wrap it; the company name wraps instead
        tab.add_column("id", no_wrap=True, min_width=max(len(str(r["id"])) for r in rows) if rows else None)
        for col in ("company", "status", "as_of", "currency"):
            tab.add_column(col, min_width=8 if col == "company" else None)
        for r in rows:
            tab.add_row(*(str(r[k]) for k in ("id", "company", "status", "as_of", "currency")))
        console().print(tab)

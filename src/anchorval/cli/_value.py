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
    store: bool = typer.Option(False, "--store", help="Store the valuation as a snapshot in the history store."),
    db: str | None = typer.Option(None, "--db", help="History database for --store (default: $ANCHORVAL_DB)."),
) -> None:
    """Value a company with every anchor, side by side, with sources.

    Example: anchorval value anthropic-2026-06 --report anthropic.html
    """
    from ..report import print_written
    from ..report import valuation as show

    keys = [a.strip() for a in anchors.split(",")] if anchors else None
    w = _parse_weights(weights)
    db_store = valued = None
    if store:  # before any work: a missing extra is named up front
        from ._marks import _store

        db_store = _store(db)
    if live:
        from ..report.live import print_live_summary
        from ._live import need_live

        need_live()
        from ..workflows.live import value_live

        res = value_live(case, anchors=keys, currency=currency, weights=w)
        print_live_summary(res, console(stderr=True))
        t, valued = res.triangulation, res.case
    elif store:  # load once: the snapshot hashes the very case that is valued
        from ..cases import resolve_case
        from ..workflows.value import value_loaded

        lc = resolve_case(case)
        t, valued = value_loaded(lc, keys, currency, w), lc.case
    else:
        from ..workflows.value import value

        t = value(case, anchors=keys, currency=currency, weights=w)
    if fmt is OutputFormat.json:
        typer.echo(show.render_json(t))
    elif fmt is OutputFormat.markdown:
        typer.echo(show.render_markdown(t))
    else:
        show.print_table(t, console())
    if report is not None:
        write_text(report, show.render_html(t))
        print_written(console(stderr=True), report)
    if db_store is not None:
        from ..workflows.marks import store_valuation

        sv = store_valuation(t, valued, db_store)
        console(stderr=True).print(
            f"snapshot {sv.snapshot_id[:8]} stored in {db_store.path}", highlight=False, markup=False
        )


@handle_errors
def cases_cmd(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """List the bundled cases.

    Example: anchorval cases --format json
    """
    from ..cases import bundled_case_ids, load_case
    from ..report import json_text
    from ..report import valuation as show

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
        typer.echo(json_text(rows))
    elif fmt is OutputFormat.markdown:
        typer.echo(show.render_cases_markdown(rows))
    else:
        show.print_cases(rows, console())

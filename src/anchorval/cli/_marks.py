"""``anchorval mark add`` and ``mark import``: record marks you get elsewhere (offline)."""

from __future__ import annotations

import typer

from ._common import console, handle_errors

mark_app = typer.Typer(
    help="Record valuation marks (secondary trades, fund marks, indications, rounds).\n\n"
    'Example: anchorval mark add anthropic-2026-06 --value "1.2T USD" --source "Forge Price" --as-of 2026-06-20',
    no_args_is_help=True,
)


def _store(db: str | None):  # noqa: ANN202 - Store imported lazily
    import importlib.util

    from ..errors import MSG_MISSING_EXTRA, ProviderUnavailableError

    for pkg in ("duckdb", "tenacity"):  # the store's file and its lock-retry loop
        if importlib.util.find_spec(pkg) is None:
            raise ProviderUnavailableError(MSG_MISSING_EXTRA.format(what="the history store", package=pkg))
    from ..store import Store

    return Store(db) if db else Store()


@mark_app.command("add")
@handle_errors
def mark_add_cmd(
    case: str = typer.Argument(..., help="Case id the mark belongs to."),
    value: str = typer.Option(..., "--value", help='Valuation with its currency: "1.2T USD".'),
    source: str = typer.Option(..., "--source", help='Where it comes from: "Forge Price, 2026-06-20".'),
    as_of: str = typer.Option(..., "--as-of", help="Date of the mark (YYYY-MM-DD)."),
    kind: str = typer.Option("secondary", "--kind", help="secondary, fund_mark, indication or round."),
    note: str | None = typer.Option(None, "--note", help="Free text."),
    db: str | None = typer.Option(None, "--db", help="History database (default: $ANCHORVAL_DB or the user data dir)."),
) -> None:
    """Record one mark in the history store.

    Example: anchorval mark add anthropic-2026-06 --value "1.2T USD" --source "Forge Price" --as-of 2026-06-20
    """
    from ..workflows.marks import make_mark

    try:
        m = make_mark(case, value, source, as_of, kind, note)
    except ValueError as exc:
        fld, why = exc.args[0] if isinstance(exc.args[0], tuple) else ("value", str(exc))
        raise typer.BadParameter(why, param_hint=f"--{fld.replace('_', '-')}") from None
    s = _store(db)
    s.write_marks([m])
    console(stderr=True).print(
        f"mark {m.mark_id[:8]} stored: {case} {m.value:,.0f} {m.currency} ({m.kind}, {m.as_of}) in {s.path}",
        highlight=False,
        markup=False,
    )


@mark_app.command("import")
@handle_errors
def mark_import_cmd(
    path: str = typer.Argument(..., help="CSV with columns case, value, as_of, source[, kind, note]."),
    db: str | None = typer.Option(None, "--db", help="History database (default: $ANCHORVAL_DB or the user data dir)."),
) -> None:
    """Import marks from a CSV: every row is checked first; a bad row stores nothing.

    Example: anchorval mark import marks.csv
    """
    from ..workflows.marks import import_marks

    s = _store(db)
    n = import_marks(path, s)
    console(stderr=True).print(f"{n} marks imported into {s.path}", highlight=False, markup=False)

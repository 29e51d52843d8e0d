"""``anchorval audit``: check the numbers an article prints, in English and Chinese."""

from __future__ import annotations

import typer

from ._common import FORMAT_OPTION, OutputFormat, console, handle_errors, write_text


@handle_errors
def audit_cmd(
    articles: list[str] = typer.Argument(
        ...,
        help="Article text file(s): UTF-8 or a declared encoding. Two or more are also compared "
        "with each other (an original and its translation).",
    ),
    case: list[str] | None = typer.Option(
        None, "--case", "-c", help="Bundled case id or case file to check against; repeatable."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    report: str | None = typer.Option(
        None, "--report", "-r", help="Also write a self-contained HTML report (claims highlighted) to this path."
    ),
) -> None:
    """Audit an article's numbers against arithmetic, the cases' figures and each other.

    Example: anchorval audit article.txt --case anthropic-2026-06 --case zhipu-2026-06 --report audit.html
    """
    from pathlib import Path

    from ..report.audit import audit_to_json, print_audit_tables, render_audit_html, render_audit_markdown
    from ..workflows.audit import audit as run_audit

    paths = [Path(a) for a in articles]  # Paths are always read as files (one line if unreadable)
    result = run_audit(paths if len(paths) > 1 else paths[0], cases=case or [])
    if fmt is OutputFormat.json:
        typer.echo(audit_to_json(result))
    elif fmt is OutputFormat.markdown:
        typer.echo(render_audit_markdown(result), nl=False)
    else:
        print_audit_tables(result, console())
    if report:
        write_text(report, render_audit_html(result))
        typer.echo(f"report written to {report}", err=True)

"""``anchorval dcf``: the year-by-year DCF table and the reverse DCF."""

from __future__ import annotations

from enum import Enum

import typer

from ._common import FORMAT_OPTION, OutputFormat, console, handle_errors


class SolveFor(str, Enum):  # noqa: UP042 - same pattern as OutputFormat
    """What the reverse DCF solves for."""

    growth = "growth"
    margin = "margin"


@handle_errors
def dcf_cmd(
    case: str = typer.Argument(
        ..., help="Bundled case id or path to a case file with a `dcf:` section."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    solve_for: SolveFor | None = typer.Option(
        None,
        "--solve-for",
        help="Reverse DCF: solve for revenue growth (years 1-5) or the target margin.",
    ),
    target: str | None = typer.Option(
        None, "--target", help="Equity value to match, e.g. '1.7T USD' (default: the case's marks)."
    ),
) -> None:
    """Young-company DCF: the year-by-year table, and what must come true for a market value.

    Example: anchorval dcf anthropic-2026-06-dcf --solve-for growth --target "1.7T USD"
    """
    from ..report import dcf as show
    from ..workflows.dcf import run_dcf

    if target is not None and solve_for is None:
        solve_for = SolveFor.growth
    run = run_dcf(case, solve_for.value if solve_for else None, target)
    if fmt is OutputFormat.json:
        typer.echo(show.render_dcf_json(run))
    elif fmt is OutputFormat.markdown:
        typer.echo(show.render_dcf_markdown(run))
    else:
        show.print_dcf(run, console())

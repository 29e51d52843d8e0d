"""``anchorval market``: free float, lock-ups, index demand, P/S path and price decomposition."""

from __future__ import annotations

from typing import Any

import typer

from ._common import FORMAT_OPTION, OutputFormat, console, handle_errors, write_text


@handle_errors
def market_cmd(
    case: str = typer.Argument(
        ..., help="Bundled case id (see `anchorval cases`) or path to a case YAML file."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    report: str | None = typer.Option(
        None, "--report", "-r", help="Also write a self-contained HTML report to this path."
    ),
    currency: str | None = typer.Option(
        None,
        "--currency",
        help="Second currency for values (default: the case's); USD is always shown.",
    ),
    tracking_assets: list[str] | None = typer.Option(
        None,
        "--tracking-assets",
        help="Assets tracking the index, e.g. '150B HKD'; repeat for a range "
        "(overrides the case figure).",
    ),
    adv: str | None = typer.Option(
        None,
        "--adv",
        help="Average daily volume: shares per day ('1.2M') or value per day ('2B HKD').",
    ),
    target_ps: str | None = typer.Option(
        None, "--target-ps", help="Target P/S, e.g. 100 or 100x (overrides the case)."
    ),
    by: list[str] | None = typer.Option(
        None, "--by", help="Date (YYYY-MM-DD) for the growth-needed table; repeatable."
    ),
    fundamental: str | None = typer.Option(
        None,
        "--fundamental",
        help="Fundamental value to split the market cap against, e.g. '500B HKD', or 'anchors'.",
    ),
    structural_share: str | None = typer.Option(
        None,
        "--structural-share",
        help="Share of the premium from float scarcity and passive demand, e.g. 60%.",
    ),
) -> None:
    """Market structure of a listed company: float, lock-ups, index demand, P/S path, premium.

    Example: anchorval market zhipu-2026-06 --report zhipu-market.html
    """
    from datetime import date

    from ..report import market as show
    from ..report import print_written
    from ..workflows.market import market_structure

    dates = []
    for d in by or []:
        try:
            dates.append(date.fromisoformat(d))
        except ValueError:
            raise typer.BadParameter(
                f"{d!r} is not a date (YYYY-MM-DD)", param_hint="--by"
            ) from None
    from ..errors import MSG_BAD_AMOUNT, AmountParseError
    from ..money import parse_amount, parse_number
    from ..workflows.market import parse_volume

    def opt(option: str, parse: Any, value: Any) -> Any:
        # parse here so a bad value names its option (the workflow parses the same way)
        if value is None:
            return None
        try:
            return parse(value)
        except AmountParseError as exc:
            raise AmountParseError(f"{option}: {exc}") from None

    def multiple(text: str) -> Any:
        try:
            return parse_number(text.rstrip("xX"))
        except AmountParseError:
            raise AmountParseError(
                MSG_BAD_AMOUNT.format(text=text, why="not a multiple such as 100 or 100x")
            ) from None

    r = market_structure(
        case,
        currency=currency,
        tracking_assets=[opt("--tracking-assets", parse_amount, a) for a in tracking_assets]
        if tracking_assets
        else None,
        average_daily_volume=opt("--adv", parse_volume, adv),
        target_ps=opt("--target-ps", multiple, target_ps),
        by=dates,
        fundamental=fundamental
        if fundamental is None or fundamental.strip().lower() == "anchors"
        else opt("--fundamental", parse_amount, fundamental),
        structural_share=opt("--structural-share", parse_number, structural_share),
    )
    if fmt is OutputFormat.json:
        typer.echo(show.render_market_json(r))
    elif fmt is OutputFormat.markdown:
        typer.echo(show.render_market_markdown(r))
    else:
        show.print_market_tables(r, console())
    if report is not None:
        write_text(report, show.render_market_html(r))
        print_written(console(stderr=True), report)

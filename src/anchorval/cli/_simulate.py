"""``anchorval simulate`` and ``anchorval sensitivity``."""

from __future__ import annotations

import json
from typing import Any

import typer

from ._common import FORMAT_OPTION, OutputFormat, console, handle_errors, write_text


def _fmt(x: float) -> str:
    from ..money import format_number

    return format_number(x, 4)


@handle_errors
def simulate_cmd(
    case: str = typer.Argument(..., help="Bundled case id or path to a case YAML file."),
    draws: str = typer.Option(
        "1M", "--draws", "-n", help="Number of scenarios: 1M, 10M, 1e8, 250000."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed; the same seed gives the same numbers on any thread count."
    ),
    threshold: list[str] = typer.Option(
        [],
        "--threshold",
        "-t",
        help="P(value > threshold), e.g. '1T USD' (repeatable; default: the case's).",
    ),
    spec: str | None = typer.Option(
        None, "--spec", help="YAML file of distributions / correlation that win over the case's."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    report: str | None = typer.Option(
        None, "--report", "-r", help="Also write a self-contained HTML report to this path."
    ),
    currency: str | None = typer.Option(
        None, "--currency", help="Report currency (default: the case's)."
    ),
    threads: int | None = typer.Option(
        None, "--threads", help="Worker threads (default: all cores)."
    ),
    progress: bool = typer.Option(
        True, "--progress/--no-progress", help="Show a progress bar on stderr."
    ),
) -> None:
    """Monte Carlo of every anchor and the blended view: percentiles, mean, P(value > threshold).

    Example: anchorval simulate anthropic-2026-06 --draws 10M --seed 7 --threshold "1T USD"
    """
    from ..workflows.simulate import parse_draws
    from ..workflows.simulate import simulate as run

    n = parse_draws(draws)
    err = console(stderr=True)
    bar: Any = None
    if progress and err.is_terminal:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn("simulating"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
    if bar is not None:
        with bar:
            task = bar.add_task("draws", total=n)
            r = run(
                case,
                n,
                seed=seed,
                thresholds=threshold or None,
                spec=spec,
                currency=currency,
                threads=threads,
                progress=lambda done: bar.update(task, completed=done),
            )
    else:
        r = run(
            case,
            n,
            seed=seed,
            thresholds=threshold or None,
            spec=spec,
            currency=currency,
            threads=threads,
        )
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(r.to_dict(), indent=2, ensure_ascii=False))
    elif fmt is OutputFormat.markdown:
        from ..report._simulate import simulation_markdown

        typer.echo(simulation_markdown(r))
    else:
        _print_simulation(r)
    if report is not None:
        from ..report._simulate import render_simulation_html, sensitivity_section
        from ..workflows.simulate import sensitivity
        from ..workflows.value import value

        t = value(case, currency=currency)
        # tornado of the blended view (without blend weights, of the anchor the inputs move
        # most), and the grid of its two most influential inputs
        extra = [
            sensitivity_section(sensitivity(case, m, spec=spec, currency=currency))
            for m in ("tornado", "grid")
        ]
        write_text(report, render_simulation_html(r, t, extra))
        err.print(f"report written to [bold]{report}[/bold]")


def _print_simulation(r: Any) -> None:
    from rich import box
    from rich.table import Table

    c = console()
    tab = Table(
        title=f"{r.company}: Monte Carlo, {r.draws:,} draws, seed {r.seed} ({r.currency}, totals)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,  # with the edge padding six outputs needed 81 columns and P95 lost digits
    )
    for col in ("output", "base", "mean", "P5", "P25", "P50", "P75", "P95"):
        tab.add_column(col, justify="left" if col == "output" else "right", no_wrap=True)
    for o in r.outputs.values():
        q = o.quantiles
        tab.add_row(
            o.key,
            _fmt(o.base),
            _fmt(o.mean),
            *(_fmt(q[v]) for v in (0.05, 0.25, 0.5, 0.75, 0.95)),
        )
    tab.caption = (
        f"{r.draws_per_second / 1e6:.1f}M scenarios/s on {r.threads} threads ({r.elapsed:.2f} s)"
    )
    c.print(tab)
    if r.thresholds:
        pt = Table(title="Probability the value exceeds a threshold", box=box.SIMPLE_HEAD)
        pt.add_column("output", no_wrap=True)
        for t in r.thresholds:
            pt.add_column(f"P(> {_fmt(t)} {r.currency})", justify="right", no_wrap=True)
        for o in r.outputs.values():
            pt.add_row(o.key, *(f"{o.p_above[t]:.1%}" for t in r.thresholds))
        c.print(pt)
    c.print("\n[bold]Inputs[/bold]")
    for i in r.inputs:
        if i.stated:
            basis = "stated" + (f" ({i.source})" if i.source else "")
        elif i.assumption:
            basis = f"[yellow]assumed[/yellow]: {i.assumption}"
        else:
            basis = "fixed at the case value"
        c.print(f"  {i.path} ({i.unit}): {i.distribution} [dim]{basis}[/dim]", highlight=False)
    if r.correlated:
        c.print(f"  correlated (Gaussian copula): {', '.join(r.correlated)}", highlight=False)
    for a in r.assumptions:
        c.print(f"[yellow]⚠ {a}[/yellow]", highlight=False)


@handle_errors
def sensitivity_cmd(
    case: str = typer.Argument(..., help="Bundled case id or path to a case YAML file."),
    method: str = typer.Option(
        "tornado", "--method", "-m", help="tornado (P10/P90 one at a time), sobol (SALib) or grid."
    ),
    grid: str | None = typer.Option(
        None,
        "--grid",
        help="Two figure paths for --method grid, e.g. arr_multiple.share,arr_multiple.multiples.",
    ),
    output: str = typer.Option(
        "blended", "--output", "-o", help="Output to explain: blended or an anchor key."
    ),
    n: int = typer.Option(1 << 14, "--n", help="Sobol base sample size (a power of 2)."),
    seed: int = typer.Option(0, "--seed", help="Sobol seed."),
    spec: str | None = typer.Option(
        None, "--spec", help="YAML file of distributions / correlation that win over the case's."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    report: str | None = typer.Option(
        None, "--report", "-r", help="Also write an HTML page with the chart."
    ),
) -> None:
    """Which inputs move the valuation: tornado, Sobol indices, or a two-way grid.

    Example: anchorval sensitivity anthropic-2026-06 --method grid
    --grid arr_multiple.share,arr_multiple.multiples
    """
    from ..report._simulate import render_sensitivity_html, sensitivity_markdown
    from ..workflows.simulate import sensitivity

    res = sensitivity(case, method, output=output, grid=grid, n=n, seed=seed, spec=spec)
    if fmt is OutputFormat.json:
        from dataclasses import asdict

        d = asdict(res)
        d["method"] = method
        typer.echo(json.dumps(d, indent=2, ensure_ascii=False))
    elif fmt is OutputFormat.markdown:
        typer.echo(sensitivity_markdown(res))
    else:
        _print_markdown_table(sensitivity_markdown(res))
    if report is not None:
        write_text(report, render_sensitivity_html(res, f"{case}: sensitivity ({method})"))
        console(stderr=True).print(f"report written to [bold]{report}[/bold]")


def _print_markdown_table(md: str) -> None:
    """Print a one-table Markdown document (``# title``, a table, notes) as a rich table.

    The first column (figure paths such as ``arr_multiple.market_arr``) never wraps or truncates;
    rich's own Markdown renderer cut it to ``arr_multiple.market_a…`` in an 80-column terminal.
    """
    from rich import box
    from rich.table import Table

    lines = md.splitlines()
    title = next((ln[2:] for ln in lines if ln.startswith("# ")), None)
    rows = [
        [c.strip().strip("`") for c in ln.strip().strip("|").split("|")]
        for ln in lines
        if ln.startswith("|")
    ]
    rows = [r for r in rows if not all(set(c) <= set("-:") and c for c in r)]  # drop |---|
    notes = [ln for ln in lines if ln and not ln.startswith(("#", "|"))]
    tab = Table(title=title.replace("`", "") if title else None, box=box.SIMPLE_HEAD)
    for i, head in enumerate(rows[0]):
        tab.add_column(head, justify="left" if i == 0 else "right", no_wrap=i == 0)
    for r in rows[1:]:
        tab.add_row(*r)
    console().print(tab)
    for ln in notes:
        console().print(ln.strip("_"), highlight=False)

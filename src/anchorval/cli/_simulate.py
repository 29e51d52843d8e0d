"""``anchorval simulate`` and ``anchorval sensitivity``."""

from __future__ import annotations

from typing import Any

import typer

from ._common import FORMAT_OPTION, OutputFormat, console, handle_errors, write_text


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
    from ..report import print_written
    from ..report import simulation as show
    from ..workflows.simulate import parse_draws, simulation_run

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

    def run(on_progress: Any = None) -> Any:
        # with --report, the tornado of the blended view (without blend weights, of the anchor the
        # inputs move most) and the grid of its two most influential inputs, on the same model
        return simulation_run(
            case,
            n,
            seed=seed,
            thresholds=threshold or None,
            spec=spec,
            currency=currency,
            threads=threads,
            progress=on_progress,
            sensitivities=("tornado", "grid") if report is not None else (),
        )

    if bar is not None:
        with bar:
            task = bar.add_task("draws", total=n)
            sim = run(lambda done: bar.update(task, completed=done))
    else:
        sim = run()
    r = sim.result
    if fmt is OutputFormat.json:
        typer.echo(show.render_simulation_json(r))
    elif fmt is OutputFormat.markdown:
        typer.echo(show.simulation_markdown(r))
    else:
        show.print_simulation(r, console())
    if report is not None:
        extra = [show.sensitivity_section(res) for res in sim.sensitivities]
        write_text(report, show.render_simulation_html(r, sim.triangulation, extra))
        print_written(err, report)


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
    from ..report import print_written
    from ..report import simulation as show
    from ..workflows.simulate import sensitivity

    res = sensitivity(case, method, output=output, grid=grid, n=n, seed=seed, spec=spec)
    if fmt is OutputFormat.json:
        typer.echo(show.render_sensitivity_json(res, method))
    elif fmt is OutputFormat.markdown:
        typer.echo(show.sensitivity_markdown(res))
    else:
        show.print_sensitivity(res, console())
    if report is not None:
        write_text(report, show.render_sensitivity_html(res, f"{case}: sensitivity ({method})"))
        print_written(console(stderr=True), report)

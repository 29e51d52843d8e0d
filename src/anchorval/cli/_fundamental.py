"""``anchorval dcf``: the year-by-year DCF table and the reverse DCF."""

from __future__ import annotations

from enum import Enum
from typing import Any

import typer

from ._common import FORMAT_OPTION, OutputFormat, console, handle_errors


class SolveFor(str, Enum):  # noqa: UP042 - same pattern as OutputFormat
    """What the reverse DCF solves for."""

    growth = "growth"
    margin = "margin"


_COLS = (
    ("revenue_growth", "growth", "pct"),
    ("revenue", "revenue", "money"),
    ("operating_margin", "margin", "pct"),
    ("ebit", "EBIT", "money"),
    ("tax_rate", "tax", "pct"),
    ("ebit_after_tax", "EBIT(1-t)", "money"),
    ("nol", "NOL", "money"),
    ("reinvestment", "reinvestment", "money"),
    ("fcff", "FCFF", "money"),
    ("cost_of_capital", "WACC", "pct"),
    ("discount_factor", "DF", "df"),
    ("pv_fcff", "PV(FCFF)", "money"),
)


def _fmt(kind: str, v: Any) -> str:
    from ..money import format_number

    if kind == "pct":
        return f"{v:.1%}"
    if kind == "df":
        return f"{v:.4f}"
    return format_number(v, 4)


def _year_label(y: int) -> str:
    return "base" if y == 0 else "terminal" if y == 11 else str(y)


def run_to_dict(run: Any) -> dict[str, Any]:
    """JSON structure of a :class:`~anchorval.workflows.dcf.DcfRun` (amounts as decimal strings)."""
    from dataclasses import asdict

    from ..report._render import jsonable

    r = run.result
    return {
        "schema": "anchorval.dcf/1",
        "case": run.case.id,
        "currency": run.currency,
        "years": [{**jsonable(asdict(y)), "year": _year_label(y.year)} for y in r.years],
        "pv_fcff": jsonable(r.pv_fcff),
        "terminal_value": jsonable(r.terminal_value),
        "pv_terminal_value": jsonable(r.pv_terminal_value),
        "terminal_roic": jsonable(r.terminal_roic),
        "operating_assets": jsonable(r.operating_assets),
        "equity_value": jsonable(r.equity_value),
        "value_per_share": jsonable(r.value_per_share),
        "reverse_dcf": [
            {
                "target": label,
                "value": jsonable(m.amount),
                "solve_for": s.solve_for,
                "implied": jsonable(s.value),
                "case_value": jsonable(s.base_value),
            }
            for (label, m), s in zip(run.targets, run.solutions, strict=True)
        ],
        "not_solved": [{"target": k, "why": v} for k, v in run.failures],
    }


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
    import json

    from ..workflows.dcf import run_dcf

    if target is not None and solve_for is None:
        solve_for = SolveFor.growth
    run = run_dcf(case, solve_for.value if solve_for else None, target)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(run_to_dict(run), indent=2, ensure_ascii=False))
        return
    r = run.result
    years = r.years
    summary = [
        ("PV of FCFF, years 1-10", _fmt("money", r.pv_fcff)),
        ("Terminal value", _fmt("money", r.terminal_value)),
        (
            "PV of terminal value",
            f"{_fmt('money', r.pv_terminal_value)} ({r.terminal_share:.0%} of value)",
        ),
        ("Operating assets (after failure)", _fmt("money", r.operating_assets)),
        ("Equity value", _fmt("money", r.equity_value)),
    ]
    if r.value_per_share is not None:
        summary.append(("Value per share", f"{r.value_per_share:,.2f}"))
    solved = [(label, m, s) for (label, m), s in zip(run.targets, run.solutions, strict=True)]
    what = {"growth": "revenue growth, years 1-5", "margin": "target operating margin"}
    if fmt is OutputFormat.markdown:
        out = [f"# {run.case.company.name}: young-company DCF ({run.currency}, totals)", ""]
        out.append("| year | " + " | ".join(c[1] for c in _COLS) + " |")
        out.append("|---|" + "---:|" * len(_COLS))
        for y in years:
            out.append(
                f"| {_year_label(y.year)} | "
                + " | ".join(_fmt(k, getattr(y, a)) for a, _, k in _COLS)
                + " |"
            )
        out += [""] + [f"- **{k}**: {v}" for k, v in summary]
        if solved:
            out += [
                "",
                "## Reverse DCF",
                "",
                f"| target | value | implied {what[solve_for.value]} |",
                "|---|---:|---:|",
            ]
            out += [
                f"| {lbl} | {_fmt('money', m.amount)} | {s.value:.2%} |" for lbl, m, s in solved
            ]
        out += [f"- not solved: {k}: {v}" for k, v in run.failures]
        typer.echo("\n".join(out))
        return
    from rich.console import Console
    from rich.table import Table

    c = console()
    wide = Console(width=max(c.width, 170), soft_wrap=False)
    tab = Table(title=f"{run.case.company.name}: young-company DCF ({run.currency}, totals)")
    tab.add_column("year")
    for _, head, _k in _COLS:
        tab.add_column(head, justify="right")
    for y in years:
        tab.add_row(_year_label(y.year), *(_fmt(k, getattr(y, a)) for a, _, k in _COLS))
    wide.print(tab)
    for k, v in summary:
        c.print(f"  {k}: {v}", highlight=False)
    if solved:
        t2 = Table(title=f"Reverse DCF: {what[solve_for.value]} needed (other inputs held)")
        for col in ("target", "value", "implied", "case input"):
            t2.add_column(col, justify="right" if col != "target" else "left")
        for lbl, m, s in solved:
            t2.add_row(lbl, _fmt("money", m.amount), f"{s.value:.2%}", f"{s.base_value:.2%}")
        c.print(t2)
    for k, v in run.failures:
        c.print(f"[yellow]not solved: {k}: {v}[/yellow]", highlight=False)

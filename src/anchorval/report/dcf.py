"""Presentation of a DCF run: the year-by-year table and the reverse DCF (Markdown, rich, JSON text).

The JSON structure belongs to :meth:`~anchorval.workflows.dcf.DcfRun.to_dict`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import json_text, make_console, num

if TYPE_CHECKING:  # pragma: no cover
    from ..workflows.dcf import DcfRun

__all__ = ["print_dcf", "render_dcf_json", "render_dcf_markdown"]

#: Columns of the year table: (attribute of a DCF year, header, kind of number).
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

_WHAT = {"growth": "revenue growth, years 1-5", "margin": "target operating margin"}


def _fmt(kind: str, v: Any) -> str:
    if kind == "pct":
        return f"{v:.1%}"
    if kind == "df":
        return f"{v:.4f}"
    return num(v, 4)


def _summary(run: DcfRun) -> list[tuple[str, str]]:
    r = run.result
    out = [
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
        out.append(("Value per share", f"{r.value_per_share:,.2f}"))
    return out


def _solved(run: DcfRun) -> list[tuple[str, Any, Any]]:
    return [(label, m, s) for (label, m), s in zip(run.targets, run.solutions, strict=True)]


def render_dcf_json(run: DcfRun) -> str:
    """JSON text of :meth:`DcfRun.to_dict`, indented."""
    return json_text(run.to_dict())


def render_dcf_markdown(run: DcfRun) -> str:
    """Markdown: the year table, the summary, the reverse-DCF table and the targets not solved."""
    out = [f"# {run.case.company.name}: young-company DCF ({run.currency}, totals)", ""]
    out.append("| year | " + " | ".join(c[1] for c in _COLS) + " |")
    out.append("|---|" + "---:|" * len(_COLS))
    for label, y in zip(run.year_labels(), run.result.years, strict=True):
        out.append(f"| {label} | " + " | ".join(_fmt(k, getattr(y, a)) for a, _, k in _COLS) + " |")
    out += [""] + [f"- **{k}**: {v}" for k, v in _summary(run)]
    solved = _solved(run)
    if solved:
        what = _WHAT[solved[0][2].solve_for]
        out += ["", "## Reverse DCF", "", f"| target | value | implied {what} |", "|---|---:|---:|"]
        out += [f"| {lbl} | {_fmt('money', m.amount)} | {s.value:.2%} |" for lbl, m, s in solved]
    out += [f"- not solved: {k}: {v}" for k, v in run.failures]
    return "\n".join(out)


def print_dcf(run: DcfRun, c: Any) -> None:
    """Print the year table (at least 170 columns wide), the summary and the reverse DCF.

    Parameters
    ----------
    run : DcfRun
    c : rich.console.Console
        Where to print (the command line passes stdout's); the year table goes to a console on
        the same file at least 170 columns wide, so its twelve columns never wrap.
    """
    from rich.table import Table

    wide = make_console(width=max(c.width, 170), file=c.file)
    tab = Table(title=f"{run.case.company.name}: young-company DCF ({run.currency}, totals)")
    tab.add_column("year")
    for _, head, _k in _COLS:
        tab.add_column(head, justify="right")
    for label, y in zip(run.year_labels(), run.result.years, strict=True):
        tab.add_row(label, *(_fmt(k, getattr(y, a)) for a, _, k in _COLS))
    wide.print(tab)
    for k, v in _summary(run):
        c.print(f"  {k}: {v}", highlight=False)
    solved = _solved(run)
    if solved:
        t2 = Table(title=f"Reverse DCF: {_WHAT[solved[0][2].solve_for]} needed (other inputs held)")
        for col in ("target", "value", "implied", "case input"):
            t2.add_column(col, justify="right" if col != "target" else "left")
        for lbl, m, s in solved:
            t2.add_row(lbl, _fmt("money", m.amount), f"{s.value:.2%}", f"{s.base_value:.2%}")
        c.print(t2)
    for k, v in run.failures:
        c.print(f"not solved: {k}: {v}", style="yellow", highlight=False)

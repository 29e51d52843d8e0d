"""Report sections and Markdown of simulations and sensitivity analyses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..money import format_number
from ._render import ReportSection, _env, plotly_div, render_page

if TYPE_CHECKING:  # pragma: no cover
    from ..anchors.triangulate import Triangulation
    from ..uncertainty import GridResult, SimulationResult, SobolResult, TornadoResult

__all__ = [
    "render_sensitivity_html",
    "render_simulation_html",
    "sensitivity_markdown",
    "sensitivity_section",
    "simulation_markdown",
    "simulation_sections",
]

_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


def _num(x: float) -> str:
    return format_number(x, 4)


def _sim_env() -> Any:
    env = _env()
    env.filters["num"] = _num
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def simulation_sections(r: SimulationResult, t: Triangulation | None = None) -> list[ReportSection]:
    """Report sections of a simulation: table, distributions on the football field, inputs.

    Parameters
    ----------
    r : SimulationResult
    t : Triangulation, optional
        Deterministic view of the same case, drawn under the distributions.

    Returns
    -------
    list of ReportSection
    """
    from markupsafe import Markup

    from .sim_charts import distribution_field, histogram_chart

    html = (
        _sim_env()
        .get_template("simulation.html.j2")
        .render(
            r=r,
            levels=_LEVELS,
            field_chart=Markup(plotly_div(distribution_field(r, t))),
            hist_chart=Markup(plotly_div(histogram_chart(r))),
        )
    )
    return [ReportSection("simulation", "Monte Carlo simulation", html)]


def sensitivity_section(res: TornadoResult | SobolResult | GridResult) -> ReportSection:
    """One report section for a tornado, Sobol or grid result."""
    from markupsafe import Markup

    from ..uncertainty import SobolResult, TornadoResult
    from .sim_charts import grid_heatmap, sobol_chart, tornado_chart

    if isinstance(res, TornadoResult):
        kind, chart, title = "tornado", tornado_chart(res), "Sensitivity: tornado"
    elif isinstance(res, SobolResult):
        kind, chart, title = "sobol", sobol_chart(res), "Sensitivity: Sobol indices"
    else:
        kind, chart, title = "grid", grid_heatmap(res), "Sensitivity: two-way grid"
    html = (
        _sim_env()
        .get_template("sensitivity.html.j2")
        .render(kind=kind, res=res, chart=Markup(plotly_div(chart)))
    )
    return ReportSection(f"sensitivity-{kind}", title, html)


def render_simulation_html(
    r: SimulationResult, t: Triangulation | None = None, extra: list[ReportSection] | None = None
) -> str:
    """Standalone HTML page: deterministic view (when given), simulation, extra sections."""
    from ._render import triangulation_sections

    secs: list[ReportSection] = []
    if t is not None:
        base = triangulation_sections(t)
        secs = base[:1] + simulation_sections(r, t) + list(extra or []) + base[1:]
    else:
        secs = simulation_sections(r) + list(extra or [])
    return render_page(
        f"{r.company}: valuation under uncertainty",
        secs,
        f"as of {r.as_of}, amounts in {r.currency} (totals)",
    )


def render_sensitivity_html(res: TornadoResult | SobolResult | GridResult, title: str) -> str:
    """Standalone HTML page of one sensitivity analysis."""
    return render_page(title, [sensitivity_section(res)])


def simulation_markdown(r: SimulationResult) -> str:
    """Markdown table of a simulation with inputs and assumptions."""
    head = ["output", "base", "mean", "P5", "P25", "P50", "P75", "P95"] + [
        f"P(>{_num(t)})" for t in r.thresholds
    ]
    out = [f"# {r.company}: Monte Carlo ({r.draws:,} draws, seed {r.seed}, {r.currency})", ""]
    out += ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for o in r.outputs.values():
        cells = [o.title, _num(o.base), _num(o.mean)] + [_num(o.quantiles[q]) for q in _LEVELS]
        cells += [f"{o.p_above[t]:.1%}" for t in r.thresholds]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "## Inputs", "", "| figure | unit | distribution | basis |", "|---|---|---|---|"]
    for i in r.inputs:
        basis = (
            "ASSUMPTION (the case author's distribution)"
            if i.kind == "assumption"
            else "stated" + (f" ({i.source})" if i.source else "")
            if i.stated
            else (f"assumed: {i.assumption}" if i.assumption else "fixed")
        )
        out.append(f"| `{i.path}` | {i.unit} | {i.distribution} | {basis} |")
    if r.assumptions:
        out += ["", "## Defaults assumed", ""] + [f"- {a}" for a in r.assumptions]
    return "\n".join(out) + "\n"


def sensitivity_markdown(res: TornadoResult | SobolResult | GridResult) -> str:
    """Markdown table of a tornado, Sobol or grid result."""
    from ..uncertainty import SobolResult, TornadoResult

    if isinstance(res, TornadoResult):
        out = [
            f"# Tornado: {res.title} (base {_num(res.base)} {res.currency})",
            "",
            "| input | input low | input high | output low | output high | swing |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        out += [
            f"| `{b.path}` | {_num(b.input_low)} | {_num(b.input_high)} | "
            f"{_num(b.output_low)} | {_num(b.output_high)} | {_num(b.swing)} |"
            for b in res.bars
        ]
    elif isinstance(res, SobolResult):
        out = [
            f"# Sobol indices of {res.output} (N = {res.n:,})",
            "",
            "| input | S1 | ST |",
            "|---|---:|---:|",
        ]
        out += [
            f"| `{p}` | {a:.3f} ± {ac:.3f} | {b:.3f} ± {bc:.3f} |"
            for p, a, ac, b, bc in zip(
                res.paths, res.s1, res.s1_conf, res.st, res.st_conf, strict=True
            )
        ]
        out += ["", f"_{res.note}._"]
    else:
        out = [
            f"# {res.output} ({res.currency}): `{res.y_path}` (rows) x `{res.x_path}` (columns)",
            "",
        ]
        out += [
            "| | " + " | ".join(_num(v) for v in res.x_values) + " |",
            "|---|" + "---:|" * len(res.x_values),
        ]
        out += [
            f"| {_num(y)} | " + " | ".join(_num(v) for v in row) + " |"
            for y, row in zip(res.y_values, res.z, strict=True)
        ]
    return "\n".join(out) + "\n"

"""Presentation only: terminal tables, Markdown, JSON text, HTML pages and charts of results.

One module per subject, each taking the result a workflow returned (and, for terminal tables, the
rich console to print on): :mod:`.valuation` (Triangulation), :mod:`.market`
(MarketStructureResult), :mod:`.dcf` (DcfRun), :mod:`.simulation` (SimulationResult and the
sensitivity results), :mod:`.live` (fetched quotes, live valuations, stored history). They share
one number formatter, one jinja environment and the HTML page shell (:mod:`._base`). The JSON
structures belong to the results' ``to_dict()``.

Heavy libraries (plotly, jinja2, rich, pandas) are imported inside the functions that need them.
"""

from ._base import ReportSection, json_text, print_written, render_page
from .valuation import football_field, render_html, render_markdown

__all__ = [
    "ReportSection",
    "football_field",
    "json_text",
    "print_written",
    "render_html",
    "render_markdown",
    "render_page",
]

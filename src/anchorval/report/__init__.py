"""Renderers: JSON structure, Markdown, rich tables, HTML report with the football field.

Heavy libraries (plotly, jinja2, pandas) are imported inside the functions that need them.
"""

from ._render import (
    JSON_SCHEMA_ID,
    amount_str,
    render_html,
    render_markdown,
    render_table_html,
    triangulation_to_dict,
)
from .charts import football_field

__all__ = [
    "JSON_SCHEMA_ID",
    "amount_str",
    "football_field",
    "render_html",
    "render_markdown",
    "render_table_html",
    "triangulation_to_dict",
]

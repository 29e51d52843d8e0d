"""Charts for pages under a strict Content-Security-Policy (no inline script).

The page carries each figure's JSON in a ``data-figure`` attribute and ``static/app.js`` draws
it with the plotly.js served by the app. Report sections (shared with the HTML reports) embed
plotly's inline ``<script>``; :func:`inline_plots_to_data` rewrites those into the same form.
"""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup, escape

__all__ = ["figure_div", "inline_plots_to_data"]

# A plotly div followed by its inline script (plotly escapes '<' in its JSON as \u003c, and case
# text in the rest of the page is autoescaped, so neither can open or close a tag here).
_PLOT = re.compile(
    r'<div id="(?P<id>[^"]+)" class="plotly-graph-div"[^>]*></div>\s*<script[^>]*>(?P<js>.*?)</script>', re.S
)
_DECODER = json.JSONDecoder()


def _div(fig_json: str, css: str = "plot") -> Markup:
    return Markup(f'<div class="{css}" data-figure="{escape(fig_json)}"></div>')


def figure_div(fig: Any) -> Markup:
    """Render a plotly figure as ``<div class="plot" data-figure="...">`` (drawn by app.js).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure

    Returns
    -------
    markupsafe.Markup
        The div; the figure JSON is attribute-escaped.
    """
    return _div(fig.to_json())


def _skip(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t\r\n,":
        i += 1
    return i


def inline_plots_to_data(html: str) -> Markup:
    """Replace each plotly ``<div>`` + inline ``<script>`` pair by a ``data-figure`` div.

    Parameters
    ----------
    html : str
        Safe HTML of a report section (from an autoescaping template).

    Returns
    -------
    markupsafe.Markup
        The same HTML with no inline script left.
    """

    def sub(m: re.Match[str]) -> str:
        js = m.group("js")
        i = js.find("Plotly.newPlot(")
        if i < 0:
            return ""
        i = _skip(js, i + len("Plotly.newPlot("))
        _, i = _DECODER.raw_decode(js, i)  # the div id
        i = _skip(js, i)
        d0 = i
        _, i = _DECODER.raw_decode(js, i)
        data = js[d0:i]
        i = _skip(js, i)
        l0 = i
        _, i = _DECODER.raw_decode(js, i)
        layout = js[l0:i]
        return _div(f'{{"data":{data},"layout":{layout}}}')

    return Markup(_PLOT.sub(sub, str(html)))

"""What every report module shares: one number formatter, one jinja environment, the page shell.

Heavy libraries (plotly, jinja2) are imported inside the functions that need them.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..money import Money, format_money, format_number

__all__ = [
    "ANCHOR_COLORS",
    "ReportSection",
    "amount",
    "env",
    "format_money",
    "format_number",
    "json_text",
    "log_axis_ticks",
    "make_console",
    "num",
    "pct",
    "plotly_div",
    "print_written",
    "render_page",
    "styled",
    "visible",
]


#: One colour per anchor (and the blended view) in every chart: football field, distributions.
ANCHOR_COLORS = {
    "peer_multiple": "#c0504d",
    "perp_implied": "#f79646",
    "arr_multiple": "#4f81bd",
    "last_round": "#9bbb59",
    "market_value": "#4bacc6",
    "dcf": "#8064a2",
    "opm_last_round": "#76923c",
    "opm_perp": "#e46c0a",
    "blended": "#333333",
}


# -- the number formatter of the whole report package -------------------------------------------
# Every report module formats through these (and money's format_money / format_number, re-exported
# here), so a number reads the same in the terminal, Markdown, HTML and charts.


def num(x: Decimal | float | None, digits: int = 4, none: str = "n/a") -> str:
    """Format a number compactly (``1.718T``, ``965B``, ``2380``); ``None`` gives ``none``.

    Examples
    --------
    >>> num(1718e9), num(None), num(None, none="-")
    ('1.718T', 'n/a', '-')
    """
    return none if x is None else format_number(x, digits)


def amount(x: Decimal | float | Money, currency: str | None = None, digits: int = 4) -> str:
    """Format a total with its currency: ``'1.718T USD'`` (floats need ``currency``).

    Examples
    --------
    >>> amount(965e9, "USD")
    '965B USD'
    """
    if isinstance(x, Money):
        return format_money(x, digits=digits)
    return f"{format_number(x, digits)} {currency}"


def pct(x: Decimal | float | None, digits: int = 2) -> str:
    """Format a decimal share as a percent (``0.0267`` -> ``'2.67%'``); None -> ``'n/a'``.

    Examples
    --------
    >>> pct(0.0267), pct(0.5, 0), pct(None)
    ('2.67%', '50%', 'n/a')
    """
    if x is None:
        return "n/a"
    return f"{x * 100:,.{digits}f}%"


def json_text(data: Any, ascii_only: bool = False) -> str:
    """JSON text of a result's ``to_dict()``: indented two spaces, keys in the order given."""
    return json.dumps(data, indent=2, ensure_ascii=ascii_only)


# -- the jinja environment ------------------------------------------------------------------------


@functools.cache
def env() -> Any:
    """Return the one jinja2 environment of the report package (autoescaping, shared filters)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    e = Environment(
        loader=PackageLoader("anchorval.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    e.filters["money"] = format_money
    e.filters["money_full"] = lambda m: format_money(m, compact=False)
    e.filters["pct"] = pct
    e.filters["num"] = lambda x, digits=6: format_number(x, digits)
    e.filters["thousands"] = lambda n: f"{n:,}"
    return e


# -- the HTML page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSection:
    """A section of an HTML report (other modules add theirs: market structure, simulation...).

    Attributes
    ----------
    id : str
        HTML id (anchor for the table of contents).
    title : str
        Heading.
    html : str
        Body, already-safe HTML (render it with an autoescaping template).
    """

    id: str
    title: str
    html: str


def plotly_div(fig: Any) -> str:
    """Render a plotly figure as a ``<div>`` without the plotly.js library (the page shell embeds it once)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def render_page(title: str, sections: Sequence[ReportSection], subtitle: str = "") -> str:
    """Render a self-contained HTML page (plotly.js embedded once, no network needed) from sections.

    Parameters
    ----------
    title : str
        Page title.
    sections : sequence of ReportSection
        Body sections in order.
    subtitle : str
        Line under the title.

    Returns
    -------
    str
        Complete HTML document.
    """
    from plotly.offline import get_plotlyjs

    page = env().get_template("page.html.j2")
    return page.render(title=title, subtitle=subtitle, sections=sections, plotlyjs=get_plotlyjs())


def log_axis_ticks(lo: float, hi: float) -> dict[str, Any]:
    """Return plotly axis settings for a log axis labelled at 1-2-5 steps (``200B``, ``1T``).

    Plotly's own log ticks label the minor steps ``2``, ``3``, ... with no unit, which reads as
    2 USD; these label every tick with its compact amount.

    Parameters
    ----------
    lo, hi : float
        Smallest and largest positive value drawn (ticks cover ``lo / 1.5`` .. ``hi * 1.5``).

    Returns
    -------
    dict
        ``type``, ``tickvals`` and ``ticktext`` for ``fig.update_xaxes(**...)``.
    """
    ticks = [
        m * 10.0**k
        for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
        for m in (1, 2, 5)
        if lo / 1.5 <= m * 10.0**k <= hi * 1.5
    ]
    return {"type": "log", "tickvals": ticks, "ticktext": [format_number(v, 3) for v in ticks]}


def print_written(console: Any, path: str, what: str = "report") -> None:
    """Tell the user (on the console given, usually stderr) that a file was written."""
    console.print(styled(f"{what} written to ", (path, "bold")))


# -- terminal text: case text is data ------------------------------------------------------------
# Every console anchorval prints to reads strings as plain text (rich markup is never parsed, so a
# company called "Acme [/bold] Corp" prints as it is) and shows control characters (terminal
# escape sequences, bidi overrides) as visible escapes. Styling is given as ``style=`` or through
# :func:`styled`, never as markup inside a string.

_CONTROL_CHARS = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"


def visible(text: str) -> str:
    r"""Return ``text`` with control characters shown as ``\xNN`` / ``\uNNNN`` (newline and tab kept).

    Parameters
    ----------
    text : str
        Any text, e.g. a company name from a case file.

    Returns
    -------
    str

    Examples
    --------
    >>> visible("Acme\x1b[2J Corp\n")
    'Acme\\x1b[2J Corp\n'
    """
    import re

    def esc(m: re.Match[str]) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c <= 0xFF else f"\\u{c:04x}"

    return re.sub(_CONTROL_CHARS, esc, text)


def styled(*parts: str | tuple[str, str]) -> Any:
    """Build a rich Text from plain parts and ``(text, style)`` pairs; every part is shown as is.

    Parameters
    ----------
    *parts : str or tuple of (str, str)
        Text, or text with a rich style name (``'bold'``, ``'yellow'``, ``'dim'``).

    Returns
    -------
    rich.text.Text

    Examples
    --------
    >>> styled("weights of ", ("[/bold]", "bold")).plain
    'weights of [/bold]'
    """
    from rich.text import Text

    out = Text()
    for p in parts:
        text, style = (p, "") if isinstance(p, str) else p
        out.append(visible(str(text)), style=style)
    return out


def make_console(**kwargs: Any) -> Any:
    r"""Return a rich Console that prints strings as plain text (see :func:`visible`).

    Parameters
    ----------
    **kwargs
        Passed to :class:`rich.console.Console` (``file``, ``width``, ``stderr``...).

    Returns
    -------
    rich.console.Console

    Examples
    --------
    >>> import io
    >>> c = make_console(file=io.StringIO(), width=40)
    >>> c.print("Acme [/bold] Corp")
    >>> c.file.getvalue()
    'Acme [/bold] Corp\n'
    """
    from rich.console import Console

    class _PlainConsole(Console):
        def render_str(self, text: str, **kw: Any) -> Any:
            kw["markup"] = False
            kw["emoji"] = False
            return super().render_str(visible(text), **kw)

    kwargs.setdefault("soft_wrap", False)
    return _PlainConsole(**kwargs)

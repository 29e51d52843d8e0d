"""Presentation of a claims audit: JSON, Markdown, terminal tables, a self-contained HTML page.

Every claim is highlighted by verdict. Article text is data: escaped in HTML, never rich markup,
control codes stripped in terminals.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..money import format_number
from ._base import ReportSection, env, json_text

if TYPE_CHECKING:  # pragma: no cover
    from ..claims import AuditResult, Claim, ClaimRow

__all__ = [
    "audit_sections",
    "audit_to_json",
    "print_audit_tables",
    "render_audit_html",
    "render_audit_markdown",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _plain(s: str) -> str:
    """Strip control and bidi-override characters (terminal output of article text)."""
    return _CONTROL.sub("", s)


def _num(d: Decimal | None, unit: str | None) -> str:
    if d is None:
        return ""
    if not d.is_finite():
        return "unbounded"
    if unit == "ratio":
        return f"{format_number(d * 100, 4)}%"
    if unit == "x":
        return f"{format_number(d, 4)}x"
    text = format_number(d, 4)
    return f"{text} {unit}" if unit not in (None, "count") else text


def parsed_text(c: Claim) -> str:
    """How a claim was read: ``'7.243B CNY'``, ``'200x-999x (words)'``, ``'date'``.

    Parameters
    ----------
    c : Claim

    Returns
    -------
    str

    Examples
    --------
    >>> from anchorval.claims import extract_claims
    >>> parsed_text(extract_claims("about 43亿港元")[0])
    '4.3B HKD (about)'
    """
    if c.low is None:
        return c.kind
    text = _num(c.low, c.unit) if c.low == c.high else f"{_num(c.low, c.unit)} to {_num(c.high, c.unit)}"
    extra = {"about": " (about)", "over": " (or more)", "under": " (or less)", "words": " (words)"}.get(c.bound, "")
    if c.kind == "amount" and c.unit is None:
        extra += " (no currency)"
    return text + extra


def _expected(r: ClaimRow) -> str:
    k = r.check
    if k.expected_low is None and k.expected_high is None:
        return ""
    if k.expected_low == k.expected_high or k.expected_high is None:
        return _num(k.expected_low, k.unit)
    if k.expected_low is None:
        return f"up to {_num(k.expected_high, k.unit)}"
    return f"{_num(k.expected_low, k.unit)} to {_num(k.expected_high, k.unit)}"


def _gap(r: ClaimRow) -> str:
    g = r.check.gap
    return "" if g is None else f"{float(g) * 100:+.1f}%"


def audit_to_json(r: AuditResult) -> str:
    """JSON text of :meth:`AuditResult.to_dict` (schema ``anchorval.audit/1``, docs/audit.md).

    Parameters
    ----------
    r : AuditResult

    Returns
    -------
    str
        Indented JSON, non-ASCII kept as is.

    Examples
    --------
    >>> from anchorval.workflows.audit import audit
    >>> import json
    >>> json.loads(audit_to_json(audit("Revenue was 3.5亿元.")))["schema"]
    'anchorval.audit/1'

    """
    return json_text(r.to_dict())


def render_audit_markdown(r: AuditResult) -> str:
    """Markdown report: per article, a table of claims with verdicts; then references and FX.

    Parameters
    ----------
    r : AuditResult

    Returns
    -------
    str

    Examples
    --------
    >>> from anchorval.workflows.audit import audit
    >>> render_audit_markdown(audit("Revenue was 3.5亿元.")).splitlines()[0]
    '# Claims audit'
    """
    n = r.counts()
    out = [
        "# Claims audit",
        "",
        f"Cases: {', '.join(r.cases) or 'none'}; FX as of {r.as_of or 'n/a'}. "
        f"{n['consistent']} consistent, {n['inconsistent']} inconsistent, {n['cannot_check']} not checkable.",
        "",
    ]
    for a in r.articles:
        c = a.counts()
        out += [
            f"## {_md(a.name)}",
            "",
            f"{len(a.claims)} claims in {len(a.sentences)} sentences: {c['consistent']} consistent, "
            f"{c['inconsistent']} inconsistent, {c['cannot_check']} not checkable.",
            "",
            "| claim | text | read as | checked against | recomputed | gap | verdict | reason |",
            "|---|---|---|---|---:|---:|---|---|",
        ]
        for row in a.rows():
            v = row.verdict + (f" ({row.check.slip})" if row.check.slip else "")
            cells = [row.claim.id, _md(row.claim.text), _md(parsed_text(row.claim)), _md(row.check.against)]
            cells += [_md(_expected(row)), _gap(row), v, _md(row.check.reason)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    if r.fx_rates:
        out += ["## FX rates used", "", "| pair | rate | date | source |", "|---|---:|---|---|"]
        out += [f"| {x.pair} | {x.rate:.6g} | {x.on} | {_md(x.source)} |" for x in r.fx_rates]
        out.append("")
    if r.sources:
        out += ["## Sources", ""]
        out += [
            f'- **{k}**: {_md(str(s["publisher"]))}, "{_md(str(s["title"]))}", {s["date"]}'
            for k, s in r.sources.items()
        ]
    return "\n".join(out) + "\n"


def _md(s: str) -> str:
    return _plain(s).replace("|", "\\|").replace("\n", " ")


def print_audit_tables(r: AuditResult, console: Any) -> None:
    """Print the claims of each article as a rich table (article text as plain Text, no markup).

    Parameters
    ----------
    r : AuditResult
    console : rich.console.Console

    Examples
    --------
    >>> from rich.console import Console
    >>> from anchorval.workflows.audit import audit
    >>> con = Console(record=True, width=100)
    >>> print_audit_tables(audit("Revenue was 3.5亿元 [bold]."), con)  # doctest: +ELLIPSIS
    <text>: 1 claims; 0 consistent, 0 inconsistent, 1 not checkable...
    │ c1    │ 3.5亿元 │ 350M CNY │ cannot_check │     │ no company named for this revenue │
    ...
    """
    from rich.table import Table
    from rich.text import Text

    styles = {"consistent": "green", "inconsistent": "bold red", "cannot_check": "dim"}
    for a in r.articles:
        c = a.counts()
        tab = Table(
            title=Text(
                f"{_plain(a.name)}: {len(a.claims)} claims; {c['consistent']} consistent, "
                f"{c['inconsistent']} inconsistent, {c['cannot_check']} not checkable"
            ),
            title_justify="left",
        )
        for h, j in (
            ("claim", "left"),
            ("text", "left"),
            ("read as", "left"),
            ("verdict", "left"),
            ("gap", "right"),
            ("reason", "left"),
        ):
            tab.add_column(h, justify=j, overflow="fold")  # type: ignore[arg-type]
        for row in a.rows():
            v = row.verdict + (f" ({row.check.slip})" if row.check.slip else "")
            tab.add_row(
                Text(row.claim.id),
                Text(_plain(row.claim.text)),
                Text(parsed_text(row.claim)),
                Text(v, style=styles[row.verdict]),
                Text(_gap(row)),
                Text(_plain(row.check.reason)),
            )
        console.print(tab)
    if r.fx_rates:
        console.print(Text("FX rates used", style="bold"))
        for x in r.fx_rates:
            console.print(Text(f"  {x.pair} {x.rate:.6g} on {x.on} ({x.source})"))


def audit_sections(r: AuditResult) -> list[ReportSection]:
    """HTML sections: one per article (highlighted text + claims table), then references.

    Parameters
    ----------
    r : AuditResult

    Returns
    -------
    list of ReportSection
        Rendered with the autoescaping jinja environment (article text is escaped).

    Examples
    --------
    >>> from anchorval.workflows.audit import audit
    >>> [s.id for s in audit_sections(audit("<b>3.5亿元</b>"))]
    ['article-1', 'citations']
    """
    jinja = env()
    secs = []
    for i, a in enumerate(r.articles, 1):
        rows = a.rows()
        by_start = sorted(rows, key=lambda x: x.claim.start)
        segments: list[dict[str, Any]] = []
        pos = 0
        for row in by_start:
            if row.claim.start < pos:
                continue
            segments.append({"text": a.text[pos : row.claim.start], "row": None})
            segments.append({"text": a.text[row.claim.start : row.claim.end], "row": row})
            pos = row.claim.end
        segments.append({"text": a.text[pos:], "row": None})
        table = [
            {
                "claim": row.claim,
                "verdict": row.verdict,
                "check": row.check,
                "parsed": parsed_text(row.claim),
                "expected": _expected(row),
                "gap": _gap(row),
                "others": [k for k in row.checks if k is not row.check],
            }
            for row in rows
        ]
        html = jinja.get_template("audit_article.html.j2").render(
            segments=segments, rows=table, counts=a.counts(), sentences=len(a.sentences), anchor=f"a{i}"
        )
        secs.append(ReportSection(f"article-{i}", a.name, html))
    refs = [
        {
            "quantity": x.quantity,
            "entity": x.entity,
            "label": x.label,
            "value": _num(x.low, x.unit) if x.low == x.high else f"{_num(x.low, x.unit)} to {_num(x.high, x.unit)}",
            "origin": x.origin,
            "citations": x.citations,
        }
        for x in r.references
    ]
    secs.append(
        ReportSection(
            "citations",
            "Citations used",
            jinja.get_template("audit_citations.html.j2").render(refs=refs, fx=r.fx_rates, sources=r.sources),
        )
    )
    return secs


def render_audit_html(r: AuditResult) -> str:
    """Self-contained HTML report of a claims audit (no scripts, opens offline).

    Parameters
    ----------
    r : AuditResult

    Returns
    -------
    str
        Complete HTML document.

    Examples
    --------
    >>> from anchorval.workflows.audit import audit
    >>> html = render_audit_html(audit("<b>3.5亿元</b>"))
    >>> "&lt;b&gt;" in html and "<b>3.5" not in html
    True
    """
    n = r.counts()
    sub = (
        f"cases: {', '.join(r.cases) or 'none'}; FX as of {r.as_of or 'n/a'}; "
        f"{n['consistent']} consistent, {n['inconsistent']} inconsistent, {n['cannot_check']} not checkable"
    )
    return (
        env()
        .get_template("page.html.j2")
        .render(title="Claims audit", subtitle=sub, sections=audit_sections(r), plotlyjs="")
    )

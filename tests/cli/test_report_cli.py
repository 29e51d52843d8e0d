"""CLI output formats, the HTML report's content, the JSON golden file, and command docs."""

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import anchorval
from anchorval.anchors.triangulate import JSON_SCHEMA_ID
from anchorval.cli import app
from anchorval.report.valuation import render_html, render_markdown

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "anthropic-2026-06.json"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.scripts: list[str] = []
        self._in_script = False
        self.cites: list[str] = []
        self._in_cite = False
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")
        elif tag == "cite":
            self._in_cite = True
            self.cites.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag == "script":
            self._in_script = False
        elif tag == "cite":
            self._in_cite = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_script:
            self.scripts[-1] += data
        if self._in_cite:
            self.cites[-1] += data


@pytest.fixture(scope="module")
def triangulation():
    return anchorval.value("anthropic-2026-06")


def test_html_report_has_table_chart_citations_fx(tmp_path):
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["value", "anthropic-2026-06", "--report", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    p = _Collect()
    p.feed(html)
    # the triangulation table: one row per anchor plus blended, with the golden base values
    main = p.tables[0]
    rows = {r[0]: r for r in main[1:] if len(r) >= 5}
    # BlockBeats (2026-06-22): 1718 USDT x 1B reference shares; Tencent/BlockBeats: ~$965B
    # post-money; ARR grid ends 140B x 59% x 10x = 826B and 200B x 59% x 20x = 2.36T
    assert rows["Pre-IPO perpetual (binance ANTHROPICUSDT)"][3] == "1.718T USD"
    assert rows["Last round (Series H, May 2026)"][3] == "965B USD"
    assert rows["ARR multiple"][2] == "826B USD" and rows["ARR multiple"][4] == "2.36T USD"
    assert "Blended" in rows
    # the football field: plotly.js embedded (self-contained) and a plot with a log x axis
    assert any("Plotly" in s and len(s) > 1_000_000 for s in p.scripts)
    plot = next(s for s in p.scripts if "Plotly.newPlot" in s)
    assert '"type":"log"' in plot and "football field" in plot
    assert 'src="http' not in html  # nothing loaded from the network
    # citations: every source of the case and the peer, with publisher and title
    assert any("BlockBeats" in c and "Anthropic" in c for c in p.cites)
    assert any("Tencent Technology" in c for c in p.cites)
    # FX rates used: CNY/HKD from the ECB series, USDT/USD flagged as an assumption
    fx = next(t for t in p.tables if t and t[0][:2] == ["pair", "rate"])
    pairs = {r[0]: r for r in fx[1:]}
    assert "CNY/HKD" in pairs and "ECB" in pairs["CNY/HKD"][3]
    assert "assumption" in pairs["USDT/USD"][3]
    # warnings shown
    assert "very little money" in html
    assert {"anchor-perp_implied", "anchor-arr_multiple", "anchor-last_round", "anchor-peer_multiple"} <= p.ids


def test_json_output_matches_golden(triangulation):
    res = runner.invoke(app, ["value", "anthropic-2026-06", "--format", "json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["schema"] == JSON_SCHEMA_ID
    if os.environ.get("ANCHORVAL_REGEN_GOLDEN"):
        GOLDEN.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert data == golden
    perp = next(a for a in data["anchors"] if a["anchor"] == "perp_implied")
    # BlockBeats (2026-06-22): 1718 USDT x 1 billion reference shares, to the cent
    assert perp["base"] == "1718000000000.00"


def test_json_keys_are_documented(triangulation):
    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    d = triangulation.to_dict()
    for key in list(d) + list(d["anchors"][0]):
        assert f"`{key}`" in doc, key


def test_markdown_and_table_formats(triangulation):
    md = render_markdown(triangulation)
    assert "| Pre-IPO perpetual (binance ANTHROPICUSDT) | market-implied valuation | 1.718T USD |" in md
    res = runner.invoke(app, ["value", "anthropic-2026-06", "--format", "markdown"])
    assert res.exit_code == 0 and "## FX rates used" in res.stdout
    res = runner.invoke(app, ["value", "anthropic-2026-06"])
    assert res.exit_code == 0 and "1.718T USD" in res.stdout and "Sources" in res.stdout


def test_cases_and_version():
    res = runner.invoke(app, ["cases", "--format", "json"])
    ids = [c["id"] for c in json.loads(res.stdout)]
    assert "anthropic-2026-06" in ids and "zhipu-2026-06" in ids
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and re.match(r"anchorval \d+\.\d+\.\d+", res.stdout)


def test_bad_weights_and_anchor_key():
    res = runner.invoke(app, ["value", "anthropic-2026-06", "--anchors", "nope"])
    assert res.exit_code == 2 and "unknown anchor 'nope'" in res.stderr
    res = runner.invoke(app, ["value", "anthropic-2026-06", "--weights", "perp_implied"])
    assert res.exit_code == 2


def test_every_command_is_documented_with_an_example():
    import typer.main

    docs = (ROOT / "README.md").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")
    )
    group = typer.main.get_command(app)
    assert group.commands
    for name, cmd in group.commands.items():
        assert f"anchorval {name}" in docs, f"command {name} is not documented in README/docs"
        assert "Example:" in (cmd.help or ""), f"command {name} has no Example: in its help"


def test_report_html_escapes(triangulation):
    html = render_html(triangulation)
    assert "<script>alert" not in html


def test_assumption_figures_are_labelled_in_reports():
    t = anchorval.value("anthropic-2026-06-dcf")
    dcf = t.anchor("dcf")
    assumed = [f for f in dcf.figures if f.assumption]
    publishers = {t.sources[f"{f.case_id}:{f.source_id}"].publisher for f in assumed}
    assert assumed and publishers == {"anchorval case author"}
    assert not any(f.assumption for f in t.anchor("perp_implied").figures)
    assert "ASSUMPTION" in render_markdown(t) and "ASSUMPTION</strong>" in render_html(t)


def test_football_field_labels_sit_on_a_log_axis():
    # plotly places annotations on a log axis in log10 units; add_vline's own annotation used the
    # raw value (1.718e12) and landed far off the chart
    import math

    import anchorval
    from anchorval.report.valuation import football_field

    t = anchorval.value("anthropic-2026-06")
    assert t.log_axis
    fig = football_field(t)
    xs = sorted(a.x for a in fig.layout.annotations)
    refs = sorted(math.log10(float(r.value.amount)) for r in t.references)
    blended_low = math.log10(float(t.blended.low.amount))
    assert xs == sorted([*refs, blended_low])
    ticks = fig.layout.xaxis.ticktext
    assert "1T" in ticks and "10T" in ticks  # labelled 1-2-5 ticks, not bare "2", "3"


def test_cases_table_shows_whole_ids():
    res = runner.invoke(app, ["cases"], env={"COLUMNS": "80"})
    assert res.exit_code == 0
    assert "anthropic-2026-06-dcf" in res.stdout

"""The HTML report of `anchorval market`, parsed: its tables and its charts, not only the file."""

from __future__ import annotations

import math
from html.parser import HTMLParser

from typer.testing import CliRunner

from anchorval.cli import app
from anchorval.report.market import render_market_html

runner = CliRunner()


class _Doc(HTMLParser):
    """Collect tables (by class: rows of cell texts), element ids and plotly chart divs."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.ids: set[str] = set()
        self.plotly_in: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_body = False
        self._chart: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        cls = a.get("class") or ""
        if tag == "div" and a.get("id") in ("lockup-chart", "ps-path-chart"):
            self._chart.append(a["id"])
        elif tag == "div" and "plotly-graph-div" in cls and self._chart:
            self.plotly_in.append(self._chart[-1])
        if tag == "table":
            self._table = cls
            self.tables[cls] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Doc:
    d = _Doc()
    d.feed(html)
    return d


def test_report_file_from_the_cli(tmp_path):
    out = tmp_path / "zhipu-market.html"
    res = runner.invoke(app, ["market", "zhipu-2026-06", "--report", str(out)])
    assert res.exit_code == 0, res.output
    doc = _parse(out.read_text(encoding="utf-8"))
    for sid in (
        "market-float",
        "market-lockups",
        "market-index",
        "market-ps-path",
        "market-decomposition",
        "market-sources",
    ):
        assert sid in doc.ids
    # both charts hold a plotly figure
    assert set(doc.plotly_in) == {"lockup-chart", "ps-path-chart"}


def test_report_tables(zhipu_market):
    doc = _parse(render_market_html(zhipu_market))
    ff = zhipu_market.free_float
    float_rows = doc.tables["market-float"]
    assert len(float_rows) == len(ff.rows) == 2
    # total shares, 6 significant digits: 11.7379M unrestricted / 'around 2.67%' (prospectus via
    # Tencent) = 439.622M, and the July unlock's 25.6816M / 'approximately 5.76%' = 445.861M
    assert float_rows[0][2] == "439.622M" and float_rows[1][2] == "445.861M"
    assert float_rows[0][4] == "2.67%"
    lock = doc.tables["market-lockups"]
    assert [r[0] for r in lock] == ["2026-07-08", "2027-01-08"]
    # 'around 25.6816 million shares will be unlocked on July 8'; the January size is not given
    assert lock[0][2] == "25.6816M" and lock[1][2].startswith("unknown")
    assert lock[1][6].startswith("≥")
    index = doc.tables["market-index"]
    assert len(index) == len(zhipu_market.index[0].rows) == 6
    assert sum("(base)" in r[0] for r in index) == 1
    assert "ASSUMPTION" in render_market_html(zhipu_market)
    ps = doc.tables["market-ps-path"]
    # sustained 150% growth from ~1,248x reaches the case's 100x after ceil(log(12.48) / log(2.5))
    # = 3 years (the closed form is checked against the path in test_market_zhipu)
    sustained = zhipu_market.reflexivity.paths[0]
    start = sustained.points[0].ps
    assert ps[0][3] == f"{math.ceil(math.log(float(start / sustained.target_ps)) / math.log(2.5))} years"
    assert [r[0].split(" ")[0] for r in ps] == ["growth", "growth"] and ps[0][3] == "3 years"
    assert len(doc.tables["market-revenue-targets"]) == 2
    assert len(doc.tables["market-decomposition"]) == 1
    figs = doc.tables["market-figures"]
    assert any(r[0] == "market.index_inclusions[0].tracking_assets" and "ASSUMPTION" in r[3] for r in figs)


def test_frames(zhipu_market):
    t = zhipu_market.tables()
    assert set(t) == {
        "float",
        "lockups",
        "index_demand",
        "ps_path",
        "revenue_targets",
        "required_growth",
        "decomposition",
    }
    assert len(t["lockups"]) == 2 and t["lockups"]["size_known"].tolist() == [True, False]
    assert len(t["ps_path"]) == 18
    assert abs(t["float"]["total_shares"].iloc[0] - 439.6217e6) < 1
    assert zhipu_market._repr_html_().count("<table") == 1


def test_minimal_case_renders_and_lists_what_is_missing():
    from market_cases import tiny_case

    from anchorval.market import analyse_market

    c = tiny_case(
        market__lockups=[{"date": "2026-09-01", "size": "unknown", "source": "s"}],
        market__index_inclusions=[],
        market__reflexivity=None,
        market__premium_attributions=[],
        company__listing_date="2026-01-02",
    )
    r = analyse_market(c)
    assert set(r.skipped) == {"index demand", "P/S path", "price decomposition"}
    doc = _parse(render_market_html(r))
    assert "market-ps-path" not in doc.ids and "market-decomposition" not in doc.ids
    assert doc.tables["market-lockups"][0][2] == "unknown"
    assert doc.plotly_in == ["lockup-chart"]
    assert r.tables()["index_demand"].empty


def test_log_axis_chart_labels_in_log_units(zhipu_market):
    # plotly reads annotation y on a log axis as log10: add_hline's label at y=100 stretched the
    # P/S axis to 1e100, and the lock-up labels at y=37M landed far off the chart
    import math

    from anchorval.report.market import lockup_chart, ps_path_chart

    x = zhipu_market.reflexivity
    ps = ps_path_chart(x)
    assert [a.y for a in ps.layout.annotations] == [math.log10(float(x.target_ps))]
    cal = zhipu_market.lockups
    lk = lockup_chart(cal, zhipu_market.as_of)
    ys = {a.y for a in lk.layout.annotations if a.yref in (None, "y")}
    expected = {math.log10(float(r.float_after)) for r in cal.rows}
    expected.add(math.log10(float(cal.total_shares)))
    assert ys == expected

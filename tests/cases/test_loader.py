"""Case files: loading, validation, and one clear line per bad input (file:line: field: message)."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from anchorval.cases import bundled_case_ids, load_case, parse_case_text, resolve_case
from anchorval.cases._loader import _bundled_text
from anchorval.cli import app
from anchorval.errors import CaseError, UnknownCaseError

ANTHROPIC = _bundled_text("anthropic-2026-06")
ZHIPU = _bundled_text("zhipu-2026-06")
runner = CliRunner()


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    seen = 0
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == nth:
                return i
    raise AssertionError(needle)


def _write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _cli_error(path: Path) -> str:
    res = runner.invoke(app, ["value", str(path)])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert "Traceback" not in res.output and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


def test_bundled_cases_load():
    assert {"anthropic-2026-06", "zhipu-2026-06"} <= set(bundled_case_ids())
    for cid in bundled_case_ids():
        c = load_case(cid)
        assert c.id == cid
        # every figure carries a source declared in the case and an as-of date
        for path, fig in c.figures().items():
            assert fig.source in c.sources, path
            assert fig.as_of is not None


def test_disagreeing_sources_are_kept():
    z = load_case("zhipu-2026-06")
    rev = z.financials.revenue
    assert rev.display() == "724.33M CNY"
    alts = {a.source: a.display() for a in rev.alternatives}
    assert alts["blockbeats-en-mt"] == "7.2433B CNY"  # machine translation, 10x the others


def test_malformed_yaml(tmp_path):
    text = ANTHROPIC.replace("report_currency: USD", "report_currency: [USD")
    p = _write(tmp_path, text)
    with pytest.raises(CaseError) as ei:
        load_case(p)
    assert ei.value.file == str(p) and ei.value.line is not None
    err = _cli_error(p)
    assert err.startswith(f"error: {p}:") and "malformed YAML" in err


def test_missing_field(tmp_path):
    lines = ANTHROPIC.splitlines()
    i = _line_of(ANTHROPIC, "    post_money:") - 1
    del lines[i : i + 6]  # drop post_money and its five lines (value, as_of, source, kind, note)
    p = _write(tmp_path, "\n".join(lines))
    err = _cli_error(p)
    line = _line_of(ANTHROPIC, "  - name: Series H")
    assert f"{p}:{line}: funding_rounds[0].post_money: required field is missing" in err


def test_unknown_currency(tmp_path):
    text = ANTHROPIC.replace("value: 1718 USDT", "value: 1718 USDX")
    p = _write(tmp_path, text)
    err = _cli_error(p)
    line = _line_of(text, "    price:")
    assert f"{p}:{line}: perps[0].price: unknown currency 'USDX'" in err


def test_negative_share_count(tmp_path):
    text = ANTHROPIC.replace("value: 1e9", "value: -1e9")
    p = _write(tmp_path, text)
    err = _cli_error(p)
    line = _line_of(text, "    reference_shares:")
    assert f"{p}:{line}: perps[0].reference_shares: must be positive" in err


def test_low_above_high(tmp_path):
    text = ANTHROPIC.replace("low: 30B USD\n    high: 47B USD", "low: 47B USD\n    high: 30B USD")
    p = _write(tmp_path, text)
    err = _cli_error(p)
    # the swapped bounds written above (47B, 30B), as the error prints them
    assert f"financials.arr_run_rate: low {47 * 10**9:,} is above high {30 * 10**9:,}" in err
    assert f"{p}:{_line_of(text, '  arr_run_rate:')}:" in err


def test_undeclared_source(tmp_path):
    text = ANTHROPIC.replace(
        "      value: 1M USD\n      as_of: 2026-06-22\n      source: blockbeats-zh",
        "      value: 1M USD\n      as_of: 2026-06-22\n      source: nowhere",
    )
    p = _write(tmp_path, text)
    err = _cli_error(p)
    assert "perps[0].volume_24h: source 'nowhere' is not declared in sources" in err
    assert f"{p}:{_line_of(text, '    volume_24h:')}:" in err


def test_unknown_field_and_numeric_ticker(tmp_path):
    p = _write(tmp_path, ANTHROPIC.replace("  status: private", "  status: private\n  statsu: x"))
    err = _cli_error(p)
    assert "company.statsu: unknown field" in err
    p2 = _write(tmp_path, ANTHROPIC.replace("  status: private", "  status: private\n  ticker: 0700"), "t.yaml")
    err2 = _cli_error(p2)
    assert "company.ticker: ticker must be quoted text" in err2


def test_yaml12_keeps_no_as_text():
    # YAML 1.1 (PyYAML) would read NO as false; YAML 1.2 keeps it a string
    c = parse_case_text(ANTHROPIC.replace("  status: private", '  status: private\n  ticker: "0700"\n  aliases: [NO]'))
    assert c.company.ticker == "0700" and c.company.aliases == ("NO",)


def test_currency_mix_without_rate(tmp_path):
    # The peer's as-of date lies beyond the offline ECB series, and the case gives no CNY/HKD rate
    _write(
        tmp_path,
        ZHIPU.replace("as_of: 2026-06-22\nreport_currency", "as_of: 2031-01-02\nreport_currency"),
        "zhipu-2026-06.yaml",
    )
    p = _write(tmp_path, ANTHROPIC)
    err = _cli_error(p)
    assert "no FX rate for CNY/HKD on 2031-01-02" in err


def test_unknown_case_lists_bundled():
    with pytest.raises(UnknownCaseError, match="bundled: anthropic-2026-06"):
        resolve_case("no-such-case")
    res = runner.invoke(app, ["value", "no-such-case"])
    assert res.exit_code == 2 and "unknown case 'no-such-case'" in res.stderr


def test_peer_cycle(tmp_path):
    z = ZHIPU.replace("notes:", "peer:\n  case: case\nnotes:", 1)
    _write(tmp_path, z, "zhipu-2026-06.yaml")
    p = _write(tmp_path, ANTHROPIC)
    err = _cli_error(p)
    # anthropic's peer is zhipu, whose peer is now case (this file), whose peer is zhipu again
    # named at the peer.case line of the file that closes the cycle
    line = _line_of(ANTHROPIC, "  case: zhipu-2026-06")
    assert f"{p}:{line}: peer.case: peer cycle: anthropic-2026-06 -> zhipu-2026-06 -> case -> zhipu-2026-06" in err


def test_failed_run_keeps_existing_report(tmp_path):
    report = tmp_path / "r.html"
    report.write_text("previous report", encoding="utf-8")
    bad = _write(tmp_path, ANTHROPIC.replace("value: 1718 USDT", "value: 1718 USDX"))
    res = runner.invoke(app, ["value", str(bad), "--report", str(report)])
    assert res.exit_code == 2
    assert report.read_text(encoding="utf-8") == "previous report"


def test_top_level_not_mapping(tmp_path):
    p = _write(tmp_path, "- just\n- a list\n")
    err = _cli_error(p)
    assert f"{p}:1: a case file must be a YAML mapping" in err


def test_undeclared_source_of_a_lockup_is_caught_at_load(tmp_path):
    old = "      source: tencent-zhipu\n      note: \"'While this"
    text = ZHIPU.replace(old, old.replace("tencent-zhipu", "nowhere"))
    assert text != ZHIPU
    p = _write(tmp_path, text)
    with pytest.raises(CaseError) as ei:
        load_case(p)
    assert ei.value.field == "market.lockups[0].source"
    assert "source 'nowhere' is not declared" in str(ei.value) and ei.value.line is not None

"""Results own their data: the command's JSON is the result's to_dict(); the maths never loads report/."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from typer.testing import CliRunner

import anchorval
from anchorval.cli import app

runner = CliRunner()


def cli_json(*args: str) -> object:
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_value_json_is_the_triangulation_dict():
    t = anchorval.value("anthropic-2026-06")
    assert cli_json("value", "anthropic-2026-06") == t.to_dict()


def test_market_json_is_the_result_dict():
    r = anchorval.market_structure("zhipu-2026-06")
    assert cli_json("market", "zhipu-2026-06") == r.to_dict()


def test_dcf_json_is_the_run_dict():
    run = anchorval.run_dcf("anthropic-2026-06-dcf", solve_for="growth", target="1.7T USD")
    d = run.to_dict()
    assert cli_json("dcf", "anthropic-2026-06-dcf", "--target", "1.7T USD") == d
    assert [y["year"] for y in d["years"]] == ["base", *map(str, range(1, 11)), "terminal"]


def test_sensitivity_json_is_the_result_dict_and_method():
    res = anchorval.sensitivity("anthropic-2026-06", method="tornado")
    want = json.loads(json.dumps({**res.to_dict(), "method": "tornado"}))
    assert cli_json("sensitivity", "anthropic-2026-06") == want


@pytest.mark.vcr("binance_anthropic.yaml", "hyperliquid_vntl.yaml")
@pytest.mark.block_network
def test_fetch_result_frame_and_dict():
    from anchorval.workflows.live import fetch

    res = fetch("anthropic-2026-06")
    df = res.to_frame().set_index("venue")
    # recorded Binance ANTHROPICUSDT mark 1718.2 USDT x the 1 billion reference shares
    assert df.loc["binance", "implied_valuation"] == Decimal("1718.2") * 10**9

    def perps(d):  # fetched_at is the clock at fetch time
        return [{k: v for k, v in p.items() if k != "fetched_at"} for p in d["perps"]]

    assert perps(cli_json("fetch", "anthropic-2026-06")) == perps(res.to_dict())


def test_maths_results_serialise_without_the_report_package():
    code = (
        "import sys, anchorval\n"
        "t = anchorval.value('anthropic-2026-06'); t.to_dict(); t._repr_html_()\n"
        "m = anchorval.market_structure('zhipu-2026-06'); m.to_dict(); m._repr_html_()\n"
        "print(sorted(k for k in sys.modules if k.startswith('anchorval.report')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_repr_html_is_the_frame_with_amounts():
    t = anchorval.value("anthropic-2026-06")
    html = t._repr_html_()
    assert html.count("<table") == 1 and "1.718T USD" in html and "Blended" in html
    assert list(t.to_frame().index) == ["peer_multiple", "perp_implied", "arr_multiple", "last_round"]

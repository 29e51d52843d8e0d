"""`anchorval market` on the command line: outputs, and one clear line + exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from market_cases import S, make, tiny_case, write_yaml
from typer.testing import CliRunner

from anchorval.cli import app
from anchorval.errors import ContradictoryInputError, MissingFigureError
from anchorval.market import analyse_market

runner = CliRunner()


def _fail(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert "Traceback" not in res.output and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


def test_zhipu_table_output():
    res = runner.invoke(app, ["market", "zhipu-2026-06"])
    assert res.exit_code == 0, res.output
    for text in (
        "Free float",
        "Lock-up expiries",
        "Hang Seng TECH Index",
        "P/S at a constant price",
        "Price decomposition",
        "ASSUMPTION",
        "tencent-zhipu",
    ):
        assert text in res.stdout


def test_zhipu_json_output():
    res = runner.invoke(app, ["market", "zhipu-2026-06", "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["schema"] == "anchorval.market/1" and d["case"] == "zhipu-2026-06"
    ff = d["free_float"]
    # prospectus via Tencent: 'approximately 11.7379 million unrestricted H-shares'; HK$2,380 a share
    assert ff["float_shares"] == "11737900" and ff["price"] == {
        "amount": "2380.00",
        "currency": "HKD",
    }
    assert [e["size"] for e in d["lockups"]["events"]] == ["known", "unknown"]
    assert d["index_demand"][0]["tracking_assets_assumed"] is True
    assert {s["name"] for s in d["ps_path"]["scenarios"]} == {
        "growth sustained at 150%",
        "growth falls from 150% to 70%",
    }
    # Tencent: 'about 50% fundamental, 50% premium' (the case's premium_attributions[0])
    assert d["decomposition"][0]["premium_share"] == "0.5"


def test_zhipu_markdown_output():
    res = runner.invoke(app, ["market", "zhipu-2026-06", "--format", "markdown"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# Zhipu: market structure")
    assert "| date | event | shares |" in res.stdout


def test_options_reach_the_analysis(tmp_path):
    res = runner.invoke(
        app,
        [
            "market",
            "zhipu-2026-06",
            "--format",
            "json",
            "--tracking-assets",
            "100B HKD",
            "--tracking-assets",
            "200B HKD",
            "--adv",
            "2M",
            "--target-ps",
            "50x",
            "--by",
            "2028-12-31",
            "--fundamental",
            "400B HKD",
            "--structural-share",
            "60%",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    rows = d["index_demand"][0]["rows"]
    assert rows[0]["tracking_assets"]["amount"] == "100000000000.00" and len(rows) == 5
    assert d["index_demand"][0]["adv_shares"] == ["2000000"] * 3
    assert d["ps_path"]["target_ps"] == "50"
    assert {q["by"] for q in d["ps_path"]["required_growth"]} == {"2028-12-31"}
    user = d["decomposition"][-1]
    assert user["fundamental"]["amount"] == "400000000000.00"
    assert user["structural_share_of_premium"] == "0.6"


def test_missing_figures_are_named():
    err = _fail(["market", "anthropic-2026-06"])
    assert err.startswith("error: case 'anthropic-2026-06' lacks figures needed by anchorval market")
    for name in (
        "capital.share_price",
        "market.free_float",
        "capital.shares_outstanding",
        "company.status",
    ):
        assert name in err


def test_missing_figures_in_code():
    with pytest.raises(MissingFigureError, match="capital.share_price"):
        analyse_market(tiny_case(capital__share_price=None))


def test_unlock_larger_than_locked_shares(tmp_path):
    # 1000 total - 100 unrestricted = 900 locked; 950 cannot unlock
    data = make(market__lockups=[{"date": "2026-07-01", "shares": {"value": "950", **S}, "source": "s"}])
    err = _fail(["market", str(write_yaml(tmp_path, data))])
    assert "market.lockups[0].shares" in err and "only 900 shares are locked" in err
    with pytest.raises(ContradictoryInputError):
        analyse_market(tiny_case(market__lockups=data["market"]["lockups"]))


def test_lower_bounds_count_against_the_locked_shares(tmp_path):
    data = make(
        market__lockups=[
            {"date": "2026-07-01", "shares": {"value": "500", **S}, "source": "s"},
            {
                "date": "2027-01-01",
                "size": "unknown",
                "shares_min": {"value": "500", **S},
                "source": "s",
            },
        ]
    )
    err = _fail(["market", str(write_yaml(tmp_path, data))])
    assert "market.lockups[1].shares" in err


def test_lockup_before_listing(tmp_path):
    data = make(market__lockups=[{"date": "2025-12-01", "shares": {"value": "10", **S}, "source": "s"}])
    err = _fail(["market", str(write_yaml(tmp_path, data))])
    assert "market.lockups[0].date: date 2025-12-01 is before the listing date 2026-01-02" in err


def test_inclusion_before_listing(tmp_path):
    data = make()
    data["market"]["index_inclusions"][0]["effective"] = "2025-06-01"
    err = _fail(["market", str(write_yaml(tmp_path, data))])
    assert "market.index_inclusions[0].effective" in err and "before the listing date" in err


def test_lockup_of_known_size_without_size_fails_at_load(tmp_path):
    data = make(market__lockups=[{"date": "2026-07-01", "source": "s"}])
    path = write_yaml(tmp_path, data)
    err = _fail(["market", str(path)])
    assert err.startswith(f"error: {path}:") and "market.lockups[0]" in err and "size: unknown" in err


def test_undeclared_lockup_source(tmp_path):
    data = make(market__lockups=[{"date": "2026-07-01", "shares": {"value": "10", **S}, "source": "nope"}])
    err = _fail(["market", str(write_yaml(tmp_path, data))])
    assert "market.lockups[0].source" in err and "'nope' is not declared" in err


def test_missing_tracking_assets_is_listed_not_invented(tmp_path):
    data = make()
    del data["market"]["index_inclusions"][0]["tracking_assets"]
    res = runner.invoke(app, ["market", str(write_yaml(tmp_path, data)), "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["index_demand"] == []
    assert "market.index_inclusions[0].tracking_assets" in d["skipped"]["index demand (IDX)"]


def test_bad_by_date_is_a_usage_error():
    res = runner.invoke(app, ["market", "zhipu-2026-06", "--by", "June"])
    assert res.exit_code == 2


def test_help_has_an_example():
    res = runner.invoke(app, ["market", "--help"])
    assert res.exit_code == 0 and "Example: anchorval market zhipu-2026-06" in res.stdout


def test_command_is_documented():
    root = Path(__file__).resolve().parents[2]
    assert "anchorval market" in (root / "README.md").read_text(encoding="utf-8")
    assert "anchorval market" in (root / "docs" / "market.md").read_text(encoding="utf-8")


GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "zhipu-2026-06-market.json"


def test_json_output_matches_golden():
    """Golden file: regenerate only on purpose with ANCHORVAL_REGEN_GOLDEN=1."""
    import os

    res = runner.invoke(app, ["market", "zhipu-2026-06", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    if os.environ.get("ANCHORVAL_REGEN_GOLDEN"):
        GOLDEN.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert data == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_json_keys_are_documented():
    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "market.md").read_text(encoding="utf-8")
    d = json.loads(runner.invoke(app, ["market", "zhipu-2026-06", "--format", "json"]).stdout)
    keys = list(d) + list(d["free_float"]) + list(d["lockups"]["events"][0])
    keys += list(d["index_demand"][0]) + list(d["ps_path"]) + list(d["decomposition"][0])
    for key in keys:
        assert f"`{key}`" in doc, key

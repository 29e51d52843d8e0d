"""CLI: anchorval simulate / sensitivity, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from typer.testing import CliRunner

from anchorval.cli import app

runner = CliRunner()


def anthropic_yaml() -> str:
    return (
        resources.files("anchorval.cases")
        .joinpath("anthropic-2026-06.yaml")
        .read_text(encoding="utf-8")
    )


def test_simulate_json_is_reproducible():
    args = [
        "simulate",
        "anthropic-2026-06",
        "--draws",
        "200000",
        "--seed",
        "7",
        "--threshold",
        "1T USD",
        "-f",
        "json",
    ]
    a = runner.invoke(app, args)
    assert a.exit_code == 0, a.output
    b = runner.invoke(app, [*args, "--threads", "1"])
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    da.pop("elapsed_seconds"), db.pop("elapsed_seconds")
    assert da == db
    assert da["draws"] == 200_000 and da["seed"] == 7 and da["thresholds"] == [1e12]
    assert set(da["outputs"]) == {
        "peer_multiple",
        "perp_implied",
        "arr_multiple",
        "last_round",
        "blended",
    }
    assert any("assumed uniform over low/high 30B-47B USD" in s for s in da["assumptions"])


def test_simulate_table_markdown_and_report(tmp_path):
    r = runner.invoke(app, ["simulate", "anthropic-2026-06", "--draws", "1.5", "--seed", "1"])
    assert r.exit_code == 2 and "draws: must be a positive whole number, got '1.5'" in r.stderr
    r = runner.invoke(
        app,
        [
            "simulate",
            "anthropic-2026-06",
            "--draws",
            "100k",
            "--seed",
            "1",
            "--report",
            str(tmp_path / "s.html"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "blended" in r.stdout and "assumed" in r.stdout
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    for needle in (
        "Monte Carlo simulation",
        "Sensitivity: tornado",
        "Sensitivity: two-way grid",
        "Defaults assumed",
        "arr_multiple.market_arr",
    ):
        assert needle in html
    assert len(html) < 8_000_000  # pre-binned: no raw draws embedded
    md = runner.invoke(
        app, ["simulate", "anthropic-2026-06", "--draws", "1e5", "--seed", "1", "-f", "markdown"]
    )
    assert md.exit_code == 0 and md.stdout.startswith(
        "# Anthropic: Monte Carlo (100,000 draws, seed 1, USD)"
    )


@pytest.mark.parametrize("method", ["tornado", "sobol", "grid"])
def test_sensitivity_methods(method, tmp_path):
    args = [
        "sensitivity",
        "anthropic-2026-06",
        "--method",
        method,
        "--n",
        "1024",
        "--report",
        str(tmp_path / "x.html"),
    ]
    if method == "grid":
        args += ["--grid", "arr_multiple.share,arr_multiple.multiples"]
    r = runner.invoke(app, [*args, "-f", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["method"] == method
    assert (tmp_path / "x.html").exists()


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_bad_distribution_in_case_file(tmp_path):
    text = anthropic_yaml().replace(
        "      low: 140B USD\n      high: 200B USD\n      low_q",
        "      low: 240B USD\n      high: 200B USD\n      low_q",
    )
    assert "low: 240B USD" in text
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    line = one_error_line(runner.invoke(app, ["simulate", str(p), "--draws", "1000"]))
    n = 1 + text.splitlines().index("    distribution:")  # market_arr's distribution
    assert line == (
        f"error: {p}:{n}: arr_multiple.market_arr.distribution: low 2.4e+11 is above high 2e+11"
    )


def test_malformed_spec_file_is_one_line(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("correlation:\n  figures: [a, perps[0].price]\n", encoding="utf-8")
    line = one_error_line(
        runner.invoke(app, ["simulate", "anthropic-2026-06", "--spec", str(spec)])
    )
    assert line.startswith(f"error: {spec}:2: malformed YAML")


def test_negative_spread_in_spec_file(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "distributions:\n  perps[0].price: {kind: lognormal, median: 1718 USDT, spread: -0.1}\n",
        encoding="utf-8",
    )
    line = one_error_line(
        runner.invoke(
            app, ["simulate", "anthropic-2026-06", "--draws", "1000", "--spec", str(spec)]
        )
    )
    assert line == (
        f"error: {spec}:2: distributions.perps[0].price: "
        "spread (sd of ln) must be positive, got -0.1"
    )


def test_non_psd_correlation_in_spec_file(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "correlation:\n"
        "  figures: [arr_multiple.market_arr, arr_multiple.share, 'perps[0].price']\n"
        "  matrix: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]\n",
        encoding="utf-8",
    )
    line = one_error_line(
        runner.invoke(
            app, ["simulate", "anthropic-2026-06", "--draws", "1000", "--spec", str(spec)]
        )
    )
    assert line.startswith(
        f"error: {spec}:1: correlation "
        "[arr_multiple.market_arr, arr_multiple.share, perps[0].price]: "
    )
    assert "not positive semi-definite" in line


def test_bundled_case_error_names_case_and_figure():
    import anchorval
    from anchorval.errors import DistributionError

    spec = {"distributions": {"arr_multiple.share": {"kind": "pert", "low": "60%", "high": "55%"}}}
    with pytest.raises(DistributionError) as exc:
        anchorval.simulate("anthropic-2026-06", draws=1000, spec=spec)
    assert str(exc.value) == "anthropic-2026-06: arr_multiple.share: low 0.6 is above high 0.55"


def test_asymmetric_correlation_in_case_file_names_file_and_field(tmp_path):
    text = anthropic_yaml().replace("      - [0.6, 1.0]", "      - [0.2, 1.0]")
    p = tmp_path / "asym.yaml"
    p.write_text(text, encoding="utf-8")
    line = one_error_line(runner.invoke(app, ["simulate", str(p), "--draws", "1000"]))
    assert str(p) in line and "simulation.correlation" in line
    assert "not symmetric: financials.arr_run_rate ~ arr_multiple.market_arr is 0.6" in line


def test_commands_have_examples():
    for cmd in ("simulate", "sensitivity"):
        r = runner.invoke(app, [cmd, "--help"])
        assert r.exit_code == 0 and "Example: anchorval " + cmd in r.stdout


def test_commands_documented_in_readme_and_docs():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    doc = (root / "docs" / "simulate.md").read_text(encoding="utf-8")
    for cmd in ("anchorval simulate", "anchorval sensitivity"):
        assert cmd in readme and cmd in doc
    for opt in ("--draws", "--seed", "--threshold", "--spec", "--method", "--grid", "--report"):
        assert opt in doc


def test_sensitivity_table_keeps_figure_paths_whole():
    # rich's Markdown table cut 'arr_multiple.market_arr' to 'arr_multiple.market_a…' in 80 columns
    res = runner.invoke(app, ["sensitivity", "anthropic-2026-06"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    for path in ("arr_multiple.market_arr", "financials.arr_run_rate", "arr_multiple.multiples"):
        assert path in res.stdout
    assert "…" not in res.stdout

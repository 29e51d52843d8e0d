"""A command does its work once: each case file parsed once, one FX table, one valuation, one model.

Counters wrap the loader (``parse_case_text``), ``FxTable`` construction, the valuation entry point
(``workflows.value.value_loaded``) and the model builder (``uncertainty.build_case_model``).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

import anchorval.cases._loader as loader
import anchorval.money as money
import anchorval.uncertainty as uncertainty
import anchorval.workflows.value as workflows_value
from anchorval.cli import app

pytestmark = pytest.mark.block_network
runner = CliRunner()
#: The Anthropic case names Zhipu as its peer: two files.
ANTHROPIC_FILES = {"bundled:anthropic-2026-06", "bundled:zhipu-2026-06"}


@pytest.fixture()
def work(monkeypatch):
    """Count what one command does: files parsed (by origin), FX tables, valuations, models."""
    seen: Counter[str] = Counter()

    def counting(name, fn):
        def wrapper(*args, **kwargs):
            seen[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    real_parse = loader.parse_case_text

    def parse(text, origin="<string>"):
        seen[f"parse {origin}"] += 1
        return real_parse(text, origin)

    monkeypatch.setattr(loader, "parse_case_text", parse)
    monkeypatch.setattr(money.FxTable, "__init__", counting("fx tables", money.FxTable.__init__))
    monkeypatch.setattr(workflows_value, "value_loaded", counting("valuations", workflows_value.value_loaded))
    monkeypatch.setattr(uncertainty, "build_case_model", counting("models", uncertainty.build_case_model))
    return seen


def parsed(seen: Counter[str]) -> dict[str, int]:
    return {k.removeprefix("parse "): v for k, v in seen.items() if k.startswith("parse ")}


def test_counters_see_repeated_work(work):
    # the counters can fail: two plain valuations are two loads, two FX tables, two valuations
    import anchorval

    anchorval.value("anthropic-2026-06")
    anchorval.value("anthropic-2026-06")
    assert parsed(work) == dict.fromkeys(ANTHROPIC_FILES, 2)
    assert work["fx tables"] == 2 and work["valuations"] == 2


def test_simulate_report_loads_values_and_models_once(work, tmp_path):
    # before: the YAML was read 4 times, the case valued 4 times and the model built 3 times
    rep = tmp_path / "sim.html"
    args = ["simulate", "anthropic-2026-06", "-n", "2000", "--seed", "1", "--threads", "1", "--no-progress"]
    res = runner.invoke(app, [*args, "--report", str(rep)])
    assert res.exit_code == 0, res.output
    assert parsed(work) == dict.fromkeys(ANTHROPIC_FILES, 1)
    assert (work["fx tables"], work["valuations"], work["models"]) == (1, 1, 1)
    html = rep.read_text(encoding="utf-8")
    # the one model fed the simulation, the tornado and the grid; the one valuation the football field
    assert all(s in html for s in ('id="simulation"', 'id="sensitivity-tornado"', 'id="sensitivity-grid"'))
    assert 'id="football-field"' in html


@pytest.mark.parametrize(
    ("args", "files", "valuations", "models"),
    [
        (["value", "anthropic-2026-06", "-f", "json"], ANTHROPIC_FILES, 1, 0),
        (["sensitivity", "anthropic-2026-06", "-f", "json"], ANTHROPIC_FILES, 1, 1),
        (["market", "zhipu-2026-06", "-f", "json"], {"bundled:zhipu-2026-06"}, 0, 0),
        (["dcf", "anthropic-2026-06-dcf", "--solve-for", "growth", "-f", "json"], None, 0, 0),
    ],
)
def test_other_commands_load_and_build_fx_once(work, args, files, valuations, models):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    counts = parsed(work)
    assert set(counts.values()) == {1}
    if files is not None:
        assert set(counts) == files
    assert (work["fx tables"], work["valuations"], work["models"]) == (1, valuations, models)


@pytest.mark.vcr("binance_anthropic.yaml", "hyperliquid_vntl.yaml")
def test_value_live_values_once(work):
    # before: value --live valued the live case, then loaded and valued it again with the options
    args = ["value", "anthropic-2026-06", "--live", "--weights", "perp_implied=1", "-f", "json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert parsed(work) == dict.fromkeys(ANTHROPIC_FILES, 1)
    assert (work["fx tables"], work["valuations"]) == (1, 1)
    # the options reached the one valuation
    assert json.loads(res.stdout)["blended"]["weights"] == {"perp_implied": "1.000000"}

"""Live workflow and CLI on recorded HTTP: fetch, value --live, watch with faults, history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from anchorval.cli import app
from anchorval.errors import UnknownSymbolError
from anchorval.providers import BinanceUsdmFetcher, HyperliquidFetcher, RetryPolicy
from anchorval.store import Store
from anchorval.workflows.live import snapshot_of, value_live, watch

from ._transport import Scripted, cassette_bodies, session_with

pytestmark = pytest.mark.block_network
T0 = datetime(2026, 6, 22, 8, 0, tzinfo=UTC)
BIN = cassette_bodies("binance_anthropic.yaml")
BOTH = ("binance_anthropic.yaml", "hyperliquid_vntl.yaml")


def fetchers(session):
    return {
        "binance": BinanceUsdmFetcher(session=session),
        "hyperliquid": HyperliquidFetcher(session=session),
    }


@pytest.mark.vcr(*BOTH)
def test_value_live_uses_both_venues_and_cites_them():
    s = requests.Session()
    res = value_live("anthropic-2026-06", fetchers=fetchers(s), now=T0 + timedelta(hours=1))
    perp = res.triangulation.anchor("perp_implied")
    b, h = (
        Decimal("1718.20000000") * 10**9,
        Decimal("1702.50") * 10**9,
    )  # mark x 1e9 (both conventions)
    assert perp.low.amount == h and perp.high.amount == b and perp.base.amount == (b + h) / 2
    assert res.comparison.spread == b / h
    assert "anthropic-2026-06:live:binance" in res.triangulation.sources
    assert "anthropic-2026-06:live:hyperliquid" in res.triangulation.sources
    assert res.case.as_of == (T0 + timedelta(hours=1)).date()
    assert res.case.perps[0].price.source == "live:binance"
    assert "08:00:00 UTC" in res.case.perps[0].price.note
    kinds = {(f.kind, f.subject) for f in res.flags}
    # $1.0M of 24h volume on a $1.718T implied value: 5.8e-7, far below 1e-4
    assert ("thin_volume", "binance ANTHROPICUSDT") in kinds
    assert ("stale", "binance ANTHROPICUSDT") in kinds  # an hour old > 15 minutes
    assert not any(k == "venues_disagree" for k, _ in kinds)  # 0.92% < 5%
    snap = snapshot_of(res)
    assert {a.anchor for a in snap.anchors} >= {"perp_implied", "last_round", "arr_multiple"}
    assert {q.implied_valuation for q in snap.quotes} == {b, h}
    assert any(r.base == "USDT" and r.assumption for r in snap.fx)


@pytest.mark.vcr(*BOTH)
def test_cli_fetch_case_json():
    r = CliRunner().invoke(app, ["fetch", "anthropic-2026-06", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert [p["venue"] for p in out["perps"]] == ["binance", "hyperliquid"]
    assert Decimal(out["perps"][0]["implied_valuation"]) == Decimal("1718.2") * 10**9
    assert out["perps"][0]["contract_type"] == "TRADIFI_PERPETUAL"
    assert Decimal(out["spread"]) == Decimal("1718.2") / Decimal("1702.5")
    assert {f["kind"] for f in out["flags"]} >= {"stale", "thin_volume"}


@pytest.mark.vcr("binance_anthropic.yaml")
def test_cli_fetch_symbol_table():
    r = CliRunner().invoke(app, ["fetch", "ANTHROPICUSDT", "--venue", "binance"])
    assert r.exit_code == 0, r.output
    assert "TRADIFI_PERPETUAL" in r.stdout and "1.718T USDT" in r.stdout


@pytest.mark.vcr("binance_exchange_info.yaml")
def test_cli_fetch_unknown_symbol_exit_2():
    r = CliRunner().invoke(app, ["fetch", "NOPEUSDT", "--venue", "binance"])
    assert r.exit_code == 2 and "unknown symbol 'NOPEUSDT'" in r.output and "Traceback" not in r.output


def test_cli_fetch_unknown_venue_lists_installed():
    r = CliRunner().invoke(app, ["fetch", "X", "--venue", "kraken"])
    assert r.exit_code == 2 and "installed: binance, ecb, ecb-daily, hyperliquid, yahoo" in r.output


@pytest.mark.vcr(*BOTH)
def test_cli_value_live_marks_live_figures(tmp_path):
    rep = tmp_path / "live.html"
    r = CliRunner().invoke(app, ["value", "anthropic-2026-06", "--live", "--format", "json", "--report", str(rep)])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert any(k.endswith("live:binance") for k in out["sources"])
    assert (
        "Live figures" in r.stderr and "binance ANTHROPICUSDT: mark 1718.2 USDT at 2026-06-22 08:00:00 UTC" in r.stderr
    )


def _scripted_binance(plan):
    """Binance via an injected transport; premiumIndex answers follow ``plan``."""
    it = {"n": 0}

    def script(req, _):
        path = req.path_url.split("?")[0]
        if path.endswith("premiumIndex"):
            it["n"] += 1
            step = plan[min(it["n"], len(plan)) - 1]
            if step != "ok":
                return step
        return 200, BIN[path], {}

    return BinanceUsdmFetcher(session=session_with(Scripted(script)), retry=RetryPolicy(attempts=1))


def test_watch_survives_faults_with_backoff_and_keeps_going(tmp_path):
    store = Store(tmp_path / "h.duckdb")
    plan = ["ok", requests.exceptions.ReadTimeout("t"), (200, "{oops", {}), (503, "down", {}), "ok"]
    sleeps, events = [], []
    ids = watch(
        "anthropic-2026-06",
        store,
        every=60,
        count=5,
        venue="binance",
        fetchers={"binance": _scripted_binance(plan)},
        on_event=events.append,
        sleep=sleeps.append,
    )
    assert [e.ok for e in events] == [True, False, False, False, True]
    assert "ProviderTimeoutError" in events[1].message and "MalformedResponseError" in events[2].message
    assert store.snapshot_ids("anthropic-2026-06") == ids and len(ids) == 2
    # after a success the wait is the interval; failures back off exponentially (jitter < 1 s)
    assert sleeps[0] == 60 and sleeps[1] >= 60 and sleeps[2] >= 2 * 60 and sleeps[3] >= 4 * 60
    h = store.history("anthropic-2026-06")
    assert set(h[h.anchor == "perp_implied"]["base"]) == {Decimal("1718.2") * 10**9}


def test_watch_stops_on_unknown_symbol_keeping_committed(tmp_path):
    store = Store(tmp_path / "h.duckdb")
    plan = ["ok", (400, '{"code":-1121,"msg":"Invalid symbol."}', {})]
    with pytest.raises(UnknownSymbolError):
        watch(
            "anthropic-2026-06",
            store,
            every=1,
            count=5,
            venue="binance",
            fetchers={"binance": _scripted_binance(plan)},
            sleep=lambda s: None,
        )
    assert len(store.snapshot_ids()) == 1


def test_watch_ctrl_c_keeps_committed(tmp_path):
    store = Store(tmp_path / "h.duckdb")

    def sleep(_):
        if len(store.snapshot_ids()) >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        watch(
            "anthropic-2026-06",
            store,
            every=1,
            venue="binance",
            fetchers={"binance": _scripted_binance(["ok"])},
            sleep=sleep,
        )
    assert len(store.snapshot_ids()) == 2


@pytest.mark.vcr(*BOTH)
def test_cli_watch_then_history(tmp_path, monkeypatch):
    db = tmp_path / "h.duckdb"
    monkeypatch.setenv("ANCHORVAL_DB", str(db))
    r = CliRunner().invoke(app, ["watch", "anthropic-2026-06", "--every", "10ms", "--count", "3"])
    assert r.exit_code == 0, r.output
    assert "done: 3 snapshots committed" in r.stderr
    r = CliRunner().invoke(
        app,
        ["history", "anthropic-2026-06", "--format", "json", "--chart", str(tmp_path / "h.html")],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    perp = [a for a in out["anchors"] if a["anchor"] == "perp_implied"]
    assert len(perp) == 3 and {Decimal(a["base"]) for a in perp} == {
        (Decimal("1718.2") + Decimal("1702.5")) * 10**9 / 2
    }
    assert {v["venue"] for v in out["venues"]} == {"binance", "hyperliquid"}
    html = (tmp_path / "h.html").read_text()
    assert "Implied valuation per venue" in html and "vntl:ANTHROPIC" in html
    r = CliRunner().invoke(app, ["history", "anthropic-2026-06", "--since", "2999-01-01"])
    assert r.exit_code == 2 and "no snapshots" in r.output
    r = CliRunner().invoke(app, ["history", "anthropic-2026-06", "--format", "markdown"])
    assert r.exit_code == 0 and r.stdout.count("\n") == 5


def test_parse_duration():
    from anchorval.cli._live import parse_duration

    assert [parse_duration(x) for x in ("60s", "5m", "1h", "250ms", "90")] == [
        60,
        300,
        3600,
        0.25,
        90,
    ]


def test_live_case_listed_company_takes_yahoo_price_and_shares(zhipu):
    from anchorval.providers import EquityQuote
    from anchorval.workflows.live import FetchOutcome, live_case

    t = datetime(2026, 6, 23, 8, 8, tzinfo=UTC)
    e = EquityQuote(
        symbol="TEST.HK",
        exchange="HKG",
        currency="HKD",
        last_price=Decimal("2400"),
        shares_outstanding=Decimal("440000000"),
        shares_as_of=t.date(),
        time=t,
        fetched_at=t,
    )
    case = live_case(zhipu, FetchOutcome(equities=[e]), now=t)
    cap = case.capital
    assert cap.share_price.value == Decimal("2400") and cap.share_price.source == "live:yahoo"
    assert cap.shares_outstanding.value == Decimal("440000000") and cap.market_cap is None
    assert case.as_of == t.date() and "live:yahoo" in case.sources
    assert "08:08:00 UTC" in case.sources["live:yahoo"].note


def test_targets_for_listed_case_include_yahoo(zhipu):
    from anchorval.workflows.live import Target, case_targets

    c = zhipu.case.model_copy(update={"company": zhipu.case.company.model_copy(update={"ticker": "700"})})
    assert case_targets(c) == [Target("yahoo", "0700.HK")]


@pytest.mark.parametrize("cmd", ["fetch", "watch", "history"])
def test_commands_documented_with_example(cmd):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    r = CliRunner().invoke(app, [cmd, "--help"])
    assert r.exit_code == 0 and f"Example: anchorval {cmd}" in r.stdout
    assert f"anchorval {cmd}" in (root / "docs" / "live.md").read_text()
    assert f"anchorval {cmd}" in (root / "README.md").read_text()


def test_cli_missing_extra_names_it(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ccxt" else real(name, *a))
    r = CliRunner().invoke(app, ["fetch", "ANTHROPICUSDT"])
    assert r.exit_code == 2 and "pip install 'anchorval[live]'" in r.output and "'ccxt'" in r.output


def test_cli_watch_ctrl_c_stops_cleanly(tmp_path, monkeypatch):

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("anchorval.workflows.live.watch", interrupted)
    r = CliRunner().invoke(app, ["watch", "anthropic-2026-06", "--db", str(tmp_path / "h.duckdb")])
    assert r.exit_code == 0 and "stopped; 0 snapshots" in r.stderr


@pytest.mark.vcr(*BOTH)
def test_value_live_report_notes_live_figures_and_flags():
    from anchorval.report.valuation import render_html

    res = value_live("anthropic-2026-06", fetchers=fetchers(requests.Session()), now=T0 + timedelta(hours=1))
    notes = res.triangulation.notes
    assert any(
        n.startswith("Live: binance ANTHROPICUSDT mark 1718.20000000 USDT at 2026-06-22 08:00:00 UTC") for n in notes
    )
    assert any(n.startswith("Quality: binance ANTHROPICUSDT: quote is 1.0 h old (limit 15 min)") for n in notes)
    html = render_html(res.triangulation)
    assert "live:binance" in html and "Live: hyperliquid vntl:ANTHROPIC" in html


def test_resolve_targets_by_symbol_shape():
    from anchorval.errors import UnknownCaseError
    from anchorval.workflows.live import Target, resolve_targets

    assert resolve_targets("ANTHROPICUSDT")[1] == [Target("binance", "ANTHROPICUSDT")]
    assert resolve_targets("vntl:OPENAI")[1] == [Target("hyperliquid", "vntl:OPENAI")]
    assert resolve_targets("0700.HK")[1] == [Target("yahoo", "0700.HK")]
    assert resolve_targets("NVDA", "yahoo")[1] == [Target("yahoo", "NVDA")]
    loaded, t = resolve_targets("anthropic-2026-06")
    assert loaded.case.id == "anthropic-2026-06"
    assert t == [Target("binance", "ANTHROPICUSDT"), Target("hyperliquid", "vntl:ANTHROPIC")]
    with pytest.raises(UnknownCaseError):
        resolve_targets("missing-case.yaml")
    with pytest.raises(UnknownCaseError):
        resolve_targets("openai-2026-06")


def test_one_venue_down_others_still_fetched():
    from anchorval.errors import ProviderServerError
    from anchorval.workflows.live import Target, fetch_targets

    down = HyperliquidFetcher(
        session=session_with(Scripted(lambda req, n: (503, "down", {}))), retry=RetryPolicy(attempts=1)
    )
    out = fetch_targets(
        [Target("binance", "ANTHROPICUSDT"), Target("hyperliquid", "vntl:ANTHROPIC")],
        {"binance": _scripted_binance(["ok"]), "hyperliquid": down},
    )
    assert [q.venue for q in out.perps] == ["binance"]
    assert isinstance(out.errors["hyperliquid:vntl:ANTHROPIC"], ProviderServerError)
    with pytest.raises(ProviderServerError):  # every venue down: the error, not an empty result
        fetch_targets([Target("hyperliquid", "vntl:ANTHROPIC")], {"hyperliquid": down})


def test_watch_last_failed_iteration_promises_no_retry(tmp_path):
    events = []
    ids = watch(
        "anthropic-2026-06",
        Store(tmp_path / "h.duckdb"),
        every=60,
        count=2,
        venue="binance",
        fetchers={"binance": _scripted_binance([(503, "down", {})])},
        sleep=lambda s: None,
        on_event=events.append,
    )
    assert ids == []
    assert "retrying in" in events[0].message
    assert events[1].message.endswith("; last iteration")


def test_cli_watch_count_with_no_snapshot_exits_2(tmp_path, monkeypatch):
    # every iteration failed: a script running `watch --count N` gets a non-zero exit
    from anchorval.workflows.live import WatchEvent

    def failing(case, store, *, count, on_event, **kw):
        for i in range(1, count + 1):
            on_event(WatchEvent(i, False, "ProviderNetworkError: offline", 1.0))
        return []

    monkeypatch.setattr("anchorval.workflows.live.watch", failing)
    r = CliRunner().invoke(
        app, ["watch", "anthropic-2026-06", "--count", "2", "--db", str(tmp_path / "h.duckdb")]
    )
    assert r.exit_code == 2
    assert "no snapshot of anthropic-2026-06 committed in 2 iteration(s)" in r.stderr


def test_history_chart_uses_a_log_axis_when_anchors_are_far_apart():
    # a 48T peer multiple next to a 965B round flattened every other line to zero on a linear axis
    import pandas as pd

    from anchorval.report.live import history_html
    from anchorval.workflows.live import HistoryResult

    t0 = datetime(2026, 6, 1, tzinfo=UTC)
    rows = [
        ("s1", t0, "USD", "peer_multiple", Decimal("37e12"), Decimal("48e12"), Decimal("58e12")),
        ("s1", t0, "USD", "last_round", Decimal("965e9"), Decimal("965e9"), Decimal("965e9")),
    ]
    h = pd.DataFrame(rows, columns=["snapshot_id", "taken_at", "currency", "anchor", "low", "base", "high"])
    html = history_html(HistoryResult("x", h, pd.DataFrame(), Path("h.duckdb")))
    assert '"type":"log"' in html.replace(" ", "")
    h2 = h[h["anchor"] == "last_round"]
    assert '"type":"log"' not in history_html(HistoryResult("x", h2, pd.DataFrame(), Path("h.duckdb"))).replace(" ", "")

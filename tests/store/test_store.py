"""History store: round trip, migrations, concurrent readers, a writer killed mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from anchorval.errors import StoreError
from anchorval.store import ENV_DB, MIGRATIONS, SCHEMA_VERSION, Store, default_db_path

from ._writer import N_ANCHORS, make_snapshot

pytestmark = pytest.mark.block_network
SRC = str(Path(__file__).resolve().parents[2] / "src")
TESTS = str(Path(__file__).resolve().parents[1])


def test_default_path_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DB, str(tmp_path / "x.duckdb"))
    assert default_db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv(ENV_DB)
    assert default_db_path().name == "history.duckdb" and "anchorval" in str(default_db_path())


def test_round_trip_exact_decimals(tmp_path):
    s = Store(tmp_path / "h.duckdb")
    snap = make_snapshot(7)
    s.write_snapshot(snap)
    h = s.history("anthropic-2026-06")
    assert len(h) == N_ANCHORS and set(h["snapshot_id"]) == {snap.snapshot_id}
    assert list(h["base"]) == [a.base for a in snap.anchors]
    assert list(h["low"]) == [a.low for a in snap.anchors]
    assert list(h["high"]) == [a.high for a in snap.anchors]
    # make_snapshot(7): base 1718e9 + 7, anchor k's low is base - k; marks 1718.2 + 7
    assert h["low"].iloc[1] == Decimal("1718e9") + 7 - 1
    q = s.quotes("anthropic-2026-06")
    assert list(q["mark_price"]) == [r.mark_price for r in snap.quotes]
    assert list(q["mark_price"]) == [Decimal("1725.2")] * 2
    assert q["volume_quote_24h"].iloc[0] == Decimal("1000071.35")
    fx = s.fx_rates(snap.snapshot_id)
    assert fx["base"].tolist() == ["USDT"] and bool(fx["assumption"].iloc[0])
    assert s.history("other-case").empty


def test_failed_write_leaves_nothing(tmp_path):
    s = Store(tmp_path / "h.duckdb")
    good = make_snapshot(1)
    s.write_snapshot(good)
    with pytest.raises(StoreError):
        s.write_snapshot(
            good
        )  # same snapshot id: primary key violation, whole snapshot rolled back
    assert s.snapshot_ids() == [good.snapshot_id]
    assert len(s.history("anthropic-2026-06")) == N_ANCHORS


def test_migration_from_v1_keeps_data(tmp_path):
    p = tmp_path / "old.duckdb"
    old = Store(p)
    assert old.migrate(target=1) == [1]
    con = duckdb.connect(str(p))
    con.execute(
        "INSERT INTO valuations VALUES ('s1', 'zhipu-2026-06', 'peer_multiple', 1, 2, 3, 'HKD', "
        "'2026-06-22 08:00:00+00')"
    )
    con.execute(
        "INSERT INTO valuations VALUES ('s1', 'zhipu-2026-06', 'last_round', 4, 5, 6, 'HKD', "
        "'2026-06-22 08:00:00+00')"
    )
    con.execute(
        "INSERT INTO quotes VALUES ('s1', 'yahoo', '2513.HK', NULL, 'HKD', 2380, NULL, 2380, "
        "NULL, NULL, NULL, NULL, "
        "'2026-06-22 08:00:00+00', '2026-06-22 08:00:01+00')"
    )
    con.close()
    new = Store(p)
    assert new.migrate() == [2, 3]
    assert new.schema_version() == SCHEMA_VERSION == 3
    h = new.history("zhipu-2026-06")
    assert sorted(h["base"]) == [Decimal(2), Decimal(5)]
    assert set(h["inputs_hash"]) == {"unknown (schema v1)"}
    assert new.snapshot_ids() == ["s1"]
    assert new.quotes()["mark_price"].tolist() == [Decimal(2380)]
    assert new.migrate() == []  # idempotent


def test_newer_schema_is_refused(tmp_path):
    p = tmp_path / "future.duckdb"
    Store(p).migrate()
    con = duckdb.connect(str(p))
    con.execute("INSERT INTO schema_version (version) VALUES (?)", [max(MIGRATIONS) + 1])
    con.close()
    with pytest.raises(StoreError, match=f"schema v{max(MIGRATIONS) + 1}"):
        Store(p).migrate()


def test_concurrent_reader_thread_never_sees_half_a_snapshot(tmp_path):
    s = Store(tmp_path / "h.duckdb")
    s.migrate()
    stop = threading.Event()
    seen: list[int] = []
    bad: list[str] = []

    def reader():
        r = Store(s.path)
        while not stop.is_set():
            h = r.history("anthropic-2026-06")
            if not h.empty:
                counts = h.groupby("snapshot_id").size()
                bad.extend(str(k) for k, n in counts.items() if n != N_ANCHORS)
                seen.append(len(counts))

    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(25):
            s.write_snapshot(make_snapshot(i, n_quotes=50))
    finally:
        stop.set()
        t.join()
    assert bad == []
    assert seen == sorted(seen)  # committed snapshots only ever accumulate
    assert len(s.snapshot_ids()) == 25


def _spawn_writer(path: Path, count: int, n_quotes: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, TESTS])}
    return subprocess.Popen(
        [sys.executable, "-m", "store._writer", str(path), str(count), str(n_quotes)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=TESTS,
    )


def test_reader_process_while_writer_process_writes(tmp_path):
    p = tmp_path / "h.duckdb"
    w = _spawn_writer(p, 15, 20)
    assert w.stdout.readline().strip() == "ready"
    r = Store(p, lock_timeout=60)
    reads = 0
    while w.poll() is None:
        h = r.history("anthropic-2026-06")
        if not h.empty:
            assert (h.groupby("snapshot_id").size() == N_ANCHORS).all()
            reads += 1
    out, err = w.communicate()
    assert w.returncode == 0, err
    assert len(r.snapshot_ids()) == 15
    assert reads >= 1


def test_writer_killed_mid_write_keeps_every_committed_snapshot(tmp_path):
    p = tmp_path / "h.duckdb"
    w = _spawn_writer(p, 10_000, 20_000)  # ~0.6 s per snapshot write: room to land inside one
    assert w.stdout.readline().strip() == "ready"
    committed: list[str] = []
    in_flight = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = w.stdout.readline().strip()
        if line.startswith("writing "):
            in_flight = line.split()[1]
            if len(committed) >= 2:
                break
        elif line:
            committed.append(line)
    time.sleep(0.1)  # well inside the write of ``in_flight``
    w.send_signal(signal.SIGKILL)
    w.communicate()
    assert w.returncode == -signal.SIGKILL
    s = Store(p)  # opens (WAL replayed) and holds every committed snapshot, whole
    ids = s.snapshot_ids()
    assert committed == ids[: len(committed)]
    assert set(ids) - set(committed) <= {in_flight}  # the in-flight one: all or nothing
    h = s.history("anthropic-2026-06")
    assert (h.groupby("snapshot_id").size() == N_ANCHORS).all()
    q = s.quotes("anthropic-2026-06")
    assert (q.groupby("snapshot_id").size() == 20_000).all()
    s.write_snapshot(make_snapshot(99))  # still writable
    assert len(s.snapshot_ids()) == len(ids) + 1

"""History-store benchmark: DataFrame insert vs executemany, and history read time.

Targets (ratios measured in one run, so machine noise cancels):
- writing one snapshot's quotes through a registered DataFrame is at least 5x faster than
  ``executemany`` for 2,000 rows;
- reading the history of 1,000 snapshots x 5 anchors takes under 1 s.

Run: PYTHONPATH=src python benchmarks/bench_store.py
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from anchorval.store import AnchorRow, QuoteRow, Snapshot, Store  # noqa: E402

N_QUOTES = 2000


def snapshot(n_quotes: int, i: int = 0) -> Snapshot:
    now = datetime.now(UTC)
    v = Decimal("1718e9") + i
    quotes = tuple(
        QuoteRow(
            "binance",
            f"S{j}",
            "TRADIFI_PERPETUAL",
            "USDT",
            Decimal("1718.2"),
            Decimal("1717.9"),
            Decimal("1718"),
            Decimal("582.482"),
            Decimal("1000071.35"),
            Decimal("2910.416"),
            Decimal("0.00005"),
            now,
            now,
            v,
        )
        for j in range(n_quotes)
    )
    anchors = tuple(AnchorRow(f"a{k}", v - k, v, v + k) for k in range(5))
    return Snapshot(uuid.uuid4().hex, "bench", now, "USD", "h", anchors, quotes)


def main() -> None:
    d = Path(tempfile.mkdtemp())
    s = Store(d / "b.duckdb")
    s.migrate()
    snap = snapshot(N_QUOTES)
    t = time.perf_counter()
    s.write_snapshot(snap)
    t_df = time.perf_counter() - t

    import duckdb

    con = duckdb.connect(str(d / "b.duckdb"))
    rows = [
        (
            snap.snapshot_id,
            q.venue,
            q.symbol,
            q.contract_type,
            q.quote_currency,
            q.mark_price,
            q.index_price,
            q.last_price,
            q.volume_base_24h,
            q.volume_quote_24h,
            q.open_interest,
            q.funding_rate,
            q.quote_time,
            q.fetched_at,
            q.implied_valuation,
        )
        for q in snap.quotes
    ]
    t = time.perf_counter()
    con.execute("BEGIN")
    con.executemany("INSERT INTO quotes VALUES (" + ", ".join(["?"] * 15) + ")", rows)
    con.execute("COMMIT")
    t_many = time.perf_counter() - t
    con.close()

    t = time.perf_counter()
    for i in range(1000):
        s.write_snapshot(snapshot(0, i))
    t_small = (time.perf_counter() - t) / 1000
    t = time.perf_counter()
    h = s.history("bench")
    t_read = time.perf_counter() - t
    print(
        f"snapshot with {N_QUOTES} quotes: DataFrame insert {t_df * 1000:.1f} ms, "
        f"executemany {t_many * 1000:.1f} ms, ratio {t_many / t_df:.1f}x (target >= 5x)"
    )
    print(f"small snapshot (5 anchors, open + transaction + close): {t_small * 1000:.1f} ms each")
    print(
        f"history of 1000 snapshots x 5 anchors ({len(h)} rows): "
        f"{t_read * 1000:.0f} ms (target < 1000 ms)"
    )


if __name__ == "__main__":
    main()

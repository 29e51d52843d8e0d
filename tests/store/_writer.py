"""Helper process for store tests: writes snapshots in a loop and reports each commit on stdout."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from anchorval.store import AnchorRow, FxRow, QuoteRow, Snapshot, Store

N_ANCHORS = 4


def make_snapshot(i: int, case_id: str = "anthropic-2026-06", n_quotes: int = 2) -> Snapshot:
    now = datetime.now(UTC)
    base = Decimal("1718e9") + i
    quotes = tuple(
        QuoteRow(
            "binance",
            f"S{j}",
            "TRADIFI_PERPETUAL",
            "USDT",
            Decimal("1718.2") + i,
            None,
            None,
            None,
            Decimal("1000071.35"),
            None,
            None,
            now,
            now,
            base,
        )
        for j in range(n_quotes)
    )
    return Snapshot(
        uuid.uuid4().hex,
        case_id,
        now,
        "USD",
        f"hash{i}",
        tuple(AnchorRow(f"a{k}", base - k, base, base + k) for k in range(N_ANCHORS)),
        quotes,
        (FxRow("USDT", "USD", Decimal(1), now.date(), "assumption", True),),
    )


if __name__ == "__main__":
    path, count, n_quotes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    s = Store(path)
    s.migrate()
    print("ready", flush=True)
    for i in range(count):
        snap = make_snapshot(i, n_quotes=n_quotes)
        print(f"writing {snap.snapshot_id}", flush=True)
        s.write_snapshot(snap)
        print(snap.snapshot_id, flush=True)

"""Helper process for store tests: writes snapshots in a loop and reports each commit on stdout."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from anchorval.store import AnchorRow, FxRow, MarkRow, QuoteRow, Snapshot, Store

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


def make_marks(batch: int, n: int) -> list[MarkRow]:
    """A batch of ``n`` marks whose sources name the batch (``'batch 3'``)."""
    now = datetime.now(UTC)
    return [
        MarkRow(
            uuid.uuid4().hex,
            "anthropic-2026-06",
            now.date(),
            Decimal("1.2e12") + k,
            "USD",
            "secondary",
            f"batch {batch}",
            now,
        )
        for k in range(n)
    ]


if __name__ == "__main__":
    path, count, n_quotes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    s = Store(path)
    s.migrate()
    print("ready", flush=True)
    if len(sys.argv) > 4 and sys.argv[4] == "marks":  # batches of n_quotes marks
        for i in range(count):
            print(f"writing batch {i}", flush=True)
            s.write_marks(make_marks(i, n_quotes))
            print(f"batch {i}", flush=True)
        sys.exit(0)
    for i in range(count):
        snap = make_snapshot(i, n_quotes=n_quotes)
        print(f"writing {snap.snapshot_id}", flush=True)
        s.write_snapshot(snap)
        print(snap.snapshot_id, flush=True)

"""A bounded load test on loopback: 20 concurrent clients for 2 s, zero errors.

The timing figures (p95 of a what-if re-value) come from ``benchmarks/bench_web.py``, which runs
the same load for 20 s; this test only holds the correctness under concurrency.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

httpx = pytest.importorskip("httpx")

import anchorval  # noqa: E402

CASE = "anthropic-2026-06"
CLIENTS = 20
SECONDS = 2.0


@pytest.mark.slow
def test_concurrent_what_if_requests_all_answer_right(base_url):
    stop = time.perf_counter() + SECONDS
    errors: list[str] = []
    done = [0]
    lock = threading.Lock()
    # ARR multiple base = share x 170B (midpoint of 140B-200B) x 15x (median of 10x/15x/20x)
    want = {s: f"{Decimal(s) / 100 * Decimal('170e9') * 15:.2f}" for s in ("40", "45.5", "50", "61", "70")}

    def client(i: int) -> None:
        shares = list(want)
        with httpx.Client(timeout=60) as c:
            k = i
            while True:  # at least one request per client, then until the time is up
                s = shares[k % len(shares)]
                k += 1
                r = c.post(f"{base_url}/api/v1/cases/{CASE}/value", json={"overrides": {"arr_multiple.share": s + "%"}})
                got = next((a["base"] for a in r.json()["anchors"] if a["anchor"] == "arr_multiple"), None)
                with lock:
                    done[0] += 1
                    if r.status_code != 200 or got != want[s]:
                        errors.append(f"{r.status_code} share {s}: {got} != {want[s]}")
                if time.perf_counter() >= stop:
                    break

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert done[0] >= CLIENTS
    # and the answers are the library's
    t = anchorval.value(CASE, overrides={"arr_multiple.share": "50%"})
    assert f"{t.anchor('arr_multiple').base.amount:.2f}" == want["50"]

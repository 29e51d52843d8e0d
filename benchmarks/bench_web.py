"""Web app timing (issue 11 targets) and a bounded loopback load test.

Targets on the 2-core reference machine: ``anchorval serve`` answers < 2 s after start; the first
load of the Anthropic case page (HTML and the scripts it names) < 1 s; a what-if re-value of the
Anthropic case p95 < 100 ms server time. The load test runs 20 concurrent clients for
``BENCH_SECONDS`` (default 20) against one server on 127.0.0.1 and must see zero errors; it
reports p50/p95 of the JSON what-if (``POST /api/v1/cases/<id>/value``) and of the page's HTMX
what-if fragment (valuation + football field + tables). Ratios: each time against the
interpreter's own start-up (``python -c pass``) measured in the same run.

Run: ``python benchmarks/bench_web.py`` (``BENCH_SECONDS=5`` for a quick run).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import median_cmd  # noqa: E402

CASE = "anthropic-2026-06"
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def _start() -> tuple[subprocess.Popen[str], str, float, float, float]:
    """Start ``anchorval serve --port 0``; return (process, url, s to first 200, first page s, page 3 s later)."""
    import httpx

    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "anchorval", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    url = line.split("http://", 1)[1].split()[0]
    url = "http://" + url.rstrip("/")
    with httpx.Client(timeout=10) as c:
        while True:
            try:
                if c.get(url + "/api/v1/cases").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.01)
        ready = time.perf_counter() - t0
        t1 = time.perf_counter()
        html = c.get(f"{url}/cases/{CASE}").text
        for src in ("/static/htmx.min.js", "/static-plotly/plotly.min.js", "/static/app.js", "/static/app.css"):
            assert src in html
            c.get(url + src).raise_for_status()
        page = time.perf_counter() - t1
        time.sleep(3)  # the background warm-up (imports, FX table, valuing every case) is done by now
        t2 = time.perf_counter()
        c.get(f"{url}/cases/zhipu-2026-06").raise_for_status()
        later = time.perf_counter() - t2
    return proc, url, ready, page, later


def _load(url: str) -> tuple[list[float], list[float], int, int]:
    import httpx

    api, frag, errors = [], [], [0]
    stop = time.perf_counter() + SECONDS
    lock = threading.Lock()

    def client(i: int) -> None:
        rnd = random.Random(i)
        with httpx.Client(timeout=30) as c:
            while time.perf_counter() < stop:
                share = f"{rnd.uniform(40, 70):.1f}"
                t = time.perf_counter()
                try:
                    if i % 2:
                        r = c.post(
                            f"{url}/api/v1/cases/{CASE}/value", json={"overrides": {"arr_multiple.share": share + "%"}}
                        )
                    else:
                        r = c.post(f"{url}/cases/{CASE}/whatif", data={"arr_multiple.share": share})
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = time.perf_counter() - t
                with lock:
                    if not ok:
                        errors[0] += 1
                    (api if i % 2 else frag).append(dt)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return api, frag, errors[0], len(api) + len(frag)


def _p(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[int(q) - 1] if len(xs) > 1 else (xs[0] if xs else float("nan"))


def _single(url: str, n: int = 60) -> tuple[list[float], list[float]]:
    """Sequential what-if requests (one client): the server time without queueing."""
    import httpx

    api, frag = [], []
    with httpx.Client(timeout=30) as c:
        for k in range(n):
            share = f"{40 + (k % 60) * 0.5:.1f}"
            t = time.perf_counter()
            c.post(
                f"{url}/api/v1/cases/{CASE}/value", json={"overrides": {"arr_multiple.share": share + "%"}}
            ).raise_for_status()
            api.append(time.perf_counter() - t)
            t = time.perf_counter()
            c.post(f"{url}/cases/{CASE}/whatif", data={"arr_multiple.share": share}).raise_for_status()
            frag.append(time.perf_counter() - t)
    return api, frag


def main() -> int:
    base = median_cmd([sys.executable, "-c", "pass"], 5)
    readies, pages, laters = [], [], []
    proc = url = None
    for k in range(RUNS):
        proc, url, ready, page, later = _start()
        readies.append(ready)
        pages.append(page)
        laters.append(later)
        if k < RUNS - 1:
            proc.terminate()
            proc.wait(10)
    assert proc is not None and url is not None
    try:
        s_api, s_frag = _single(url)
        api, frag, errors, total = _load(url)
    finally:
        proc.terminate()
        proc.wait(10)
    ready, page = statistics.median(readies), statistics.median(pages)
    rows = [
        ("python -c pass", base, None),
        ("serve ready", ready, 2.0),
        ("case page first load", page, 1.0),
        ("another case page, 3 s later", statistics.median(laters), 1.0),
        ("what-if JSON p95, 1 client", _p(s_api, 95), 0.1),
        ("what-if page p95, 1 client", _p(s_frag, 95), 0.1),
        (f"what-if JSON p95, {CLIENTS} clients", _p(api, 95), None),
        (f"what-if page p95, {CLIENTS} clients", _p(frag, 95), None),
    ]
    ok = errors == 0
    print(f"{'measure':<32} {'s':>8} {'x python start-up':>18} {'target s':>9}")
    for name, v, target in rows:
        flag = "" if target is None else ("ok" if v < target else "SLOW")
        ok &= flag != "SLOW"
        print(f"{name:<32} {v:8.3f} {v / base:18.2f} {'' if target is None else f'{target:9.2f}'} {flag}")
    print(
        f"load: {CLIENTS} clients x {SECONDS:.0f} s: {total} requests, {errors} errors, "
        f"{total / SECONDS:.0f} req/s; p50 JSON {_p(api, 50) * 1000:.0f} ms, page {_p(frag, 50) * 1000:.0f} ms"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""CLI start-up and end-to-end timing (issue 2 targets).

Targets: ``anchorval --help`` under 0.3 s and ``anchorval value anthropic-2026-06 --report r.html``
under 2 s on the 2-core reference machine. Machines are shared and noisy, so each command is run
several times in one go and the median is compared, alongside the interpreter's own start-up
(``python -c pass``) as a ratio.

Run: ``python benchmarks/bench_cli.py`` (uses the ``anchorval`` package importable from this
interpreter; falls back to ``src/`` on PYTHONPATH).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
TARGETS = {"help": 0.3, "value+report": 2.0}


def _time(cmd: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> int:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        report = str(Path(tmp) / "r.html")
        results = {
            "python -c pass": _time([py, "-c", "pass"]),
            "help": _time([py, "-m", "anchorval", "--help"]),
            "value+report": _time([py, "-m", "anchorval", "value", "anthropic-2026-06", "--report", report]),
        }
    base = results["python -c pass"]
    ok = True
    print(f"{'command':<16} {'median s':>9} {'x python start-up':>18} {'target s':>9}")
    for k, v in results.items():
        target = TARGETS.get(k)
        flag = "" if target is None else ("ok" if v < target else "SLOW")
        ok &= flag != "SLOW"
        print(f"{k:<16} {v:9.3f} {v / base:18.1f} {'' if target is None else f'{target:9.1f}'} {flag}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

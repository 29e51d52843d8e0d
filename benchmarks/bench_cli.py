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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import median_cmd  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
TARGETS = {"help": 0.3, "value+report": 2.0}


def _time(cmd: list[str]) -> float:
    return median_cmd(cmd, RUNS)


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

"""Speed of the market-structure analysis (issue 3).

Measures, in one run (machines are noisy, so ratios matter more than absolute times):

- ``analyse_market`` on the bundled Zhipu case, in process (median of many calls), against
  ``anchorval.value`` on the Anthropic case in the same process;
- ``anchorval market zhipu-2026-06 --report r.html`` end to end (median of a few runs), against the
  interpreter's own start-up (``python -c pass``).

Targets: the in-process analysis under 50 ms; the command with its HTML report under 2 s (the
same budget as ``anchorval value --report``).

Run: ``python benchmarks/bench_market.py`` (falls back to ``src/`` on PYTHONPATH).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from _timing import median_call as _median_call  # noqa: E402
from _timing import median_cmd  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TARGETS = {"analyse_market (in process)": 0.05, "market --report (CLI)": 2.0}


def _median_cmd(cmd: list[str]) -> float:
    return median_cmd(cmd, RUNS)


def main() -> int:
    import anchorval
    from anchorval.cases import load_case
    from anchorval.market import analyse_market
    from anchorval.money import FxTable

    zhipu = load_case("zhipu-2026-06")
    fx = FxTable()
    analyse_market(zhipu, fx)  # warm the ECB table
    anchorval.value("anthropic-2026-06")
    results = {
        "analyse_market (in process)": _median_call(lambda: analyse_market(zhipu, fx), 50),
        "value anthropic (in process)": _median_call(lambda: anchorval.value("anthropic-2026-06"), 20),
    }
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        results["python -c pass"] = _median_cmd([py, "-c", "pass"])
        results["market --report (CLI)"] = _median_cmd(
            [py, "-m", "anchorval", "market", "zhipu-2026-06", "--report", str(Path(tmp) / "r.html")]
        )
    ok = True
    print(f"{'measure':<30} {'median s':>9} {'ratio':>22} {'target s':>9}")
    for k, v in results.items():
        if "in process" in k:
            ratio = f"{v / results['value anthropic (in process)']:.2f}x value()"
        else:
            ratio = f"{v / results['python -c pass']:.1f}x python start-up"
        target = TARGETS.get(k)
        flag = "" if target is None else ("ok" if v < target else "SLOW")
        ok &= flag != "SLOW"
        print(f"{k:<30} {v:9.4f} {ratio:>22} {'' if target is None else f'{target:9.2f}'} {flag}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

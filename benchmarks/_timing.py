"""Shared timing helpers of the benchmark scripts (medians, since these machines are noisy)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_call(fn: Callable[[], object], runs: int) -> float:
    """Median wall time in seconds of ``runs`` calls of ``fn`` in this process."""
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def median_cmd(cmd: list[str], runs: int) -> float:
    """Median wall time in seconds of ``runs`` runs of a command, with ``src/`` on PYTHONPATH."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return median_call(
        lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env),
        runs,
    )

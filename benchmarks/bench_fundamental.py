"""Speed of the fundamental anchors: DCF, reverse DCF, OPM allocation and backsolve.

Run: PYTHONPATH=src python benchmarks/bench_fundamental.py

Targets (ratios measured in one run, since machines are noisy):
- a reverse DCF costs at most ~150 DCF evaluations (grid scan + Brent), and under 1 s;
- an OPM backsolve costs at most ~100 OPM allocations, and under 0.1 s.
"""

from __future__ import annotations

import time
from decimal import Decimal as D

from anchorval.anchors._dcf_math import DcfParams, dcf_value, solve_dcf
from anchorval.anchors._opm_math import OpmClass, opm_allocate, opm_backsolve


def _time(fn, n):
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def main() -> None:
    p = DcfParams(
        revenue=D(30e9),
        operating_margin=D("-0.3"),
        revenue_growth_year1=D(1),
        revenue_growth_years_2_5=D("0.4"),
        terminal_growth=D("0.04"),
        target_margin=D("0.3"),
        margin_convergence_year=7,
        sales_to_capital=D(1),
        effective_tax_rate=D(0),
        marginal_tax_rate=D("0.25"),
        cost_of_capital_initial=D("0.12"),
        cost_of_capital_mature=D("0.085"),
        probability_of_failure=D("0.1"),
        distress_proceeds=D("0.3"),
    )
    t_dcf = _time(lambda: dcf_value(p), 200)
    solve_dcf(p, D("1.7e12"), "growth")  # warm-up: imports scipy.optimize once
    t_rev = _time(lambda: solve_dcf(p, D("1.7e12"), "growth"), 5)
    classes = [
        OpmClass("Common", "common", 602.642e6),
        OpmClass("A-G", "preferred", 250e6, issue_price=160.0, seniority=2),
        OpmClass("H", "preferred", 67.358e6, issue_price=965.0),
        OpmClass("Options", "option", 80e6, strike=50.0),
    ]
    t_opm = _time(lambda: opm_allocate(classes, 5e11, 0.6, 2.0, 0.04), 500)
    t_back = _time(lambda: opm_backsolve(classes, "H", 965.0, 0.6, 2.0, 0.04), 20)
    print(f"DCF evaluation        {t_dcf * 1e3:8.3f} ms")
    print(
        f"reverse DCF (growth)  {t_rev * 1e3:8.1f} ms  = {t_rev / t_dcf:6.0f} DCF evaluations "
        "(target <= 150, < 1 s)"
    )
    print(f"OPM allocation        {t_opm * 1e3:8.3f} ms")
    print(
        f"OPM backsolve         {t_back * 1e3:8.2f} ms  = {t_back / t_opm:6.0f} allocations "
        "(target <= 100, < 0.1 s)"
    )
    assert t_rev < 1.0 and t_back < 0.1


if __name__ == "__main__":
    main()

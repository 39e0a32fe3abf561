"""Dispatch throughput: 10 years of hourly prices x 1,000 paths, against the numpy floor, and
dispatch under run constraints against the unconstrained pass.

Run: ``PYTHONPATH=src python benchmarks/dispatch_bench.py [--paths 1000 --years 10 --json]``.
Prints hours x paths per second of :func:`hashpivot.power.dispatch.dispatch_totals`
(curtail, no run constraints), of one plain numpy pass over the same array
(``(prices < breakeven).sum(axis=1)``, the floor) and of ``dispatch_totals`` under run
constraints (min run 4 h, min down 2 h, ramp 0.5/h: the compiled kernel), all measured in one
run on one machine, with the ratio constrained / unconstrained (time per cell). With
``--loop-paths N`` it also times the interval-by-interval loop the kernel replaced
(``tests/dispatch_reference.py``) on N paths x 1 year.
Prices are lognormal draws with a few spikes and negative hours (the benchmark measures speed,
not realism; :func:`hashpivot.power.price_model.simulate_prices` makes realistic paths).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hashpivot.power.dispatch import RunConstraints, dispatch_totals

CONSTRAINTS = RunConstraints(min_run_intervals=4, min_down_intervals=2, ramp_frac_per_interval=0.5)


def _best_of(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _loop_rate(prices: np.ndarray, breakeven: np.ndarray, paths: int) -> float:
    """Cells per second of the reference loop (the code before the kernel)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from dispatch_reference import constrained_run_loop

    sub = prices[:paths, :8760]
    b = breakeven[:paths, None]
    s = _best_of(lambda: constrained_run_loop(sub, b, CONSTRAINTS), 1)
    return sub.size / s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--loop-paths", type=int, default=0, help="also time the reference loop")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    hours = args.years * 8760
    rng = np.random.default_rng(2026)
    prices = rng.lognormal(np.log(30.0), 0.6, size=(args.paths, hours)) - 5.0
    breakeven = rng.uniform(40.0, 120.0, size=args.paths)
    cells = args.paths * hours

    dispatch_totals(prices[:2, :100], breakeven[:2], constraints=CONSTRAINTS)  # compile
    floor_s = _best_of(lambda: (prices < breakeven[:, None]).sum(axis=1), args.repeat)
    disp_s = _best_of(lambda: dispatch_totals(prices, breakeven), args.repeat)
    con_s = _best_of(
        lambda: dispatch_totals(prices, breakeven, constraints=CONSTRAINTS), args.repeat
    )
    out = {
        "cells": cells,
        "floor_cells_per_s": cells / floor_s,
        "unconstrained_cells_per_s": cells / disp_s,
        "constrained_cells_per_s": cells / con_s,
        "ratio_unconstrained_to_floor": disp_s / floor_s,
        "ratio_constrained_to_unconstrained": con_s / disp_s,
    }
    if args.loop_paths:
        out["loop_cells_per_s"] = _loop_rate(prices, breakeven, args.loop_paths)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"array: {args.paths} paths x {hours:,} hours = {cells:,} cells (float64)")
    print(f"numpy floor (compare + sum):  {floor_s:8.3f} s  {cells / floor_s:,.0f} hours x paths/s")
    print(f"dispatch_totals (curtail):    {disp_s:8.3f} s  {cells / disp_s:,.0f} hours x paths/s")
    print(f"ratio dispatch / floor:       {disp_s / floor_s:8.2f}x")
    print(
        f"constrained (min run 4 h, min down 2 h, ramp 0.5/h, compiled): {con_s:8.3f} s  "
        f"{cells / con_s:,.0f} hours x paths/s"
    )
    print(f"ratio constrained / unconstrained: {con_s / disp_s:8.2f}x (time per cell)")
    if "loop_cells_per_s" in out:
        print(
            f"reference loop (before the kernel), {args.loop_paths} paths x 8,760 h: "
            f"{out['loop_cells_per_s']:,.0f} hours x paths/s"
        )


if __name__ == "__main__":
    main()

"""Dispatch throughput: 10 years of hourly prices x 1,000 paths, and its ratio to the numpy floor.

Run: ``PYTHONPATH=src python benchmarks/dispatch_bench.py [--paths 1000 --years 10]``.
Prints hours x paths per second of :func:`hashpivot.power.dispatch.dispatch_totals`
(curtail, no run constraints) and of one plain numpy pass over the same array
(``(prices < breakeven).sum(axis=1)``, the floor), measured in one run on one machine.
Prices are lognormal draws with a few spikes and negative hours (the benchmark measures speed,
not realism; :func:`hashpivot.power.prices.simulate_prices` makes realistic paths).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from hashpivot.power.dispatch import RunConstraints, dispatch_totals


def _best_of(fn: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--constrained-paths", type=int, default=100)
    args = ap.parse_args()
    hours = args.years * 8760
    rng = np.random.default_rng(2026)
    prices = rng.lognormal(np.log(30.0), 0.6, size=(args.paths, hours)) - 5.0
    breakeven = rng.uniform(40.0, 120.0, size=args.paths)
    cells = args.paths * hours

    floor_s = _best_of(lambda: (prices < breakeven[:, None]).sum(axis=1), args.repeat)
    disp_s = _best_of(lambda: dispatch_totals(prices, breakeven), args.repeat)
    print(f"array: {args.paths} paths x {hours:,} hours = {cells:,} cells (float64)")
    print(f"numpy floor (compare + sum):  {floor_s:8.3f} s  {cells / floor_s:,.0f} hours x paths/s")
    print(f"dispatch_totals (curtail):    {disp_s:8.3f} s  {cells / disp_s:,.0f} hours x paths/s")
    print(f"ratio dispatch / floor:       {disp_s / floor_s:8.2f}x")

    # min run/down times need a recursion in time (a loop over hours, numpy across paths)
    sub = prices[: args.constrained_paths, : min(hours, 8760)]
    c = RunConstraints(min_run_intervals=4, min_down_intervals=2, ramp_frac_per_interval=0.5)
    sub_cells = sub.size
    con_s = _best_of(lambda: dispatch_totals(sub, breakeven[: sub.shape[0]], constraints=c), 1)
    print(
        f"constrained (min run 4 h, min down 2 h, ramp 0.5/h), {sub.shape[0]} paths x "
        f"{sub.shape[1]:,} h: {con_s:.3f} s  {sub_cells / con_s:,.0f} hours x paths/s"
    )


if __name__ == "__main__":
    main()

"""Does each compiled (numba) kernel earn its place? Each kernel against the vectorised numpy
code of the same step, on the same inputs, in one run.

A kernel stays where it is >= 2x faster than its numpy twin (docs/methodology.md, "Speed").
Inputs are realistic in shape and values: 5,000 market paths x 180 months drawn by
:func:`hashpivot.market.scenarios.simulate` (default parameters, seed 2026); every timing is
the best of ``--repeat`` runs after one warm-up call (so compile time is excluded).

- chain: :func:`hashpivot.bitcoin.chain.simulate_chain` (kernel) against
  ``simulate_chain_numpy`` on the simulated hashrate paths.
- dispatch: run shares under run constraints (min run 4 h, min down 2 h, ramp 0.5/h) over a
  year of hours for paths / 10 paths: ``dispatch_run_frac`` (the kernel) against the interval
  loop it replaced (numpy across paths, ``tests/dispatch_reference.py``).
- soc: the battery greedy's state-of-charge run (``power/generation/_soc_kernel.run_soc``)
  over a year of hours for paths / 10 paths against the numpy recursion across paths it
  replaced (``tests/soc_reference.py``).
- policy: :func:`hashpivot.engine.switching.apply_policy` (``COMPILED`` True against False) on
  a Longstaff-Schwartz policy fitted to 180 monthly dates with a 2-variable state.
- switch: ``strategies.lease._switch_compiled`` against the numpy arithmetic of
  ``conversion_values``'s reference branch (copied here, checked equal) on paths x 180 months.

The market recursions' kernel (``market/_kernel.py`` with its ``exp_tile``) was measured by
this script too and deleted: 1.45-1.62x its numpy twin, ``exp_tile`` 0.32x ``numpy.exp``
(docs/methodology.md, "Speed").

Usage: PYTHONPATH=src python benchmarks/kernels_bench.py [--paths 5000] [--months 180] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hashpivot.bitcoin.chain import simulate_chain, simulate_chain_numpy
from hashpivot.calendar import month_seconds
from hashpivot.engine import switching
from hashpivot.engine.strategies import lease as strategies
from hashpivot.engine.switching import apply_policy, longstaff_schwartz
from hashpivot.market.scenarios import DEFAULT_PARAMS, StartState, simulate
from hashpivot.market.snapshot import SNAPSHOT
from hashpivot.power.dispatch import RunConstraints, dispatch_run_frac

KEEP_RATIO = 2.0  #: a kernel stays where numpy time / kernel time >= this


def _best(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: compile, caches, allocator
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_chain(paths: int, months: int, repeat: int) -> tuple[float, float]:
    rng = np.random.default_rng(2026)
    scen = simulate(DEFAULT_PARAMS, StartState.late_2025(), months, paths, rng)
    hr = scen.network_hashrate_eh_s
    state = SNAPSHOT.network_state
    sec = month_seconds(state.as_of, months)
    a = simulate_chain(state, hr, sec)
    b = simulate_chain_numpy(state, hr, sec)
    np.testing.assert_allclose(a.blocks, b.blocks, rtol=1e-9)
    return (
        _best(lambda: simulate_chain_numpy(state, hr, sec), repeat),
        _best(lambda: simulate_chain(state, hr, sec), repeat),
    )


def bench_dispatch(paths: int, months: int, repeat: int) -> tuple[float, float]:
    """Run shares under run constraints over a year of hours for ``paths // 10`` paths: the
    interval loop (numpy across paths, ``tests/dispatch_reference.py``) against the kernel."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from dispatch_reference import constrained_run_loop

    rng = np.random.default_rng(2026)
    n = max(1, paths // 10)
    prices = rng.lognormal(np.log(30.0), 0.6, size=(n, 8760)) - 5.0
    b = rng.uniform(40.0, 120.0, size=(n, 1))
    c = RunConstraints(min_run_intervals=4, min_down_intervals=2, ramp_frac_per_interval=0.5)
    assert np.array_equal(
        dispatch_run_frac(prices, b, constraints=c), constrained_run_loop(prices, b, c)
    )
    return (
        _best(lambda: constrained_run_loop(prices, b, c), repeat),
        _best(lambda: dispatch_run_frac(prices, b, constraints=c), repeat),
    )


def bench_policy(paths: int, months: int, repeat: int) -> tuple[float, float]:
    rng = np.random.default_rng(11)
    x = np.cumsum(rng.normal(0.0, 0.1, size=(paths, months, 2)), axis=1)
    ev = 1.0 + x[:, :, 0] - 0.5 * x[:, :, 1] + rng.normal(0, 0.5, (paths, months))
    cf = 0.1 + 0.05 * rng.normal(size=(paths, months))
    df = 0.99 ** np.arange(months)
    policy = longstaff_schwartz(ev, cf, df, x, exercise_known=False).policy

    def run(compiled: bool) -> Callable[[], object]:
        def go() -> object:
            switching.COMPILED = compiled
            try:
                return apply_policy(policy, ev, cf, df, x)
            finally:
                switching.COMPILED = True

        return go

    a, b = run(True)(), run(False)()
    np.testing.assert_array_equal(a.stopping_index, b.stopping_index)  # type: ignore[attr-defined]
    return _best(run(False), repeat), _best(run(True), repeat)


def _switch_inputs(paths: int, h: int) -> dict[str, Any]:
    rng = np.random.default_rng(5)
    disc = (1.0 + 0.01) ** -np.arange(h + 1, dtype=np.float64)[None, :]
    mine_net = rng.normal(1e6, 4e5, (paths, h))
    share = np.ones(h + 1)
    share[12:], share[24:] = 0.5, 0.0  # two conversion phases
    parts = {k: rng.uniform(1e6, 5e7, (1, h + 1)) for k in ("fixed", "capex", "fleet", "rent")}
    return {
        "mine_net": mine_net,
        "disc": disc,
        "r_m": np.array([[0.01]]),
        "parts": parts,
        "cap": np.ones((1, 1)),
        "fleet_mult": rng.lognormal(0.0, 0.3, (paths, h + 1)),
        "rent_mult": rng.lognormal(0.0, 0.2, (paths, h + 1)),
        "residual": rng.uniform(5e7, 1e8, (paths, h + 1)),
        "share": share,
    }


def _switch_numpy(d: dict[str, Any]) -> tuple[Any, Any, Any]:
    """The reference branch of ``evaluate_batch`` (numpy), with the cumulative PV it uses."""
    mine_net, disc, r_m, parts = d["mine_net"], d["disc"], d["r_m"], d["parts"]
    n, h = mine_net.shape
    cum_mine = np.zeros((n, h + 1))
    np.cumsum(mine_net * disc[:, 1:], axis=1, out=cum_mine[:, 1:])
    lease_value_at_m = (
        parts["fixed"]
        + d["cap"] * parts["capex"]
        + d["fleet_mult"] * parts["fleet"]
        + d["rent_mult"] * parts["rent"]
    )
    lease_value_at_m[:, h] = d["residual"][:, h]
    still_mining = strategies._mining_while_converting(d["share"], cum_mine)
    switch_npv = cum_mine + disc * lease_value_at_m + still_mining
    exercise = lease_value_at_m[:, :h] + still_mining[:, :h] / disc[:, :h]
    cont = mine_net / (1.0 + r_m)
    cont[:, -1] += d["residual"][:, h] / (1.0 + r_m[:, 0])
    return switch_npv, exercise, cont


def bench_switch(paths: int, months: int, repeat: int) -> tuple[float, float]:
    d = _switch_inputs(paths, months)

    def kernel() -> tuple[Any, Any, Any]:
        return strategies._switch_compiled(  # type: ignore[no-any-return]
            d["mine_net"],
            d["disc"],
            d["r_m"],
            d["parts"],
            d["cap"],
            d["fleet_mult"],
            d["rent_mult"],
            d["residual"],
            d["share"],
        )

    for a, b in zip(kernel(), _switch_numpy(d), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-3)
    return _best(lambda: _switch_numpy(d), repeat), _best(kernel, repeat)


def bench_soc(paths: int, months: int, repeat: int) -> tuple[float, float]:
    """The battery's state of charge hour by hour over a year for ``paths // 10`` paths: the
    numpy recursion across paths (``tests/soc_reference.py``) against the kernel."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from hashpivot.power.generation.specs import Battery
    from hashpivot.power.generation.storage import _run_soc
    from soc_reference import soc_reference

    rng = np.random.default_rng(2026)
    n = max(1, paths // 10)
    b = Battery(power_mw=50.0, energy_mwh=200.0, round_trip_efficiency_frac=0.86)
    plan_c = np.where(rng.uniform(size=(n, 8760)) < 0.3, 50.0, 0.0)
    plan_d = np.where((plan_c == 0.0) & (rng.uniform(size=(n, 8760)) < 0.3), 50.0, 0.0)
    room = (np.full((n, 8760), 60.0), np.full((n, 8760), 60.0))
    want = soc_reference(plan_c, plan_d, b, 24, 0)
    got = _run_soc((plan_c, plan_d), room, b, 24, 0)
    assert np.allclose(want[0], got[0]) and np.allclose(want[1], got[1])
    return (
        _best(lambda: soc_reference(plan_c, plan_d, b, 24, 0), repeat),
        _best(lambda: _run_soc((plan_c, plan_d), room, b, 24, 0), repeat),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--paths", type=int, default=5000)
    ap.add_argument("--months", type=int, default=180)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    n, m, k = args.paths, args.months, args.repeat
    rows: dict[str, dict[str, float]] = {}
    for name, fn in (
        ("chain", bench_chain),
        ("dispatch", bench_dispatch),
        ("soc", bench_soc),
        ("policy", bench_policy),
        ("switch", bench_switch),
    ):
        numpy_s, kernel_s = fn(n, m, k)  # type: ignore[operator]
        rows[name] = {"numpy_s": numpy_s, "kernel_s": kernel_s, "ratio": numpy_s / kernel_s}
    if args.json:
        print(json.dumps({"paths": n, "months": m, "keep_ratio": KEEP_RATIO, "kernels": rows}))
        return
    print(f"{n:,} paths x {m} months, best of {k} after a warm-up; keep: ratio >= {KEEP_RATIO}")
    print(f"{'kernel':<24}{'numpy [s]':>12}{'kernel [s]':>12}{'numpy/kernel':>14}")
    for name, r in rows.items():
        print(f"{name:<24}{r['numpy_s']:>12.4f}{r['kernel_s']:>12.4f}{r['ratio']:>13.2f}x")


if __name__ == "__main__":
    main()

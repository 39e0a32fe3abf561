"""Own generation: the PyPSA/linopy/HiGHS site LP over one year of hours, and the vectorised
merit-order dispatch (and the battery's daily greedy, :mod:`hashpivot.power.generation.storage`)
over 1,000 paths x 10 years of hours as a ratio to a plain numpy pass over the same arrays.

Run: ``HASHPIVOT_SHARED_DATA=../shared/data PYTHONPATH=src python benchmarks/supply_bench.py
[--paths 1000 --years 10 --battery-paths 1000 --battery-years 10 --no-lp --json]``.
The LP is the West Texas example (examples/sites/west-texas-supplier-gas-solar.toml: 160 MW
gas, 100 MWac solar, 100 MW AI, ~95 MW miners, ERCOT HB_WEST RT 2025), solved for dispatch and
for sizing (build + solve, seconds). The merit order and the battery greedy (50 MW / 200 MWh,
86 %, one cycle a day) run month by month ((paths, ~730 hours) blocks, as the ``supplier``
strategy does); the floor is one numpy pass over the same blocks (the hourly energy balance of
a fixed dispatch: ``price * renewable`` summed over hours). Prices are lognormal draws (speed,
not realism).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from hashpivot.api.case import build_case
from hashpivot.api.supply import site_year
from hashpivot.power.generation import Battery, merit_dispatch
from hashpivot.power.generation.lp import solve_site
from hashpivot.power.generation.storage import battery_dispatch

EXAMPLE = Path(__file__).resolve().parents[1] / "examples/sites/west-texas-supplier-gas-solar.toml"


def lp_seconds() -> dict[str, float]:
    supply, x, _ = site_year(build_case(EXAMPLE))
    out: dict[str, float] = {"lp_hours": float(len(x.price_usd_per_mwh))}
    for size in (False, True):
        t0 = time.perf_counter()
        sol = solve_site(supply.plant, x, size=size, discount_rate=supply.discount_rate)
        key = "sizing" if size else "dispatch"
        out[f"lp_{key}_s"] = time.perf_counter() - t0
        out[f"lp_{key}_build_solve_s"] = sol.solve_s
        if size:
            out |= {f"sized_{k}_mw": v for k, v in sol.capacities_mw.items()}
    return out


def _site_kwargs(price: np.ndarray, sun: np.ndarray, value: np.ndarray) -> dict[str, object]:
    return {
        "price_usd_per_mwh": price,
        "renewable_mw": sun[None, :],
        "gas_available_mw": 152.0,
        "gas_cost_usd_per_mwh": 27.0,
        "ai_load_mw": 100.0,
        "mining_mw": 95.0,
        "mining_value_usd_per_mwh": value,
        "import_limit_mw": 50.0,
        "export_limit_mw": 100.0,
        "import_adder_usd_per_mwh": 6.0,
    }


def dispatch_ratio(paths: int, years: int, battery: Battery | None = None) -> dict[str, float]:
    """Merit order (or, with a battery, its daily greedy) month by month over ``paths`` x
    ``years`` of hours, and the plain numpy pass over the same blocks."""
    rng = np.random.default_rng(0)
    month_h = 730
    sun = np.clip(np.sin((np.arange(month_h) % 24 - 6) * np.pi / 12.0), 0.0, None) * 100.0
    t_run = t_floor = 0.0
    floor_sink = 0.0
    for _ in range(12 * years):
        price = rng.lognormal(np.log(35.0), 0.6, (paths, month_h))
        value = rng.uniform(40.0, 120.0, (paths, 1))
        kw = _site_kwargs(price, sun, value)
        t0 = time.perf_counter()
        if battery is None:
            merit_dispatch(**kw)  # type: ignore[arg-type]
        else:
            battery_dispatch(battery=battery, **kw)  # type: ignore[arg-type]
        t1 = time.perf_counter()
        floor_sink += float((price * sun[None, :]).sum())
        t2 = time.perf_counter()
        t_run += t1 - t0
        t_floor += t2 - t1
    cells = paths * years * 12 * month_h
    key = "merit" if battery is None else "battery"
    return {
        f"{key}_paths": float(paths),
        f"{key}_years": float(years),
        f"{key}_s": t_run,
        f"{key}_numpy_pass_s": t_floor,
        f"ratio_{key}_to_numpy": t_run / t_floor,
        f"{key}_cells_per_s": cells / t_run,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--battery-paths", type=int, default=1000)
    ap.add_argument("--battery-years", type=int, default=10)
    ap.add_argument("--no-lp", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    out = {} if a.no_lp else lp_seconds()
    out |= dispatch_ratio(a.paths, a.years)
    bat = Battery(power_mw=50.0, energy_mwh=200.0)  # 4 hours at 86 %, one cycle a day
    out |= dispatch_ratio(a.battery_paths, a.battery_years, bat)
    if a.json:
        print(json.dumps(out))
        return
    for k, v in out.items():
        print(f"{k:32s} {v:,.3f}")


if __name__ == "__main__":
    main()

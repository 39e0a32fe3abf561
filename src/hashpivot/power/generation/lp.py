"""The site as a PyPSA network solved by linopy on HiGHS: dispatch for given capacities, and
sizing (the least-cost mix of gas, solar, wind and battery).

One bus ``site``. The firm AI load is a PyPSA ``Load``; the miners are a negative generator
(``p_min_pu = -1``) whose marginal cost is their revenue per MWh, so every MWh they draw earns
it; grid import is a generator at the hourly price + adder, export a negative generator at the
price; unserved AI energy is a generator at the value of lost load. The battery is a
``StorageUnit`` (sqrt of the round-trip efficiency each way, cyclic state of charge) with a
cycle limit: discharge over the horizon <= cycles/day x days x energy. Sizing makes the owned
plant extendable at its annualised capital + fixed O&M, pro rata to the hours modelled
(capital recovery factor r / (1 - (1 + r)^-life)).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hashpivot.errors import InputError
from hashpivot.power.generation.merit import HourlyDispatch
from hashpivot.power.generation.specs import SitePlant
from hashpivot.types import FloatArray

__all__ = ["SiteInputs", "SiteSolution", "crf", "solve_site"]


def crf(rate: float, years: int) -> float:
    """Capital recovery factor r / (1 - (1 + r)^-n) [1/year] (n years, rate r)."""
    return 1.0 / years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -years)


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteInputs:
    """Hourly inputs of one solve (``hours`` long).

    price_usd_per_mwh : grid price; gas_usd_per_mmbtu : Henry Hub (the plant adds its basis)
    solar_cf, wind_cf : output per MW of solar AC / wind [fraction]
    mining_value_usd_per_mwh : the miners' revenue per MWh drawn (hashprice at efficiency)
    """

    price_usd_per_mwh: FloatArray
    gas_usd_per_mmbtu: FloatArray
    solar_cf: FloatArray
    wind_cf: FloatArray
    mining_value_usd_per_mwh: FloatArray | float


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteSolution:
    """An LP solve: the dispatch, its operating cost and (sizing) the capacities chosen."""

    dispatch: HourlyDispatch
    operating_cost_usd: float
    objective_usd: float
    capacities_mw: dict[str, float]
    battery_energy_mwh: float
    solve_s: float


def _require_pypsa() -> Any:
    import logging

    try:
        import pypsa
    except ImportError:  # pragma: no cover - the supply extra is in dev
        raise InputError(
            "generation", "the site model", "the supply extra: pip install 'hashpivot[supply]'"
        ) from None
    for name in ("pypsa", "linopy"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with contextlib.suppress(Exception):
        pypsa.options.api.legacy_string_dtype = True
    return pypsa


def _annual_usd_per_mw(
    capex_usd_per_mw: float, fom_usd_per_mw_year: float, plant: SitePlant, rate: float, hours: int
) -> float:
    return (capex_usd_per_mw * crf(rate, plant.life_years) + fom_usd_per_mw_year) * hours / 8760.0


def _add_plant(n: Any, plant: SitePlant, x: SiteInputs, size: bool, rate: float) -> None:
    hours = len(x.price_usd_per_mwh)
    g, s, w, b = plant.gas, plant.solar, plant.wind, plant.battery
    if g is not None:
        fuel = x.gas_usd_per_mmbtu + g.basis_usd_per_mmbtu
        carbon = g.emission_factor_tco2_per_mmbtu * g.carbon_usd_per_tco2
        n.add(
            "Generator",
            "gas",
            bus="site",
            p_nom=g.capacity_mw,
            p_nom_extendable=size,
            p_max_pu=g.availability_frac,
            marginal_cost=g.heat_rate_mmbtu_per_mwh * (fuel + carbon) + g.vom_usd_per_mwh,
            capital_cost=_annual_usd_per_mw(
                g.capex_usd_per_kw * 1e3, g.fom_usd_per_kw_year * 1e3, plant, rate, hours
            ),
        )
    if s is not None:
        n.add(
            "Generator",
            "solar",
            bus="site",
            p_nom=s.capacity_mwac,
            p_nom_extendable=size,
            p_max_pu=x.solar_cf,
            marginal_cost=0.0,
            capital_cost=_annual_usd_per_mw(
                s.capex_usd_per_wac * 1e6, s.fom_usd_per_kw_year * 1e3, plant, rate, hours
            ),
        )
    if w is not None:
        n.add(
            "Generator",
            "wind",
            bus="site",
            p_nom=w.capacity_mw,
            p_nom_extendable=size,
            p_max_pu=x.wind_cf,
            marginal_cost=0.0,
            capital_cost=_annual_usd_per_mw(
                w.capex_usd_per_kw * 1e3, w.fom_usd_per_kw_year * 1e3, plant, rate, hours
            ),
        )
    if b is not None and b.power_mw > 0:
        eta = float(np.sqrt(b.round_trip_efficiency_frac))
        max_h = b.energy_mwh / b.power_mw
        n.add(
            "StorageUnit",
            "battery",
            bus="site",
            p_nom=b.power_mw,
            p_nom_extendable=size,
            max_hours=max_h,
            efficiency_store=eta,
            efficiency_dispatch=eta,
            cyclic_state_of_charge=True,
            capital_cost=_annual_usd_per_mw(
                (b.capex_usd_per_kw + b.capex_usd_per_kwh * max_h) * 1e3,
                b.fom_usd_per_kw_year * 1e3,
                plant,
                rate,
                hours,
            ),
        )


def _network(plant: SitePlant, x: SiteInputs, size: bool, rate: float) -> Any:
    pypsa = _require_pypsa()
    hours = len(x.price_usd_per_mwh)
    n = pypsa.Network()
    n.set_snapshots(pd.RangeIndex(hours, name="snapshot"))
    n.add("Carrier", "AC")
    n.add("Bus", "site", carrier="AC")
    n.add("Load", "ai", bus="site", p_set=plant.ai_load_mw)
    p = np.asarray(x.price_usd_per_mwh, dtype=np.float64)
    grid = plant.grid
    n.add(
        "Generator",
        "unserved",
        bus="site",
        p_nom=plant.ai_load_mw,
        marginal_cost=plant.unserved_usd_per_mwh,
    )
    n.add(
        "Generator",
        "mining",
        bus="site",
        p_nom=plant.mining_mw,
        p_min_pu=-1.0,
        p_max_pu=0.0,
        marginal_cost=np.broadcast_to(x.mining_value_usd_per_mwh, p.shape),
    )
    n.add(
        "Generator",
        "import",
        bus="site",
        p_nom=grid.import_limit_mw,
        marginal_cost=p + grid.import_adder_usd_per_mwh,
    )
    n.add(
        "Generator",
        "export",
        bus="site",
        p_nom=grid.export_limit_mw,
        p_min_pu=-1.0,
        p_max_pu=0.0,
        marginal_cost=p,
    )
    _add_plant(n, plant, x, size, rate)
    return n


def _cycle_limit(n: Any, plant: SitePlant, hours: int) -> None:
    b = plant.battery
    if b is None or b.power_mw <= 0 or "battery" not in n.storage_units.index:
        return
    m = n.model
    disp = m.variables["StorageUnit-p_dispatch"].sel(name="battery").sum()
    cycles = b.max_cycles_per_day * hours / 24.0
    if bool(n.storage_units.at["battery", "p_nom_extendable"]):
        p_nom = m.variables["StorageUnit-p_nom"].sel(name="battery")
        m.add_constraints(disp <= cycles * (b.energy_mwh / b.power_mw) * p_nom, name="cycles")
    else:
        m.add_constraints(disp <= cycles * b.energy_mwh, name="cycles")


def _series(n: Any, name: str, hours: int) -> FloatArray:
    if name in n.generators_t.p.columns:
        return np.asarray(n.generators_t.p[name].to_numpy(dtype=np.float64))
    return np.zeros(hours)


def solve_site(
    plant: SitePlant, x: SiteInputs, *, size: bool = False, discount_rate: float = 0.08
) -> SiteSolution:
    """Dispatch (``size=False``: the plant's capacities) or size the site over the hours given."""

    with warnings.catch_warnings():  # pypsa / linopy / pandas deprecations, not ours
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return _solve(plant, x, size, discount_rate)


@contextlib.contextmanager
def _c_stdout_silenced() -> Iterator[None]:
    """HiGHS prints its banner from C on file descriptor 1: send it to /dev/null meanwhile (the
    CLI's ``--json`` prints one JSON object on stdout)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _solve(plant: SitePlant, x: SiteInputs, size: bool, discount_rate: float) -> SiteSolution:
    hours = len(x.price_usd_per_mwh)
    n = _network(plant, x, size, discount_rate)
    t0 = time.perf_counter()
    n.optimize.create_model(include_objective_constant=False)
    _cycle_limit(n, plant, hours)
    with _c_stdout_silenced():
        status, condition = n.optimize.solve_model(
            solver_name="highs",
            io_api="direct",
            solver_options={"output_flag": False, "log_to_console": False},
        )
    solve_s = time.perf_counter() - t0
    if status != "ok":
        raise InputError("generation", condition, "a feasible site model")
    zero = np.zeros(hours)
    su = n.storage_units_t
    has_b = "battery" in n.storage_units.index
    d = HourlyDispatch(
        renewable_mw=_series(n, "solar", hours) + _series(n, "wind", hours),
        gas_mw=_series(n, "gas", hours),
        import_mw=_series(n, "import", hours),
        ai_served_mw=plant.ai_load_mw - _series(n, "unserved", hours),
        unserved_ai_mw=_series(n, "unserved", hours),
        mining_mw=-_series(n, "mining", hours),
        export_mw=-_series(n, "export", hours),
        charge_mw=su.p_store["battery"].to_numpy(dtype=np.float64) if has_b else zero,
        discharge_mw=su.p_dispatch["battery"].to_numpy(dtype=np.float64) if has_b else zero,
    )
    caps = {
        k: float(n.generators.at[k, "p_nom_opt"])
        for k in ("gas", "solar", "wind")
        if k in n.generators.index
    }
    e_mwh = 0.0
    if has_b:
        caps["battery"] = float(n.storage_units.at["battery", "p_nom_opt"])
        e_mwh = caps["battery"] * float(n.storage_units.at["battery", "max_hours"])
    op = float(
        (n.generators_t.p * n.get_switchable_as_dense("Generator", "marginal_cost")).sum().sum()
    )
    return SiteSolution(
        dispatch=d,
        operating_cost_usd=op,
        objective_usd=float(n.objective),
        capacities_mw=caps,
        battery_energy_mwh=e_mwh,
        solve_s=solve_s,
    )

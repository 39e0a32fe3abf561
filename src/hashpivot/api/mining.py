"""The mining job: the engine's ``mine`` strategy on the site's deterministic scenario, with the
monthly table, breakevens and payback a CFO quotes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hashpivot.calendar import month_starts
from hashpivot.config.catalogue import asic_catalogue
from hashpivot.engine.case import CompareCase
from hashpivot.market.deterministic import apply_start, describe_path, hashrate_growth_text
from hashpivot.market.scenarios import StartState
from hashpivot.market.snapshot import SCENARIOS, SNAPSHOT, MarketSnapshot, ScenarioName
from hashpivot.mining.projection import MiningResult
from hashpivot.valuation.cashflow import monthly_rate
from hashpivot.valuation.mining import MiningValuation, monthly_rows, value_mining

EXAMPLE_SITE = Path("examples/sites/permian-west-100mw-s21.toml")


@dataclass(frozen=True, slots=True, kw_only=True)
class MiningReport:
    """What ``hashpivot mine`` prints: a summary, the assumptions with sources, monthly rows."""

    summary: dict[str, Any]
    assumptions: list[tuple[str, str]]
    monthly: list[dict[str, Any]]
    result: MiningResult
    valuation: MiningValuation


def _halving_month(result: MiningResult, height: int = 1_050_000) -> str | None:
    hit = result.chain.height_end[0] >= height
    if not hit.any():
        return None
    return f"{month_starts(result.site.start, result.cash_flows.months)[int(np.argmax(hit))]:%Y-%m}"


def _first(x: np.ndarray) -> float | None:
    v = float(x[0])
    return v if np.isfinite(v) else None


def _breakeven_note(val: Any, result: Any) -> str | None:
    """Why the breakevens are missing (``None`` when all three are finite)."""
    values = (
        val.breakeven_power_usd_per_mwh,
        val.breakeven_btc_usd,
        val.breakeven_hashprice_usd_per_ph_day,
    )
    if all(_first(v) is not None for v in values):
        return None
    if float(np.asarray(result.uptime_frac)[0, :12].max(initial=0.0)) <= 0.0:
        return (
            "none: the fleet runs no hour of the first 12 months at these power prices, "
            "so it mines no BTC and no price makes EBITDA zero"
        )
    return "none: no finite price makes the first 12 months' EBITDA zero"


def run_mining(
    site_file: str | Path, *, scenario: str | None = None, snapshot: MarketSnapshot = SNAPSHOT
) -> MiningReport:
    """The keep-mining path of a site on its named deterministic scenario: the engine's
    ``mine`` strategy on one path (the same run as ``compare --deterministic``), with the
    monthly table, breakevens and payback of the mining run behind it."""
    from hashpivot.api.compare import build_case
    from hashpivot.engine.deterministic import run_deterministic

    case = build_case(site_file, snapshot=snapshot)
    run = run_deterministic(case, scenario)
    site, result, dispatch = case.mining, run.values.mined, run.values.monthly_power
    name = ScenarioName(run.scenario)
    val = value_mining(result)
    h = site.horizon_months
    disc_h = (1.0 + monthly_rate(site.discount_rate)) ** -h
    npv = run.comparison.strategies["mine"].npv_mean_usd
    residual = float(run.values.net_usd["mine"][0, -1] - result.cash_flows.net_usd[0, -1])
    summary: dict[str, Any] = {
        "site": site.name,
        "scenario": name.value,
        "market": describe_path(
            SCENARIOS[name], case.scenario_override, run.case.start_state, run.case.snapshot
        )
        + " (the site file's [mining] scenario or --scenario, and its [scenario] table)",
        "notes": list(run.comparison.notes),
        "start": f"{site.start:%Y-%m}",
        "horizon_months": site.horizon_months,
        "discount_rate": site.discount_rate,
        "fleet_ph_s": site.fleet.hashrate_ph_s,
        "fleet_power_mw": site.fleet.power_mw,
        "fleet_efficiency_j_per_th": site.fleet.efficiency_j_per_th,
        "power_price_usd_per_mwh": site.power_price_usd_per_mwh,
        "npv_usd": npv,
        "npv_operating_usd": float(val.npv_usd[0]),
        "residual_value_usd": residual,
        "residual_value_pv_usd": residual * disc_h,
        "npv_basis": "operating cash flows to the horizon + the site's value then (powered land "
        "moving with its product's rent index + ASICs at their then value, less sale costs), "
        "as every strategy of `hashpivot compare`",
        "ebitda_total_usd": float(val.ebitda_total_usd[0]),
        "btc_mined_total": float(val.btc_mined_total[0]),
        "breakeven_power_usd_per_mwh": _first(val.breakeven_power_usd_per_mwh),
        "breakeven_btc_usd": _first(val.breakeven_btc_usd),
        "breakeven_hashprice_usd_per_ph_day": _first(val.breakeven_hashprice_usd_per_ph_day),
        "breakeven_note": _breakeven_note(val, result),
        "payback_months": _first(val.payback_months),
        "payback": "never" if not np.isfinite(val.payback_months[0]) else "within horizon",
        "fleet_value_usd": val.fleet_value_usd,
        "hashprice_start_usd_per_ph_day": float(result.hashprice_usd_per_ph_day[0, 0]),
        "hashprice_snapshot_usd_per_ph_day": run.case.asic_price_hashprice_usd_per_ph_day,
        "halving_month": _halving_month(result),
        "snapshot_as_of": snapshot.as_of.isoformat(),
        "uptime_frac_mean": float(result.uptime_frac[0].mean()),
        "avg_power_price_usd_per_mwh": float(
            result.power_cost_usd[0].sum() / max(result.energy_mwh[0].sum(), 1e-12)
        ),
    }
    return MiningReport(
        summary=summary,
        assumptions=_assumptions(case, name, dispatch is not None, str(site_file))
        + [("note", n) for n in run.comparison.notes],
        monthly=monthly_rows(result),
        result=result,
        valuation=val,
    )


def _started(case: CompareCase) -> tuple[StartState, MarketSnapshot]:
    """The start state and snapshot of the case's deterministic run (under its [scenario])."""
    snap, start = apply_start(case.snapshot, case.start_state, case.scenario_override)
    return start, snap


def _assumptions(
    case: CompareCase, name: ScenarioName, dispatched: bool, source: str
) -> list[tuple[str, str]]:
    site, snapshot, sc = case.mining, case.snapshot, SCENARIOS[name]
    o = case.scenario_override
    if o is not None:
        sc = o.rates(sc)
    sale = case.sale
    ph = case.power_history
    return [
        (
            "snapshot",
            f"network and market as of {snapshot.as_of} "
            + ("(market/snapshot.py)" if snapshot == SNAPSHOT else "(fetched live)"),
        ),
        *[(k, v) for k, v in snapshot.sources],
        ("market", f"deterministic scenario {name.value}: {sc.rationale}"),
        (
            "btc_price_growth_per_year",
            f"{sc.btc_price_growth_per_year:+.0%} from ${case.start_state.btc_price_usd:,.0f}",
        ),
        ("hashrate_growth_per_year", hashrate_growth_text(sc)),
        (
            "fee_share_frac",
            f"{sc.fee_share_frac:.1%} of the blocks produced along the path"
            if o is None or o.fees_btc_per_block is None
            else f"fees {o.fees_btc_per_block:g} BTC a block (site file [scenario])",
        ),
        *(
            []
            if o is None
            else [("[scenario]", describe_path(SCENARIOS[name], o, *_started(case)))]
        ),
        ("uptime_frac", f"{site.uptime_frac:.1%} (site file)"),
        ("pool_fee_frac", f"{site.pool_fee_frac:.2%} (site file; FPPS)"),
        ("overhead_frac", f"{site.overhead_frac:.1%} of site draw (site file)"),
        ("degradation", f"{site.degradation_frac_per_year:.1%}/yr of hashrate (site file)"),
        (
            "shutdown_when_unprofitable",
            "fleet off in months where revenue/MWh < power price"
            if site.shutdown_when_unprofitable
            else "fleet runs every month",
        ),
        (
            "power",
            f"fixed ${site.power_price_usd_per_mwh:,.2f}/MWh"
            if not dispatched or ph is None
            else f"{ph.label}, replayed by calendar month; dispatch {ph.policy}"
            + ("; PPA take-or-pay with sell-back" if ph.ppa_price_usd_per_mwh else ""),
        ),
        (
            "residual value",
            f"at the horizon: powered land ${sale.price_usd_per_mw / 1e6:.2f}M/MW x the rent "
            f"multiplier + ASICs (TH/s left x ${site.asic_price_usd_per_th:g}/TH x hashprice / "
            f"the snapshot's), less {sale.cost_frac:.0%} (B. Riley $0.4-0.55M/MW, "
            "market-facts.md; site file [compare])",
        ),
        ("breakevens", "over the first 12 months: EBITDA = 0"),
        ("npv", "monthly flows at month end, discounted at (1+r)^(1/12)-1 per month"),
        ("source", source),
    ]


#: the named deterministic scenarios a ``mine`` run accepts (bear, base, bull)
SCENARIO_NAMES: tuple[str, ...] = tuple(s.value for s in ScenarioName)


def asic_rows() -> list[dict[str, Any]]:
    """The ASIC catalogue, one row per model: nameplate TH/s, W, J/TH, release, source."""
    return [
        {
            "model": m.model,
            "manufacturer": m.manufacturer,
            "cooling": m.cooling,
            "hashrate_th_s": m.hashrate_th_s,
            "power_w": m.power_w,
            "efficiency_j_per_th": round(m.efficiency_j_per_th, 2),
            "release": m.release,
            "source": m.source,
        }
        for m in asic_catalogue().values()
    ]

"""The mining job: site file -> deterministic market -> projection -> valuation -> report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hashpivot.bitcoin.network import hashprice_usd_per_ph_day
from hashpivot.bitcoin.protocol import subsidy_btc
from hashpivot.config.defaults import SCENARIOS, SNAPSHOT, MarketSnapshot, ScenarioName
from hashpivot.config.site import load_mining_site, load_site
from hashpivot.market.deterministic import deterministic_market, months_between
from hashpivot.mining.projection import MiningModel, MiningResult, MiningSite
from hashpivot.types import month_starts
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


def project_site(
    site: MiningSite, scenario: ScenarioName, snapshot: MarketSnapshot = SNAPSHOT
) -> MiningResult:
    """Run the mining projection of ``site`` on a named deterministic scenario."""
    months = months_between(snapshot.as_of, site.start) + site.horizon_months
    market = deterministic_market(snapshot, SCENARIOS[scenario], months=max(months, 1))
    return MiningModel(site, snapshot.network_state, market).run()


def _halving_month(result: MiningResult, height: int = 1_050_000) -> str | None:
    hit = result.chain.height_end[0] >= height
    if not hit.any():
        return None
    return f"{month_starts(result.site.start, result.cash_flows.months)[int(np.argmax(hit))]:%Y-%m}"


def _first(x: np.ndarray) -> float | None:
    v = float(x[0])
    return v if np.isfinite(v) else None


def run_mining(
    site_file: str | Path, *, scenario: str | None = None, snapshot: MarketSnapshot = SNAPSHOT
) -> MiningReport:
    """Load, project and value a site's mining path on a deterministic scenario."""
    doc = load_site(site_file)
    site = load_mining_site(site_file)
    name = ScenarioName(scenario or doc.mining.scenario)
    result = project_site(site, name, snapshot)
    val = value_mining(result)
    sc = SCENARIOS[name]
    summary: dict[str, Any] = {
        "site": site.name,
        "scenario": name.value,
        "start": f"{site.start:%Y-%m}",
        "horizon_months": site.horizon_months,
        "discount_rate": site.discount_rate,
        "fleet_ph_s": site.fleet.hashrate_ph_s,
        "fleet_power_mw": site.fleet.power_mw,
        "fleet_efficiency_j_per_th": site.fleet.efficiency_j_per_th,
        "power_price_usd_per_mwh": site.power_price_usd_per_mwh,
        "npv_usd": float(val.npv_usd[0]),
        "ebitda_total_usd": float(val.ebitda_total_usd[0]),
        "btc_mined_total": float(val.btc_mined_total[0]),
        "breakeven_power_usd_per_mwh": _first(val.breakeven_power_usd_per_mwh),
        "breakeven_btc_usd": _first(val.breakeven_btc_usd),
        "breakeven_hashprice_usd_per_ph_day": _first(val.breakeven_hashprice_usd_per_ph_day),
        "payback_months": _first(val.payback_months),
        "payback": "never" if not np.isfinite(val.payback_months[0]) else "within horizon",
        "fleet_value_usd": val.fleet_value_usd,
        "hashprice_start_usd_per_ph_day": float(result.hashprice_usd_per_ph_day[0, 0]),
        "hashprice_snapshot_usd_per_ph_day": float(
            hashprice_usd_per_ph_day(
                snapshot.btc_price_usd,
                snapshot.difficulty,
                subsidy_btc(snapshot.height),
                snapshot.fees_btc_per_block,
            )
        ),
        "halving_month": _halving_month(result),
        "snapshot_as_of": snapshot.as_of.isoformat(),
    }
    assumptions = [
        ("snapshot", f"network and market as of {snapshot.as_of} (config/defaults.py)"),
        *[(k, v) for k, v in snapshot.sources],
        ("scenario", f"{name.value}: {sc.rationale}"),
        ("btc_price_growth_per_year", f"{sc.btc_price_growth_per_year:+.0%}"),
        ("hashrate_growth_per_year", f"{sc.hashrate_growth_per_year:+.0%}"),
        ("fee_share_frac", f"{sc.fee_share_frac:.1%}"),
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
        ("breakevens", "over the first 12 months: EBITDA = 0"),
        ("npv", "monthly flows at month end, discounted at (1+r)^(1/12)-1 per month"),
        ("source", str(site_file)),
    ]
    return MiningReport(
        summary=summary,
        assumptions=assumptions,
        monthly=monthly_rows(result),
        result=result,
        valuation=val,
    )

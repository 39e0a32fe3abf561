"""The mining job: site file -> deterministic market -> projection -> valuation -> report."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from hashpivot.bitcoin.network import hashprice_usd_per_ph_day
from hashpivot.bitcoin.protocol import subsidy_btc
from hashpivot.config.defaults import SCENARIOS, SNAPSHOT, MarketSnapshot, ScenarioName
from hashpivot.config.power import PowerConfig
from hashpivot.config.site import load_mining_site, load_site
from hashpivot.errors import InputError
from hashpivot.market.deterministic import deterministic_market, months_between
from hashpivot.mining.projection import MiningModel, MiningResult, MiningSite
from hashpivot.power.dispatch import MonthlyPower, PowerPayer, monthly_power
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


def revenue_per_site_mwh(result: MiningResult) -> np.ndarray:
    """Mining revenue per MWh the site draws at full run [USD/MWh], ``(paths, months)``: the
    power price below which running pays (the dispatch breakeven)."""
    site = result.site
    return np.asarray(
        result.hashprice_usd_per_ph_day
        * (result.fleet_hashrate_th_s / 1000.0)
        * (1.0 - site.pool_fee_frac)
        * (1.0 - site.overhead_frac)
        / (site.fleet.power_mw * 24.0)
    )


def project_site_with_dispatch(
    site: MiningSite,
    power: PowerConfig,
    base_dir: Path,
    scenario: ScenarioName,
    snapshot: MarketSnapshot = SNAPSHOT,
) -> tuple[MiningResult, MonthlyPower]:
    """Mining projection whose uptime and power cost come from hour-by-hour dispatch against
    the site's price history (replayed by calendar month; docs/methodology.md, Power)."""
    from hashpivot.adapters.prices import FilePriceSource
    from hashpivot.power.prices import select_year

    path = power.source_path(base_dir)
    assert path is not None and power.location is not None  # checked by PowerConfig
    series = FilePriceSource(path).get_prices(power.location, power.market)
    if power.year is not None:
        series = select_year(series, power.year)
    first = project_site(replace(site, shutdown_when_unprofitable=False), scenario, snapshot)
    mp = monthly_power(
        series.price_usd_per_mwh,
        series.interval_start_utc,
        revenue_per_site_mwh(first),
        start=site.start,
        policy=power.dispatch,
        constraints=power.constraints(series.interval_minutes),
        adder_usd_per_mwh=power.adder_usd_per_mwh,
        ppa_price_usd_per_mwh=None if power.ppa is None else power.ppa.price_usd_per_mwh,
        fourcp=None if power.fourcp is None else power.fourcp.terms(),
    )
    months = months_between(snapshot.as_of, site.start) + site.horizon_months
    market = deterministic_market(snapshot, SCENARIOS[scenario], months=max(months, 1))
    model = MiningModel(site, snapshot.network_state, market)
    site_mw = site.fleet.power_mw / (1.0 - site.overhead_frac)
    hours = mp.hours_in_month[None, :]
    if power.ppa is not None:
        contract_mw, price = power.ppa.contract_mw, power.ppa.price_usd_per_mwh
        ai_mw = power.ai_load_mw  # firm load: draws on the contract every hour, first
        if contract_mw < (site_mw + ai_mw) * (1 - 1e-9):
            raise InputError(
                "power.ppa.contract_mw",
                contract_mw,
                f"at least the site's draw at full run, {site_mw + ai_mw:.2f} MW "
                "(ASICs + overhead + ai_load_mw)",
            )
        assert mp.mean_index_price_usd_per_mwh is not None
        # take-or-pay on the whole contract; the mining load's curtailed hours and the contract
        # beyond both loads are resold at the index price; a tenant paying for its power
        # (pass-through) reimburses the firm load at the contract price
        reimbursed = ai_mw * price if power.ai_power_paid_by is PowerPayer.TENANT else 0.0
        # the hours dispatch runs the fleet but it is down (availability < 1) are resold too
        index_run = mp.mean_index_price_usd_per_mwh - mp.sellback_credit_usd_per_mwh_contracted
        downtime_resale = (1.0 - site.uptime_frac) * index_run
        result = model.run(
            uptime_frac=site.uptime_frac * mp.uptime_frac,
            power_cost_usd=np.broadcast_to(
                price * contract_mw * hours, mp.uptime_frac.shape
            ).copy(),
            other_revenue_usd=(
                (mp.sellback_credit_usd_per_mwh_contracted + downtime_resale) * site_mw
                + mp.mean_index_price_usd_per_mwh * (contract_mw - site_mw - ai_mw)
                + reimbursed
            )
            * hours,
        )
    else:
        result = model.run(
            uptime_frac=site.uptime_frac * mp.uptime_frac,
            power_price_usd_per_mwh=mp.power_cost_usd_per_mwh,
        )
    return result, mp


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
    """Load, project and value a site's mining path on a deterministic scenario."""
    doc = load_site(site_file)
    site = load_mining_site(site_file)
    name = ScenarioName(scenario or doc.mining.scenario)
    dispatch: MonthlyPower | None = None
    if doc.power.source is not None:
        result, dispatch = project_site_with_dispatch(
            site, doc.power, Path(site_file).parent, name, snapshot
        )
    else:
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
        "breakeven_note": _breakeven_note(val, result),
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
        "uptime_frac_mean": float(result.uptime_frac[0].mean()),
        "avg_power_price_usd_per_mwh": float(
            result.power_cost_usd[0].sum() / max(result.energy_mwh[0].sum(), 1e-12)
        ),
    }
    assumptions = [
        (
            "snapshot",
            f"network and market as of {snapshot.as_of} "
            + ("(config/defaults.py)" if snapshot == SNAPSHOT else "(fetched live)"),
        ),
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
        (
            "power",
            f"fixed ${site.power_price_usd_per_mwh:,.2f}/MWh"
            if dispatch is None
            else f"{doc.power.market} prices at {doc.power.location} from {doc.power.source}, "
            f"replayed by calendar month; dispatch {doc.power.dispatch}"
            + ("; PPA take-or-pay with sell-back" if doc.power.ppa is not None else ""),
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

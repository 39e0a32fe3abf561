"""The decision job: site file -> CompareCase -> Monte Carlo compare -> JSON-ready summary."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from hashpivot.api.market_assumptions import market_assumptions
from hashpivot.calendar import month_starts
from hashpivot.compute.conversion import Conversion, FleetDisposition
from hashpivot.config.gpu_cloud import load_gpu_cloud_file
from hashpivot.config.lease import load_lease_file
from hashpivot.config.market import apply_market_table
from hashpivot.config.power import PowerConfig
from hashpivot.config.site import load_mining_site, load_site
from hashpivot.engine.strategies import (
    CompareCase,
    GpuOption,
    LeaseOption,
    PowerHistory,
    SaleTerms,
)
from hashpivot.engine.summary import PERCENTILES, Comparison
from hashpivot.errors import InputError
from hashpivot.market.scenarios import DEFAULT_PARAMS, StartState, carry_forward
from hashpivot.market.snapshot import SCENARIOS, SNAPSHOT, MarketSnapshot, ScenarioName
from hashpivot.power.curtailment import CurtailmentCurve, curtailment_curve
from hashpivot.power.dispatch import DispatchPolicy, PowerPayer


def build_case(
    site_file: str | Path, *, months: int | None = None, snapshot: MarketSnapshot = SNAPSHOT
) -> CompareCase:
    """Read a site file (with optional ``[lease]``, ``[gpu_cloud]``, ``[conversion]``,
    ``[compare]``, ``[market]`` tables) into the engine's :class:`CompareCase`, starting from
    ``snapshot`` (the dated default, or one fetched live)."""
    doc = load_site(site_file)
    mining = load_mining_site(site_file)
    if months is not None:
        if not 1 <= months <= 600:
            raise InputError("--months", months, "1..600 months")
        mining = replace(mining, horizon_months=months)
    lease = gpu = None
    # Converting sells the ASICs: unless the site file prices them, at the fleet's value at
    # the site's ASIC price (mining.asic_price_usd_per_th x TH/s).
    sets_proceeds = doc.conversion is not None and (
        "fleet_sale_proceeds_usd" in doc.conversion.model_fields_set
    )

    def with_fleet_sale(conv: Conversion) -> Conversion:
        if sets_proceeds or conv.fleet_disposition is not FleetDisposition.SELL:
            return conv
        return replace(conv, fleet_sale_proceeds_usd=mining.fleet_capex_usd)

    if doc.lease is not None:
        lc = load_lease_file(site_file)
        lease = LeaseOption(
            terms=lc.terms,
            conversion=with_fleet_sale(lc.conversion),
            exit_cap_rate_frac=lc.assumptions.exit_cap_rate_frac,
            sale_cost_frac=lc.assumptions.sale_cost_frac,
            discount_rate_per_year=lc.assumptions.discount_rate_per_year,
        )
    if doc.gpu_cloud is not None:
        gc = load_gpu_cloud_file(site_file)
        gpu = GpuOption(
            terms=gc.terms,
            conversion=with_fleet_sale(gc.conversion),
            rate_now_usd_per_gpu_hour=gc.terms.gpu.rate_usd_per_gpu_hour,
            discount_rate_per_year=gc.assumptions.discount_rate_per_year,
        )
    c = doc.compare
    ppa_mw = None
    landlord_ai_mw = 0.0
    if doc.power.ppa is not None:
        site_mw = mining.fleet.power_mw / (1.0 - mining.overhead_frac)
        ai_mw = doc.power.ai_load_mw
        if doc.power.ppa.contract_mw < (site_mw + ai_mw) * (1 - 1e-9):
            raise InputError(
                "power.ppa.contract_mw",
                doc.power.ppa.contract_mw,
                f"at least the site's draw at full run, {site_mw + ai_mw:.2f} MW "
                "(ASICs + overhead + ai_load_mw)",
                source=str(site_file),
            )
        # the firm AI load's share, reimbursed by its tenant, is not the miners' to settle
        tenant_pays = doc.power.ai_power_paid_by is PowerPayer.TENANT
        ppa_mw = doc.power.ppa.contract_mw - (ai_mw if tenant_pays else 0.0)
        landlord_ai_mw = 0.0 if tenant_pays else ai_mw
    try:
        market_params, start_state = apply_market_table(
            doc.market, DEFAULT_PARAMS, StartState.from_snapshot(snapshot)
        )
        if doc.market.equilibrium_hashprice_usd_per_ph_day is None:
            # the default level is late Nov 2025's: carry it to the start along the trend used
            market_params = carry_forward(market_params, SNAPSHOT.as_of, snapshot.as_of)
    except InputError as exc:
        raise InputError(exc.field, exc.value, exc.allowed, source=str(site_file)) from None
    curtailment = history = None
    if doc.power.source is not None:
        history = _power_history(doc.power, Path(site_file).parent)
        if doc.power.dispatch is DispatchPolicy.CURTAIL:
            curtailment = _curtailment_curve(doc.power, history)
    return CompareCase(
        curtailment=curtailment,
        power_history=history,
        scenario=doc.mining.scenario,
        mining=mining,
        snapshot=snapshot,
        market_params=market_params,
        start_state=start_state,
        lease=lease,
        gpu=gpu,
        sale=SaleTerms(
            price_usd_per_mw=c.sale_price_usd_per_mw,
            months_to_close=c.sale_months_to_close,
            cost_frac=c.sale_cost_frac,
        ),
        split_lease_frac=c.split_lease_frac,
        power_index_adder_usd_per_mwh=(
            doc.power.adder_usd_per_mwh
            if doc.power.source is not None and doc.power.ppa is None
            else None
        ),
        ppa_contract_mw=ppa_mw,
        ppa_landlord_ai_mw=landlord_ai_mw,
        ppa_price_usd_per_mwh=None if doc.power.ppa is None else doc.power.ppa.price_usd_per_mwh,
    )


def _power_history(power: PowerConfig, base_dir: Path) -> PowerHistory:
    """The site's price history (the file of ``[power] source``) and how it is dispatched."""
    from hashpivot.adapters.prices import FilePriceSource
    from hashpivot.power.prices import select_year

    path = power.source_path(base_dir)
    assert path is not None and power.location is not None  # checked by PowerConfig
    series = FilePriceSource(path).get_prices(power.location, power.market)
    if power.year is not None:
        series = select_year(series, power.year)
    label = f"{power.market} {power.location}" + (f" {power.year}" if power.year else "")
    ppa = power.ppa
    return PowerHistory(
        price_usd_per_mwh=series.price_usd_per_mwh,
        interval_start_utc=series.interval_start_utc,
        policy=power.dispatch,
        constraints=power.constraints(series.interval_minutes),
        fourcp=None if power.fourcp is None else power.fourcp.terms(),
        adder_usd_per_mwh=power.adder_usd_per_mwh,
        ppa_price_usd_per_mwh=None if ppa is None else ppa.price_usd_per_mwh,
        ppa_contract_mw=None if ppa is None else ppa.contract_mw,
        ai_load_mw=power.ai_load_mw,
        ai_power_paid_by_tenant=power.ai_power_paid_by is PowerPayer.TENANT,
        label=f"{label} hourly prices from {path.name}",
    )


def _curtailment_curve(power: PowerConfig, history: PowerHistory) -> CurtailmentCurve:
    """The site's price history (as ``hashpivot mine`` reads it) as a curtailment curve."""
    return curtailment_curve(
        history.price_usd_per_mwh,
        history.interval_start_utc,
        constraints=history.constraints,
        fourcp=history.fourcp,
        source=history.label.replace(" hourly prices from ", " hourly shape from "),
    )


def _month_label(line: str, months: list[str]) -> str:
    """'date 12: ...' -> 'month 12 (2027-12): ...'."""
    m = re.match(r"date (\d+): (.*)", line)
    if not m:
        return line
    k = int(m.group(1))
    when = months[k] if k < len(months) else "end"
    return f"month {k} ({when}): {m.group(2)}"


def _num(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def market_statement(case: CompareCase, cmp: Comparison) -> str:
    """Which market a run used, in words (so a reader sees why a mean and a scenario differ)."""
    if cmp.market.startswith("deterministic"):
        name = cmp.market.split()[-1]
        sc = SCENARIOS[ScenarioName(name)]
        return (
            f"deterministic scenario '{name}': BTC {sc.btc_price_growth_per_year:+.0%}/yr from "
            f"${case.start_state.btc_price_usd:,.0f}, network hashrate "
            f"{sc.hashrate_growth_per_year:+.0%}/yr, fee share {sc.fee_share_frac:.1%}; rent, "
            "GPU rate and power on their zero-volatility paths (one path)"
        )
    return (
        f"Monte Carlo: {cmp.paths:,} paths, seed {cmp.seed}; BTC, network hashrate (error "
        "correction on hashprice), fees, rent, GPU rate and power as the market assumptions list"
    )


def summary(case: CompareCase, cmp: Comparison) -> dict[str, Any]:
    """The JSON object of ``hashpivot compare``."""
    months = [f"{m:%Y-%m}" for m in month_starts(case.mining.start, case.horizon)]
    out: dict[str, Any] = {
        "site": case.mining.name,
        "paths": cmp.paths,
        "seed": cmp.seed,
        "months": cmp.months,
        "start": months[0],
        "snapshot": {
            "as_of": case.snapshot.as_of.isoformat(),
            "height": case.snapshot.height,
            "btc_price_usd": case.snapshot.btc_price_usd,
            "live": case.snapshot != SNAPSHOT,
        },
        "discount_rate": case.mining.discount_rate,
        "capacity_mw": case.mining.capacity_mw,
        "equity_usd_per_w_basis": "gross",
        "recommendation": cmp.recommendation,
        "market": market_statement(case, cmp),
        "strategies": {
            k: {
                "npv_mean_usd": s.npv_mean_usd,
                "npv_p10_usd": s.npv_p10_usd,
                "npv_p50_usd": s.npv_p50_usd,
                "npv_p90_usd": s.npv_p90_usd,
                "prob_best": s.prob_best,
                "prob_loss": s.prob_loss,
                "irr_p50": _num(s.irr_p50),
                "irr_note": s.irr_note,
                "equity_usd_per_w_p50": s.equity_usd_per_w_p50,
            }
            for k, s in cmp.strategies.items()
        },
        "interrupted": cmp.interrupted,
        "notes": cmp.notes,
    }
    sw = cmp.switch
    if sw is not None:
        out["switch"] = {
            "best_month": sw.best_month,
            "best_month_date": months[sw.best_month] if sw.best_month < len(months) else "never",
            "best_month_npv_mean_usd": sw.best_month_npv_mean_usd,
            "convert_now_npv_mean_usd": sw.convert_now_usd,
            "option_value_usd": sw.option_value_usd,
            "lsm_value_usd": sw.lsm_value_usd,
            "lsm_std_error_usd": sw.lsm_std_error_usd,
            "policy": [_month_label(line, months) for line in sw.policy_lines],
            "conversion_prob_by_month": sw.conversion_prob_by_month.tolist(),
        }
    else:
        out["switch"] = {"best_month": None, "option_value_usd": None, "note": "no [lease] table"}
    out["fan"] = {
        "percentiles": list(PERCENTILES),
        "months": months,
        "hashprice_usd_per_ph_day": cmp.fan_hashprice.tolist(),
        "btc_price_usd": cmp.fan_btc_price.tolist(),
    }
    return out


def sensitivity(case: CompareCase, strategy: str) -> dict[str, Any]:
    """Tornado and Sobol indices of one strategy's NPV (engine.site_sensitivity)."""
    from hashpivot.engine.site_sensitivity import SENSITIVITY_RANGES, site_sensitivity
    from hashpivot.engine.strategies import StrategyName

    name = StrategyName(strategy)
    tor, sob = site_sensitivity(case, name)
    return {
        "strategy": name.value,
        "base_output_usd": tor.base_output,
        "tornado": [
            {
                "name": r.name,
                "low_input": r.low_input,
                "high_input": r.high_input,
                "low_output_usd": r.low_output,
                "high_output_usd": r.high_output,
                "source": SENSITIVITY_RANGES[r.name].source,
            }
            for r in tor.rows
        ],
        "sobol": {
            "names": list(sob.names),
            "first_order": [float(x) for x in sob.first_order],
            "total": [float(x) for x in sob.total],
            "n_evaluations": sob.n_evaluations,
        },
    }


def _power_text(case: CompareCase) -> str:
    curtail = (
        ""
        if case.curtailment is None
        else f"; curtailed hour by hour within each month on the {case.curtailment.source}"
    )
    if case.ppa_contract_mw is not None:
        return (
            f"PPA {case.ppa_contract_mw:g} MW at ${case.ppa_price_usd_per_mwh:g}/MWh, take-or-pay "
            "with resale at the market power path (a contract for difference); after a "
            f"conversion the contract passes to the tenant (NNN){curtail}"
        )
    if case.power_index_adder_usd_per_mwh is not None:
        adder = case.power_index_adder_usd_per_mwh
        return f"market power path + ${adder:g}/MWh (monthly){curtail}"
    return f"fixed ${case.mining.power_price_usd_per_mwh:g}/MWh"


def assumptions(case: CompareCase) -> list[tuple[str, str, str]]:
    """(name, value, source) rows behind a comparison."""
    m = case.mining
    rows = [
        (
            "valuation basis",
            f"pre-tax, unlevered monthly cash flows of every strategy (month end), NPV at the "
            f"site's first month {m.start:%Y-%m}; taxes and project debt: `hashpivot lease` / "
            "`gpu-cloud` with [lease.tax], [lease.debt]",
            "docs/methodology.md (one basis, so the paths compare like for like)",
        ),
        *market_assumptions(case),
    ]
    rows += [
        ("site power", _power_text(case), "site file [power]"),
        (
            "discount rate (mining, waiting)",
            f"{m.discount_rate:.1%}/yr",
            "site file: mining cash flows, the months before a conversion, the site sale",
        ),
        (
            "site value (sale, horizon)",
            f"powered land ${case.sale.price_usd_per_mw / 1e6:.2f}M/MW x rent multiplier + ASICs "
            f"(TH/s left x ${m.asic_price_usd_per_th:g}/TH x hashprice / today's), less "
            f"{case.sale.cost_frac:.0%}; sale after {case.sale.months_to_close} months",
            "B. Riley powered land $0.4-0.55M/MW (market-facts.md); site file [mining], [compare]",
        ),
        (
            "fleet sold on conversion",
            f"${m.fleet_capex_usd / 1e6:,.1f}M today ({m.fleet.hashrate_ph_s:,.0f} PH/s x "
            f"${m.asic_price_usd_per_th:g}/TH), tracking hashprice",
            "site file [mining] asic_price_usd_per_th unless [conversion] sets the proceeds",
        ),
        (
            "split",
            f"{case.split_lease_frac:.0%} leased, rest mining (linear)",
            "site file [compare]",
        ),
    ]
    if case.lease is not None:
        t = case.lease.terms
        rows += [
            (
                "lease rent",
                f"${t.rent_usd_per_kw_month:.2f}/kW-month on {t.it_mw:.1f} IT MW, "
                f"+{t.escalator_frac_per_year:.0%}/yr",
                "site file [lease]",
            ),
            ("lease exit cap rate", f"{case.lease.exit_cap_rate_frac:.2%}", "site file [lease]"),
            (
                "lease discount rate",
                f"{case.lease.discount_rate_per_year:.2%}/yr",
                "site file [lease], else cap rate + escalator (Gordon-consistent with the exit)",
            ),
        ]
    if case.gpu is not None:
        rows.append(
            (
                "gpu discount rate",
                f"{case.gpu.discount_rate_per_year:.2%}/yr",
                "site file [gpu_cloud], else the site's rate",
            )
        )
        rows.append(
            (
                "gpu",
                f"{case.gpu.terms.gpu.model} at ${case.gpu.rate_now_usd_per_gpu_hour:.2f}"
                "/GPU-hour today, path from the GPU-rate process",
                "config/catalogue/gpu.csv",
            )
        )
    return rows

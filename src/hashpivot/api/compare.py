"""The decision job: site file -> CompareCase -> Monte Carlo compare -> JSON-ready summary."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from hashpivot.compute.conversion import Conversion, FleetDisposition
from hashpivot.config.defaults import SNAPSHOT, MarketSnapshot
from hashpivot.config.market import apply_market_table
from hashpivot.config.power import PowerConfig
from hashpivot.config.site import DEFAULT_TABLE_SOURCES, SiteFile, load_site
from hashpivot.engine.compare import PERCENTILES, Comparison
from hashpivot.engine.strategies import CompareCase, GpuOption, LeaseOption, SaleTerms
from hashpivot.errors import InputError
from hashpivot.market.processes import (
    FACTORS,
    MeanRevertingParams,
    PriceTails,
    expected_growth_per_year,
)
from hashpivot.market.scenarios import DEFAULT_PARAMS, StartState, carry_forward
from hashpivot.mining.projection import MiningSite
from hashpivot.power.curtailment import CurtailmentCurve, curtailment_curve
from hashpivot.power.dispatch import DispatchPolicy, PowerPayer
from hashpivot.types import month_starts


def _ai_options(doc: SiteFile, mining: MiningSite, src: str) -> tuple[LeaseOption, GpuOption]:
    """The lease and GPU cloud of a site model (its tables, else their defaults)."""
    # Converting sells the ASICs: unless the site file prices them, at the fleet's value at
    # the site's ASIC price (mining.asic_price_usd_per_th x TH/s).
    sets_proceeds = doc.conversion is not None and (
        "fleet_sale_proceeds_usd" in doc.conversion.model_fields_set
    )

    def with_fleet_sale(conv: Conversion) -> Conversion:
        if sets_proceeds or conv.fleet_disposition is not FleetDisposition.SELL:
            return conv
        return replace(conv, fleet_sale_proceeds_usd=mining.fleet_capex_usd)

    lc = doc.lease_case(src)
    lease = LeaseOption(
        terms=lc.terms,
        conversion=with_fleet_sale(lc.conversion),
        exit_cap_rate_frac=lc.assumptions.exit_cap_rate_frac,
        sale_cost_frac=lc.assumptions.sale_cost_frac,
        discount_rate_per_year=lc.assumptions.discount_rate_per_year,
    )
    gc = doc.gpu_case(src)
    gpu = GpuOption(
        terms=gc.terms,
        conversion=with_fleet_sale(gc.conversion),
        rate_now_usd_per_gpu_hour=gc.terms.gpu.rate_usd_per_gpu_hour,
        discount_rate_per_year=gc.assumptions.discount_rate_per_year,
    )
    return lease, gpu


def build_case(
    site_file: str | Path, *, months: int | None = None, snapshot: MarketSnapshot = SNAPSHOT
) -> CompareCase:
    """Read a site file (with optional ``[lease]``, ``[gpu_cloud]``, ``[conversion]``,
    ``[compare]``, ``[market]`` tables) into the engine's :class:`CompareCase`, starting from
    ``snapshot`` (the dated default, or one fetched live).

    The file is read once (:func:`hashpivot.config.site.load_site`). The case always has a lease
    and a GPU cloud: a missing AI table is valued on its documented defaults and named in
    ``case.defaulted_tables``."""
    src = str(site_file)
    doc = load_site(site_file)  # the one read of the file
    mining = doc.mining_site(source=src)
    if months is not None:
        if not 1 <= months <= 600:
            raise InputError("--months", months, "1..600 months")
        mining = replace(mining, horizon_months=months)
    # every site gets both AI paths: a missing [lease] / [gpu_cloud] / [conversion] table is
    # valued on its documented defaults (doc.defaulted_tables, listed in assumptions())
    lease, gpu = _ai_options(doc, mining, src)
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
    curtailment = None
    if doc.power.source is not None and doc.power.dispatch is DispatchPolicy.CURTAIL:
        curtailment = _curtailment_curve(doc.power, Path(site_file).parent)
    return CompareCase(
        curtailment=curtailment,
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
        defaulted_tables=doc.defaulted_tables,
    )


def _curtailment_curve(power: PowerConfig, base_dir: Path) -> CurtailmentCurve:
    """The site's price history (as ``hashpivot mine`` reads it) as a curtailment curve."""
    from hashpivot.adapters.prices import FilePriceSource
    from hashpivot.power.prices import select_year

    path = power.source_path(base_dir)
    assert path is not None and power.location is not None  # checked by PowerConfig
    series = FilePriceSource(path).get_prices(power.location, power.market)
    if power.year is not None:
        series = select_year(series, power.year)
    label = f"{power.market} {power.location}" + (f" {power.year}" if power.year else "")
    return curtailment_curve(
        series.price_usd_per_mwh,
        series.interval_start_utc,
        constraints=power.constraints(series.interval_minutes),
        fourcp=None if power.fourcp is None else power.fourcp.terms(),
        source=f"{label} hourly shape from {path.name}",
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
        "recommendation": cmp.recommendation.value,
        "strategies": {
            k.value: {
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


_FILE = "site file [market]"


def market_assumptions(case: CompareCase) -> list[tuple[str, str, str]]:
    """(name, value, source) of every market parameter; a value that differs from the
    documented default is the site file's ``[market]``."""
    snap = case.snapshot
    p, d = case.market_params, carry_forward(DEFAULT_PARAMS, SNAPSHOT.as_of, snap.as_of)
    s0, d0 = case.start_state, StartState.from_snapshot(snap)
    where = dict(snap.sources)
    dated = snap == SNAPSHOT

    def src(value: object, default: object, source: str) -> str:
        return source if value == default else _FILE

    b, db = p.btc, d.btc
    tails = b.tails.value
    if b.tails is PriceTails.STUDENT_T:
        tails += f" (df {b.student_t_df:g})"
    elif b.tails is PriceTails.MERTON:
        tails += (
            f" ({b.jump_intensity_per_year:g} jumps/yr, mean log size {b.jump_mean_log:+.3f}, "
            f"sd {b.jump_vol_log:.3f})"
        )
    fit = "fit on Coin Metrics 2017-01..2025-08 (hashpivot calibrate)"
    rows = [
        (
            "snapshot",
            f"{snap.as_of}: height {snap.height:,}, difficulty {snap.difficulty / 1e12:.2f} T, "
            f"{snap.network_hashrate_eh_s:,.0f} EH/s",
            "config/defaults.py (retarget of 2025-11-27)"
            if dated
            else f"fetched live: {where.get('height', 'network source')}",
        ),
        (
            "btc_price_usd today",
            f"{s0.btc_price_usd:,.0f}",
            src(
                s0.btc_price_usd,
                d0.btc_price_usd,
                "public indices 2025-11-27"
                if dated
                else f"fetched live: {where.get('btc_price_usd', 'price source')}",
            ),
        ),
        (
            "btc expected price growth",
            f"{expected_growth_per_year(b):+.1%}/yr "
            f"(log drift {b.log_drift_per_year:+.4f}/yr = ln(1 + g) - vol^2/2"
            + (", less the jumps' mean" if b.tails is PriceTails.MERTON else "")
            + (", the normal case's" if b.tails is PriceTails.STUDENT_T else "")
            + ")",
            src(b.log_drift_per_year, db.log_drift_per_year, "base scenario +10%/yr"),
        ),
        ("btc volatility", f"{b.vol_per_year:.2f}/yr", src(b.vol_per_year, db.vol_per_year, fit)),
        (
            "btc return tails",
            tails,
            src(
                (b.tails, b.student_t_df, b.jump_intensity_per_year),
                (db.tails, db.student_t_df, db.jump_intensity_per_year),
                fit + ": monthly excess kurtosis -0.01",
            ),
        ),
    ]
    h, dh = p.hashrate, d.hashrate
    rows += [
        (
            "hashrate response",
            f"closes {h.gap_speed_per_month:.4f} of the log gap to the economic hashrate per "
            f"month, + {h.hashprice_change_response:.3f} x last month's log hashprice change; "
            f"vol {h.vol_per_year:.3f}/yr",
            src(
                (h.gap_speed_per_month, h.hashprice_change_response, h.vol_per_year),
                (dh.gap_speed_per_month, dh.hashprice_change_response, dh.vol_per_year),
                "error-correction " + fit,
            ),
        ),
        (
            "equilibrium hashprice",
            f"${h.equilibrium_hashprice_usd_per_ph_day:.1f}/PH/day, "
            f"{h.equilibrium_hashprice_log_trend_per_year:+.3f}/yr (log)",
            src(
                (
                    h.equilibrium_hashprice_usd_per_ph_day,
                    h.equilibrium_hashprice_log_trend_per_year,
                ),
                (
                    dh.equilibrium_hashprice_usd_per_ph_day,
                    dh.equilibrium_hashprice_log_trend_per_year,
                ),
                f"fit, carried to {snap.as_of:%b %Y} along its trend",
            ),
        ),
    ]

    def reverting(
        name: str,
        unit: str,
        now: float,
        now_default: float,
        now_source: str,
        q: MeanRevertingParams,
        dq: MeanRevertingParams,
        source: str,
        fmt: str = ".2f",
    ) -> None:
        rows.append((f"{name} today", f"{now:{fmt}} {unit}", src(now, now_default, now_source)))
        rows.append(
            (
                f"{name} process",
                f"long-run {q.long_run_level:{fmt}} {unit}, "
                f"trend {q.long_run_log_trend_per_year:+.3f}/yr (log), "
                f"reversion {q.reversion_per_year:g}/yr, vol {q.vol_per_year:.3f}/yr",
                src(q, dq, source),
            )
        )

    reverting(
        "fee share",
        "of block revenue",
        s0.fee_share_frac,
        d0.fee_share_frac,
        "snapshot fees per block",
        p.fee_share,
        d.fee_share,
        "logit mean-reverting, " + fit,
        fmt=".4f",
    )
    reverting(
        "rent",
        "USD/kW-month",
        s0.rent_usd_per_kw_month,
        d0.rent_usd_per_kw_month,
        "CBRE wholesale colocation 2025",
        p.rent,
        d.rent,
        "CBRE 2025 $195/kW-month, +3%/yr escalator; reversion and vol: assumptions",
        fmt=".0f",
    )
    reverting(
        "gpu rate",
        "USD/GPU-hour",
        s0.gpu_rate_usd_per_gpu_hour,
        d0.gpu_rate_usd_per_gpu_hour,
        "H100 1-year contracts 2025 (market-facts.md)",
        p.gpu_rate,
        d.gpu_rate,
        "-35% per 2-year generation; reversion and vol: assumptions",
    )
    reverting(
        "power price",
        "USD/MWh",
        s0.power_price_usd_per_mwh,
        d0.power_price_usd_per_mwh,
        "ERCOT HB_WEST RT 2025 mean",
        p.power_price,
        d.power_price,
        "ERCOT HB_WEST RT monthly means 2024-01..2026-02",
        fmt=".1f",
    )
    pairs = [
        (a, c)
        for i, a in enumerate(FACTORS)
        for j, c in enumerate(FACTORS)
        if i < j and (p.correlation[i][j] or d.correlation[i][j])
    ]
    rows.append(
        (
            "shock correlations",
            ", ".join(
                f"{a.value}:{c.value} {p.correlation[FACTORS.index(a)][FACTORS.index(c)]:+.2f}"
                for a, c in pairs
            )
            or "none",
            src(p.correlation, d.correlation, fit + "; rent:gpu_rate 0.30 assumption"),
        )
    )
    return rows


def _table_source(case: CompareCase, table: str, given: str) -> str:
    """'site file [lease]', or 'default: no [lease] table' with the default's source."""
    if table not in case.defaulted_tables:
        return given
    return f"default: no [{table}] table ({DEFAULT_TABLE_SOURCES[table]})"


def _ai_path_rows(case: CompareCase) -> list[tuple[str, str, str]]:
    """The conversion, lease and GPU rows; a defaulted table says so."""
    rows: list[tuple[str, str, str]] = []
    if case.lease is not None:
        conv = case.lease.conversion
        capex = conv.shell_capex_usd_per_it_mw + conv.fitout_capex_usd_per_it_mw
        rows.append(
            (
                "conversion",
                f"PUE {conv.pue:g}, {conv.construction_months} months of works, "
                f"${capex / 1e6:.2f}M per IT MW ({conv.it_mw:.1f} IT MW)",
                _table_source(case, "conversion", "site file [conversion]"),
            )
        )
        t = case.lease.terms
        lease_src = _table_source(case, "lease", "site file [lease]")
        rows += [
            (
                "lease rent",
                f"${t.rent_usd_per_kw_month:.2f}/kW-month on {t.it_mw:.1f} IT MW, "
                f"+{t.escalator_frac_per_year:.0%}/yr, {t.term_months // 12} years "
                f"{t.lease_type.value}",
                lease_src,
            ),
            ("lease exit cap rate", f"{case.lease.exit_cap_rate_frac:.2%}", lease_src),
            (
                "lease discount rate",
                f"{case.lease.discount_rate_per_year:.2%}/yr",
                lease_src + ", else cap rate + escalator (Gordon-consistent with the exit)",
            ),
        ]
    if case.gpu is not None:
        gpu_src = _table_source(case, "gpu_cloud", "site file [gpu_cloud]")
        rows.append(
            (
                "gpu discount rate",
                f"{case.gpu.discount_rate_per_year:.2%}/yr",
                gpu_src + ", else the site's rate",
            )
        )
        rows.append(
            (
                "gpu",
                f"{case.gpu.terms.gpu.model} at ${case.gpu.rate_now_usd_per_gpu_hour:.2f}"
                "/GPU-hour today, path from the GPU-rate process",
                gpu_src + "; config/catalogue/gpu.csv",
            )
        )
    return rows


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
    rows += _ai_path_rows(case)
    return rows

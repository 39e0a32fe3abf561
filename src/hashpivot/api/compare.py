"""The decision job's results: a comparison as JSON (``summary``), its sensitivity and every
assumption behind it with its source. The case is built by :mod:`hashpivot.api.case`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np

from hashpivot.api.answer import readable_tornado
from hashpivot.api.case import build_case
from hashpivot.api.market_assumptions import market_assumptions
from hashpivot.api.supplier_rows import supplier_rows
from hashpivot.api.switch_rules import RentTerms, boundary_points, merge_rules, thresholds
from hashpivot.calendar import month_starts
from hashpivot.config.site import DEFAULT_TABLE_SOURCES
from hashpivot.engine.deterministic import deterministic_case
from hashpivot.engine.strategies import CompareCase
from hashpivot.engine.summary import PERCENTILES, Comparison
from hashpivot.errors import InputError
from hashpivot.market.deterministic import describe_path, hashrate_growth_text
from hashpivot.market.discounting import discounting
from hashpivot.market.rent_products import PRODUCTS
from hashpivot.market.snapshot import SCENARIOS, SNAPSHOT, ScenarioName

__all__ = ["assumptions", "build_case", "market_assumptions", "sensitivity", "summary"]


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
    if cmp.market.startswith("deterministic") and case.scenario_override is not None:
        run = deterministic_case(case)
        sc = SCENARIOS[ScenarioName(cmp.market.split()[-1])]
        return describe_path(sc, case.scenario_override, run.start_state, run.snapshot) + (
            "; rent, GPU rate and power on their zero-volatility paths (one path)"
        )
    if cmp.market.startswith("deterministic"):
        name = cmp.market.split()[-1]
        sc = SCENARIOS[ScenarioName(name)]
        return (
            f"deterministic scenario '{name}': BTC {sc.btc_price_growth_per_year:+.0%}/yr from "
            f"${case.start_state.btc_price_usd:,.0f}, network hashrate "
            f"{hashrate_growth_text(sc)}, fee share {sc.fee_share_frac:.1%}; rent, "
            "GPU rate and power on their zero-volatility paths (one path)"
        )
    return (
        f"Monte Carlo: {cmp.paths:,} paths, seed {cmp.seed}; BTC, network hashrate (error "
        "correction on hashprice), fees, rent, GPU rate and power as the market assumptions list"
    )


def package_version() -> str:
    """The installed hashpivot's version ("unknown" when run from a bare source tree)."""
    try:
        return version("hashpivot")
    except PackageNotFoundError:
        return "unknown"


#: How a rent index is named in words.
INDEX_NAMES = {
    "powered_shell": "powered-shell index",
    "ai_hall": "AI-hall index",
    "colocation": "colocation index",
}


def rent_terms(case: CompareCase) -> RentTerms:
    """The policy's rent (the rent this site would sign) against its product's index."""
    link = None if case.lease is None else case.lease.rent
    if link is None:
        return RentTerms()
    return RentTerms(
        spread_usd_per_kw_month=link.spread_usd_per_kw_month,
        index_name=INDEX_NAMES[link.product.value],
    )


def _switch_summary(cmp: Comparison, months: list[str], rent: RentTerms) -> dict[str, Any]:
    """The switch block of the summary: timing, the engine's lines, the merged rules (one per
    decision date), the boundary's points and one threshold per decision date, every rent
    the one this site would sign ($/IT kW-month) with its index level beside it."""
    sw = cmp.switch
    if sw is None:
        return {"best_month": None, "option_value_usd": None, "note": "no [lease] table"}
    return {
        "best_month": sw.best_month,
        "best_month_date": months[sw.best_month] if sw.best_month < len(months) else "never",
        "best_month_is_now": sw.best_month == 0,
        "best_month_npv_mean_usd": sw.best_month_npv_mean_usd,
        "convert_now_npv_mean_usd": sw.convert_now_usd,
        "option_value_usd": sw.option_value_usd,
        "lsm_value_usd": sw.lsm_value_usd,
        "lsm_std_error_usd": sw.lsm_std_error_usd,
        "policy": [_month_label(line, months) for line in sw.policy_lines],
        "rules": merge_rules(sw.policy_lines, months, rent),
        "boundary": boundary_points(sw.policy_lines, months, rent),
        "thresholds": thresholds(sw.policy_lines, rent),
        "rent_basis": "rent = what this site would sign, $/IT kW-month; "
        f"{rent.index_name} = rent {-rent.spread_usd_per_kw_month:+.2f}",
        "conversion_prob_by_month": sw.conversion_prob_by_month.tolist(),
    }


def _monthly(x: Any) -> list[float] | None:
    return None if x is None else [float(v) for v in x]


def summary(case: CompareCase, cmp: Comparison) -> dict[str, Any]:
    """The JSON object of ``hashpivot compare``."""
    months = [f"{m:%Y-%m}" for m in month_starts(case.mining.start, case.horizon)]
    # a deterministic run discounts its own path as deterministic_case says (the basis is MC's)
    btc = (case if cmp.market == "monte carlo" else deterministic_case(case)).market_params.btc
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
        "defaulted_tables": list(case.defaulted_tables),
        "market": market_statement(case, cmp),
        "drift_basis": btc.drift_basis.value,
        "discounting": discounting(btc, case.mining.discount_rate),
        "strategies": {
            k: {
                "npv_mean_usd": s.npv_mean_usd,
                "npv_p10_usd": s.npv_p10_usd,
                "npv_p50_usd": s.npv_p50_usd,
                "npv_p90_usd": s.npv_p90_usd,
                "prob_best": s.prob_best,
                "prob_loss": s.prob_loss,
                "irr_p50": _num(s.irr_p50),
                "irr_display": s.irr_display,
                "irr_note": s.irr_note,
                "equity_usd_per_w_p50": s.equity_usd_per_w_p50,
            }
            for k, s in cmp.strategies.items()
        },
        "interrupted": cmp.interrupted,
        "notes": cmp.notes,
    }
    out["switch"] = _switch_summary(cmp, months, rent_terms(case))
    out["fan"] = {
        "percentiles": list(PERCENTILES),
        "months": months,
        "hashprice_usd_per_ph_day": cmp.fan_hashprice.tolist(),
        "btc_price_usd": cmp.fan_btc_price.tolist(),
        "hashprice_mean_usd_per_ph_day": cmp.fan_hashprice_mean.tolist(),
        "btc_price_mean_usd": cmp.fan_btc_price_mean.tolist(),
        "labels": {
            "percentiles": "P10 .. P90 of the sample paths (P50 = median)",
            "mean": "mean of the sample paths",
        },
    }
    out["monthly_p50_net_usd"] = {
        k: _monthly(s.monthly_p50_net_usd) for k, s in cmp.strategies.items()
    }
    out["run"] = {
        "date_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": package_version(),
        "seed": cmp.seed,
    }
    return out


def sensitivity(case: CompareCase, strategy: str) -> dict[str, Any]:
    """Tornado and Sobol indices of one strategy's NPV (engine.site_sensitivity)."""
    from hashpivot.engine.deterministic import scenario_of
    from hashpivot.engine.site_sensitivity import SENSITIVITY_RANGES, base_label, site_sensitivity

    if strategy not in case.strategies:  # any registered strategy the site has (supplier too)
        raise InputError("--sensitivity", strategy, "one of " + ", ".join(case.strategies))
    tor, sob = site_sensitivity(case, strategy)
    out: dict[str, Any] = {
        "strategy": strategy,
        "base_output_usd": tor.base_output,
        "base_label": base_label(case),
        "scenario": scenario_of(case, None).value,
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
    _rent_inputs(case, out["tornado"])
    out["tornado_readable"] = readable_tornado(out)
    return out


def _rent_inputs(case: CompareCase, rows: list[dict[str, Any]]) -> None:
    """The rent row of the tornado in the site's own terms: the rent this site would sign at
    the low and high multipliers [$/IT kW-month] and the index level there."""
    if case.lease is None:
        return
    rent = case.lease.terms.rent_usd_per_kw_month
    spread = rent_terms(case).spread_usd_per_kw_month
    for r in rows:
        if r["name"] == "rent":
            lo, hi = r["low_input"] * rent, r["high_input"] * rent
            r["low_rent_usd_per_kw_month"], r["high_rent_usd_per_kw_month"] = lo, hi
            r["low_index_usd_per_kw_month"] = lo - spread
            r["high_index_usd_per_kw_month"] = hi - spread
            r["source"] = (
                f"x the rent this site would sign (${lo:.2f} to ${hi:.2f}/kW-month, "
                f"{rent_terms(case).index_name} ${lo - spread:.2f} to ${hi - spread:.2f}) at "
                "every signing month; about two years of its index's volatility"
            )


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


def _table_source(case: CompareCase, table: str, given: str) -> str:
    """'site file [lease]', or 'default: no [lease] table' with the default's source."""
    if table not in case.defaulted_tables:
        return given
    return f"default: no [{table}] table ({DEFAULT_TABLE_SOURCES[table]})"


_DEFAULT_TEXT = {
    "product": "product: ai_hall where the landlord pays a fit-out, else powered_shell",
    "rent_basis": "basis: signed",
    "spread_usd_per_kw_month": "spread: 0",
}


def _rent_rows(case: CompareCase, lease_src: str) -> list[tuple[str, str, str]]:
    """The lease's product, basis and spread against its index, and every index's level and
    source (docs/methodology.md "Rent markets")."""
    assert case.lease is not None
    link = case.lease.rent
    if link is None:
        return []
    idx = case.start_state.rent_usd_per_kw_month
    rent = case.lease.terms.rent_usd_per_kw_month
    spread = link.spread_usd_per_kw_month
    name = INDEX_NAMES[link.product]
    at = rent - spread  # the index the spread is measured against
    where = (
        "today"
        if link.basis.value == "market"
        else f"expected at the site's first month (${idx:.2f} today)"
    )
    value = (
        f"{link.product.value}, {link.basis.value} basis: ${rent:.2f} = {name} ${at:.2f} "
        f"{where} {spread:+.2f} spread; a conversion decided later signs at that month's "
        f"index {spread:+.2f}"
        + ("" if link.basis.value == "market" else " (the signed rent itself stays fixed)")
    )
    defaults = [_DEFAULT_TEXT[k] for k in link.defaults]
    src = lease_src + (f"; documented defaults: {'; '.join(defaults)}" if defaults else "")
    m = PRODUCTS[link.product]
    src += (
        f"; index: {m.source}, {m.as_of}"
        if idx == m.level_usd_per_kw_month
        else "; index: site file [market] rent_usd_per_kw_month"
    )
    indices = "; ".join(
        f"{m.product.value} ${m.level_usd_per_kw_month:.2f}/kW-month ({m.source}, {m.as_of})"
        for m in PRODUCTS.values()
    )
    rows = [
        ("lease rent index", value, src),
        ("rent indices", indices, "market/rent_products.py; docs/methodology.md Rent markets"),
    ]
    if case.power_gap_mode == "off" and "power_gap" in case.market_keys:
        rows.append(("power gap", "off: the rent index's long-run level is its own", _GAP_SRC))
    elif case.power_gap_mode != "off":
        how = (
            "each path on its own lognormal draw of the gap around the default"
            if case.rent_anchor_draw
            else "one level; the default gap (Morgan Stanley 2028) is the index's reference, "
            "so at the default inputs the level is unchanged"
        )
        rows.append(
            (
                "power gap",
                f"drives the {link.product.value} index's long-run rent ({how}; elasticity 0.5)",
                "site file [market] power_gap; Morgan Stanley power gap (market-facts.md)",
            )
        )
    return rows


_GAP_SRC = "site file [market] power_gap; Morgan Stanley power gap (market-facts.md)"


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
            *_rent_rows(case, lease_src),
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
            f"powered land ${case.sale.price_usd_per_mw / 1e6:.2f}M/MW x rent index / today's"
            " + ASICs "
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
    rows += supplier_rows(case)
    return rows

"""The assumption rows of a GPU cloud result (``gpu-cloud`` and the site's GPU path)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from hashpivot.compute.gpu_fleet import Fleet, Purchase, build_fleet
from hashpivot.compute.gpu_generations import GpuSpec, add_months, usd_per_performance
from hashpivot.compute.gpu_terms import GpuCloudTerms
from hashpivot.config.lease_rows import defaulted_rows
from hashpivot.config.parameters import parameter

if TYPE_CHECKING:
    from hashpivot.config.gpu_cloud import GpuCloudCase

__all__ = ["gpu_assumption_rows"]

#: An assumption row before its source is settled: (name, value, field, default source).
_Row = tuple[str, str, str, str]


def _quoted(value: str, when: date | None) -> str:
    return value if when is None else f"{value} quoted {when:%Y-%m}"


def _before_release(bought: GpuSpec, first: Purchase | None, start: date) -> str:
    """A note when the first purchase falls before its generation's release (capped: priced
    at the release, compute/gpu_generations.py), else ''."""
    if first is None or bought.release is None:
        return ""
    if add_months(start, first.month) >= bought.release:
        return ""
    return (
        f" (a purchase before the {bought.name} release is priced at its {bought.release:%Y-%m}"
        " release: figures are not extrapolated to before a GPU existed)"
    )


def _catalogue_rows(spec: GpuSpec, first: Purchase | None, start: date) -> list[_Row]:
    """Rows of the GPU's catalogue figures: generation, kW per GPU, capex per GPU at the
    first purchase, market rate then, price per unit of performance; each cites the source of
    the GPU actually bought (with ``gpu_model = "current"``, the generation current at the
    first purchase, not the newest row)."""
    bought = first.spec if first is not None else spec
    cat = f"catalogue gpu.csv ({bought.name}): {bought.source}"
    capex = first.capex_usd_per_gpu if first is not None else spec.capex_usd_per_gpu
    rate = first.rate_usd_per_gpu_hour if first is not None else spec.rate_usd_per_gpu_hour
    when = "" if first is None else f" (month {first.month})"
    capped = _before_release(bought, first, start)
    return [
        ("GPU model", bought.name, "gpu_model", "-"),
        ("IT power per GPU", f"{bought.it_kw_per_gpu:g} kW", "it_kw_per_gpu", cat),
        (
            "capex per GPU (all-in) at purchase",
            f"${capex:,.0f}{when}{capped}; "
            + _quoted(f"catalogue ${bought.capex_usd_per_gpu:,.0f}", bought.capex_date)
            + f"; ${usd_per_performance(capex, bought.relative_performance):,.0f} per "
            f"H100-equivalent (x{bought.relative_performance:.2f}"
            + (f", {bought.performance_basis})" if bought.performance_basis else ")"),
            "capex_usd_per_gpu",
            cat,
        ),
        (
            "market rate at purchase",
            f"${rate:.2f}/GPU-h{when}; "
            + _quoted(
                f"catalogue ${bought.rate_usd_per_gpu_hour:.2f} ({bought.rate_basis})",
                bought.rate_date,
            )
            + f"; floor ${bought.rate_floor_usd_per_gpu_hour:.2f}",
            "rate_usd_per_gpu_hour",
            cat,
        ),
        (
            "rate and price decay by age",
            f"-{spec.rate_decay_frac_per_year:.1%}/yr",
            "rate_decay_frac_per_year",
            "the GPU-rate process's decay per generation (market.gpu_rate_decay_per_generation_frac"
            " / gpu_rate_generation_years; default 35% per 2 y)",
        ),
    ]


def _refresh_row(t: GpuCloudTerms, fleet: Fleet) -> _Row:
    """The row of the refresh cycle: every ``refresh_years`` the then-current generation."""
    if t.refresh_years <= 0:
        return ("refresh", "none (refresh_years = 0)", "refresh_years", "GPU file")
    refreshes = [p for p in fleet.purchases if p not in fleet.first_purchases]
    first = (
        f"; first in month {refreshes[0].month}: {refreshes[0].spec.name} at "
        f"${refreshes[0].capex_usd_per_gpu:,.0f}/GPU, ${refreshes[0].rate_usd_per_gpu_hour:.2f}"
        "/GPU-h"
        if refreshes
        else "; none inside the horizon"
    )
    return (
        "refresh",
        f"every {t.refresh_years:g} y to the then-current generation at its price, old GPUs"
        f" sold at book{first}",
        "refresh_years",
        "default 5 y: the depreciation life (market-facts.md)",
    )


def _credit_row(case: GpuCloudCase) -> _Row:
    """The row of the contracted share's discount rate: risk-free + counterparty spread."""
    g, t = case.config, case.terms
    site_rate = case.assumptions.discount_rate_per_year
    spread = g.counterparty_spread()
    if t.contract_discount_rate_per_year is None or spread is None:
        return (
            "contracted flows discounted at",
            f"the site rate {site_rate:.2%}/yr (no counterparty credit given)",
            "counterparty_rating",
            "default: no counterparty rating or spread",
        )
    rating = f" ({g.counterparty_rating})" if g.counterparty_credit_spread_frac is None else ""
    rf = t.contract_discount_rate_per_year - spread[0]
    rf_source = (
        "GPU file"
        if g.risk_free_rate is not None
        else str(parameter("market.risk_free_rate_per_year").source)
    )
    return (
        "contracted flows discounted at",
        f"{t.contract_discount_rate_per_year:.2%}/yr = risk-free {rf:.2%} + "
        f"counterparty spread {spread[0]:.2%}{rating}, on the contract's net flows (its "
        f"revenue less the opex and capex serving it); the merchant share and the terminal "
        f"value at {site_rate:.2%}/yr",
        "counterparty_rating",
        f"spread: {spread[1]}; risk-free: {rf_source}",
    )


def _business_rows(t: GpuCloudTerms) -> list[_Row]:
    """Rows of the business terms: contract, utilisation, power, staff, site opex, life."""
    est = "hashpivot estimate (2025)"
    return [
        (
            "contract",
            f"{t.contracted_share_frac:.0%} of GPUs at ${t.contract_rate_usd_per_gpu_hour:.2f}"
            f"/GPU-h for {t.contract_months} months, prepayment {t.prepayment_frac:.0%}",
            "contracted_share_frac",
            "default: none contracted",
        ),
        ("utilisation (uncontracted)", f"{t.utilisation_frac:.0%}", "utilisation_frac", est),
        (
            "power price",
            f"${t.power_price_usd_per_mwh:.2f}/MWh",
            "power_price_usd_per_mwh",
            "site [power]",
        ),
        (
            "staff and software",
            f"${t.staff_software_usd_per_gpu_year:,.0f}/GPU-yr",
            "staff_software_usd_per_gpu_year",
            est,
        ),
        (
            "site opex",
            f"${t.site_opex_usd_per_it_mw_year:,.0f}/IT MW-yr",
            "site_opex_usd_per_it_mw_year",
            est,
        ),
        (
            "depreciation life",
            f"{t.depreciation_life_years:g} y to {t.residual_value_frac:.0%} residual",
            "depreciation_life_years",
            "default 5 y: Amazon 5 y (CoreWeave 6, Nebius 4; market-facts.md)",
        ),
    ]


def _facility_row(case: GpuCloudCase) -> dict[str, str]:
    """The row of the conversion: PUE and facility capex (shell + fit-out) [USD/IT MW]."""
    v = case.conversion_config
    facility_per_mw = v.shell_capex_usd_per_it_mw + v.fitout_capex_usd_per_it_mw
    return {
        "name": "PUE / facility capex",
        "value": f"{v.pue:g}; ${facility_per_mw / 1e6:,.2f}M/IT MW",
        "source": (
            "default: no [conversion] table"
            if "conversion" in case.defaulted
            else "GPU file [conversion]"
            if v.model_fields_set
            else "documented defaults (docs/site-file.md)"
        ),
    }


def gpu_assumption_rows(case: GpuCloudCase) -> list[dict[str, str]]:
    """Rows ``{name, value, source}`` of the assumptions behind a GPU cloud result."""
    g, t, a = case.config, case.terms, case.assumptions
    fs = "GPU file" + (f": {g.source}" if g.source else "")

    def src(name: str, default: str) -> str:
        return fs if name in g.model_fields_set else default

    fleet = build_fleet(t, case.conversion, case.start, case.months)
    first = fleet.first_purchases[0] if fleet.first_purchases else None
    rows = [
        *_catalogue_rows(t.gpu, first, case.start),
        *_business_rows(t),
        _refresh_row(t, fleet),
        _credit_row(case),
        (
            "discount rate",
            f"{a.discount_rate_per_year:.2%}/yr (monthly (1+r)^(1/12)-1)",
            "discount_rate",
            "site discount_rate",
        ),
        (
            "horizon",
            f"{case.months} months from {case.start.isoformat()}",
            "horizon_years",
            "site horizon_months",
        ),
    ]
    out = defaulted_rows(case.defaulted)
    out += [{"name": n, "value": val, "source": src(k, d)} for n, val, k, d in rows]
    out.append(_facility_row(case))
    out.append(_hall_row(t))
    return out


def _hall_row(t: GpuCloudTerms) -> dict[str, str]:
    """The row of the hall's terminal value: leased (the lease path's exit) or at book."""
    lease = t.hall_lease
    if lease is None:
        value = f"facility at straight-line book over {t.facility_life_years:g} y; GPUs at book"
    else:
        value = (
            f"leased: ${lease.rent_usd_per_kw_month:.2f}/kW-month year 1, "
            f"+{lease.escalator_frac_per_year:.1%}/yr, forward NOI / exit cap "
            f"{t.hall_exit_cap_rate_frac:.2%}; GPUs at book"
        )
    return {
        "name": "terminal value (hall, GPUs)",
        "value": value,
        "source": "the lease path's exit on the same hall: site [lease] or its defaults "
        "(docs/site-file.md lease.*)",
    }

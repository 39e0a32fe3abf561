"""The ``[gpu_cloud]`` table, the GPU catalogue and standalone GPU cloud files.

The catalogue (``config/catalogue/gpu.csv``) holds one row per GPU model with a ``source``
column; any field can be overridden in the file. Defaults of the business (sources in
docs/methodology.md): utilisation 80%, depreciation 5 years (Amazon 5 y; CoreWeave
6, Nebius 4), staff and software $1,500 per GPU-year and site opex $150k per IT MW-year
(hashpivot estimates, 2025), maintenance 2% of GPU capex a year (estimate).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict

from hashpivot.compute.conversion import Conversion
from hashpivot.compute.gpu_cloud import GpuCloudTerms, GpuModel, GpuSpec
from hashpivot.config.conversion import ConversionConfig
from hashpivot.config.errors import first_input_error
from hashpivot.config.lease import DebtConfig, LeaseConfig, SiteInfo, TaxConfig, _lease_terms
from hashpivot.config.lease_rows import defaulted_rows
from hashpivot.config.parameters import field
from hashpivot.config.power import PowerConfig
from hashpivot.errors import DataError, InputError
from hashpivot.valuation.projects import PowerBasis, ValuationAssumptions

__all__ = [
    "GpuCloudCase",
    "GpuCloudConfig",
    "GpuCloudFile",
    "build_gpu_case",
    "gpu_assumption_rows",
    "load_gpu_catalogue",
    "parse_gpu_cloud_file",
]

_CATALOGUE_COLUMNS = (
    "model",
    "release",
    "it_kw_per_gpu",
    "capex_usd_per_gpu",
    "rate_usd_per_gpu_hour",
    "rate_basis",
    "rate_decay_frac_per_year",
    "rate_floor_usd_per_gpu_hour",
    "status",
    "source",
)


@cache
def load_gpu_catalogue() -> dict[GpuModel, GpuSpec]:
    """The packaged GPU catalogue, one :class:`GpuSpec` per :class:`GpuModel`.

    Raises :class:`DataError` if the CSV lacks a column, a model or holds a non-number.
    """
    text = resources.files("hashpivot.config").joinpath("catalogue/gpu.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    src = "config/catalogue/gpu.csv"
    if not rows or tuple(rows[0].keys()) != _CATALOGUE_COLUMNS:
        raise DataError(f"expected columns {', '.join(_CATALOGUE_COLUMNS)}", source=src)
    out: dict[GpuModel, GpuSpec] = {}
    for i, row in enumerate(rows, start=2):
        try:
            model = GpuModel(row["model"])
            out[model] = GpuSpec(
                model=model,
                it_kw_per_gpu=float(row["it_kw_per_gpu"]),
                capex_usd_per_gpu=float(row["capex_usd_per_gpu"]),
                rate_usd_per_gpu_hour=float(row["rate_usd_per_gpu_hour"]),
                rate_decay_frac_per_year=float(row["rate_decay_frac_per_year"]),
                rate_floor_usd_per_gpu_hour=float(row["rate_floor_usd_per_gpu_hour"]),
                rate_basis=row["rate_basis"],
                source=row["source"],
            )
        except ValueError as exc:
            raise DataError(f"line {i}: {exc}", source=src) from exc
    missing = set(GpuModel) - set(out)
    if missing:
        raise DataError(f"models missing: {sorted(missing)}", source=src)
    return out


_STRICT = ConfigDict(extra="forbid", frozen=True)


def _f(name: str) -> Any:
    return field(f"gpu_cloud.{name}")


class GpuCloudConfig(BaseModel):
    """A GPU cloud on the converted site and how to value it (``[gpu_cloud]``).

    ``GpuCloudConfig()`` (an H100 merchant cloud on the catalogue's terms) values a site
    without ``[gpu_cloud]``.
    """

    model_config = _STRICT

    gpu_model: GpuModel = _f("gpu_model")
    it_mw: float | None = _f("it_mw")
    it_kw_per_gpu: float | None = _f("it_kw_per_gpu")
    capex_usd_per_gpu: float | None = _f("capex_usd_per_gpu")
    rate_usd_per_gpu_hour: float | None = _f("rate_usd_per_gpu_hour")
    rate_decay_frac_per_year: float | None = _f("rate_decay_frac_per_year")
    rate_floor_usd_per_gpu_hour: float | None = _f("rate_floor_usd_per_gpu_hour")
    contracted_share_frac: float = _f("contracted_share_frac")
    contract_rate_usd_per_gpu_hour: float | None = _f("contract_rate_usd_per_gpu_hour")
    contract_years: float = _f("contract_years")
    prepayment_frac: float = _f("prepayment_frac")
    utilisation_frac: float = _f("utilisation_frac")
    power_load_frac: float = _f("power_load_frac")
    power_price_usd_per_mwh: float | None = _f("power_price_usd_per_mwh")
    staff_software_usd_per_gpu_year: float = _f("staff_software_usd_per_gpu_year")
    site_opex_usd_per_it_mw_year: float = _f("site_opex_usd_per_it_mw_year")
    maintenance_frac_of_capex_per_year: float = _f("maintenance_frac_of_capex_per_year")
    depreciation_life_years: float = _f("depreciation_life_years")
    refresh: bool = _f("refresh")
    refresh_capex_frac: float = _f("refresh_capex_frac")
    residual_value_frac: float = _f("residual_value_frac")
    facility_life_years: float = _f("facility_life_years")
    horizon_years: float | None = _f("horizon_years")
    discount_rate: float | None = _f("discount_rate")
    basis: PowerBasis = _f("basis")
    announced_contract_value_usd: float | None = _f("announced_contract_value_usd")
    source: str = _f("source")
    debt: DebtConfig | None = _f("debt")
    tax: TaxConfig | None = _f("tax")

    def spec(self) -> GpuSpec:
        """The catalogue row with this table's overrides."""
        base = load_gpu_catalogue()[self.gpu_model]
        return GpuSpec(
            model=base.model,
            it_kw_per_gpu=self.it_kw_per_gpu or base.it_kw_per_gpu,
            capex_usd_per_gpu=self.capex_usd_per_gpu or base.capex_usd_per_gpu,
            rate_usd_per_gpu_hour=self.rate_usd_per_gpu_hour or base.rate_usd_per_gpu_hour,
            rate_decay_frac_per_year=(
                base.rate_decay_frac_per_year
                if self.rate_decay_frac_per_year is None
                else self.rate_decay_frac_per_year
            ),
            rate_floor_usd_per_gpu_hour=(
                base.rate_floor_usd_per_gpu_hour
                if self.rate_floor_usd_per_gpu_hour is None
                else self.rate_floor_usd_per_gpu_hour
            ),
            rate_basis=base.rate_basis,
            source=base.source,
        )


class GpuCloudFile(BaseModel):
    """A standalone GPU cloud file."""

    model_config = _STRICT

    site: SiteInfo = SiteInfo()
    power: PowerConfig | None = None
    gpu_cloud: GpuCloudConfig
    conversion: ConversionConfig = ConversionConfig()


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuCloudCase:
    """A validated GPU cloud, ready to value."""

    name: str
    source_file: str
    start: date
    months: int
    terms: GpuCloudTerms
    conversion: Conversion
    assumptions: ValuationAssumptions
    config: GpuCloudConfig
    conversion_config: ConversionConfig
    defaulted: tuple[str, ...] = ()


def build_gpu_case(
    site: SiteInfo,
    site_power_price: float | None,
    g: GpuCloudConfig,
    conv_cfg: ConversionConfig,
    src: str,
    *,
    defaulted: tuple[str, ...] = (),
    hall_lease: LeaseConfig | None = None,
) -> GpuCloudCase:
    """The GPU cloud of ``g`` on the site frame ``site`` converted by ``conv_cfg``.

    ``defaulted`` names the tables the file lacks. ``hall_lease`` (the site's ``[lease]``,
    default: its documented defaults) values the hall at the horizon as the lease path
    would: forward NOI / exit cap rate. Raises :class:`InputError` naming ``src``.
    """
    conv = conv_cfg.to_domain(gross_mw=site.capacity_mw, it_mw=g.it_mw, source=src)
    price = g.power_price_usd_per_mwh if g.power_price_usd_per_mwh is not None else site_power_price
    if price is None:
        raise InputError(
            "gpu_cloud.power_price_usd_per_mwh", None, "a power price [USD/MWh]", source=src
        )
    rate = g.discount_rate if g.discount_rate is not None else site.discount_rate
    if rate is None:
        raise InputError(
            "gpu_cloud.discount_rate", None, "an annual discount rate, e.g. 0.12", source=src
        )
    spec = g.spec()
    contract_months = round(12 * g.contract_years)
    if g.horizon_years is not None:
        months = round(12 * g.horizon_years)
    elif site.horizon_months is not None:
        months = site.horizon_months
    else:
        months = conv.full_delivery_month + max(contract_months, 60)
    terms = GpuCloudTerms(
        gpu=spec,
        contracted_share_frac=g.contracted_share_frac,
        contract_rate_usd_per_gpu_hour=(
            g.contract_rate_usd_per_gpu_hour or spec.rate_usd_per_gpu_hour
        ),
        contract_months=contract_months,
        prepayment_frac=g.prepayment_frac,
        utilisation_frac=g.utilisation_frac,
        power_load_frac=g.power_load_frac,
        power_price_usd_per_mwh=price,
        staff_software_usd_per_gpu_year=g.staff_software_usd_per_gpu_year,
        site_opex_usd_per_it_mw_year=g.site_opex_usd_per_it_mw_year,
        maintenance_frac_of_capex_per_year=g.maintenance_frac_of_capex_per_year,
        depreciation_life_years=g.depreciation_life_years,
        refresh=g.refresh,
        refresh_capex_frac=g.refresh_capex_frac,
        residual_value_frac=g.residual_value_frac,
        facility_life_years=g.facility_life_years,
        **_hall_terms(hall_lease or LeaseConfig(), conv, price),
    )
    assumptions = ValuationAssumptions(
        discount_rate_per_year=rate,
        basis=g.basis,
        equity_discount_rate_per_year=g.debt.equity_discount_rate if g.debt else None,
        debt=g.debt.to_domain(conv.first_delivery_month) if g.debt else None,
        tax=g.tax.to_domain() if g.tax else None,
    )
    return GpuCloudCase(
        name=site.name,
        source_file=src,
        start=site.start,
        months=months,
        terms=terms,
        conversion=conv,
        assumptions=assumptions,
        config=g,
        conversion_config=conv_cfg,
        defaulted=defaulted,
    )


def _hall_terms(lease: LeaseConfig, conv: Conversion, price: float) -> dict[str, Any]:
    """The hall's lease for the terminal value: ``lease`` on the whole converted IT MW from
    the first delivery (as the lease path without ``it_mw`` / ``commencement_month``), its
    exit cap rate (default: the cap rate by tenant credit) and sale cost."""
    return {
        "hall_lease": _lease_terms(lease, conv.it_mw, conv.first_delivery_month, price),
        "hall_exit_cap_rate_frac": lease.exit_cap_rate_frac or lease.cap_rate,
        "hall_sale_cost_frac": lease.sale_cost_frac,
    }


def parse_gpu_cloud_file(data: dict[str, Any], src: str) -> GpuCloudCase:
    """A standalone GPU cloud file (already read) as a :class:`GpuCloudCase`."""
    if "gpu_cloud" not in data:
        raise InputError("gpu_cloud", "(missing)", "a [gpu_cloud] table", source=src)
    try:
        f = GpuCloudFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise first_input_error(exc, source=src) from None
    price = f.power.price_usd_per_mwh if f.power is not None else None
    return build_gpu_case(f.site, price, f.gpu_cloud, f.conversion, src)


#: An assumption row before its source is settled: (name, value, field, default source).
_Row = tuple[str, str, str, str]


def _catalogue_rows(spec: GpuSpec) -> list[_Row]:
    """Rows of the GPU's catalogue figures: model, kW per GPU, capex per GPU, market rate."""
    cat = f"catalogue gpu.csv ({spec.model.value}): {spec.source}"
    return [
        ("GPU model", spec.model.value, "gpu_model", "-"),
        ("IT power per GPU", f"{spec.it_kw_per_gpu:g} kW", "it_kw_per_gpu", cat),
        ("capex per GPU (all-in)", f"${spec.capex_usd_per_gpu:,.0f}", "capex_usd_per_gpu", cat),
        (
            "market rate",
            f"${spec.rate_usd_per_gpu_hour:.2f}/GPU-h ({spec.rate_basis}), "
            f"-{spec.rate_decay_frac_per_year:.0%}/yr, "
            f"floor ${spec.rate_floor_usd_per_gpu_hour:.2f}",
            "rate_usd_per_gpu_hour",
            cat,
        ),
    ]


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
            "depreciation life / refresh",
            f"{t.depreciation_life_years:g} y, refresh {'yes' if t.refresh else 'no'}",
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

    rows = [
        *_catalogue_rows(t.gpu),
        *_business_rows(t),
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

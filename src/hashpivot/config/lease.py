"""The ``[lease]`` table and standalone lease files (validated at the edge).

A lease file is TOML with ``[lease]``, optionally ``[conversion]``, ``[site]`` (name,
capacity_mw, start, discount_rate) and ``[power]``. A full site file (with ``[fleet]`` or
``[mining]``) is read by :func:`hashpivot.config.site.load_site` and its ``lease`` /
``conversion`` / ``site`` tables are used.

Defaults (docs/methodology.md, with sources): escalator 3%/yr (TeraWulf-Core42,
market-facts.md); cap rate by tenant credit (:data:`hashpivot.compute.shell.CAP_RATE_BY_CREDIT`);
discount rate = cap rate + escalator (Gordon); recoverable opex and management fee are
hashpivot estimates (2025).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hashpivot.compute.conversion import Conversion
from hashpivot.compute.shell import (
    CAP_RATE_BY_CREDIT,
    LeaseTerms,
    LeaseType,
    TenantCredit,
    default_discount_rate,
)
from hashpivot.config.conversion import ConversionConfig
from hashpivot.config.errors import first_input_error
from hashpivot.config.files import read_toml
from hashpivot.config.power import PowerConfig
from hashpivot.errors import InputError
from hashpivot.valuation.equity import Amortisation, DebtTerms
from hashpivot.valuation.projects import PowerBasis, TaxTerms, ValuationAssumptions
from hashpivot.valuation.tax import DepreciationMethod

__all__ = [
    "DebtConfig",
    "LeaseCase",
    "LeaseConfig",
    "LeaseFile",
    "SiteInfo",
    "TaxConfig",
    "lease_assumption_rows",
    "load_lease_file",
    "read_toml",
]


class DebtConfig(BaseModel):
    """Project debt: ``[lease.debt]`` / ``[gpu_cloud.debt]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ltc_frac: float = Field(ge=0, le=1, description="Loan-to-cost [fraction, 0..1]")
    rate_per_year: float = Field(ge=0, le=1, description="Interest rate [fraction/year]")
    tenor_years: float = Field(gt=0, le=40, description="Years from first draw to maturity")
    amortisation: Amortisation = Amortisation.ANNUITY
    grace_months: int | None = Field(
        None, ge=0, le=240, description="Interest-only months (default: until delivery)"
    )
    min_dscr: float = Field(1.25, gt=0, le=10, description="Covenant minimum DSCR [x]")
    equity_discount_rate: float | None = Field(
        None, gt=-0.5, lt=2, description="Levered equity rate [fraction/year]"
    )

    def to_domain(self, default_grace_months: int) -> DebtTerms:
        """Core :class:`~hashpivot.valuation.equity.DebtTerms`."""
        return DebtTerms(
            ltc_frac=self.ltc_frac,
            rate_per_year=self.rate_per_year,
            tenor_months=round(12 * self.tenor_years),
            amortisation=self.amortisation,
            grace_months=(default_grace_months if self.grace_months is None else self.grace_months),
            min_dscr=self.min_dscr,
        )


class TaxConfig(BaseModel):
    """Income tax option: ``[lease.tax]`` / ``[gpu_cloud.tax]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate_frac: float = Field(ge=0, le=0.6, description="Combined income tax rate [fraction]")
    depreciation: DepreciationMethod = DepreciationMethod.STRAIGHT_LINE
    life_years: float = Field(15, gt=0, le=50, description="Life or MACRS class [years]")
    carry_forward: bool = True

    @model_validator(mode="after")
    def _macrs_class(self) -> TaxConfig:
        if self.depreciation is DepreciationMethod.MACRS and self.life_years not in (
            3,
            5,
            7,
            10,
            15,
            20,
        ):
            raise ValueError(
                f"life_years = {self.life_years!r}: MACRS needs a class of 3, 5, 7, 10, 15 or 20"
            )
        return self

    def to_domain(self) -> TaxTerms:
        """Core :class:`~hashpivot.valuation.projects.TaxTerms`."""
        return TaxTerms(
            rate_frac=self.rate_frac,
            method=self.depreciation,
            life_years=self.life_years,
            carry_forward=self.carry_forward,
        )


class LeaseConfig(BaseModel):
    """A lease of critical IT capacity and how to value it (``[lease]``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tenant: str = Field("", max_length=200, description="Tenant name (reported)")
    source: str = Field("", max_length=2000, description="Where the terms come from")
    tenant_credit: TenantCredit = TenantCredit.HYPERSCALER
    lease_type: LeaseType = LeaseType.TRIPLE_NET
    it_mw: float | None = Field(None, gt=0, le=10_000, description="Leased critical IT [MW]")
    rent_usd_per_kw_month: float | None = Field(
        None, gt=0, le=10_000, description="Year-1 rent [USD per kW of critical IT per month]"
    )
    rent_usd_per_mw_year: float | None = Field(
        None, gt=0, le=1.2e8, description="Year-1 rent [USD per MW of critical IT per year]"
    )
    commencement_month: int | None = Field(
        None, ge=0, le=600, description="Rent commencement [months after start]"
    )
    term_years: float = Field(gt=0, le=50, description="Base term [years]")
    escalator_frac_per_year: float = Field(0.03, ge=-0.1, le=0.2, description="[fraction/yr]")
    ramp_months: int = Field(0, ge=0, le=120)
    free_rent_months: int = Field(0, ge=0, le=120)
    prepayment_months: float = Field(0.0, ge=0, le=120, description="Prepaid rent [months]")
    renewal_options: int = Field(0, ge=0, le=10)
    renewal_term_years: float = Field(5.0, gt=0, le=30)
    renewals_assumed: int = Field(0, ge=0, le=10)
    renewal_rent_multiplier: float = Field(1.0, gt=0, le=5)
    it_load_frac: float = Field(0.8, gt=0, le=1, description="Average IT draw (gross lease)")
    power_price_usd_per_mwh: float | None = Field(None, ge=-1000, le=10_000)
    property_tax_usd_per_it_mw_year: float = Field(30_000.0, ge=0, le=1e7)
    insurance_usd_per_it_mw_year: float = Field(15_000.0, ge=0, le=1e7)
    maintenance_opex_usd_per_it_mw_year: float = Field(50_000.0, ge=0, le=1e7)
    non_recoverable_opex_usd_per_it_mw_year: float = Field(0.0, ge=0, le=1e7)
    management_fee_frac: float = Field(0.02, ge=0, le=0.5)
    maintenance_capex_usd_per_it_mw_year: float = Field(20_000.0, ge=0, le=1e7)
    opex_escalator_frac_per_year: float = Field(0.025, ge=-0.1, le=0.3)
    cap_rate_frac: float | None = Field(None, gt=0, lt=1, description="Cap rate [fraction/yr]")
    exit_cap_rate_frac: float | None = Field(None, gt=0, lt=1)
    discount_rate: float | None = Field(None, gt=-0.5, lt=2, description="DCF rate [1/yr]")
    sale_cost_frac: float = Field(0.0, ge=0, lt=1)
    hold_years: float | None = Field(None, gt=0, le=60, description="Exit after [years]")
    basis: PowerBasis = PowerBasis.IT
    announced_contract_value_usd: float | None = Field(None, gt=0)
    debt: DebtConfig | None = None
    tax: TaxConfig | None = None

    @model_validator(mode="after")
    def _check(self) -> LeaseConfig:
        if (self.rent_usd_per_kw_month is None) == (self.rent_usd_per_mw_year is None):
            raise ValueError(
                "exactly one of rent_usd_per_kw_month or rent_usd_per_mw_year (a number > 0)"
            )
        if self.renewals_assumed > self.renewal_options:
            raise ValueError(
                f"renewals_assumed = {self.renewals_assumed}: at most renewal_options = "
                f"{self.renewal_options}"
            )
        return self

    @property
    def year1_rent_usd_per_kw_month(self) -> float:
        """Year-1 rent in USD per kW-month (``rent_usd_per_mw_year / 1000 / 12`` if given so)."""
        if self.rent_usd_per_kw_month is not None:
            return self.rent_usd_per_kw_month
        assert self.rent_usd_per_mw_year is not None  # guaranteed by the validator
        return self.rent_usd_per_mw_year / 1000.0 / 12.0

    @property
    def cap_rate(self) -> float:
        """Cap rate given, else the default of the tenant credit [fraction/year]."""
        return self.cap_rate_frac or CAP_RATE_BY_CREDIT[self.tenant_credit]

    @property
    def dcf_rate(self) -> float:
        """Discount rate given, else cap rate + escalator (Gordon) [fraction/year]."""
        if self.discount_rate is not None:
            return self.discount_rate
        return default_discount_rate(self.cap_rate, self.escalator_frac_per_year)


class SiteInfo(BaseModel):
    """A small ``[site]`` table for standalone lease / GPU files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("site", max_length=200)
    capacity_mw: float | None = Field(None, gt=0, le=20_000, description="Gross MW at the meter")
    overhead_frac: float = Field(0.0, ge=0, lt=1)
    start: date = date(2026, 1, 1)
    horizon_months: int | None = Field(None, ge=1, le=720)
    discount_rate: float | None = Field(None, gt=-0.5, lt=2)


class LeaseFile(BaseModel):
    """A standalone lease file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: SiteInfo = SiteInfo()
    power: PowerConfig | None = None
    lease: LeaseConfig
    conversion: ConversionConfig = ConversionConfig()


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseCase:
    """A validated lease, ready to value: core types plus the config for reporting."""

    name: str
    source_file: str
    start: date
    months: int
    terms: LeaseTerms
    conversion: Conversion
    assumptions: ValuationAssumptions
    config: LeaseConfig
    conversion_config: ConversionConfig

    def assumption_rows(self) -> list[dict[str, str]]:
        """The assumptions behind the result: name, value with unit, and source."""
        return lease_assumption_rows(self)


_FROM_FILE = "lease file"


def _src(model: BaseModel, name: str, default_source: str, file_source: str) -> str:
    return file_source if name in model.model_fields_set else default_source


def lease_assumption_rows(case: LeaseCase) -> list[dict[str, str]]:
    """Rows ``{name, value, source}`` for every assumption a reader needs beside the result."""
    c, v, a = case.config, case.conversion_config, case.assumptions
    fs = _FROM_FILE
    t = case.terms
    est = "hashpivot estimate (2025)"
    recoverable = (
        c.property_tax_usd_per_it_mw_year
        + c.insurance_usd_per_it_mw_year
        + c.maintenance_opex_usd_per_it_mw_year
    )
    rows = [
        ("terms from", c.source or "-", "source", "-"),
        ("tenant", c.tenant or "-", "tenant", "-"),
        ("tenant credit", c.tenant_credit.value, "tenant_credit", "default: hyperscaler"),
        ("lease type", c.lease_type.value, "lease_type", "default: triple_net"),
        ("leased critical IT", f"{t.it_mw:,.1f} MW", "it_mw", "default: gross MW / PUE"),
        (
            "year-1 rent",
            f"${t.rent_usd_per_kw_month:,.2f}/kW-month",
            "rent_usd_per_kw_month" if c.rent_usd_per_kw_month else "rent_usd_per_mw_year",
            "-",
        ),
        (
            "escalator",
            f"{c.escalator_frac_per_year:.2%}/yr",
            "escalator_frac_per_year",
            "default 3%/yr: TeraWulf-Core42 (market-facts.md, 2024)",
        ),
        ("base term", f"{c.term_years:g} years", "term_years", "-"),
        (
            "renewals",
            f"{c.renewal_options} x {c.renewal_term_years:g} y ({c.renewals_assumed} assumed)",
            "renewal_options",
            "default: none",
        ),
        ("free rent", f"{c.free_rent_months} months", "free_rent_months", "default: none"),
        ("prepayment", f"{c.prepayment_months:g} months", "prepayment_months", "default: none"),
        ("ramp", f"{c.ramp_months} months", "ramp_months", "default: none"),
        ("management fee", f"{c.management_fee_frac:.1%} of rent", "management_fee_frac", est),
        (
            "recoverable opex (tax+insurance+maintenance)",
            f"${recoverable:,.0f}/IT MW-yr",
            "property_tax_usd_per_it_mw_year",
            est,
        ),
        (
            "maintenance capex",
            f"${c.maintenance_capex_usd_per_it_mw_year:,.0f}/IT MW-yr",
            "maintenance_capex_usd_per_it_mw_year",
            est,
        ),
        (
            "cap rate",
            f"{a.cap_rate_frac:.2%}",
            "cap_rate_frac",
            f"default for {c.tenant_credit.value}: Morgan Stanley 2025 reconstruction / JLL",
        ),
        ("exit cap rate", f"{a.exit_cap_rate_frac:.2%}", "exit_cap_rate_frac", "= cap rate"),
        (
            "discount rate",
            f"{a.discount_rate_per_year:.2%}/yr (monthly (1+r)^(1/12)-1)",
            "discount_rate",
            "default: cap rate + escalator (Gordon)",
        ),
        (
            "hold",
            f"{case.months} months from {case.start.isoformat()}",
            "hold_years",
            "default: to the lease end",
        ),
    ]
    out = [{"name": n, "value": val, "source": _src(c, key, d, fs)} for n, val, key, d in rows]
    conv_rows = [
        ("PUE", f"{v.pue:g}", "pue", "default 1.2: designs 1.18-1.25 (market-facts.md)"),
        (
            "construction",
            f"{v.construction_months} months",
            "construction_months",
            "default 18: Morgan Stanley 18-24 months",
        ),
        (
            "shell capex",
            f"${v.shell_capex_usd_per_it_mw / 1e6:,.2f}M/IT MW",
            "shell_capex_usd_per_it_mw",
            "default $2.0M: Hut 8 powered shell ~$2M/MW",
        ),
        (
            "fit-out capex",
            f"${v.fitout_capex_usd_per_it_mw / 1e6:,.2f}M/IT MW, paid by {v.fitout_paid_by.value}",
            "fitout_capex_usd_per_it_mw",
            "default $7.64M: with the shell, MS reconstruction $9.64M/MW",
        ),
    ]
    out += [
        {"name": n, "value": val, "source": _src(v, key, d, _FROM_FILE + " [conversion]")}
        for n, val, key, d in conv_rows
    ]
    if a.debt is not None:
        d = a.debt
        out.append(
            {
                "name": "project debt",
                "value": f"LTC {d.ltc_frac:.0%}, {d.rate_per_year:.2%}/yr, "
                f"{d.tenor_months} months, {d.amortisation.value}, min DSCR {d.min_dscr:g}",
                "source": _FROM_FILE + " [lease.debt]",
            }
        )
    if a.tax is not None:
        out.append(
            {
                "name": "income tax",
                "value": f"{a.tax.rate_frac:.1%}, {a.tax.method.value} {a.tax.life_years:g} y",
                "source": _FROM_FILE + " [lease.tax]",
            }
        )
    return out


def is_site_file(data: dict[str, Any]) -> bool:
    """A full site file (the lead's ``load_site``) has ``[fleet]`` or ``[mining]``."""
    return "fleet" in data or "mining" in data


def load_site_tables(path: str | Path) -> tuple[SiteInfo, float | None, Any]:
    """Read a full site file with :func:`hashpivot.config.site.load_site`.

    Returns the ``[site]`` essentials as :class:`SiteInfo`, the site power price and the
    site model (for its ``lease`` / ``gpu_cloud`` / ``conversion`` tables).
    """
    try:
        load_site = importlib.import_module("hashpivot.config.site").load_site
    except (ImportError, AttributeError) as exc:  # pragma: no cover - the lead's module
        raise InputError(
            "(file)", str(path), "a lease/GPU file (site files need hashpivot.config.site)"
        ) from exc
    model = load_site(path)
    s = model.site
    gross = float(s.capacity_mw)
    info = SiteInfo(
        name=str(getattr(s, "name", "site")),
        capacity_mw=gross,
        start=s.start,
        horizon_months=getattr(s, "horizon_months", None),
        discount_rate=getattr(s, "discount_rate", None),
    )
    power = getattr(model, "power", None)
    price = getattr(power, "price_usd_per_mwh", None) if power is not None else None
    return info, (None if price is None else float(price)), model


def _build_lease_case(
    site: SiteInfo,
    site_power_price: float | None,
    lease: LeaseConfig,
    conv_cfg: ConversionConfig,
    src: str,
) -> LeaseCase:
    conv = conv_cfg.to_domain(gross_mw=site.capacity_mw, it_mw=lease.it_mw, source=src)
    it_mw = lease.it_mw if lease.it_mw is not None else conv.it_mw
    if it_mw > conv.it_mw * (1 + 1e-9):
        raise InputError(
            "lease.it_mw",
            it_mw,
            f"at most the converted IT capacity {conv.it_mw:.4g} MW",
            source=src,
        )
    price = (
        lease.power_price_usd_per_mwh
        if lease.power_price_usd_per_mwh is not None
        else site_power_price
    )
    if lease.lease_type is LeaseType.GROSS and price is None:
        raise InputError(
            "lease.power_price_usd_per_mwh",
            None,
            "a power price [USD/MWh] (a gross lease makes the landlord pay for power)",
            source=src,
        )
    commencement = (
        conv.first_delivery_month if lease.commencement_month is None else lease.commencement_month
    )
    terms = LeaseTerms(
        it_mw=it_mw,
        rent_usd_per_kw_month=lease.year1_rent_usd_per_kw_month,
        commencement_month=commencement,
        term_months=round(12 * lease.term_years),
        escalator_frac_per_year=lease.escalator_frac_per_year,
        ramp_months=lease.ramp_months,
        free_rent_months=lease.free_rent_months,
        prepayment_months=lease.prepayment_months,
        renewal_options=lease.renewal_options,
        renewal_term_months=round(12 * lease.renewal_term_years),
        renewals_assumed=lease.renewals_assumed,
        renewal_rent_multiplier=lease.renewal_rent_multiplier,
        lease_type=lease.lease_type,
        it_load_frac=lease.it_load_frac,
        power_price_usd_per_mwh=price or 0.0,
        property_tax_usd_per_it_mw_year=lease.property_tax_usd_per_it_mw_year,
        insurance_usd_per_it_mw_year=lease.insurance_usd_per_it_mw_year,
        maintenance_opex_usd_per_it_mw_year=lease.maintenance_opex_usd_per_it_mw_year,
        non_recoverable_opex_usd_per_it_mw_year=lease.non_recoverable_opex_usd_per_it_mw_year,
        management_fee_frac=lease.management_fee_frac,
        maintenance_capex_usd_per_it_mw_year=lease.maintenance_capex_usd_per_it_mw_year,
        opex_escalator_frac_per_year=lease.opex_escalator_frac_per_year,
    )
    months = terms.lease_end_month if lease.hold_years is None else round(12 * lease.hold_years)
    assumptions = ValuationAssumptions(
        discount_rate_per_year=lease.dcf_rate,
        cap_rate_frac=lease.cap_rate,
        exit_cap_rate_frac=lease.exit_cap_rate_frac or lease.cap_rate,
        sale_cost_frac=lease.sale_cost_frac,
        basis=lease.basis,
        equity_discount_rate_per_year=lease.debt.equity_discount_rate if lease.debt else None,
        debt=lease.debt.to_domain(conv.first_delivery_month) if lease.debt else None,
        tax=lease.tax.to_domain() if lease.tax else None,
    )
    return LeaseCase(
        name=site.name,
        source_file=src,
        start=site.start,
        months=months,
        terms=terms,
        conversion=conv,
        assumptions=assumptions,
        config=lease,
        conversion_config=conv_cfg,
    )


def load_lease_file(path: str | Path) -> LeaseCase:
    """Read and validate a lease file (or a site file with a ``[lease]`` table).

    Raises :class:`InputError` naming the file, the field, the value and what is allowed.
    """
    src = str(path)
    data = read_toml(path)
    if is_site_file(data):
        site, price, model = load_site_tables(path)
        lease = getattr(model, "lease", None)
        if lease is None:
            raise InputError("lease", "(missing)", "a [lease] table in the site file", source=src)
        conv_cfg = getattr(model, "conversion", None) or ConversionConfig()
        return _build_lease_case(site, price, lease, conv_cfg, src)
    if "lease" not in data:
        raise InputError("lease", "(missing)", "a [lease] table", source=src)
    try:
        f = LeaseFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise first_input_error(exc, source=src) from exc
    price = f.power.price_usd_per_mwh if f.power is not None else None
    return _build_lease_case(f.site, price, f.lease, f.conversion, src)

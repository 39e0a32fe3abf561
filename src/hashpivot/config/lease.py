"""The ``[lease]`` table and standalone lease files (validated at the edge).

A lease file is TOML with ``[lease]``, optionally ``[conversion]``, ``[site]`` (name,
capacity_mw, start, discount_rate) and ``[power]``. A full site file (with ``[fleet]`` or
``[mining]``) is read by :func:`hashpivot.config.site.load_lease_file`, which builds its case
with :func:`build_lease_case` from the site model's tables (this module imports no site model).
Every key's default, bounds and source: config/parameters.csv (docs/site-file.md).

Defaults (docs/methodology.md, with sources): escalator 3%/yr (TeraWulf-Core42,
market-facts.md); cap rate by tenant credit (:data:`hashpivot.compute.shell.CAP_RATE_BY_CREDIT`);
discount rate = cap rate + escalator (Gordon); recoverable opex and management fee are
hashpivot estimates (2025).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, model_validator

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
from hashpivot.config.lease_rows import lease_assumption_rows
from hashpivot.config.parameters import field
from hashpivot.config.power import PowerConfig
from hashpivot.errors import InputError
from hashpivot.market.rent_products import PRODUCTS, RentBasis, RentLink, RentProduct
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
    "build_lease_case",
    "lease_assumption_rows",
    "parse_lease_file",
]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class DebtConfig(BaseModel):
    """Project debt: ``[lease.debt]`` / ``[gpu_cloud.debt]``."""

    model_config = _STRICT

    ltc_frac: float = field("lease.debt.ltc_frac")
    rate_per_year: float = field("lease.debt.rate_per_year")
    tenor_years: float = field("lease.debt.tenor_years")
    amortisation: Amortisation = field("lease.debt.amortisation")
    grace_months: int | None = field("lease.debt.grace_months")
    min_dscr: float = field("lease.debt.min_dscr")
    equity_discount_rate: float | None = field("lease.debt.equity_discount_rate")

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


_MACRS_CLASSES = (3, 5, 7, 10, 15, 20)


class TaxConfig(BaseModel):
    """Income tax option: ``[lease.tax]`` / ``[gpu_cloud.tax]``."""

    model_config = _STRICT

    rate_frac: float = field("lease.tax.rate_frac")
    depreciation: DepreciationMethod = field("lease.tax.depreciation")
    life_years: float = field("lease.tax.life_years")
    carry_forward: bool = field("lease.tax.carry_forward")

    @model_validator(mode="after")
    def _macrs_class(self) -> TaxConfig:
        if self.depreciation is DepreciationMethod.MACRS and self.life_years not in _MACRS_CLASSES:
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


def _f(name: str) -> Any:
    return field(f"lease.{name}")


class LeaseConfig(BaseModel):
    """A lease of critical IT capacity and how to value it (``[lease]``).

    Every key has a documented default (config/parameters.csv): a site without a ``[lease]``
    table is valued on ``LeaseConfig()``, the Morgan Stanley 2025-09-21 hyperscaler
    reconstruction (market-facts.md): $82/kW-month NNN for 15 years, +3%/yr, cap rate 6.5%.
    """

    model_config = _STRICT

    tenant: str = _f("tenant")
    source: str = _f("source")
    tenant_credit: TenantCredit = _f("tenant_credit")
    lease_type: LeaseType = _f("lease_type")
    it_mw: float | None = _f("it_mw")
    rent_usd_per_kw_month: float = _f("rent_usd_per_kw_month")
    rent_usd_per_mw_year: float | None = _f("rent_usd_per_mw_year")
    product: RentProduct | None = _f("product")
    rent_basis: RentBasis | None = _f("rent_basis")
    spread_usd_per_kw_month: float | None = _f("spread_usd_per_kw_month")
    commencement_month: int | None = _f("commencement_month")
    term_years: float = _f("term_years")
    escalator_frac_per_year: float = _f("escalator_frac_per_year")
    ramp_months: int = _f("ramp_months")
    free_rent_months: int = _f("free_rent_months")
    prepayment_months: float = _f("prepayment_months")
    renewal_options: int = _f("renewal_options")
    renewal_term_years: float = _f("renewal_term_years")
    renewals_assumed: int = _f("renewals_assumed")
    renewal_rent_multiplier: float = _f("renewal_rent_multiplier")
    it_load_frac: float = _f("it_load_frac")
    power_price_usd_per_mwh: float | None = _f("power_price_usd_per_mwh")
    property_tax_usd_per_it_mw_year: float = _f("property_tax_usd_per_it_mw_year")
    insurance_usd_per_it_mw_year: float = _f("insurance_usd_per_it_mw_year")
    maintenance_opex_usd_per_it_mw_year: float = _f("maintenance_opex_usd_per_it_mw_year")
    non_recoverable_opex_usd_per_it_mw_year: float = _f("non_recoverable_opex_usd_per_it_mw_year")
    management_fee_frac: float = _f("management_fee_frac")
    maintenance_capex_usd_per_it_mw_year: float = _f("maintenance_capex_usd_per_it_mw_year")
    opex_escalator_frac_per_year: float = _f("opex_escalator_frac_per_year")
    cap_rate_frac: float | None = _f("cap_rate_frac")
    exit_cap_rate_frac: float | None = _f("exit_cap_rate_frac")
    discount_rate: float | None = _f("discount_rate")
    sale_cost_frac: float = _f("sale_cost_frac")
    hold_years: float | None = _f("hold_years")
    basis: PowerBasis = _f("basis")
    announced_contract_value_usd: float | None = _f("announced_contract_value_usd")
    debt: DebtConfig | None = _f("debt")
    tax: TaxConfig | None = _f("tax")

    @model_validator(mode="after")
    def _check(self) -> LeaseConfig:
        if "rent_usd_per_kw_month" in self.model_fields_set and (
            self.rent_usd_per_mw_year is not None
        ):
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
        if self.rent_usd_per_mw_year is not None:
            return self.rent_usd_per_mw_year / 1000.0 / 12.0
        return self.rent_usd_per_kw_month

    @property
    def rent_given(self) -> bool:
        """Whether the file states a rent (rent_usd_per_kw_month or rent_usd_per_mw_year)."""
        return self.rent_usd_per_mw_year is not None or (
            "rent_usd_per_kw_month" in self.model_fields_set
        )

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


def _s(name: str) -> Any:
    return field(f"site.{name}", file="standalone")


class SiteInfo(BaseModel):
    """The small ``[site]`` table of a standalone lease / GPU file (and the frame of a site
    file's lease and GPU paths)."""

    model_config = _STRICT

    name: str = _s("name")
    capacity_mw: float | None = _s("capacity_mw")
    overhead_frac: float = _s("overhead_frac")
    start: date = _s("start")
    horizon_months: int | None = _s("horizon_months")
    discount_rate: float | None = _s("discount_rate")


class LeaseFile(BaseModel):
    """A standalone lease file."""

    model_config = _STRICT

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
    rent: RentLink
    defaulted: tuple[str, ...] = ()

    def assumption_rows(self) -> list[dict[str, str]]:
        """The assumptions behind the result: name, value with unit, and source."""
        return lease_assumption_rows(self)


def _lease_power_price(
    lease: LeaseConfig, site_power_price: float | None, src: str
) -> float | None:
    """Power price [USD/MWh] of the lease: its own, else the site's; a gross lease needs one."""
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
    return price


def _lease_terms(
    lease: LeaseConfig, it_mw: float, commencement_month: int, price: float | None
) -> LeaseTerms:
    """The domain terms of ``lease`` on ``it_mw`` [MW] from ``commencement_month`` [month
    index], with the power price ``price`` [USD/MWh] (0 where none); years become months."""
    return LeaseTerms(
        it_mw=it_mw,
        rent_usd_per_kw_month=lease.year1_rent_usd_per_kw_month,
        commencement_month=commencement_month,
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


def _lease_valuation(lease: LeaseConfig, conv: Conversion) -> ValuationAssumptions:
    """Discount, cap and exit cap rates, sale cost, basis, debt and tax of the lease."""
    return ValuationAssumptions(
        discount_rate_per_year=lease.dcf_rate,
        cap_rate_frac=lease.cap_rate,
        exit_cap_rate_frac=lease.exit_cap_rate_frac or lease.cap_rate,
        sale_cost_frac=lease.sale_cost_frac,
        basis=lease.basis,
        equity_discount_rate_per_year=lease.debt.equity_discount_rate if lease.debt else None,
        debt=lease.debt.to_domain(conv.first_delivery_month) if lease.debt else None,
        tax=lease.tax.to_domain() if lease.tax else None,
    )


def rent_link(
    lease: LeaseConfig, conv_cfg: ConversionConfig, src: str, index_today: float | None = None
) -> RentLink:
    """The lease's product, basis and spread (docs/methodology.md "Rent markets"), with the
    documented defaults: product ai_hall where the landlord pays a fit-out, else
    powered_shell; basis signed (the stated rent, else the documented default rent: the
    valuations of files without a basis stay as they were); spread 0 on a market basis,
    implied (rent - index today) on a signed one. ``index_today``: the product's index
    today (default: its documented level)."""
    defaults = []
    product = lease.product
    if product is None:
        landlord = conv_cfg.fitout_paid_by.value == "landlord"
        fitout = landlord and conv_cfg.fitout_capex_usd_per_it_mw > 0
        product = RentProduct.AI_HALL if fitout else RentProduct.POWERED_SHELL
        defaults.append("product")
    basis = lease.rent_basis
    if basis is None:
        basis = RentBasis.SIGNED  # at the stated rent, else the documented default
        defaults.append("rent_basis")
    index = PRODUCTS[product].level_usd_per_kw_month if index_today is None else index_today
    if basis is RentBasis.SIGNED:
        if lease.spread_usd_per_kw_month is not None:
            raise InputError(
                "lease.spread_usd_per_kw_month",
                lease.spread_usd_per_kw_month,
                "no spread on a signed basis (it is implied: rent - the index today); "
                'set rent_basis = "market" to state one',
                source=src,
            )
        spread = lease.year1_rent_usd_per_kw_month - index
    else:
        if lease.rent_given:
            raise InputError(
                "lease.rent_basis",
                basis.value,
                "signed where the file gives a rent (a market rent is the index + "
                "spread_usd_per_kw_month)",
                source=src,
            )
        spread = lease.spread_usd_per_kw_month or 0.0
        if lease.spread_usd_per_kw_month is None:
            defaults.append("spread_usd_per_kw_month")
        if index + spread <= 0:
            raise InputError(
                "lease.spread_usd_per_kw_month",
                spread,
                f"a spread above -{index:.2f} (the {product.value} index today): the rent "
                "must be > 0",
                source=src,
            )
    return RentLink(
        product=product,
        basis=basis,
        spread_usd_per_kw_month=spread,
        index_today_usd_per_kw_month=index,
        defaults=tuple(defaults),
    )


def build_lease_case(
    site: SiteInfo,
    site_power_price: float | None,
    lease: LeaseConfig,
    conv_cfg: ConversionConfig,
    src: str,
    *,
    defaulted: tuple[str, ...] = (),
) -> LeaseCase:
    """The lease of ``lease`` on the site frame ``site`` converted by ``conv_cfg``.

    ``defaulted`` names the tables the file lacks (valued on their documented defaults).
    Raises :class:`InputError` naming ``src`` when the terms do not fit the site.
    """
    conv = conv_cfg.to_domain(gross_mw=site.capacity_mw, it_mw=lease.it_mw, source=src)
    it_mw = lease.it_mw if lease.it_mw is not None else conv.it_mw
    if it_mw > conv.it_mw * (1 + 1e-9):
        raise InputError(
            "lease.it_mw",
            it_mw,
            f"at most the converted IT capacity {conv.it_mw:.4g} MW",
            source=src,
        )
    price = _lease_power_price(lease, site_power_price, src)
    commencement = (
        conv.first_delivery_month if lease.commencement_month is None else lease.commencement_month
    )
    terms = _lease_terms(lease, it_mw, commencement, price)
    link = rent_link(lease, conv_cfg, src)
    if link.basis is RentBasis.MARKET:  # month-0 rent = the index today + spread
        terms = replace(terms, rent_usd_per_kw_month=link.site_rent_today_usd_per_kw_month)
    months = terms.lease_end_month if lease.hold_years is None else round(12 * lease.hold_years)
    return LeaseCase(
        name=site.name,
        source_file=src,
        start=site.start,
        months=months,
        terms=terms,
        conversion=conv,
        assumptions=_lease_valuation(lease, conv),
        config=lease,
        conversion_config=conv_cfg,
        rent=link,
        defaulted=defaulted,
    )


def parse_lease_file(data: dict[str, Any], src: str) -> LeaseCase:
    """A standalone lease file (already read) as a :class:`LeaseCase`."""
    if "lease" not in data:
        raise InputError("lease", "(missing)", "a [lease] table", source=src)
    try:
        f = LeaseFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise first_input_error(exc, source=src) from None
    price = f.power.price_usd_per_mwh if f.power is not None else None
    return build_lease_case(f.site, price, f.lease, f.conversion, src)

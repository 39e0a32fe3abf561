"""The ``[gpu_cloud]`` table, the GPU catalogue and standalone GPU cloud files.

The catalogue (``config/catalogue/gpu.csv``) holds one row per GPU model with a ``source``
column; any field can be overridden in the file. Defaults of the business (sources in
docs/methodology.md): utilisation 80%, depreciation 5 years (Amazon 5 y; CoreWeave
6, Nebius 4), staff and software $1,500 per GPU-year and site opex $150k per IT MW-year
(hashpivot estimates, 2025), maintenance 2% of GPU capex a year (estimate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict

from hashpivot.compute.conversion import Conversion
from hashpivot.compute.gpu_cloud import GpuCloudTerms, GpuModel, GpuSpec
from hashpivot.compute.gpu_fleet import purchase_at
from hashpivot.compute.gpu_generations import add_months
from hashpivot.config.conversion import ConversionConfig
from hashpivot.config.errors import first_input_error
from hashpivot.config.gpu_catalogue import (
    CreditRating,
    credit_spread,
    decay_frac_per_year,
    load_gpu_catalogue,
)
from hashpivot.config.gpu_rows import gpu_assumption_rows
from hashpivot.config.lease import DebtConfig, LeaseConfig, SiteInfo, TaxConfig, _lease_terms
from hashpivot.config.market import MarketTable, site_risk_free_rate
from hashpivot.config.parameters import field, parameter
from hashpivot.config.power import PowerConfig
from hashpivot.errors import InputError
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
    refresh_years: float = _f("refresh_years")
    residual_value_frac: float = _f("residual_value_frac")
    facility_life_years: float = _f("facility_life_years")
    horizon_years: float | None = _f("horizon_years")
    discount_rate: float | None = _f("discount_rate")
    counterparty_rating: CreditRating | None = _f("counterparty_rating")
    counterparty_credit_spread_frac: float | None = _f("counterparty_credit_spread_frac")
    risk_free_rate: float | None = _f("risk_free_rate")
    basis: PowerBasis = _f("basis")
    announced_contract_value_usd: float | None = _f("announced_contract_value_usd")
    source: str = _f("source")
    debt: DebtConfig | None = _f("debt")
    tax: TaxConfig | None = _f("tax")

    def spec(self, decay_frac_per_year: float) -> GpuSpec:
        """The catalogue row with this table's overrides; every generation's rate and price
        decline ``decay_frac_per_year`` [fraction/year] unless ``rate_decay_frac_per_year`` is
        set. A capex or rate override is the figure at the first purchase (undated). With
        ``gpu_model = "current"``, the newest catalogue row (each purchase then buys the
        generation current at its date)."""
        decay = (
            decay_frac_per_year
            if self.rate_decay_frac_per_year is None
            else self.rate_decay_frac_per_year
        )
        cat = load_gpu_catalogue(decay)
        if self.gpu_model is GpuModel.CURRENT:
            return max(cat.values(), key=lambda s: s.release or date.min)
        base = cat[self.gpu_model]
        return replace(
            base,
            it_kw_per_gpu=self.it_kw_per_gpu or base.it_kw_per_gpu,
            capex_usd_per_gpu=self.capex_usd_per_gpu or base.capex_usd_per_gpu,
            capex_date=None if self.capex_usd_per_gpu else base.capex_date,
            rate_usd_per_gpu_hour=self.rate_usd_per_gpu_hour or base.rate_usd_per_gpu_hour,
            rate_date=None if self.rate_usd_per_gpu_hour else base.rate_date,
            rate_floor_usd_per_gpu_hour=(
                base.rate_floor_usd_per_gpu_hour
                if self.rate_floor_usd_per_gpu_hour is None
                else self.rate_floor_usd_per_gpu_hour
            ),
        )

    def contract_discount_rate(self, site_risk_free_rate: float) -> float | None:
        """The contracted share's discount rate [1/year]: ``risk_free_rate`` (else the site's
        ``site_risk_free_rate``) + the counterparty's spread (``counterparty_credit_spread_frac``,
        else the spread of ``counterparty_rating``); None without a contract or a counterparty
        credit."""
        spread = self.counterparty_spread()
        if self.contracted_share_frac <= 0 or spread is None:
            return None
        return self.resolved_risk_free_rate(site_risk_free_rate) + spread[0]

    def resolved_risk_free_rate(self, site_risk_free_rate: float) -> float:
        """``risk_free_rate`` where this table sets it, else the site's one risk-free rate."""
        return site_risk_free_rate if self.risk_free_rate is None else self.risk_free_rate

    def counterparty_spread(self) -> tuple[float, str] | None:
        """The counterparty's credit spread [fraction/year] and where it comes from."""
        if self.counterparty_credit_spread_frac is not None:
            return self.counterparty_credit_spread_frac, "GPU file"
        if self.counterparty_rating is not None:
            return credit_spread(self.counterparty_rating)
        return None


_OVERRIDES = ("it_kw_per_gpu", "capex_usd_per_gpu", "rate_usd_per_gpu_hour")


def _market_decay(market: MarketTable | None) -> tuple[float, float]:
    """The GPU-rate decay per generation [fraction] and years per generation [years]: the
    site's ``[market]`` keys, else their documented defaults (config/parameters.csv)."""
    m = market or MarketTable()
    per_gen = m.gpu_rate_decay_per_generation_frac
    years = m.gpu_rate_generation_years
    if per_gen is None or years is None:
        per_gen = float(parameter("market.gpu_rate_decay_per_generation_frac").default)
        years = float(parameter("market.gpu_rate_generation_years").default)
    return per_gen, years


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
    market: MarketTable | None = None,
) -> GpuCloudCase:
    """The GPU cloud of ``g`` on the site frame ``site`` converted by ``conv_cfg``.

    ``defaulted`` names the tables the file lacks. ``hall_lease`` (the site's ``[lease]``,
    default: its documented defaults) values the hall at the horizon as the lease path
    would: forward NOI / exit cap rate. ``market`` (the site's ``[market]``) sets the GPU
    generations' decay. Raises :class:`InputError` naming ``src``.
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
    terms = _gpu_terms(g, market, src, price, hall_lease or LeaseConfig(), conv)
    if g.horizon_years is not None:
        months = round(12 * g.horizon_years)
    elif site.horizon_months is not None:
        months = site.horizon_months
    else:
        months = conv.full_delivery_month + max(terms.contract_months, 60)
    _check_gpus_fit(terms, conv, site, g, src)
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


def _check_gpus_fit(
    terms: GpuCloudTerms, conv: Conversion, site: SiteInfo, g: GpuCloudConfig, src: str
) -> None:
    """Raise :class:`InputError` when a phase's IT power holds no whole GPU of its first
    purchase (``floor(IT MW x 1000 / kW per GPU) = 0``: a cloud without GPUs)."""
    for ph in conv.phases:
        when = add_months(site.start, ph.delivery_month)
        bought = purchase_at(terms, ph.it_mw, ph.delivery_month, when, first=True)
        spec = bought.spec
        if bought.gpus < 1.0:
            name, value = (
                ("gpu_cloud.it_mw", g.it_mw)
                if g.it_mw is not None
                else ("site.capacity_mw", site.capacity_mw)
            )
            raise InputError(
                name,
                value,
                f"enough power for at least one GPU per phase: {spec.it_kw_per_gpu:g} kW of IT "
                f"per {spec.name} (a phase here has {ph.it_mw * 1000:.3g} kW of IT)",
                source=src,
            )


def _check_contract(g: GpuCloudConfig, src: str) -> None:
    """Raise :class:`InputError` for a contracted share without a contract length."""
    if g.contracted_share_frac > 0 and round(12 * g.contract_years) <= 0:
        raise InputError(
            "gpu_cloud.contract_years",
            g.contract_years,
            "at least one month (1/12 year) when contracted_share_frac > 0 "
            f"(here {g.contracted_share_frac:g}); or contracted_share_frac = 0 for a merchant "
            "cloud",
            source=src,
        )


def _gpu_terms(
    g: GpuCloudConfig,
    market: MarketTable | None,
    src: str,
    price: float,
    hall_lease: LeaseConfig,
    conv: Conversion,
) -> GpuCloudTerms:
    """The domain terms of ``g``: the first GPU, the catalogue the refreshes buy from (decaying
    at the market's GPU-rate decay), the contract and its discount rate, the business."""
    _check_contract(g, src)
    if g.gpu_model is GpuModel.CURRENT:
        for name in _OVERRIDES:
            if getattr(g, name) is not None:
                raise InputError(
                    f"gpu_cloud.{name}",
                    getattr(g, name),
                    "no override with gpu_model = 'current' (name a model)",
                    source=src,
                )
    per_gen, gen_years = _market_decay(market)
    spec = g.spec(decay_frac_per_year(per_gen, gen_years))
    return GpuCloudTerms(
        gpu=spec,
        current_generation=g.gpu_model is GpuModel.CURRENT,
        generations=tuple(load_gpu_catalogue(spec.rate_decay_frac_per_year).values()),
        generation_years=gen_years,
        contracted_share_frac=g.contracted_share_frac,
        contract_rate_usd_per_gpu_hour=(
            g.contract_rate_usd_per_gpu_hour or spec.rate_usd_per_gpu_hour
        ),
        contract_months=round(12 * g.contract_years),
        prepayment_frac=g.prepayment_frac,
        contract_discount_rate_per_year=g.contract_discount_rate(site_risk_free_rate(market)),
        utilisation_frac=g.utilisation_frac,
        power_load_frac=g.power_load_frac,
        power_price_usd_per_mwh=price,
        staff_software_usd_per_gpu_year=g.staff_software_usd_per_gpu_year,
        site_opex_usd_per_it_mw_year=g.site_opex_usd_per_it_mw_year,
        maintenance_frac_of_capex_per_year=g.maintenance_frac_of_capex_per_year,
        depreciation_life_years=g.depreciation_life_years,
        refresh_years=g.refresh_years,
        residual_value_frac=g.residual_value_frac,
        facility_life_years=g.facility_life_years,
        **_hall_terms(hall_lease, conv, price),
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

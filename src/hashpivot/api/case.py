"""Building the engine's case from a site file: the one read of the file, the AI paths (or their
documented defaults), the market (``[market]`` over the dated defaults) and how the site buys
its power (fixed, the hub price + adder, a PPA; its price history for hour-by-hour dispatch)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from hashpivot.compute.conversion import Conversion, FleetDisposition
from hashpivot.config.market import apply_market_table
from hashpivot.config.power import PowerConfig
from hashpivot.config.site import SiteFile, load_site
from hashpivot.engine.strategies import (
    CompareCase,
    GpuOption,
    LeaseOption,
    PowerHistory,
    SaleTerms,
)
from hashpivot.errors import InputError
from hashpivot.market.rent_products import RentBasis, RentProduct, for_product
from hashpivot.market.scenarios import (
    DEFAULT_PARAMS,
    MarketParams,
    StartState,
    carry_forward,
    simulate,
)
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot
from hashpivot.mining.projection import MiningSite
from hashpivot.power.curtailment import CurtailmentCurve, curtailment_curve
from hashpivot.power.dispatch import DispatchPolicy, PowerPayer

__all__ = ["build_case", "case_from_site"]


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
        rent=lc.rent,
    )
    gc = doc.gpu_case(src)
    gpu = GpuOption(
        terms=gc.terms,
        conversion=with_fleet_sale(gc.conversion),
        rate_now_usd_per_gpu_hour=gc.terms.gpu.rate_usd_per_gpu_hour,
        discount_rate_per_year=gc.assumptions.discount_rate_per_year,
    )
    return lease, gpu


def _ppa_terms(doc: SiteFile, mining: MiningSite, src: str) -> tuple[float | None, float]:
    """The PPA's contract MW the miners settle (the tenant-reimbursed AI share left out) and the
    firm AI load the landlord pays for at the index [MW]; (None, 0) without a PPA."""
    if doc.power.ppa is None:
        return None, 0.0
    site_mw = mining.fleet.power_mw / (1.0 - mining.overhead_frac)
    ai_mw = doc.power.ai_load_mw
    if doc.power.ppa.contract_mw < (site_mw + ai_mw) * (1 - 1e-9):
        raise InputError(
            "power.ppa.contract_mw",
            doc.power.ppa.contract_mw,
            f"at least the site's draw at full run, {site_mw + ai_mw:.2f} MW "
            "(ASICs + overhead + ai_load_mw)",
            source=src,
        )
    # the firm AI load's share, reimbursed by its tenant, is not the miners' to settle
    tenant_pays = doc.power.ai_power_paid_by is PowerPayer.TENANT
    return doc.power.ppa.contract_mw - (ai_mw if tenant_pays else 0.0), (
        0.0 if tenant_pays else ai_mw
    )


def _market(
    doc: SiteFile, snapshot: MarketSnapshot, src: str, product: RentProduct
) -> tuple[MarketParams, StartState]:
    """The market processes and today's state: ``[market]`` over the dated defaults, the rent
    being the index of the lease's product (:func:`hashpivot.market.rent_products.for_product`)."""
    try:
        params, start = for_product(DEFAULT_PARAMS, StartState.from_snapshot(snapshot), product)
        market_params, start_state = apply_market_table(doc.market, params, start)
        if doc.market.equilibrium_hashprice_usd_per_ph_day is None:
            # the default level is late Nov 2025's: carry it to the start along the trend used
            market_params = carry_forward(market_params, SNAPSHOT.as_of, snapshot.as_of)
    except InputError as exc:
        raise InputError(exc.field, exc.value, exc.allowed, source=src) from None
    return market_params, start_state


def _lease_at_index(lease: LeaseOption, index_today_usd_per_kw_month: float) -> LeaseOption:
    """The lease against the case's index today (a ``[market]`` override moves it): a signed
    rent stays, a market rent is the new index + its spread."""
    assert lease.rent is not None
    if lease.rent.index_today_usd_per_kw_month == index_today_usd_per_kw_month:
        return lease
    link = lease.rent.at_index(index_today_usd_per_kw_month)
    terms = replace(lease.terms, rent_usd_per_kw_month=link.site_rent_today_usd_per_kw_month)
    return replace(lease, rent=link, terms=terms)


def build_case(
    site_file: str | Path, *, months: int | None = None, snapshot: MarketSnapshot = SNAPSHOT
) -> CompareCase:
    """Read a site file (with optional ``[lease]``, ``[gpu_cloud]``, ``[conversion]``,
    ``[compare]``, ``[market]`` tables) into the engine's :class:`CompareCase`, starting from
    ``snapshot`` (the dated default, or one fetched live).

    The file is read once (:func:`hashpivot.config.site.load_site`). The case always has a lease
    and a GPU cloud: a missing AI table is valued on its documented defaults and named in
    ``case.defaulted_tables``."""
    doc = load_site(site_file)  # the one read of the file
    return case_from_site(doc, site_file, months=months, snapshot=snapshot)


def case_from_site(
    doc: SiteFile,
    site_file: str | Path,
    *,
    months: int | None = None,
    snapshot: MarketSnapshot = SNAPSHOT,
) -> CompareCase:
    """The engine's :class:`CompareCase` of an already parsed site file ``doc`` (read from
    ``site_file``, which names it in errors and anchors ``[power] source``): no second read."""
    src = str(site_file)
    mining = doc.mining_site(source=src)
    if months is not None:
        if not 1 <= months <= 600:
            raise InputError("--months", months, "1..600 months")
        mining = replace(mining, horizon_months=months)
    # every site gets both AI paths: a missing [lease] / [gpu_cloud] / [conversion] table is
    # valued on its documented defaults (doc.defaulted_tables, listed in assumptions())
    lease, gpu = _ai_options(doc, mining, src)
    c = doc.compare
    ppa_mw, landlord_ai_mw = _ppa_terms(doc, mining, src)
    assert lease.rent is not None
    market_params, start_state = _market(doc, snapshot, src, lease.rent.product)
    lease = _lease_at_index(lease, start_state.rent_usd_per_kw_month)
    curtailment = history = None
    if doc.power.source is not None:
        history = _power_history(doc.power, Path(site_file).parent)
        if doc.power.dispatch is DispatchPolicy.CURTAIL:
            curtailment = _curtailment_curve(history)
    case = CompareCase(
        curtailment=curtailment,
        power_history=history,
        scenario=doc.mining.scenario,
        scenario_override=None if doc.scenario is None else doc.scenario.override(),
        market_keys=doc.market.overridden,
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
        generation=None
        if doc.generation is None
        else doc.generation.supply_case(mining, Path(site_file).parent),
    )
    return signed_at_site_start(_with_power_gap(case, doc.market.power_gap))


def signed_at_site_start(case: CompareCase) -> CompareCase:
    """A signed lease's spread to its index, measured where the contract's year-1 rent
    applies: the contract less the index expected at the site's first month (the rent
    process without shocks), one figure for every path. A conversion in a later month signs
    at that month's index + this spread, so on the expected path signing a month later moves
    the rent by the index's month, not by its drift between today and the site's start."""
    lease = case.lease
    if lease is None or lease.rent is None or lease.rent.basis is not RentBasis.SIGNED:
        return case
    if case.offset < 0:  # a start before the snapshot: refused where the engine checks it
        return case
    quiet = simulate(
        case.market_params.with_zero_volatility(),
        case.start_state,
        case.offset + 2,
        1,
        np.random.default_rng(0),
    )
    expected = float(quiet.rent_usd_per_kw_month[0, case.offset])
    spread = lease.terms.rent_usd_per_kw_month - expected
    return replace(
        case, lease=replace(lease, rent=replace(lease.rent, spread_usd_per_kw_month=spread))
    )


def _with_power_gap(case: CompareCase, mode: str | None) -> CompareCase:
    """``[market] power_gap``: the Morgan Stanley power gap drives the lease product's
    long-run rent (``mean``: one level; ``per_path``: a lognormal draw of the gap per path),
    :func:`hashpivot.api.power_gap.apply_power_gap`; off by default."""
    if mode in (None, "off"):
        return case
    from hashpivot.api.power_gap import apply_power_gap

    return replace(apply_power_gap(case, per_path=mode == "per_path"), power_gap_mode=mode)


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


def _curtailment_curve(history: PowerHistory) -> CurtailmentCurve:
    """The site's price history (as ``hashpivot mine`` reads it) as a curtailment curve."""
    return curtailment_curve(
        history.price_usd_per_mwh,
        history.interval_start_utc,
        constraints=history.constraints,
        fourcp=history.fourcp,
        source=history.label.replace(" hourly prices from ", " hourly shape from "),
    )

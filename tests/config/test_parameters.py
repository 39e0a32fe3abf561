"""The parameter table: one row per key of every file model, both bounds on every number, defaults
inside their bounds, and the core dataclasses' defaults equal to the table's."""

from __future__ import annotations

import dataclasses
import enum
import typing
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from hashpivot.compute.conversion import Conversion
from hashpivot.compute.gpu_cloud import GpuCloudTerms
from hashpivot.compute.shell import LeaseTerms
from hashpivot.config.company import CompanyFile
from hashpivot.config.gpu_cloud import GpuCloudFile
from hashpivot.config.lease import LeaseFile
from hashpivot.config.parameters import REQUIRED, Parameter, parameter, parameters, within
from hashpivot.config.site import SiteFile
from hashpivot.engine.strategies import CompareCase, SaleTerms
from hashpivot.market.rent_products import PRODUCTS
from hashpivot.market.scenarios import DEFAULT_PARAMS, StartState
from hashpivot.valuation.equity import DebtTerms
from hashpivot.valuation.projects import TaxTerms


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation (``X | None``, ``list[X]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in typing.get_args(annotation) for m in _models(a)]


def _keys(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    """Every dotted key of a model tree, with its field."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = prefix + name
        out[key] = info
        for sub in _models(info.annotation):
            out |= _keys(sub, key + ".")
    return out


def _rows(file: str) -> set[str]:
    return {p.name for p in parameters() if p.file == file}


def test_every_key_of_a_site_file_has_a_row_and_every_row_a_key() -> None:
    keys = set(_keys(SiteFile)) - {"site", "power", "fleet", "mining", "compare", "market"}
    keys -= {"scenario"}
    keys -= {"lease", "gpu_cloud", "conversion", "generation"}  # the tables themselves
    aliased = {k for k in keys if k.startswith(("gpu_cloud.debt.", "gpu_cloud.tax."))}
    assert keys - aliased == _rows("site")
    for k in aliased:  # [gpu_cloud.debt] / [gpu_cloud.tax] share the lease's rows
        assert parameter(k).name == k.replace("gpu_cloud.", "lease.")


def test_every_key_of_the_standalone_and_company_files_has_a_row() -> None:
    assert {f"site.{k}" for k in LeaseFile.model_fields["site"].annotation.model_fields} == _rows(  # type: ignore[union-attr]
        "standalone"
    )
    assert set(GpuCloudFile.model_fields) == {"site", "power", "gpu_cloud", "conversion"}
    keys = set(_keys(CompanyFile)) - {"company", "site"}
    assert keys == _rows("company")


@pytest.mark.parametrize("p", parameters(), ids=lambda p: f"{p.file}:{p.name}")
def test_every_number_has_both_bounds_and_its_default_inside(p: Parameter) -> None:
    assert p.source and p.description
    if p.type in ("float", "int", "date", "list[int]", "dict[float]"):
        assert p.lower is not None and p.upper is not None
        assert p.lower < p.upper  # type: ignore[operator]
    if p.type in ("float", "int") and p.default not in (None, REQUIRED):
        assert within(p, float(p.default)), p.default
    if p.type == "int" and isinstance(p.default, int | float):
        assert isinstance(p.default, int)
    if p.type == "date" and isinstance(p.default, date):
        assert p.lower <= p.default <= p.upper  # type: ignore[operator]
    if p.type == "enum" and p.default not in (None, REQUIRED):
        assert p.default in p.choices


def _choices(annotation: Any) -> set[str]:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {e.value for e in annotation}
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    return {c for a in typing.get_args(annotation) for c in _choices(a)}


def test_the_choices_of_each_enum_row_are_the_models() -> None:
    fields = _keys(SiteFile)
    for p in parameters():
        if p.type == "enum" and p.file == "site":
            assert set(p.choices) == _choices(fields[p.name].annotation), p.name


def test_the_model_defaults_are_the_tables() -> None:
    fields = _keys(SiteFile)
    for p in parameters():
        if p.file != "site" or p.type in ("table", "list[table]", "dict[float]"):
            continue
        default = fields[p.name].get_default(call_default_factory=True)
        if p.table == "market":
            assert default is None  # an override of the market model's default
        elif p.default is REQUIRED:
            assert fields[p.name].is_required(), p.name
        elif isinstance(p.default, tuple):
            assert default == list(p.default)
        else:
            assert default == p.default, p.name


#: core dataclass field -> table row, where config passes the row's value into the core type
CORE = {
    LeaseTerms: {
        "escalator_frac_per_year": "lease.escalator_frac_per_year",
        "ramp_months": "lease.ramp_months",
        "free_rent_months": "lease.free_rent_months",
        "prepayment_months": "lease.prepayment_months",
        "renewal_options": "lease.renewal_options",
        "renewals_assumed": "lease.renewals_assumed",
        "renewal_rent_multiplier": "lease.renewal_rent_multiplier",
        "lease_type": "lease.lease_type",
        "it_load_frac": "lease.it_load_frac",
        "property_tax_usd_per_it_mw_year": "lease.property_tax_usd_per_it_mw_year",
        "insurance_usd_per_it_mw_year": "lease.insurance_usd_per_it_mw_year",
        "maintenance_opex_usd_per_it_mw_year": "lease.maintenance_opex_usd_per_it_mw_year",
        "non_recoverable_opex_usd_per_it_mw_year": "lease.non_recoverable_opex_usd_per_it_mw_year",
        "management_fee_frac": "lease.management_fee_frac",
        "maintenance_capex_usd_per_it_mw_year": "lease.maintenance_capex_usd_per_it_mw_year",
        "opex_escalator_frac_per_year": "lease.opex_escalator_frac_per_year",
    },
    GpuCloudTerms: {
        k: f"gpu_cloud.{k}"
        for k in (
            "contracted_share_frac",
            "prepayment_frac",
            "utilisation_frac",
            "power_load_frac",
            "staff_software_usd_per_gpu_year",
            "site_opex_usd_per_it_mw_year",
            "maintenance_frac_of_capex_per_year",
            "depreciation_life_years",
            "refresh_years",
            "residual_value_frac",
            "facility_life_years",
        )
    },
    Conversion: {
        k: f"conversion.{k}"
        for k in (
            "fitout_paid_by",
            "mining_during_construction",
            "fleet_disposition",
            "fleet_sale_proceeds_usd",
            "fleet_move_cost_usd",
        )
    },
    SaleTerms: {
        "price_usd_per_mw": "compare.sale_price_usd_per_mw",
        "months_to_close": "compare.sale_months_to_close",
        "cost_frac": "compare.sale_cost_frac",
    },
    CompareCase: {"split_lease_frac": "compare.split_lease_frac"},
    DebtTerms: {"amortisation": "lease.debt.amortisation", "min_dscr": "lease.debt.min_dscr"},
    TaxTerms: {
        "method": "lease.tax.depreciation",
        "life_years": "lease.tax.life_years",
        "carry_forward": "lease.tax.carry_forward",
    },
}


@pytest.mark.parametrize("core", list(CORE), ids=lambda c: c.__name__)
def test_core_dataclass_defaults_equal_the_tables(core: type) -> None:
    defaults = {
        f.name: f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        for f in dataclasses.fields(core)
    }
    for attr, name in CORE[core].items():
        assert defaults[attr] == parameter(name).default, f"{core.__name__}.{attr} vs {name}"
    # renewal term: months in the core, years in the file
    if core is LeaseTerms:
        assert defaults["renewal_term_months"] == 12 * parameter("lease.renewal_term_years").default


def test_the_documented_market_defaults_are_the_market_models() -> None:
    d, s = DEFAULT_PARAMS, StartState.late_2025()
    v = {p.key: p.default for p in parameters() if p.table == "market" and p.default is not None}
    assert v["btc_vol_per_year"] == d.btc.vol_per_year
    assert v["btc_log_drift_per_year"] == pytest.approx(d.btc.log_drift_per_year, abs=5e-5)
    assert v["btc_tails"] == d.btc.tails.value
    h = d.hashrate
    assert (
        v["hashrate_gap_speed_per_month"],
        v["hashrate_hashprice_change_response"],
        v["equilibrium_hashprice_usd_per_ph_day"],
        v["equilibrium_hashprice_trend_per_year"],
        v["hashrate_vol_per_year"],
        v["fleet_efficiency_trend_per_year"],
    ) == (
        h.gap_speed_per_month,
        h.hashprice_change_response,
        h.equilibrium_hashprice_usd_per_ph_day,
        h.equilibrium_hashprice_log_trend_per_year,
        h.vol_per_year,
        h.fleet_efficiency_log_trend_per_year,
    )
    for factor, q in (("rent", d.rent), ("power", d.power_price)):
        assert v[f"{factor}_reversion_per_year"] == q.reversion_per_year
        assert v[f"{factor}_trend_per_year"] == q.long_run_log_trend_per_year
    assert v["power_vol_per_year"] == d.power_price.vol_per_year
    # the rent's level and volatility are the lease product's (market.rent_products)
    assert all(
        (m.process.reversion_per_year, m.process.long_run_log_trend_per_year)
        == (v["rent_reversion_per_year"], v["rent_trend_per_year"])
        for m in PRODUCTS.values()
    )
    assert "rent_long_run_usd_per_kw_month" not in v and "rent_vol_per_year" not in v
    assert v["power_long_run_usd_per_mwh"] == d.power_price.long_run_level
    assert v["gpu_rate_long_run_usd_per_gpu_hour"] == d.gpu_rate.long_run_level
    assert (v["fee_share_long_run_frac"], v["fee_share_reversion_per_year"]) == (
        d.fee_share.long_run_level,
        d.fee_share.reversion_per_year,
    )
    assert v["btc_price_usd"] == s.btc_price_usd
    assert "rent_usd_per_kw_month" not in v
    assert v["gpu_rate_usd_per_gpu_hour"] == s.gpu_rate_usd_per_gpu_hour
    assert v["power_price_usd_per_mwh"] == s.power_price_usd_per_mwh
    assert v["fee_share_frac"] == pytest.approx(s.fee_share_frac, abs=5e-4)

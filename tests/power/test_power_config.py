"""The [power] table: defaults, constraints, one clear error per bad field."""

from __future__ import annotations

import pydantic
import pytest

from hashpivot.config.errors import first_input_error
from hashpivot.config.power import PowerConfig
from hashpivot.power.dispatch import DispatchPolicy, PowerPayer


def test_minimal_table_keeps_the_fixed_price() -> None:
    pc = PowerConfig.model_validate({"price_usd_per_mwh": 45.0})
    assert pc.dispatch is DispatchPolicy.FLAT and pc.source is None
    spec = pc.site_spec(94.5)
    assert spec.mining_mw == 94.5 and spec.ppa is None and not spec.constraints.binding


def test_full_table() -> None:
    pc = PowerConfig.model_validate(
        {
            "price_usd_per_mwh": 45.0,
            "source": "prices.csv",
            "location": "HB_WEST",
            "market": "RT",
            "dispatch": "curtail",
            "min_run_hours": 2,
            "ai_load_mw": 20,
            "ai_power_paid_by": "landlord",
            "ppa": {"contract_mw": 100, "price_usd_per_mwh": 40},
            "fourcp": {"peak_days_per_month": 3},
        }
    )
    spec = pc.site_spec(75.0, interval_minutes=15)
    assert spec.constraints.min_run_intervals == 8
    assert spec.ai_power_paid_by is PowerPayer.LANDLORD
    assert spec.ppa is not None and spec.ppa.contract_mw == 100
    assert spec.fourcp is not None and spec.fourcp.months == (6, 7, 8, 9)
    assert str(pc.source_path("/sites")) == "/sites/prices.csv"


@pytest.mark.parametrize(
    ("table", "field", "allowed"),
    [
        ({"price_usd_per_mwh": 45, "dispatch": "sometimes"}, "dispatch", "flat"),
        ({"price_usd_per_mwh": 45, "ramp_frac_per_hour": 0}, "ramp_frac_per_hour", "> 0"),
        ({"price_usd_per_mwh": 45, "source": "p.csv"}, "(file)", "location"),
        (
            {"price_usd_per_mwh": 45, "ppa": {"contract_mw": 10, "price_usd_per_mwh": 1}},
            "",
            "source",
        ),
        ({"price_usd_per_mwh": 45, "ai_load_mw": -1}, "ai_load_mw", ">= 0"),
        ({"price_usd_per_mwh": 45, "colour": "red"}, "colour", "unknown field"),
    ],
)
def test_bad_values_name_the_field(table: dict[str, object], field: str, allowed: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        PowerConfig.model_validate(table)
    err = first_input_error(info.value)
    assert field in err.field
    assert allowed in err.allowed

"""The contracted share discounted at risk-free + the counterparty's credit spread."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpu_fixtures import CONV, TERMS
from hashpivot.api.projects import gpu_cloud_report
from hashpivot.cli import main
from hashpivot.config.gpu_cloud import parse_gpu_cloud_file
from hashpivot.errors import InputError
from hashpivot.valuation.projects import ValuationAssumptions, value_gpu_cloud

GPU = Path(__file__).resolve().parents[2] / "examples" / "gpu"
START = date(2026, 1, 1)
A = ValuationAssumptions(discount_rate_per_year=0.12)
# one month, every GPU on a $3/GPU-h take-or-pay contract: 1,000 x 744 h x $3 = $2,232,000
CONTRACTED = replace(
    TERMS, contracted_share_frac=1.0, contract_rate_usd_per_gpu_hour=3.0, contract_months=1
)


def _npv(spread: float | None, terms: object = CONTRACTED) -> float:
    rate = None if spread is None else 0.04 + spread
    t = replace(terms, contract_discount_rate_per_year=rate)  # type: ignore[type-var]
    return float(value_gpu_cloud(t, CONV, A, start=START, months=1).npv_usd[0])


def test_spread_lowers_the_contracted_pv_by_the_hand_figure() -> None:
    # 4% + 1% against 4% + 3%, end of the month: 2,232,000 / 1.05^(1/12) - 2,232,000 / 1.07^(1/12)
    hand = 2_232_000 / 1.05 ** (1 / 12) - 2_232_000 / 1.07 ** (1 / 12)
    assert hand == pytest.approx(3_492.55, abs=0.01)
    assert _npv(0.01) - _npv(0.03) == pytest.approx(hand, rel=1e-9)
    # against the site rate (12%) the AAA-like 4.30% raises the contracted PV
    up = 2_232_000 / 1.043 ** (1 / 12) - 2_232_000 / 1.12 ** (1 / 12)
    assert _npv(0.003) - _npv(None) == pytest.approx(up, rel=1e-9)


def test_decomposition_splits_contracted_and_merchant_and_sums() -> None:
    t = replace(CONTRACTED, contracted_share_frac=0.5, contract_discount_rate_per_year=0.05)
    v = value_gpu_cloud(t, CONV, A, start=START, months=1)
    parts = v.npv_decomposition_usd
    assert parts is not None
    # 500 GPUs x 744 h x $3 at 5%; 500 x 744 h x 50% x $2 at 12%
    assert float(parts["revenue_contracted"][0]) == pytest.approx(1_116_000 / 1.05 ** (1 / 12))
    assert float(parts["revenue_merchant"][0]) == pytest.approx(372_000 / 1.12 ** (1 / 12))
    assert sum(float(x[0]) for x in parts.values()) == pytest.approx(float(v.npv_usd[0]))


@settings(max_examples=40, deadline=None)
@given(
    lo=st.floats(0.0, 0.5),
    extra=st.floats(0.0, 0.5),
    share=st.floats(0.0, 1.0),
    prepay=st.floats(0.0, 1.0),
    months=st.integers(1, 36),
)
def test_a_higher_spread_never_raises_the_npv(
    lo: float, extra: float, share: float, prepay: float, months: int
) -> None:
    t = replace(
        CONTRACTED, contracted_share_frac=share, prepayment_frac=prepay, contract_months=months
    )

    def npv(rate: float) -> float:
        tt = replace(t, contract_discount_rate_per_year=rate)
        return float(value_gpu_cloud(tt, CONV, A, start=START, months=months).npv_usd[0])

    assert npv(0.04 + lo + extra) <= npv(0.04 + lo) + 1e-6 * (1 + abs(npv(0.04 + lo)))


def test_the_contracted_example_is_not_loss_making_and_states_its_rate() -> None:
    report = gpu_cloud_report(GPU / "iren-microsoft.toml")
    assert report["npv_usd"] > 0
    parts = report["npv_decomposition_usd"]
    assert parts["revenue_contracted"] > 0 and parts["revenue_merchant"] == 0.0
    rows = {r["name"]: r["value"] for r in report["assumptions"]}
    # Microsoft AAA: 3.70% 5-year Treasury (the site's risk-free rate) + 0.30% AAA OAS = 4.00%
    assert rows["contracted flows discounted at"].startswith("4.00%/yr")


BASE = {
    "site": {"name": "x", "capacity_mw": 10.0, "discount_rate": 0.1},
    "power": {"price_usd_per_mwh": 40.0},
}


@pytest.mark.parametrize(
    ("gpu", "field"),
    [
        ({"counterparty_credit_spread_frac": -0.01}, "gpu_cloud.counterparty_credit_spread_frac"),
        ({"counterparty_rating": "ZZZ"}, "gpu_cloud.counterparty_rating"),
        ({"refresh_years": 20.0}, "gpu_cloud.refresh_years"),
        ({"refresh_years": -1.0}, "gpu_cloud.refresh_years"),
        ({"gpu_model": "X100"}, "gpu_cloud.gpu_model"),
        ({"gpu_model": "current", "capex_usd_per_gpu": 1e4}, "gpu_cloud.capex_usd_per_gpu"),
    ],
)
def test_bad_inputs_name_the_field(gpu: dict[str, object], field: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        parse_gpu_cloud_file({**BASE, "gpu_cloud": gpu}, "f.toml")
    assert err.value.field == field
    f = tmp_path / "gpu.toml"
    text = '[site]\nname = "x"\ncapacity_mw = 10.0\ndiscount_rate = 0.1\n'
    text += "[power]\nprice_usd_per_mwh = 40.0\n[gpu_cloud]\n"
    text += "".join(f"{k} = {v!r}\n" for k, v in gpu.items())
    f.write_text(text.replace("'", '"'))
    assert main(["gpu-cloud", str(f)]) == 2


def test_spread_table_is_sourced_and_rises_as_the_rating_falls() -> None:
    from hashpivot.config.gpu_catalogue import credit_spread

    ratings = ("AAA", "AA", "A", "BBB", "BB", "B")
    spreads = [credit_spread(r)[0] for r in ratings]  # type: ignore[arg-type]
    # ICE BofA option-adjusted spreads, FRED, August 2025
    assert spreads == [0.0030, 0.0047, 0.0068, 0.0101, 0.0181, 0.0309]
    assert all("ICE BofA" in credit_spread(r)[1] for r in ratings)  # type: ignore[arg-type]

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


# The month's costs (TERMS, CONV): 1,000 GPUs x $50,000 bought in month 0; staff and software
# 1,000 x $1,200 / 12 = $100,000; site opex 1.28 MW x $120,000 / 12 = $12,800; power 1.28 MW x
# 100% load x 1.25 PUE x 744 h x $50/MWh = $59,520
R_USD = 2_232_000.0
C_USD = 50_000_000.0 + 100_000.0 + 12_800.0 + 59_520.0


def test_one_month_contract_net_is_discounted_at_the_contract_rate() -> None:
    # every GPU contracted: PV of the contract = (R - C) / (1 + r_c)^(1/12); the change from
    # 4% + 1% to 4% + 3% is the net's, not the revenue's alone (which would be +$3,492.55)
    hand = (R_USD - C_USD) / 1.05 ** (1 / 12) - (R_USD - C_USD) / 1.07 ** (1 / 12)
    assert hand == pytest.approx(-75_015.24, abs=0.01)
    assert _npv(0.01) - _npv(0.03) == pytest.approx(hand, rel=1e-9)
    v = value_gpu_cloud(
        replace(CONTRACTED, contract_discount_rate_per_year=0.05), CONV, A, start=START, months=1
    )
    parts = v.npv_decomposition_usd
    assert parts is not None
    contract = float(parts["revenue_contracted"][0] + parts["opex"][0] + parts["capex"][0])
    assert contract == pytest.approx((R_USD - C_USD) / 1.05 ** (1 / 12), rel=1e-12)
    # with every flow at the site rate 12% (the terminal value, GPUs at book, is the same)
    site = (R_USD - C_USD) / 1.12 ** (1 / 12)
    assert float(v.npv_usd[0] - v.npv_all_at_site_rate_usd[0]) == pytest.approx(  # type: ignore[index]
        contract - site, rel=1e-9
    )


def test_decomposition_splits_contracted_and_merchant_and_sums() -> None:
    t = replace(CONTRACTED, contracted_share_frac=0.5, contract_discount_rate_per_year=0.05)
    v = value_gpu_cloud(t, CONV, A, start=START, months=1)
    parts = v.npv_decomposition_usd
    assert parts is not None
    # 500 GPUs x 744 h x $3 at 5%; 500 x 744 h x 50% x $2 at 12%
    assert float(parts["revenue_contracted"][0]) == pytest.approx(1_116_000 / 1.05 ** (1 / 12))
    assert float(parts["revenue_merchant"][0]) == pytest.approx(372_000 / 1.12 ** (1 / 12))
    # half the costs serve the contract (5%), half the merchant GPUs (12%)
    half = C_USD / 2
    assert float(parts["opex"][0] + parts["capex"][0]) == pytest.approx(
        -half / 1.05 ** (1 / 12) - half / 1.12 ** (1 / 12), rel=1e-12
    )
    assert sum(float(x[0]) for x in parts.values()) == pytest.approx(float(v.npv_usd[0]))


FREE = replace(
    CONTRACTED,
    gpu=replace(CONTRACTED.gpu, capex_usd_per_gpu=0.0),
    power_price_usd_per_mwh=0.0,
    staff_software_usd_per_gpu_year=0.0,
    site_opex_usd_per_it_mw_year=0.0,
)


@settings(max_examples=40, deadline=None)
@given(
    lo=st.floats(0.0, 0.5),
    extra=st.floats(0.0, 0.5),
    share=st.floats(0.0, 1.0),
    prepay=st.floats(0.0, 1.0),
    months=st.integers(1, 36),
)
def test_a_higher_spread_never_raises_the_npv_of_a_costless_contract(
    lo: float, extra: float, share: float, prepay: float, months: int
) -> None:
    # without costs the contract's net flows are its revenue, never negative: a riskier
    # counterparty can only lower their value (with costs the net can be negative, e.g. above)
    t = replace(FREE, contracted_share_frac=share, prepayment_frac=prepay, contract_months=months)

    def npv(rate: float) -> float:
        tt = replace(t, contract_discount_rate_per_year=rate)
        return float(value_gpu_cloud(tt, CONV, A, start=START, months=months).npv_usd[0])

    assert npv(0.04 + lo + extra) <= npv(0.04 + lo) + 1e-6 * (1 + abs(npv(0.04 + lo)))


def test_iren_contract_costs_carry_the_contract_rate() -> None:
    # IREN-Microsoft: every GPU contracted from the works to the contract's end (months 0-71
    # of the 72), so revenue, opex and capex are all at 4.00%, the terminal value at 12%;
    # before the fix only the revenue was (opex -$1.09B, capex -$6.68B at 12%: +$2.88B)
    report = gpu_cloud_report(GPU / "iren-microsoft.toml")
    parts = report["npv_decomposition_usd"]
    assert parts["opex"] == pytest.approx(-1.4008e9, rel=1e-3)
    assert parts["capex"] == pytest.approx(-7.1773e9, rel=1e-3)
    assert report["npv_usd"] == pytest.approx(2.069e9, rel=1e-3)
    assert sum(parts.values()) == pytest.approx(report["npv_usd"], rel=1e-12)
    assert report["npv_all_at_site_rate_usd"] == pytest.approx(1.312e9, rel=1e-3)


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

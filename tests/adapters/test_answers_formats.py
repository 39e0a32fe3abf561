"""Amounts as a finance reader writes them, the switch policy read back and merged (one rule per
decision date), the one-sentence answers, and site-file paths with environment variables."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashpivot.adapters.reports.formats import irr_pct, money_m, months_text, pct, per_unit
from hashpivot.api.answer import compare_answer, drivers, project_answer, readable_tornado
from hashpivot.api.switch_rules import boundary_points, merge_rules, parse_policy_line
from hashpivot.config.power import PowerConfig, expand_variables
from hashpivot.errors import InputError


def test_amounts_sign_first_percentages_and_never() -> None:
    assert money_m(-0.98e6) == "-$0.98M"
    assert money_m(428.4e6, 0) == "$428M"
    assert money_m(-1_235_700_000, 1) == "-$1.24B"  # a billion or more: one more decimal
    assert pct(0.0695, 2) == "6.95%"
    assert per_unit(-0.5, "W") == "-$0.50/W"
    assert money_m(-1.0) == "$0.00M"  # rounds to zero: no sign
    assert months_text(math.nan) == "never" and months_text(None) == "never"
    assert months_text(127.0) == "127 months"
    assert money_m(math.nan) == "n/a" and pct(None) == "n/a"
    assert irr_pct(0.234) == "23.4%" and irr_pct(4985.238) == ">1,000%" and irr_pct(None) == "n/a"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_money_never_puts_the_sign_after_the_currency(x: float) -> None:
    text = money_m(x)
    assert "$-" not in text and "nan" not in text
    assert text.startswith(("$", "-$"))
    if x <= -0.01e6:
        assert text.startswith("-$")
    if x >= 0:
        assert text.startswith("$")


# The engine's lines (engine/switching.describe_boundary), as a 5,000-path run wrote them.
LINES = [
    "date 0: convert when rent $/kW-mo > 206.8 given hashprice $/PH/day in [4.963, 24.43] "
    "(rule matches 99% of decisions)",
    "date 0: convert when rent $/kW-mo > 206.7 given hashprice $/PH/day in [24.43, 39.26] "
    "(rule matches 100% of decisions)",
    "date 0: convert when rent $/kW-mo > 207.5 given hashprice $/PH/day in [39.26, 205.4] "
    "(rule matches 99% of decisions)",
    "date 12: convert when rent $/kW-mo > 210.4 given hashprice $/PH/day in [2.913, 20.28] "
    "(rule matches 100% of decisions)",
    "date 12: convert when rent $/kW-mo > 218 given hashprice $/PH/day in [20.28, 34.37] "
    "(rule matches 100% of decisions)",
    "date 24: never convert given hashprice $/PH/day in [2.068, 10.36] "
    "(rule matches 100% of decisions)",
]
MONTHS = [f"{2026 + (11 + k) // 12}-{(11 + k) % 12 + 1:02d}" for k in range(60)]


def test_policy_lines_read_back_exactly() -> None:
    r = parse_policy_line(LINES[0])
    assert r is not None
    assert (r.month, r.variable, r.op, r.threshold) == (0, "rent", ">", 206.8)
    assert (r.given, r.given_low, r.given_high, r.agreement_frac) == (
        "hashprice",
        4.963,
        24.43,
        0.99,
    )
    assert parse_policy_line("the policy never converts within the horizon") is None


def test_one_rule_per_decision_date_merged_where_thresholds_agree() -> None:
    rules = merge_rules(LINES, MONTHS)
    assert [r["month"] for r in rules] == [0, 12, 24]  # one per date
    assert [r["date"] for r in rules] == ["2026-12", "2027-12", "2028-12"]
    # 206.7..207.5 lie within 1% of their median 206.8: one threshold, the median
    assert rules[0]["kind"] == "threshold" and rules[0]["threshold"] == 206.8
    assert rules[0]["text"] == "convert when rent passes $207/kW-month, whatever the hashprice"
    # 210.4 vs 218 differ by 3.6%: a range, rising with hashprice
    assert rules[1]["kind"] == "range" and (rules[1]["low"], rules[1]["high"]) == (210.4, 218.0)
    assert "higher when hashprice is higher" in rules[1]["text"]
    assert rules[2]["threshold"] is None


def test_boundary_points_are_each_bins_threshold_over_its_range() -> None:
    pts = boundary_points(LINES, MONTHS)
    assert [p["month"] for p in pts] == [0, 12]
    p0 = pts[0]
    assert p0["hashprice_usd_per_ph_day"] == [4.963, 24.43, 24.43, 39.26, 39.26, 205.4]
    assert p0["rent_usd_per_kw_month"] == [206.8, 206.8, 206.7, 206.7, 207.5, 207.5]
    assert p0["convert_side"] == "above"


def _out(rec: str) -> dict[str, object]:
    strategies = {
        "mine": {"npv_mean_usd": 68.7e6, "prob_best": 0.0},
        "lease": {"npv_mean_usd": 398.6e6, "prob_best": 0.31},
        "switch": {"npv_mean_usd": 427.6e6, "prob_best": 0.69},
    }
    return {
        "recommendation": rec,
        "strategies": strategies,
        "switch": {"rules": merge_rules(LINES, MONTHS)},
        "sensitivity": SENS,
    }


SENS = {
    "strategy": "switch",
    "base_output_usd": 399.2e6,
    "tornado": [
        {"name": "gpu_rate", "low_input": 0.75, "high_input": 1.25, "low_output_usd": 399.2e6,
         "high_output_usd": 399.2e6},
        {"name": "discount_rate_per_year", "low_input": 0.09, "high_input": 0.15,
         "low_output_usd": 535.5e6, "high_output_usd": 284.4e6},
        {"name": "rent", "low_input": 0.8, "high_input": 1.2, "low_output_usd": 180.1e6,
         "high_output_usd": 618.4e6},
        {"name": "btc_price", "low_input": 0.6, "high_input": 1.4, "low_output_usd": 354.8e6,
         "high_output_usd": 445.3e6},
    ],
}  # fmt: skip


def test_the_sentence_of_the_issue() -> None:
    ans = compare_answer(_out("switch"))
    assert ans["sentence"] == (
        "Keep the option and convert when rent passes $207/kW-month: +$428M mean NPV, best on "
        "69% of paths; leasing now: +$399M"
    )
    assert ans["strategy"] == "switch"
    # the drivers: widest swings first (438 > 251 > 91), the zero swing left out
    assert ans["drivers"] == ["rent", "discount_rate_per_year", "btc_price"]
    assert "AI lease rent (x0.80 to x1.20: $180M to $618M)" in ans["why"]
    assert "deterministic base of $399M" in ans["why"]


def test_a_plain_recommendation_names_the_runner_up() -> None:
    ans = compare_answer(_out("lease"))
    assert ans["sentence"].startswith("Convert now and lease to an AI tenant: +$399M mean NPV")
    assert ans["sentence"].endswith("the option to convert: +$428M")


def test_one_deterministic_path_has_no_mean_and_no_share_of_paths() -> None:
    out = _out("lease")
    out["paths"] = 1
    assert compare_answer(out)["sentence"] == (
        "Convert now and lease to an AI tenant: +$399M NPV on one path; "
        "the option to convert: +$428M"
    )


def test_tornado_labels_and_inputs_are_readable() -> None:
    rows = readable_tornado(SENS)
    assert [r["label"] for r in rows][:2] == ["AI lease rent", "Discount rate"]
    rate = rows[1]
    assert (rate["low_text"], rate["high_text"]) == ("9.0%", "15.0%")
    assert rate["swing_usd"] == pytest.approx(251.1e6)
    assert len(drivers(SENS, n=5)) == 3  # gpu_rate moves nothing


def test_project_sentence_says_never_for_no_payback() -> None:
    text = project_answer(
        {"npv_usd": -1.34e9, "irr": -0.049, "payback_months": math.nan}, "gpu_cloud"
    )
    assert text == "The GPU cloud destroys value: -$1.34B NPV, IRR -4.9%; payback never."


def test_site_paths_expand_variables_and_resolve_from_the_site_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HP_PRICES", str(tmp_path / "prices"))
    pc = PowerConfig.model_validate(
        {"price_usd_per_mwh": 45, "source": "${HP_PRICES}/west.csv", "location": "HB_WEST"}
    )
    assert pc.source_path("/sites") == tmp_path / "prices" / "west.csv"
    rel = PowerConfig.model_validate(
        {"price_usd_per_mwh": 45, "source": "$HP_PRICES_SUB/w.csv", "location": "HB_WEST"}
    )
    monkeypatch.setenv("HP_PRICES_SUB", "data")  # relative: from the site file's folder
    assert rel.source_path("/sites") == Path("/sites/data/w.csv")
    monkeypatch.delenv("HP_PRICES_SUB")
    with pytest.raises(InputError) as err:
        rel.source_path("/sites")
    assert err.value.field == "power.source" and "HP_PRICES_SUB" in err.value.allowed
    assert expand_variables("plain/path.csv", field="f") == "plain/path.csv"

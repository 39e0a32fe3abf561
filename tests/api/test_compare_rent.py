"""The assumptions and the tornado state the site's rent against its index."""

from __future__ import annotations

from pathlib import Path

import pytest

from hashpivot.api.compare import assumptions, build_case, sensitivity

SITE = Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21.toml"


def test_the_assumptions_name_product_basis_spread_and_every_index() -> None:
    case = build_case(SITE, months=24)
    rows = {name: (value, source) for name, value, source in assumptions(case)}
    value, source = rows["lease rent index"]
    # $82 signed = the AI-hall index expected at the site's first month (13 months on from
    # $128.63 today along its 3%/yr trend) less ~$47.5
    assert case.lease is not None and case.lease.rent is not None
    spread = case.lease.rent.spread_usd_per_kw_month
    assert -48.5 < spread < -46.63
    assert value.startswith(
        f"ai_hall, signed basis: $82.00 = AI-hall index ${82.0 - spread:.2f} expected at the "
        f"site's first month ($128.63 today) {spread:+.2f}"
    )
    assert "site file [lease]" in source and "signed-deal table" in source
    indices, _ = rows["rent indices"]
    assert "powered_shell $100.37" in indices and "colocation $195.00" in indices
    assert "CBRE" in indices
    assert rows["rent today"][0] == "128.63 USD/IT kW-month"


def test_the_tornados_rent_row_is_in_the_sites_rent() -> None:
    case = build_case(SITE, months=24)
    out = sensitivity(case, "lease")
    row = next(r for r in out["tornado"] if r["name"] == "rent")
    # x0.8 and x1.2 of the $82 contract; index = rent - the spread (~ -$47.5)
    assert case.lease is not None and case.lease.rent is not None
    spread = case.lease.rent.spread_usd_per_kw_month
    assert row["low_rent_usd_per_kw_month"] == pytest.approx(65.60)
    assert row["high_rent_usd_per_kw_month"] == pytest.approx(98.40)
    assert row["low_index_usd_per_kw_month"] == pytest.approx(65.60 - spread, abs=1e-9)
    readable = next(r for r in out["tornado_readable"] if r["name"] == "rent")
    assert (readable["low_text"], readable["high_text"]) == ("$66/kW-month", "$98/kW-month")


def test_the_power_gap_key_drives_the_product_rent(tmp_path: Path) -> None:
    f = tmp_path / "gap.toml"
    f.write_text(SITE.read_text() + '\n[market]\npower_gap = "per_path"\n')
    case = build_case(f, months=24)
    assert case.rent_anchor_draw is not None
    # anchored on the AI-hall index's own long-run level, not colocation's $195
    assert case.rent_anchor_draw.level_usd_per_kw_month == pytest.approx(128.63, abs=0.01)
    rows = {name: value for name, value, _ in assumptions(case)}
    assert "ai_hall" in rows["power gap"]
    assert build_case(SITE, months=24).rent_anchor_draw is None


@pytest.mark.parametrize(
    ("mode", "says"),
    [("off", "off: the rent index's long-run level is its own"), ("mean", "unchanged")],
)
def test_the_power_gap_row_says_what_the_mode_does(tmp_path: Path, mode: str, says: str) -> None:
    site = tmp_path / "gap.toml"
    site.write_text(SITE.read_text() + f'\n[market]\npower_gap = "{mode}"\n')
    case = build_case(site, months=24)
    assert case.power_gap_mode == mode
    rows = {name: value for name, value, _ in assumptions(case)}
    assert says in rows["power gap"]
    base = build_case(SITE, months=24)
    # the default gap is the index's reference: "mean" leaves the long-run level as it is
    assert case.market_params.rent.long_run_level == pytest.approx(
        base.market_params.rent.long_run_level, rel=1e-9
    )

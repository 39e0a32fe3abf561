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
    # $82 signed = AI-hall index $128.63 today - $46.63
    assert value.startswith("ai_hall, signed basis: $82.00 = AI-hall index $128.63 today -46.63")
    assert "site file [lease]" in source and "signed-deal table" in source
    indices, _ = rows["rent indices"]
    assert "powered_shell $100.37" in indices and "colocation $195.00" in indices
    assert "CBRE" in indices
    assert rows["rent today"][0] == "128.63 USD/IT kW-month"


def test_the_tornados_rent_row_is_in_the_sites_rent() -> None:
    case = build_case(SITE, months=24)
    out = sensitivity(case, "lease")
    row = next(r for r in out["tornado"] if r["name"] == "rent")
    # x0.8 and x1.2 of the $82 contract; index = rent + $46.63
    assert row["low_rent_usd_per_kw_month"] == pytest.approx(65.60)
    assert row["high_rent_usd_per_kw_month"] == pytest.approx(98.40)
    assert row["low_index_usd_per_kw_month"] == pytest.approx(65.60 + 128.632034 - 82.0, abs=1e-3)
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

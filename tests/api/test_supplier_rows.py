"""compare's assumptions name what the supplier strategy rests on: the gas process (the fit,
or the site file's keys), the solar resource and its check, the battery's dispatch."""

from __future__ import annotations

from pathlib import Path

from hashpivot.api.compare import assumptions, build_case

SITES = Path(__file__).resolve().parents[2] / "examples/sites"
SUPPLIER = SITES / "west-texas-supplier-gas-solar.toml"


def test_a_site_with_generation_names_the_gas_process_and_its_fit() -> None:
    rows = {n: (v, s) for n, v, s in assumptions(build_case(SUPPLIER, months=24))}
    value, source = rows["gas price (supplier)"]
    # the fit: long-run $3.097/MMBtu, reversion 1.721/yr, vol 0.565, rho 0.571 with power
    assert "$3.10 at 1.72/yr" in value and "vol 0.565/yr" in value and "0.571" in value
    assert source.startswith("fit: EIA Henry Hub")
    assert "Roserock" in rows["solar resource"][0]


def test_the_sites_own_gas_keys_are_named_as_its_own(tmp_path: Path) -> None:
    text = SUPPLIER.read_text().replace(
        "[generation]\n", "[generation]\nhenry_hub_vol_per_year = 0.3\n", 1
    )
    site = tmp_path / "gas.toml"
    site.write_text(text)
    rows = {n: (v, s) for n, v, s in assumptions(build_case(site, months=24))}
    value, source = rows["gas price (supplier)"]
    assert "vol 0.3/yr" in value and source.startswith("site file [generation]")


def test_a_site_without_generation_has_no_supplier_rows() -> None:
    rows = [n for n, _, _ in assumptions(build_case(SITES / "permian-west-100mw-s21.toml"))]
    assert "gas price (supplier)" not in rows


def test_the_supplier_can_be_the_strategy_explained() -> None:
    import pytest

    from hashpivot.api.compare import sensitivity
    from hashpivot.errors import InputError

    case = build_case(SUPPLIER, months=24)
    out = sensitivity(case, "supplier")
    assert out["strategy"] == "supplier" and out["tornado"]
    with pytest.raises(InputError) as e:
        sensitivity(case, "bogus")
    assert e.value.field == "--sensitivity"

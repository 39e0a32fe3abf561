"""The ``[lease]`` rent's product, basis and spread: documented defaults, said in the
assumptions, and one InputError naming the field for a bad value (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hashpivot.api.compare import assumptions, build_case
from hashpivot.cli import main
from hashpivot.errors import InputError
from hashpivot.market.rent_products import PRODUCTS, RentProduct

REPO = Path(__file__).resolve().parents[2]
PERMIAN = (REPO / "examples/sites/permian-west-100mw-s21.toml").read_text()
OZARK = REPO / "examples/sites/ozark-50mw-s19jpro.toml"


def _site(tmp_path: Path, lease_keys: str, *, drop: str = "") -> Path:
    own = ("product =", "rent_basis =")  # the example's own keys, replaced by the test's
    text = "\n".join(line for line in PERMIAN.splitlines() if not line.startswith(own))
    text = text.replace("[lease]\n", "[lease]\n" + lease_keys + "\n", 1)
    text = "\n".join(line for line in text.splitlines() if not (drop and line.startswith(drop)))
    f = tmp_path / "site.toml"
    f.write_text(text)
    return f


def _rent_row(case: object) -> str:
    rows = {name: value + " | " + source for name, value, source in assumptions(case)}  # type: ignore[arg-type]
    return rows["lease rent index"]


def test_a_lease_without_product_or_basis_gets_the_documented_defaults() -> None:
    # no [lease] table: the default conversion has the landlord pay a $7.64M/MW fit-out, so
    # the product is an AI hall; the documented $82 is a signed rent
    case = build_case(OZARK, months=24)
    assert case.lease is not None and case.lease.rent is not None
    link = case.lease.rent
    assert (link.product, link.basis.value) == (RentProduct.AI_HALL, "signed")
    assert link.defaults == ("product", "rent_basis")
    assert case.lease.terms.rent_usd_per_kw_month == 82.0
    row = _rent_row(case)
    assert "default" in row and "ai_hall" in row and "signed" in row


def test_a_tenant_funded_fit_out_defaults_to_a_powered_shell(tmp_path: Path) -> None:
    f = _site(tmp_path, "", drop="fitout_paid_by")
    f.write_text(
        f.read_text().replace("[conversion]\n", '[conversion]\nfitout_paid_by = "tenant"\n')
    )
    case = build_case(f, months=24)
    assert case.lease is not None and case.lease.rent is not None
    assert case.lease.rent.product is RentProduct.POWERED_SHELL
    assert case.start_state.rent_usd_per_kw_month == pytest.approx(100.37, abs=0.01)


def test_a_market_rent_is_the_index_plus_its_spread(tmp_path: Path) -> None:
    f = _site(
        tmp_path,
        'product = "colocation"\nrent_basis = "market"\nspread_usd_per_kw_month = -15.0',
        drop="rent_usd_per_kw_month",
    )
    case = build_case(f, months=24)
    assert case.lease is not None and case.lease.rent is not None
    # CBRE $195 - $15 = $180 at signing
    assert case.lease.terms.rent_usd_per_kw_month == 180.0
    assert case.lease.rent.defaults == ()
    row = _rent_row(case)
    assert "market" in row and "-15.00" in row and "CBRE" in row


def test_a_market_override_of_the_index_moves_a_market_rent_not_a_signed_one(
    tmp_path: Path,
) -> None:
    signed = _site(tmp_path, 'product = "ai_hall"')
    signed.write_text(signed.read_text() + "\n[market]\nrent_usd_per_kw_month = 150.0\n")
    case = build_case(signed, months=24)
    assert case.lease is not None and case.lease.rent is not None
    assert case.lease.terms.rent_usd_per_kw_month == 82.0
    # the contract less the index expected at the site's first month: $150 today, reverting
    # towards the AI-hall long-run level, so between $128.63 and $150
    assert 82.0 - 150.0 < case.lease.rent.spread_usd_per_kw_month < 82.0 - 128.63
    market = tmp_path / "m.toml"
    market.write_text(
        _site(tmp_path, 'rent_basis = "market"', drop="rent_usd_per_kw_month").read_text()
        + "\n[market]\nrent_usd_per_kw_month = 150.0\n"
    )
    case = build_case(market, months=24)
    assert case.lease is not None
    assert case.lease.terms.rent_usd_per_kw_month == 150.0  # spread defaults to 0


@pytest.mark.parametrize(
    ("keys", "drop", "field"),
    [
        ('product = "warehouse"', "", "lease.product"),
        ('rent_basis = "floating"', "", "lease.rent_basis"),
        ('spread_usd_per_kw_month = "wide"', "", "lease.spread_usd_per_kw_month"),
        ("spread_usd_per_kw_month = -5.0", "", "lease.spread_usd_per_kw_month"),  # signed
        ('rent_basis = "market"', "", "lease.rent_basis"),  # with a stated rent
        (
            'rent_basis = "market"\nspread_usd_per_kw_month = -500.0',
            "rent_usd_per_kw_month",
            "lease.spread_usd_per_kw_month",
        ),
    ],
)
def test_bad_rent_terms_are_one_input_error_naming_the_field(
    tmp_path: Path, keys: str, drop: str, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _site(tmp_path, keys, drop=drop)
    with pytest.raises(InputError) as exc:
        build_case(f, months=24)
    assert exc.value.field == field
    code = main(["compare", str(f), "--paths", "5000", "--json"])
    _, err = capsys.readouterr()
    assert code == 2 and field in err and "Traceback" not in err


def test_the_products_index_levels_are_in_the_assumptions() -> None:
    case = build_case(REPO / "examples/sites/permian-west-100mw-s21.toml", months=24)
    text = " ".join(v + " " + s for _, v, s in assumptions(case))
    for m in PRODUCTS.values():
        assert f"${m.level_usd_per_kw_month:.2f}" in text

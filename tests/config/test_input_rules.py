"""One rule for numbers (issue 12): every number finite and inside both bounds, booleans are
booleans, integers integers, lists homogeneous, dates in range; the reproducers of the issue
each give one InputError naming the field."""

from __future__ import annotations

import math
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hashpivot.cli import main
from hashpivot.config.company import CompanyFile
from hashpivot.config.gpu_cloud import parse_gpu_cloud_file
from hashpivot.config.lease import parse_lease_file
from hashpivot.config.site import parse_site
from hashpivot.errors import InputError

REPO = Path(__file__).resolve().parents[2]
PERMIAN = REPO / "examples/sites/permian-west-100mw-s21.toml"


def _site(table: str, key: str, value: Any) -> dict[str, Any]:
    data = tomllib.loads(PERMIAN.read_text())
    node = data
    for part in table.split("."):
        node = node.setdefault(part, {})
    node[key] = value
    return data


@pytest.mark.parametrize(
    ("table", "key", "value", "field"),
    [
        ("lease", "term_years", 0.04, "lease.term_years"),  # ZeroDivisionError before
        ("gpu_cloud", "horizon_years", 0.04, "gpu_cloud.horizon_years"),  # IndexError before
        ("site", "start", date(9999, 12, 1), "site.start"),  # "year 10000 is out of range"
        ("lease", "announced_contract_value_usd", math.inf, "lease.announced_contract_value_usd"),
        (
            "gpu_cloud",
            "announced_contract_value_usd",
            math.inf,
            "gpu_cloud.announced_contract_value_usd",
        ),
        ("conversion", "fleet_move_cost_usd", math.inf, "conversion.fleet_move_cost_usd"),
        ("conversion", "fleet_sale_proceeds_usd", 1e308, "conversion.fleet_sale_proceeds_usd"),
        ("lease", "cap_rate_frac", 5e-324, "lease.cap_rate_frac"),
        ("mining", "opex_usd_per_month", 1e308, "mining.opex_usd_per_month"),
        ("market", "btc_price_usd", 5e-324, "market.btc_price_usd"),
        ("market", "gpu_rate_usd_per_gpu_hour", 5e-324, "market.gpu_rate_usd_per_gpu_hour"),
        ("site", "horizon_months", True, "site.horizon_months"),  # ran one month before
        ("site", "horizon_months", 60.0, "site.horizon_months"),
        ("site", "capacity_mw", True, "site.capacity_mw"),
        ("site", "capacity_mw", "100", "site.capacity_mw"),
        ("mining", "buy_fleet", "yes", "mining.buy_fleet"),
        ("mining", "shutdown_when_unprofitable", "true", "mining.shutdown_when_unprofitable"),
        ("mining", "buy_fleet", 1, "mining.buy_fleet"),
        ("power.fourcp", "months", [6, "7"], "power.fourcp.months[1]"),
        ("power.fourcp", "months", [6, 13], "power.fourcp.months[1]"),
        ("power.fourcp", "months", [6, 7.0], "power.fourcp.months[1]"),
        ("site", "name", 7, "site.name"),
        ("lease", "tenant_credit", "junk", "lease.tenant_credit"),
        ("lease", "colour", "red", "lease.colour"),  # unknown keys stay errors
        ("market", "correlation", {"btc_price:hashrate": math.nan}, "market.correlation"),
    ],
)
def test_a_bad_value_names_its_field(table: str, key: str, value: Any, field: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_site(_site(table, key, value), source="s.toml")
    assert exc.value.field.startswith(field)


def test_a_gpu_generation_of_a_day_is_out_of_bounds() -> None:
    """Issue 12 item 1: 0.001-year generations gave an infinite NPV ranked first."""
    data = _site("market", "gpu_rate_decay_per_generation_frac", 0.35)
    data["market"]["gpu_rate_generation_years"] = 0.001
    with pytest.raises(InputError) as exc:
        parse_site(data)
    assert exc.value.field == "market.gpu_rate_generation_years"
    assert "0.5" in exc.value.allowed


def test_standalone_files_keep_the_rules() -> None:
    lease = tomllib.loads((REPO / "examples/leases/ms-hyperscaler.toml").read_text())
    lease["lease"]["term_years"] = 0.04
    with pytest.raises(InputError) as exc:
        parse_lease_file(lease, "l.toml")
    assert exc.value.field == "lease.term_years"
    gpu = tomllib.loads((REPO / "examples/gpu/h100-merchant.toml").read_text())
    gpu["gpu_cloud"]["horizon_years"] = 0.04
    with pytest.raises(InputError) as exc:
        parse_gpu_cloud_file(gpu, "g.toml")
    assert exc.value.field == "gpu_cloud.horizon_years"
    gpu["gpu_cloud"]["horizon_years"] = 6
    gpu["site"]["start"] = date(9999, 12, 1)
    with pytest.raises(InputError) as exc:
        parse_gpu_cloud_file(gpu, "g.toml")
    assert exc.value.field == "site.start"


def test_company_numbers_are_bounded() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as exc:
        CompanyFile.model_validate(
            {"company": {"name": "x", "shares_outstanding": math.inf}, "site": [{"file": "a"}]}
        )
    assert exc.value.errors()[0]["loc"] == ("company", "shares_outstanding")


def test_the_cli_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (REPO / "examples/leases/ms-hyperscaler.toml").read_text()
    f = tmp_path / "lease.toml"
    f.write_text(text.replace("term_years = 15", "term_years = 0.04"))
    assert main(["lease", str(f), "--json"]) == 2
    err = capsys.readouterr().err
    assert "lease.term_years" in err and ">= 1" in err and "Traceback" not in err
    g = tmp_path / "site.toml"
    g.write_text(PERMIAN.read_text().replace("horizon_months = 60", "horizon_months = true"))
    assert main(["mine", str(g), "--json"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "site.horizon_months" in err and "a whole number" in err


@pytest.mark.parametrize(
    "path",
    sorted((REPO / "examples/leases").glob("*.toml"))
    + sorted((REPO / "examples/gpu").glob("*.toml")),
    ids=lambda p: p.stem,
)
def test_every_standalone_example_still_parses(path: Path) -> None:
    data = tomllib.loads(path.read_text())
    case = (
        parse_lease_file(data, str(path))
        if "lease" in data
        else parse_gpu_cloud_file(data, str(path))
    )
    assert case.months > 0 and case.defaulted == ()

"""The `lease` and `gpu-cloud` commands on the example files, and bad files' errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]
LEASES = REPO / "examples" / "leases"
GPU = REPO / "examples" / "gpu"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main([*args, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.strip().splitlines()
    assert len(lines) == 1  # exactly one JSON object
    payload = json.loads(lines[0])
    assert isinstance(payload, dict)
    return payload


@pytest.mark.parametrize(
    ("name", "per_w", "yield_frac"),
    [("ms-hyperscaler.toml", 5.19, 0.10), ("ms-neocloud.toml", 7.81, 0.14)],
)
def test_morgan_stanley_figures(
    capsys: pytest.CaptureFixture[str], name: str, per_w: float, yield_frac: float
) -> None:
    d = _run(capsys, "lease", str(LEASES / name))
    assert d["basis"] == "it"
    assert d["equity_value_created_usd_per_w"] == pytest.approx(per_w, abs=0.05)
    assert d["yield_on_cost_frac"] == pytest.approx(yield_frac, abs=0.001)
    # the headline is NOI / cap rate - capex, with NOI the first full year
    noi, capex = float(d["noi_usd_per_year"]), float(d["capex_usd"])  # type: ignore[arg-type]
    assert capex == pytest.approx(9.64e6 * 100)
    assert float(d["value_created_usd"]) == pytest.approx(  # type: ignore[arg-type]
        noi / (0.065 if "hyper" in name else 0.0773) - capex
    )
    for key in ("npv_usd", "irr", "noi_usd_per_year", "value_created_usd"):
        assert isinstance(d[key], float)
    names = {row["name"] for row in d["assumptions"]}  # type: ignore[attr-defined]
    assert {"cap rate", "year-1 rent", "lease type", "shell capex"} <= names


DEALS = {
    "core-scientific-coreweave.toml": 8.7e9,
    "applied-digital-coreweave-pf1.toml": 11.0e9,
    "cipher-fluidstack-barber-lake.toml": 3.0e9,
    "hut8-fluidstack-river-bend.toml": 7.0e9,
    "galaxy-coreweave-helios.toml": 15.0e9,
}


@pytest.mark.parametrize(("name", "announced"), sorted(DEALS.items()))
def test_signed_deals_total_contract_value(
    capsys: pytest.CaptureFixture[str], name: str, announced: float
) -> None:
    d = _run(capsys, "lease", str(LEASES / name))
    assert d["announced_contract_value_usd"] == announced
    assert float(d["contract_value_usd"]) == pytest.approx(announced, rel=0.05)  # type: ignore[arg-type]
    assert 50 < float(d["year1_rent_usd_per_kw_month"]) < 200  # type: ignore[arg-type]


def test_terawulf_published_terms_fall_short_of_the_announced_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # $125/kW-month, 3%, 10 y on 60 MW = 60,000 x 125 x 12 x 11.4639 = $1.0317B vs ~$1.1B
    d = _run(capsys, "lease", str(LEASES / "terawulf-core42.toml"))
    assert float(d["contract_value_usd"]) == pytest.approx(1.0317e9, rel=1e-3)  # type: ignore[arg-type]
    assert float(d["contract_value_gap_frac"]) == pytest.approx(-0.062, abs=0.002)  # type: ignore[arg-type]


def test_levered_deal_reports_debt(capsys: pytest.CaptureFixture[str]) -> None:
    d = _run(capsys, "lease", str(LEASES / "hut8-fluidstack-river-bend.toml"))
    lev = d["levered"]
    assert isinstance(lev, dict)
    # 85% of $10M per IT MW x 245 MW drawn during construction (+ 85% of the first month of
    # the $20k/MW-yr maintenance reserve, paid in the stabilisation month 18, escalated 2.5%)
    assert lev["debt_usd"] == pytest.approx(0.85 * (10e6 + 20e3 / 12 * 1.025) * 245, rel=1e-9)
    assert lev["min_dscr"] > 1.25 and lev["dscr_ok"] is True
    assert lev["irr"] > d["irr"]  # positive leverage at 7.5% debt


def test_gpu_examples(capsys: pytest.CaptureFixture[str]) -> None:
    d = _run(capsys, "gpu-cloud", str(GPU / "iren-microsoft.toml"))
    assert d["gpu_model"] == "GB300"
    # 200 MW / PUE 1.3 / 1.88 kW = 81,833 GPUs, delivered 2027-01; the contract's 60 months
    # (2027-2031, one Feb 29) have 1,826 days x 24 = 43,824 h; x $2.80 = $10.04B (9.7B announced)
    assert d["gpus"] == 81_833
    assert float(d["contract_value_usd"]) == pytest.approx(81_833 * 43_824 * 2.8)  # type: ignore[arg-type]
    assert float(d["contract_value_usd"]) == pytest.approx(9.7e9, rel=0.05)  # type: ignore[arg-type]
    d2 = _run(capsys, "gpu-cloud", str(GPU / "h100-merchant.toml"))
    for k in ("npv_usd", "irr", "value_created_usd", "equity_value_created_usd_per_w", "basis"):
        assert k in d2


def test_table_output_prints_assumptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lease", str(LEASES / "ms-hyperscaler.toml")]) == 0
    out = capsys.readouterr().out
    assert "Assumptions" in out and "cap rate" in out and "5.20/W" in out


def test_subprocess_json() -> None:
    env_path = str(REPO / "src")
    code = (
        "import sys; from hashpivot.cli import main; "
        f"sys.exit(main(['lease', {str(LEASES / 'ms-neocloud.toml')!r}, '--json']))"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["equity_value_created_usd_per_w"] == pytest.approx(7.81, abs=0.05)


BASE_LEASE = """
[site]
capacity_mw = 120.0
[conversion]
pue = {pue}
[lease]
it_mw = 100.0
rent_usd_per_kw_month = {rent}
term_years = {term}
{extra}
"""


@pytest.mark.parametrize(
    ("kwargs", "field", "hint"),
    [
        ({"rent": "-5.0"}, "lease.rent_usd_per_kw_month", "> 0"),
        ({"term": "0"}, "lease.term_years", ">= 1"),
        ({"pue": "0.9"}, "conversion.pue", ">= 1"),
        (
            {"extra": "[lease.debt]\nltc_frac = 1.2\nrate_per_year = 0.07\ntenor_years = 10"},
            "lease.debt.ltc_frac",
            "<= 1",
        ),
        ({"extra": "colour = 'red'"}, "lease.colour", "unknown field"),
        ({"extra": "tenant_credit = 'junk'"}, "lease.tenant_credit", "hyperscaler"),
        ({"extra": "rent_usd_per_mw_year = 1e6"}, "lease", "exactly one of"),
        ({"pue": "1.5"}, "conversion.it_mw", "at most"),
    ],
)
def test_bad_lease_files_give_one_clear_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kwargs: dict[str, str],
    field: str,
    hint: str,
) -> None:
    values = {"pue": "1.2", "rent": "100.0", "term": "15", "extra": ""} | kwargs
    f = tmp_path / "bad.toml"
    f.write_text(BASE_LEASE.format(**values))
    code = main(["lease", str(f), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    err = " ".join(captured.err.split())
    assert "Traceback" not in err
    assert str(f) in err and field in err and hint in err


def test_bad_toml_and_bad_gpu_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "broken.toml"
    f.write_text("[lease\nrent = ")
    assert main(["lease", str(f)]) == 2
    assert "valid TOML" in capsys.readouterr().err
    g = tmp_path / "gpu.toml"
    g.write_text(
        "[site]\ncapacity_mw = 10.0\ndiscount_rate = 0.1\n"
        "[power]\nprice_usd_per_mwh = 40.0\n[gpu_cloud]\ngpu_model = 'X100'\n"
    )
    assert main(["gpu-cloud", str(g), "--json"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "gpu_cloud.gpu_model" in err and "H100" in err
    g.write_text(
        "[site]\ncapacity_mw = 10.0\n[gpu_cloud]\ngpu_model = 'H100'\nutilisation_frac = 1.5\n"
    )
    assert main(["gpu-cloud", str(g), "--json"]) == 2
    assert "gpu_cloud.utilisation_frac" in capsys.readouterr().err


def test_site_file_with_lease_and_gpu_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = (REPO / "examples" / "sites" / "permian-west-100mw-s21.toml").read_text()
    site = site[: site.index("# --- the AI paths")]  # keep the mining tables only
    f = tmp_path / "site.toml"
    f.write_text(
        site
        + "\n[conversion]\npue = 1.25\nconstruction_months = 18\n"
        + "\n[lease]\nrent_usd_per_kw_month = 110.0\nterm_years = 15\n"
        + "tenant_credit = 'neocloud'\n"
        + "\n[gpu_cloud]\ngpu_model = 'H100'\n"
    )
    d = _run(capsys, "lease", str(f))
    # 100 MW gross / PUE 1.25 = 80 IT MW; year-1 NOI = 80,000 kW x $110 x 12 x 98%
    assert d["it_mw"] == pytest.approx(80.0)
    assert d["gross_mw"] == pytest.approx(100.0)
    assert d["noi_usd_per_year"] == pytest.approx(80_000 * 110 * 12 * 0.98)
    g = _run(capsys, "gpu-cloud", str(f))
    assert g["gpus"] == 62_500  # 80 MW / 1.28 kW

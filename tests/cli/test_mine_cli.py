"""`hashpivot mine`: the examples run; bad site files give one clear message and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashpivot.cli import main

REPO = Path(__file__).resolve().parents[2]
SITES = sorted((REPO / "examples" / "sites").glob("*.toml"))

GOOD = """
[site]
name = "t"
capacity_mw = 10.0
start = 2026-12-01
horizon_months = 24

[power]
price_usd_per_mwh = 40.0

[[fleet]]
model = "Antminer S21"
count = 2000
"""


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object], str]:
    code = main([*args, "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def needs_shared(site: Path) -> bool:
    return "HASHPIVOT_SHARED_DATA" in site.read_text()


@pytest.mark.parametrize("site", SITES, ids=[p.stem for p in SITES])
def test_example_sites_run(
    site: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    assert len(SITES) >= 2
    if needs_shared(site):
        request.getfixturevalue("shared_data")  # skips, saying why, where it is absent
    code, out, _ = run_json(capsys, "mine", str(site))
    assert code == 0
    for key in ("npv_usd", "breakeven_power_usd_per_mwh", "breakeven_btc_usd", "fleet_ph_s"):
        assert key in out
    monthly = out["monthly"]
    assert isinstance(monthly, list) and monthly
    for key in ("month", "hashprice_usd_per_ph_day", "revenue_usd", "power_cost_usd", "ebitda_usd"):
        assert key in monthly[0]
    row = monthly[0]
    assert row["ebitda_usd"] == pytest.approx(
        row["revenue_usd"] - row["power_cost_usd"] - row["other_opex_usd"], rel=1e-9
    )


def test_permian_fleet_and_halving(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_json(
        capsys, "mine", str(REPO / "examples/sites/permian-west-100mw-s21.toml")
    )
    assert code == 0
    assert out["fleet_ph_s"] == pytest.approx(27_000 * 200 / 1000)  # 5,400 PH/s
    assert out["fleet_power_mw"] == pytest.approx(27_000 * 3500 / 1e6)  # 94.5 MW
    assert out["halving_month"] in {"2028-03", "2028-04"}  # height 1,050,000, ~Mar-Apr 2028


def test_scenarios_rank_npv(capsys: pytest.CaptureFixture[str]) -> None:
    site = str(REPO / "examples/sites/permian-west-100mw-s21.toml")
    npvs = [
        run_json(capsys, "mine", site, "--scenario", s)[1]["npv_usd"]
        for s in ("bear", "base", "bull")
    ]
    assert npvs[0] < npvs[1] < npvs[2]  # type: ignore[operator]


BAD = {
    "negative MW": (GOOD.replace("capacity_mw = 10.0", "capacity_mw = -5.0"), "site.capacity_mw"),
    "zero J/TH": (
        GOOD.replace(
            'model = "Antminer S21"\ncount = 2000',
            "hashrate_th_s = 1000.0\nefficiency_j_per_th = 0",
        ),
        "fleet[0].efficiency_j_per_th",
    ),
    "fleet larger than site": (GOOD.replace("count = 2000", "count = 5000"), "fleet"),
    "unknown model": (GOOD.replace("Antminer S21", "Antminer S99"), "fleet[0].model"),
    "wrong type": (GOOD.replace("capacity_mw = 10.0", 'capacity_mw = "ten"'), "site.capacity_mw"),
    "missing field": (GOOD.replace('name = "t"\n', ""), "site.name"),
    "unknown key": (
        GOOD.replace("horizon_months = 24", "horizon_months = 24\ncapacty_mw = 3"),
        "site.capacty_mw",
    ),
    "bad toml": (GOOD.replace("[power]", "[power"), "(syntax)"),
    "missing table": (GOOD.replace("[power]\nprice_usd_per_mwh = 40.0", ""), "power"),
    "start before snapshot": (GOOD.replace("2026-12-01", "2024-01-01"), "site.start"),
    # 2,000 S21 = 7 MW fit (10 x 0.95 = 9.5 MW) until a 3 MW firm AI load takes (10 - 3) x 0.95
    "fleet larger than site beside an AI load": (
        GOOD.replace("price_usd_per_mwh = 40.0", "price_usd_per_mwh = 40.0\nai_load_mw = 3.0"),
        "ai_load_mw 3",
    ),
    "a PPA needs an hourly price source": (
        GOOD.replace(
            "[[fleet]]", "[power.ppa]\ncontract_mw = 10.0\nprice_usd_per_mwh = 40.0\n\n[[fleet]]"
        ),
        "[power.ppa]",
    ),
    "refresh without a model": (GOOD + "\n[mining]\nrefresh_month = 12\n", "mining"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_site_files(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, field = BAD[case]
    f = tmp_path / "site.toml"
    f.write_text(text)
    code, _, err = run_json(capsys, "mine", str(f))
    assert code == 2
    assert "Traceback" not in err
    assert field in err
    assert len(err.strip().splitlines()) <= 3  # one message (rich may wrap it)


def test_good_file_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "site.toml"
    f.write_text(GOOD)
    code, out, _ = run_json(capsys, "mine", str(f))
    assert code == 0 and len(out["monthly"]) == 24  # type: ignore[arg-type]


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_json(capsys, "mine", "/nonexistent/site.toml")
    assert code == 2 and "/nonexistent/site.toml" in err


def test_subprocess_exit_code_and_no_traceback(tmp_path: Path) -> None:
    f = tmp_path / "site.toml"
    f.write_text(BAD["negative MW"][0])
    proc = subprocess.run(
        [sys.executable, "-m", "hashpivot", "mine", str(f), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "capacity_mw" in proc.stderr
    assert proc.stdout == ""


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=6,
)


def toml_value(v: object) -> str:
    if v is None:
        return '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(v), repr(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    return json.dumps(str(v))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=st.sampled_from(["site", "power", "mining", "fleet"]),
    key=st.sampled_from(
        [
            "name",
            "capacity_mw",
            "overhead_frac",
            "start",
            "horizon_months",
            "discount_rate",
            "price_usd_per_mwh",
            "uptime_frac",
            "model",
            "count",
            "hashrate_th_s",
            "efficiency_j_per_th",
            "pool_fee_frac",
            "bogus",
        ]
    ),
    value=values,
)
def test_generated_files_never_traceback(
    table: str, key: str, value: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Replace one key of a good file with an arbitrary value: exit 0 or 2, never an exception."""
    lines = []
    current = ""
    for line in GOOD.strip().splitlines():
        if line.startswith("["):
            current = line.strip("[]")
        if current == table and line.split("=")[0].strip() == key:
            continue
        lines.append(line)
        if line.strip("[]") == table and line.startswith("["):
            lines.append(f"{key} = {toml_value(value)}")
    f = tmp_path / "gen.toml"
    f.write_text("\n".join(lines) + "\n")
    code = main(["mine", str(f), "--json"])
    _, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert "Traceback" not in err and "error" in err


def test_curtailing_site_uses_dispatch(
    capsys: pytest.CaptureFixture[str], shared_data: Path, tmp_path: Path
) -> None:
    """Dispatch against HB_WEST RT 2025: uptime below 1, the price paid below the all-hours mean
    ($33.03 + $6 adder, SOURCES.md), and revenue and power consistent month by month."""
    site = REPO / "examples/sites/permian-west-100mw-s21-curtail.toml"
    code, out, _ = run_json(capsys, "mine", str(site))
    assert code == 0
    assert 0 < out["uptime_frac_mean"] < 0.97  # type: ignore[operator]
    assert out["avg_power_price_usd_per_mwh"] < 33.03 + 6.0  # type: ignore[operator]
    # Curtailing never does worse than buying every hour flat at the same prices.
    flat = site.read_text().replace('dispatch = "curtail"', 'dispatch = "flat"')
    flat = flat.replace("${HASHPIVOT_SHARED_DATA}", str(shared_data))
    tmp = tmp_path / "flat.toml"
    tmp.write_text(flat)
    code2, out2, _ = run_json(capsys, "mine", str(tmp))
    assert code2 == 0
    assert out["npv_usd"] >= out2["npv_usd"]  # type: ignore[operator]


def test_ppa_take_or_pay_and_resale(
    capsys: pytest.CaptureFixture[str], shared_data: Path, tmp_path: Path
) -> None:
    """A fixed-price PPA is paid on the whole contract (take-or-pay); the power the site does
    not use is resold at the real-time price. December 2026 has 744 hours: a 200 MW contract at
    $40/MWh costs 40 x 200 x 744 = $5,952,000 whatever the site runs, and the 100 MW beyond the
    site's draw resold at a ~$33 mean price loses money against a 100 MW contract."""
    site = (REPO / "examples/sites/permian-west-100mw-s21-curtail.toml").read_text()
    site = site.replace("${HASHPIVOT_SHARED_DATA}", str(shared_data))
    npv = {}
    for mw in (100, 200):
        f = tmp_path / f"ppa{mw}.toml"
        f.write_text(site + f"\n[power.ppa]\ncontract_mw = {mw}.0\nprice_usd_per_mwh = 40.0\n")
        code, out, _ = run_json(capsys, "mine", str(f))
        assert code == 0
        assert out["monthly"][0]["power_cost_usd"] == pytest.approx(40.0 * mw * 744)  # type: ignore[index]
        npv[mw] = out["npv_usd"]
    assert npv[200] < npv[100]  # type: ignore[operator]
    f = tmp_path / "short.toml"
    f.write_text(site + "\n[power.ppa]\ncontract_mw = 50.0\nprice_usd_per_mwh = 40.0\n")
    code, _, err = run_json(capsys, "mine", str(f))
    assert code == 2 and "contract_mw" in err


def test_ppa_resells_every_contracted_mwh_the_miners_do_not_draw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Flat $25/MWh hub prices all 2025, a 120 MW contract at $40: the fleet runs every hour
    (mining pays far more than $25) but is available 97% of the time, so it draws
    99.47 MW x 0.97 and the rest of the contract, downtime included, is resold at $25:
    December 2026 (744 h) resale = 25 x (120 - 99.47 x 0.97) x 744."""
    import numpy as np

    hours = np.arange(np.datetime64("2025-01-01T00"), np.datetime64("2026-01-01T00"))
    csv = tmp_path / "flat.csv"
    csv.write_text(
        "timestamp_utc,location,market,price_usd_per_mwh\n"
        + "".join(f"{h}:00:00Z,HB_WEST,RT,25.0\n" for h in hours)
    )
    site = (REPO / "examples/sites/permian-west-100mw-s21-curtail.toml").read_text()
    site = site.replace("${HASHPIVOT_SHARED_DATA}/ercot_west_hourly.csv", str(csv))
    f = tmp_path / "ppa.toml"
    f.write_text(site + "\n[power.ppa]\ncontract_mw = 120.0\nprice_usd_per_mwh = 40.0\n")
    code, out, _ = run_json(capsys, "mine", str(f))
    assert code == 0
    row = out["monthly"][0]  # type: ignore[index]
    site_mw = 27_000 * 3.5 / 1000 / 0.95  # S21: 200 TH/s at 17.5 J/TH = 3,500 W; 5% overhead
    assert row["uptime_frac"] == pytest.approx(0.97)
    resale = row["revenue_usd"] - row["btc_mined"] * row["btc_price_usd"]
    assert resale == pytest.approx(25.0 * (120.0 - site_mw * 0.97) * 744, rel=1e-9)
    assert row["power_cost_usd"] == pytest.approx(40.0 * 120.0 * 744)

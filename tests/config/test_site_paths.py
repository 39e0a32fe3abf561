"""Every site gets all three paths: `hashpivot compare` on every example site returns mine,
lease, gpu_cloud, switch, split and sell; a missing AI table is valued on its documented
defaults and listed as such in the assumptions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hashpivot.api.compare import assumptions, build_case
from hashpivot.cli import app
from hashpivot.config.site import AI_TABLES, load_site

REPO = Path(__file__).resolve().parents[2]
SITES = sorted((REPO / "examples/sites").glob("*.toml"))
SIX = {"mine", "lease", "gpu_cloud", "switch", "split", "sell"}


@pytest.mark.parametrize("site", SITES, ids=[p.stem for p in SITES])
def test_compare_on_every_example_site_returns_all_six_strategies(
    site: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HASHPIVOT_SHARED_DATA", str(shared_data))
    args = ["compare", str(site), "--paths", "200", "--months", "24", "--sensitivity", "none"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    supplier = {"supplier"} if "[generation]" in site.read_text() else set()
    assert set(out["strategies"]) == SIX | supplier
    assert out["switch"]["best_month"] is not None


def test_the_ozark_site_is_valued_on_the_default_tables() -> None:
    """Ozark has no AI tables: PUE 1.2 turns its 50 MW into 50 / 1.2 = 41.67 IT MW, leased at
    the Morgan Stanley reconstruction's $82/kW-month NNN for 15 years (+3%/yr), exit at the
    hyperscaler cap rate 6.5%, discounted at 6.5% + 3% = 9.5% (Gordon); an H100 cloud at the
    catalogue's $2.20/GPU-hour."""
    site = REPO / "examples/sites/ozark-50mw-s19jpro.toml"
    assert load_site(site).defaulted_tables == AI_TABLES
    case = build_case(site, months=24)
    assert case.defaulted_tables == ("conversion", "lease", "gpu_cloud")
    assert case.lease is not None and case.gpu is not None
    t = case.lease.terms
    assert t.it_mw == pytest.approx(50 / 1.2)
    assert t.rent_usd_per_kw_month == 82.0 and t.term_months == 180
    assert t.escalator_frac_per_year == 0.03 and t.commencement_month == 18
    assert case.lease.exit_cap_rate_frac == 0.065
    assert case.lease.discount_rate_per_year == pytest.approx(0.095)
    assert case.gpu.terms.gpu.model == "H100"
    assert case.gpu.rate_now_usd_per_gpu_hour == 2.2
    rows = {name: source for name, _, source in assumptions(case)}
    assert rows["lease rent"].startswith("default: no [lease] table")
    assert "Morgan Stanley" in rows["lease rent"]
    assert rows["conversion"].startswith("default: no [conversion] table")
    assert rows["gpu"].startswith("default: no [gpu_cloud] table")


def test_a_site_with_every_table_names_none_defaulted() -> None:
    site = REPO / "examples/sites/permian-west-100mw-s21.toml"
    case = build_case(site, months=24)
    assert case.defaulted_tables == ()
    rows = {name: source for name, _, source in assumptions(case)}
    assert rows["lease rent"] == "site file [lease]"
    assert rows["conversion"] == "site file [conversion]"


def test_the_lease_command_on_a_site_without_lease_lists_the_default(tmp_path: Path) -> None:
    site = REPO / "examples/sites/ozark-50mw-s19jpro.toml"
    result = CliRunner().invoke(app, ["lease", str(site), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    # 41.67 IT MW x 1000 kW x $82 x 12 x (1 - 2% management fee)
    assert out["noi_usd_per_year"] == pytest.approx(50 / 1.2 * 1000 * 82 * 12 * 0.98)

"""The Excel report is a model: recalculated by a real engine (the ``formulas`` package, pure
Python), its NPVs equal ``compare --deterministic``'s JSON, and its levers move them as the
engine (or a hand calculation) says.

One workbook (the Permian example, 12 months, deterministic) is written by the CLI and
recalculated once per lever: the power price, the rent, the conversion capex, the switch month.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from hashpivot.api.compare import build_case
from hashpivot.cli import main
from hashpivot.engine.deterministic import deterministic_scenarios, run_deterministic
from hashpivot.engine.strategies import Factors, evaluate_batch, prepare

formulas = pytest.importorskip("formulas")

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"
MONTHS = 12
STRATEGIES = {"mine", "lease", "gpu_cloud", "switch", "split", "sell"}


class Recalculated:
    """The workbook loaded into ``formulas``: recalculate with changed named inputs."""

    def __init__(self, path: Path) -> None:
        self.book = path.name
        self.model = formulas.ExcelModel().loads(str(path)).finish()
        wb = openpyxl.load_workbook(path)
        self.names = {n: d.attr_text for n, d in wb.defined_names.items()}
        self.base = self.model.calculate()

    def ref(self, sheet: str, a1: str) -> str:
        return f"'[{self.book}]{sheet.upper()}'!{a1.replace('$', '')}"

    def name_ref(self, name: str) -> str:
        sheet, a1 = self.names[name].split("!")
        return self.ref(sheet, a1)

    def value(self, sol: Any, sheet: str, a1: str) -> Any:
        return sol[self.ref(sheet, a1)].value[0][0]

    def input(self, name: str) -> float:
        sheet, a1 = self.names[name].split("!")
        return float(self.value(self.base, sheet, a1))

    def with_inputs(self, **values: float) -> Any:
        return self.model.calculate(inputs={self.name_ref(k): v for k, v in values.items()})

    def model_npvs(self, sol: Any) -> dict[str, float]:
        """The Model sheet's NPV (column B) by JSON key (column G)."""
        out = {}
        for r in range(5, 5 + len(STRATEGIES)):
            out[str(self.value(sol, "Model", f"G{r}"))] = float(self.value(sol, "Model", f"B{r}"))
        return out


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, Recalculated]:
    folder = tmp_path_factory.mktemp("xlsx")
    buf = io.StringIO()
    args = ["compare", str(SITE), "--deterministic", "--months", str(MONTHS)]
    with contextlib.redirect_stdout(buf):
        code = main([*args, "--report", str(folder), "--json"])
    assert code == 0
    path = folder / "compare.xlsx"
    return json.loads(buf.getvalue()), path, Recalculated(path)


def test_recalculated_npvs_equal_the_json(
    run: tuple[dict[str, Any], Path, Recalculated],
) -> None:
    out, _, xl = run
    strategies = out["strategies"]
    assert set(strategies) == STRATEGIES
    npv = xl.model_npvs(xl.base)
    assert set(npv) == STRATEGIES
    for k, s in strategies.items():
        assert npv[k] == pytest.approx(s["npv_mean_usd"], rel=1e-6), k
    # under certainty the switch's value is its best fixed month: here converting now
    assert npv["switch"] == pytest.approx(npv["lease"], rel=1e-12)
    assert out["switch"]["best_month"] == 0


def test_power_price_moves_mine_npv_by_energy_times_delta_discounted(
    run: tuple[dict[str, Any], Path, Recalculated],
) -> None:
    _, _, xl = run
    case = build_case(SITE, months=MONTHS)
    mined = run_deterministic(case).values.mined
    energy_mwh = mined.energy_mwh[0]
    # ASIC MW x uptime x hours / (1 - overhead): 94.5 x 0.97 x 744 h / 0.95 = 71,788 MWh in
    # a 31-day month; about 845 GWh over the 12 months
    m = case.mining
    assert energy_mwh[0] == pytest.approx(94.5 * 0.97 * 744 / 0.95, rel=1e-12)
    hours = mined.chain.days * 24.0
    assert energy_mwh == pytest.approx(
        m.fleet.power_mw * m.uptime_frac * hours / (1.0 - m.overhead_frac), rel=1e-12
    )
    price = xl.input("power_price_usd_per_mwh")
    assert price == m.power_price_usd_per_mwh
    delta = 10.0  # USD/MWh
    t = np.arange(MONTHS)
    df = (1.0 + m.discount_rate) ** (-(t + 1) / 12.0)  # flows at month end
    expected = -float(np.sum(energy_mwh * delta * df))
    sol = xl.with_inputs(power_price_usd_per_mwh=price + delta)
    before, after = xl.model_npvs(xl.base), xl.model_npvs(sol)
    assert after["mine"] - before["mine"] == pytest.approx(expected, rel=1e-9)
    # 845 GWh x $10/MWh = $8.45M, discounted at 12%/yr over the year: ~$7.95M
    assert expected == pytest.approx(-7.95e6, rel=2e-3)
    # the lease keeps mining on the site's unconverted share while the hall is built
    from hashpivot.compute.conversion import mining_share_of_site

    assert case.lease is not None
    share = mining_share_of_site(case.lease.conversion, MONTHS)
    lease_expected = -float(np.sum(share * energy_mwh * delta * df))
    assert after["lease"] - before["lease"] == pytest.approx(lease_expected, rel=1e-9)
    # sell mines only until the sale closes (6 months)
    k = case.sale.months_to_close
    sell_expected = -float(np.sum((energy_mwh * delta * df)[:k]))
    assert after["sell"] - before["sell"] == pytest.approx(sell_expected, rel=1e-9)


def _engine_npv(factors: Factors) -> dict[str, float]:
    """The engine's NPVs on the deterministic path with sensitivity factors."""
    case = build_case(SITE, months=MONTHS)
    v = evaluate_batch(
        case, deterministic_scenarios(case), prepare(case), factors, net_rows=1, exact_power=True
    )
    return {k: float(a[0]) for k, a in v.npv_usd.items() if np.isfinite(a[0])}


def test_rent_and_capex_inputs_move_the_lease_as_the_engine_does(
    run: tuple[dict[str, Any], Path, Recalculated],
) -> None:
    _, _, xl = run
    rent = xl.input("rent_usd_per_kw_month")
    capex = xl.input("conversion_capex_usd_per_it_mw")
    sol = xl.with_inputs(rent_usd_per_kw_month=rent * 1.1)
    assert xl.model_npvs(sol)["lease"] == pytest.approx(
        _engine_npv(Factors(rent=1.1))["lease"], rel=1e-9
    )
    sol = xl.with_inputs(conversion_capex_usd_per_it_mw=capex * 1.25)
    engine = _engine_npv(Factors(conversion_capex=1.25))
    npv = xl.model_npvs(sol)
    assert npv["lease"] == pytest.approx(engine["lease"], rel=1e-9)
    assert npv["lease"] < xl.model_npvs(xl.base)["lease"]  # dearer conversion, lower value
    assert npv["split"] == pytest.approx(engine["split"], rel=1e-9)


def test_switch_month_input_retimes_the_conversion(
    run: tuple[dict[str, Any], Path, Recalculated],
) -> None:
    _, _, xl = run
    case = build_case(SITE, months=MONTHS)
    option = run_deterministic(case).values.option
    assert option is not None
    stop = option.stop_npv_usd[0]
    for month in (3, MONTHS - 1, MONTHS):  # MONTHS: never converts, i.e. mine
        sol = xl.with_inputs(switch_month=float(month))
        assert xl.model_npvs(sol)["switch"] == pytest.approx(stop[month], rel=1e-9)
    assert stop[MONTHS] == pytest.approx(xl.model_npvs(xl.base)["mine"], rel=1e-9)


def test_model_sheets_hold_formulas_and_monte_carlo_sheets_values(
    run: tuple[dict[str, Any], Path, Recalculated],
) -> None:
    _, path, _ = run
    wb = openpyxl.load_workbook(path)

    def formulas_in(sheet: str) -> int:
        return sum(c.data_type == "f" for row in wb[sheet].iter_rows() for c in row)

    for sheet in ("Model", "Mine model", "Lease model", "Switch model", "Split model"):
        assert formulas_in(sheet) > MONTHS, sheet
    for sheet in ("GPU cloud model", "Sell model"):
        assert formulas_in(sheet) > MONTHS, sheet
    for sheet in ("Summary", "Monthly P50", "Distributions", "Switch", "Fan", "Market path"):
        assert formulas_in(sheet) == 0, sheet
        texts = [c.value for row in wb[sheet].iter_rows() for c in row if isinstance(c.value, str)]
        if sheet != "Market path":
            assert any("Monte Carlo results (values)" in t for t in texts), sheet
    # the levers are named cells with their unit and source
    inputs = {r[5]: r for r in wb["Inputs"].iter_rows(min_row=3, values_only=True) if r[5]}
    for name, unit in (
        ("power_price_usd_per_mwh", "USD/MWh"),
        ("rent_usd_per_kw_month", "USD/kW-month"),
        ("conversion_capex_usd_per_it_mw", "USD per IT MW"),
        ("discount_rate", "fraction/year"),
        ("lease_discount_rate", "fraction/year"),
    ):
        assert name in wb.defined_names, name
        assert inputs[name][2] == unit and inputs[name][3], name
    # every assumption of the run is a named cell too
    assumptions = list(wb["Assumptions"].iter_rows(min_row=2, values_only=True))
    named = [n for n in wb.defined_names if n.startswith("a_")]
    assert len(named) == len(assumptions) > 5


def test_headers_read_as_words_with_units_and_charts_are_native(
    run: tuple[dict[str, Any], Path, Recalculated],
) -> None:
    _, path, _ = run
    wb = openpyxl.load_workbook(path)
    snake = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
    header_rows = {
        "Monthly P50": 1,
        "Distributions": 1,
        "Switch": 1,
        "Fan": 1,
        "Market path": 1,
        "Summary": 6,
        "Model": 4,
        "Mine model": 11,
        "Lease model": 11,
        "Conversion": 1,
    }
    for sheet, row in header_rows.items():
        heads = [c.value for c in wb[sheet][row] if isinstance(c.value, str)]
        assert heads, sheet
        for h in heads:
            assert not snake.search(h), (sheet, h)
        assert wb[sheet].freeze_panes is not None, sheet
    money = [h for h in (c.value for c in wb["Mine model"][11]) if h and "USD" in str(h)]
    assert len(money) >= 8  # units in the headers
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 4  # NPV distribution, monthly P50, two fans


def test_market_priced_site_recalculates_to_the_engine(shared_data: Path, tmp_path: Path) -> None:
    """A site on the hub price (+ adder), dispatched hour by hour against its price history:
    the power price is the path's (values) plus a named change; the NPVs still match."""
    site = REPO / "examples/sites/permian-west-100mw-s21-curtail.toml"
    months = 6
    code = main(
        [
            "compare",
            str(site),
            "--deterministic",
            "--months",
            str(months),
            "--report",
            str(tmp_path),
            "--json",
        ]
    )
    assert code == 0
    xl = Recalculated(tmp_path / "compare.xlsx")
    case = build_case(site, months=months)
    run_ = run_deterministic(case)
    engine = {k: s.npv_mean_usd for k, s in run_.comparison.strategies.items()}
    npv = xl.model_npvs(xl.base)
    for k, v in engine.items():
        assert npv[k] == pytest.approx(v, rel=1e-6), k
    # +$5/MWh on the path: the mine NPV falls by the energy drawn x 5, discounted
    mined = run_.values.mined
    df = (1.0 + case.mining.discount_rate) ** (-(np.arange(months) + 1) / 12.0)
    expected = -float(np.sum(mined.energy_mwh[0] * 5.0 * df))
    sol = xl.with_inputs(power_price_change_usd_per_mwh=5.0)
    assert xl.model_npvs(sol)["mine"] - npv["mine"] == pytest.approx(expected, rel=1e-9)

"""The walk-forward backtest: scoring by hand, and a small run on the shared history."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hashpivot.cli import main
from hashpivot.errors import InputError
from hashpivot.market.backtest import OriginForecast, score


def _forecast(realised: list[float], p10: list[float], p50: list[float], p90: list[float]) -> Any:
    bands = np.array([p10, p50, p90], dtype=float)
    return OriginForecast(
        origin=date(2020, 12, 31),
        realised_hashrate_eh_s=np.array(realised, dtype=float),
        realised_hashprice_usd_per_ph_day=np.array(realised, dtype=float) / 10,
        bands_hashrate={"conditional": bands, "unconditional": bands * 2},
        bands_hashprice={"conditional": bands / 10, "unconditional": bands / 10},
        fit=None,  # type: ignore[arg-type]  # scoring never reads the fit
    )


def test_score_counts_the_band_and_the_median_error_by_hand() -> None:
    # realised 100, 120, 150, 200; bands [90, 110], [100, 130], [160, 200], [150, 210]:
    # inside, inside, below, inside -> 3 of 4 = 75%; P50 100, 115, 180, 180:
    # errors 0, -4.17%, +20%, -10% -> median of (-10, -4.17, 0, 20) = -2.08%
    f = _forecast(
        [100, 120, 150, 200], [90, 100, 160, 150], [100, 115, 180, 180], [110, 130, 200, 210]
    )
    s = score([f], "conditional", 4)
    assert s.n_months == 4
    assert s.hashrate_coverage_frac == 0.75
    assert s.hashrate_median_error_frac == pytest.approx((-5 / 120 + 0) / 2, rel=1e-12)
    assert s.hashrate_median_abs_error_frac == pytest.approx((5 / 120 + 0.1) / 2, rel=1e-12)
    # horizon 2 pools only the first two months: both inside
    assert score([f], "conditional", 2).hashrate_coverage_frac == 1.0
    # unconditional bands doubled: [180, 220], [200, 260], [320, 400], [300, 420]: none inside
    assert score([f], "unconditional", 4).hashrate_coverage_frac == 0.0
    with pytest.raises(InputError):
        score([f], "median", 4)


def test_backtest_small_run_on_the_shared_history(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["backtest", "--history", str(shared_data), "--origin", "2022", "--paths", "100", "--json"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    scores = {(s["mode"], s["horizon_months"]): s for s in result["scores"]}
    assert set(scores) == {(m, h) for m in ("conditional", "unconditional") for h in (12, 24)}
    # 2022-12 origin: 24 realised months (2023-01 .. 2024-12) in the history to 2025-09
    assert scores["conditional", 24]["n_months"] == 24
    assert scores["unconditional", 12]["n_months"] == 12
    for s in scores.values():
        assert 0.0 <= s["hashrate_coverage_frac"] <= 1.0
        assert 0.0 <= s["hashprice_coverage_frac"] <= 1.0
    (origin,) = result["origins"]
    assert origin["origin"] == "2022-12"
    # Dec 2023 mean hashrate of the Coin Metrics history, 507 EH/s
    assert origin["realised_hashrate_eh_s"] == pytest.approx(507.3, abs=0.1)
    # the technology term fitted on the catalogue models released by 2022-12
    assert -0.30 < origin["fleet_efficiency_trend_per_year"] < -0.15


def test_backtest_refuses_an_origin_outside_the_history(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--origin", "2030", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error:") and "--origin" in err


def test_backtest_momentum_flag_reaches_the_model(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["backtest", "--history", str(shared_data), "--origin", "2022", "--paths", "100"]
    assert main([*args, "--momentum", "--json"]) == 0
    result = json.loads(capsys.readouterr()[0])
    assert result["hashrate_momentum"] is True
    (origin,) = result["origins"]
    assert origin["origin"] == "2022-12"


def test_the_band_terms_widen_an_origins_bands_and_keep_its_median(shared_data: Path) -> None:
    """2022-12 origin, month 12, conditional on BTC (docs/methodology.md table): the fit's
    residual autocorrelation 0.40 alone takes a 12-month sum's variance up ~2x, and the
    parameter draws add more, so log(P90/P10) grows from 0.53 (308-523 EH/s) to about 0.92
    (250-628 EH/s) while the P50 stays at ~400 EH/s."""
    from hashpivot.api.backtest import _history
    from hashpivot.api.calibration import fleet_efficiency_fit
    from hashpivot.market.backtest import forecast_origin

    daily, _ = _history(shared_data)
    origin = date(2022, 12, 31)
    trend = fleet_efficiency_fit(origin).log_trend_per_year
    kw: dict[str, Any] = dict(
        horizon_months=12, paths=2000, seed=2026, fleet_efficiency_log_trend_per_year=trend
    )
    new = forecast_origin(daily, origin, **kw).bands_hashrate["conditional"][:, 11]
    old = forecast_origin(
        daily, origin, parameter_uncertainty=False, shock_persistence=False, **kw
    ).bands_hashrate["conditional"][:, 11]
    assert math.log(old[2] / old[0]) == pytest.approx(0.53, abs=0.03)
    assert math.log(new[2] / new[0]) == pytest.approx(0.92, abs=0.05)
    assert new[1] == pytest.approx(old[1], rel=0.03)

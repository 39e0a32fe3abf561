"""Fans carry the mean as well as the percentiles, each labelled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.case import build_case
from hashpivot.api.compare import summary
from hashpivot.engine.compare import compare
from hashpivot.engine.summary import PERCENTILES

SITE = Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21.toml"


def test_mean_fans_beside_the_percentiles() -> None:
    case = build_case(SITE, months=12)
    cmp = compare(case, paths=5_000, seed=1)
    assert cmp.fan_btc_price_mean.shape == cmp.fan_btc_price.shape[1:]
    p50 = cmp.fan_btc_price[PERCENTILES.index(50)]
    # lognormal: mean / median = exp(sigma^2 t / 2), growing with the horizon
    mean = cmp.fan_btc_price_mean
    assert mean[-1] / p50[-1] > mean[0] / p50[0] > 1.0
    # expected-growth basis: the mean grows +10%/yr (1,000 kept paths: sd of the mean ~2.5%)
    years = (len(mean) - 1) / 12
    assert mean[-1] / mean[0] == pytest.approx(1.10**years, rel=0.08)
    assert np.all(cmp.fan_hashprice_mean > 0)
    fan = summary(case, cmp)["fan"]
    assert fan["btc_price_mean_usd"] == cmp.fan_btc_price_mean.tolist()
    assert fan["hashprice_mean_usd_per_ph_day"] == cmp.fan_hashprice_mean.tolist()
    assert set(fan["labels"]) == {"percentiles", "mean"}
    assert summary(case, cmp)["drift_basis"] == "expected"

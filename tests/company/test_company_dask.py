"""A company valued on a Dask cluster equals the same company valued in process, path by path."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.company import value_company
from hashpivot.engine.backends import open_backend

SITES = Path(__file__).resolve().parents[2] / "examples/sites"


def _company(tmp: Path) -> Path:
    """Two sites, 24 months each (a short horizon keeps the test quick)."""
    for name in ("permian-west-100mw-s21", "ozark-50mw-s19jpro"):
        text = (SITES / f"{name}.toml").read_text()
        text = re.sub(r"(?m)^horizon_months\s*=.*$", "horizon_months = 24", text)
        (tmp / f"{name}.toml").write_text(text)
    f = tmp / "co.toml"
    f.write_text(
        '[company]\nname = "Two sites"\nnet_debt_usd = 0\ncorporate_ga_usd_per_year = 0\n'
        'ga_months = 12\ndiscount_rate = 0.1\n\n[[site]]\nfile = "permian-west-100mw-s21.toml"\n'
        '\n[[site]]\nfile = "ozark-50mw-s19jpro.toml"\n'
    )
    return f


@pytest.mark.slow
def test_company_on_a_local_dask_cluster_equals_the_local_run(tmp_path: Path) -> None:
    f = _company(tmp_path)
    local, co_local, _ = value_company(f, paths=10_000, seed=3, breakeven_paths=0)
    with open_backend("dask", workers=2) as map_fn:
        dist, co_dist, _ = value_company(f, paths=10_000, seed=3, breakeven_paths=0, map_fn=map_fn)
    assert len(local["sites"]) == 2 and local["paths"] == 10_000
    np.testing.assert_array_equal(co_local.ev_usd, co_dist.ev_usd)
    np.testing.assert_array_equal(co_local.ev_as_miner_usd, co_dist.ev_as_miner_usd)
    assert dist == local

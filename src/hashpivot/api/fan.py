"""Means of the fan charts' sample paths, which the typed Comparison does not keep.

A comparison keeps the percentiles of its first :data:`~hashpivot.engine.compare.SAMPLE_PATHS`
paths (``Comparison.fan_hashprice``, ``fan_btc_price``). The same paths are drawn again here
from the same seed (the first random-number block of :func:`hashpivot.engine.compare.make_batches`)
and valued by the same public engine function, so their mean sits beside the percentiles. The
draw is checked: its percentiles must equal the comparison's, else no mean is given.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hashpivot.engine.compare import BLOCK_PATHS, SAMPLE_PATHS, make_batches
from hashpivot.engine.strategies import CompareCase, evaluate_batch, prepare
from hashpivot.engine.summary import PERCENTILES, Comparison
from hashpivot.market.scenarios import ChunkSimulator

__all__ = ["fan_means"]

_MATCH_REL = 1e-9  # the redrawn sample's percentiles equal the comparison's to this


def fan_means(case: CompareCase, cmp: Comparison) -> dict[str, Any] | None:
    """``{"hashprice_usd_per_ph_day": [...], "btc_price_usd": [...], "sample_paths": n}``: the
    monthly means of the fan's sample paths; None for a deterministic run or where the
    redrawn sample does not reproduce the comparison's percentiles."""
    if not cmp.market.startswith("monte carlo") or cmp.interrupted:
        return None
    n = min(SAMPLE_PATHS, cmp.paths, BLOCK_PATHS)
    spec = make_batches(cmp.paths, cmp.seed, BLOCK_PATHS)[0].blocks[0]
    _, scen = ChunkSimulator(case.market_params, case.start_state, case.market_months + 1)(spec)
    v = evaluate_batch(case, scen.take(slice(0, n)), prepare(case), training=True, net_rows=n)
    hp = np.asarray(v.hashprice_usd_per_ph_day[:n], dtype=np.float64)
    btc = np.asarray(v.btc_price_usd[:n], dtype=np.float64)
    for arr, fan in ((hp, cmp.fan_hashprice), (btc, cmp.fan_btc_price)):
        if arr.shape[1] != fan.shape[1]:
            return None
        if not np.allclose(np.percentile(arr, PERCENTILES, axis=0), fan, rtol=_MATCH_REL):
            return None
    return {
        "hashprice_usd_per_ph_day": hp.mean(axis=0).tolist(),
        "btc_price_usd": btc.mean(axis=0).tolist(),
        "sample_paths": n,
    }

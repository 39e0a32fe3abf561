"""Each path's rent anchor on its own draw of the power gap."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.case import build_case
from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies import evaluate_batch, prepare
from hashpivot.market.chunks import ChunkSimulator, chunk_specs
from hashpivot.market.power_gap import (
    DEFAULT_INPUTS,
    gap_log_sigma,
    power_gap,
    rent_anchor_paths,
)
from hashpivot.market.rent_products import RentBasis
from hashpivot.market.simulate import simulate

SITE = Path(__file__).resolve().parents[2] / "examples/sites/permian-west-100mw-s21.toml"


def _market_basis(case: CompareCase) -> CompareCase:
    """The case with its lease on a market basis (index + the spread implied today): it
    signs at the index then, so its value moves with the rent (a signed rent would not)."""
    assert case.lease is not None and case.lease.rent is not None
    link = replace(case.lease.rent, basis=RentBasis.MARKET)
    return replace(case, lease=replace(case.lease, rent=link))


def test_default_gap_sigma_by_hand() -> None:
    # gap 65 - 15 - 6 = 44 GW; blocks at their high ends 20 + 8 + 15 = 43, low 15 + 5 + 5 = 25:
    # after-block gaps 1 and 19 GW, width 18; 90% interval 44 +- 9 = [35, 53]
    g = power_gap()
    assert g.gap_after_blocks_high_gw[-1] - g.gap_after_blocks_low_gw[-1] == pytest.approx(18.0)
    assert gap_log_sigma(g) == pytest.approx(math.log(53 / 35) / (2 * 1.6448536269514722))


def test_anchor_draw_is_reproducible_and_centred() -> None:
    g = power_gap()
    a = rent_anchor_paths(g, months=12, paths=4_000, seed=5)
    assert a.shape == (4_000, 12)
    np.testing.assert_array_equal(a, rent_anchor_paths(g, months=12, paths=4_000, seed=5))
    assert not np.array_equal(a, rent_anchor_paths(g, months=12, paths=4_000, seed=6))
    # median gap = the gap path's: the median anchor is the reference $195/kW-month
    assert np.median(a[:, 0]) == pytest.approx(195.0, rel=5e-3)  # 7 standard errors
    assert np.all(np.ptp(a, axis=1) == 0)  # no trend: one level per path
    flat = rent_anchor_paths(g, months=12, paths=10, seed=5, sigma=0.0)
    np.testing.assert_allclose(flat, 195.0)


def _scaled_demand(k: float) -> object:
    return replace(DEFAULT_INPUTS, demand_gw=tuple(d * k for d in DEFAULT_INPUTS.demand_gw))


def test_larger_gap_raises_mean_rent_and_lease_value() -> None:
    case = _market_basis(build_case(SITE))
    months = case.market_months + 1
    rents, leases = [], []
    for k in (0.9, 1.0, 1.2, 1.5):  # more demand against the same supply: a larger gap
        g = power_gap(_scaled_demand(k))  # type: ignore[arg-type]
        lvl = case.market_params.rent.long_run_level
        anchor = rent_anchor_paths(
            g, months=months, paths=2_000, seed=3, rent_level_usd_per_kw_month=lvl
        )
        sc = simulate(
            case.market_params, case.start_state, months, 2_000, np.random.default_rng(1),
            rent_anchor_usd_per_kw_month=anchor,
        )  # fmt: skip
        rents.append(float(sc.rent_usd_per_kw_month.mean()))
        leases.append(float(evaluate_batch(case, sc, prepare(case)).npv_usd["lease"].mean()))
    assert rents == sorted(rents) and rents[0] < rents[-1]
    assert leases == sorted(leases) and leases[0] < leases[-1]


def test_chunks_take_their_own_rows_of_the_anchor() -> None:
    case = build_case(SITE)
    months = 13
    anchor = rent_anchor_paths(power_gap(), months=months, paths=300, seed=2, sigma=0.5)
    sim = ChunkSimulator(case.market_params, case.start_state, months, anchor)
    specs = chunk_specs(300, 100, 7)
    for spec in specs:
        whole = simulate(
            case.market_params, case.start_state, months, spec.paths,
            np.random.default_rng(spec.seed_sequence),
            rent_anchor_usd_per_kw_month=anchor[spec.first_path : spec.first_path + 100],
        )  # fmt: skip
        np.testing.assert_array_equal(
            sim(spec)[1].rent_usd_per_kw_month, whole.rent_usd_per_kw_month
        )


def test_a_flat_per_path_anchor_equals_the_one_path_anchor() -> None:
    """The per-path reversion term is exact: the same anchor on every path gives the same
    rents as the ``(months,)`` anchor (up to rounding)."""
    case = build_case(SITE)
    months = 25
    one = np.linspace(180.0, 230.0, months)
    a = simulate(
        case.market_params, case.start_state, months, 50, np.random.default_rng(4),
        rent_anchor_usd_per_kw_month=one,
    )  # fmt: skip
    b = simulate(
        case.market_params, case.start_state, months, 50, np.random.default_rng(4),
        rent_anchor_usd_per_kw_month=np.tile(one, (50, 1)),
    )  # fmt: skip
    np.testing.assert_allclose(a.rent_usd_per_kw_month, b.rent_usd_per_kw_month, rtol=1e-12)


def test_gap_draw_in_the_chunk_is_reproducible_and_follows_the_gap() -> None:
    import pickle

    from hashpivot.market.power_gap import GapRentDraw

    case = build_case(SITE)
    months = 25
    specs = chunk_specs(600, 300, 11)
    means = []
    for k in (1.0, 1.5):
        draw = GapRentDraw(power_gap(_scaled_demand(k)))  # type: ignore[arg-type]
        sim = ChunkSimulator(case.market_params, case.start_state, months, rent_anchor_draw=draw)
        a = [sim(s)[1].rent_usd_per_kw_month for s in specs]
        b = [pickle.loads(pickle.dumps(sim))(s)[1].rent_usd_per_kw_month for s in specs]
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)  # the same seed, the same anchors and rents
        assert not np.array_equal(draw(specs[0], months), draw(specs[1], months))
        means.append(float(np.mean([x.mean() for x in a])))
    plain = ChunkSimulator(case.market_params, case.start_state, months)
    # the market's own draws are unchanged: BTC paths equal those without the gap draw
    np.testing.assert_array_equal(sim(specs[0])[1].btc_price_usd, plain(specs[0])[1].btc_price_usd)
    assert means[1] > means[0]


def test_compare_with_per_path_gap_draws() -> None:
    """``apply_power_gap(per_path=True)``: compare draws each path's anchor in its chunk; a
    larger gap raises the mean lease NPV; the same seed gives the same NPVs; at the default
    gap the per-path draws (median = the gap) leave the lease value within a few percent."""
    from hashpivot.api.power_gap import apply_power_gap
    from hashpivot.engine.compare import compare

    case = _market_basis(build_case(SITE))
    leases = []
    for k in (0.9, 1.0, 1.5):
        c = apply_power_gap(case, _scaled_demand(k), per_path=True)  # type: ignore[arg-type]
        leases.append(compare(c, paths=1_000, seed=5).strategies["lease"].npv_usd)
    assert float(leases[0].mean()) < float(leases[1].mean()) < float(leases[2].mean())
    again = apply_power_gap(case, per_path=True)
    np.testing.assert_array_equal(
        compare(again, paths=1_000, seed=5).strategies["lease"].npv_usd, leases[1]
    )
    plain = compare(case, paths=1_000, seed=5).strategies["lease"].npv_mean_usd
    assert float(leases[1].mean()) == pytest.approx(plain, rel=0.05)

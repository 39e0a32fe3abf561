"""The decision engine: reproducibility, zero volatility, the switch option, batching, Dask."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hashpivot.api.compare import build_case
from hashpivot.engine.compare import BLOCK_PATHS, compare
from hashpivot.engine.strategies import StrategyName, evaluate_batch
from hashpivot.market.scenarios import simulate

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples/sites/permian-west-100mw-s21.toml"


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return build_case(SITE, months=36)


@pytest.fixture(scope="module")
def base_run(case):  # type: ignore[no-untyped-def]
    return compare(case, paths=6_000, seed=11, batch_paths=5_000)


def test_strategy_names(base_run) -> None:  # type: ignore[no-untyped-def]
    assert set(base_run.strategies) == {
        "mine",
        "lease",
        "gpu_cloud",
        "switch",
        "split",
        "sell",
    }
    assert base_run.paths == 6_000


def test_same_seed_same_numbers_whatever_the_batching(case, base_run) -> None:  # type: ignore[no-untyped-def]
    again = compare(case, paths=6_000, seed=11, batch_paths=10_000)
    for k, s in base_run.strategies.items():
        np.testing.assert_array_equal(s.npv_usd, again.strategies[k].npv_usd)
    assert base_run.switch is not None and again.switch is not None
    np.testing.assert_array_equal(
        base_run.switch.npv_by_month_mean_usd, again.switch.npv_by_month_mean_usd
    )
    other = compare(case, paths=6_000, seed=12, batch_paths=5_000)
    assert not np.array_equal(
        other.strategies[StrategyName.MINE].npv_usd, base_run.strategies[StrategyName.MINE].npv_usd
    )


def test_first_paths_do_not_depend_on_the_path_count(case, base_run) -> None:  # type: ignore[no-untyped-def]
    """Blocks of BLOCK_PATHS are seeded by position: a smaller run repeats the first block."""
    small = compare(case, paths=BLOCK_PATHS, seed=11)
    np.testing.assert_array_equal(
        small.strategies[StrategyName.LEASE].npv_usd,
        base_run.strategies[StrategyName.LEASE].npv_usd[:BLOCK_PATHS],
    )


def test_split_is_the_weighted_mix(case, base_run) -> None:  # type: ignore[no-untyped-def]
    w = case.split_lease_frac
    s = base_run.strategies
    np.testing.assert_allclose(
        s[StrategyName.SPLIT].npv_usd,
        (1 - w) * s[StrategyName.MINE].npv_usd + w * s[StrategyName.LEASE].npv_usd,
        rtol=1e-12,
    )


def test_probabilities_are_consistent(base_run) -> None:  # type: ignore[no-untyped-def]
    total = sum(s.prob_best for s in base_run.strategies.values())
    assert total == pytest.approx(1.0)
    for s in base_run.strategies.values():
        assert s.npv_p10_usd <= s.npv_p50_usd <= s.npv_p90_usd
        assert s.prob_loss == pytest.approx(float((s.npv_usd < 0).mean()))


def test_switch_option_value(base_run) -> None:  # type: ignore[no-untyped-def]
    """The option to wait is worth >= 0 and at least the best fixed month's advantage over
    converting now, up to Monte Carlo error (the policy is applied out of sample)."""
    sw = base_run.switch
    assert sw is not None
    best_fixed_gain = sw.best_month_npv_mean_usd - sw.convert_now_usd
    assert sw.option_value_usd >= -3 * sw.lsm_std_error_usd
    assert sw.option_value_usd >= best_fixed_gain - 3 * sw.lsm_std_error_usd - 0.01 * abs(
        sw.best_month_npv_mean_usd
    )
    assert sw.conversion_prob_by_month.sum() == pytest.approx(1.0)
    # converting at month 0 is the lease strategy
    lease = base_run.strategies[StrategyName.LEASE].npv_mean_usd
    assert sw.convert_now_usd == pytest.approx(lease, rel=1e-9)


def test_zero_volatility_collapses_to_the_deterministic_projection(case) -> None:  # type: ignore[no-untyped-def]
    """With every volatility at zero all paths are the drift path, the Monte Carlo NPVs equal
    the single-path evaluation, and the switch policy finds the best fixed month."""
    flat = replace(case, market_params=case.market_params.with_zero_volatility())
    mc = compare(flat, paths=BLOCK_PATHS, seed=3)
    one = simulate(
        flat.market_params, flat.start_state, flat.market_months + 1, 1, np.random.default_rng(0)
    )
    det = evaluate_batch(flat, one)
    for k, s in mc.strategies.items():
        assert np.ptp(s.npv_usd) <= 1e-6 * max(1.0, abs(s.npv_mean_usd))
        if k != StrategyName.SWITCH:
            assert s.npv_mean_usd == pytest.approx(float(det.npv_usd[k][0]), rel=1e-12)
    assert mc.switch is not None and det.switch_npv_usd is not None
    best = float(det.switch_npv_usd[0].max())
    assert mc.switch.best_month_npv_mean_usd == pytest.approx(best, rel=1e-12)
    # under certainty the Longstaff-Schwartz policy is the best fixed month
    assert mc.switch.lsm_value_usd == pytest.approx(best, rel=1e-6)


@pytest.mark.slow
def test_dask_local_cluster_agrees_exactly(case) -> None:  # type: ignore[no-untyped-def]
    from hashpivot.engine.backends import open_backend

    local = compare(case, paths=2 * BLOCK_PATHS, seed=5, batch_paths=BLOCK_PATHS)
    with open_backend("dask", workers=2) as map_fn:
        dist = compare(case, paths=2 * BLOCK_PATHS, seed=5, batch_paths=BLOCK_PATHS, map_fn=map_fn)
    for k, s in local.strategies.items():
        np.testing.assert_array_equal(s.npv_usd, dist.strategies[k].npv_usd)
    assert local.switch is not None and dist.switch is not None
    assert local.switch.option_value_usd == dist.switch.option_value_usd


def test_convert_now_value_barely_depends_on_the_horizon() -> None:
    """The lease is discounted at its own Gordon-consistent rate (cap rate + escalator) and
    exits at the cap rate, so valuing 3, 5 or 10 years before the exit gives nearly the same
    convert-now NPV (the remaining drift: mining on the unconverted share, horizon effects of
    the escalator steps)."""
    vals = []
    for months in (36, 60, 180):  # 180 outlives the 15-year lease's base term + 12 months
        c = build_case(SITE, months=months)
        vals.append(
            compare(c, paths=BLOCK_PATHS, seed=2).strategies[StrategyName.LEASE].npv_mean_usd
        )
    assert max(vals) / min(vals) < 1.05


def test_gpu_cloud_matches_the_standalone_command_on_the_deterministic_path(case) -> None:  # type: ignore[no-untyped-def]
    """On the zero-volatility market the GPU path is the catalogue's age curve, so compare's
    GPU NPV equals valuing the builder's flows plus the ASICs sold, at the GPU rate, month-end
    convention (mining stopped when the works start, so no mining share is left). The ASICs
    fetch the site's $/TH scaled by the TH/s left and by hashprice in the month of the sale
    over the snapshot's hashprice (the date of the $/TH)."""
    from hashpivot.compute.conversion import MiningDuringConstruction, fleet_disposition_usd
    from hashpivot.compute.gpu_cloud import gpu_cloud_cash_flows
    from hashpivot.valuation.cashflow import monthly_rate, npv_end_of_month

    assert case.gpu is not None
    conv = replace(case.gpu.conversion, mining_during_construction=MiningDuringConstruction.STOP)
    flat = replace(
        case,
        market_params=case.market_params.with_zero_volatility(),
        gpu=replace(case.gpu, conversion=conv),
    )
    one = simulate(
        flat.market_params, flat.start_state, flat.market_months + 1, 1, np.random.default_rng(0)
    )
    det = evaluate_batch(flat, one)
    g = flat.gpu
    assert g is not None
    from hashpivot.bitcoin.network import hashprice_from_difficulty
    from hashpivot.bitcoin.protocol import subsidy_btc

    h = flat.horizon
    cf = gpu_cloud_cash_flows(g.terms, g.conversion, start=flat.mining.start, months=h)
    sale = fleet_disposition_usd(g.conversion, h)
    assert sale.sum() == pytest.approx(flat.mining.fleet_capex_usd)
    snap = flat.snapshot
    anchor = hashprice_from_difficulty(
        snap.btc_price_usd, snap.difficulty, subsidy_btc(snap.height), snap.fees_btc_per_block
    )
    assert float(anchor) == pytest.approx(38.78, abs=0.01)  # the snapshot's, README
    th = flat.mining.fleet_hashrate_th_s(h)
    mult = th / th[0] * det.hashprice_usd_per_ph_day[0] / anchor
    flows = cf.net_usd + sale[None, :] * mult[None, :]
    expected = float(npv_end_of_month(monthly_rate(g.discount_rate_per_year), flows)[0])
    assert float(det.npv_usd[StrategyName.GPU_CLOUD][0]) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("gpu_file", ["h100-merchant.toml", "iren-microsoft.toml"])
def test_gpu_flows_are_affine_in_the_market_rate(case, gpu_file: str) -> None:  # type: ignore[no-untyped-def]
    """The engine values the GPU cloud as fixed + per_rate x rate: check it against the
    builder on a random rate path, for a merchant and a contracted (IREN-Microsoft) cloud, over
    72 months (the contract ends inside the horizon)."""
    from hashpivot.api.compare import build_case as _build
    from hashpivot.compute.gpu_cloud import gpu_cloud_cash_flows
    from hashpivot.config.site import load_gpu_cloud_file
    from hashpivot.engine.strategies import GpuOption, gpu_template

    gc = load_gpu_cloud_file(REPO / "examples/gpu" / gpu_file)
    c = replace(
        _build(SITE, months=72),
        gpu=GpuOption(
            terms=gc.terms,
            conversion=gc.conversion,
            rate_now_usd_per_gpu_hour=gc.terms.gpu.rate_usd_per_gpu_hour,
        ),
    )
    t = gpu_template(c)
    assert t is not None and t.affine
    x = 2.0 * np.exp(np.random.default_rng(4).normal(0, 0.3, (3, 72)))
    full = gpu_cloud_cash_flows(
        gc.terms, gc.conversion, start=c.mining.start, months=72, gpu_rate_usd_per_gpu_hour=x
    ).net_usd
    np.testing.assert_allclose(
        t.fixed_usd + t.per_rate_usd * x, full, rtol=1e-9, atol=1e-6 * np.abs(full).max()
    )


def test_no_cliff_when_the_hall_is_finished_after_the_horizon(case) -> None:  # type: ignore[no-untyped-def]
    """Converting later than H minus the construction time leaves a hall under construction at
    the horizon: it is worth its completion value (fleet sale included), so the NPV of
    converting at month m moves smoothly with m (zero volatility); only "never" (m = H) jumps."""
    flat = replace(
        build_case(SITE, months=60), market_params=case.market_params.with_zero_volatility()
    )
    r = compare(flat, paths=BLOCK_PATHS, seed=1)
    assert r.switch is not None
    v = r.switch.npv_by_month_mean_usd
    steps = np.abs(np.diff(v[:-1]))
    assert steps.max() < 0.05 * abs(v[0])


def test_ppa_is_a_contract_for_difference(tmp_path, shared_data) -> None:  # type: ignore[no-untyped-def]
    """Take-or-pay at a fixed price with resale at the market price: the miners' decisions
    price power at the index, so raising the contract price by $10/MWh lowers the mining NPV by
    exactly the discounted 10 x contract MW x hours of every month (zero volatility)."""
    from hashpivot.calendar import month_seconds
    from hashpivot.valuation.cashflow import monthly_rate

    site = (REPO / "examples/sites/permian-west-100mw-s21-curtail.toml").read_text()
    site = site.replace("${HASHPIVOT_SHARED_DATA}", str(shared_data))
    npv = {}
    for price in (30.0, 40.0):
        f = tmp_path / f"ppa{price:g}.toml"
        f.write_text(
            site.replace(
                "[[fleet]]",
                f"[power.ppa]\ncontract_mw = 120.0\nprice_usd_per_mwh = {price}\n\n[[fleet]]",
                1,
            )
        )
        c = build_case(f, months=24)
        flat = replace(c, market_params=c.market_params.with_zero_volatility())
        npv[price] = (
            compare(flat, paths=BLOCK_PATHS, seed=1).strategies[StrategyName.MINE].npv_mean_usd
        )
    hours = month_seconds(c.mining.start, 24) / 3600.0
    r = float(monthly_rate(c.mining.discount_rate))
    pv = float(np.sum(10.0 * 120.0 * hours / (1 + r) ** np.arange(1, 25)))
    assert npv[30.0] - npv[40.0] == pytest.approx(pv, rel=1e-9)


def test_interrupted_run_keeps_and_summarises_the_finished_batches(case) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C (a KeyboardInterrupt in the main thread) after two batches: those two batches
    are summarised, flagged, and are exactly the first 10,000 paths of an uninterrupted run."""

    def ctrl_c_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    cut = compare(case, paths=4 * BLOCK_PATHS, seed=5, progress=ctrl_c_after_two)
    assert cut.interrupted
    assert cut.paths == 2 * BLOCK_PATHS
    assert any(n.startswith("interrupted: 10000 of 20000 paths") for n in cut.notes)
    whole = compare(case, paths=2 * BLOCK_PATHS, seed=5)
    assert not whole.interrupted
    for k, s in whole.strategies.items():
        np.testing.assert_array_equal(cut.strategies[k].npv_usd, s.npv_usd)
    assert cut.switch is not None and whole.switch is not None
    assert cut.switch.option_value_usd == whole.switch.option_value_usd


def test_ctrl_c_before_any_batch_finishes_propagates(case) -> None:  # type: ignore[no-untyped-def]
    def ctrl_c_at_once(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compare(case, paths=2 * BLOCK_PATHS, seed=5, progress=ctrl_c_at_once)


@pytest.mark.parametrize("when", [0, 1])
def test_an_error_stops_the_run_promptly(case, when: int) -> None:  # type: ignore[no-untyped-def]
    """An error raised while batches wait for the policy (progress at 0) or after a batch (1)
    propagates at once: nothing hangs on the policy and the queued batches are dropped."""
    import threading

    calls: list[int] = []
    outcome: list[BaseException] = []

    def failing(done: int, total: int) -> None:
        calls.append(done)
        if done == when:
            raise RuntimeError("progress display failed")

    def run() -> None:
        try:
            compare(case, paths=30 * BLOCK_PATHS, seed=5, progress=failing)
        except BaseException as exc:
            outcome.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout=120)
    assert not t.is_alive(), "compare() hung after an error"
    assert len(outcome) == 1 and isinstance(outcome[0], RuntimeError)
    assert calls[-1] == when


def test_ppa_landlord_paid_ai_load_and_contract_size(tmp_path, shared_data) -> None:  # type: ignore[no-untyped-def]
    """Under the PPA, a firm AI load whose power the landlord pays costs the contract price on
    its MW every hour: mining NPV (tenant pays) - mining NPV (landlord pays) = PV of
    price x AI MW x hours, on every path. A contract below the site's draw is refused."""
    from hashpivot.calendar import month_seconds
    from hashpivot.errors import InputError
    from hashpivot.valuation.cashflow import monthly_rate

    site = (REPO / "examples/sites/permian-west-100mw-s21-curtail.toml").read_text()
    site = site.replace("${HASHPIVOT_SHARED_DATA}", str(shared_data))
    npv = {}
    for payer in ("tenant", "landlord"):
        f = tmp_path / f"{payer}.toml"
        f.write_text(
            site.replace(
                "[[fleet]]",
                f'ai_load_mw = 0.5\nai_power_paid_by = "{payer}"\n'
                "[power.ppa]\ncontract_mw = 120.0\nprice_usd_per_mwh = 40.0\n\n[[fleet]]",
                1,
            )
        )
        npv[payer] = (
            compare(build_case(f, months=24), paths=BLOCK_PATHS, seed=2)
            .strategies[StrategyName.MINE]
            .npv_usd
        )
    c = build_case(tmp_path / "tenant.toml", months=24)
    hours = month_seconds(c.mining.start, 24) / 3600.0
    r = float(monthly_rate(c.mining.discount_rate))
    pv = float(np.sum(40.0 * 0.5 * hours / (1 + r) ** np.arange(1, 25)))
    np.testing.assert_allclose(npv["tenant"] - npv["landlord"], pv, rtol=1e-9)
    short = tmp_path / "short.toml"
    short.write_text(
        site.replace(
            "[[fleet]]", "[power.ppa]\ncontract_mw = 50.0\nprice_usd_per_mwh = 40.0\n\n[[fleet]]", 1
        )
    )
    with pytest.raises(InputError, match=r"power\.ppa\.contract_mw"):
        build_case(short)

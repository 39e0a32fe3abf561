"""Draw market futures: :func:`simulate` runs every process's monthly recursion across a block of
paths with correlated shocks (:mod:`hashpivot.market.processes`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from hashpivot.errors import InputError
from hashpivot.market import processes as pr
from hashpivot.market.parameter_draws import HashrateDraws, draw_hashrate_parameters
from hashpivot.market.params import MarketParams
from hashpivot.market.processes import (
    FACTORS,
    Factor,
    PriceTails,
)
from hashpivot.market.rent_shocks import rent_index_shocks, rent_own_generator
from hashpivot.market.state import MarketScenarios, StartState, subsidy_schedule_btc_per_block
from hashpivot.types import FloatArray


def _check_sizes(months: int, paths: int) -> None:
    if months < 1:
        raise InputError("months", months, "an integer >= 1")
    if paths < 1:
        raise InputError("paths", paths, "an integer >= 1")


def _trend(
    level: float, log_trend_per_year: float, months: int, transform: str = "log"
) -> FloatArray:
    """Transformed long-run mean per month: ``g(level) + trend x j / 12``."""
    g = math.log(level) if transform == "log" else float(special.logit(level))
    return g + log_trend_per_year * np.arange(months) / pr.MONTHS_PER_YEAR


SQRT12 = math.sqrt(pr.MONTHS_PER_YEAR)

# Paths are simulated in blocks of this many (a module constant: results depend on it, so it
# never changes with the machine). Small blocks keep the month-major work arrays in cache and
# recycled by the allocator; only the six (paths, months) outputs are fresh memory.
BLOCK_PATHS = 2048


def simulate(
    params: MarketParams,
    start: StartState,
    months: int,
    paths: int,
    rng: np.random.Generator,
    *,
    rent_anchor_usd_per_kw_month: FloatArray | None = None,
) -> MarketScenarios:
    """Draw ``paths`` market futures of ``months`` months (column 0 = ``start``).

    Per block of :data:`BLOCK_PATHS` paths: draws ``k x (months - 1) x block`` normal variates
    (``k`` = factors with non-zero volatility), correlates them with the Cholesky factor of the
    correlation sub-matrix, runs each process's monthly recursion with numpy ops across the
    block's paths (:mod:`hashpivot.market.processes`), and writes the block's rows of the
    outputs. Student-t tails add one gamma draw, Merton jumps one Poisson and one normal draw
    per path-month. With hashrate parameter standard errors, each path draws its own
    hashrate parameters once, from a stream of the generator's SeedSequence of its own
    (:func:`hashpivot.market.parameter_draws.draw_hashrate_parameters`; the shocks unchanged).
    The result depends only on ``rng``'s state and seed, ``paths`` and the inputs.

    rent_anchor_usd_per_kw_month : optional long-run rent path ``(months,)`` (e.g. from a
        power-gap model) that replaces ``params.rent``'s level and trend; or one per path
        ``(paths, months)`` (e.g. :func:`hashpivot.market.power_gap.rent_anchor_paths`).
    """
    _check_sizes(months, paths)
    if rent_anchor_usd_per_kw_month is not None:
        anchor = np.asarray(rent_anchor_usd_per_kw_month, dtype=np.float64)
        if anchor.shape not in {(months,), (paths, months)} or not np.all(anchor > 0):
            raise InputError(
                "rent_anchor_usd_per_kw_month",
                anchor.shape,
                f"{months} positive values, or (paths, months) = ({paths}, {months})",
            )
        rent_mean = np.log(anchor)
    else:
        rent_mean = _trend(
            params.rent.long_run_level, params.rent.long_run_log_trend_per_year, months
        )
    subsidy = subsidy_schedule_btc_per_block(start, months)
    active = params.random_factors()
    cholesky = None
    if active:
        idx = [FACTORS.index(f) for f in active]
        cholesky = pr.cholesky_factor(np.asarray(params.correlation)[np.ix_(idx, idx)])
    out = {n: np.empty((paths, months)) for n in MarketScenarios.ARRAYS}
    own = None
    if params.rent_loading < 1.0:
        own = rent_own_generator(rng, params.rent_own_stream)
    draws = draw_hashrate_parameters(params.hashrate, paths, rng)
    for p0 in range(0, paths, BLOCK_PATHS):
        p1 = min(p0 + BLOCK_PATHS, paths)
        mean = rent_mean if rent_mean.ndim == 1 else rent_mean[p0:p1].T  # month-major
        block = _simulate_block(
            params, start, months, p1 - p0, rng, active, cholesky, subsidy, mean, own,
            None if draws is None else draws.rows(p0, p1),
        )  # fmt: skip
        for name, month_major in block.items():
            out[name][p0:p1] = month_major.T
    return MarketScenarios(start=start.as_of, subsidy_btc_per_block=subsidy, **out)


def _shocks(
    params: MarketParams,
    months: int,
    paths: int,
    rng: np.random.Generator,
    active: tuple[Factor, ...],
    cholesky: FloatArray | None,
) -> tuple[dict[Factor, FloatArray], FloatArray | None]:
    """The block's correlated shocks (and price jump increments), drawn in a fixed order."""
    steps = months - 1
    shocks: dict[Factor, FloatArray] = {}
    if cholesky is not None and steps > 0:
        z = pr.correlated_normals(rng, cholesky, paths, steps)
        shocks = {f: z[i] for i, f in enumerate(active)}  # views of one (k, steps, paths) array
    b = params.btc
    extra = None
    eps = shocks.get(Factor.BTC_PRICE)
    if eps is not None and b.tails is PriceTails.STUDENT_T:
        pr.student_t_shocks(eps, b.student_t_df, rng)
    if eps is not None and b.tails is PriceTails.MERTON and b.jump_intensity_per_year > 0:
        extra = pr.merton_jump_increments(
            rng,
            (steps, paths),
            b.jump_intensity_per_year / pr.MONTHS_PER_YEAR,
            b.jump_mean_log,
            b.jump_vol_log,
        )
    return shocks, extra


def _simulate_block(
    params: MarketParams,
    start: StartState,
    months: int,
    paths: int,
    rng: np.random.Generator,
    active: tuple[Factor, ...],
    cholesky: FloatArray | None,
    subsidy: FloatArray,
    rent_mean: FloatArray,
    own: np.random.Generator | None = None,
    draws: HashrateDraws | None = None,
) -> dict[str, FloatArray]:
    """One block of paths, every array month-major ``(months, paths)``; ``own``: the rent
    index's own shocks (a rent loading < 1), drawn after the block's market draws."""
    shocks, extra = _shocks(params, months, paths, rng, active, cholesky)
    z = shocks.get(Factor.RENT)
    if own is not None and z is not None:
        shocks[Factor.RENT] = rent_index_shocks(z, params.rent_loading, own)
    b = params.btc
    log_price = pr.log_price_paths(
        math.log(start.btc_price_usd),
        shocks.get(Factor.BTC_PRICE),
        b.log_drift_per_year / pr.MONTHS_PER_YEAR,
        b.vol_per_year / SQRT12,
        paths,
        months - 1,
        extra,
    )
    logit_fee = log_fee_share_paths(params, start, months, paths, shocks.get(Factor.FEE_SHARE))
    log_hr = log_hashrate_paths(
        params, start, log_price, logit_fee, subsidy, shocks.get(Factor.HASHRATE), draws
    )
    out = _levels(params, start, months, paths, shocks, rent_mean)
    # fees = subsidy x f / (1 - f) = subsidy x exp(logit f)
    fees = np.exp(logit_fee, out=logit_fee)
    fees *= subsidy[:, None]
    out["btc_price_usd"] = np.exp(log_price, out=log_price)
    out["network_hashrate_eh_s"] = np.exp(log_hr, out=log_hr)
    out["fees_btc_per_block"] = fees
    # month 0 is the start state exactly (exp(log x) may differ from x in the last bit)
    out["btc_price_usd"][0] = start.btc_price_usd
    out["network_hashrate_eh_s"][0] = start.network_hashrate_eh_s
    return out


def log_fee_share_paths(
    params: MarketParams, start: StartState, months: int, paths: int, shocks: FloatArray | None
) -> FloatArray:
    """Logit fee share, month-major ``(months, paths)``, mean-reverting in logit."""
    f = params.fee_share
    return pr.mean_reverting_paths(
        float(special.logit(start.fee_share_frac)),
        shocks,
        _trend(f.long_run_level, f.long_run_log_trend_per_year, months, "logit"),
        f.persistence_per_month,
        f.vol_per_year / SQRT12,
        paths,
    )


def log_hashrate_paths(
    params: MarketParams,
    start: StartState,
    log_price: FloatArray,
    logit_fee: FloatArray,
    subsidy: FloatArray,
    shocks: FloatArray | None,
    draws: HashrateDraws | None = None,
) -> FloatArray:
    """Log hashrate, month-major ``(months, paths)``, of the error-correction model driven by
    the log BTC price and logit fee share paths (month-major) and the subsidy ``(months,)``;
    ``draws``: per-path ``alpha``, equilibrium level and trend (parameter uncertainty).

    Revenue ``r = log(0.144 x subsidy / (1 - f) x price)`` with ``1 / (1 - f) = 1 + e^logit f``;
    the equilibrium hashprice follows hashcost: ``log eq + (e + d) t``
    (:attr:`HashrateParams.hashcost_log_trend_per_year`).
    """
    months = log_price.shape[0]
    log_rev = np.logaddexp(0.0, logit_fee)
    log_rev += log_price
    log_rev += np.log(pr.BLOCKS_PER_DAY / pr.PH_PER_EH * subsidy)[:, None]
    h = params.hashrate
    xbar = _trend(h.equilibrium_hashprice_usd_per_ph_day, h.hashcost_log_trend_per_year, months)
    alpha: float | FloatArray = h.gap_speed_per_month
    if draws is not None:
        xbar, alpha = draws.log_equilibrium(xbar), draws.gap_speed_per_month
    return pr.hashrate_ecm_paths(
        math.log(start.network_hashrate_eh_s),
        log_rev,
        xbar,
        alpha,
        h.hashprice_change_response,
        h.vol_per_year / SQRT12,
        shocks,
        start.hashprice_log_change_prev_month,
        growth_momentum=h.growth_momentum,
        log_growth_trailing_per_month=start.hashrate_log_growth_trailing_per_month,
        shock_persistence=h.shock_persistence,
    )


def _levels(
    params: MarketParams,
    start: StartState,
    months: int,
    paths: int,
    shocks: dict[Factor, FloatArray],
    rent_mean: FloatArray,
) -> dict[str, FloatArray]:
    """Rent, GPU rate and power price paths (log-reverting levels), month-major."""
    rows = (
        ("rent_usd_per_kw_month", params.rent, Factor.RENT, rent_mean),
        ("gpu_rate_usd_per_gpu_hour", params.gpu_rate, Factor.GPU_RATE, None),
        ("power_price_usd_per_mwh", params.power_price, Factor.POWER_PRICE, None),
    )
    out: dict[str, FloatArray] = {}
    for name, p, factor, mean in rows:
        if mean is None:
            mean = _trend(p.long_run_level, p.long_run_log_trend_per_year, months)
        per_path = mean if mean.ndim == 2 else None
        if per_path is not None:
            mean = per_path.mean(axis=1)
        x0 = float(getattr(start, name))
        y = pr.mean_reverting_paths(
            math.log(x0),
            shocks.get(factor),
            mean,
            p.persistence_per_month,
            p.vol_per_year / SQRT12,
            paths,
        )
        if per_path is not None:
            y += _reversion_to(per_path - mean[:, None], p.persistence_per_month)
        out[name] = np.exp(y, out=y)
        out[name][0] = x0
    return out


def _reversion_to(dev: FloatArray, phi: float) -> FloatArray:
    """The part of a log-reverting level due to a per-path deviation ``d`` of its mean,
    month-major ``(months, paths)``: ``e_0 = 0``, ``e_{j+1} = phi e_j + (1 - phi) d_j``. The
    recursion ``y_{j+1} = phi y_j + (1 - phi) m_j + s e`` is linear in ``m``, so the level
    with mean ``m + d`` is the level with mean ``m`` plus ``e``."""
    e = np.zeros_like(dev)
    for j in range(dev.shape[0] - 1):
        e[j + 1] = phi * e[j] + (1.0 - phi) * dev[j]
    return e

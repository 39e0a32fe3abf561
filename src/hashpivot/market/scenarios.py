"""Market scenarios: many monthly futures of the six market drivers, seeded and reproducible.

:func:`simulate` draws one :class:`MarketScenarios` (every array ``(paths, months)``) from
:class:`MarketParams` and a :class:`StartState` with a passed-in ``numpy.random.Generator``.
:func:`simulate_chunked` splits the paths into chunks of a fixed ``chunk_paths`` and gives chunk
``i`` the generator of ``SeedSequence(seed).spawn(n_chunks)[i]``, so the result depends only on
``(seed, paths, chunk_paths)``: never on the order or the place (thread, process, Dask worker)
the chunks run. :func:`hashpivot.market.deterministic.scenario_paths` gives the deterministic
bear/base/bull single paths.

Defaults (:data:`DEFAULT_PARAMS`) come from :mod:`hashpivot.market.calibrate` on the shared
Coin Metrics history 2017-01..2025-08 and from dated market facts; every value is documented in
docs/methodology.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from scipy import special

from hashpivot.bitcoin.protocol import (
    TARGET_BLOCK_INTERVAL_S,
    cumulative_subsidy_btc,
    subsidy_btc,
)
from hashpivot.calendar import month_seconds
from hashpivot.errors import InputError
from hashpivot.market import processes as pr
from hashpivot.market.processes import (
    FACTORS,
    BtcPriceParams,
    Factor,
    HashrateParams,
    MeanRevertingParams,
    PriceTails,
)
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot
from hashpivot.types import FloatArray

_IDENTITY6 = tuple(tuple(1.0 if i == j else 0.0 for j in range(6)) for i in range(6))


def _corr(pairs: dict[tuple[Factor, Factor], float]) -> tuple[tuple[float, ...], ...]:
    rows = [list(r) for r in _IDENTITY6]
    for (a, b), v in pairs.items():
        i, j = FACTORS.index(a), FACTORS.index(b)
        rows[i][j] = rows[j][i] = v
    return tuple(tuple(r) for r in rows)


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketParams:
    """All process parameters and the correlation of their monthly shocks.

    btc : BTC price process
    hashrate : network hashrate error-correction model
    fee_share : fee share of block revenue, mean-reverting in logit(share)
    rent : wholesale colocation / powered-shell rent [USD/kW-month], mean-reverting in log
    gpu_rate : rental rate of the site's GPU [USD/GPU-hour], log-reverting to a decaying trend
    power_price : monthly average power price [USD/MWh], mean-reverting in log
    correlation : 6 x 6 correlation of the shocks, order :data:`processes.FACTORS`
    """

    btc: BtcPriceParams
    hashrate: HashrateParams
    fee_share: MeanRevertingParams
    rent: MeanRevertingParams
    gpu_rate: MeanRevertingParams
    power_price: MeanRevertingParams
    correlation: tuple[tuple[float, ...], ...] = _IDENTITY6

    def __post_init__(self) -> None:
        c = np.asarray(self.correlation, dtype=np.float64)
        if c.shape != (6, 6):
            raise InputError(
                "correlation", c.shape, "a 6 x 6 matrix (btc, hashrate, fee, rent, gpu, power)"
            )
        pr.cholesky_factor(c)  # validates
        if not 0 < self.fee_share.long_run_level < 1:
            raise InputError(
                "fee_share.long_run_level", self.fee_share.long_run_level, "a share in (0, 1)"
            )

    def with_zero_volatility(self) -> MarketParams:
        """The same market with every volatility and jump set to zero (deterministic paths).

        The BTC log drift gains back ``sigma^2 / 2``, so the deterministic path follows the
        *mean* of the stochastic one (with normal shocks): the projection the Monte Carlo
        collapses to.
        """
        b = self.btc
        return replace(
            self,
            btc=replace(
                b,
                log_drift_per_year=b.log_drift_per_year + 0.5 * b.vol_per_year**2,
                vol_per_year=0.0,
                jump_intensity_per_year=0.0,
            ),
            hashrate=replace(self.hashrate, vol_per_year=0.0),
            fee_share=replace(self.fee_share, vol_per_year=0.0),
            rent=replace(self.rent, vol_per_year=0.0),
            gpu_rate=replace(self.gpu_rate, vol_per_year=0.0),
            power_price=replace(self.power_price, vol_per_year=0.0),
        )

    def shock_layout(self) -> tuple[object, ...]:
        """What fixes the random stream's layout for a seed: the factors that draw shocks and
        the BTC tail draws (Student-t mixing, Merton jumps). Two markets with the same layout
        draw the same shocks from one seed (their paths are the same states of the world)."""
        b = self.btc
        jumps = b.tails is PriceTails.MERTON and b.jump_intensity_per_year > 0
        return (self.random_factors(), b.tails is PriceTails.STUDENT_T, jumps)

    def random_factors(self) -> tuple[Factor, ...]:
        """The factors that draw shocks (non-zero volatility), in matrix order."""
        flags = {
            Factor.BTC_PRICE: self.btc.is_random,
            Factor.HASHRATE: self.hashrate.vol_per_year > 0,
            Factor.FEE_SHARE: self.fee_share.vol_per_year > 0,
            Factor.RENT: self.rent.vol_per_year > 0,
            Factor.GPU_RATE: self.gpu_rate.vol_per_year > 0,
            Factor.POWER_PRICE: self.power_price.vol_per_year > 0,
        }
        return tuple(f for f in FACTORS if flags[f])


# Calibrated on btc_daily.csv 2017-01..2025-08 (hashpivot.market.calibrate.calibrate_market):
#   btc vol 0.7227 ± 0.05/yr, excess kurtosis of monthly log-returns -0.01 (normal tails);
#   hashrate alpha 0.0466 ± 0.014/month, beta 0.085 ± 0.035, equilibrium hashprice
#   $33.1 ± 11/PH/day in 2025-08, trend -0.093 ± 0.098/yr, vol 0.256/yr;
#   fee share logit mean -3.46 (3.05%), kappa 2.19 ± 0.82/yr, vol 1.97/yr;
#   residual correlations btc-hashrate 0.14, btc-fee 0.17, hashrate-fee -0.09.
DEFAULT_PARAMS = MarketParams(
    btc=BtcPriceParams(
        # base scenario: the *expected* price grows +10%/yr (market.snapshot.SCENARIOS), so the
        # log drift is ln(1.10) - sigma^2/2 (the median path grows ln(1.10) - 0.26 = -16%/yr);
        # not the 2017-2025 mean log-return 0.55 ± 0.25
        log_drift_per_year=math.log1p(0.10) - 0.5 * 0.72**2,
        vol_per_year=0.72,
        tails=PriceTails.NORMAL,
    ),
    hashrate=HashrateParams(
        gap_speed_per_month=0.0466,
        hashprice_change_response=0.085,
        # $33.09 in 2025-08 carried 3 months along the -0.093/yr trend to late Nov 2025
        equilibrium_hashprice_usd_per_ph_day=32.3,
        equilibrium_hashprice_log_trend_per_year=-0.093,
        vol_per_year=0.256,
    ),
    fee_share=MeanRevertingParams(
        long_run_level=0.0305,
        long_run_log_trend_per_year=0.0,
        reversion_per_year=2.19,
        vol_per_year=1.97,
    ),
    rent=MeanRevertingParams(
        # CBRE wholesale colocation 2025 average $195/kW-month; 3%/yr = typical lease escalator;
        # kappa 0.5/yr (half-life 1.4 yr) and vol 10%/yr are assumptions (no public rent series)
        long_run_level=195.0,
        long_run_log_trend_per_year=0.03,
        reversion_per_year=0.5,
        vol_per_year=0.10,
    ),
    gpu_rate=MeanRevertingParams(
        # H100 1-year contracts ~$2.2/GPU-hour (2025 typical); -35% per 2-year generation
        # (assumption) -> ln(0.65)/2 = -0.215/yr; kappa 1/yr and vol 20%/yr assumptions
        long_run_level=2.2,
        long_run_log_trend_per_year=pr.gpu_decay_log_trend_per_year(0.35, 2.0),
        reversion_per_year=1.0,
        vol_per_year=0.20,
    ),
    power_price=MeanRevertingParams(
        # ERCOT HB_WEST RT monthly means 2024-01..2026-02: sd of log 0.256, no month-to-month
        # persistence (AR(1) -0.05): kappa 6/yr, vol = 0.256 sqrt(1 - e^-1) sqrt(12) = 0.705;
        # median 32 so that the mean is ~$33/MWh (2025 mean $33.03)
        long_run_level=32.0,
        long_run_log_trend_per_year=0.0,
        reversion_per_year=6.0,
        vol_per_year=0.705,
    ),
    correlation=_corr(
        {
            (Factor.BTC_PRICE, Factor.HASHRATE): 0.14,
            (Factor.BTC_PRICE, Factor.FEE_SHARE): 0.17,
            (Factor.HASHRATE, Factor.FEE_SHARE): -0.09,
            # assumption: AI demand lifts colocation rents and GPU rates together
            (Factor.RENT, Factor.GPU_RATE): 0.30,
        }
    ),
)


def carry_forward(params: MarketParams, anchor: date, as_of: date) -> MarketParams:
    """``params`` dated ``anchor`` restated for a start at ``as_of``: the equilibrium hashprice
    moves along its log trend for the years between (the default is fitted to late 2025; a
    live start a year later meets an equilibrium ``e^trend`` times it). Other long-run levels
    are market facts of their date and stay (override them in ``[market]``)."""
    years = (as_of - anchor).days / 365.25
    if years == 0.0:
        return params
    h = params.hashrate
    eq = h.equilibrium_hashprice_usd_per_ph_day * math.exp(
        h.equilibrium_hashprice_log_trend_per_year * years
    )
    return replace(params, hashrate=replace(h, equilibrium_hashprice_usd_per_ph_day=eq))


@dataclass(frozen=True, slots=True, kw_only=True)
class StartState:
    """The market today; column 0 of every simulated array.

    as_of : date of the observation (month 0 is its month)
    height : next block height [-]
    btc_price_usd : [USD/BTC]
    network_hashrate_eh_s : [EH/s]
    fee_share_frac : fees / (subsidy + fees) [0-1]
    rent_usd_per_kw_month : wholesale colocation rent [USD/kW-month]
    gpu_rate_usd_per_gpu_hour : GPU rental rate [USD/GPU-hour]
    power_price_usd_per_mwh : power price [USD/MWh]
    hashprice_log_change_prev_month : ``log(hashprice_0 / hashprice_{-1})`` [-]
    """

    as_of: date
    height: float
    btc_price_usd: float
    network_hashrate_eh_s: float
    fee_share_frac: float
    rent_usd_per_kw_month: float
    gpu_rate_usd_per_gpu_hour: float
    power_price_usd_per_mwh: float
    hashprice_log_change_prev_month: float = 0.0

    def __post_init__(self) -> None:
        for name in (
            "height",
            "btc_price_usd",
            "network_hashrate_eh_s",
            "rent_usd_per_kw_month",
            "gpu_rate_usd_per_gpu_hour",
            "power_price_usd_per_mwh",
        ):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise InputError(name, v, "a finite number > 0")
        if not 0 < self.fee_share_frac < 1:
            raise InputError("fee_share_frac", self.fee_share_frac, "a share in (0, 1)")

    @classmethod
    def late_2025(cls) -> StartState:
        """2025-11-27 (market.snapshot.SNAPSHOT) plus CBRE 2025 rent $195/kW-month, H100
        $2.2/GPU-hour (2025 typical 1-year rate) and ERCOT West RT 2025 mean $33/MWh."""
        return cls.from_snapshot(SNAPSHOT)

    @classmethod
    def from_snapshot(cls, s: MarketSnapshot) -> StartState:
        """The network and BTC price of a snapshot (the dated default or one fetched live), with
        the documented 2025 levels of rent, GPU rate and power price (see :meth:`late_2025`)."""
        return cls(
            as_of=s.as_of,
            height=float(s.height),
            btc_price_usd=s.btc_price_usd,
            network_hashrate_eh_s=s.network_hashrate_eh_s,
            fee_share_frac=s.fees_btc_per_block
            / (float(subsidy_btc(s.height)) + s.fees_btc_per_block),
            rent_usd_per_kw_month=195.0,
            gpu_rate_usd_per_gpu_hour=2.2,
            power_price_usd_per_mwh=33.0,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketScenarios:
    """Monthly market paths; every array is float64 ``(paths, months)``, column 0 = today.

    start : date of column 0
    btc_price_usd : [USD/BTC]
    network_hashrate_eh_s : [EH/s]
    fees_btc_per_block : [BTC/block]
    rent_usd_per_kw_month : [USD/kW-month]
    gpu_rate_usd_per_gpu_hour : [USD/GPU-hour]
    power_price_usd_per_mwh : [USD/MWh]
    subsidy_btc_per_block : mean subsidy of the month's blocks at 600 s blocks [BTC/block],
        shape ``(months,)`` (the schedule the hashrate model used; the chain simulation in
        :mod:`hashpivot.bitcoin.chain` refines block timing from the hashrate path)
    """

    start: date
    btc_price_usd: FloatArray
    network_hashrate_eh_s: FloatArray
    fees_btc_per_block: FloatArray
    rent_usd_per_kw_month: FloatArray
    gpu_rate_usd_per_gpu_hour: FloatArray
    power_price_usd_per_mwh: FloatArray
    subsidy_btc_per_block: FloatArray

    ARRAYS = (
        "btc_price_usd",
        "network_hashrate_eh_s",
        "fees_btc_per_block",
        "rent_usd_per_kw_month",
        "gpu_rate_usd_per_gpu_hour",
        "power_price_usd_per_mwh",
    )

    def __post_init__(self) -> None:
        shape = self.btc_price_usd.shape
        if len(shape) != 2:
            raise InputError("btc_price_usd", shape, "a (paths, months) array")
        for name in self.ARRAYS:
            if getattr(self, name).shape != shape:
                raise InputError(name, getattr(self, name).shape, f"shape {shape}")
        if self.subsidy_btc_per_block.shape != (shape[1],):
            raise InputError(
                "subsidy_btc_per_block", self.subsidy_btc_per_block.shape, f"({shape[1]},)"
            )

    @property
    def paths(self) -> int:
        return int(self.btc_price_usd.shape[0])

    @property
    def months(self) -> int:
        return int(self.btc_price_usd.shape[1])

    @property
    def fee_share_frac(self) -> FloatArray:
        """Fees / (subsidy + fees) [0-1], ``(paths, months)``."""
        return self.fees_btc_per_block / (self.subsidy_btc_per_block + self.fees_btc_per_block)

    @property
    def hashprice_usd_per_ph_day(self) -> FloatArray:
        """Hashprice [USD per PH/s per day] at 600 s blocks, ``(paths, months)``."""
        return pr.hashprice_from_hashrate(
            self.btc_price_usd,
            self.network_hashrate_eh_s,
            self.subsidy_btc_per_block,
            self.fees_btc_per_block,
        )

    def take(self, rows: slice | FloatArray) -> MarketScenarios:
        """The scenarios of a subset of paths."""
        return replace(self, **{n: getattr(self, n)[rows] for n in self.ARRAYS})

    @classmethod
    def concat(cls, parts: Sequence[MarketScenarios]) -> MarketScenarios:
        """Stack the paths of several scenario sets with the same start and months."""
        if not parts:
            raise InputError("parts", 0, "at least one scenario set")
        first = parts[0]
        for p in parts[1:]:
            if p.start != first.start or p.months != first.months:
                raise InputError(
                    "parts", (p.start, p.months), f"start {first.start}, {first.months} months"
                )
        arrays = {n: np.concatenate([getattr(p, n) for p in parts], axis=0) for n in cls.ARRAYS}
        return cls(start=first.start, subsidy_btc_per_block=first.subsidy_btc_per_block, **arrays)


def subsidy_schedule_btc_per_block(start: StartState, months: int) -> FloatArray:
    """Mean subsidy [BTC/block] of each month's blocks at one block per 600 s.

    Month lengths are calendar months from ``start.as_of``'s month; the first month counts only
    its seconds after ``as_of`` (the height is observed then); the subsidy is averaged exactly
    across a halving inside a month (:func:`bitcoin.protocol.cumulative_subsidy_btc`).
    """
    seconds = month_seconds(start.as_of, months)
    seconds[0] -= (start.as_of.day - 1) * 86_400.0
    blocks = seconds / TARGET_BLOCK_INTERVAL_S
    h_end = start.height + np.cumsum(blocks)
    h_start = h_end - blocks
    return np.asarray((cumulative_subsidy_btc(h_end) - cumulative_subsidy_btc(h_start)) / blocks)


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
    per path-month. The result depends only on ``rng``'s state, ``paths`` and the inputs.

    rent_anchor_usd_per_kw_month : optional long-run rent path ``(months,)`` (e.g. from a
        power-gap model) that replaces ``params.rent``'s level and trend.
    """
    _check_sizes(months, paths)
    if rent_anchor_usd_per_kw_month is not None:
        anchor = np.asarray(rent_anchor_usd_per_kw_month, dtype=np.float64)
        if anchor.shape != (months,) or not np.all(anchor > 0):
            raise InputError(
                "rent_anchor_usd_per_kw_month", anchor.shape, f"{months} positive values"
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
    for p0 in range(0, paths, BLOCK_PATHS):
        p1 = min(p0 + BLOCK_PATHS, paths)
        block = _simulate_block(
            params, start, months, p1 - p0, rng, active, cholesky, subsidy, rent_mean
        )
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
) -> dict[str, FloatArray]:
    """One block of paths, every array month-major ``(months, paths)``."""
    steps = months - 1
    m12 = pr.MONTHS_PER_YEAR
    s12 = math.sqrt(m12)
    shocks, extra = _shocks(params, months, paths, rng, active, cholesky)
    b = params.btc
    eps = shocks.get(Factor.BTC_PRICE)
    log_price = pr.log_price_paths(
        math.log(start.btc_price_usd),
        eps,
        b.log_drift_per_year / m12,
        b.vol_per_year / s12,
        paths,
        steps,
        extra,
    )

    # fee share, mean-reverting in logit
    f = params.fee_share
    logit_fee = pr.mean_reverting_paths(
        float(special.logit(start.fee_share_frac)),
        shocks.get(Factor.FEE_SHARE),
        _trend(f.long_run_level, f.long_run_log_trend_per_year, months, "logit"),
        f.persistence_per_month,
        f.vol_per_year / s12,
        paths,
    )

    # hashrate: r = log(0.144 x subsidy / (1 - f) x price), with 1 / (1 - f) = 1 + exp(logit f)
    log_rev = np.logaddexp(0.0, logit_fee)
    log_rev += log_price
    log_rev += np.log(pr.BLOCKS_PER_DAY / pr.PH_PER_EH * subsidy)[:, None]
    h = params.hashrate
    log_hr = pr.hashrate_ecm_paths(
        math.log(start.network_hashrate_eh_s),
        log_rev,
        _trend(
            h.equilibrium_hashprice_usd_per_ph_day,
            h.equilibrium_hashprice_log_trend_per_year,
            months,
        ),
        h.gap_speed_per_month,
        h.hashprice_change_response,
        h.vol_per_year / s12,
        shocks.get(Factor.HASHRATE),
        start.hashprice_log_change_prev_month,
    )

    def log_level(
        p: MeanRevertingParams, x0: float, factor: Factor, mean: FloatArray
    ) -> FloatArray:
        return pr.mean_reverting_paths(
            math.log(x0),
            shocks.get(factor),
            mean,
            p.persistence_per_month,
            p.vol_per_year / s12,
            paths,
        )

    g, pw = params.gpu_rate, params.power_price
    log_rent = log_level(params.rent, start.rent_usd_per_kw_month, Factor.RENT, rent_mean)
    log_gpu = log_level(
        g,
        start.gpu_rate_usd_per_gpu_hour,
        Factor.GPU_RATE,
        _trend(g.long_run_level, g.long_run_log_trend_per_year, months),
    )
    log_power = log_level(
        pw,
        start.power_price_usd_per_mwh,
        Factor.POWER_PRICE,
        _trend(pw.long_run_level, pw.long_run_log_trend_per_year, months),
    )
    # fees = subsidy x f / (1 - f) = subsidy x exp(logit f)
    fees = np.exp(logit_fee, out=logit_fee)
    fees *= subsidy[:, None]
    out = {
        "btc_price_usd": np.exp(log_price, out=log_price),
        "network_hashrate_eh_s": np.exp(log_hr, out=log_hr),
        "fees_btc_per_block": fees,
        "rent_usd_per_kw_month": np.exp(log_rent, out=log_rent),
        "gpu_rate_usd_per_gpu_hour": np.exp(log_gpu, out=log_gpu),
        "power_price_usd_per_mwh": np.exp(log_power, out=log_power),
    }
    # month 0 is the start state exactly (exp(log x) may differ from x in the last bit)
    out["btc_price_usd"][0] = start.btc_price_usd
    out["network_hashrate_eh_s"][0] = start.network_hashrate_eh_s
    out["rent_usd_per_kw_month"][0] = start.rent_usd_per_kw_month
    out["gpu_rate_usd_per_gpu_hour"][0] = start.gpu_rate_usd_per_gpu_hour
    out["power_price_usd_per_mwh"][0] = start.power_price_usd_per_mwh
    return out


# --------------------------------------------------------------------------------------------
# Chunks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ChunkSpec:
    """One chunk of paths: ``[first_path, first_path + paths)`` drawn from ``seed_sequence``."""

    index: int
    first_path: int
    paths: int
    seed_sequence: np.random.SeedSequence


def chunk_specs(
    paths: int, chunk_paths: int, seed: int | np.random.SeedSequence
) -> list[ChunkSpec]:
    """Split ``paths`` into ``ceil(paths / chunk_paths)`` chunks of ``chunk_paths`` (the last one
    shorter), chunk ``i`` seeded by child ``i`` of ``SeedSequence(seed).spawn(n_chunks)``.

    A passed SeedSequence is copied (same entropy and spawn key) before spawning, so calling
    twice gives the same children.
    """
    _check_sizes(1, paths)
    if chunk_paths < 1:
        raise InputError("chunk_paths", chunk_paths, "an integer >= 1")
    if isinstance(seed, np.random.SeedSequence):
        root = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    else:
        root = np.random.SeedSequence(seed)
    n = -(-paths // chunk_paths)
    children = root.spawn(n)
    return [
        ChunkSpec(
            index=i,
            first_path=i * chunk_paths,
            paths=min(chunk_paths, paths - i * chunk_paths),
            seed_sequence=children[i],
        )
        for i in range(n)
    ]


@dataclass(frozen=True, slots=True)
class ChunkSimulator:
    """A picklable callable ``spec -> (index, MarketScenarios)`` for any map (threads, processes,
    Dask ``client.map``)."""

    params: MarketParams
    start: StartState
    months: int
    rent_anchor_usd_per_kw_month: FloatArray | None = None

    def __call__(self, spec: ChunkSpec) -> tuple[int, MarketScenarios]:
        rng = np.random.default_rng(spec.seed_sequence)
        sc = simulate(
            self.params,
            self.start,
            self.months,
            spec.paths,
            rng,
            rent_anchor_usd_per_kw_month=self.rent_anchor_usd_per_kw_month,
        )
        return spec.index, sc


MapFn = Callable[
    [Callable[[ChunkSpec], tuple[int, MarketScenarios]], Sequence[ChunkSpec]],
    Iterable[tuple[int, MarketScenarios]],
]


def iter_chunks(
    params: MarketParams,
    start: StartState,
    months: int,
    paths: int,
    *,
    seed: int | np.random.SeedSequence,
    chunk_paths: int,
    rent_anchor_usd_per_kw_month: FloatArray | None = None,
) -> Iterator[tuple[ChunkSpec, MarketScenarios]]:
    """Yield ``(spec, scenarios)`` chunk by chunk, so memory stays at one chunk's arrays."""
    sim = ChunkSimulator(params, start, months, rent_anchor_usd_per_kw_month)
    for spec in chunk_specs(paths, chunk_paths, seed):
        yield spec, sim(spec)[1]


def simulate_chunked(
    params: MarketParams,
    start: StartState,
    months: int,
    paths: int,
    *,
    seed: int | np.random.SeedSequence,
    chunk_paths: int = 10_000,
    map_fn: MapFn | None = None,
    rent_anchor_usd_per_kw_month: FloatArray | None = None,
) -> MarketScenarios:
    """All chunks stacked in chunk order; ``map_fn`` runs the chunks (default: the built-in
    ``map``; e.g. ``ThreadPoolExecutor().map`` or a Dask wrapper). Results may come back in any
    order: they are placed by chunk index. Identical for any ``map_fn``."""
    specs = chunk_specs(paths, chunk_paths, seed)
    sim = ChunkSimulator(params, start, months, rent_anchor_usd_per_kw_month)
    runner: MapFn = map_fn if map_fn is not None else map
    parts: dict[int, MarketScenarios] = dict(runner(sim, specs))
    if sorted(parts) != list(range(len(specs))):
        raise InputError("map_fn", sorted(parts)[:10], f"one result per chunk 0..{len(specs) - 1}")
    return MarketScenarios.concat([parts[i] for i in range(len(specs))])

"""Dispatch: mining as a flexible load, sell-back of contracted power, 4CP, a firm AI load.

Pure numpy, vectorised over ``(paths, intervals)``. Price arrays are ``(intervals,)`` (one
history, shared by every path) or ``(paths, intervals)`` (scenario paths); the mining value
per MWh ("breakeven", = hashprice x TH per MWh, see
:func:`hashpivot.mining.economics.breakeven_power_usd_per_mwh`) is a scalar, ``(paths,)``,
``(paths, 1)`` or ``(paths, intervals)``. Work is done in blocks of intervals (a loop over
time blocks, never over paths) so that 10 years x 1,000 paths stays within memory.

Sign convention: cash inflows positive, outflows negative, as numpy-financial. Costs are
reported as positive magnitudes in fields named ``*_cost_usd`` and turned into signed cash
flows only in ``SiteDispatch.net_power_cash_usd``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from hashpivot.calendar import ERCOT_TIMEZONE, is_timezone, month_starts, utc_to_local
from hashpivot.errors import InputError
from hashpivot.power.prices import DatetimeArray, calendar_index
from hashpivot.types import FloatArray

__all__ = [
    "CoincidentPeakTerms",
    "DispatchPolicy",
    "DispatchTotals",
    "MonthlyPower",
    "PowerPayer",
    "PpaTerms",
    "RunConstraints",
    "SiteDispatch",
    "SiteDispatchSpec",
    "coincident_peak_mask",
    "dispatch_run_frac",
    "dispatch_site",
    "dispatch_totals",
    "flat_margin_usd_per_mw",
    "monthly_power",
    "run_decision",
    "sellback_credit_usd",
]

BoolArray = NDArray[np.bool_]

#: columns per block (one year of hours): bounds memory at paths x 8,760 per temporary
DEFAULT_BLOCK_INTERVALS = 8760


class DispatchPolicy(StrEnum):
    """How the mining load runs."""

    FLAT = "flat"  #: run every interval (no curtailment)
    CURTAIL = "curtail"  #: run only where the mining value per MWh exceeds the price


class PowerPayer(StrEnum):
    """Who bears the AI tenant's power cost (lease terms)."""

    TENANT = "tenant"  #: pass-through: the tenant reimburses the landlord's cost
    LANDLORD = "landlord"  #: gross lease: the landlord pays for the tenant's power


@dataclass(frozen=True, slots=True, kw_only=True)
class RunConstraints:
    """Operating limits of the flexible (mining) load, in intervals of the price series.

    ``min_run_intervals``: once on, stay on at least this many intervals; ``min_down_intervals``:
    once off, stay off at least this many; ``ramp_frac_per_interval``: largest change of the
    running share of the mining load between two intervals (1.0 = no ramp limit). The
    defaults (1, 1, 1.0) are no constraint at all: ASIC fleets curtail within minutes
    (ERCOT demand-response practice; assumption, no ramp cost modelled).
    """

    min_run_intervals: int = 1
    min_down_intervals: int = 1
    ramp_frac_per_interval: float = 1.0

    def __post_init__(self) -> None:
        if self.min_run_intervals < 1:
            raise InputError("min_run_intervals", self.min_run_intervals, "a whole number >= 1")
        if self.min_down_intervals < 1:
            raise InputError("min_down_intervals", self.min_down_intervals, "a whole number >= 1")
        if not 0.0 < self.ramp_frac_per_interval <= 1.0:
            raise InputError(
                "ramp_frac_per_interval", self.ramp_frac_per_interval, "a number in (0, 1]"
            )

    @property
    def binding(self) -> bool:
        """True where a constraint can change the unconstrained threshold decision."""
        return (
            self.min_run_intervals > 1
            or self.min_down_intervals > 1
            or self.ramp_frac_per_interval < 1.0
        )

    @classmethod
    def from_hours(
        cls,
        *,
        interval_minutes: int,
        min_run_hours: float = 0.0,
        min_down_hours: float = 0.0,
        ramp_frac_per_hour: float = 1.0,
    ) -> RunConstraints:
        """Constraints given in hours, converted to intervals of ``interval_minutes``."""
        per_hour = 60.0 / interval_minutes
        return cls(
            min_run_intervals=max(1, int(np.ceil(min_run_hours * per_hour - 1e-9))),
            min_down_intervals=max(1, int(np.ceil(min_down_hours * per_hour - 1e-9))),
            ramp_frac_per_interval=min(1.0, ramp_frac_per_hour / per_hour),
        )


NO_CONSTRAINTS = RunConstraints()


def run_decision(
    price_usd_per_mwh: FloatArray, breakeven_usd_per_mwh: FloatArray | float
) -> BoolArray:
    """Run where mining a MWh is worth more than buying it: ``breakeven > price`` [USD/MWh].

    A tie curtails (nothing to gain). Broadcasts like numpy.
    """
    return np.asarray(np.greater(breakeven_usd_per_mwh, price_usd_per_mwh), dtype=bool)


@dataclass(slots=True)
class _RunState:
    on: BoolArray
    since: NDArray[np.int64]
    level: FloatArray


def _initial_state(paths: int) -> _RunState:
    # starts on, free to switch at once (as if it had run/idled long enough)
    big = np.iinfo(np.int64).max // 4
    return _RunState(
        on=np.ones(paths, dtype=bool),
        since=np.full(paths, big, dtype=np.int64),
        level=np.ones(paths),
    )


def _constrained_block(
    desired: BoolArray, forced_off: BoolArray | None, c: RunConstraints, state: _RunState
) -> FloatArray:
    """Run fraction under min run/down and ramp limits: a recursion in time over intervals,
    numpy across paths. Forced-off intervals (4CP) override everything and count as off."""
    paths, n = desired.shape
    out = np.empty((paths, n))
    on, since, level = state.on.copy(), state.since.copy(), state.level.copy()
    r = c.ramp_frac_per_interval
    for t in range(n):
        want = desired[:, t]
        switch_off = on & ~want & (since >= c.min_run_intervals)
        switch_on = ~on & want & (since >= c.min_down_intervals)
        new_on = (on & ~switch_off) | switch_on
        if forced_off is not None:
            new_on &= ~forced_off[:, t]
        since = np.where(new_on == on, since + 1, 1)
        on = new_on
        target = on.astype(np.float64)
        level = np.clip(target, level - r, level + r) if r < 1.0 else target
        if forced_off is not None:
            level = np.where(forced_off[:, t], 0.0, level)
        out[:, t] = level
    state.on, state.since, state.level = on, since, level
    return out


def _as_2d(x: FloatArray | float, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise InputError(name, f"shape {arr.shape}", "a scalar, (paths,) or (paths, n) array")
    if not np.isfinite(arr).all():
        raise InputError(name, "non-finite values", "finite numbers [USD/MWh]")
    return arr


def _prices_2d(price_usd_per_mwh: FloatArray) -> FloatArray:
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    if p.ndim == 1:
        p = p[None, :]
    if p.ndim != 2 or p.shape[1] == 0:
        raise InputError(
            "price_usd_per_mwh", f"shape {p.shape}", "(intervals,) or (paths, intervals)"
        )
    return p


def _iter_blocks(
    price: FloatArray,
    breakeven: FloatArray,
    *,
    policy: DispatchPolicy,
    constraints: RunConstraints,
    forced_off: BoolArray | None,
    block: int,
) -> Iterator[tuple[slice, FloatArray, FloatArray | BoolArray]]:
    """Yield ``(columns, price_block, run_block)``; run is bool (unconstrained) or float."""
    paths = max(
        price.shape[0], breakeven.shape[0], 1 if forced_off is None else forced_off.shape[0]
    )
    n = price.shape[1]
    if breakeven.shape[1] not in (1, n):
        raise InputError(
            "breakeven_usd_per_mwh", f"shape {breakeven.shape}", f"(paths, 1) or (paths, {n})"
        )
    state = _initial_state(paths)
    for lo in range(0, n, block):
        cols = slice(lo, min(n, lo + block))
        p = price[:, cols]
        b = breakeven if breakeven.shape[1] == 1 else breakeven[:, cols]
        f = None if forced_off is None else forced_off[:, cols]
        if policy is DispatchPolicy.FLAT:
            run: FloatArray | BoolArray = np.ones((paths, p.shape[1]), dtype=bool)
            if f is not None:
                run = np.broadcast_to(~f, run.shape)
        elif not constraints.binding:
            run = run_decision(p, b)
            if f is not None:
                run = run & ~f
            if run.shape[0] != paths:
                run = np.broadcast_to(run, (paths, run.shape[1]))
        else:
            desired = np.broadcast_to(run_decision(p, b), (paths, p.shape[1]))
            fb = None if f is None else np.broadcast_to(f, (paths, p.shape[1]))
            run = _constrained_block(desired, fb, constraints, state)
        yield cols, p, run


def dispatch_run_frac(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray | float,
    *,
    policy: DispatchPolicy = DispatchPolicy.CURTAIL,
    constraints: RunConstraints = NO_CONSTRAINTS,
    forced_off: BoolArray | None = None,
) -> FloatArray:
    """Share of the mining load running in each interval, shape ``(paths, intervals)`` in [0, 1].

    ``price_usd_per_mwh`` [USD/MWh] is the decision price of each interval; the load runs where
    ``breakeven > price`` (:func:`run_decision`) subject to ``constraints``; ``forced_off``
    (bool, broadcastable to (paths, intervals)) curtails regardless (e.g. 4CP intervals).
    Materialises the whole array: use :func:`dispatch_totals` for large runs.
    """
    p = _prices_2d(price_usd_per_mwh)
    b = _as_2d(breakeven_usd_per_mwh, "breakeven_usd_per_mwh")
    f = None if forced_off is None else np.atleast_2d(np.asarray(forced_off, dtype=bool))
    parts = [
        np.asarray(run, dtype=np.float64)
        for _, _, run in _iter_blocks(
            p, b, policy=policy, constraints=constraints, forced_off=f, block=p.shape[1]
        )
    ]
    return parts[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchTotals:
    """Per-path sums of a dispatch run, shape ``(paths,)``; one path per scenario.

    ``hours`` [h] of price data (present intervals x interval length); ``run_hours`` [h] =
    sum of run share x interval length; prices [USD/MWh].
    """

    hours: float
    run_hours: FloatArray
    uptime_frac: FloatArray  #: run_hours / hours
    avg_power_price_usd_per_mwh: FloatArray  #: mean price over the hours run (NaN if none run)
    avg_all_hours_usd_per_mwh: FloatArray  #: mean price over all hours
    margin_usd_per_mw: FloatArray  #: sum of run x (breakeven - price) x h [USD per MW of load]
    unused_value_usd_per_mw: FloatArray  #: sum of (1 - run) x price x h [USD per MW]


def dispatch_totals(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray | float,
    *,
    interval_hours: float = 1.0,
    policy: DispatchPolicy = DispatchPolicy.CURTAIL,
    constraints: RunConstraints = NO_CONSTRAINTS,
    forced_off: BoolArray | None = None,
    block: int = DEFAULT_BLOCK_INTERVALS,
) -> DispatchTotals:
    """Uptime, average price over the hours run and margin per MW, per path.

    uptime_frac = sum(run) / n; avg price run = sum(run x p) / sum(run);
    margin per MW = sum(run x (b - p)) x dt [USD/MW]; unused value per MW =
    sum((1 - run) x p) x dt [USD/MW] (what the idle MW would fetch at the price: the
    sell-back credit of a fixed-price contract, see :func:`sellback_credit_usd`).
    """
    p = _prices_2d(price_usd_per_mwh)
    b = _as_2d(breakeven_usd_per_mwh, "breakeven_usd_per_mwh")
    f = None if forced_off is None else np.atleast_2d(np.asarray(forced_off, dtype=bool))
    if interval_hours <= 0:
        raise InputError("interval_hours", interval_hours, "a number > 0 (h)")
    paths = max(p.shape[0], b.shape[0], 1 if f is None else f.shape[0])
    n = p.shape[1]
    run_n = np.zeros(paths)
    run_p = np.zeros(paths)
    all_p = np.zeros(paths)
    margin = np.zeros(paths)
    for cols, pb, run in _iter_blocks(
        p, b, policy=policy, constraints=constraints, forced_off=f, block=block
    ):
        bb = b if b.shape[1] == 1 else b[:, cols]
        if run.dtype == bool:
            rp = np.where(run, pb, 0.0).sum(axis=1)
            rn = np.count_nonzero(run, axis=1).astype(np.float64)
            rb = np.where(run, bb, 0.0).sum(axis=1) if b.shape[1] > 1 else rn * bb[:, 0]
        else:
            rp = (run * pb).sum(axis=1)
            rn = run.sum(axis=1)
            rb = (run * bb).sum(axis=1)
        ps = pb.sum(axis=1)
        run_n += rn
        run_p += rp
        all_p += ps
        margin += rb - rp
    with np.errstate(invalid="ignore", divide="ignore"):
        avg_run = np.where(run_n > 0, run_p / np.where(run_n > 0, run_n, 1.0), np.nan)
    return DispatchTotals(
        hours=n * interval_hours,
        run_hours=run_n * interval_hours,
        uptime_frac=run_n / n,
        avg_power_price_usd_per_mwh=avg_run,
        avg_all_hours_usd_per_mwh=all_p / n,
        margin_usd_per_mw=margin * interval_hours,
        unused_value_usd_per_mw=(all_p - run_p) * interval_hours,
    )


def flat_margin_usd_per_mw(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray | float,
    *,
    interval_hours: float = 1.0,
) -> FloatArray:
    """Margin of running flat out: sum(b - p) x dt [USD per MW of load], per path."""
    return dispatch_totals(
        price_usd_per_mwh,
        breakeven_usd_per_mwh,
        interval_hours=interval_hours,
        policy=DispatchPolicy.FLAT,
    ).margin_usd_per_mw


def sellback_credit_usd(
    price_usd_per_mwh: FloatArray, unused_mw: FloatArray | float, *, interval_hours: float = 1.0
) -> FloatArray:
    """Credit for reselling unused contracted power at the real-time price [USD], per path.

    credit = sum_t unused_mw(t) x price(t) x dt. A negative price makes the credit of that
    interval negative (the contract settles financially at the real-time price).
    """
    p = _prices_2d(price_usd_per_mwh)
    u = np.asarray(unused_mw, dtype=np.float64)
    return np.asarray((u * p).sum(axis=-1) * interval_hours, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# coincident peak (ERCOT 4CP)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CoincidentPeakTerms:
    """Curtail in the likely ERCOT 4CP intervals.

    ERCOT allocates transmission cost by each customer's load in the 15-minute interval of
    system peak demand in each of June, July, August and September (4CP; PUCT 16 TAC
    25.192). Without load forecasts, hashpivot uses price as the proxy for system stress:
    in each of ``months`` it curtails the ``window_hours`` local hours starting at
    ``window_start_hour_local`` on the ``peak_days_per_month`` days whose highest price in that
    window is largest. Window 15:00-19:00 CDT and 5 days a month are assumptions (summer
    peaks fall in the late afternoon), to be set per site. Local time is the wall clock of
    ``timezone`` (IANA, via ``zoneinfo``; ERCOT's Central Prevailing Time by default).
    """

    months: tuple[int, ...] = (6, 7, 8, 9)
    peak_days_per_month: int = 5
    window_start_hour_local: int = 15
    window_hours: int = 4
    timezone: str = ERCOT_TIMEZONE  #: IANA zone of the local window (CST/CDT for ERCOT)

    def __post_init__(self) -> None:
        if not self.months or any(not 1 <= m <= 12 for m in self.months):
            raise InputError("fourcp.months", self.months, "months 1-12")
        if not 1 <= self.peak_days_per_month <= 31:
            raise InputError(
                "fourcp.peak_days_per_month", self.peak_days_per_month, "a whole number 1-31"
            )
        if not 0 <= self.window_start_hour_local <= 23:
            raise InputError(
                "fourcp.window_start_hour_local", self.window_start_hour_local, "an hour 0-23"
            )
        if not 1 <= self.window_hours <= 24 - self.window_start_hour_local:
            raise InputError(
                "fourcp.window_hours", self.window_hours, "1 .. hours left in the local day"
            )
        if not is_timezone(self.timezone):
            raise InputError(
                "fourcp.timezone", self.timezone, "an IANA time zone, e.g. America/Chicago"
            )


def coincident_peak_mask(
    interval_start_utc: DatetimeArray, price_usd_per_mwh: FloatArray, terms: CoincidentPeakTerms
) -> BoolArray:
    """Intervals to curtail for 4CP avoidance, shape ``(paths, intervals)`` (paths = price rows).

    Local time: the wall clock of ``terms.timezone`` (:func:`hashpivot.calendar.utc_to_local`).
    """
    p = _prices_2d(price_usd_per_mwh)
    ts = np.asarray(interval_start_utc).astype("datetime64[s]")
    if ts.shape[0] != p.shape[1]:
        raise InputError(
            "interval_start_utc", f"{ts.shape[0]} timestamps", f"{p.shape[1]} (one per price)"
        )
    local = utc_to_local(ts, terms.timezone)
    month = local.astype("datetime64[M]").astype(np.int64) % 12 + 1
    hour = local.astype("datetime64[h]").astype(np.int64) % 24
    day = local.astype("datetime64[D]").astype(np.int64)
    ym = local.astype("datetime64[M]").astype(np.int64)
    in_window = (
        np.isin(month, terms.months)
        & (hour >= terms.window_start_hour_local)
        & (hour < terms.window_start_hour_local + terms.window_hours)
    )
    mask = np.zeros(p.shape, dtype=bool)
    cols = np.flatnonzero(in_window)
    if cols.size == 0:
        return mask
    wday = day[cols]
    starts = np.flatnonzero(np.concatenate(([True], np.diff(wday) != 0)))
    day_peak = np.maximum.reduceat(p[:, cols], starts, axis=1)  # (paths, n_days)
    day_ym = ym[cols][starts]
    chosen = np.zeros(day_peak.shape, dtype=bool)
    for g in np.unique(day_ym):  # a handful of summer months, not paths
        idx = np.flatnonzero(day_ym == g)
        k = min(terms.peak_days_per_month, idx.size)
        order = np.argsort(-day_peak[:, idx], axis=1, kind="stable")[:, :k]
        sub = np.zeros((p.shape[0], idx.size), dtype=bool)
        np.put_along_axis(sub, order, True, axis=1)
        chosen[:, idx] = sub
    day_of_col = np.cumsum(np.concatenate(([True], np.diff(wday) != 0))) - 1
    mask[:, cols] = chosen[:, day_of_col]
    return mask


# --------------------------------------------------------------------------------------------
# a whole site: flexible mining + optional firm AI load + optional fixed-price contract
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PpaTerms:
    """Fixed-price power contract (take-or-pay) with sell-back of unused power.

    The site buys ``contract_mw`` every interval at ``price_usd_per_mwh``; what its loads do
    not use is resold at the real-time price (credit = revenue); load above the contract is
    bought at the index price plus the delivery adder.
    """

    contract_mw: float
    price_usd_per_mwh: float

    def __post_init__(self) -> None:
        if self.contract_mw <= 0:
            raise InputError("ppa.contract_mw", self.contract_mw, "a number > 0 (MW)")


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteDispatchSpec:
    """What runs on the site and how it buys power (all MW at the meter).

    ``mining_mw``: flexible mining load when fully on; ``ai_load_mw``: firm AI load (every
    interval); ``adder_usd_per_mwh``: delivery charges on energy bought at the index price.
    """

    mining_mw: float
    ai_load_mw: float = 0.0
    policy: DispatchPolicy = DispatchPolicy.CURTAIL
    constraints: RunConstraints = NO_CONSTRAINTS
    ppa: PpaTerms | None = None
    fourcp: CoincidentPeakTerms | None = None
    ai_power_paid_by: PowerPayer = PowerPayer.TENANT
    adder_usd_per_mwh: float = 0.0

    def __post_init__(self) -> None:
        if self.mining_mw < 0:
            raise InputError("mining_mw", self.mining_mw, "a number >= 0 (MW)")
        if self.ai_load_mw < 0:
            raise InputError("ai_load_mw", self.ai_load_mw, "a number >= 0 (MW)")


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteDispatch:
    """Per-path results of :func:`dispatch_site`, each ``(paths,)``; energy MWh, money USD.

    Cost fields are positive magnitudes. ``net_power_cash_usd`` is the landlord's signed
    power cash flow: credit - mining cost - unused contract cost - AI cost if the landlord
    bears it.
    """

    hours: float
    mining_uptime_frac: FloatArray
    mining_energy_mwh: FloatArray
    mining_value_usd: FloatArray  #: sum of mining MWh x breakeven (revenue net of pool fee)
    mining_power_cost_usd: FloatArray
    mining_avg_power_price_usd_per_mwh: FloatArray  #: cost / energy (NaN if it never ran)
    avg_all_hours_usd_per_mwh: FloatArray
    ai_energy_mwh: FloatArray
    ai_power_cost_usd: FloatArray
    landlord_ai_power_cost_usd: FloatArray
    unused_contract_cost_usd: FloatArray
    sellback_credit_usd: FloatArray
    fourcp_curtailed_hours: FloatArray

    @property
    def net_power_cash_usd(self) -> FloatArray:
        return (
            self.sellback_credit_usd
            - self.mining_power_cost_usd
            - self.unused_contract_cost_usd
            - self.landlord_ai_power_cost_usd
        )

    @property
    def mining_margin_usd(self) -> FloatArray:
        """Mining value + sell-back credit - mining power cost - unused contract cost [USD]."""
        return (
            self.mining_value_usd
            + self.sellback_credit_usd
            - self.mining_power_cost_usd
            - self.unused_contract_cost_usd
        )


def dispatch_site(
    price_usd_per_mwh: FloatArray,
    breakeven_usd_per_mwh: FloatArray | float,
    spec: SiteDispatchSpec,
    *,
    interval_hours: float = 1.0,
    interval_start_utc: DatetimeArray | None = None,
    block: int = DEFAULT_BLOCK_INTERVALS,
) -> SiteDispatch:
    """Dispatch a site hour by hour: firm AI load, flexible mining, contract and sell-back.

    Decision price of mining: the index price + adder without a contract; the real-time price
    under a contract (the opportunity cost of a contracted MWh is its resale price). Under a
    contract the AI load is served first; per interval (C = contract MW, a = AI MW,
    m = mining MW x run share): ai_cov = min(a, C), mine_cov = min(m, C - ai_cov),
    unused = C - ai_cov - mine_cov, shortfalls bought at index + adder; contract energy at the
    contract price; credit = unused x price x dt (:func:`sellback_credit_usd`).
    ``interval_start_utc`` is needed only for 4CP.
    """
    p = _prices_2d(price_usd_per_mwh)
    b = _as_2d(breakeven_usd_per_mwh, "breakeven_usd_per_mwh")
    n = p.shape[1]
    forced = None
    if spec.fourcp is not None:
        if interval_start_utc is None:
            raise InputError("interval_start_utc", None, "timestamps (needed for 4CP)")
        forced = coincident_peak_mask(interval_start_utc, p, spec.fourcp)
    adder = spec.adder_usd_per_mwh
    decision = p if spec.ppa is not None else p + adder
    paths = max(p.shape[0], b.shape[0])
    z = np.zeros(paths)
    mine_mwh, mine_val, mine_cost = z.copy(), z.copy(), z.copy()
    all_p, ai_cost, unused_cost, credit, run_n, forced_n = (
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
    )
    a, m = spec.ai_load_mw, spec.mining_mw
    dt = interval_hours
    for cols, _, run in _iter_blocks(
        decision,
        b,
        policy=spec.policy,
        constraints=spec.constraints,
        forced_off=forced,
        block=block,
    ):
        pb = np.broadcast_to(p[:, cols], run.shape)
        bb = b if b.shape[1] == 1 else b[:, cols]
        r = np.asarray(run, dtype=np.float64)
        index_p = pb + adder
        mining = m * r
        run_n += r.sum(axis=1)
        mine_mwh += mining.sum(axis=1) * dt
        mine_val += (mining * bb).sum(axis=1) * dt
        all_p += pb.sum(axis=1)
        if forced is not None:
            forced_n += np.broadcast_to(forced[:, cols], run.shape).sum(axis=1)
        if spec.ppa is None:
            mine_cost += (mining * index_p).sum(axis=1) * dt
            ai_cost += a * index_p.sum(axis=1) * dt
        else:
            c, k = spec.ppa.contract_mw, spec.ppa.price_usd_per_mwh
            ai_cov = min(a, c)
            mine_cov = np.minimum(mining, c - ai_cov)
            unused = c - ai_cov - mine_cov
            mine_cost += (mine_cov * k + (mining - mine_cov) * index_p).sum(axis=1) * dt
            ai_cost += (ai_cov * k * r.shape[1] + (a - ai_cov) * index_p.sum(axis=1)) * dt
            unused_cost += unused.sum(axis=1) * k * dt
            credit += (unused * pb).sum(axis=1) * dt
    with np.errstate(invalid="ignore", divide="ignore"):
        avg_run = np.where(mine_mwh > 0, mine_cost / np.where(mine_mwh > 0, mine_mwh, 1.0), np.nan)
    landlord_ai = ai_cost if spec.ai_power_paid_by is PowerPayer.LANDLORD else np.zeros(paths)
    return SiteDispatch(
        hours=n * dt,
        mining_uptime_frac=run_n / n,
        mining_energy_mwh=mine_mwh,
        mining_value_usd=mine_val,
        mining_power_cost_usd=mine_cost,
        mining_avg_power_price_usd_per_mwh=avg_run,
        avg_all_hours_usd_per_mwh=all_p / n,
        ai_energy_mwh=np.full(paths, a * n * dt),
        ai_power_cost_usd=ai_cost,
        landlord_ai_power_cost_usd=landlord_ai,
        unused_contract_cost_usd=unused_cost,
        sellback_credit_usd=credit,
        fourcp_curtailed_hours=forced_n * dt,
    )


# --------------------------------------------------------------------------------------------
# monthly results for the mining path
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthlyPower:
    """Dispatch results per scenario month, every field ``(paths, months)``.

    ``uptime_frac``: share of the month's hours the mining load ran (energy-weighted);
    ``power_cost_usd_per_mwh``: average price paid per MWh consumed [USD/MWh] (index price +
    adder over the hours run; the contract price under a PPA); where the load never ran, the
    month's average index price + adder (no energy is bought, so the product with uptime is 0);
    ``power_cash_usd_per_mwh_capacity``: power cash cost per MWh of mining capacity-hours
    [USD/MWh] (index: uptime x cost; PPA: the contract price, take-or-pay) — monthly power
    opex = -this x mining_mw x hours in month; ``sellback_credit_usd_per_mwh_contracted``:
    resale credit per MWh of contracted capacity-hours [USD/MWh], revenue = this x
    contract_mw x hours in month (0 without a PPA).
    """

    uptime_frac: FloatArray
    power_cost_usd_per_mwh: FloatArray
    power_cash_usd_per_mwh_capacity: FloatArray
    sellback_credit_usd_per_mwh_contracted: FloatArray
    hours_in_month: FloatArray  #: (months,) calendar hours of each scenario month
    #: (paths, months) mean index price over all the month's hours [USD/MWh], adder excluded
    mean_index_price_usd_per_mwh: FloatArray | None = None


def _month_bounds(start: date, months: int) -> tuple[NDArray[np.datetime64], FloatArray]:
    ms = month_starts(start, months + 1)
    edges = np.array([np.datetime64(d, "s") for d in ms])
    hours = np.diff(edges).astype("timedelta64[h]").astype(np.float64)
    return edges, hours


def monthly_power(
    price_usd_per_mwh: FloatArray,
    interval_start_utc: DatetimeArray,
    breakeven_usd_per_mwh: FloatArray,
    *,
    start: date,
    policy: DispatchPolicy = DispatchPolicy.CURTAIL,
    constraints: RunConstraints = NO_CONSTRAINTS,
    adder_usd_per_mwh: float = 0.0,
    ppa_price_usd_per_mwh: float | None = None,
    fourcp: CoincidentPeakTerms | None = None,
) -> MonthlyPower:
    """Monthly uptime and power cost of the mining load, shape ``(paths, months)``.

    Parameters
    ----------
    price_usd_per_mwh : ``(intervals,)`` history (hourly or 15-minute) or ``(paths, hours)``
        synthetic paths [USD/MWh]
    interval_start_utc : ``(intervals,)`` interval starts [UTC] of those prices
    breakeven_usd_per_mwh : ``(paths, months)`` mining value of a MWh per scenario month
        (:func:`hashpivot.mining.economics.breakeven_power_usd_per_mwh`) [USD/MWh]
    start : first scenario month (its month is month 0)
    ppa_price_usd_per_mwh : fixed contract price; the contract covers the mining load's full
        capacity and unused power is resold at the price series (taken as real time)

    Mapping of history onto the future
    ----------------------------------
    * 1-D history: a calendar-month profile replayed by month of year. Scenario month j with
      UTC month-of-year k is dispatched against *all* historical intervals whose UTC month is
      k (every year in the file, in time order), with that path-month's breakeven. Gaps stay
      gaps: only present intervals count. Run constraints restart (on) at each month's pool.
    * 2-D synthetic prices: the timestamps must be the hour starts of the scenario months
      (:func:`hashpivot.power.prices.hour_starts`); month j uses its own hours, path by path.
    """
    b = np.asarray(breakeven_usd_per_mwh, dtype=np.float64)
    if b.ndim != 2:
        raise InputError("breakeven_usd_per_mwh", f"shape {b.shape}", "(paths, months)")
    if not np.isfinite(b).all():
        raise InputError("breakeven_usd_per_mwh", "non-finite values", "finite numbers")
    paths, months = b.shape
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    ts = np.asarray(interval_start_utc).astype("datetime64[s]")
    if ts.ndim != 1 or ts.size != p.shape[-1] or ts.size == 0:
        raise InputError(
            "interval_start_utc", f"{ts.size} timestamps", f"{p.shape[-1]} (one per price column)"
        )
    step_s = int(np.min(np.diff(ts).astype(np.int64))) if ts.size > 1 else 3600
    dt = step_s / 3600.0
    edges, hours_in_month = _month_bounds(start, months)
    uptime = np.zeros((paths, months))
    cost = np.zeros((paths, months))
    credit = np.zeros((paths, months))

    def _fill(
        price_block: FloatArray, b_lanes: FloatArray, ts_block: DatetimeArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        forced = None
        if fourcp is not None:
            forced = coincident_peak_mask(ts_block, price_block, fourcp)
        decision = (
            price_block if ppa_price_usd_per_mwh is not None else price_block + adder_usd_per_mwh
        )
        tot = dispatch_totals(
            decision,
            b_lanes,
            interval_hours=dt,
            policy=policy,
            constraints=constraints,
            forced_off=forced,
        )
        n = price_block.shape[1]
        up = tot.uptime_frac
        # mean index price over all hours (the decision price carries the adder without a PPA)
        mean_index = np.broadcast_to(tot.avg_all_hours_usd_per_mwh, up.shape) - (
            0.0 if ppa_price_usd_per_mwh is not None else adder_usd_per_mwh
        )
        if ppa_price_usd_per_mwh is None:
            mean_all = tot.avg_all_hours_usd_per_mwh
            c = np.where(up > 0, np.nan_to_num(tot.avg_power_price_usd_per_mwh), mean_all)
            cash = up * c
            cr = np.zeros_like(up)
        else:
            c = np.full_like(up, ppa_price_usd_per_mwh)
            cash = c.copy()
            cr = tot.unused_value_usd_per_mw / (n * dt)  # price series without adder
        return up, c, np.stack([cash, cr, mean_index])

    cash = np.zeros((paths, months))
    mean_px = np.zeros((paths, months))
    if p.ndim == 1:
        moy, _ = calendar_index(ts)
        target_moy = (edges[:-1].astype("datetime64[M]").astype(np.int64)) % 12
        for k in np.unique(target_moy):  # at most 12 month-of-year pools, never paths
            pool = moy == k
            if not pool.any():
                raise InputError(
                    "price history",
                    f"no prices in calendar month {int(k) + 1}",
                    "a history covering every calendar month of the scenario",
                )
            cols = np.flatnonzero(target_moy == k)
            lanes = b[:, cols].reshape(-1, 1)  # (paths x months_k, 1)
            up, c, cc = _fill(p[pool][None, :], lanes, ts[pool])
            uptime[:, cols] = up.reshape(paths, cols.size)
            cost[:, cols] = c.reshape(paths, cols.size)
            cash[:, cols] = cc[0].reshape(paths, cols.size)
            credit[:, cols] = cc[1].reshape(paths, cols.size)
            mean_px[:, cols] = cc[2].reshape(paths, cols.size)
    elif p.ndim == 2:
        if p.shape[0] not in (1, paths):
            raise InputError("price_usd_per_mwh", f"{p.shape[0]} paths", f"1 or {paths} paths")
        for j in range(months):  # months, not paths: each month is one vectorised pass
            sel = (ts >= edges[j]) & (ts < edges[j + 1])
            if not sel.any():
                raise InputError(
                    "interval_start_utc",
                    f"no hours in scenario month {j} ({edges[j]})",
                    "hour starts covering every scenario month (see hour_starts)",
                )
            up, c, cc = _fill(p[:, sel], b[:, j : j + 1], ts[sel])
            uptime[:, j] = np.broadcast_to(up, (paths,))
            cost[:, j] = np.broadcast_to(c, (paths,))
            cash[:, j] = np.broadcast_to(cc[0], (paths,))
            credit[:, j] = np.broadcast_to(cc[1], (paths,))
            mean_px[:, j] = np.broadcast_to(cc[2], (paths,))
    else:
        raise InputError("price_usd_per_mwh", f"shape {p.shape}", "(intervals,) or (paths, hours)")
    return MonthlyPower(
        uptime_frac=uptime,
        power_cost_usd_per_mwh=cost,
        power_cash_usd_per_mwh_capacity=cash,
        sellback_credit_usd_per_mwh_contracted=credit,
        hours_in_month=hours_in_month,
        mean_index_price_usd_per_mwh=mean_px,
    )

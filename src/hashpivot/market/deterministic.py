"""Named deterministic scenarios (bear / base / bull) as the engine's one-path market, and the
site file's ``[scenario]`` over them (:class:`ScenarioOverride`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

import numpy as np

from hashpivot.bitcoin.chain import simulate_chain
from hashpivot.bitcoin.network import difficulty_from_hashrate_eh_s, hashrate_eh_s_from_difficulty
from hashpivot.calendar import month_seconds, month_starts
from hashpivot.market.scenarios import (
    DEFAULT_PARAMS,
    MarketParams,
    MarketScenarios,
    StartState,
    simulate,
    subsidy_schedule_btc_per_block,
)
from hashpivot.market.simulate import log_hashrate_paths
from hashpivot.market.snapshot import DeterministicScenario, MarketSnapshot


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioOverride:
    """A site file's ``[scenario]``: the deterministic path's start and constant rates.

    Every field is optional; ``None`` keeps the named scenario's rate or the start's value.

    btc_price_usd : BTC price at the start [USD/BTC]
    btc_growth_per_year : constant annual BTC price growth [1/year] (0: a constant price)
    network_hashrate_growth_per_month : constant monthly network hashrate growth [1/month]
    fees_btc_per_block : transaction fees per block, constant [BTC/block]
    difficulty : difficulty at the start [-]; network hashrate = difficulty x 2^32 / 600 s
    network_hashrate_eh_s : network hashrate at the start [EH/s] (instead of ``difficulty``)
    """

    btc_price_usd: float | None = None
    btc_growth_per_year: float | None = None
    network_hashrate_growth_per_month: float | None = None
    fees_btc_per_block: float | None = None
    difficulty: float | None = None
    network_hashrate_eh_s: float | None = None

    def start_difficulty(self) -> float | None:
        """The start difficulty it sets [-] (from the hashrate where it sets that), or None."""
        if self.difficulty is not None:
            return self.difficulty
        if self.network_hashrate_eh_s is not None:
            return float(difficulty_from_hashrate_eh_s(self.network_hashrate_eh_s))
        return None

    def rates(self, scenario: DeterministicScenario) -> DeterministicScenario:
        """``scenario`` with this table's growth rates; a monthly hashrate growth ``g`` is the
        annual rate ``(1 + g)^12 - 1`` (so month ``k`` is ``x0 (1 + g)^(12 t)``, t in years)."""
        btc = self.btc_growth_per_year
        hr = self.network_hashrate_growth_per_month
        return replace(
            scenario,
            btc_price_growth_per_year=scenario.btc_price_growth_per_year if btc is None else btc,
            hashrate_growth_per_year=(
                scenario.hashrate_growth_per_year if hr is None else (1.0 + hr) ** 12 - 1.0
            ),
        )


def apply_start(
    snapshot: MarketSnapshot, start: StartState, override: ScenarioOverride | None
) -> tuple[MarketSnapshot, StartState]:
    """The snapshot and start state a deterministic run starts from under ``[scenario]``:
    its BTC price, fees per block and difficulty (network hashrate = difficulty x 2^32 / 600 s,
    the snapshot's own relation, :func:`~hashpivot.bitcoin.network.hashrate_eh_s_from_difficulty`)
    replace the snapshot's; the chain's height and epoch are kept."""
    if override is None:
        return snapshot, start
    price = start.btc_price_usd if override.btc_price_usd is None else override.btc_price_usd
    d = override.start_difficulty()
    diff = snapshot.difficulty if d is None else d
    hashrate = (
        start.network_hashrate_eh_s if d is None else float(hashrate_eh_s_from_difficulty(diff))
    )
    fees = override.fees_btc_per_block
    snap = replace(
        snapshot,
        difficulty=diff,
        network_hashrate_eh_s=hashrate,
        btc_price_usd=price,
        fees_btc_per_block=snapshot.fees_btc_per_block if fees is None else fees,
    )
    return snap, replace(start, btc_price_usd=price, network_hashrate_eh_s=hashrate)


#: the ``[market]`` keys a deterministic run uses: the start price (the path grows from it at
#: the scenario's rate) and the rent, GPU rate and power processes, which it follows at zero
#: volatility (:func:`hashpivot.market.deterministic.scenario_paths`)
DETERMINISTIC_MARKET_KEYS = frozenset(
    {
        "btc_price_usd",
        "rent_usd_per_kw_month",
        "rent_long_run_usd_per_kw_month",
        "rent_trend_per_year",
        "rent_reversion_per_year",
        "gpu_rate_usd_per_gpu_hour",
        "gpu_rate_long_run_usd_per_gpu_hour",
        "gpu_rate_decay_per_generation_frac",
        "gpu_rate_generation_years",
        "gpu_rate_reversion_per_year",
        "power_price_usd_per_mwh",
        "power_long_run_usd_per_mwh",
        "power_trend_per_year",
        "power_reversion_per_year",
        "power_gap",  # its anchor moves the rent's long-run level (per-path draws are MC's)
    }
)


def monte_carlo_only_keys(overridden: frozenset[str]) -> list[str]:
    """The ``[market]`` keys a file sets that a deterministic run cannot use (volatilities,
    tails, the hashrate and fee-share processes, correlations), sorted."""
    return sorted(k for k in overridden if k not in DETERMINISTIC_MARKET_KEYS)


def market_table_note(
    overridden: frozenset[str], override: ScenarioOverride | None = None
) -> str | None:
    """What a deterministic run does with a ``[market]`` table, in words (None without one):
    the keys it uses, those ``[scenario]`` replaces, and those only the Monte Carlo uses."""
    if not overridden:
        return None
    replaced = {"btc_price_usd"} if override is not None and override.btc_price_usd else set()
    used = sorted(k for k in overridden if k in DETERMINISTIC_MARKET_KEYS and k not in replaced)
    unused = monte_carlo_only_keys(overridden)
    parts = []
    if used:
        parts.append("used here: " + ", ".join(used) + " (start values; zero-volatility paths)")
    if replaced & overridden:
        parts.append("replaced by [scenario]: btc_price_usd")
    if unused:
        parts.append(
            "not used by this deterministic run (Monte Carlo `compare` only): "
            + ", ".join(unused)
            + "; set the deterministic path's rates in [scenario]"
        )
    return "[market] " + "; ".join(parts)


def describe_path(
    scenario: DeterministicScenario,
    override: ScenarioOverride | None,
    start: StartState,
    snapshot: MarketSnapshot,
) -> str:
    """The deterministic path in words: BTC and hashrate growth, fees, where they come from."""
    sc = scenario if override is None else override.rates(scenario)
    o = override or ScenarioOverride()
    hr = (
        f"{o.network_hashrate_growth_per_month:+.1%}/month"
        if o.network_hashrate_growth_per_month is not None
        else hashrate_growth_text(sc)
    )
    fees = (
        f"fees {o.fees_btc_per_block:g} BTC/block"
        if o.fees_btc_per_block is not None
        else f"fee share {sc.fee_share_frac:.1%}"
    )
    where = f"'{scenario.name.value}'" + (" under the site file's [scenario]" if override else "")
    return (
        f"deterministic scenario {where}: BTC {sc.btc_price_growth_per_year:+.0%}/yr from "
        f"${start.btc_price_usd:,.0f}, network hashrate {hr} from "
        f"{start.network_hashrate_eh_s:,.0f} EH/s "
        f"(difficulty {snapshot.difficulty / 1e12:,.2f} T), "
        f"{fees}; blocks from the retarget rule along the hashrate path"
    )


def scenario_table_note(override: ScenarioOverride | None) -> str | None:
    """What a Monte Carlo run does with a ``[scenario]`` table: nothing, said aloud."""
    if override is None:
        return None
    return (
        "[scenario] applies to deterministic runs only (mine, lease, gpu-cloud on a site file, "
        "compare --deterministic); this Monte Carlo run starts from [market] and the snapshot"
    )


def mid_month_years(snapshot_date: date, months: int) -> np.ndarray:
    """Years from ``snapshot_date`` to the middle of each month from its month on [yr].

    Month 0 is the rest of the snapshot's month; its middle is halfway to the month's end.
    """
    edges = month_starts(snapshot_date, months + 1)
    out = np.empty(months)
    for i, (start, end) in enumerate(pairwise(edges)):
        first = max(start, snapshot_date)
        mid_days = (first - snapshot_date).days + (end - first).days / 2.0
        out[i] = mid_days / 365.25
    return out


def model_hashrate_path(
    params: MarketParams, start: StartState, btc_price_usd: np.ndarray, fee_share_frac: float
) -> np.ndarray:
    """The hashrate model's own expected network path [EH/s], ``(1, months)``: its monthly
    recursion (:func:`hashpivot.market.simulate.log_hashrate_paths`: error correction on
    hashprice, fleet-efficiency trend, any momentum term) with no shocks, driven by the given
    BTC price path ``(1, months)`` and a constant fee share; column 0 is ``start``'s."""
    months = btc_price_usd.shape[-1]
    log_price = np.log(np.asarray(btc_price_usd, dtype=np.float64).reshape(months, 1))
    logit_fee = np.full((months, 1), float(np.log(fee_share_frac / (1.0 - fee_share_frac))))
    subsidy = subsidy_schedule_btc_per_block(start, months)
    log_h = log_hashrate_paths(
        params.with_zero_volatility(), start, log_price, logit_fee, subsidy, None
    )
    return np.exp(log_h).T


def scenario_growth_paths(
    as_of: date,
    btc_price_usd: float,
    network_hashrate_eh_s: float,
    scenario: DeterministicScenario,
    months: int,
    *,
    model: tuple[MarketParams, StartState] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The one rule of every named deterministic path: BTC price [USD/BTC] and network
    hashrate [EH/s], ``(1, months)`` from ``as_of``'s month, each ``x(t) = x0 x (1 + g) ** t``
    at the scenario's constant annual rate ``g``, with ``t`` in years from ``as_of`` to the
    middle of the month (:func:`mid_month_years`). A scenario without a hashrate rate (the
    base) takes the network from :func:`model_hashrate_path` of ``model`` (the market and start
    state; the default market where None) along that BTC path."""
    t = mid_month_years(as_of, months)[None, :]
    price = btc_price_usd * (1.0 + scenario.btc_price_growth_per_year) ** t
    g = scenario.hashrate_growth_per_year
    if g is not None:
        return price, network_hashrate_eh_s * (1.0 + g) ** t
    params, start = model or (DEFAULT_PARAMS, StartState.late_2025())
    start = replace(start, as_of=as_of, network_hashrate_eh_s=network_hashrate_eh_s)
    return price, model_hashrate_path(params, start, price, scenario.fee_share_frac)


def hashrate_growth_text(scenario: DeterministicScenario) -> str:
    """The scenario's network growth in words: its constant rate, or the model's path."""
    g = scenario.hashrate_growth_per_year
    if g is not None:
        return f"{g:+.0%}/yr"
    return "on the hashrate model's expected path (no shocks)"


def scenario_paths(
    snapshot: MarketSnapshot,
    scenario: DeterministicScenario,
    start: StartState,
    params: MarketParams,
    *,
    months: int,
    override: ScenarioOverride | None = None,
) -> MarketScenarios:
    """A named deterministic scenario as the engine's one-path :class:`MarketScenarios`.

    BTC price and network hashrate grow at the scenario's constant annual rates from today's
    (``x(t) = x0 (1 + g)^t``, t in years from the snapshot to mid-month, as
    :func:`scenario_growth_paths`; the base scenario's network follows the hashrate model of
    ``params`` at zero shocks along that BTC path, :func:`model_hashrate_path`); the fee
    share is the scenario's constant, turned into fees per block along the blocks the chain
    actually produces on that hashrate path (so each
    month's fees are ``subsidy x share / (1 - share)`` of that month's blocks, halving
    included); rent, GPU rate and power price follow the zero-volatility paths of ``params``.

    ``override`` (a site file's ``[scenario]``) replaces the growth rates and, where it sets
    them, fixes the fees per block; its start price and difficulty are already in ``snapshot``
    and ``start`` (:func:`apply_start`). Blocks always come from the retarget rule along the
    hashrate path (:func:`~hashpivot.bitcoin.chain.simulate_chain`), never 144 a day.
    """
    if override is not None:
        scenario = override.rates(scenario)
    price, hashrate = scenario_growth_paths(
        snapshot.as_of,
        start.btc_price_usd,
        start.network_hashrate_eh_s,
        scenario,
        months,
        model=(params, start),
    )
    first = date(snapshot.as_of.year, snapshot.as_of.month, 1)
    chain = simulate_chain(
        snapshot.network_state,
        hashrate,
        month_seconds(first, months),
        first_month_elapsed_s=(snapshot.as_of - first).days * 86_400.0,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        subsidy = np.where(chain.blocks > 0, chain.subsidy_btc / chain.blocks, 0.0)
    share = scenario.fee_share_frac
    fixed = None if override is None else override.fees_btc_per_block
    fees = subsidy * share / (1.0 - share) if fixed is None else np.full_like(subsidy, fixed)
    quiet = simulate(params.with_zero_volatility(), start, months, 1, np.random.default_rng(0))
    return MarketScenarios(
        start=first,
        btc_price_usd=price,
        network_hashrate_eh_s=hashrate,
        fees_btc_per_block=fees,
        rent_usd_per_kw_month=quiet.rent_usd_per_kw_month,
        gpu_rate_usd_per_gpu_hour=quiet.gpu_rate_usd_per_gpu_hour,
        power_price_usd_per_mwh=quiet.power_price_usd_per_mwh,
        subsidy_btc_per_block=subsidy[0],
    )

"""The mining path of a site, month by month: the orchestrator (cf. pvlib's ModelChain).

:class:`MiningModel` runs the small models in order:

1. block production along the network hashrate path
   (:func:`hashpivot.bitcoin.chain.simulate_chain`):
   blocks, subsidy (halvings by height), difficulty;
2. fees from the fee share of block revenue;
3. the fleet's share of the network, degraded over time, times uptime;
4. BTC mined after the pool fee, revenue at the month's BTC price;
5. energy drawn (ASICs + overhead) and its cost; other opex; fleet capex;

and returns a :class:`MiningResult` whose arrays are all ``(paths, months)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from hashpivot.bitcoin.chain import ChainPath, NetworkState, simulate_chain
from hashpivot.bitcoin.network import H_PER_TH
from hashpivot.calendar import month_seconds, month_starts, months_between
from hashpivot.errors import InputError
from hashpivot.mining.economics import btc_mined, site_energy_mwh
from hashpivot.mining.fleet import Fleet, degradation_factor
from hashpivot.types import CashFlows, FloatArray, MarketPaths


@dataclass(frozen=True, slots=True, kw_only=True)
class MiningSite:
    """A mining site, validated (built from a site file by :mod:`hashpivot.config.site`).

    capacity_mw : gross energized capacity [MW]
    overhead_frac : share of the site's draw taken by cooling, auxiliaries, losses [0-1)
    uptime_frac : share of hours the fleet hashes [0-1] (ignored where a dispatch gives it)
    pool_fee_frac : pool fee [0-1]
    power_price_usd_per_mwh : all-in power price [USD/MWh]
    opex_usd_per_month : other operating costs (staff, hosting, maintenance) [USD/month]
    degradation_frac_per_year : annual hashrate decline [0-1)
    asic_price_usd_per_th : market price of ASICs [USD per TH/s] (fleet value and purchase)
    buy_fleet : whether the fleet is bought at the start (capex in month 0) or already owned
    refresh_month, refresh_efficiency_j_per_th : optional fleet refresh: at that month (index
        from the start) the ASIC power is refilled with machines of that efficiency, bought at
        ``asic_price_usd_per_th`` (capex); the old fleet's residual value is ignored
    shutdown_when_unprofitable : switch the fleet off in months whose mining revenue per MWh is
        below the power price (the monthly option to stop; hourly curtailment is dispatch's job)
    start : first month of the projection; horizon_months : its length
    discount_rate : annual effective discount rate [fraction/year]; monthly ``(1+r)^(1/12)-1``
    """

    name: str
    capacity_mw: float
    overhead_frac: float
    fleet: Fleet
    uptime_frac: float
    pool_fee_frac: float
    power_price_usd_per_mwh: float
    opex_usd_per_month: float
    degradation_frac_per_year: float
    asic_price_usd_per_th: float
    buy_fleet: bool
    shutdown_when_unprofitable: bool
    start: date
    horizon_months: int
    discount_rate: float
    refresh_month: int | None = None
    refresh_efficiency_j_per_th: float | None = None

    @property
    def refresh_hashrate_th_s(self) -> float:
        """Hashrate after a refresh [TH/s]: the same ASIC power filled with machines of
        ``refresh_efficiency_j_per_th`` = ASIC W / (J/TH)."""
        if self.refresh_efficiency_j_per_th is None:
            return 0.0
        return self.fleet.power_mw * 1e6 / self.refresh_efficiency_j_per_th

    def fleet_hashrate_th_s(self, months: int) -> FloatArray:
        """Effective fleet hashrate per month [TH/s], ``(months,)``: nameplate x degradation
        since purchase, replaced at ``refresh_month`` by the refreshed fleet (degrading anew)."""
        t = np.arange(months, dtype=np.float64)
        th = self.fleet.hashrate_th_s * degradation_factor(t, self.degradation_frac_per_year)
        if self.refresh_month is not None and self.refresh_month < months:
            r = self.refresh_month
            th[r:] = self.refresh_hashrate_th_s * degradation_factor(
                t[r:] - r, self.degradation_frac_per_year
            )
        return th

    @property
    def fleet_capex_usd(self) -> float:
        """Cost of the fleet at the ASIC market price [USD] = TH/s x USD per TH/s."""
        return self.fleet.hashrate_th_s * self.asic_price_usd_per_th


@dataclass(frozen=True, slots=True, kw_only=True)
class MiningResult:
    """Monthly mining projection; arrays ``(paths, months)`` unless noted. USD nominal.

    cash_flows : signed cash flows (revenue +, power and other opex -, fleet capex -)
    btc_mined : BTC earned after the pool fee [BTC]
    hashprice_usd_per_ph_day : network hashprice (before pool fee) [USD/PH/day]
    hashvalue_btc_per_ph_day : network hashvalue [BTC/PH/day]
    btc_price_usd : BTC price [USD/BTC]
    power_cost_usd, other_opex_usd : costs, positive [USD]
    energy_mwh : energy drawn by the site [MWh]
    fleet_hashrate_th_s : effective fleet hashrate (degraded, before uptime) [TH/s], ``(months,)``
    uptime_frac : share of hours hashing [0-1]
    running_uptime_frac : the uptime if the fleet ran every month (before the shutdown rule)
    power_price_usd_per_mwh : the power price per MWh drawn used for the costs [USD/MWh]
    chain : block production (blocks, height, difficulty) for these months
    """

    site: MiningSite
    cash_flows: CashFlows
    btc_mined: FloatArray
    hashprice_usd_per_ph_day: FloatArray
    hashvalue_btc_per_ph_day: FloatArray
    btc_price_usd: FloatArray
    network_hashrate_eh_s: FloatArray
    power_cost_usd: FloatArray
    other_opex_usd: FloatArray
    energy_mwh: FloatArray
    fleet_hashrate_th_s: FloatArray
    uptime_frac: FloatArray
    chain: ChainPath
    running_uptime_frac: FloatArray  # uptime before the monthly shutdown rule [0-1]
    power_price_usd_per_mwh: FloatArray  # price per MWh drawn the costs assume [USD/MWh]

    @property
    def ebitda_usd(self) -> FloatArray:
        return self.cash_flows.ebitda_usd

    @property
    def months(self) -> list[date]:
        return month_starts(self.site.start, self.site.horizon_months)


def _slice_chain(chain: ChainPath, lo: int, hi: int) -> ChainPath:
    return ChainPath(
        blocks=chain.blocks[:, lo:hi],
        subsidy_btc=chain.subsidy_btc[:, lo:hi],
        height_end=chain.height_end[:, lo:hi],
        difficulty_mean=chain.difficulty_mean[:, lo:hi],
        difficulty_end=chain.difficulty_end[:, lo:hi],
        seconds=chain.seconds[lo:hi],
        hashrate_h_s=chain.hashrate_h_s[:, lo:hi],
    )


class MiningModel:
    """Run the mining path of ``site`` over ``market`` paths from the network ``state``.

    ``market`` starts at the month of ``state`` (the snapshot) and must reach the end of the
    site's horizon; months before ``site.start`` are simulated (the chain moves on) and dropped.
    """

    def __init__(self, site: MiningSite, state: NetworkState, market: MarketPaths) -> None:
        self.site = site
        self.state = state
        self.market = market
        self.offset = months_between(market.start, site.start)
        if self.offset < 0:
            raise InputError(
                "site.start",
                site.start.isoformat(),
                f"a month on or after the market snapshot's month {market.start:%Y-%m}",
            )
        if self.offset == 0 and market.first_month_elapsed_s > 0:
            raise InputError(
                "site.start",
                site.start.isoformat(),
                f"a month after the snapshot's partial month {market.start:%Y-%m}",
            )
        if self.offset + site.horizon_months > market.months:
            raise InputError(
                "site.horizon_months",
                site.horizon_months,
                f"at most {market.months - self.offset} months for these market paths",
            )

    def _network(self) -> tuple[ChainPath, FloatArray, FloatArray, FloatArray]:
        """Blocks along the hashrate path (the snapshot's month on; the site's months kept),
        the BTC price, the fees [BTC] and hashvalue [BTC/PH/day] of the site's months."""
        site, market = self.site, self.market
        lo, hi = self.offset, self.offset + site.horizon_months
        chain_all = simulate_chain(
            self.state,
            market.network_hashrate_eh_s[:, :hi],
            month_seconds(market.start, hi),
            first_month_elapsed_s=market.first_month_elapsed_s,
        )
        chain = _slice_chain(chain_all, lo, hi)
        price = market.btc_price_usd[:, lo:hi]
        if market.fees_btc_per_block is not None:
            fees_btc = market.fees_btc_per_block[:, lo:hi] * chain.blocks
        else:
            share = market.fee_share_frac[:, lo:hi]
            fees_btc = chain.subsidy_btc * share / (1.0 - share)
        hashvalue = 1e15 / chain.hashrate_h_s * (chain.subsidy_btc + fees_btc) / chain.days
        return chain, price, fees_btc, hashvalue

    def _power_price(self, given: FloatArray | float | None, shape: tuple[int, ...]) -> FloatArray:
        """The power price per MWh drawn [USD/MWh]: given, the market's path, or the site's."""
        market, lo = self.market, self.offset
        if given is not None:
            return np.broadcast_to(np.asarray(given, dtype=np.float64), shape)
        if market.power_price_usd_per_mwh is not None:
            return market.power_price_usd_per_mwh[:, lo : lo + self.site.horizon_months]
        return np.full(shape, self.site.power_price_usd_per_mwh)

    def _capex(self, shape: tuple[int, ...]) -> FloatArray:
        """Fleet purchase at the start and any refresh, negative [USD]."""
        site = self.site
        capex = np.zeros(shape)
        if site.buy_fleet:
            capex[:, 0] = -site.fleet_capex_usd
        if site.refresh_month is not None and site.refresh_month < site.horizon_months:
            capex[:, site.refresh_month] -= site.refresh_hashrate_th_s * site.asic_price_usd_per_th
        return capex

    def run(
        self,
        *,
        uptime_frac: FloatArray | float | None = None,
        power_price_usd_per_mwh: FloatArray | float | None = None,
        power_cost_usd: FloatArray | None = None,
        other_revenue_usd: FloatArray | None = None,
        dispatch: Callable[[FloatArray], tuple[FloatArray, FloatArray]] | None = None,
    ) -> MiningResult:
        """Project the site. ``uptime_frac`` / ``power_price_usd_per_mwh`` override the site's
        flat values with ``(paths, months)`` arrays (e.g. from curtailment dispatch);
        ``power_cost_usd`` replaces the energy x price cost (a take-or-pay contract) and
        ``other_revenue_usd`` adds revenue (power sold back), both ``(paths, months)``.
        ``dispatch`` decides within each month from the mining value of a MWh the site draws
        [USD/MWh, (paths, months)]: it returns the share of the month the fleet runs and the
        average price paid per MWh drawn (e.g. a curtailment curve,
        :mod:`hashpivot.power.curtailment`); it replaces the monthly shutdown rule and the run
        share multiplies the site's availability ``uptime_frac``."""
        site = self.site
        chain, price, fees_btc, hashvalue = self._network()
        hashprice = hashvalue * price
        fleet_th_s = site.fleet_hashrate_th_s(site.horizon_months)
        running = uptime = np.broadcast_to(
            np.asarray(site.uptime_frac if uptime_frac is None else uptime_frac, dtype=np.float64),
            price.shape,
        )
        power_price = self._power_price(power_price_usd_per_mwh, price.shape)
        # Revenue per MWh drawn = hashprice x PH/s x (1 - fee) / (MW x 24 h / (1 - overhead)).
        revenue_per_mwh = (
            hashprice
            * (fleet_th_s / 1000.0)
            * (1.0 - site.pool_fee_frac)
            * (1.0 - site.overhead_frac)
            / (site.fleet.power_mw * 24.0)
        )
        if dispatch is not None:
            run_frac, power_price = dispatch(revenue_per_mwh)
            uptime = uptime * run_frac
        elif site.shutdown_when_unprofitable and uptime_frac is None:
            uptime = np.where(revenue_per_mwh >= power_price, uptime, 0.0)
        hours = chain.days * 24.0
        btc = btc_mined(
            fleet_th_s * H_PER_TH * uptime,
            chain.hashrate_h_s,
            chain.subsidy_btc,
            fees_btc,
            site.pool_fee_frac,
        )
        revenue = btc * price
        if other_revenue_usd is not None:
            revenue = revenue + other_revenue_usd
        energy = site_energy_mwh(site.fleet.power_mw, uptime, hours, site.overhead_frac)
        power_cost = energy * power_price if power_cost_usd is None else power_cost_usd
        other = np.full(price.shape, site.opex_usd_per_month)
        cash = CashFlows(
            start=site.start,
            revenue_usd=revenue,
            opex_usd=-(power_cost + other),
            capex_usd=self._capex(price.shape),
            extras={"power_cost_usd": -power_cost, "other_opex_usd": -other},
        )
        return MiningResult(
            site=site,
            cash_flows=cash,
            btc_mined=btc,
            hashprice_usd_per_ph_day=hashprice,
            hashvalue_btc_per_ph_day=hashvalue,
            btc_price_usd=price,
            network_hashrate_eh_s=chain.hashrate_h_s / 1e18,
            power_cost_usd=power_cost,
            other_opex_usd=other,
            energy_mwh=energy,
            fleet_hashrate_th_s=fleet_th_s,
            uptime_frac=np.asarray(uptime),
            running_uptime_frac=np.asarray(running),
            power_price_usd_per_mwh=np.asarray(power_price),
            chain=chain,
        )

"""The site as the engine sees it: one :class:`CompareCase` per site, built once at the edge.

A case holds everything every strategy needs: the mining site, the market (snapshot, processes
and their starting point), the AI paths (lease, GPU cloud: market defaults where the site file
has no table), the sale terms and how the site buys its power. The core never sees TOML or
pydantic: ``hashpivot.api`` builds a case from a site file (``hashpivot.config``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hashpivot.bitcoin.network import hashprice_from_difficulty
from hashpivot.bitcoin.protocol import subsidy_btc
from hashpivot.compute.conversion import Conversion
from hashpivot.compute.gpu_cloud import GpuCloudTerms
from hashpivot.compute.shell import LeaseTerms
from hashpivot.market.deterministic import ScenarioOverride
from hashpivot.market.rent_products import RentLink
from hashpivot.market.scenarios import MarketParams, StartState
from hashpivot.market.snapshot import MarketSnapshot
from hashpivot.mining.projection import MiningSite
from hashpivot.power.curtailment import CurtailmentCurve
from hashpivot.power.dispatch import CoincidentPeakTerms, DispatchPolicy, RunConstraints
from hashpivot.power.generation.specs import SupplyCase
from hashpivot.power.prices import DatetimeArray
from hashpivot.types import FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleTerms:
    """Selling the site as energized land.

    price_usd_per_mw : price per MW of energized gross capacity today [USD/MW]; it moves with
        the market rent path (powered land is priced off what AI tenants pay)
    months_to_close : months of mining before the sale closes [months]
    cost_frac : transaction costs [fraction of the price]

    Default $0.4M/MW: B. Riley's powered-land range $0.4-0.55M/MW ($0.1-0.25M for weaker
    sites), market-facts.md.
    """

    price_usd_per_mw: float = 400_000.0
    months_to_close: int = 6
    cost_frac: float = 0.02


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseOption:
    """A lease of the converted site (terms + conversion) and how its exit is valued."""

    terms: LeaseTerms
    conversion: Conversion
    exit_cap_rate_frac: float
    sale_cost_frac: float = 0.0
    discount_rate_per_year: float = 0.095  # the lease's own DCF rate (cap rate + escalator)
    # the rent set against its product's index (None: the rent scales with the index)
    rent: RentLink | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuOption:
    """A GPU cloud on the converted site; ``rate_now_usd_per_gpu_hour`` anchors the market path."""

    terms: GpuCloudTerms
    conversion: Conversion
    rate_now_usd_per_gpu_hour: float
    discount_rate_per_year: float = 0.12


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerHistory:
    """The site's power-price history, for exact hour-by-hour dispatch on a deterministic path
    (:func:`hashpivot.power.dispatch.monthly_power`, replayed by calendar month).

    price_usd_per_mwh, interval_start_utc : the history's intervals [USD/MWh], [UTC]
    policy, constraints, fourcp : how the fleet is dispatched against it
    adder_usd_per_mwh : delivery adder on the index [USD/MWh]
    ppa_price_usd_per_mwh, ppa_contract_mw : a take-or-pay contract with resale at the index
    ai_load_mw, ai_power_paid_by_tenant : the firm AI load on the contract and who pays for it
    label : where the prices come from (for the assumptions)
    """

    price_usd_per_mwh: FloatArray
    interval_start_utc: DatetimeArray
    policy: DispatchPolicy
    constraints: RunConstraints
    fourcp: CoincidentPeakTerms | None = None
    adder_usd_per_mwh: float = 0.0
    ppa_price_usd_per_mwh: float | None = None
    ppa_contract_mw: float | None = None
    ai_load_mw: float = 0.0
    ai_power_paid_by_tenant: bool = True
    label: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareCase:
    """Everything the engine needs about one site (built from a site file by ``hashpivot.api``).

    mining : the mining site (fleet, costs, start, horizon, discount rate)
    snapshot : the network today (chain state for block production)
    market_params, start_state : the stochastic market and its starting point
    lease, gpu : the AI paths (None: the strategies that need them are not offered)
    sale : selling the site as powered land; split_lease_frac : share leased in ``split``
    power_index_adder_usd_per_mwh : None = the site's fixed power price; else the site buys at
        the market power-price path plus this adder [USD/MWh]
    ppa_contract_mw, ppa_price_usd_per_mwh : a fixed-price take-or-pay contract with resale at
        the market power price, i.e. a contract for difference: the site pays
        ``(price - index) x contract MW x hours`` every month and values each MWh it uses at
        the index price (the contract share a tenant reimburses is left out)
    ppa_landlord_ai_mw : the firm AI load [MW] whose power the landlord pays under the PPA:
        its draw is valued at the index every hour
    curtailment : with a market power path (index + adder, or a PPA), curtail hour by hour
        within each month on the site history's price shape (None: run the month or not)
    power_history : the price history itself, for exact dispatch on a deterministic path
    scenario : the named deterministic scenario of the site file (bear, base, bull)
    scenario_override : the site file's ``[scenario]`` (start price, difficulty, fees, growth
        rates of the deterministic runs; None without the table); Monte Carlo runs ignore it
    market_keys : the ``[market]`` keys the site file sets (a deterministic run names those it
        cannot use)
    defaulted_tables : the AI tables the site file lacks, valued on documented market defaults
    min_market_months : simulate at least this many market months (a company's sites share
        one set of market paths for one seed only if they draw paths of one length)
    generation : own generation behind the meter (``[generation]``; None: the ``supplier``
        strategy is not offered)
    """

    mining: MiningSite
    snapshot: MarketSnapshot
    market_params: MarketParams
    start_state: StartState
    lease: LeaseOption | None
    gpu: GpuOption | None
    sale: SaleTerms = field(default_factory=SaleTerms)
    split_lease_frac: float = 0.5
    power_index_adder_usd_per_mwh: float | None = None
    ppa_contract_mw: float | None = None
    ppa_price_usd_per_mwh: float | None = None
    ppa_landlord_ai_mw: float = 0.0
    curtailment: CurtailmentCurve | None = None
    power_history: PowerHistory | None = None
    scenario: str = "base"
    scenario_override: ScenarioOverride | None = None
    market_keys: frozenset[str] = frozenset()
    defaulted_tables: tuple[str, ...] = ()
    min_market_months: int = 0
    generation: SupplyCase | None = None
    # per-path rent anchors drawn in each chunk (market.power_gap.GapRentDraw), None: off
    rent_anchor_draw: Any = None
    # [market] power_gap as the site file set it: "off", "mean" or "per_path"
    power_gap_mode: str = "off"

    @property
    def start(self) -> date:
        return self.mining.start

    @property
    def offset(self) -> int:
        """Months from the snapshot's month to the site's first month."""
        a, b = self.snapshot.as_of, self.mining.start
        return (b.year - a.year) * 12 + (b.month - a.month)

    @property
    def horizon(self) -> int:
        return self.mining.horizon_months

    @property
    def asic_price_hashprice_usd_per_ph_day(self) -> float:
        """Hashprice [USD/PH/day] when the site's ASIC price holds: the snapshot's (its
        difficulty, subsidy and fees at today's BTC price); fleet values scale with hashprice
        from there."""
        s = self.snapshot
        return float(
            hashprice_from_difficulty(
                self.start_state.btc_price_usd,
                s.difficulty,
                subsidy_btc(s.height),
                s.fees_btc_per_block,
            )
        )

    @property
    def market_months(self) -> int:
        """Months of market paths simulated: from the snapshot's month to the horizon's end, or
        ``min_market_months`` if longer (sites valued together draw the same market paths)."""
        return max(self.offset + self.horizon, self.min_market_months)

    @property
    def strategies(self) -> tuple[str, ...]:
        """The registered strategies this case can value, in registry order."""
        from hashpivot.engine.strategies.registry import available

        return tuple(s.name for s in available(self))

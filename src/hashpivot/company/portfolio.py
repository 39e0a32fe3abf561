"""Sum of the parts: a mining company valued by its megawatts rather than its EH/s.

Each site is valued by the decision engine on the *same* Monte Carlo market paths (one seed, one
path length), so path ``i`` of every site is one state of the world and the company's value on
that path is the sum of its sites' values on it (times the company's ownership share):

``EV_i = sum_s own_s x V_s,i``, ``equity_i = EV_i - net debt - PV(corporate G&A)``.

Two readings of the same company:

- *as a miner*: every site keeps mining (the ``mine`` strategy), the way EH/s-based multiples
  value miners;
- *by its megawatts*: every site on the path it is valued on (by default the engine's
  recommendation: the highest mean NPV), so a site whose megawatts are worth more leased or sold
  counts at that value. The difference is the *megawatt premium*.

Multiples: EV per MW of gross energized capacity (``valuation.equity.ev_per_mw_usd``), USD per
W, and EV per EH/s of the fleets in place. Corporate G&A (not in any site's opex) is a monthly
level annuity over ``ga_months`` at ``discount_rate`` (month-end flows, as every cash flow here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hashpivot.errors import InputError
from hashpivot.types import FloatArray
from hashpivot.valuation.cashflow import monthly_rate, npv_end_of_month
from hashpivot.valuation.equity import ev_per_mw_usd

PERCENTILES = (10, 50, 90)


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteValue:
    """One site's values on the shared paths.

    strategy : the path it is valued on (e.g. "lease")
    npv_usd, mine_npv_usd : ``(paths,)`` NPV of that strategy and of keeping mining [USD], 100%
    ownership_frac : the company's share of the site [0-1]
    """

    name: str
    capacity_mw: float
    fleet_eh_s: float
    ownership_frac: float
    strategy: str
    npv_usd: FloatArray
    mine_npv_usd: FloatArray

    def __post_init__(self) -> None:
        if not 0.0 < self.ownership_frac <= 1.0:
            raise InputError(
                f"{self.name}.ownership_frac", self.ownership_frac, "a share in (0, 1]"
            )
        if self.npv_usd.shape != self.mine_npv_usd.shape or self.npv_usd.ndim != 1:
            raise InputError(f"{self.name}.npv_usd", self.npv_usd.shape, "(paths,) like mining")


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyValue:
    """The company on every path; multiples on the mean.

    ev_usd, ev_as_miner_usd, equity_usd : ``(paths,)`` [USD]
    capacity_mw, fleet_eh_s : owned shares of gross MW and EH/s
    """

    ev_usd: FloatArray
    ev_as_miner_usd: FloatArray
    equity_usd: FloatArray
    capacity_mw: float
    fleet_eh_s: float
    net_debt_usd: float
    corporate_ga_pv_usd: float
    shares_outstanding: float | None

    @property
    def megawatt_premium_usd(self) -> float:
        """Mean EV by megawatts less mean EV as a miner [USD]."""
        return float(self.ev_usd.mean() - self.ev_as_miner_usd.mean())

    def ev_usd_per_mw(self, as_miner: bool = False) -> float:
        ev = self.ev_as_miner_usd if as_miner else self.ev_usd
        return float(ev_per_mw_usd(ev.mean(), self.capacity_mw))

    def ev_usd_per_eh_s(self, as_miner: bool = False) -> float:
        ev = self.ev_as_miner_usd if as_miner else self.ev_usd
        return float(ev.mean() / self.fleet_eh_s) if self.fleet_eh_s > 0 else float("nan")

    def equity_usd_per_share(self) -> FloatArray | None:
        if self.shares_outstanding is None:
            return None
        return np.asarray(self.equity_usd / self.shares_outstanding, dtype=np.float64)


def corporate_ga_pv_usd(ga_usd_per_year: float, discount_rate: float, months: int) -> float:
    """PV [USD] of corporate G&A paid monthly (``ga / 12`` at each month's end) for ``months``."""
    if ga_usd_per_year < 0:
        raise InputError("corporate_ga_usd_per_year", ga_usd_per_year, "a number >= 0")
    if months < 0:
        raise InputError("ga_months", months, "a whole number >= 0")
    flows = np.full(months, ga_usd_per_year / 12.0)
    return float(npv_end_of_month(monthly_rate(discount_rate), flows)) if months else 0.0


def sum_of_the_parts(
    sites: list[SiteValue],
    *,
    net_debt_usd: float = 0.0,
    corporate_ga_pv_usd: float = 0.0,
    shares_outstanding: float | None = None,
) -> CompanyValue:
    """Add the sites' values path by path (they must share the paths)."""
    if not sites:
        raise InputError("sites", 0, "at least one site")
    paths = {s.npv_usd.size for s in sites}
    if len(paths) != 1:
        raise InputError("sites", sorted(paths), "sites valued on the same number of paths")
    if shares_outstanding is not None and not shares_outstanding > 0:
        raise InputError("shares_outstanding", shares_outstanding, "a number > 0")
    ev = np.sum([s.ownership_frac * s.npv_usd for s in sites], axis=0)
    miner = np.sum([s.ownership_frac * s.mine_npv_usd for s in sites], axis=0)
    return CompanyValue(
        ev_usd=ev,
        ev_as_miner_usd=miner,
        equity_usd=ev - net_debt_usd - corporate_ga_pv_usd,
        capacity_mw=float(sum(s.ownership_frac * s.capacity_mw for s in sites)),
        fleet_eh_s=float(sum(s.ownership_frac * s.fleet_eh_s for s in sites)),
        net_debt_usd=net_debt_usd,
        corporate_ga_pv_usd=corporate_ga_pv_usd,
        shares_outstanding=shares_outstanding,
    )

"""Rent markets per product: powered shell, AI hall and wholesale colocation.

Each product has today's level, a trend, a reversion speed, a volatility, a loading on the one
common rent shock and a dated source (:data:`PRODUCTS`). The powered-shell and AI-hall levels
are computed from the miners' signed deals (``rent_deals.csv``, the signed-deal table of
market-facts.md) by the documented method (:func:`deal_year1_rent_usd_per_kw_month`: year-1
rent = contract value / term / IT kW / 12, less the escalator; the product's level is the
median over its deals); colocation is CBRE's 2025 North America wholesale average.

Correlation (a one-factor model, docs/methodology.md "Rent markets"): product ``p``'s monthly
shock is ``rho_p z + sqrt(1 - rho_p^2) e_p`` with ``z`` the common rent shock
(:attr:`~hashpivot.market.processes.Factor.RENT`, correlated with the GPU rate as the market
says) and ``e_p`` its own; two products correlate ``rho_p rho_q``, product ``p`` and another
factor ``rho_p x corr(z, factor)``. A compare simulates only the site's product
(:func:`for_product`): the common shock is drawn with the other factors as ever and the
product's own part from a stream of its own (:mod:`hashpivot.market.rent_shocks`), so every
other path is the same whatever the product. :func:`simulate_products` draws all three
jointly (the documented correlation and its test).
"""

from __future__ import annotations

import csv
import math
import statistics
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib.resources import files

import numpy as np

from hashpivot.errors import InputError
from hashpivot.market import processes as pr
from hashpivot.market.params import MarketParams
from hashpivot.market.processes import MeanRevertingParams
from hashpivot.market.state import StartState
from hashpivot.types import FloatArray

__all__ = [
    "PRODUCTS",
    "RentBasis",
    "RentDeal",
    "RentLink",
    "RentMarket",
    "RentProduct",
    "deal_year1_rent_usd_per_kw_month",
    "for_product",
    "product_correlation",
    "rent_deals",
    "simulate_products",
]


class RentProduct(StrEnum):
    """What a lease lets: an empty powered building, a fitted liquid-cooled hall, or
    wholesale colocation (fitted, cooled, 250-500 kW suites)."""

    POWERED_SHELL = "powered_shell"
    AI_HALL = "ai_hall"
    COLOCATION = "colocation"


class RentBasis(StrEnum):
    """A signed rent (fixed, with its escalator) or the product's index plus a spread."""

    SIGNED = "signed"
    MARKET = "market"


@dataclass(frozen=True, slots=True, kw_only=True)
class RentDeal:
    """One signed lease of the deal table: ``it_mw`` critical IT [MW], ``term_years``,
    ``contract_value_usd`` over the base term, ``escalator_frac_per_year``."""

    deal: str
    announced: int
    product: RentProduct
    it_mw: float
    term_years: float
    contract_value_usd: float
    escalator_frac_per_year: float
    why_product: str
    source: str

    @property
    def year1_rent_usd_per_kw_month(self) -> float:
        return deal_year1_rent_usd_per_kw_month(
            self.contract_value_usd, self.term_years, self.it_mw, self.escalator_frac_per_year
        )


def deal_year1_rent_usd_per_kw_month(
    contract_value_usd: float, term_years: float, it_mw: float, escalator_frac_per_year: float
) -> float:
    """Year-1 rent [USD/IT kW-month] of a signed lease (market-facts.md method).

    Average rent = contract value / term [years] / IT kW / 12; with a yearly escalator ``e``
    the average of ``(1 + e)^y`` over ``T`` years is ``((1 + e)^T - 1) / (e T)`` (1.15 at
    10 y, 1.24 at 15 y, 1.46 at 25 y for 3%), so year-1 rent = average / that factor."""
    for name, v in (("contract_value_usd", contract_value_usd), ("term_years", term_years)):
        if not (math.isfinite(v) and v > 0):
            raise InputError(name, v, "a number > 0")
    if not (math.isfinite(it_mw) and it_mw > 0):
        raise InputError("it_mw", it_mw, "a number > 0")
    avg = contract_value_usd / term_years / (it_mw * 1000.0) / 12.0
    e = escalator_frac_per_year
    factor = 1.0 if e == 0 else ((1.0 + e) ** term_years - 1.0) / (e * term_years)
    return avg / factor


@cache
def rent_deals() -> tuple[RentDeal, ...]:
    """The signed-deal table (``market/rent_deals.csv``), one row per lease."""
    text = files("hashpivot.market").joinpath("rent_deals.csv").read_text(encoding="utf-8")
    return tuple(
        RentDeal(
            deal=r["deal"],
            announced=int(r["announced"]),
            product=RentProduct(r["product"]),
            it_mw=float(r["it_mw"]),
            term_years=float(r["term_years"]),
            contract_value_usd=float(r["contract_value_usd"]),
            escalator_frac_per_year=float(r["escalator_frac_per_year"]),
            why_product=r["why_product"],
            source=r["source"],
        )
        for r in csv.DictReader(text.splitlines())
    )


def _year1s(product: RentProduct) -> list[float]:
    """Year-1 rents [USD/IT kW-month] of the product's signed deals, sorted."""
    return sorted(d.year1_rent_usd_per_kw_month for d in rent_deals() if d.product is product)


@dataclass(frozen=True, slots=True, kw_only=True)
class RentMarket:
    """One product's rent index [USD/IT kW-month]: today's level, its process (log level
    reverting to a trending mean) and its loading ``rho`` on the common rent shock."""

    product: RentProduct
    level_usd_per_kw_month: float
    process: MeanRevertingParams
    loading: float
    source: str
    as_of: str

    def __post_init__(self) -> None:
        if not 0.0 <= self.loading <= 1.0:
            raise InputError("loading", self.loading, "a number in [0, 1]")


def _products() -> dict[RentProduct, RentMarket]:
    ps, ai = _year1s(RentProduct.POWERED_SHELL), _year1s(RentProduct.AI_HALL)
    shell, hall = statistics.median(ps), statistics.median(ai)  # robust to one odd deal

    def proc(level: float, vol: float) -> MeanRevertingParams:
        # trend: the 3%/yr escalator of the deals (TeraWulf-Core42 2024); kappa 0.5/yr
        # (half-life 1.4 yr): assumption, no public rent series
        return MeanRevertingParams(
            long_run_level=level,
            long_run_log_trend_per_year=0.03,
            reversion_per_year=0.5,
            vol_per_year=vol,
        )

    return {
        RentProduct.POWERED_SHELL: RentMarket(
            product=RentProduct.POWERED_SHELL,
            level_usd_per_kw_month=shell,
            process=proc(shell, 0.12),
            loading=0.8,
            source=(
                f"median year-1 rent of {len(ps)} signed powered-shell leases "
                f"(${ps[0]:.0f}-{ps[-1]:.0f}), market-facts.md signed-deal table"
            ),
            as_of="2024-2025",
        ),
        RentProduct.AI_HALL: RentMarket(
            product=RentProduct.AI_HALL,
            level_usd_per_kw_month=hall,
            process=proc(hall, 0.15),
            loading=0.9,
            source=(
                f"median year-1 rent of {len(ai)} signed AI-hall leases "
                f"(${ai[0]:.0f}-{ai[-1]:.0f}), market-facts.md signed-deal table"
            ),
            as_of="2024-2025",
        ),
        RentProduct.COLOCATION: RentMarket(
            product=RentProduct.COLOCATION,
            level_usd_per_kw_month=195.0,
            process=proc(195.0, 0.10),
            loading=0.7,
            source="CBRE North America wholesale colocation (250-500 kW) 2025 average",
            as_of="2025",
        ),
    }


#: The three rent markets (levels computed from the deal table at import).
PRODUCTS: dict[RentProduct, RentMarket] = _products()


def product_correlation(products: tuple[RentProduct, ...] = tuple(RentProduct)) -> FloatArray:
    """Correlation of the products' monthly shocks in the one-factor model:
    ``rho_p rho_q`` off the diagonal, 1 on it."""
    rho = np.array([PRODUCTS[p].loading for p in products])
    c = np.outer(rho, rho)
    np.fill_diagonal(c, 1.0)
    return c


def for_product(
    params: MarketParams, start: StartState, product: RentProduct
) -> tuple[MarketParams, StartState]:
    """The market with the rent index of ``product``: its level today, its process and its
    loading on the common rent shock (``Factor.RENT`` of ``params``' correlation, which stays
    the common shock's; the index's own part is drawn from a stream of its own,
    :mod:`hashpivot.market.rent_shocks`)."""
    m = PRODUCTS[product]
    key = list(RentProduct).index(product)
    p = replace(params, rent=m.process, rent_loading=m.loading, rent_own_stream=key)
    return p, replace(start, rent_usd_per_kw_month=m.level_usd_per_kw_month)


def simulate_products(
    months: int, paths: int, rng: np.random.Generator
) -> dict[RentProduct, FloatArray]:
    """All three product indices jointly ``(paths, months)`` [USD/IT kW-month], column 0 =
    today's level: one common shock ``z`` and an own shock ``e_p`` per product, product shock
    ``rho_p z + sqrt(1 - rho_p^2) e_p`` (for the documented correlation and its test; a
    compare simulates only the site's product, :func:`for_product`)."""
    if months < 1 or paths < 1:
        raise InputError("paths x months", (paths, months), "both >= 1")
    steps = months - 1
    z = rng.standard_normal((steps, paths))
    own = rng.standard_normal((len(RentProduct), steps, paths))
    out: dict[RentProduct, FloatArray] = {}
    for k, (prod, m) in enumerate(PRODUCTS.items()):
        q = m.process
        eps = m.loading * z + math.sqrt(1.0 - m.loading**2) * own[k]
        mean = math.log(q.long_run_level) + q.long_run_log_trend_per_year * np.arange(months) / (
            pr.MONTHS_PER_YEAR
        )
        y = pr.mean_reverting_paths(
            math.log(m.level_usd_per_kw_month),
            eps if steps else None,
            mean,
            q.persistence_per_month,
            q.vol_per_year / math.sqrt(pr.MONTHS_PER_YEAR),
            paths,
        )
        out[prod] = np.exp(y).T.copy()
        out[prod][:, 0] = m.level_usd_per_kw_month  # exactly today's (exp(log x) may differ)
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class RentLink:
    """How a site's lease rent is set against its product's index [USD/IT kW-month].

    product, basis : what is let and whether the rent is signed or index + spread
    spread_usd_per_kw_month : site rent - index (signed: the contract rent less today's
        index, implied; market: stated)
    index_today_usd_per_kw_month : the product's index today (column 0 of the paths)
    defaults : which of product / basis / spread were not in the file (the documented
        default applied), for the assumptions
    """

    product: RentProduct
    basis: RentBasis
    spread_usd_per_kw_month: float
    index_today_usd_per_kw_month: float
    defaults: tuple[str, ...] = ()

    @property
    def site_rent_today_usd_per_kw_month(self) -> float:
        """The rent this site would sign today: index today + spread."""
        return self.index_today_usd_per_kw_month + self.spread_usd_per_kw_month

    def at_index(self, index_today_usd_per_kw_month: float) -> RentLink:
        """The same link against another index level today (a ``[market]`` override): a
        signed rent keeps its contract (its implied spread moves), a market rent its spread."""
        spread = self.spread_usd_per_kw_month
        if self.basis is RentBasis.SIGNED:
            spread += self.index_today_usd_per_kw_month - index_today_usd_per_kw_month
        return replace(
            self,
            index_today_usd_per_kw_month=index_today_usd_per_kw_month,
            spread_usd_per_kw_month=spread,
        )

    def site_rent_usd_per_kw_month(self, index_usd_per_kw_month: FloatArray) -> FloatArray:
        """The rent this site would sign at index levels ``index`` (index + spread, >= 0)."""
        return np.maximum(np.asarray(index_usd_per_kw_month) + self.spread_usd_per_kw_month, 0.0)

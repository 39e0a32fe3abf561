"""Every market assumption behind a run, with its source: (name, value, source) rows.

A value that differs from the documented default is marked as the site file's ``[market]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hashpivot.engine.case import CompareCase
from hashpivot.market.processes import (
    FACTORS,
    BtcPriceParams,
    DriftBasis,
    MeanRevertingParams,
    PriceTails,
    expected_growth_per_year,
)
from hashpivot.market.rent_products import for_product
from hashpivot.market.scenarios import DEFAULT_PARAMS, MarketParams, StartState, carry_forward
from hashpivot.market.snapshot import SNAPSHOT

Row = tuple[str, str, str]
_FILE = "site file [market]"
_FIT = "fit on Coin Metrics 2017-01..2025-08 (hashpivot calibrate)"


def _src(value: object, default: object, source: str) -> str:
    return source if value == default else _FILE


@dataclass(frozen=True, slots=True)
class _Ctx:
    """The case's market beside the documented default (carried to the snapshot's date)."""

    case: CompareCase
    p: MarketParams
    d: MarketParams
    s0: StartState
    d0: StartState

    @property
    def dated(self) -> bool:
        return self.case.snapshot == SNAPSHOT

    def where(self, key: str, fallback: str) -> str:
        return f"fetched live: {dict(self.case.snapshot.sources).get(key, fallback)}"


def _tails_text(b: BtcPriceParams) -> str:
    tails = b.tails.value
    if b.tails is PriceTails.STUDENT_T:
        tails += f" (df {b.student_t_df:g})"
    elif b.tails is PriceTails.MERTON:
        tails += (
            f" ({b.jump_intensity_per_year:g} jumps/yr, mean log size {b.jump_mean_log:+.3f}, "
            f"sd {b.jump_vol_log:.3f})"
        )
    return tails


def _btc_rows(c: _Ctx) -> list[Row]:
    snap, b, db = c.case.snapshot, c.p.btc, c.d.btc
    return [
        (
            "snapshot",
            f"{snap.as_of}: height {snap.height:,}, difficulty {snap.difficulty / 1e12:.2f} T, "
            f"{snap.network_hashrate_eh_s:,.0f} EH/s",
            "market/snapshot.py (retarget of 2025-11-27)"
            if c.dated
            else c.where("height", "network source"),
        ),
        (
            "btc_price_usd today",
            f"{c.s0.btc_price_usd:,.0f}",
            _src(
                c.s0.btc_price_usd,
                c.d0.btc_price_usd,
                "public indices 2025-11-27"
                if c.dated
                else c.where("btc_price_usd", "price source"),
            ),
        ),
        (
            "btc drift basis",
            _BASIS_TEXT[b.drift_basis]
            + (
                " (mining's BTC revenue and USD costs at the risk-free"
                f" {b.risk_free_rate_per_year:.2%}/yr;"
                " lease, GPU and exit value at the site's rate)"
                if b.discounts_btc_at_risk_free
                else "; every flow at the site's discount rate"
            )
            + f"; median path {math.expm1(b.log_drift_per_year):+.1%}/yr",
            _src(b.drift_basis, db.drift_basis, "hashpivot default: expected (mean) growth"),
        ),
        (
            "btc expected price growth",
            f"{expected_growth_per_year(b):+.1%}/yr "
            f"(log drift {b.log_drift_per_year:+.4f}/yr = ln(1 + g) - vol^2/2"
            + (", less the jumps' mean" if b.tails is PriceTails.MERTON else "")
            + (", the normal case's" if b.tails is PriceTails.STUDENT_T else "")
            + ")",
            _src(b.log_drift_per_year, db.log_drift_per_year, "base scenario +10%/yr"),
        ),
        (
            "btc volatility",
            f"{b.vol_per_year:.2f}/yr (of the monthly average price)",
            _src(b.vol_per_year, db.vol_per_year, "monthly averages 2020-01..2025-08 (one cycle)"),
        ),
        (
            "btc return tails",
            _tails_text(b),
            _src(
                (b.tails, b.student_t_df, b.jump_intensity_per_year),
                (db.tails, db.student_t_df, db.jump_intensity_per_year),
                _FIT + ": monthly-average excess kurtosis 0.655",
            ),
        ),
    ]


_BASIS_TEXT = {
    DriftBasis.EXPECTED: "expected (mean) growth: the mean price grows g a year",
    DriftBasis.MEDIAN: "median growth: the median path grows g a year (the mean grows faster)",
    DriftBasis.RISK_NEUTRAL: (
        "risk-neutral: the mean price at the forward date is the forward price entered; "
        "BTC revenue discounted at the risk-free rate"
    ),
}


def _hashrate_rows(c: _Ctx) -> list[Row]:
    h, dh = c.p.hashrate, c.d.hashrate
    return [
        (
            "hashrate response",
            f"closes {h.gap_speed_per_month:.4f} of the log gap to the economic hashrate per "
            f"month, + {h.hashprice_change_response:.3f} x last month's log hashprice change; "
            f"vol {h.vol_per_year:.3f}/yr",
            _src(
                (h.gap_speed_per_month, h.hashprice_change_response, h.vol_per_year),
                (dh.gap_speed_per_month, dh.hashprice_change_response, dh.vol_per_year),
                "error-correction " + _FIT,
            ),
        ),
        (
            "equilibrium hashprice",
            f"${h.equilibrium_hashprice_usd_per_ph_day:.1f}/PH/day, moving with hashcost: "
            f"{h.hashcost_log_trend_per_year:+.3f}/yr (log) = fleet J/TH "
            f"{h.fleet_efficiency_log_trend_per_year:+.4f} + other "
            f"{h.equilibrium_hashprice_log_trend_per_year:+.3f}",
            _src(
                (
                    h.equilibrium_hashprice_usd_per_ph_day,
                    h.equilibrium_hashprice_log_trend_per_year,
                    h.fleet_efficiency_log_trend_per_year,
                ),
                (
                    dh.equilibrium_hashprice_usd_per_ph_day,
                    dh.equilibrium_hashprice_log_trend_per_year,
                    dh.fleet_efficiency_log_trend_per_year,
                ),
                f"fit, carried to {c.case.snapshot.as_of:%b %Y} along its trend; J/TH trend "
                "fitted on the ASIC catalogue's release dates",
            ),
        ),
        _hashrate_uncertainty_row(c),
    ]


def _hashrate_uncertainty_row(c: _Ctx) -> Row:
    """The hashrate fit's parameter uncertainty and shock persistence. A standard error the
    file does not set stays the fit's, also around a point estimate the file overrides."""
    h, dh = c.p.hashrate, c.d.hashrate
    se_a, se_eq, se_t = h.parameter_std_errors
    text = (
        f"each path draws alpha (SE {se_a:g}/month), log equilibrium hashprice (SE {se_eq:g}) "
        f"and hashcost trend (SE {se_t:g}/yr) once"
        if h.has_parameter_uncertainty
        else "off: the hashrate parameters taken as known"
    )
    estimates = ("gap_speed_per_month", "equilibrium_hashprice_usd_per_ph_day")
    trends = ("equilibrium_hashprice_log_trend_per_year", "fleet_efficiency_log_trend_per_year")
    moved = [n for n in (*estimates, *trends) if getattr(h, n) != getattr(dh, n)]
    if moved and h.parameter_std_errors == dh.parameter_std_errors:
        text += "; the fit's standard errors kept around the site file's point estimates"
    text += f"; monthly shock AR(1), persistence {h.shock_persistence:g}"
    return (
        "hashrate parameter uncertainty",
        text,
        _src(
            (h.parameter_std_errors, h.shock_persistence),
            (dh.parameter_std_errors, dh.shock_persistence),
            "error-correction " + _FIT + "; J/TH trend SE: ASIC catalogue (docs/methodology.md)",
        ),
    )


@dataclass(frozen=True, slots=True)
class _Reverting:
    """One mean-reverting factor's rows: its level today and its process."""

    name: str
    unit: str
    attr: str  # StartState field of today's level
    param: str  # MarketParams field of the process
    now_source: str
    source: str
    fmt: str = ".2f"

    def rows(self, c: _Ctx) -> list[Row]:
        now, now_d = getattr(c.s0, self.attr), getattr(c.d0, self.attr)
        q: MeanRevertingParams = getattr(c.p, self.param)
        dq: MeanRevertingParams = getattr(c.d, self.param)
        f, u = self.fmt, self.unit
        return [
            (f"{self.name} today", f"{now:{f}} {u}", _src(now, now_d, self.now_source)),
            (
                f"{self.name} process",
                f"long-run {q.long_run_level:{f}} {u}, "
                f"trend {q.long_run_log_trend_per_year:+.3f}/yr (log), "
                f"reversion {q.reversion_per_year:g}/yr, vol {q.vol_per_year:.3f}/yr",
                _src(q, dq, self.source),
            ),
        ]


_REVERTING = (
    _Reverting(
        "fee share",
        "of block revenue",
        "fee_share_frac",
        "fee_share",
        "snapshot fees per block",
        "logit mean-reverting, " + _FIT,
        fmt=".4f",
    ),
    _Reverting(
        "rent",  # the lease product's index
        "USD/IT kW-month",
        "rent_usd_per_kw_month",
        "rent",
        "the lease product's index (see 'rent indices')",
        "the lease product's index: +3%/yr escalator; reversion and vol: assumptions "
        "(market/rent_products.py)",
    ),
    _Reverting(
        "gpu rate",
        "USD/GPU-hour",
        "gpu_rate_usd_per_gpu_hour",
        "gpu_rate",
        "H100 1-year contracts 2025 (market-facts.md)",
        "-35% per 2-year generation; reversion and vol: assumptions",
    ),
    _Reverting(
        "power price",
        "USD/MWh",
        "power_price_usd_per_mwh",
        "power_price",
        "ERCOT HB_WEST RT 2025 mean",
        "ERCOT HB_WEST RT monthly means 2024-01..2026-02",
        fmt=".1f",
    ),
)


def _correlation_row(c: _Ctx) -> Row:
    p, d = c.p, c.d
    pairs = [
        (a, b)
        for i, a in enumerate(FACTORS)
        for j, b in enumerate(FACTORS)
        if i < j and (p.correlation[i][j] or d.correlation[i][j])
    ]
    text = ", ".join(
        f"{a.value}:{b.value} {p.correlation[FACTORS.index(a)][FACTORS.index(b)]:+.2f}"
        for a, b in pairs
    )
    return (
        "shock correlations",
        text or "none",
        _src(
            p.correlation,
            d.correlation,
            _FIT + "; rent:gpu_rate 0.30 (the common rent shock: the product's index loads "
            f"{p.rent_loading:g} on it; assumptions, market/rent_products.py)",
        ),
    )


def market_assumptions(case: CompareCase) -> list[Row]:
    """(name, value, source) of every market parameter; a value that differs from the
    documented default is the site file's ``[market]``."""
    snap = case.snapshot
    d = carry_forward(DEFAULT_PARAMS, SNAPSHOT.as_of, snap.as_of)
    d0 = StartState.from_snapshot(snap)
    link = None if case.lease is None else case.lease.rent
    if link is not None:  # the default market of the lease's product
        d, d0 = for_product(d, d0, link.product)
    c = _Ctx(case=case, p=case.market_params, d=d, s0=case.start_state, d0=d0)
    rows = _btc_rows(c) + _hashrate_rows(c)
    for r in _REVERTING:
        rows += r.rows(c)
    rows.append(_correlation_row(c))
    return rows

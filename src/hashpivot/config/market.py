"""``[market]``: the Monte Carlo market of ``hashpivot compare``, overriding the defaults.

Every key is optional; an absent key keeps the documented default
(:data:`hashpivot.market.scenarios.DEFAULT_PARAMS` and :meth:`StartState.late_2025`, each with
its source in docs/methodology.md). Keys name the process and the parameter with its unit::

    [market]
    btc_price_usd = 95000                 # today's price (start of the paths)
    btc_expected_growth_per_year = 0.10   # mean price growth; the log drift follows from it
    btc_vol_per_year = 0.60
    btc_tails = "merton"                  # normal | student_t | merton
    btc_jump_intensity_per_year = 1.0
    btc_jump_mean_log = -0.15
    btc_jump_vol_log = 0.20
    rent_long_run_usd_per_kw_month = 180
    hashrate_gap_speed_per_month = 0.07   # the fit's standard errors stay unless set:
    hashrate_parameter_uncertainty = true # false: the hashrate parameters taken as known
    hashrate_shock_persistence = 0.0      # 0: independent monthly hashrate shocks

    [market.correlation]
    "btc_price:hashrate" = 0.2            # any pair of btc_price, hashrate, fee_share, rent,
                                          # gpu_rate, power_price
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from hashpivot.config.parameters import field, item_field, parameter, within
from hashpivot.errors import InputError
from hashpivot.market.processes import (
    FACTORS,
    RISK_FREE_RATE_PER_YEAR,
    BtcPriceParams,
    DriftBasis,
    Factor,
    HashrateParams,
    MeanRevertingParams,
    PriceTails,
    gpu_decay_log_trend_per_year,
    log_drift_for_basis,
    risk_neutral_growth_per_year,
)
from hashpivot.market.scenarios import MarketParams, StartState
from hashpivot.market.snapshot import SCENARIOS, ScenarioName

_STRICT = ConfigDict(extra="forbid", frozen=True)

#: the expected BTC growth of the default market: the base scenario's
DEFAULT_BTC_EXPECTED_GROWTH_PER_YEAR = SCENARIOS[ScenarioName.BASE].btc_price_growth_per_year


def _o(name: str) -> Any:
    """An override of the market default: ``None`` unless the file sets it."""
    return field(f"market.{name}", override=True)


class MarketTable(BaseModel):
    """``[market]``: overrides of the market model's start and parameters."""

    model_config = _STRICT

    # BTC price
    btc_price_usd: float | None = _o("btc_price_usd")
    btc_expected_growth_per_year: float | None = _o("btc_expected_growth_per_year")
    btc_log_drift_per_year: float | None = _o("btc_log_drift_per_year")
    btc_drift_basis: Literal["expected", "median", "risk_neutral"] | None = _o("btc_drift_basis")
    btc_median_growth_per_year: float | None = _o("btc_median_growth_per_year")
    btc_forward_price_usd: float | None = _o("btc_forward_price_usd")
    btc_forward_months: float | None = _o("btc_forward_months")
    risk_free_rate_per_year: float | None = _o("risk_free_rate_per_year")
    btc_vol_per_year: float | None = _o("btc_vol_per_year")
    btc_tails: Literal["normal", "student_t", "merton"] | None = _o("btc_tails")
    btc_student_t_df: float | None = _o("btc_student_t_df")
    btc_jump_intensity_per_year: float | None = _o("btc_jump_intensity_per_year")
    btc_jump_mean_log: float | None = _o("btc_jump_mean_log")
    btc_jump_vol_log: float | None = _o("btc_jump_vol_log")
    # network hashrate (error correction on hashprice)
    hashrate_gap_speed_per_month: float | None = _o("hashrate_gap_speed_per_month")
    hashrate_hashprice_change_response: float | None = _o("hashrate_hashprice_change_response")
    equilibrium_hashprice_usd_per_ph_day: float | None = _o("equilibrium_hashprice_usd_per_ph_day")
    equilibrium_hashprice_trend_per_year: float | None = _o("equilibrium_hashprice_trend_per_year")
    hashrate_vol_per_year: float | None = _o("hashrate_vol_per_year")
    fleet_efficiency_trend_per_year: float | None = _o("fleet_efficiency_trend_per_year")
    hashrate_growth_momentum: float | None = _o("hashrate_growth_momentum")
    hashrate_shock_persistence: float | None = _o("hashrate_shock_persistence")
    # the hashrate fit's parameter uncertainty (one draw per path; market.parameter_draws)
    hashrate_parameter_uncertainty: bool | None = _o("hashrate_parameter_uncertainty")
    hashrate_gap_speed_se_per_month: float | None = _o("hashrate_gap_speed_se_per_month")
    equilibrium_hashprice_log_se: float | None = _o("equilibrium_hashprice_log_se")
    hashcost_trend_se_per_year: float | None = _o("hashcost_trend_se_per_year")
    # fee share of block revenue
    fee_share_frac: float | None = _o("fee_share_frac")
    fee_share_long_run_frac: float | None = _o("fee_share_long_run_frac")
    fee_share_reversion_per_year: float | None = _o("fee_share_reversion_per_year")
    fee_share_vol_per_year: float | None = _o("fee_share_vol_per_year")
    # wholesale colocation / powered-shell rent
    rent_usd_per_kw_month: float | None = _o("rent_usd_per_kw_month")
    rent_long_run_usd_per_kw_month: float | None = _o("rent_long_run_usd_per_kw_month")
    rent_trend_per_year: float | None = _o("rent_trend_per_year")
    rent_reversion_per_year: float | None = _o("rent_reversion_per_year")
    rent_vol_per_year: float | None = _o("rent_vol_per_year")
    # GPU rental rate
    gpu_rate_usd_per_gpu_hour: float | None = _o("gpu_rate_usd_per_gpu_hour")
    gpu_rate_long_run_usd_per_gpu_hour: float | None = _o("gpu_rate_long_run_usd_per_gpu_hour")
    gpu_rate_decay_per_generation_frac: float | None = _o("gpu_rate_decay_per_generation_frac")
    gpu_rate_generation_years: float | None = _o("gpu_rate_generation_years")
    gpu_rate_reversion_per_year: float | None = _o("gpu_rate_reversion_per_year")
    gpu_rate_vol_per_year: float | None = _o("gpu_rate_vol_per_year")
    # power price (monthly average)
    power_price_usd_per_mwh: float | None = _o("power_price_usd_per_mwh")
    power_long_run_usd_per_mwh: float | None = _o("power_long_run_usd_per_mwh")
    power_trend_per_year: float | None = _o("power_trend_per_year")
    power_reversion_per_year: float | None = _o("power_reversion_per_year")
    power_vol_per_year: float | None = _o("power_vol_per_year")
    # the power gap drives the lease product's long-run rent (api.power_gap.apply_power_gap)
    power_gap: Literal["off", "mean", "per_path"] | None = _o("power_gap")
    # correlation of the monthly shocks: "factor_a:factor_b" = rho
    correlation: dict[str, Annotated[float, item_field("market.correlation")]] = field(
        "market.correlation"
    )

    @model_validator(mode="after")
    def _consistent(self) -> MarketTable:
        if (
            self.btc_expected_growth_per_year is not None
            and self.btc_log_drift_per_year is not None
        ):
            raise ValueError(
                "either btc_expected_growth_per_year or btc_log_drift_per_year, not both"
            )
        if (self.gpu_rate_decay_per_generation_frac is None) != (
            self.gpu_rate_generation_years is None
        ):
            raise ValueError(
                "gpu_rate_decay_per_generation_frac and gpu_rate_generation_years together"
            )
        return self

    @property
    def overridden(self) -> frozenset[str]:
        """The keys the file sets."""
        keys = {k for k in self.model_fields_set if getattr(self, k) is not None}
        keys.discard("correlation")
        return frozenset(keys | {f"correlation.{k}" for k in self.correlation})


def _pair(key: str) -> tuple[Factor, Factor]:
    names = [f.value for f in FACTORS]
    parts = key.split(":")
    if len(parts) != 2 or parts[0] not in names or parts[1] not in names or parts[0] == parts[1]:
        raise InputError(
            f"market.correlation.{key}",
            key,
            f"a pair 'a:b' of two different factors among {', '.join(names)}",
        )
    return Factor(parts[0]), Factor(parts[1])


def _reverting(
    base: MeanRevertingParams,
    level: float | None,
    trend: float | None,
    reversion: float | None,
    vol: float | None,
) -> MeanRevertingParams:
    return replace(
        base,
        long_run_level=base.long_run_level if level is None else level,
        long_run_log_trend_per_year=base.long_run_log_trend_per_year if trend is None else trend,
        reversion_per_year=base.reversion_per_year if reversion is None else reversion,
        vol_per_year=base.vol_per_year if vol is None else vol,
    )


def _btc_params(t: MarketTable, b: BtcPriceParams, spot_usd: float) -> BtcPriceParams:
    """The BTC price process with the table's overrides (drift kept at the expected growth)."""
    tails = PriceTails(t.btc_tails) if t.btc_tails is not None else b.tails
    vol = b.vol_per_year if t.btc_vol_per_year is None else t.btc_vol_per_year
    lam = b.jump_intensity_per_year
    lam = lam if t.btc_jump_intensity_per_year is None else t.btc_jump_intensity_per_year
    mu_j = b.jump_mean_log if t.btc_jump_mean_log is None else t.btc_jump_mean_log
    sd_j = b.jump_vol_log if t.btc_jump_vol_log is None else t.btc_jump_vol_log
    btc_keys = {k for k in t.overridden if k.startswith("btc_") and k != "btc_price_usd"}
    basis = DriftBasis(t.btc_drift_basis) if t.btc_drift_basis is not None else b.drift_basis
    if t.btc_log_drift_per_year is not None:
        drift = t.btc_log_drift_per_year
    elif btc_keys:
        drift = log_drift_for_basis(
            basis,
            _btc_growth(t, basis, spot_usd),
            vol,
            tails,
            jump_intensity_per_year=lam,
            jump_mean_log=mu_j,
            jump_vol_log=sd_j,
        )
    else:
        drift = b.log_drift_per_year
    return replace(
        b,
        log_drift_per_year=drift,
        vol_per_year=vol,
        tails=tails,
        student_t_df=b.student_t_df if t.btc_student_t_df is None else t.btc_student_t_df,
        jump_intensity_per_year=lam,
        jump_mean_log=mu_j,
        jump_vol_log=sd_j,
        drift_basis=basis,
        risk_free_rate_per_year=_risk_free_rate(t, b.risk_free_rate_per_year),
    )


def site_risk_free_rate(market: MarketTable | None) -> float:
    """The site's one risk-free rate [1/yr]: ``[market] risk_free_rate_per_year``, else the
    sourced default (market.processes.RISK_FREE_RATE_PER_YEAR, the 5-year Treasury). The
    risk-neutral basis discounts BTC revenue at it; a GPU contract adds its counterparty's
    spread to it."""
    if market is None or market.risk_free_rate_per_year is None:
        return RISK_FREE_RATE_PER_YEAR
    return market.risk_free_rate_per_year


def _risk_free_rate(t: MarketTable, default: float) -> float:
    """The site's risk-free rate [1/yr]: the risk-neutral basis discounts mining at it and a
    GPU contract's credit builds on it, so it is accepted under every drift basis."""
    rf = t.risk_free_rate_per_year
    return default if rf is None else rf


def _btc_growth(t: MarketTable, basis: DriftBasis, spot_usd: float) -> float:
    """The growth a year on ``basis``: the expected or median growth key (default +10%/yr), or
    the forward's implied growth of the mean (risk-neutral; the forward price is required).
    A key of another basis is refused (never silently ignored)."""
    keys = {
        DriftBasis.EXPECTED: ("btc_expected_growth_per_year",),
        DriftBasis.MEDIAN: ("btc_median_growth_per_year",),
        DriftBasis.RISK_NEUTRAL: ("btc_forward_price_usd", "btc_forward_months"),
    }
    for other, names in keys.items():
        for name in names:
            if other is not basis and getattr(t, name) is not None:
                raise InputError(
                    f"market.{name}", getattr(t, name), f"used with btc_drift_basis = '{other}'"
                )
    if basis is DriftBasis.RISK_NEUTRAL:
        if t.btc_forward_price_usd is None:
            raise InputError(
                "market.btc_forward_price_usd", None, "a forward price with risk_neutral"
            )
        months = 12.0 if t.btc_forward_months is None else t.btc_forward_months
        return risk_neutral_growth_per_year(spot_usd, t.btc_forward_price_usd, months)
    if basis is DriftBasis.MEDIAN:
        g = t.btc_median_growth_per_year
    else:
        g = t.btc_expected_growth_per_year
    return DEFAULT_BTC_EXPECTED_GROWTH_PER_YEAR if g is None else g


def _set(default: float, value: float | None) -> float:
    return default if value is None else value


#: the standard-error keys and the HashrateParams fields they set
_SE_KEYS = (
    ("hashrate_gap_speed_se_per_month", "gap_speed_std_error_per_month"),
    ("equilibrium_hashprice_log_se", "equilibrium_hashprice_log_std_error"),
    ("hashcost_trend_se_per_year", "hashcost_log_trend_std_error_per_year"),
)


def _std_errors(t: MarketTable, h: HashrateParams) -> dict[str, float]:
    """The standard errors of ``alpha``, ``log(equilibrium)`` and the hashcost trend.

    A key sets its own; an unset one keeps the fit's, also where the file overrides the point
    estimate (the fit's sampling uncertainty around the site's estimate: stated in the
    assumptions). ``hashrate_parameter_uncertainty = false`` takes the parameters as known
    (all 0); a standard error > 0 beside it is refused, never ignored."""
    off = t.hashrate_parameter_uncertainty is False
    out: dict[str, float] = {}
    for key, attr in _SE_KEYS:
        value: float | None = getattr(t, key)
        if off and value is not None and value > 0:
            raise InputError(
                f"market.{key}", value, "0 or unset with hashrate_parameter_uncertainty = false"
            )
        out[attr] = 0.0 if off else _set(getattr(h, attr), value)
    return out


def _hashrate_params(t: MarketTable, h: HashrateParams) -> HashrateParams:
    """The hashrate process with the table's overrides (standard errors: :func:`_std_errors`)."""
    return replace(
        h,
        gap_speed_per_month=_set(h.gap_speed_per_month, t.hashrate_gap_speed_per_month),
        hashprice_change_response=_set(
            h.hashprice_change_response, t.hashrate_hashprice_change_response
        ),
        equilibrium_hashprice_usd_per_ph_day=_set(
            h.equilibrium_hashprice_usd_per_ph_day, t.equilibrium_hashprice_usd_per_ph_day
        ),
        equilibrium_hashprice_log_trend_per_year=_set(
            h.equilibrium_hashprice_log_trend_per_year, t.equilibrium_hashprice_trend_per_year
        ),
        vol_per_year=_set(h.vol_per_year, t.hashrate_vol_per_year),
        fleet_efficiency_log_trend_per_year=_set(
            h.fleet_efficiency_log_trend_per_year, t.fleet_efficiency_trend_per_year
        ),
        growth_momentum=_set(h.growth_momentum, t.hashrate_growth_momentum),
        shock_persistence=_set(h.shock_persistence, t.hashrate_shock_persistence),
        **_std_errors(t, h),
    )


def _gpu_rate_log_trend_per_year(t: MarketTable) -> float | None:
    """Log trend of the GPU rate [1/year] implied by the table's decay per GPU generation
    (:func:`gpu_decay_log_trend_per_year`); None where the table sets no decay."""
    if t.gpu_rate_decay_per_generation_frac is not None and t.gpu_rate_generation_years:
        return gpu_decay_log_trend_per_year(
            t.gpu_rate_decay_per_generation_frac, t.gpu_rate_generation_years
        )
    return None


def _correlation(
    t: MarketTable, base: tuple[tuple[float, ...], ...]
) -> tuple[tuple[float, ...], ...]:
    """The factor correlation matrix [-] of ``base`` with the table's pairwise overrides
    (symmetric; each checked against the ``market.correlation`` bounds)."""
    corr = [list(row) for row in base]
    for key, rho in t.correlation.items():
        a, c = _pair(key)
        row = parameter("market.correlation")
        if not within(row, rho):
            raise InputError(
                f"market.correlation.{key}", rho, f"a correlation in {row.range_text()}"
            )
        i, j = FACTORS.index(a), FACTORS.index(c)
        corr[i][j] = corr[j][i] = rho
    return tuple(tuple(row) for row in corr)


def _start_state(t: MarketTable, s: StartState) -> StartState:
    """The start state with the table's starting levels: BTC price [USD], fee share [-], rent
    [USD/kW-month], GPU rate [USD/GPU-hour], power price [USD/MWh]."""
    return replace(
        s,
        btc_price_usd=s.btc_price_usd if t.btc_price_usd is None else t.btc_price_usd,
        fee_share_frac=s.fee_share_frac if t.fee_share_frac is None else t.fee_share_frac,
        rent_usd_per_kw_month=(
            s.rent_usd_per_kw_month if t.rent_usd_per_kw_month is None else t.rent_usd_per_kw_month
        ),
        gpu_rate_usd_per_gpu_hour=(
            s.gpu_rate_usd_per_gpu_hour
            if t.gpu_rate_usd_per_gpu_hour is None
            else t.gpu_rate_usd_per_gpu_hour
        ),
        power_price_usd_per_mwh=(
            s.power_price_usd_per_mwh
            if t.power_price_usd_per_mwh is None
            else t.power_price_usd_per_mwh
        ),
    )


def apply_market_table(
    table: MarketTable, params: MarketParams, start: StartState
) -> tuple[MarketParams, StartState]:
    """The market of ``params`` / ``start`` with the table's overrides.

    The BTC log drift is re-derived from the expected growth (the table's, else the default
    +10%/yr) whenever the volatility, tails or jumps change, so that the mean price path keeps
    its growth (:func:`log_drift_for_expected_growth`); ``btc_log_drift_per_year`` sets it
    directly instead.
    """
    t = table
    btc = _btc_params(t, params.btc, t.btc_price_usd or start.btc_price_usd)
    hashrate = _hashrate_params(t, params.hashrate)
    gpu_trend = _gpu_rate_log_trend_per_year(t)
    corr = _correlation(t, params.correlation)
    try:
        out = MarketParams(
            btc=btc,
            hashrate=hashrate,
            fee_share=_reverting(
                params.fee_share,
                t.fee_share_long_run_frac,
                None,
                t.fee_share_reversion_per_year,
                t.fee_share_vol_per_year,
            ),
            rent=_reverting(
                params.rent,
                t.rent_long_run_usd_per_kw_month,
                t.rent_trend_per_year,
                t.rent_reversion_per_year,
                t.rent_vol_per_year,
            ),
            gpu_rate=_reverting(
                params.gpu_rate,
                t.gpu_rate_long_run_usd_per_gpu_hour,
                gpu_trend,
                t.gpu_rate_reversion_per_year,
                t.gpu_rate_vol_per_year,
            ),
            power_price=_reverting(
                params.power_price,
                t.power_long_run_usd_per_mwh,
                t.power_trend_per_year,
                t.power_reversion_per_year,
                t.power_vol_per_year,
            ),
            correlation=corr,
            rent_loading=params.rent_loading,  # the lease product's (market.rent_products)
            rent_own_stream=params.rent_own_stream,
        )
    except InputError as exc:
        raise InputError(f"market.{exc.field}", exc.value, exc.allowed) from None
    return out, _start_state(t, start)

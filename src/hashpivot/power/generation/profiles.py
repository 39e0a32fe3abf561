"""Hourly output per MW of owned plant: solar from pvlib's clear-sky model (offline) times a
cloudiness process, wind from a generic power curve on a Weibull wind-speed series.

Solar: Ineichen clear sky (pvlib ``Location.get_clearsky``, Linke turbidity from pvlib's
bundled climatology), transposed to a fixed south-facing plane tilted at the latitude
(``get_total_irradiance``, isotropic sky), PVWatts DC (``pvwatts_dc``, gamma -0.4 %/K at a
fixed 45 degC cell) clipped at the inverter (DC/AC ratio) with 14 % system losses (PVWatts
default). Cloudiness: a daily clearness multiplier, an AR(1) in logit space (persistence 0.6)
around a mean of 0.85 (West Texas has ~85 % of clear-sky insolation on average; NREL NSRDB
GHI vs clear-sky, an assumption checked by the capacity-factor test).

Measured series (``irradiance_file``, ``wind_speed_file``): the file's hours are matched to the
price hours by UTC month, day and hour (a multi-year file: the mean of that hour over its years;
29 February falls back to the 28th), so a typical-year or any-year file serves any price year.
GHI alone is split into DNI and DHI by the Erbs model (pvlib ``irradiance.erbs``); no cloudiness
is applied to measured irradiance.

Wind: IEC class-II-like generic curve: 0 below 3 m/s cut-in, cubic to rated at 12 m/s, rated
to 25 m/s cut-out. Speeds: a Gaussian AR(1) (hourly persistence 0.9) mapped through the
Weibull quantile function, so the marginal is exactly Weibull(k, c).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special, stats

from hashpivot.errors import InputError
from hashpivot.power.generation.specs import HourlyResource, SolarPlant, WindPlant
from hashpivot.types import FloatArray

__all__ = ["aligned", "solar_cf", "wind_cf", "wind_curve_frac"]

_CLOUD_MEAN = 0.85
_CLOUD_PERSIST = 0.6
_SYSTEM_LOSS = 0.14


def _hour_keys(t: pd.DatetimeIndex) -> FloatArray:
    return np.asarray(t.month * 10_000 + t.day * 100 + t.hour)


def aligned(res: HourlyResource, hours_utc: pd.DatetimeIndex, field: str) -> dict[str, FloatArray]:
    """The resource's columns on ``hours_utc``, matched by UTC month-day-hour (module
    docstring); an hour the file lacks is one InputError."""
    keys, inv = np.unique(_hour_keys(pd.DatetimeIndex(res.hours_utc)), return_inverse=True)
    count = np.bincount(inv)
    want = _hour_keys(pd.DatetimeIndex(hours_utc).tz_convert(None))
    pos = np.searchsorted(keys, want)
    hit = (pos < keys.size) & (keys[np.minimum(pos, keys.size - 1)] == want)
    leap = ~hit & (want // 100 == 229)  # 29 February: the 28th's hour
    pos[leap] = np.searchsorted(keys, want[leap] - 100)
    hit |= leap & (pos < keys.size) & (keys[np.minimum(pos, keys.size - 1)] == want - 100)
    if not hit.all():
        first = pd.DatetimeIndex(hours_utc)[int(np.argmin(hit))]
        raise InputError(
            field,
            f"{int((~hit).sum())} price hours missing, first {first:%m-%d %H}:00 UTC",
            "an hourly series covering every month-day-hour of the price year",
            source=res.source,
        )
    return {n: (np.bincount(inv, weights=v) / count)[pos] for n, v in res.columns.items()}


def _daily_clearness(days: int, seed: int) -> FloatArray:
    """A daily multiplier of clear-sky irradiance in (0, 1), AR(1) in logit space."""
    rng = np.random.default_rng(seed)
    z = np.empty(days)
    shock = rng.standard_normal(days)
    z[0] = shock[0]
    for d in range(1, days):
        z[d] = _CLOUD_PERSIST * z[d - 1] + np.sqrt(1 - _CLOUD_PERSIST**2) * shock[d]
    # logit mean chosen so the multiplier's mean is ~_CLOUD_MEAN with spread 1.2 in logit space
    return np.asarray(special.expit(special.logit(_CLOUD_MEAN) + 0.35 + 1.2 * z) * 0.97)


def solar_cf(
    plant: SolarPlant, hours_utc: pd.DatetimeIndex, *, seed: int = 0, cloudy: bool = True
) -> FloatArray:
    """AC output per MWac of inverter, hour by hour (hour-start UTC index) [fraction]."""
    with warnings.catch_warnings():  # pvlib on pandas 3: deprecations, not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return _solar_cf(plant, hours_utc, seed, cloudy)


def _solar_cf(
    plant: SolarPlant, hours_utc: pd.DatetimeIndex, seed: int, cloudy: bool
) -> FloatArray:
    import pvlib  # the supply extra

    loc = pvlib.location.Location(plant.latitude_deg, plant.longitude_deg, tz="UTC")
    mid = hours_utc + pd.Timedelta(minutes=30)
    sun = loc.get_solarposition(mid)
    if plant.irradiance is not None:
        sky = _measured(plant.irradiance, hours_utc, mid, sun)
        cloudy = False
    else:
        sky = loc.get_clearsky(mid, model="ineichen")
    tilt, azimuth = _orientation(plant, sun)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt=tilt,
        surface_azimuth=azimuth,
        solar_zenith=sun["apparent_zenith"],
        solar_azimuth=sun["azimuth"],
        dni=sky["dni"],
        ghi=sky["ghi"],
        dhi=sky["dhi"],
    )["poa_global"].to_numpy(dtype=np.float64)
    poa = np.nan_to_num(np.clip(poa, 0.0, None))
    if cloudy:
        day = (mid.normalize() - mid[0].normalize()).days.to_numpy()
        poa = poa * _daily_clearness(int(day.max()) + 1, seed)[day]
    dc_per_mwdc = pvlib.pvsystem.pvwatts_dc(poa, np.full_like(poa, 45.0), 1.0, -0.004)
    ac = np.asarray(dc_per_mwdc, dtype=np.float64) * plant.dc_ac_ratio * (1.0 - _SYSTEM_LOSS)
    return np.clip(ac, 0.0, 1.0)


def _orientation(plant: SolarPlant, sun: pd.DataFrame) -> tuple[object, object]:
    """Fixed: tilted at the latitude, facing the equator. Single-axis: a north-south axis,
    +/-60 degrees, backtracking at a 0.35 ground coverage ratio (pvlib ``tracking.singleaxis``),
    flat at night."""
    import pvlib

    if not plant.single_axis_tracking:
        return abs(plant.latitude_deg), 180.0 if plant.latitude_deg >= 0 else 0.0
    tr = pvlib.tracking.singleaxis(
        sun["apparent_zenith"],
        sun["azimuth"],
        axis_tilt=0.0,
        axis_azimuth=180.0,
        max_angle=60.0,
        backtrack=True,
        gcr=0.35,
    )
    return tr["surface_tilt"].fillna(0.0), tr["surface_azimuth"].fillna(180.0)


def _measured(
    res: HourlyResource, hours_utc: pd.DatetimeIndex, mid: pd.DatetimeIndex, sun: pd.DataFrame
) -> dict[str, FloatArray]:
    """GHI/DNI/DHI [W/m2] from a file; GHI alone split by Erbs."""
    import pvlib

    cols = aligned(res, hours_utc, "generation.solar.irradiance_file")
    ghi = cols["ghi_w_m2"]
    if "dni_w_m2" in cols:
        return {"ghi": ghi, "dni": cols["dni_w_m2"], "dhi": cols["dhi_w_m2"]}
    split = pvlib.irradiance.erbs(ghi, sun["zenith"].to_numpy(), mid.day_of_year.to_numpy())
    return {
        "ghi": ghi,
        "dni": np.nan_to_num(np.asarray(split["dni"], dtype=np.float64)),
        "dhi": np.nan_to_num(np.asarray(split["dhi"], dtype=np.float64)),
    }


def wind_curve_frac(speed_m_s: FloatArray) -> FloatArray:
    """Generic power curve: output per MW of nameplate at a hub-height speed [fraction]."""
    v = np.asarray(speed_m_s, dtype=np.float64)
    ramp = np.clip((v**3 - 3.0**3) / (12.0**3 - 3.0**3), 0.0, 1.0)
    return np.where((v < 3.0) | (v >= 25.0), 0.0, ramp)


def wind_cf(
    plant: WindPlant,
    hours: int,
    *,
    seed: int = 0,
    hours_utc: pd.DatetimeIndex | None = None,
) -> FloatArray:
    """Hourly output per MW [fraction]: on the plant's measured speeds matched to ``hours_utc``
    where it has a file, else on a synthetic Weibull(k, c) series of ``hours``."""
    if plant.wind_speed is not None:
        if hours_utc is None or len(hours_utc) != hours:
            raise InputError("hours_utc", hours, f"the {hours} hour starts of the wind file's use")
        speed = aligned(plant.wind_speed, hours_utc, "generation.wind.wind_speed_file")
        return wind_curve_frac(speed["wind_speed_m_s"])
    rng = np.random.default_rng(seed + 1)
    shock = rng.standard_normal(hours)
    z = np.empty(hours)
    z[0] = shock[0]
    for t in range(1, hours):
        z[t] = 0.9 * z[t - 1] + np.sqrt(1 - 0.81) * shock[t]
    speed = stats.weibull_min.ppf(stats.norm.cdf(z), plant.weibull_k, scale=plant.weibull_c_m_s)
    return wind_curve_frac(np.asarray(speed, dtype=np.float64))

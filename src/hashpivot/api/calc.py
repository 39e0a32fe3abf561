"""The one-day mining calculator (``hashpivot calc``): what a web calculator answers, to the cent
of the closed form, on the dated snapshot (or ``--live``) unless the user gives the market.

``BTC/day = hashrate / (difficulty x 2^32) x 86,400 x (subsidy + fees) x (1 - pool fee) x
uptime`` (:func:`hashpivot.mining.economics.btc_per_day`); power is the ASICs' own draw
(TH/s x J/TH) over the hours they run. docs/methodology.md, "The one-day calculator".
Every number is checked against its row of config/parameters.csv (finite, both bounds); a bad
one is one :class:`~hashpivot.errors.InputError` naming the flag.
"""

from __future__ import annotations

from typing import Any

from hashpivot.bitcoin.network import hashprice_from_difficulty
from hashpivot.bitcoin.protocol import subsidy_btc
from hashpivot.config.catalogue import find_asic
from hashpivot.config.parameters import parameter, within
from hashpivot.errors import InputError
from hashpivot.market.snapshot import SNAPSHOT, MarketSnapshot
from hashpivot.mining.economics import (
    asic_energy_mwh_per_day,
    breakeven_btc_price_usd,
    breakeven_power_usd_per_mwh,
    btc_per_day,
)

__all__ = ["CALC_FLAGS", "calc_day"]

#: each flag of ``hashpivot calc`` and the parameters.csv row that bounds it
CALC_FLAGS = {
    "--hashrate-th-s": "fleet.hashrate_th_s",
    "--efficiency-j-per-th": "fleet.efficiency_j_per_th",
    "--count": "fleet.count",
    "--power-usd-per-mwh": "power.price_usd_per_mwh",
    "--difficulty": "scenario.difficulty",
    "--btc-price-usd": "scenario.btc_price_usd",
    "--fees-btc-per-block": "scenario.fees_btc_per_block",
    "--pool-fee-frac": "mining.pool_fee_frac",
    "--uptime-frac": "mining.uptime_frac",
}


def checked(flag: str, value: float | None, default: float | None = None) -> float:
    """``value`` (or ``default`` when the flag is not given) if finite and inside both bounds of
    the flag's parameters.csv row; else one InputError naming the flag."""
    x = default if value is None else value
    if x is None:
        raise InputError(flag, None, "a value (the flag is required)")
    p = parameter(CALC_FLAGS[flag])
    if isinstance(x, bool) or not isinstance(x, int | float) or not within(p, float(x)):
        unit = f" {p.unit}" if p.unit else ""
        raise InputError(flag, x, f"a finite number in {p.range_text()}{unit}")
    return float(x)


def _machines(
    hashrate_th_s: float | None,
    efficiency_j_per_th: float | None,
    model: str | None,
    count: int | None,
) -> tuple[float, float, str]:
    """Total TH/s, J/TH and a label: ``--model`` [``--count``], or the two numbers."""
    if model is not None:
        for flag, v in (
            ("--hashrate-th-s", hashrate_th_s),
            ("--efficiency-j-per-th", efficiency_j_per_th),
        ):
            if v is not None:
                raise InputError(
                    flag,
                    v,
                    "either --model [--count] or --hashrate-th-s with "
                    "--efficiency-j-per-th, not both",
                )
        asic = find_asic(model, field="--model")
        n = checked("--count", count, 1)
        if n != int(n):
            raise InputError("--count", count, "a whole number of machines")
        return asic.hashrate_th_s * n, asic.efficiency_j_per_th, f"{int(n):,} x {asic.model}"
    if count is not None:
        raise InputError("--count", count, "only with --model")
    if hashrate_th_s is None or efficiency_j_per_th is None:
        missing = "--hashrate-th-s" if hashrate_th_s is None else "--efficiency-j-per-th"
        raise InputError(
            missing, None, "--model NAME, or both --hashrate-th-s and --efficiency-j-per-th"
        )
    th = checked("--hashrate-th-s", hashrate_th_s)
    eff = checked("--efficiency-j-per-th", efficiency_j_per_th)
    return th, eff, f"{th:,.6g} TH/s at {eff:g} J/TH"


def calc_day(
    *,
    power_usd_per_mwh: float | None,
    hashrate_th_s: float | None = None,
    efficiency_j_per_th: float | None = None,
    model: str | None = None,
    count: int | None = None,
    difficulty: float | None = None,
    btc_price_usd: float | None = None,
    fees_btc_per_block: float | None = None,
    pool_fee_frac: float | None = None,
    uptime_frac: float | None = None,
    snapshot: MarketSnapshot = SNAPSHOT,
) -> dict[str, Any]:
    """One day of mining: BTC, revenue, power cost, profit, hashprice and breakevens.

    Market inputs left out come from ``snapshot`` (the dated default, or one fetched live); the
    pool fee and uptime from the site file's defaults (parameters.csv). The subsidy is the one
    at the snapshot's height. Returns a JSON-ready dict; units are in the keys.
    """
    th, eff, label = _machines(hashrate_th_s, efficiency_j_per_th, model, count)
    power = checked("--power-usd-per-mwh", power_usd_per_mwh)
    diff = checked("--difficulty", difficulty, snapshot.difficulty)
    price = checked("--btc-price-usd", btc_price_usd, snapshot.btc_price_usd)
    fees = checked("--fees-btc-per-block", fees_btc_per_block, snapshot.fees_btc_per_block)
    pool = checked("--pool-fee-frac", pool_fee_frac, parameter("mining.pool_fee_frac").default)
    up = checked("--uptime-frac", uptime_frac, parameter("mining.uptime_frac").default)
    subsidy = float(subsidy_btc(snapshot.height))
    btc = float(btc_per_day(th, diff, subsidy, fees, pool, up))
    mwh = float(asic_energy_mwh_per_day(th, eff, up))
    revenue, cost = btc * price, mwh * power
    hashprice = float(hashprice_from_difficulty(price, diff, subsidy, fees))
    given = {
        "difficulty": difficulty,
        "btc_price_usd": btc_price_usd,
        "fees_btc_per_block": fees_btc_per_block,
    }
    return {
        "machines": label,
        "hashrate_th_s": th,
        "efficiency_j_per_th": eff,
        "power_kw": th * eff / 1e3,
        "power_usd_per_mwh": power,
        "difficulty": diff,
        "btc_price_usd": price,
        "fees_btc_per_block": fees,
        "subsidy_btc": subsidy,
        "height": snapshot.height,
        "pool_fee_frac": pool,
        "uptime_frac": up,
        "btc_per_day": btc,
        "sats_per_day": btc * 1e8,
        "revenue_usd_per_day": revenue,
        "energy_mwh_per_day": mwh,
        "power_cost_usd_per_day": cost,
        "profit_usd_per_day": revenue - cost,
        "hashprice_usd_per_ph_day": hashprice,
        "breakeven_power_usd_per_mwh": float(breakeven_power_usd_per_mwh(hashprice, eff, pool)),
        "breakeven_btc_usd": float(breakeven_btc_price_usd(cost, btc)),
        "market_source": {
            k: "--" + k.replace("_", "-") if v is not None else f"snapshot {snapshot.as_of}"
            for k, v in given.items()
        },
        "formula": "BTC/day = hashrate / (difficulty x 2^32) x 86,400 x (subsidy + fees) x "
        "(1 - pool fee) x uptime; power = TH/s x J/TH x 24 h x uptime (ASICs only)",
    }

"""Vectorised merit-order dispatch of the one-bus site, hour by hour, over any number of paths.

Without storage the site's LP separates by hour into a single-node market: supply steps
(renewables at zero cost, gas at its marginal cost, grid import at the price + adder) meet
demand steps (the firm AI load at the value of lost load, the miners at their revenue per MWh,
export at the price). Clearing the steps greedily, cheapest supply to the most valuable demand
while cost < value, is the LP optimum (the welfare-maximising quantity of a step market), so
this dispatch is exact without a battery (tests/power/generation: it matches the PyPSA LP).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hashpivot.types import FloatArray

__all__ = [
    "HourlyDispatch",
    "clear_steps",
    "merit_dispatch",
    "operating_cost_usd",
    "site_steps",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class HourlyDispatch:
    """Hourly flows [MW = MWh per hour], each ``(..., hours)``.

    renewable_mw : solar + wind used; gas_mw, import_mw : own gas, grid import
    ai_served_mw, unserved_ai_mw : the firm load met and not met
    mining_mw, export_mw : the miners' draw and export
    charge_mw, discharge_mw : battery (zero in merit-order dispatch)
    """

    renewable_mw: FloatArray
    gas_mw: FloatArray
    import_mw: FloatArray
    ai_served_mw: FloatArray
    unserved_ai_mw: FloatArray
    mining_mw: FloatArray
    export_mw: FloatArray
    charge_mw: FloatArray
    discharge_mw: FloatArray


def clear_steps(
    supply_mw: FloatArray, cost: FloatArray, demand_mw: FloatArray, value: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Clear K supply steps against L demand steps at every point (axis 0 = the step).

    Returns the quantity taken from each supply step and given to each demand step, in the
    input order. Supply sorted by cost and demand by value (descending) make two step curves;
    the traded quantity Q is the largest breakpoint whose last unit costs strictly less than it
    is worth (cost rises and value falls along the curves, so the test is monotone; ties do not
    trade: they change no cost). The cheapest supply and the most valuable demand fill Q.
    """
    k, l_ = supply_mw.shape[0], demand_mw.shape[0]
    shape = np.broadcast_shapes(
        supply_mw.shape[1:], cost.shape[1:], demand_mw.shape[1:], value.shape[1:]
    )
    flat = int(np.prod(shape))
    sq = np.broadcast_to(supply_mw, (k, *shape)).reshape(k, flat)
    sc = np.broadcast_to(cost, (k, *shape)).reshape(k, flat)
    dq = np.broadcast_to(demand_mw, (l_, *shape)).reshape(l_, flat)
    dv = np.broadcast_to(value, (l_, *shape)).reshape(l_, flat)
    out_s, out_d = np.empty((k, flat)), np.empty((l_, flat))
    for a in range(0, flat, _CHUNK):  # cache-sized blocks: the work is memory-bound
        b = slice(a, a + _CHUNK)
        out_s[:, b], out_d[:, b] = _clear_flat(sq[:, b], sc[:, b], dq[:, b], dv[:, b])
    return out_s.reshape(k, *shape), out_d.reshape(l_, *shape)


#: points cleared per block
_CHUNK = 8192


def _clear_flat(
    sq: FloatArray, sc: FloatArray, dq: FloatArray, dv: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """:func:`clear_steps` on ``(steps, points)`` arrays."""
    k, l_ = sq.shape[0], dq.shape[0]
    so = np.argsort(sc, axis=0, kind="stable")
    do = np.argsort(-dv, axis=0, kind="stable")
    sq, dq = np.take_along_axis(sq, so, 0), np.take_along_axis(dq, do, 0)
    c_s, v_d = np.take_along_axis(sc, so, 0), np.take_along_axis(dv, do, 0)
    cs, cd = np.cumsum(sq, axis=0), np.cumsum(dq, axis=0)
    lo_s = np.concatenate([np.zeros((1, sq.shape[1])), cs[:-1]])
    lo_d = np.concatenate([np.zeros((1, dq.shape[1])), cd[:-1]])
    cand = np.concatenate([cs, cd])  # (K + L, points) breakpoints
    c_at = np.full(cand.shape, np.inf)  # the cost of the unit just below each breakpoint
    for i in range(k):
        c_at = np.where((cand > lo_s[i]) & (cand <= cs[i]), c_s[i], c_at)
    v_at = np.full(cand.shape, -np.inf)  # and its value
    for j in range(l_):
        v_at = np.where((cand > lo_d[j]) & (cand <= cd[j]), v_d[j], v_at)
    q = np.max(np.where((cand > 0.0) & (c_at < v_at), cand, 0.0), axis=0)
    out_s, out_d = np.empty_like(sq), np.empty_like(dq)
    np.put_along_axis(out_s, so, np.clip(q - lo_s, 0.0, sq), 0)
    np.put_along_axis(out_d, do, np.clip(q - lo_d, 0.0, dq), 0)
    return out_s, out_d


Steps = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def site_steps(
    *,
    price_usd_per_mwh: FloatArray,
    renewable_mw: FloatArray | float,
    gas_available_mw: float,
    gas_cost_usd_per_mwh: FloatArray | float,
    ai_load_mw: float,
    mining_mw: float,
    mining_value_usd_per_mwh: FloatArray | float,
    import_limit_mw: float,
    export_limit_mw: float,
    import_adder_usd_per_mwh: float = 0.0,
    unserved_usd_per_mwh: float = 10_000.0,
) -> Steps:
    """The site's step market ``(supply MW, cost, demand MW, value)``, each ``(3, ...)``:
    supply renewables (0), gas, import (price + adder); demand AI (value of lost load), miners
    (their value), export (price); every array broadcast to the price's shape."""
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)

    def b(x: FloatArray | float) -> FloatArray:
        return np.broadcast_to(np.asarray(x, dtype=np.float64), p.shape)

    supply = np.stack([b(renewable_mw), b(gas_available_mw), b(import_limit_mw)])
    cost = np.stack([b(0.0), b(gas_cost_usd_per_mwh), p + import_adder_usd_per_mwh])
    demand = np.stack([b(ai_load_mw), b(mining_mw), b(export_limit_mw)])
    value = np.stack([b(unserved_usd_per_mwh), b(mining_value_usd_per_mwh), p])
    return supply, cost, demand, value


def merit_dispatch(
    *,
    price_usd_per_mwh: FloatArray,
    renewable_mw: FloatArray | float,
    gas_available_mw: float,
    gas_cost_usd_per_mwh: FloatArray | float,
    ai_load_mw: float,
    mining_mw: float,
    mining_value_usd_per_mwh: FloatArray | float,
    import_limit_mw: float,
    export_limit_mw: float,
    import_adder_usd_per_mwh: float = 0.0,
    unserved_usd_per_mwh: float = 10_000.0,
) -> HourlyDispatch:
    """Merit-order dispatch of the site (no battery), every array broadcast to the price's
    shape ``(..., hours)``."""
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    s, d = clear_steps(
        *site_steps(
            price_usd_per_mwh=p,
            renewable_mw=renewable_mw,
            gas_available_mw=gas_available_mw,
            gas_cost_usd_per_mwh=gas_cost_usd_per_mwh,
            ai_load_mw=ai_load_mw,
            mining_mw=mining_mw,
            mining_value_usd_per_mwh=mining_value_usd_per_mwh,
            import_limit_mw=import_limit_mw,
            export_limit_mw=export_limit_mw,
            import_adder_usd_per_mwh=import_adder_usd_per_mwh,
            unserved_usd_per_mwh=unserved_usd_per_mwh,
        )
    )
    zero = np.zeros(p.shape)
    return HourlyDispatch(
        renewable_mw=s[0],
        gas_mw=s[1],
        import_mw=s[2],
        ai_served_mw=d[0],
        unserved_ai_mw=ai_load_mw - d[0],
        mining_mw=d[1],
        export_mw=d[2],
        charge_mw=zero,
        discharge_mw=zero,
    )


def operating_cost_usd(
    d: HourlyDispatch,
    *,
    price_usd_per_mwh: FloatArray,
    gas_cost_usd_per_mwh: FloatArray | float,
    mining_value_usd_per_mwh: FloatArray | float,
    import_adder_usd_per_mwh: float = 0.0,
    unserved_usd_per_mwh: float = 10_000.0,
) -> FloatArray:
    """The site's operating cost of a dispatch, summed over hours [USD] (``(...)``): gas +
    imports - exports - the miners' revenue + the value of lost load on unserved AI energy."""
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    hourly = (
        d.gas_mw * gas_cost_usd_per_mwh
        + d.import_mw * (p + import_adder_usd_per_mwh)
        - d.export_mw * p
        - d.mining_mw * mining_value_usd_per_mwh
        + d.unserved_ai_mw * unserved_usd_per_mwh
    )
    return np.asarray(hourly.sum(axis=-1))

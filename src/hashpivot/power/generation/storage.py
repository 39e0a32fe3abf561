"""Vectorised battery dispatch for Monte Carlo paths: a daily greedy on the site's own marginal
values, respecting power, energy, round-trip efficiency and the cycle limit, every array
``(..., hours)``.

1. Clear the site without the battery (:func:`~hashpivot.power.generation.merit.clear_steps`)
   and again for each of the hour's ``blocks`` of P / blocks MW: with that much more free supply
   (what discharging the block is worth per MWh, ``d``: the costliest supply it displaces or the
   demand it newly serves) and with that much more must-serve demand (what charging it costs
   per MWh, ``c``: the cheapest supply it calls or the least valuable demand it displaces).
2. Per day: pair the cheapest charge blocks with the
   most valuable discharge blocks while ``d x round trip > c`` (a prefix of the pairs: ``d``
   falls and ``c`` rises along them), at most enough charge blocks to fill the battery
   (E / (sqrt(eta) P) hours) and discharge blocks to empty it within the day's cycle limit.
   Days of ``hours_per_day`` begin at each boundary in ``day_starts`` in turn (every 3 hours);
   each path keeps the one whose flows its block values rate highest (a day that begins before
   the cheap hours and ends after the dear ones pairs them in order: in UTC on the ERCOT year
   the best boundaries are near local midnight).
3. Run the state of charge hour by hour (sqrt(eta) each way, as the LP's StorageUnit): charge
   ``min(P, what the site can supply, room / sqrt(eta))``, discharge ``min(P, what the site can
   absorb, SoC x sqrt(eta), the day's cycle budget)``; twice, the second pass starting from the
   first's end state, so the horizon is (near) cyclic like the LP's.
4. Clear again with those flows as a must-take supply and a must-serve demand: the hourly energy
   balance holds exactly (property test), and the flows are within every limit.

It is a heuristic: on the shared year it is checked against the PyPSA LP with the battery
(tests/power/generation/test_storage.py; the gap is stated in docs/methodology.md).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hashpivot.power.generation._soc_kernel import run_soc
from hashpivot.power.generation.merit import (
    HourlyDispatch,
    Steps,
    clear_steps,
    merit_dispatch,
    site_steps,
)
from hashpivot.power.generation.specs import Battery
from hashpivot.types import FloatArray

__all__ = ["battery_dispatch"]

#: a value above every cost and value of the site (a must-serve / must-take step) [USD/MWh]
_MUST = 1e7


def _welfare(steps: Steps) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Clear the steps: (value served - cost supplied per hour, supply taken, demand served)."""
    s, c, d, v = steps
    qs, qd = clear_steps(s, c, d, v)
    return (qd * v).sum(axis=0) - (qs * c).sum(axis=0), qs, qd


def _with(
    steps: Steps,
    *,
    supply: tuple[FloatArray, float] | None = None,
    demand: tuple[FloatArray, float] | None = None,
) -> Steps:
    """The steps plus one supply step (quantity, cost) and/or one demand step (quantity, value)."""
    s, c, d, v = steps
    shape = s.shape[1:]
    if supply is not None:
        s = np.concatenate([s, np.broadcast_to(supply[0], shape)[None]])
        c = np.concatenate([c, np.full((1, *shape), supply[1])])
    if demand is not None:
        d = np.concatenate([d, np.broadcast_to(demand[0], shape)[None]])
        v = np.concatenate([v, np.full((1, *shape), demand[1])])
    return s, c, d, v


def _daily_plan(
    c: FloatArray, d: FloatArray, b: Battery, hours_per_day: int, day_start: int = 0
) -> tuple[FloatArray, FloatArray]:
    """Planned charge and discharge [MW] ``(n, hours)`` from per-MWh costs and values of each
    hour's M blocks of P / M MW ``(n, hours, M)``."""
    n, hours, m = c.shape
    front = (hours_per_day - day_start) % hours_per_day  # days begin at hour day_start
    days = -(-(hours + front) // hours_per_day)
    pad = ((0, 0), (front, days * hours_per_day - hours - front), (0, 0))
    units = hours_per_day * m
    cc = np.pad(c, pad, constant_values=np.inf).reshape(n, days, units)
    dd = np.pad(d, pad, constant_values=-np.inf).reshape(n, days, units)
    rte = b.round_trip_efficiency_frac
    sq = math.sqrt(rte)
    c_order = np.argsort(cc, axis=-1, kind="stable")
    d_order = np.argsort(-dd, axis=-1, kind="stable")
    cs = np.take_along_axis(cc, c_order, -1)
    ds = np.take_along_axis(dd, d_order, -1)
    pairs = (ds * rte > cs).sum(axis=-1, keepdims=True)  # a prefix: ds falls, cs rises
    # one battery-full a day: fill from empty, empty from full (within the day's cycle limit);
    # planning more cycles without their order in the day captured less on the shared year
    block = b.power_mw / m
    fill = math.ceil(b.energy_mwh / (sq * block) - 1e-9)
    empty = math.ceil(min(b.energy_mwh * sq, b.max_cycles_per_day * b.energy_mwh) / block - 1e-9)
    rank = np.arange(units)
    charge, discharge = np.zeros_like(cc, dtype=bool), np.zeros_like(dd, dtype=bool)
    np.put_along_axis(charge, c_order, rank < np.minimum(pairs, fill), -1)
    np.put_along_axis(discharge, d_order, rank < np.minimum(pairs, empty), -1)
    shape = (n, days * hours_per_day, m)
    mw_c = charge.reshape(shape)[:, front : front + hours].sum(axis=-1) * block
    mw_d = discharge.reshape(shape)[:, front : front + hours].sum(axis=-1) * block
    both = (mw_c > 0) & (mw_d > 0)
    return np.where(both, 0.0, mw_c), np.where(both, 0.0, mw_d)


def _run_soc(
    plan: tuple[FloatArray, FloatArray],
    room: tuple[FloatArray, FloatArray],
    b: Battery,
    hours_per_day: int,
    day_start: int = 0,
) -> tuple[FloatArray, FloatArray]:
    """Charge and discharge [MW] hour by hour from the plan, within every limit; two passes,
    the second from the first's end state of charge (compiled: ``_soc_kernel.run_soc``)."""
    plan_c = np.ascontiguousarray(np.minimum(plan[0], room[0]))
    plan_d = np.ascontiguousarray(np.minimum(plan[1], room[1]))
    ch, dis = np.zeros(plan_c.shape), np.zeros(plan_c.shape)
    run_soc(
        plan_c,
        plan_d,
        float(b.energy_mwh),
        math.sqrt(b.round_trip_efficiency_frac),
        float(b.max_cycles_per_day * b.energy_mwh),
        hours_per_day,
        day_start,
        ch,
        dis,
    )
    return ch, dis


def _block_values(
    steps: Steps, power_mw: float, blocks: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per hour and block of P / M MW ``(..., hours, M)``: the cost per MWh of charging it and
    the value per MWh of discharging it (increments of the site's welfare), and what the site
    can supply to charging and absorb from discharging in the hour ``(..., hours)`` [MW]."""
    shape = steps[0].shape[1:]
    w0, _, _ = _welfare(steps)
    block = power_mw / blocks
    gain, cost = np.empty((*shape, blocks)), np.empty((*shape, blocks))
    w_prev, c_prev, q_prev = w0, np.zeros(shape), np.zeros(shape)
    take_d = take_c = np.zeros(shape)
    for k in range(1, blocks + 1):
        amount = np.full(shape, k * block)
        w_d, qs, _ = _welfare(_with(steps, supply=(amount, 0.0)))
        gain[..., k - 1] = (w_d - w_prev) / block
        w_prev, take_d = w_d, qs[-1]
        w_c, _, qd = _welfare(_with(steps, demand=(amount, _MUST)))
        total = w0 - (w_c - _MUST * qd[-1])
        step_q = qd[-1] - q_prev
        with np.errstate(divide="ignore", invalid="ignore"):
            cost[..., k - 1] = np.where(step_q > 1e-9, (total - c_prev) / step_q, np.inf)
        c_prev, q_prev, take_c = total, qd[-1], qd[-1]
    return cost, gain, take_c, take_d


def _flow_value(flow: FloatArray, per_mwh: FloatArray, block: float) -> FloatArray:
    """What a flow ``(n, hours)`` [MW] is worth at its blocks' per-MWh values ``(n, hours, M)``,
    summed over hours ``(n,)`` (block 1 first)."""
    lo = block * np.arange(per_mwh.shape[-1])
    q = np.clip(flow[..., None] - lo, 0.0, block)
    finite = np.where(np.isfinite(per_mwh), per_mwh, 0.0)  # no flow where a block is impossible
    return np.asarray((q * finite).sum(axis=(-1, -2)))


def _best_days(
    values: tuple[FloatArray, FloatArray],
    room: tuple[FloatArray, FloatArray],
    b: Battery,
    hours_per_day: int,
    day_starts: tuple[int, ...],
) -> tuple[FloatArray, FloatArray]:
    """Plan and run the battery with each day boundary in ``day_starts``; keep, per path, the
    flows its block values rate highest (the first boundary on ties)."""
    cost, gain = values
    block = b.power_mw / cost.shape[-1]
    best_v = np.full(cost.shape[0], -np.inf)
    ch = dis = np.zeros(cost.shape[:2])
    for start in day_starts:
        plan = _daily_plan(cost, gain, b, hours_per_day, start)
        c, d = _run_soc(plan, room, b, hours_per_day, start)
        v = _flow_value(d, gain, block) - _flow_value(c, cost, block)
        better = v > best_v
        best_v = np.where(better, v, best_v)
        ch = np.where(better[:, None], c, ch)
        dis = np.where(better[:, None], d, dis)
    return ch, dis


def battery_dispatch(
    *,
    battery: Battery,
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
    hours_per_day: int = 24,
    blocks: int = 2,
    day_starts: tuple[int, ...] = (0, 3, 6, 9, 12, 15, 18, 21),
) -> HourlyDispatch:
    """The site dispatched with its battery (module docstring), arrays broadcast to the
    price's shape ``(..., hours)``; a battery of no power or energy is the merit order."""
    p = np.asarray(price_usd_per_mwh, dtype=np.float64)
    site: dict[str, Any] = {
        "price_usd_per_mwh": p,
        "renewable_mw": renewable_mw,
        "gas_available_mw": gas_available_mw,
        "gas_cost_usd_per_mwh": gas_cost_usd_per_mwh,
        "ai_load_mw": ai_load_mw,
        "mining_mw": mining_mw,
        "mining_value_usd_per_mwh": mining_value_usd_per_mwh,
        "import_limit_mw": import_limit_mw,
        "export_limit_mw": export_limit_mw,
        "import_adder_usd_per_mwh": import_adder_usd_per_mwh,
        "unserved_usd_per_mwh": unserved_usd_per_mwh,
    }
    if not (battery.power_mw > 0 and battery.energy_mwh > 0):
        return merit_dispatch(**site)
    steps = site_steps(**site)
    cost, gain, take_c, take_d = _block_values(steps, battery.power_mw, blocks)
    flat = (-1, p.shape[-1])
    m = (-1, p.shape[-1], blocks)
    ch, dis = _best_days(
        (cost.reshape(m), gain.reshape(m)),
        (take_c.reshape(flat), take_d.reshape(flat)),
        battery,
        hours_per_day,
        day_starts,
    )
    ch, dis = ch.reshape(p.shape), dis.reshape(p.shape)
    _, qs, qd = _welfare(_with(steps, supply=(dis, -_MUST), demand=(ch, _MUST)))
    return HourlyDispatch(
        renewable_mw=qs[0],
        gas_mw=qs[1],
        import_mw=qs[2],
        ai_served_mw=qd[0],
        unserved_ai_mw=ai_load_mw - qd[0],
        mining_mw=qd[1],
        export_mw=qd[2],
        charge_mw=qd[3],
        discharge_mw=qs[3],
    )

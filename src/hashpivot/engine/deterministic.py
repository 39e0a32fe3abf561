"""A deterministic run: the same engine and strategies on one path, the site's named scenario.

``hashpivot mine``, ``lease`` and ``gpu-cloud`` on a site file and ``compare --deterministic``
are all this run; only what they print differs. The path is the named scenario of
:mod:`hashpivot.market.deterministic` (BTC price and network hashrate at constant growth,
a constant fee share, rent / GPU rate / power on their zero-volatility paths); a site that buys
at the hub price is dispatched exactly against its price history, hour by hour. Under
certainty the switch's optimal policy is a fixed month: the best one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hashpivot.engine.case import CompareCase
from hashpivot.engine.strategies import BatchValues, evaluate_batch, prepare
from hashpivot.engine.summary import BatchSummary, Comparison, summarise
from hashpivot.errors import InputError
from hashpivot.market.deterministic import apply_start, market_table_note, scenario_paths
from hashpivot.market.processes import DriftBasis
from hashpivot.market.scenarios import MarketScenarios
from hashpivot.market.snapshot import SCENARIOS, ScenarioName


@dataclass(frozen=True, slots=True, kw_only=True)
class DeterministicRun:
    """One deterministic path through the engine.

    comparison : every strategy's value on the path (``paths == 1``)
    values : the engine's batch values (the mining run, exact dispatch, flows per strategy)
    scenarios : the market path itself; scenario : its name
    case : the case as run (its snapshot and start under the site file's ``[scenario]``)
    """

    comparison: Comparison
    values: BatchValues
    scenarios: MarketScenarios
    scenario: str
    case: CompareCase


def scenario_of(case: CompareCase, scenario: str | None) -> ScenarioName:
    name = scenario or case.scenario
    try:
        return ScenarioName(name)
    except ValueError:
        raise InputError("scenario", name, f"one of {[s.value for s in ScenarioName]}") from None


def deterministic_case(case: CompareCase) -> CompareCase:
    """The case a deterministic run values: its snapshot and start state under the site file's
    ``[scenario]`` (BTC price, difficulty, fees per block; :func:`apply_start`), else as is.

    The BTC drift basis belongs to the Monte Carlo (``market_table_note`` lists it among the
    keys a deterministic run does not use): the named scenario fixes its own BTC path, so every
    flow is discounted at the site's rate, never BTC at the risk-free rate of a
    ``risk_neutral`` basis the path does not follow."""
    btc = case.market_params.btc
    if btc.discounts_btc_at_risk_free:
        params = replace(case.market_params, btc=replace(btc, drift_basis=DriftBasis.EXPECTED))
        case = replace(case, market_params=params)
    if case.scenario_override is None:
        return case
    snap, start = apply_start(case.snapshot, case.start_state, case.scenario_override)
    return replace(case, snapshot=snap, start_state=start)


def deterministic_scenarios(case: CompareCase, scenario: str | None = None) -> MarketScenarios:
    """The case's named scenario (under its ``[scenario]``) as a one-path market, long enough
    for the engine."""
    name = scenario_of(case, scenario)
    run_case = deterministic_case(case)
    return scenario_paths(
        run_case.snapshot,
        SCENARIOS[name],
        run_case.start_state,
        run_case.market_params,
        months=run_case.market_months + 1,
        override=case.scenario_override,
    )


def run_deterministic(case: CompareCase, scenario: str | None = None) -> DeterministicRun:
    """Value every available strategy on the case's named deterministic scenario."""
    name = scenario_of(case, scenario)
    scen = deterministic_scenarios(case, name.value)
    case = deterministic_case(case)
    v = evaluate_batch(case, scen, prepare(case), net_rows=1, exact_power=True)
    npv = dict(v.npv_usd)
    sums = stop = None
    lines: list[str] = []
    if v.option is not None and v.option_name is not None:
        # under certainty the best policy is the best fixed month
        by_month = v.option.stop_npv_usd[0]
        best = int(np.argmax(by_month))
        npv[v.option_name] = by_month[best : best + 1].copy()
        sums = v.option.stop_npv_usd.copy()
        stop = np.array([float(best)])
        h = case.horizon
        lines = [
            f"date {best}: convert (under certainty the best policy is a fixed month)"
            if best < h
            else "never convert within the horizon (under certainty, the best fixed month)"
        ]
    batch = BatchSummary(
        npv_usd=npv,
        sample_net_usd=dict(v.net_usd),
        sample_hashprice=v.hashprice_usd_per_ph_day,
        sample_btc_price=v.btc_price_usd,
        option_sums_usd=sums,
        option_stop_month=stop,
        option_name=v.option_name or "switch",
    )
    cmp = summarise(
        case,
        [batch],
        paths_asked=1,
        seed=0,
        lines=lines,
        interrupted=False,
        market=f"deterministic {name.value}",
    )
    note = market_table_note(case.market_keys, case.scenario_override)
    if note is not None:
        cmp.notes.append(note)
    return DeterministicRun(
        comparison=cmp, values=v, scenarios=scen, scenario=name.value, case=case
    )

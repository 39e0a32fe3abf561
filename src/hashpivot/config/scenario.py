"""``[scenario]``: the deterministic path's market, set by the user.

Every key is optional; an absent key keeps the named scenario's rate (``[mining] scenario``:
bear, base, bull) or the start's value (``[market]``, else the dated snapshot). Used by every
deterministic run: ``hashpivot mine``, ``lease`` and ``gpu-cloud`` on a site file and
``compare --deterministic``; a Monte Carlo ``compare`` says in its notes that it does not use
it. Bounds, units and sources are rows of config/parameters.csv::

    [scenario]
    btc_price_usd = 100000                     # start price
    btc_growth_per_year = 0.0                  # constant price
    network_hashrate_growth_per_month = 0.03   # +3%/month
    fees_btc_per_block = 0.05
    difficulty = 150e12                        # or network_hashrate_eh_s (not both)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from hashpivot.config.parameters import field
from hashpivot.market.deterministic import ScenarioOverride

__all__ = ["ScenarioTable"]


def _f(name: str) -> Any:
    return field(f"scenario.{name}")


class ScenarioTable(BaseModel):
    """``[scenario]``: overrides of the deterministic path (start and constant rates)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    btc_price_usd: float | None = _f("btc_price_usd")
    btc_growth_per_year: float | None = _f("btc_growth_per_year")
    network_hashrate_growth_per_month: float | None = _f("network_hashrate_growth_per_month")
    fees_btc_per_block: float | None = _f("fees_btc_per_block")
    difficulty: float | None = _f("difficulty")
    network_hashrate_eh_s: float | None = _f("network_hashrate_eh_s")

    @model_validator(mode="after")
    def _one_start(self) -> ScenarioTable:
        if self.difficulty is not None and self.network_hashrate_eh_s is not None:
            raise ValueError("either difficulty or network_hashrate_eh_s, not both")
        return self

    def override(self) -> ScenarioOverride:
        """The table as the engine's :class:`ScenarioOverride`."""
        return ScenarioOverride(**self.model_dump())

"""The strategies a site can follow, one module each, valued side by side on the same paths.

Built-ins (:class:`StrategyName`), registered in :mod:`.registry`:

- ``mine`` (:mod:`.mine`): keep mining to the horizon, then the site is worth its value as
  powered land and ASICs;
- ``lease`` (:mod:`.lease`): convert now to a powered shell / AI hall and lease it (exit at a
  cap rate);
- ``gpu_cloud`` (:mod:`.gpu_cloud`): convert now and sell GPU compute;
- ``switch`` (:mod:`.switch`): keep mining and convert when the fitted Longstaff-Schwartz policy
  says so (a composite of mine and the lease conversion);
- ``split`` (:mod:`.split`): lease a share of the site now, keep mining on the rest;
- ``sell`` (:mod:`.sell`): keep mining while a sale of the site as powered land closes.

Every value is pre-tax and unlevered, discounted with monthly flows at each month's end;
project debt and tax are post-processing of a strategy's cash flows (:mod:`hashpivot.valuation`).
"""

from hashpivot.engine.case import CompareCase, GpuOption, LeaseOption, PowerHistory, SaleTerms
from hashpivot.engine.strategies.base import (
    BatchContext,
    Factors,
    OptionInputs,
    Strategy,
    StrategyName,
    StrategyValue,
)
from hashpivot.engine.strategies.gpu_cloud import GpuTemplate, gpu_template
from hashpivot.engine.strategies.lease import LeaseTemplate, lease_template
from hashpivot.engine.strategies.registry import (
    BatchValues,
    available,
    evaluate_batch,
    prepare,
    register,
    registered,
)

__all__ = [
    "BatchContext",
    "BatchValues",
    "CompareCase",
    "Factors",
    "GpuOption",
    "GpuTemplate",
    "LeaseOption",
    "LeaseTemplate",
    "OptionInputs",
    "PowerHistory",
    "SaleTerms",
    "Strategy",
    "StrategyName",
    "StrategyValue",
    "available",
    "evaluate_batch",
    "gpu_template",
    "lease_template",
    "prepare",
    "register",
    "registered",
]

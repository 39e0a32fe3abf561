"""Market scenarios: many monthly futures of the six market drivers, seeded and reproducible.

:func:`simulate` draws one :class:`MarketScenarios` (every array ``(paths, months)``) from
:class:`MarketParams` and a :class:`StartState` with a passed-in ``numpy.random.Generator``.
:func:`simulate_chunked` splits the paths into chunks of a fixed ``chunk_paths`` and gives chunk
``i`` the generator of ``SeedSequence(seed).spawn(n_chunks)[i]``, so the result depends only on
``(seed, paths, chunk_paths)``: never on the order or the place (thread, process, Dask worker)
the chunks run. :func:`hashpivot.market.deterministic.scenario_paths` gives the deterministic
bear/base/bull single paths.

Defaults (:data:`DEFAULT_PARAMS`) come from :mod:`hashpivot.market.calibrate` on the shared
Coin Metrics history 2017-01..2025-08 and from dated market facts; every value is documented in
docs/methodology.md.
"""

from hashpivot.market.chunks import (
    ChunkSimulator,
    ChunkSpec,
    MapFn,
    chunk_specs,
    iter_chunks,
    simulate_chunked,
)
from hashpivot.market.params import DEFAULT_PARAMS, MarketParams, carry_forward
from hashpivot.market.simulate import BLOCK_PATHS, simulate
from hashpivot.market.state import MarketScenarios, StartState, subsidy_schedule_btc_per_block

__all__ = [
    "BLOCK_PATHS",
    "DEFAULT_PARAMS",
    "ChunkSimulator",
    "ChunkSpec",
    "MapFn",
    "MarketParams",
    "MarketScenarios",
    "StartState",
    "carry_forward",
    "chunk_specs",
    "iter_chunks",
    "simulate",
    "simulate_chunked",
    "subsidy_schedule_btc_per_block",
]

"""Chunks of paths, each seeded by its position: :func:`simulate_chunked` gives chunk ``i`` the
generator of ``SeedSequence(seed).spawn(n_chunks)[i]``, so results depend only on
``(seed, paths, chunk_paths)``, never on where or in what order the chunks run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from hashpivot.errors import InputError
from hashpivot.market.params import MarketParams
from hashpivot.market.simulate import _check_sizes, simulate
from hashpivot.market.state import MarketScenarios, StartState
from hashpivot.types import FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class ChunkSpec:
    """One chunk of paths: ``[first_path, first_path + paths)`` drawn from ``seed_sequence``."""

    index: int
    first_path: int
    paths: int
    seed_sequence: np.random.SeedSequence


def chunk_specs(
    paths: int, chunk_paths: int, seed: int | np.random.SeedSequence
) -> list[ChunkSpec]:
    """Split ``paths`` into ``ceil(paths / chunk_paths)`` chunks of ``chunk_paths`` (the last one
    shorter), chunk ``i`` seeded by child ``i`` of ``SeedSequence(seed).spawn(n_chunks)``.

    A passed SeedSequence is copied (same entropy and spawn key) before spawning, so calling
    twice gives the same children.
    """
    _check_sizes(1, paths)
    if chunk_paths < 1:
        raise InputError("chunk_paths", chunk_paths, "an integer >= 1")
    if isinstance(seed, np.random.SeedSequence):
        root = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    else:
        root = np.random.SeedSequence(seed)
    n = -(-paths // chunk_paths)
    children = root.spawn(n)
    return [
        ChunkSpec(
            index=i,
            first_path=i * chunk_paths,
            paths=min(chunk_paths, paths - i * chunk_paths),
            seed_sequence=children[i],
        )
        for i in range(n)
    ]


@dataclass(frozen=True, slots=True)
class ChunkSimulator:
    """A picklable callable ``spec -> (index, MarketScenarios)`` for any map (threads, processes,
    Dask ``client.map``). ``rent_anchor_usd_per_kw_month``: ``(months,)`` for every path, or
    ``(paths, months)``, one per path of the whole run (each chunk takes its own rows).
    ``rent_anchor_draw(spec, months)``: one anchor per path of the chunk ``(spec.paths,
    months)``, drawn where the chunk runs (e.g. :class:`hashpivot.market.power_gap.GapRentDraw`:
    nothing path-sized crosses to a Dask worker); it takes precedence."""

    params: MarketParams
    start: StartState
    months: int
    rent_anchor_usd_per_kw_month: FloatArray | None = None
    rent_anchor_draw: Callable[[ChunkSpec, int], FloatArray] | None = None

    def __call__(self, spec: ChunkSpec) -> tuple[int, MarketScenarios]:
        rng = np.random.default_rng(spec.seed_sequence)
        anchor = self.rent_anchor_usd_per_kw_month
        if anchor is not None and anchor.ndim == 2:  # one anchor per path: the chunk's rows
            anchor = anchor[spec.first_path : spec.first_path + spec.paths]
        if self.rent_anchor_draw is not None:  # drawn in the chunk, from the chunk's seed
            anchor = self.rent_anchor_draw(spec, self.months)
        sc = simulate(
            self.params, self.start, self.months, spec.paths, rng,
            rent_anchor_usd_per_kw_month=anchor,
        )  # fmt: skip
        return spec.index, sc


MapFn = Callable[
    [Callable[[ChunkSpec], tuple[int, MarketScenarios]], Sequence[ChunkSpec]],
    Iterable[tuple[int, MarketScenarios]],
]


def iter_chunks(
    params: MarketParams,
    start: StartState,
    months: int,
    paths: int,
    *,
    seed: int | np.random.SeedSequence,
    chunk_paths: int,
    rent_anchor_usd_per_kw_month: FloatArray | None = None,
) -> Iterator[tuple[ChunkSpec, MarketScenarios]]:
    """Yield ``(spec, scenarios)`` chunk by chunk, so memory stays at one chunk's arrays."""
    sim = ChunkSimulator(params, start, months, rent_anchor_usd_per_kw_month)
    for spec in chunk_specs(paths, chunk_paths, seed):
        yield spec, sim(spec)[1]


def simulate_chunked(
    params: MarketParams,
    start: StartState,
    months: int,
    paths: int,
    *,
    seed: int | np.random.SeedSequence,
    chunk_paths: int = 10_000,
    map_fn: MapFn | None = None,
    rent_anchor_usd_per_kw_month: FloatArray | None = None,
) -> MarketScenarios:
    """All chunks stacked in chunk order; ``map_fn`` runs the chunks (default: the built-in
    ``map``; e.g. ``ThreadPoolExecutor().map`` or a Dask wrapper). Results may come back in any
    order: they are placed by chunk index. Identical for any ``map_fn``."""
    specs = chunk_specs(paths, chunk_paths, seed)
    sim = ChunkSimulator(params, start, months, rent_anchor_usd_per_kw_month)
    runner: MapFn = map_fn if map_fn is not None else map
    parts: dict[int, MarketScenarios] = dict(runner(sim, specs))
    if sorted(parts) != list(range(len(specs))):
        raise InputError("map_fn", sorted(parts)[:10], f"one result per chunk 0..{len(specs) - 1}")
    return MarketScenarios.concat([parts[i] for i in range(len(specs))])

"""The rent index's own shock: ``rho z + sqrt(1 - rho^2) e`` (docs/methodology.md "Rent
markets"), ``z`` the common rent shock of the correlation, ``e`` drawn from a stream of its
own, so the other factors' draws (and every path of BTC, hashrate, fees, GPU rate and power)
are the same whatever the site's rent product."""

from __future__ import annotations

import math

import numpy as np

from hashpivot.types import FloatArray

#: the own rent shock's key under a generator's seed sequence: a stream of its own
RENT_STREAM = 0x4E7


def rent_own_generator(rng: np.random.Generator, stream: int = 0) -> np.random.Generator:
    """The generator of the rent index's own shocks for the simulation drawn from ``rng``:
    ``rng``'s seed sequence extended by :data:`RENT_STREAM` and ``stream`` (one per product;
    the same seed, the same draws, wherever the chunk runs; ``rng``'s own stream untouched)."""
    ss = rng.bit_generator.seed_seq
    assert isinstance(ss, np.random.SeedSequence)
    key = (*ss.spawn_key, RENT_STREAM, stream)
    child = np.random.SeedSequence(ss.entropy, spawn_key=key)
    return np.random.default_rng(child)


def rent_index_shocks(common: FloatArray, loading: float, own: np.random.Generator) -> FloatArray:
    """The index's standard normal shocks ``(steps, paths)``: ``rho z + sqrt(1 - rho^2) e``."""
    e = own.standard_normal(common.shape)
    return np.asarray(loading * common + math.sqrt(1.0 - loading**2) * e)

"""ASIC fleets: hashrate, power and efficiency.

Efficiency [J/TH] equals power [W] per hashrate [TH/s]. At e J/TH one MW runs 1e6 / e TH/s,
e.g. ~58.8 PH/s at 17 J/TH (market-facts.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True, slots=True, kw_only=True)
class AsicModel:
    """One ASIC model's nameplate spec.

    hashrate_th_s : nameplate hashrate [TH/s]
    power_w : power at the wall [W]
    """

    manufacturer: str
    model: str
    cooling: str
    hashrate_th_s: float
    power_w: float
    release: str = ""
    source: str = ""
    verified: str = ""

    @property
    def efficiency_j_per_th(self) -> float:
        """Energy per terahash [J/TH] = power [W] / hashrate [TH/s]."""
        return self.power_w / self.hashrate_th_s


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetLine:
    """``count`` machines of one kind."""

    name: str
    count: int
    hashrate_th_s: float  # per machine [TH/s]
    power_w: float  # per machine [W]

    @property
    def total_hashrate_th_s(self) -> float:
        return self.count * self.hashrate_th_s

    @property
    def total_power_w(self) -> float:
        return self.count * self.power_w


@dataclass(frozen=True, slots=True, kw_only=True)
class Fleet:
    """A site's fleet: the sum of its lines."""

    lines: tuple[FleetLine, ...]

    @classmethod
    def of(cls, lines: Sequence[FleetLine]) -> Fleet:
        return cls(lines=tuple(lines))

    @property
    def hashrate_th_s(self) -> float:
        """Nameplate fleet hashrate [TH/s]."""
        return float(sum(line.total_hashrate_th_s for line in self.lines))

    @property
    def hashrate_ph_s(self) -> float:
        return self.hashrate_th_s / 1000.0

    @property
    def power_mw(self) -> float:
        """Fleet power at the wall [MW], ASICs only (no cooling or losses)."""
        return float(sum(line.total_power_w for line in self.lines)) / 1e6

    @property
    def efficiency_j_per_th(self) -> float:
        """Hashrate-weighted fleet efficiency [J/TH] = total W / total TH/s."""
        return self.power_mw * 1e6 / self.hashrate_th_s


def ph_s_per_mw(efficiency_j_per_th: ArrayLike) -> NDArray[np.float64]:
    """Hashrate one MW of ASIC power runs [PH/s per MW] = 1e6 W / e [J/TH] / 1000."""
    return np.asarray(1000.0 / np.asarray(efficiency_j_per_th, dtype=np.float64))


def asic_power_available_mw(capacity_mw: float, overhead_frac: float) -> float:
    """ASIC power the site can host [MW] = gross capacity x (1 - overhead share)."""
    return capacity_mw * (1.0 - overhead_frac)


def degradation_factor(
    months_elapsed: ArrayLike, degradation_frac_per_year: float
) -> NDArray[np.float64]:
    """Hashrate remaining after ``months_elapsed`` at a constant annual decline [-].

    ``(1 - d) ** (months / 12)``: chips wear and fans/boards fail; power is assumed unchanged
    (a degraded machine still draws nameplate power), which is the conservative convention.
    """
    m = np.asarray(months_elapsed, dtype=np.float64)
    return np.asarray((1.0 - degradation_frac_per_year) ** (m / 12.0))

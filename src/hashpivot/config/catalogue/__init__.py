"""Package data: catalogues of equipment facts, each row with its source."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from hashpivot.errors import InputError
from hashpivot.mining.fleet import AsicModel


@cache
def asic_catalogue() -> dict[str, AsicModel]:
    """The ASIC catalogue (asic.csv), keyed by lower-case model name.

    Nameplate specs from manufacturer pages and reviews (see the ``source`` column; compiled in
    shared/data/asic_models.csv with a verification flag). Nameplate specs carry +-3-10% tolerance.
    """
    text = resources.files(__package__).joinpath("asic.csv").read_text(encoding="utf-8")
    out: dict[str, AsicModel] = {}
    for row in csv.DictReader(text.splitlines()):
        model = AsicModel(
            manufacturer=row["manufacturer"],
            model=row["model"],
            cooling=row["cooling"],
            hashrate_th_s=float(row["hashrate_th_s"]),
            power_w=float(row["power_w"]),
            release=row["release"],
            source=row["source"],
            verified=row["verified"],
        )
        out[model.model.lower()] = model
    return out


def find_asic(name: str, *, field: str = "model") -> AsicModel:
    """Look up a catalogue model by name (case-insensitive, 'Antminer '/'Whatsminer ' optional)."""
    cat = asic_catalogue()
    key = " ".join(name.lower().split())
    if key in cat:
        return cat[key]
    for prefix in ("antminer ", "whatsminer ", "avalonminer ", "avalon "):
        if prefix + key in cat:
            return cat[prefix + key]
    raise InputError(field, name, "a model of the ASIC catalogue (see `hashpivot asics`)")

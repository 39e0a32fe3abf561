"""What a request names as its site: an example, a site file's text, or the same as JSON, with
the dashboard's form overrides. Parsed (``tomllib``), never executed; written as TOML only
inside the run's folder of the store."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field

from hashpivot.errors import InputError

__all__ = ["OVERRIDE_FIELDS", "Overrides", "SiteDoc", "SiteInput", "examples_dir", "resolve"]

#: the only price file a submitted site may name: one of the shared data folder's files
SHARED_PREFIX = "${HASHPIVOT_SHARED_DATA}/"

#: the form's fields -> (site file key, unit)
OVERRIDE_FIELDS: dict[str, tuple[str, str, str]] = {
    "power_price_usd_per_mwh": ("power", "price_usd_per_mwh", "USD/MWh"),
    "rent_usd_per_kw_month": ("lease", "rent_usd_per_kw_month", "USD/kW-month"),
    "fitout_capex_usd_per_it_mw": ("conversion", "fitout_capex_usd_per_it_mw", "USD per IT MW"),
    "shell_capex_usd_per_it_mw": ("conversion", "shell_capex_usd_per_it_mw", "USD per IT MW"),
    "btc_price_usd": ("market", "btc_price_usd", "USD"),
    "btc_vol_per_year": ("market", "btc_vol_per_year", "1/year^0.5"),
}


def examples_dir() -> Path:
    """``examples/sites`` of the source tree this package runs from."""
    return Path(__file__).resolve().parents[3] / "examples" / "sites"


def example_names() -> list[str]:
    """The example sites (file stems), sorted."""
    d = examples_dir()
    return sorted(p.stem for p in d.glob("*.toml")) if d.is_dir() else []


class Overrides(BaseModel):
    """The dashboard's key inputs; each replaces the site file's value (units in the names;
    the site file's bounds apply)."""

    model_config = ConfigDict(extra="forbid")

    power_price_usd_per_mwh: float | None = Field(None, description="[power] price, USD/MWh")
    rent_usd_per_kw_month: float | None = Field(None, description="[lease] rent, USD/kW-month")
    fitout_capex_usd_per_it_mw: float | None = Field(None, description="USD per IT MW")
    shell_capex_usd_per_it_mw: float | None = Field(None, description="USD per IT MW")
    btc_price_usd: float | None = Field(None, description="[market] BTC price today, USD")
    btc_vol_per_year: float | None = Field(None, description="[market] BTC volatility, 1/yr^0.5")


class SiteInput(BaseModel):
    """Exactly one of ``example`` (a name from GET /v1/examples), ``site_toml`` (a site file's
    text) or ``site`` (the same tables as JSON), and optional ``overrides``."""

    model_config = ConfigDict(extra="forbid")

    example: str | None = Field(None, max_length=200)
    site_toml: str | None = None
    site: dict[str, Any] | None = None
    overrides: Overrides | None = None


@dataclass(frozen=True, slots=True)
class SiteDoc:
    """A resolved site: the text as submitted, its format, the effective tables, its name."""

    text: str
    fmt: Literal["example", "toml", "json"]
    inputs: dict[str, Any]
    name: str
    original: Path | None  # an example file used as it is (no overrides)

    def write(self, folder: Path) -> Path:
        """The site file the engine reads: the example itself, or ``folder/site.toml``."""
        if self.original is not None:
            return self.original
        out = folder / "site.toml"
        out.write_text(tomli_w.dumps(self.inputs), encoding="utf-8")
        return out


def _load(inp: SiteInput) -> tuple[str, Literal["example", "toml", "json"], dict[str, Any]]:
    given = [k for k in ("example", "site_toml", "site") if getattr(inp, k) is not None]
    if len(given) != 1:
        raise InputError("site", given or "none", "exactly one of example, site_toml, site")
    if inp.example is not None:
        if inp.example not in example_names():
            raise InputError("example", inp.example, "one of " + ", ".join(example_names()))
        text = (examples_dir() / f"{inp.example}.toml").read_text(encoding="utf-8")
        return text, "example", tomllib.loads(text)
    if inp.site_toml is not None:
        try:
            return inp.site_toml, "toml", tomllib.loads(inp.site_toml)
        except tomllib.TOMLDecodeError as exc:
            raise InputError("site_toml", str(exc), "valid TOML") from None
    assert inp.site is not None
    import json

    return json.dumps(inp.site, sort_keys=True), "json", dict(inp.site)


def _check_tables(inputs: dict[str, Any], fmt: str) -> None:
    """Tables are tables; a submitted file names no file but the shared data's."""
    for key, value in inputs.items():
        if key in ("fleet", "site") or not isinstance(value, dict):
            continue
        src = value.get("source") if key == "power" else None
        if fmt != "example" and src is not None:
            ok = isinstance(src, str) and src.startswith(SHARED_PREFIX) and ".." not in src
            if not ok:
                raise InputError(
                    "power.source", src, f"a file of the shared data folder ({SHARED_PREFIX}NAME)"
                )
    try:
        tomli_w.dumps(inputs)
    except (TypeError, ValueError) as exc:
        raise InputError("site", "(JSON)", f"tables TOML can hold ({exc})") from None


def resolve(inp: SiteInput) -> SiteDoc:
    """The site a request names, with its overrides applied (InputError naming the field)."""
    text, fmt, inputs = _load(inp)
    changed = False
    for name, value in (inp.overrides.model_dump() if inp.overrides else {}).items():
        if value is None:
            continue
        table, key, _unit = OVERRIDE_FIELDS[name]
        current = inputs.get(table)
        if current is not None and not isinstance(current, dict):
            raise InputError(table, current, "a table")
        inputs[table] = {**(current or {}), key: value}
        changed = True
    _check_tables(inputs, fmt)
    site = inputs.get("site")
    name = str(site.get("name", "")) if isinstance(site, dict) else ""
    original = examples_dir() / f"{inp.example}.toml" if fmt == "example" and not changed else None
    return SiteDoc(text=text, fmt=fmt, inputs=inputs, name=name[:200], original=original)

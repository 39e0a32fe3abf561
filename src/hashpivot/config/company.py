"""The company file (TOML): a mining company as the sites it owns, its net debt and overhead.

::

    [company]
    name = "Example Mining Co (illustrative)"
    shares_outstanding = 120_000_000     # optional: equity per share
    net_debt_usd = 150_000_000           # debt + leases - cash (negative: net cash)
    corporate_ga_usd_per_year = 24_000_000   # G&A not in any site's opex
    ga_months = 60                       # months of G&A valued (default 60)
    discount_rate = 0.12                 # for the G&A, annual effective (default 0.12)

    [[site]]
    file = "../sites/permian-west-100mw-s21.toml"   # a site file, relative to this file
    ownership_frac = 1.0                 # the company's share (JV sites < 1)
    value_as = "recommended"             # recommended | mine | lease | gpu_cloud | switch |
                                         # split | sell

Unknown keys are errors; one message names the field, the value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hashpivot.config.errors import first_input_error
from hashpivot.config.files import read_toml
from hashpivot.config.parameters import field

_STRICT = ConfigDict(extra="forbid", frozen=True)

ValueAs = Literal["recommended", "mine", "lease", "gpu_cloud", "switch", "split", "sell"]


def _f(name: str) -> Any:
    return field(name, file="company")


class CompanyTable(BaseModel):
    """``[company]``."""

    model_config = _STRICT
    name: str = _f("company.name")
    shares_outstanding: float | None = _f("company.shares_outstanding")
    net_debt_usd: float = _f("company.net_debt_usd")
    corporate_ga_usd_per_year: float = _f("company.corporate_ga_usd_per_year")
    ga_months: int = _f("company.ga_months")
    discount_rate: float = _f("company.discount_rate")


class CompanySite(BaseModel):
    """``[[site]]``: one site file and how the company holds it."""

    model_config = _STRICT
    file: str = _f("site.file")
    ownership_frac: float = _f("site.ownership_frac")
    value_as: ValueAs = _f("site.value_as")


class CompanyFile(BaseModel):
    """The whole company file."""

    model_config = _STRICT
    company: CompanyTable
    site: list[CompanySite] = Field(min_length=1, max_length=200)

    def site_paths(self, base_dir: Path) -> list[Path]:
        """Each site file's path (relative ones against the company file's folder)."""
        return [p if p.is_absolute() else base_dir / p for p in (Path(s.file) for s in self.site)]


def load_company(path: str | Path) -> CompanyFile:
    """Read and validate a company file."""
    try:
        return CompanyFile.model_validate(read_toml(path))
    except ValidationError as exc:
        raise first_input_error(exc, source=str(path)) from None

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
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hashpivot.config.errors import first_input_error
from hashpivot.config.files import read_toml

_STRICT = ConfigDict(extra="forbid", frozen=True)

ValueAs = Literal["recommended", "mine", "lease", "gpu_cloud", "switch", "split", "sell"]


class CompanyTable(BaseModel):
    """``[company]``."""

    model_config = _STRICT
    name: str = Field(min_length=1)
    shares_outstanding: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    net_debt_usd: float = Field(default=0.0, ge=-1e13, le=1e13, allow_inf_nan=False)
    corporate_ga_usd_per_year: float = Field(default=0.0, ge=0, le=1e11, allow_inf_nan=False)
    ga_months: int = Field(default=60, ge=0, le=600)
    discount_rate: float = Field(default=0.12, gt=-1, le=1, allow_inf_nan=False)


class CompanySite(BaseModel):
    """``[[site]]``: one site file and how the company holds it."""

    model_config = _STRICT
    file: str = Field(min_length=1)
    ownership_frac: float = Field(default=1.0, gt=0, le=1)
    value_as: ValueAs = "recommended"


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

"""The assumption rows of a lease result: each input with its value, unit and source.

Rows are ``{name, value, source}``: the source is the lease file where the file sets the key,
else the documented default with its reference (config/parameters.csv, docs/methodology.md).
:func:`defaulted_rows` and :func:`conversion_rows` are shared with the GPU cloud rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from hashpivot.config.conversion import ConversionConfig
from hashpivot.config.parameters import parameter
from hashpivot.valuation.projects import ValuationAssumptions

if TYPE_CHECKING:
    from hashpivot.compute.shell import LeaseTerms
    from hashpivot.config.lease import LeaseCase, LeaseConfig

__all__ = ["conversion_rows", "defaulted_rows", "lease_assumption_rows"]

_FROM_FILE = "lease file"


def _src(model: BaseModel, name: str, default_source: str, file_source: str) -> str:
    return file_source if name in model.model_fields_set else default_source


def defaulted_rows(tables: tuple[str, ...]) -> list[dict[str, str]]:
    """One row per table the file lacks: valued on the documented defaults."""
    return [
        {
            "name": f"[{t}]",
            "value": "every key at its documented default (docs/site-file.md)",
            "source": f"default: no [{t}] table",
        }
        for t in tables
    ]


def conversion_rows(v: ConversionConfig, file_source: str) -> list[dict[str, str]]:
    """Rows of the conversion: PUE, works, shell and fit-out capex, with their sources."""
    conv_rows = [
        ("PUE", f"{v.pue:g}", "pue", "default 1.2: designs 1.18-1.25 (market-facts.md)"),
        (
            "construction",
            f"{v.construction_months} months",
            "construction_months",
            "default 18: Morgan Stanley 18-24 months",
        ),
        (
            "shell capex",
            f"${v.shell_capex_usd_per_it_mw / 1e6:,.2f}M/IT MW",
            "shell_capex_usd_per_it_mw",
            "default $2.0M: Hut 8 powered shell ~$2M/MW",
        ),
        (
            "fit-out capex",
            f"${v.fitout_capex_usd_per_it_mw / 1e6:,.2f}M/IT MW, paid by {v.fitout_paid_by.value}",
            "fitout_capex_usd_per_it_mw",
            "default $7.64M: with the shell, MS reconstruction $9.64M/MW",
        ),
    ]
    return [
        {"name": n, "value": val, "source": _src(v, key, d, file_source)}
        for n, val, key, d in conv_rows
    ]


#: An assumption row before its source is settled: (name, value, field, default source).
_Row = tuple[str, str, str, str]


def _deal_rows(c: LeaseConfig, t: LeaseTerms) -> list[_Row]:
    """Rows of the deal as signed: tenant, lease type, leased MW, rent, term, concessions."""
    return [
        ("terms from", c.source or "-", "source", "-"),
        ("tenant", c.tenant or "-", "tenant", "-"),
        ("tenant credit", c.tenant_credit.value, "tenant_credit", "default: hyperscaler"),
        ("lease type", c.lease_type.value, "lease_type", "default: triple_net"),
        ("leased critical IT", f"{t.it_mw:,.1f} MW", "it_mw", "default: gross MW / PUE"),
        (
            "year-1 rent",
            f"${t.rent_usd_per_kw_month:,.2f}/kW-month",
            "rent_usd_per_mw_year" if c.rent_usd_per_mw_year else "rent_usd_per_kw_month",
            "default: " + parameter("lease.rent_usd_per_kw_month").source,
        ),
        (
            "escalator",
            f"{c.escalator_frac_per_year:.2%}/yr",
            "escalator_frac_per_year",
            "default 3%/yr: TeraWulf-Core42 (market-facts.md, 2024)",
        ),
        (
            "base term",
            f"{c.term_years:g} years",
            "term_years",
            "default: " + parameter("lease.term_years").source,
        ),
        (
            "renewals",
            f"{c.renewal_options} x {c.renewal_term_years:g} y ({c.renewals_assumed} assumed)",
            "renewal_options",
            "default: none",
        ),
        ("free rent", f"{c.free_rent_months} months", "free_rent_months", "default: none"),
        ("prepayment", f"{c.prepayment_months:g} months", "prepayment_months", "default: none"),
        ("ramp", f"{c.ramp_months} months", "ramp_months", "default: none"),
    ]


def _landlord_cost_rows(c: LeaseConfig) -> list[_Row]:
    """Rows of the landlord's costs: management fee [share of rent], recoverable opex and
    maintenance capex [USD/IT MW-yr]."""
    est = "hashpivot estimate (2025)"
    recoverable = (
        c.property_tax_usd_per_it_mw_year
        + c.insurance_usd_per_it_mw_year
        + c.maintenance_opex_usd_per_it_mw_year
    )
    return [
        ("management fee", f"{c.management_fee_frac:.1%} of rent", "management_fee_frac", est),
        (
            "recoverable opex (tax+insurance+maintenance)",
            f"${recoverable:,.0f}/IT MW-yr",
            "property_tax_usd_per_it_mw_year",
            est,
        ),
        (
            "maintenance capex",
            f"${c.maintenance_capex_usd_per_it_mw_year:,.0f}/IT MW-yr",
            "maintenance_capex_usd_per_it_mw_year",
            est,
        ),
    ]


def _valuation_rows(case: LeaseCase) -> list[_Row]:
    """Rows of the valuation: cap rate, exit cap rate, discount rate [1/yr], hold [months]."""
    c, a = case.config, case.assumptions
    return [
        (
            "cap rate",
            f"{a.cap_rate_frac:.2%}",
            "cap_rate_frac",
            f"default for {c.tenant_credit.value}: Morgan Stanley 2025 reconstruction / JLL",
        ),
        ("exit cap rate", f"{a.exit_cap_rate_frac:.2%}", "exit_cap_rate_frac", "= cap rate"),
        (
            "discount rate",
            f"{a.discount_rate_per_year:.2%}/yr (monthly (1+r)^(1/12)-1)",
            "discount_rate",
            "default: cap rate + escalator (Gordon)",
        ),
        (
            "hold",
            f"{case.months} months from {case.start.isoformat()}",
            "hold_years",
            "default: to the lease end",
        ),
    ]


def _financing_rows(a: ValuationAssumptions) -> list[dict[str, str]]:
    """Rows of the project debt and the income tax, where the lease file has them."""
    out: list[dict[str, str]] = []
    if a.debt is not None:
        d = a.debt
        out.append(
            {
                "name": "project debt",
                "value": f"LTC {d.ltc_frac:.0%}, {d.rate_per_year:.2%}/yr, "
                f"{d.tenor_months} months, {d.amortisation.value}, min DSCR {d.min_dscr:g}",
                "source": _FROM_FILE + " [lease.debt]",
            }
        )
    if a.tax is not None:
        out.append(
            {
                "name": "income tax",
                "value": f"{a.tax.rate_frac:.1%}, {a.tax.method.value} {a.tax.life_years:g} y",
                "source": _FROM_FILE + " [lease.tax]",
            }
        )
    return out


def _usd(x: float) -> str:
    """A signed dollar amount: -$46.63, +$5.00."""
    return f"{'-' if x < 0 else '+'}${abs(x):,.2f}"


def _rent_index_rows(case: LeaseCase) -> list[_Row]:
    """Rows of the rent against its product's index (docs/methodology.md "Rent markets")."""
    r = case.rent
    return [
        (
            "rent product",
            f"{r.product.value}: index ${r.index_today_usd_per_kw_month:,.2f}/kW-month today",
            "product",
            "default: ai_hall where the landlord pays a fit-out, else powered_shell",
        ),
        (
            "rent basis",
            f"{r.basis.value}, spread {_usd(r.spread_usd_per_kw_month)}/kW-month over the index"
            + (
                " today (implied: contract - index today; on a site, compare measures it "
                "against the index expected at the site's first month)"
                if r.basis.value == "signed"
                else ""
            ),
            "rent_basis",
            "default: signed",
        ),
    ]


def lease_assumption_rows(case: LeaseCase) -> list[dict[str, str]]:
    """Rows ``{name, value, source}`` for every assumption a reader needs beside the result."""
    c = case.config
    rows = [
        *_deal_rows(c, case.terms),
        *_rent_index_rows(case),
        *_landlord_cost_rows(c),
        *_valuation_rows(case),
    ]
    out = defaulted_rows(case.defaulted)
    out += [
        {"name": n, "value": val, "source": _src(c, key, d, _FROM_FILE)} for n, val, key, d in rows
    ]
    out += conversion_rows(case.conversion_config, _FROM_FILE + " [conversion]")
    out += _financing_rows(case.assumptions)
    return out

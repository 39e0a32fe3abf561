"""The workbook's Inputs sheet: every input of the model as a named cell, with unit and source.

The numeric inputs the model sheets' formulas read (power price, rent, conversion capex,
discount rates, uptime, pool fee, ...) are named cells (``Workbook.define_name``,
https://xlsxwriter.readthedocs.io/workbook.html#define_name): a formula says
``=energy * power_price_usd_per_mwh``, not ``=E5*Inputs!$B$9``. Below them, every assumption of
the run (:func:`hashpivot.api.compare.assumptions`, text) is a named cell too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hashpivot.adapters.reports.excel_data import ConversionData, ModelData
from hashpivot.adapters.reports.excel_style import Formats, cell, write_headers, write_text
from hashpivot.engine.case import CompareCase

SHEET = "Inputs"

#: what a row's "In the model" column says
LEVER = "lever: the model's formulas read it"
DERIVED = "formula (from the inputs above)"
INFO = "in the values (change it in the site file and re-run)"


@dataclass(frozen=True, slots=True)
class Input:
    """One named input: its Excel name, label, value (a number or a formula), unit, source."""

    name: str
    label: str
    value: float | str
    unit: str
    source: str
    role: str = LEVER
    kind: str = "num"


def _fleet_inputs(case: CompareCase) -> list[Input]:
    m, src = case.mining, "site file [mining]"
    return [
        Input("capacity_mw", "Site capacity (gross)", m.capacity_mw, "MW", src),
        Input(
            "overhead_frac",
            "Overhead share of the site's draw",
            m.overhead_frac,
            "fraction",
            src,
            kind="pct",
        ),
        Input("fleet_th_s", "Fleet hashrate (nameplate)", m.fleet.hashrate_th_s, "TH/s", src, INFO),
        Input("fleet_power_mw", "Fleet ASIC power", m.fleet.power_mw, "MW", src),
        Input(
            "asic_price_usd_per_th",
            "ASIC price",
            m.asic_price_usd_per_th,
            "USD per TH/s",
            src,
            kind="usd2",
        ),
        Input(
            "fleet_value_usd",
            "Fleet value at the ASIC price",
            "=fleet_th_s*asic_price_usd_per_th",
            "USD",
            "fleet TH/s x ASIC price",
            DERIVED,
            "usd",
        ),
        Input("uptime_frac", "Availability (uptime)", m.uptime_frac, "fraction", src, kind="pct"),
        Input("pool_fee_frac", "Pool fee", m.pool_fee_frac, "fraction", src, kind="pct"),
    ]


def _cost_inputs(case: CompareCase, data: ModelData) -> list[Input]:
    m, src = case.mining, "site file [mining]"
    power = (
        Input(
            "power_price_usd_per_mwh",
            "Power price (all-in)",
            m.power_price_usd_per_mwh,
            "USD/MWh",
            src,
            kind="usd2",
        )
        if data.fixed_power
        else Input(
            "power_price_change_usd_per_mwh",
            "Power price change on the market path",
            0.0,
            "USD/MWh",
            "0 = the engine's path (Market path sheet)",
            kind="usd2",
        )
    )
    return [
        power,
        Input(
            "opex_usd_per_month",
            "Other opex (staff, hosting, maintenance)",
            m.opex_usd_per_month,
            "USD/month",
            src,
            kind="usd",
        ),
        Input(
            "discount_rate", "Site discount rate", m.discount_rate, "fraction/year", src, kind="pct"
        ),
    ]


def _sale_inputs(case: CompareCase) -> list[Input]:
    s, src = case.sale, "site file [sale] (default: B. Riley $0.4-0.55M/MW powered land)"
    return [
        Input(
            "sale_price_usd_per_mw",
            "Powered-land sale price today",
            s.price_usd_per_mw,
            "USD/MW",
            src,
            kind="usd",
        ),
        Input("sale_cost_frac", "Sale transaction costs", s.cost_frac, "fraction", src, kind="pct"),
        Input(
            "months_to_close",
            "Months to close a sale",
            float(s.months_to_close),
            "months",
            src,
            kind="int",
        ),
    ]


def _lease_inputs(c: ConversionData) -> list[Input]:
    src = "site file [lease] (or its documented default)"
    return [
        Input(
            "rent_usd_per_kw_month",
            "Lease rent at signing",
            c.rent_usd_per_kw_month,
            "USD/kW-month",
            src,
            kind="usd2",
        ),
        Input(
            "rent_base_usd_per_kw_month",
            "Rent behind the lease values",
            c.rent_usd_per_kw_month,
            "USD/kW-month",
            src,
            INFO,
            "usd2",
        ),
        Input(
            "rent_factor",
            "Rent factor",
            "=IF(rent_base_usd_per_kw_month=0,1,rent_usd_per_kw_month/rent_base_usd_per_kw_month)",
            "x",
            "rent / base rent",
            DERIVED,
            "factor",
        ),
        Input(
            "escalator_frac_per_year",
            "Rent escalator",
            c.escalator_frac_per_year,
            "fraction/year",
            src,
            INFO,
            "pct",
        ),
        Input(
            "exit_cap_rate",
            "Exit cap rate",
            c.exit_cap_rate_frac,
            "fraction/year",
            src,
            INFO,
            "pct",
        ),
        Input(
            "lease_discount_rate",
            "Lease discount rate",
            c.discount_rate_per_year,
            "fraction/year",
            src + "; cap rate + escalator",
            kind="pct",
        ),
    ]


def _capex_inputs(c: ConversionData) -> list[Input]:
    src = "site file [lease] conversion (or its documented default)"
    return [
        Input("it_mw", "IT capacity converted", c.it_mw, "MW (IT)", src, INFO),
        Input(
            "conversion_capex_usd_per_it_mw",
            "Conversion capex (landlord)",
            c.capex_usd_per_it_mw,
            "USD per IT MW",
            src,
            kind="usd",
        ),
        Input(
            "capex_base_usd_per_it_mw",
            "Capex behind the lease values",
            c.capex_usd_per_it_mw,
            "USD per IT MW",
            src,
            INFO,
            "usd",
        ),
        Input(
            "capex_factor",
            "Capex factor",
            "=IF(capex_base_usd_per_it_mw=0,1,"
            "conversion_capex_usd_per_it_mw/capex_base_usd_per_it_mw)",
            "x",
            "capex / base capex",
            DERIVED,
            "factor",
        ),
        Input(
            "conversion_capex_usd",
            "Conversion capex, total",
            "=conversion_capex_usd_per_it_mw*it_mw",
            "USD",
            "capex per IT MW x IT MW",
            DERIVED,
            "usd",
        ),
    ]


def _ai_inputs(case: CompareCase, data: ModelData) -> list[Input]:
    c = data.conversion
    rows: list[Input] = []
    if c is not None:
        best = float(data.best_month if data.best_month is not None else 0)
        rows += _lease_inputs(c) + _capex_inputs(c)
        rows += [
            Input(
                "split_lease_frac",
                "Share leased in split",
                case.split_lease_frac,
                "fraction",
                "site file [compare]",
                kind="pct",
            ),
            Input(
                "switch_month",
                "Switch: conversion month (0 = now)",
                best,
                "month index",
                "the engine's best fixed month on this path",
                kind="int",
            ),
        ]
    if data.gpu_net_usd is not None:
        rows.append(
            Input(
                "gpu_discount_rate",
                "GPU cloud discount rate",
                data.gpu_discount_rate_per_year,
                "fraction/year",
                "site file [gpu] (or its documented default)",
                kind="pct",
            )
        )
        rows.append(
            Input(
                "gpu_contract_rate",
                "GPU contract discount rate (contracted share's net flows)",
                data.gpu_contract_rate_per_year
                if data.gpu_contract_rate_per_year is not None
                else data.gpu_discount_rate_per_year,
                "fraction/year",
                "risk-free + the counterparty's credit spread (site file [gpu_cloud]); "
                "without a counterparty credit, the GPU cloud discount rate",
                kind="pct",
            )
        )
    return rows


def model_inputs(case: CompareCase, data: ModelData) -> list[Input]:
    """The named inputs of the model sheets, in sheet order."""
    return (
        _fleet_inputs(case) + _cost_inputs(case, data) + _sale_inputs(case) + _ai_inputs(case, data)
    )


def _slug(text: str, taken: set[str]) -> str:
    base = "a_" + (re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "x")
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def write_inputs(
    wb: Any,
    fmt: Formats,
    case: CompareCase,
    data: ModelData,
    assumptions: list[tuple[str, str, str]],
) -> None:
    """The Inputs sheet: the site's name in B2, the named numeric inputs, then the assumptions."""
    ws = wb.add_worksheet(SHEET)
    write_headers(
        ws,
        0,
        ["Input", "Value", "Unit", "Source", "In the model", "Excel name"],
        fmt.header,
        height=20,
    )
    write_text(ws, 1, 0, "Site")
    write_text(ws, 1, 1, case.mining.name)
    r = 2
    for it in model_inputs(case, data):
        write_text(ws, r, 0, it.label)
        f = fmt.num(it.kind)
        if isinstance(it.value, str):
            ws.write_formula(r, 1, it.value, f)
        else:
            ws.write_number(r, 1, float(it.value), fmt.lever(it.kind) if it.role == LEVER else f)
        for j, text in enumerate((it.unit, it.source, it.role, it.name), start=2):
            write_text(ws, r, j, text)
        wb.define_name(it.name, f"={SHEET}!{cell(r, 1, absolute=True)}")
        r += 1
    r += 1
    write_text(ws, r, 0, "Assumptions of the run (text; the model's numbers are above)", fmt.title)
    r += 1
    write_headers(
        ws,
        r,
        ["Assumption", "Value", "Unit", "Source", "In the model", "Excel name"],
        fmt.header,
        height=20,
    )
    taken: set[str] = set()
    for name, value, source in assumptions:
        r += 1
        write_text(ws, r, 0, name)
        write_text(ws, r, 1, value)
        write_text(ws, r, 2, "as written")
        write_text(ws, r, 3, source)
        write_text(ws, r, 4, INFO)
        slug = _slug(name, taken)
        write_text(ws, r, 5, slug)
        wb.define_name(slug, f"={SHEET}!{cell(r, 1, absolute=True)}")
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 50)
    ws.set_column(4, 5, 30)

"""The workbook's conversion sheets: the lease template by age, ``lease``, ``switch``, ``split``.

The lease's flows are affine in the rent multiplier at signing and in the capex
(:mod:`hashpivot.engine.strategies.lease`): by age since converting, a fixed part, the capex,
the ASIC sale and the rent part. The Conversion sheet holds them as values (the lease schedule:
ramp, free rent, escalator, renewals, opex; the exit at the cap rate on the forward NOI); the
Lease and Switch sheets combine them with formulas: capex x the capex factor, rent x the rent
factor x the market rent multiplier at signing, each discounted at the site's rate up to the
conversion month and at the lease's rate after it (the engine's ``conversion_values``). The
Switch sheet converts at the named ``switch_month`` (the engine's best fixed month): change it
and the sheet re-times the conversion.
"""

from __future__ import annotations

from typing import Any

from hashpivot.adapters.reports.excel_data import ConversionData, ModelData
from hashpivot.adapters.reports.excel_model import (
    MINE,
    MINE_DF,
    MINE_NET,
    MINE_NET_ALL,
    MINE_RESIDUAL,
    Results,
    market_range,
    mine_cell,
)
from hashpivot.adapters.reports.excel_rows import (
    TABLE_ROW0,
    Cell,
    Head,
    data_range,
    strategy_sheet,
)
from hashpivot.adapters.reports.excel_style import (
    Formats,
    cell,
    sheet_ref,
    write_headers,
    write_text,
)

CONVERSION = "Conversion"
LEASE = "Lease model"
SWITCH = "Switch model"
SPLIT = "Split model"
CONV_COLUMNS = (
    ("Age: months since converting (or months left for the exit columns)", "int"),
    ("Lease fixed flows: opex, fit-out, NOI before rent (USD)", "usd"),
    ("Conversion capex at the base capex (USD)", "usd"),
    ("ASIC sale at today's fleet value (USD)", "usd"),
    ("Rent at the base rent and today's market rent (USD)", "usd"),
    ("Share of the site still mining (fraction)", "pct"),
    ("Exit with k months left: fixed part (USD)", "usd"),
    ("Exit: capex part (USD)", "usd"),
    ("Exit: ASIC-sale part (USD)", "usd"),
    ("Exit: rent part (USD)", "usd"),
    ("ASIC sale value multiplier for a conversion at month m", "factor"),
)


def _conv_range(col: int, h: int) -> str:
    top, bottom = cell(1, col, absolute=True), cell(1 + h, col, absolute=True)
    return sheet_ref(CONVERSION, f"{top}:{bottom}")


def write_conversion(wb: Any, fmt: Formats, c: ConversionData, h: int) -> None:
    """The Conversion sheet: the lease template's parts by age (values, from the engine)."""
    ws = wb.add_worksheet(CONVERSION)
    write_headers(ws, 0, [name for name, _ in CONV_COLUMNS], fmt.header, height=75)
    by_age = (c.fixed_usd, c.capex_usd, c.fleet_usd, c.rent_usd, c.mining_share)
    by_left = (
        c.exit_fixed_usd,
        c.exit_capex_usd,
        c.exit_fleet_usd,
        c.exit_rent_usd,
        c.sold_at_mult,
    )
    for a in range(h + 1):
        r = 1 + a
        ws.write_number(r, 0, a, fmt.num("int"))
        for j, arr in enumerate(by_age, start=1):
            if a < h:
                ws.write_number(r, j, float(arr[a]), fmt.num(CONV_COLUMNS[j][1]))
        for j, arr in enumerate(by_left, start=6):
            ws.write_number(r, j, float(arr[a]), fmt.num(CONV_COLUMNS[j][1]))
    write_text(
        ws,
        0,
        len(CONV_COLUMNS) + 1,
        "Values from the engine's lease template (lease schedule, ramp, escalator, renewals, "
        "opex; the exit at the cap rate on the forward 12-month NOI). The Lease and Switch "
        "sheets scale the capex and rent parts with formulas.",
        fmt.note,
    )
    ws.freeze_panes(1, 1)
    ws.set_column(0, len(CONV_COLUMNS) - 1, 18)


#: Lease / Switch columns (header, number kind)
LEASE_COLUMNS = (
    ("Month", None),
    ("Age since converting (months)", "int"),
    ("Mining on the site (USD)", "usd"),
    ("Lease fixed flows (USD)", "usd"),
    ("Conversion capex (USD)", "usd"),
    ("ASIC sale (USD)", "usd"),
    ("Rent (USD)", "usd"),
    ("Exit value at the horizon (USD)", "usd"),
    ("Lease net (USD)", "usd"),
    ("Net cash flow (USD)", "usd"),
    ("Discount factor (site rate)", "factor"),
    ("Discount factor (site rate to conversion, lease rate after)", "factor"),
    ("Present value (USD)", "usd"),
)


def _lease_row(t: int, h: int) -> list[Cell]:
    """Formulas of month ``t`` (columns 1..12); the conversion month is $B$7 (m)."""
    n = TABLE_ROW0 + t + 1
    age = f"B{n}"

    def by_age(col: int) -> str:
        return f"INDEX({_conv_range(col, h)},{age}+1)"

    def by_left(col: int) -> str:
        return f"INDEX({_conv_range(col, h)},{h}-$B$7+1)"

    exit_ = "=0"
    if t == h - 1:
        lease_exit = (
            f"{by_left(6)}+capex_factor*{by_left(7)}+$B$9*{by_left(8)}"
            f"+rent_factor*$B$8*{by_left(9)}"
        )
        exit_ = f"=IF($B$7>={h},{mine_cell(MINE_RESIDUAL, t)},{lease_exit})"
    return [
        f"={t}-$B$7",
        f"={mine_cell(MINE_NET, t)}*IF({age}<0,1,{by_age(5)})",
        f"=IF({age}<0,0,{by_age(1)})",
        f"=IF({age}<0,0,capex_factor*{by_age(2)})",
        f"=IF({age}<0,0,$B$9*{by_age(3)})",
        f"=IF({age}<0,0,rent_factor*$B$8*{by_age(4)})",
        exit_,
        f"=SUM(D{n}:H{n})",
        f"=C{n}+I{n}",
        f"={mine_cell(MINE_DF, t)}",
        f"=IF({age}<0,0,$B$10*(1+lease_discount_rate)^(-({age}+1)/12))",
        f"=C{n}*K{n}+I{n}*IF($B$7>={h},K{n},L{n})",
    ]


LEASE_NOTE = (
    "Formulas over the Conversion sheet's parts (values), the Inputs (rent, capex, rates) "
    "and the Mine sheet. The engine's NPV is at its best fixed month for the switch."
)
LEASE_HEAD = Head(
    "Lease: convert now to a powered shell / AI hall and lease it (exit at the cap rate)",
    LEASE_NOTE,
    header_height=60,
)
SWITCH_HEAD = Head(
    "Switch: keep mining, convert at the conversion month (Inputs: switch_month)",
    LEASE_NOTE,
    header_height=60,
)


def write_conversion_strategy(
    wb: Any, fmt: Formats, data: ModelData, name: str, month_formula: str
) -> Results:
    """A Lease-like sheet: mine until the conversion month (``month_formula``), then lease."""
    h = data.horizon
    key = "lease" if name == LEASE else "switch"
    head = LEASE_HEAD if key == "lease" else SWITCH_HEAD
    npv = (f"=SUM({data_range(12, h)})", data.npv_usd[key])
    sheet = (name, head, LEASE_COLUMNS)
    ws = strategy_sheet(wb, fmt, sheet, data.months[:h], npv, 9, lambda t: _lease_row(t, h))
    rows = (
        ("Conversion month m (0 = now)", month_formula, "int"),
        (
            "Market rent multiplier at signing",
            f"=INDEX({market_range('rent_mult', h)},B7+1)",
            "factor",
        ),
        ("ASIC sale value multiplier", f"=INDEX({_conv_range(10, h)},B7+1)", "factor"),
        ("Site discount factor to the conversion", "=(1+discount_rate)^(-B7/12)", "factor"),
    )
    for i, (label, formula, kind) in enumerate(rows, start=6):
        write_text(ws, i, 0, label)
        ws.write_formula(i, 1, formula, fmt.num(kind))
    return Results(key, name, sheet_ref(name, "B2"), sheet_ref(name, "B3"))


#: Split columns (header, number kind)
SPLIT_COLUMNS = (
    ("Month", None),
    ("Mine net (USD)", "usd"),
    ("Lease net (USD)", "usd"),
    ("Net cash flow (USD)", "usd"),
)


def _split_row(t: int) -> list[Cell]:
    """Split's month ``t``: (1 - share) x Mine's net + share x Lease's net."""
    r, n = TABLE_ROW0 + t, TABLE_ROW0 + t + 1
    return [
        f"={mine_cell(MINE_NET_ALL, t)}",
        f"={sheet_ref(LEASE, cell(r, 9))}",
        f"=(1-split_lease_frac)*B{n}+split_lease_frac*C{n}",
    ]


SPLIT_HEAD = Head(
    "Split: lease a share of the site now, keep mining on the rest",
    "Formulas: (1 - share) x Mine + share x Lease, month by month and for the NPV (each "
    "part keeps its own discount rates).",
)


def write_split(wb: Any, fmt: Formats, data: ModelData) -> Results:
    """The Split sheet: the lease on a share of the site, mining on the rest (linear)."""
    npv = (
        f"=(1-split_lease_frac)*{sheet_ref(MINE, 'B2')}+split_lease_frac*{sheet_ref(LEASE, 'B2')}",
        data.npv_usd["split"],
    )
    sheet = (SPLIT, SPLIT_HEAD, SPLIT_COLUMNS)
    strategy_sheet(wb, fmt, sheet, data.months[: data.horizon], npv, 3, _split_row)
    return Results("split", SPLIT, sheet_ref(SPLIT, "B2"), sheet_ref(SPLIT, "B3"))


def write_conversion_sheets(wb: Any, fmt: Formats, data: ModelData) -> list[Results]:
    """Conversion, Lease, Switch and Split (nothing without a lease)."""
    c = data.conversion
    if c is None:
        return []
    h = data.horizon
    write_conversion(wb, fmt, c, h)
    out = [write_conversion_strategy(wb, fmt, data, LEASE, "=0")]
    out.append(
        write_conversion_strategy(wb, fmt, data, SWITCH, f"=MAX(0,MIN(ROUND(switch_month,0),{h}))")
    )
    out.append(write_split(wb, fmt, data))
    return out

"""The workbook's model sheets for mining: the market path, ``mine``, ``sell``, ``gpu_cloud``.

Each strategy sheet holds the deterministic scenario's months as formulas over the Inputs
sheet's named cells and the Market path sheet (the engine's path, as values); its NPV is the
sum of the discounted flows, with the site's discount factor ``(1 + r)^-(t+1)/12`` for a flow at
the end of month t (docs/methodology.md: monthly flows at month end, effective annual rate).
Under each sheet's NPV sits the engine's NPV (a value) and their relative difference.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np

from hashpivot.adapters.reports.excel_data import ModelData
from hashpivot.adapters.reports.excel_rows import TABLE_ROW0, Cell, Head, data_range, strategy_sheet
from hashpivot.adapters.reports.excel_style import (
    Formats,
    cell,
    sheet_ref,
    write_headers,
    write_text,
)

MARKET = "Market path"
MINE = "Mine model"
SELL = "Sell model"
GPU = "GPU cloud model"
#: the first data row (zero-based) of the market path (the strategy sheets': TABLE_ROW0)
MARKET_ROW0 = 1

#: Market path columns: (header, attribute of ModelData, number kind)
MARKET_COLUMNS = (
    ("Month index", None, "int"),
    ("Month", None, None),
    ("BTC price (USD/BTC)", "btc_price_usd", "usd"),
    ("Network hashrate (EH/s)", "network_hashrate_eh_s", "num"),
    ("Hashprice (USD/PH/day)", "hashprice_usd_per_ph_day", "usd2"),
    ("Fleet BTC at 100% uptime, before pool fee (BTC/month)", "btc_full_uptime", "btc"),
    ("Run share: dispatch / shutdown rule (fraction)", "run_share", "pct"),
    ("Hours in month (h)", "hours", "num"),
    ("Power price paid on the path (USD/MWh)", "power_price_usd_per_mwh", "usd2"),
    ("Other revenue: power sold back, contract settlement (USD)", "other_revenue_usd", "usd"),
    ("Fleet purchases (USD)", "fleet_capex_usd", "usd"),
    ("Power cost, engine (USD)", "power_cost_usd", "usd"),
    ("Site rent at signing over the lease's (x)", "rent_mult", "factor"),
    ("Land value multiplier: rent index over today's (x)", "land_mult", "factor"),
    ("Fleet value multiplier at month start (x at ASIC price)", "fleet_mult", "factor"),
)


def market_col(attr: str) -> int:
    """The Market path column of a ModelData attribute."""
    return next(j for j, (_, a, _) in enumerate(MARKET_COLUMNS) if a == attr)


def market_cell(attr: str, t: int) -> str:
    """The Market path cell of ``attr`` at month ``t`` (t = H: the horizon's end)."""
    return sheet_ref(MARKET, cell(MARKET_ROW0 + t, market_col(attr)))


def market_range(attr: str, h: int) -> str:
    """The Market path column of ``attr`` over months 0..H (for INDEX)."""
    c = market_col(attr)
    top, bottom = cell(MARKET_ROW0, c, absolute=True), cell(MARKET_ROW0 + h, c, absolute=True)
    return sheet_ref(MARKET, f"{top}:{bottom}")


def write_market(wb: Any, fmt: Formats, data: ModelData) -> None:
    """The Market path sheet: the engine's deterministic path, values (one row a month)."""
    ws = wb.add_worksheet(MARKET)
    write_headers(ws, 0, [h for h, _, _ in MARKET_COLUMNS], fmt.header, height=60)
    h = data.horizon
    for t in range(h + 1):
        r = MARKET_ROW0 + t
        ws.write_number(r, 0, t, fmt.num("int"))
        write_text(ws, r, 1, data.months[t] if t < h else "horizon end")
        for j, (_, attr, kind) in enumerate(MARKET_COLUMNS[2:], start=2):
            assert attr is not None and kind is not None
            arr = np.asarray(getattr(data, attr))
            if t < arr.size:
                ws.write_number(r, j, float(arr[t]), fmt.num(kind))
    write_text(
        ws,
        0,
        len(MARKET_COLUMNS) + 1,
        f"Values: the engine's deterministic '{data.scenario}' path (hashpivot compare "
        "--deterministic). The strategy sheets read it with formulas.",
        fmt.note,
    )
    ws.freeze_panes(1, 2)
    ws.set_column(0, 1, 10)
    ws.set_column(2, len(MARKET_COLUMNS) - 1, 16)


@dataclass(frozen=True, slots=True)
class Results:
    """Where a strategy sheet's results are: NPV and IRR cells (sheet-qualified)."""

    key: str
    sheet: str
    npv: str
    irr: str


def site_df(t: int) -> str:
    """The site's discount factor for a flow at the end of month ``t``."""
    return f"=(1+discount_rate)^(-{t + 1}/12)"


#: Mine columns (header, number kind)
MINE_COLUMNS = (
    ("Month", None),
    ("BTC price (USD/BTC)", "usd"),
    ("BTC mined, after pool fee (BTC)", "btc"),
    ("Mining revenue (USD)", "usd"),
    ("Energy drawn (MWh)", "num"),
    ("Power price (USD/MWh)", "usd2"),
    ("Power cost (USD)", "usd"),
    ("Other opex (USD)", "usd"),
    ("Fleet purchases (USD)", "usd"),
    ("Net mining cash flow (USD)", "usd"),
    ("Site value at the horizon (USD)", "usd"),
    ("Net cash flow incl. site value (USD)", "usd"),
    ("Discount factor (site rate)", "factor"),
    ("Present value (USD)", "usd"),
)
MINE_NET, MINE_RESIDUAL, MINE_NET_ALL, MINE_DF = 9, 10, 11, 12


def mine_cell(col: int, t: int) -> str:
    return sheet_ref(MINE, cell(TABLE_ROW0 + t, col))


def _mine_row(data: ModelData, t: int) -> list[Cell]:
    """The formulas of Mine's month ``t`` (columns 1..13), zero-based row ``r``."""
    r = TABLE_ROW0 + t
    h = data.horizon

    def m(attr: str) -> str:
        return market_cell(attr, t)

    power = (
        "=power_price_usd_per_mwh"
        if data.fixed_power
        else f"={m('power_price_usd_per_mwh')}+power_price_change_usd_per_mwh"
    )
    # a take-or-pay contract's payment is not energy x price: the engine's (a value)
    cost = f"={m('power_cost_usd')}" if data.contract_power else f"=E{r + 1}*F{r + 1}"
    residual = (
        "=(sale_price_usd_per_mw*capacity_mw*"
        f"{market_cell('land_mult', h)}+fleet_value_usd*{market_cell('fleet_mult', h)})"
        "*(1-sale_cost_frac)"
        if t == h - 1
        else "=0"
    )
    n = r + 1
    return [
        f"={m('btc_price_usd')}",
        f"={m('btc_full_uptime')}*uptime_frac*{m('run_share')}*(1-pool_fee_frac)",
        f"=C{n}*B{n}+{m('other_revenue_usd')}",
        f"=fleet_power_mw*uptime_frac*{m('run_share')}*{m('hours')}/(1-overhead_frac)",
        power,
        cost,
        "=opex_usd_per_month",
        f"={m('fleet_capex_usd')}",
        f"=D{n}-G{n}-H{n}+I{n}",
        residual,
        f"=J{n}+K{n}",
        site_df(t),
        f"=L{n}*M{n}",
    ]


MINE_HEAD = Head(
    "Mine: keep mining to the horizon, then sell the site ('{scenario}' path)",
    "Formulas over the Inputs and the Market path. The run share (dispatch, shutdown rule) "
    "is the engine's: a new power price moves the cost, not the hours run.",
)


def write_mine(wb: Any, fmt: Formats, data: ModelData) -> Results:
    """The Mine sheet: keep mining to the horizon, then the site's value as powered land."""
    h = data.horizon
    head = replace(MINE_HEAD, title=MINE_HEAD.title.format(scenario=data.scenario))
    npv = (f"=SUM({data_range(13, h)})", data.npv_usd["mine"])
    sheet = (MINE, head, MINE_COLUMNS)
    strategy_sheet(wb, fmt, sheet, data.months[:h], npv, MINE_NET_ALL, partial(_mine_row, data))
    return Results("mine", MINE, sheet_ref(MINE, "B2"), sheet_ref(MINE, "B3"))


#: Sell columns (header, number kind)
SELL_COLUMNS = (
    ("Month", None),
    ("Mining net (USD)", "usd"),
    ("Sale proceeds (USD)", "usd"),
    ("Net cash flow (USD)", "usd"),
    ("Discount factor (site rate)", "factor"),
    ("PV of mining (USD)", "usd"),
)


def _sell_row(t: int) -> list[Cell]:
    """Sell's month ``t``: mining until the closing month ($B$7), the proceeds at $B$8."""
    n = TABLE_ROW0 + t + 1
    return [
        f"=IF({t}<$B$7,{mine_cell(MINE_NET, t)},0)",
        f"=IF({t}=$B$8,$B$9,0)",
        f"=B{n}+C{n}",
        site_df(t),
        f"=B{n}*E{n}",
    ]


SELL_HEAD = Head(
    "Sell: mine while a sale of the site (powered land + ASICs) closes",
    "Formulas: the mining months read the Mine sheet; the proceeds read the Inputs and the "
    "Market path's multipliers at the closing month.",
)


def write_sell(wb: Any, fmt: Formats, data: ModelData) -> Results:
    """The Sell sheet: mine until the sale closes, then receive the site's value less costs."""
    h = data.horizon
    npv = (f"=SUM({data_range(5, h)})+B9*B10", data.npv_usd["sell"])
    ws = strategy_sheet(
        wb, fmt, (SELL, SELL_HEAD, SELL_COLUMNS), data.months[:h], npv, 3, _sell_row
    )
    write_text(ws, 6, 0, "Months mined before closing")
    ws.write_formula(6, 1, f"=MAX(0,MIN(ROUND(months_to_close,0),{h}))", fmt.num("int"))
    write_text(ws, 7, 0, "Row of the proceeds (month index)")
    ws.write_formula(7, 1, "=MAX(B7-1,0)", fmt.num("int"))
    write_text(ws, 8, 0, "Sale proceeds at closing (USD)")
    ws.write_formula(
        8,
        1,
        f"=(sale_price_usd_per_mw*capacity_mw*INDEX({market_range('land_mult', h)},B7+1)"
        f"+fleet_value_usd*INDEX({market_range('fleet_mult', h)},B7+1))*(1-sale_cost_frac)",
        fmt.num("usd"),
    )
    write_text(ws, 9, 0, "Discount factor at closing")
    ws.write_formula(9, 1, "=(1+discount_rate)^(-B7/12)", fmt.num("factor"))
    return Results("sell", SELL, sheet_ref(SELL, "B2"), sheet_ref(SELL, "B3"))


#: GPU cloud columns (header, number kind)
GPU_COLUMNS = (
    ("Month", None),
    ("GPU cloud net flows (USD, values)", "usd"),
    ("Share of the site still mining", "pct"),
    ("Mining on the rest (USD)", "usd"),
    ("Discount factor (GPU rate)", "factor"),
    ("Discount factor (site rate)", "factor"),
    ("Present value (USD)", "usd"),
    ("Net cash flow (USD)", "usd"),
    ("Contracted share's net flows (USD, values, in B)", "usd"),
    ("Discount factor (contract rate)", "factor"),
)


GPU_HEAD = Head(
    "GPU cloud: convert now and sell GPU compute",
    "Values: the GPU cloud's own flows (GPU capex, the catalogue's age curve of rates, "
    "utilisation; the ASIC sale; the contracted share's net flows). Formulas: the mining "
    "share, discounting (the contracted share at the contract rate), NPV, IRR.",
)


def write_gpu(wb: Any, fmt: Formats, data: ModelData) -> Results | None:
    """The GPU cloud sheet: its own flows as values (the catalogue's GPU age curve and the
    market rate), the mining on the unconverted share as formulas over the Mine sheet."""
    if data.gpu_net_usd is None or data.gpu_mining_share is None:
        return None
    h = data.horizon
    net, share = data.gpu_net_usd, data.gpu_mining_share
    contracted = data.gpu_contracted_net_usd
    if contracted is None:
        contracted = np.zeros(h)

    def row(t: int) -> list[Cell]:
        # PV = GPU net x GPU factor + mining x site factor, the contracted share's net flows
        # moved from the GPU rate to the contract rate (valuation/gpu_credit.py)
        n = TABLE_ROW0 + t + 1
        return [
            float(net[t]),
            float(share[t]),
            f"={mine_cell(MINE_NET, t)}*C{n}",
            f"=(1+gpu_discount_rate)^(-{t + 1}/12)",
            site_df(t),
            f"=B{n}*E{n}+D{n}*F{n}+I{n}*(J{n}-E{n})",
            f"=B{n}+D{n}",
            float(contracted[t]),
            f"=(1+gpu_contract_rate)^(-{t + 1}/12)",
        ]

    npv = (f"=SUM({data_range(6, h)})", data.npv_usd["gpu_cloud"])
    strategy_sheet(wb, fmt, (GPU, GPU_HEAD, GPU_COLUMNS), data.months[:h], npv, 7, row)
    return Results("gpu_cloud", GPU, sheet_ref(GPU, "B2"), sheet_ref(GPU, "B3"))

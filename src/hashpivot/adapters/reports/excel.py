"""The comparison as an Excel workbook (xlsxwriter): every number a CFO would check.

Sheets: Summary (per-strategy NPV distribution, the JSON totals), Inputs (the site), Assumptions
(every assumption with its source), Monthly P50 (median monthly net cash flow per strategy over
the sample paths), Distributions (NPV percentiles), Switch (NPV by conversion month, policy),
Sensitivity (tornado and Sobol indices), Fan (hashprice and BTC price percentiles).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hashpivot.adapters.reports._atomic import new_workbook, write_atomically
from hashpivot.calendar import month_starts
from hashpivot.engine.compare import PERCENTILES, Comparison
from hashpivot.engine.strategies import CompareCase

SUMMARY_FIELDS = (
    "npv_mean_usd",
    "npv_p10_usd",
    "npv_p50_usd",
    "npv_p90_usd",
    "prob_best",
    "prob_loss",
    "irr_p50",
    "equity_usd_per_w_p50",
)


def write_workbook(
    path: Path,
    case: CompareCase,
    cmp: Comparison,
    summary: dict[str, Any],
    assumptions: list[tuple[str, str, str]],
) -> Path:
    """Write the workbook to ``path`` atomically; text cells are never formulas."""
    return write_atomically(path, lambda tmp: _fill(tmp, case, cmp, summary, assumptions))


def _fill(
    path: Path,
    case: CompareCase,
    cmp: Comparison,
    summary: dict[str, Any],
    assumptions: list[tuple[str, str, str]],
) -> None:
    wb = new_workbook(path)
    bold = wb.add_format({"bold": True})
    usd = wb.add_format({"num_format": "#,##0"})
    pct = wb.add_format({"num_format": "0.0%"})
    num = wb.add_format({"num_format": "0.00"})

    ws = wb.add_worksheet("Summary")
    ws.write_row(0, 0, ["site", summary["site"]], bold)
    ws.write_row(1, 0, ["paths", summary["paths"], "seed", summary["seed"]])
    ws.write_row(2, 0, ["recommendation", summary["recommendation"]])
    ws.write_row(4, 0, ["strategy", *SUMMARY_FIELDS], bold)
    for i, (name, s) in enumerate(summary["strategies"].items(), start=5):
        ws.write(i, 0, name)
        for j, f in enumerate(SUMMARY_FIELDS, start=1):
            v = s[f]
            fmt = (
                pct if f.startswith(("prob", "irr")) else (num if f.endswith("per_w_p50") else usd)
            )
            if v is None:  # an IRR that means nothing is shown as its reason
                ws.write(i, j, s.get("irr_display", "n/a") if f == "irr_p50" else "n/a")
            else:
                ws.write_number(i, j, float(v), fmt)
    sw = summary.get("switch", {})
    r = 6 + len(summary["strategies"])
    if sw.get("best_month") is not None:
        for k in (
            "best_month",
            "best_month_date",
            "best_month_npv_mean_usd",
            "convert_now_npv_mean_usd",
            "option_value_usd",
            "lsm_std_error_usd",
        ):
            ws.write(r, 0, k)
            ws.write(r, 1, sw[k])
            r += 1
    ws.set_column(0, 0, 26)
    ws.set_column(1, len(SUMMARY_FIELDS), 16)

    ws = wb.add_worksheet("Inputs")
    m = case.mining
    rows: list[tuple[str, Any]] = [
        ("site", m.name),
        ("capacity_mw", m.capacity_mw),
        ("overhead_frac", m.overhead_frac),
        ("fleet_ph_s", m.fleet.hashrate_ph_s),
        ("fleet_efficiency_j_per_th", m.fleet.efficiency_j_per_th),
        ("fleet_power_mw", m.fleet.power_mw),
        ("power_price_usd_per_mwh", m.power_price_usd_per_mwh),
        ("opex_usd_per_month", m.opex_usd_per_month),
        ("uptime_frac", m.uptime_frac),
        ("pool_fee_frac", m.pool_fee_frac),
        ("start", f"{m.start:%Y-%m}"),
        ("horizon_months", m.horizon_months),
        ("discount_rate", m.discount_rate),
    ]
    ws.write_row(0, 0, ["input", "value"], bold)
    for i, (k, v) in enumerate(rows, start=1):
        ws.write(i, 0, k)
        ws.write(i, 1, v)
    ws.set_column(0, 0, 28)

    ws = wb.add_worksheet("Assumptions")
    ws.write_row(0, 0, ["assumption", "value", "source"], bold)
    for i, row in enumerate(assumptions, start=1):
        ws.write_row(i, 0, list(row))
    ws.set_column(0, 0, 28)
    ws.set_column(1, 2, 60)

    months = [f"{d:%Y-%m}" for d in month_starts(m.start, cmp.months)]
    ws = wb.add_worksheet("Monthly P50")
    names = [k for k, s in cmp.strategies.items() if s.monthly_p50_net_usd is not None]
    ws.write_row(0, 0, ["month", *[f"{k} P50 net USD" for k in names]], bold)
    for t, mon in enumerate(months, start=1):
        ws.write(t, 0, mon)
        for j, k in enumerate(names, start=1):
            arr = cmp.strategies[k].monthly_p50_net_usd
            assert arr is not None
            ws.write_number(t, j, float(arr[t - 1]), usd)
    ws.set_column(0, len(names), 18)

    ws = wb.add_worksheet("Distributions")
    qs = (1, 5, 10, 25, 50, 75, 90, 95, 99)
    ws.write_row(0, 0, ["percentile", *list(cmp.strategies)], bold)
    import numpy as np

    for i, q in enumerate(qs, start=1):
        ws.write(i, 0, q)
        for j, s in enumerate(cmp.strategies.values(), start=1):
            ws.write_number(i, j, float(np.percentile(s.npv_usd, q)), usd)
    ws.set_column(0, len(cmp.strategies), 16)

    if cmp.switch is not None:
        ws = wb.add_worksheet("Switch")
        ws.write_row(0, 0, ["switch month", "month", "mean NPV USD", "share converting"], bold)
        for t in range(cmp.months + 1):
            ws.write(t + 1, 0, t)
            ws.write(t + 1, 1, months[t] if t < len(months) else "never")
            ws.write_number(t + 1, 2, float(cmp.switch.npv_by_month_mean_usd[t]), usd)
            ws.write_number(t + 1, 3, float(cmp.switch.conversion_prob_by_month[t]), pct)
        ws.write(0, 5, "policy", bold)
        for i, line in enumerate(cmp.switch.policy_lines, start=1):
            ws.write(i, 5, line)
        ws.set_column(0, 3, 16)

    sens = summary.get("sensitivity")
    if sens:
        ws = wb.add_worksheet("Sensitivity")
        ws.write_row(
            0,
            0,
            [
                f"tornado: NPV of {sens['strategy']}",
                "low input",
                "high input",
                "NPV at low",
                "NPV at high",
                "source of range",
            ],
            bold,
        )
        for i, row in enumerate(sens["tornado"], start=1):
            ws.write_row(i, 0, [row["name"], row["low_input"], row["high_input"]])
            ws.write_number(i, 3, row["low_output_usd"], usd)
            ws.write_number(i, 4, row["high_output_usd"], usd)
            ws.write(i, 5, row["source"])
        r = len(sens["tornado"]) + 3
        ws.write_row(r, 0, ["Sobol", "first order", "total"], bold)
        for i, (n, s1, st) in enumerate(
            zip(
                sens["sobol"]["names"],
                sens["sobol"]["first_order"],
                sens["sobol"]["total"],
                strict=True,
            ),
            start=r + 1,
        ):
            ws.write_row(i, 0, [n, s1, st])
        ws.set_column(0, 5, 20)

    ws = wb.add_worksheet("Fan")
    ws.write_row(
        0,
        0,
        ["month", *[f"hashprice P{q}" for q in PERCENTILES], *[f"BTC P{q}" for q in PERCENTILES]],
        bold,
    )
    for t, mon in enumerate(months, start=1):
        ws.write(t, 0, mon)
        ws.write_row(t, 1, [float(v) for v in cmp.fan_hashprice[:, t - 1]])
        ws.write_row(t, 1 + len(PERCENTILES), [float(v) for v in cmp.fan_btc_price[:, t - 1]])
    wb.close()

"""The workbook's Monte Carlo sheets: results as values, with native charts (xlsxwriter).

Summary (per-strategy NPV distribution, the JSON totals), Monthly P50 (median monthly net cash
flow per strategy), Distributions (NPV percentiles and a histogram, charted), Switch (mean NPV
by conversion month, the policy), Sensitivity (tornado, Sobol), Fan (hashprice and BTC price
percentiles, charted). Each says it holds values: the model sheets hold the formulas.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hashpivot.adapters.reports.excel_style import (
    Formats,
    strategy_label,
    write_headers,
    write_text,
)
from hashpivot.calendar import month_starts
from hashpivot.engine.compare import PERCENTILES, Comparison
from hashpivot.engine.strategies import CompareCase

#: the JSON keys of the Summary table and their headers (with units)
SUMMARY_COLUMNS = (
    ("npv_mean_usd", "Mean NPV (USD)", "usd"),
    ("npv_p10_usd", "P10 NPV (USD)", "usd"),
    ("npv_p50_usd", "Median NPV (USD)", "usd"),
    ("npv_p90_usd", "P90 NPV (USD)", "usd"),
    ("prob_best", "Probability best (%)", "pct"),
    ("prob_loss", "Probability of a loss (%)", "pct"),
    ("irr_p50", "Median IRR (per year)", "pct"),
    ("equity_usd_per_w_p50", "Median value per W gross (USD/W)", "usd2"),
)
#: the JSON keys alone (the HTML report's table reads them)
SUMMARY_FIELDS = tuple(k for k, _, _ in SUMMARY_COLUMNS)
SWITCH_FIELDS = (
    ("best_month", "Best conversion month (index)", "int"),
    ("best_month_date", "Best conversion month", None),
    ("best_month_npv_mean_usd", "Mean NPV converting then (USD)", "usd"),
    ("convert_now_npv_mean_usd", "Mean NPV converting now (USD)", "usd"),
    ("option_value_usd", "Value of waiting: fitted policy - best fixed month (USD)", "usd"),
    ("lsm_std_error_usd", "Policy value standard error (USD)", "usd"),
)
HIST_BINS = 40


def mc_note(cmp_or_summary: dict[str, Any]) -> str:
    return (
        f"Monte Carlo results (values): {cmp_or_summary['paths']:,} paths, seed "
        f"{cmp_or_summary['seed']}. The formulas are on the model sheets (Model, Inputs)."
    )


def _write_value(ws: Any, r: int, c: int, v: Any, fmt: Any) -> None:
    if v is None:
        write_text(ws, r, c, "n/a")
    elif isinstance(v, str):
        write_text(ws, r, c, v)
    else:
        ws.write_number(r, c, float(v), fmt)


def write_summary(wb: Any, fmt: Formats, summary: dict[str, Any]) -> None:
    """The Summary sheet: the site (B1), the run, the per-strategy table and the switch."""
    ws = wb.add_worksheet("Summary")
    write_text(ws, 0, 0, "Site", fmt.header)
    write_text(ws, 0, 1, str(summary["site"]))
    write_text(ws, 1, 0, "Paths")
    ws.write_number(1, 1, summary["paths"], fmt.num("int"))
    write_text(ws, 1, 2, "Seed")
    ws.write_number(1, 3, summary["seed"], fmt.num("int"))
    write_text(ws, 2, 0, "Recommendation")
    write_text(ws, 2, 1, str(summary["recommendation"]))
    write_text(ws, 3, 0, mc_note(summary), fmt.note)
    # the JSON keys (hidden, for scripts), then the headers a reader sees
    ws.write_row(4, 0, ["strategy", *[k for k, _, _ in SUMMARY_COLUMNS]])
    ws.set_row(4, None, None, {"hidden": True})
    write_headers(ws, 5, ["Strategy", *[h for _, h, _ in SUMMARY_COLUMNS]], fmt.header)
    r = 6
    for name, s in summary["strategies"].items():
        write_text(ws, r, 0, name)
        for j, (key, _, kind) in enumerate(SUMMARY_COLUMNS, start=1):
            v = s[key]
            if v is None and key == "irr_p50":  # an IRR that means nothing: its reason
                v = s.get("irr_display", "n/a")
            _write_value(ws, r, j, v, fmt.num(kind))
        r += 1
    sw = summary.get("switch", {})
    if sw.get("best_month") is not None:
        r += 1
        for key, label, sw_kind in SWITCH_FIELDS:
            write_text(ws, r, 0, label)
            _write_value(ws, r, 1, sw[key], fmt.num(sw_kind or "num"))
            r += 1
    ws.freeze_panes(6, 1)
    ws.set_column(0, 0, 30)
    ws.set_column(1, len(SUMMARY_COLUMNS), 18)


def _line_chart(wb: Any, title: str, x_title: str, y_title: str, y_format: str) -> Any:
    chart = wb.add_chart({"type": "line"})
    chart.set_title({"name": title})
    chart.set_x_axis({"name": x_title})
    chart.set_y_axis({"name": y_title, "num_format": y_format})
    chart.set_size({"width": 760, "height": 380})
    return chart


def _monthly_p50(wb: Any, fmt: Formats, cmp: Comparison, months: list[str], note: str) -> None:
    ws = wb.add_worksheet("Monthly P50")
    names = [k for k, s in cmp.strategies.items() if s.monthly_p50_net_usd is not None]
    write_headers(
        ws,
        0,
        ["Month", *[f"{strategy_label(k)}: median net cash flow (USD)" for k in names]],
        fmt.header,
    )
    for t, mon in enumerate(months, start=1):
        write_text(ws, t, 0, mon)
        for j, k in enumerate(names, start=1):
            arr = cmp.strategies[k].monthly_p50_net_usd
            assert arr is not None
            ws.write_number(t, j, float(arr[t - 1]), fmt.num("usd"))
    write_text(ws, 0, len(names) + 2, note, fmt.note)
    chart = _line_chart(wb, "Median monthly net cash flow", "Month", "USD", "#,##0")
    for j, k in enumerate(names, start=1):
        chart.add_series(
            {
                "name": strategy_label(k),
                "categories": ["Monthly P50", 1, 0, len(months), 0],
                "values": ["Monthly P50", 1, j, len(months), j],
            }
        )
    ws.insert_chart(2, len(names) + 2, chart)
    ws.freeze_panes(1, 1)
    ws.set_column(0, len(names), 18)


def _distributions(wb: Any, fmt: Formats, cmp: Comparison, note: str) -> None:
    ws = wb.add_worksheet("Distributions")
    names = list(cmp.strategies)
    qs = (1, 5, 10, 25, 50, 75, 90, 95, 99)
    write_headers(
        ws, 0, ["Percentile (%)", *[f"{strategy_label(k)} NPV (USD)" for k in names]], fmt.header
    )
    for i, q in enumerate(qs, start=1):
        ws.write_number(i, 0, q, fmt.num("int"))
        for j, s in enumerate(cmp.strategies.values(), start=1):
            ws.write_number(i, j, float(np.percentile(s.npv_usd, q)), fmt.num("usd"))
    # a histogram on common bins (share of paths per bin), charted
    npvs = [np.asarray(s.npv_usd, dtype=np.float64) for s in cmp.strategies.values()]
    finite = np.concatenate([v[np.isfinite(v)] for v in npvs])
    lo, hi = np.percentile(finite, [0.5, 99.5]) if finite.size else (0.0, 1.0)
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, HIST_BINS + 1)
    r0 = len(qs) + 3
    write_headers(
        ws,
        r0,
        ["NPV bin centre (USD M)", *[f"{strategy_label(k)}: share of paths" for k in names]],
        fmt.header,
    )
    for b in range(HIST_BINS):
        ws.write_number(r0 + 1 + b, 0, (edges[b] + edges[b + 1]) / 2e6, fmt.num("num"))
    for j, v in enumerate(npvs, start=1):
        counts, _ = np.histogram(v[np.isfinite(v)], bins=edges)
        share = counts / max(v.size, 1)
        for b in range(HIST_BINS):
            ws.write_number(r0 + 1 + b, j, float(share[b]), fmt.num("pct"))
    chart = _line_chart(
        wb, "NPV distribution (share of paths per bin)", "NPV (USD M)", "Share of paths", "0%"
    )
    for j, k in enumerate(names, start=1):
        chart.add_series(
            {
                "name": strategy_label(k),
                "categories": ["Distributions", r0 + 1, 0, r0 + HIST_BINS, 0],
                "values": ["Distributions", r0 + 1, j, r0 + HIST_BINS, j],
            }
        )
    chart.set_x_axis({"name": "NPV (USD M)", "num_format": "#,##0", "interval_unit": 5})
    ws.insert_chart(1, len(names) + 2, chart)
    write_text(ws, 0, len(names) + 2, note, fmt.note)
    ws.freeze_panes(1, 1)
    ws.set_column(0, len(names), 18)


def _switch(wb: Any, fmt: Formats, cmp: Comparison, months: list[str], note: str) -> None:
    if cmp.switch is None:
        return
    ws = wb.add_worksheet("Switch")
    heads = [
        "Conversion month (index)",
        "Month",
        "Mean NPV converting then (USD)",
        "Share of paths converting then (%)",
    ]
    write_headers(ws, 0, heads, fmt.header)
    for t in range(cmp.months + 1):
        ws.write_number(t + 1, 0, t, fmt.num("int"))
        write_text(ws, t + 1, 1, months[t] if t < len(months) else "never")
        ws.write_number(t + 1, 2, float(cmp.switch.npv_by_month_mean_usd[t]), fmt.num("usd"))
        ws.write_number(t + 1, 3, float(cmp.switch.conversion_prob_by_month[t]), fmt.num("pct"))
    write_text(ws, 0, 5, "Policy (fitted on the Monte Carlo paths)", fmt.header)
    for i, line in enumerate(cmp.switch.policy_lines, start=1):
        write_text(ws, i, 5, line)
    write_text(ws, 0, 6, note, fmt.note)
    ws.freeze_panes(1, 2)
    ws.set_column(0, 3, 18)
    ws.set_column(5, 5, 70)


def _label(name: str) -> str:
    """'discount_rate_per_year' -> 'Discount rate per year'."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _sensitivity(wb: Any, fmt: Formats, sens: dict[str, Any], note: str) -> None:
    ws = wb.add_worksheet("Sensitivity")
    heads = [
        f"Input (tornado of the {strategy_label(str(sens['strategy']))} NPV)",
        "Low input",
        "High input",
        "NPV at low (USD)",
        "NPV at high (USD)",
        "Source of the range",
    ]
    write_headers(ws, 0, heads, fmt.header)
    for i, row in enumerate(sens["tornado"], start=1):
        write_text(ws, i, 0, _label(str(row["name"])))
        _write_value(ws, i, 1, row["low_input"], fmt.num("num"))
        _write_value(ws, i, 2, row["high_input"], fmt.num("num"))
        ws.write_number(i, 3, row["low_output_usd"], fmt.num("usd"))
        ws.write_number(i, 4, row["high_output_usd"], fmt.num("usd"))
        write_text(ws, i, 5, str(row["source"]))
    r = len(sens["tornado"]) + 3
    write_headers(
        ws,
        r,
        ["Input (Sobol indices)", "First order (share of variance)", "Total (share of variance)"],
        fmt.header,
    )
    sob = sens["sobol"]
    for i, (n, s1, st) in enumerate(
        zip(sob["names"], sob["first_order"], sob["total"], strict=True), start=r + 1
    ):
        write_text(ws, i, 0, _label(str(n)))
        ws.write_number(i, 1, s1, fmt.num("pct"))
        ws.write_number(i, 2, st, fmt.num("pct"))
    write_text(ws, 0, 7, note, fmt.note)
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 4, 18)
    ws.set_column(5, 5, 60)


def _fan(wb: Any, fmt: Formats, cmp: Comparison, months: list[str], note: str) -> None:
    ws = wb.add_worksheet("Fan")
    k = len(PERCENTILES)
    heads = [
        "Month",
        *[f"Hashprice P{q} (USD/PH/day)" for q in PERCENTILES],
        *[f"BTC price P{q} (USD/BTC)" for q in PERCENTILES],
    ]
    write_headers(ws, 0, heads, fmt.header)
    for t, mon in enumerate(months, start=1):
        write_text(ws, t, 0, mon)
        for j in range(k):
            ws.write_number(t, 1 + j, float(cmp.fan_hashprice[j, t - 1]), fmt.num("usd2"))
            ws.write_number(t, 1 + k + j, float(cmp.fan_btc_price[j, t - 1]), fmt.num("usd"))
    n = len(months)
    for i, (title, unit, first) in enumerate(
        (("Hashprice fan", "USD/PH/day", 1), ("BTC price fan", "USD/BTC", 1 + k))
    ):
        chart = _line_chart(wb, f"{title} (percentiles)", "Month", unit, "#,##0")
        for j, q in enumerate(PERCENTILES):
            chart.add_series(
                {
                    "name": f"P{q}",
                    "categories": ["Fan", 1, 0, n, 0],
                    "values": ["Fan", 1, first + j, n, first + j],
                    "line": {"width": 2.25 if q == 50 else 1.0},
                }
            )
        ws.insert_chart(2 + 20 * i, 2 * k + 2, chart)
    write_text(ws, 0, 2 * k + 2, note, fmt.note)
    ws.freeze_panes(1, 1)
    ws.set_column(0, 2 * k, 14)


def write_monte_carlo(
    wb: Any, fmt: Formats, case: CompareCase, cmp: Comparison, summary: dict[str, Any]
) -> None:
    """Monthly P50, Distributions, Switch, Sensitivity and Fan: the Monte Carlo, as values."""
    note = mc_note(summary)
    months = [f"{d:%Y-%m}" for d in month_starts(case.mining.start, cmp.months)]
    _monthly_p50(wb, fmt, cmp, months, note)
    _distributions(wb, fmt, cmp, note)
    _switch(wb, fmt, cmp, months, note)
    sens = summary.get("sensitivity")
    if sens:
        _sensitivity(wb, fmt, sens, note)
    _fan(wb, fmt, cmp, months, note)

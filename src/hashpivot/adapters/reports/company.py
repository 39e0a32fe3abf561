"""Reports of a company valuation: ``company.xlsx`` (Sites, Totals, Distribution, Assumptions)
and ``company.html`` (the same tables, the EV distributions by megawatts and as a miner, and the
bridge from EV to equity), plotly.js inlined so the page opens offline."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from hashpivot.adapters.reports._atomic import new_workbook, prepare_folder, write_atomically
from hashpivot.adapters.reports.formats import money, money_m, per_unit
from hashpivot.company.portfolio import CompanyValue

SITE_FIELDS = (
    "name",
    "capacity_mw",
    "fleet_eh_s",
    "ownership_frac",
    "strategy",
    "npv_mean_usd",
    "npv_p10_usd",
    "npv_p50_usd",
    "npv_p90_usd",
    "mine_npv_mean_usd",
    "usd_per_w",
)
TOTAL_FIELDS = (
    "ev_mean_usd",
    "ev_p10_usd",
    "ev_p50_usd",
    "ev_p90_usd",
    "ev_usd_per_mw",
    "usd_per_w",
    "ev_usd_per_eh_s",
)
QUANTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)
MAX_POINTS = 5_000  # values per series drawn in the distribution chart


def write_company_reports(
    folder: str | Path, summary: dict[str, Any], co: CompanyValue
) -> list[Path]:
    """Write ``company.xlsx`` and ``company.html`` into ``folder`` (created if needed)."""
    out = prepare_folder(folder)
    return [
        write_company_workbook(out / "company.xlsx", summary, co),
        write_company_html(out / "company.html", summary, co),
    ]


def write_company_workbook(path: Path, summary: dict[str, Any], co: CompanyValue) -> Path:
    """Write the workbook to ``path`` atomically; text cells are never formulas."""
    return write_atomically(path, lambda tmp: _fill(tmp, summary, co))


def _fill(path: Path, summary: dict[str, Any], co: CompanyValue) -> None:
    wb = new_workbook(path)
    bold = wb.add_format({"bold": True})
    usd = wb.add_format({"num_format": "#,##0"})
    num = wb.add_format({"num_format": "0.00"})
    pct = wb.add_format({"num_format": "0%"})

    ws = wb.add_worksheet("Sites")
    ws.write_row(0, 0, list(SITE_FIELDS), bold)
    for i, s in enumerate(summary["sites"], start=1):
        for j, f in enumerate(SITE_FIELDS):
            v = s[f]
            if isinstance(v, str):
                ws.write(i, j, v)
            else:
                fmt = usd if f.endswith("_usd") else (pct if f.endswith("_frac") else num)
                ws.write_number(i, j, float(v), fmt)
    ws.set_column(0, 0, 34)
    ws.set_column(1, len(SITE_FIELDS), 16)

    ws = wb.add_worksheet("Totals")
    ws.write_row(0, 0, ["", "by its megawatts", "as a miner"], bold)
    for i, f in enumerate(TOTAL_FIELDS, start=1):
        ws.write(i, 0, f)
        for j, key in enumerate(("by_megawatts", "as_miner"), start=1):
            ws.write_number(i, j, float(summary[key][f]), num if f == "usd_per_w" else usd)
    r = len(TOTAL_FIELDS) + 2
    eq = summary["equity"]
    bridge = [
        ("capacity_mw", summary["capacity_mw"]),
        ("fleet_eh_s", summary["fleet_eh_s"]),
        ("megawatt_premium_usd", summary["megawatt_premium_usd"]),
        ("net_debt_usd", summary["net_debt_usd"]),
        ("corporate_ga_pv_usd", summary["corporate_ga_pv_usd"]),
        *((f"equity_{k}", v) for k, v in eq.items()),
    ]
    for i, (k, v) in enumerate(bridge, start=r):
        ws.write(i, 0, k)
        fmt = num if ("per_share" in k or not k.endswith("_usd")) else usd
        ws.write_number(i, 1, float(v), fmt)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 2, 20)

    ws = wb.add_worksheet("Distribution")
    ws.write_row(0, 0, ["percentile", "EV by megawatts", "EV as a miner", "equity"], bold)
    for i, q in enumerate(QUANTILES, start=1):
        ws.write(i, 0, q)
        for j, arr in enumerate((co.ev_usd, co.ev_as_miner_usd, co.equity_usd), start=1):
            ws.write_number(i, j, float(np.percentile(arr, q)), usd)
    ws.set_column(0, 3, 18)

    ws = wb.add_worksheet("Assumptions")
    ws.write_row(0, 0, ["assumption", "value", "source"], bold)
    for i, a in enumerate(summary["assumptions"], start=1):
        ws.write_row(i, 0, [a["name"], a["value"], a["source"]])
    ws.set_column(0, 0, 24)
    ws.set_column(1, 2, 70)
    wb.close()


def _money(v: float) -> str:
    return f"{v / 1e6:,.1f}"


def company_figures(summary: dict[str, Any], co: CompanyValue) -> list[tuple[str, go.Figure]]:
    """The EV distributions (by megawatts, as a miner) and the EV-to-equity bridge."""
    dist = go.Figure()
    for name, arr in (("by its megawatts", co.ev_usd), ("as a miner", co.ev_as_miner_usd)):
        dist.add_trace(go.Box(x=(arr[:MAX_POINTS] / 1e6).tolist(), name=name, boxmean=True))
    dist.update_layout(title="Enterprise value on the shared paths ($M)", xaxis_title="EV [$M]")
    ev = float(co.ev_usd.mean())
    bridge = go.Figure(
        go.Waterfall(
            x=["EV (mean)", "net debt", "corporate G&A (PV)", "equity"],
            measure=["absolute", "relative", "relative", "total"],
            y=[ev / 1e6, -co.net_debt_usd / 1e6, -co.corporate_ga_pv_usd / 1e6, 0.0],
        )
    )
    bridge.update_layout(title="From enterprise value to equity ($M)")
    return [("ev-distributions", dist), ("equity-bridge", bridge)]


def write_company_html(path: Path, summary: dict[str, Any], co: CompanyValue) -> Path:
    title = html.escape(summary["company"])
    parts = [
        pio.to_html(fig, include_plotlyjs=(i == 0), full_html=False, div_id=div_id)
        for i, (div_id, fig) in enumerate(company_figures(summary, co))
    ]
    srows = "".join(
        f"<tr><td>{html.escape(s['name'])}</td><td>{s['capacity_mw']:,.0f}</td>"
        f"<td>{s['fleet_eh_s']:,.2f}</td><td>{s['ownership_frac']:.0%}</td>"
        f"<td>{html.escape(s['strategy'])}</td><td>{_money(s['npv_mean_usd'])}</td>"
        f"<td>{_money(s['npv_p10_usd'])}</td><td>{_money(s['npv_p90_usd'])}</td>"
        f"<td>{_money(s['mine_npv_mean_usd'])}</td><td>{s['usd_per_w']:.2f}</td></tr>"
        for s in summary["sites"]
    )
    mw, miner, eq = summary["by_megawatts"], summary["as_miner"], summary["equity"]
    trows = "".join(
        f"<tr><td>{label}</td><td>{fmt(mw[f])}</td><td>{fmt(miner[f])}</td></tr>"
        for label, f, fmt in (
            ("EV mean $M", "ev_mean_usd", _money),
            ("EV P10 $M", "ev_p10_usd", _money),
            ("EV P90 $M", "ev_p90_usd", _money),
            ("EV per MW $M", "ev_usd_per_mw", _money),
            ("EV per EH/s $M", "ev_usd_per_eh_s", _money),
        )
    )
    arows = "".join(
        f"<tr><td>{html.escape(a['name'])}</td><td>{html.escape(a['value'])}</td>"
        f"<td>{html.escape(a['source'])}</td></tr>"
        for a in summary["assumptions"]
    )
    per_share = (
        f"; {money(eq['per_share_mean_usd'], 2)} per share" if "per_share_mean_usd" in eq else ""
    )
    be, be_html = summary.get("breakeven_btc_price_usd"), ""
    if be is not None:
        lo, hi = summary["breakeven_btc_price_ci95_usd"]
        be_html = (
            f"<p id='breakeven'>By its megawatts = as a miner at a BTC price of "
            f"<b>{money(be, 0)}</b> (95% CI {money(lo, 0)} to {money(hi, 0)}, on the first "
            f"{summary['breakeven']['paths']:,} paths).</p>"
        )
    sentence = summary.get("answer", {}).get("sentence")
    answer = f"<p id='answer'><b>{html.escape(sentence)}</b></p>" if sentence else ""
    doc = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>hashpivot company: {title}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}
td:first-child{{text-align:left}}</style>
</head><body>
<h1>{title}</h1>
{answer}
<p>{summary["paths"]:,} Monte Carlo paths shared by every site (seed {summary["seed"]}).
Owned capacity {summary["capacity_mw"]:,.0f} MW, fleets {summary["fleet_eh_s"]:,.2f} EH/s.
Valued by its megawatts the company is worth <b>{money_m(mw["ev_mean_usd"], 1)}</b>
({per_unit(mw["usd_per_w"], "W")}); as a miner {money_m(miner["ev_mean_usd"], 1)}: a megawatt
premium of {money_m(summary["megawatt_premium_usd"], 1)}.
Equity {money_m(eq["mean_usd"], 1)}{per_share}
(P10 {money_m(eq["p10_usd"], 1)}, P90 {money_m(eq["p90_usd"], 1)}).</p>
{be_html}
<h2>Sites (at 100%)</h2>
<table><tr><th>site</th><th>MW</th><th>EH/s</th><th>owned</th><th>valued as</th>
<th>NPV mean $M</th><th>P10 $M</th><th>P90 $M</th><th>mining $M</th><th>$/W</th></tr>{srows}</table>
<h2>The company</h2>
<table><tr><th></th><th>by its megawatts</th><th>as a miner</th></tr>{trows}</table>
{"".join(parts)}
<h2>Assumptions</h2><table><tr><th>assumption</th><th>value</th><th>source</th></tr>{arows}</table>
<p>Methodology: docs/methodology.md of hashpivot ("Company").</p>
</body></html>"""
    return write_atomically(path, lambda tmp: tmp.write_text(doc, encoding="utf-8"))

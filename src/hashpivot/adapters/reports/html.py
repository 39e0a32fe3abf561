"""The comparison as one self-contained HTML page: plotly charts with plotly.js inlined
(opens offline, no CDN), the summary table and every assumption with its source."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from hashpivot.adapters.reports._atomic import write_atomically
from hashpivot.adapters.reports.excel import SUMMARY_FIELDS
from hashpivot.calendar import month_starts
from hashpivot.engine.compare import PERCENTILES, Comparison
from hashpivot.engine.strategies import CompareCase

MAX_POINTS = 5_000  # NPV values per strategy drawn in the distribution chart


def _figures(
    case: CompareCase, cmp: Comparison, summary: dict[str, Any]
) -> list[tuple[str, go.Figure]]:
    figs: list[tuple[str, go.Figure]] = []
    dist = go.Figure()
    for k, s in cmp.strategies.items():
        dist.add_trace(go.Box(x=(s.npv_usd[:MAX_POINTS] / 1e6).tolist(), name=k, boxmean=True))
    dist.update_layout(title="NPV distribution by strategy ($M)", xaxis_title="NPV [$M]")
    figs.append(("npv-distributions", dist))

    months = [f"{d:%Y-%m}" for d in month_starts(case.mining.start, cmp.months)]
    for key, arr, unit in (
        ("hashprice", cmp.fan_hashprice, "USD/PH/day"),
        ("btc-price", cmp.fan_btc_price, "USD"),
    ):
        fan = go.Figure()
        q = {p: row.tolist() for p, row in zip(PERCENTILES, arr, strict=True)}
        for lo, hi, alpha in ((5, 95, 0.15), (25, 75, 0.3)):
            fan.add_trace(go.Scatter(x=months, y=q[hi], line={"width": 0}, showlegend=False))
            fan.add_trace(
                go.Scatter(
                    x=months,
                    y=q[lo],
                    fill="tonexty",
                    line={"width": 0},
                    fillcolor=f"rgba(31,119,180,{alpha})",
                    name=f"P{lo}-P{hi}",
                )
            )
        fan.add_trace(go.Scatter(x=months, y=q[50], name="P50", line={"color": "#1f77b4"}))
        fan.update_layout(title=f"Fan chart: {key.replace('-', ' ')} [{unit}]")
        figs.append((f"fan-{key}", fan))

    sens = summary.get("sensitivity")
    if sens:
        rows = sorted(
            sens["tornado"], key=lambda r: abs(r["high_output_usd"] - r["low_output_usd"])
        )
        base = sens["base_output_usd"] / 1e6
        tor = go.Figure()
        tor.add_trace(
            go.Bar(
                y=[r["name"] for r in rows],
                x=[r["low_output_usd"] / 1e6 - base for r in rows],
                base=base,
                orientation="h",
                name="low",
            )
        )
        tor.add_trace(
            go.Bar(
                y=[r["name"] for r in rows],
                x=[r["high_output_usd"] / 1e6 - base for r in rows],
                base=base,
                orientation="h",
                name="high",
            )
        )
        tor.update_layout(
            title=f"Tornado: NPV of {sens['strategy']} ($M), base {base:,.1f}", barmode="overlay"
        )
        figs.append(("tornado", tor))

    if cmp.switch is not None:
        sw = go.Figure()
        labels = [*months, "never"]
        sw.add_trace(
            go.Scatter(
                x=labels,
                y=(cmp.switch.npv_by_month_mean_usd / 1e6).tolist(),
                name="mean NPV if converting that month ($M)",
            )
        )
        sw.add_trace(
            go.Bar(
                x=labels,
                y=cmp.switch.conversion_prob_by_month.tolist(),
                name="share converting (policy)",
                yaxis="y2",
                opacity=0.4,
            )
        )
        sw.update_layout(
            title="Switch timing: fixed months and the Longstaff-Schwartz policy",
            yaxis={"title": "$M"},
            yaxis2={"overlaying": "y", "side": "right", "title": "share"},
        )
        figs.append(("switch-policy", sw))
    return figs


def _shown(field: str, stats: dict[str, Any]) -> str:
    """A summary cell; an IRR that means nothing shows its reason (``irr_display``)."""
    if field == "irr_p50" and stats[field] is None and "irr_display" in stats:
        return html.escape(str(stats["irr_display"]))
    return _cell(field, stats[field])


def _cell(field: str, value: float | None) -> str:
    """A summary cell: shares as %, $/W with cents, money in $M."""
    if value is None:
        return "n/a"
    if field.startswith(("prob", "irr")):
        return f"{value:.1%}"
    if field.endswith("per_w_p50"):
        return f"{value:,.2f}"
    return f"{value / 1e6:,.1f}"


def write_html(
    path: Path,
    case: CompareCase,
    cmp: Comparison,
    summary: dict[str, Any],
    assumptions: list[tuple[str, str, str]],
) -> Path:
    parts = []
    for i, (div_id, fig) in enumerate(_figures(case, cmp, summary)):
        parts.append(pio.to_html(fig, include_plotlyjs=(i == 0), full_html=False, div_id=div_id))
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td>"
        + "".join(f"<td>{_shown(f, st)}</td>" for f in SUMMARY_FIELDS)
        + "</tr>"
        for k, st in summary["strategies"].items()
    )
    arows = "".join(
        f"<tr><td>{html.escape(n)}</td><td>{html.escape(v)}</td><td>{html.escape(s)}</td></tr>"
        for n, v, s in assumptions
    )
    sw = summary.get("switch", {})
    switch_text = ""
    if sw.get("best_month") is not None:
        when = html.escape(str(sw["best_month_date"]))
        switch_text = (
            f"<p>Best fixed conversion month: {sw['best_month']} ({when}); keeping the choice "
            f"open is worth ${sw['option_value_usd'] / 1e6:,.1f}M over converting now.</p>"
            "<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in sw["policy"][:12]) + "</ul>"
        )
    doc = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>hashpivot compare: {html.escape(summary["site"])}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}
td:first-child{{text-align:left}}</style>
</head><body>
<h1>{html.escape(summary["site"])}</h1>
<p>{summary["paths"]:,} Monte Carlo paths, seed {summary["seed"]}, {summary["months"]} months from
{summary["start"]}, discount rate {summary["discount_rate"]:.1%}. Recommendation:
<b>{html.escape(summary["recommendation"])}</b> (highest mean NPV).</p>
<table><tr><th>strategy</th><th>NPV mean $M</th><th>P10 $M</th><th>P50 $M</th><th>P90 $M</th>
<th>P(best)</th><th>P(loss)</th><th>IRR P50</th><th>equity $/W P50</th></tr>{rows}</table>
{switch_text}
{"".join(parts)}
<h2>Assumptions</h2><table><tr><th>assumption</th><th>value</th><th>source</th></tr>{arows}</table>
<p>Methodology: docs/methodology.md of hashpivot.</p>
</body></html>"""
    return write_atomically(path, lambda tmp: tmp.write_text(doc, encoding="utf-8"))


def chart_data(cmp: Comparison) -> dict[str, Any]:
    """The numbers drawn in the charts (for tests and for other renderers)."""
    return {
        "fan_hashprice_p50": np.asarray(cmp.fan_hashprice[PERCENTILES.index(50)]).tolist(),
        "fan_btc_price_p50": np.asarray(cmp.fan_btc_price[PERCENTILES.index(50)]).tolist(),
    }

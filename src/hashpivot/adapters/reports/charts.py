"""The charts of the HTML report, as plotly figures built from the comparison's JSON summary
(:func:`hashpivot.api.compare.summary` with its ``sensitivity``) and the typed Comparison.

Every figure has a title with its unit, axis titles, and only the numbers of the summary (the
tests read them back from the page): NPV distributions, P50 monthly cash flows, fan charts
with mean and median, the tornado, the switch boundary and the switch timing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from hashpivot.adapters.reports.formats import money_m
from hashpivot.engine.summary import PERCENTILES, Comparison

__all__ = ["MAX_POINTS", "figures"]

MAX_POINTS = 5_000  # NPV values per strategy drawn in the distribution chart
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
_LAYOUT: dict[str, Any] = {
    "height": 420,
    "margin": {"l": 70, "r": 30, "t": 60, "b": 50},
    "template": "plotly_white",
}


def ranked_names(summary: dict[str, Any]) -> list[str]:
    """Strategy names by mean NPV, highest first (non-finite means last)."""
    st = summary["strategies"]

    def key(k: str) -> float:
        v = st[k]["npv_mean_usd"]
        return -v if isinstance(v, int | float) and np.isfinite(v) else np.inf

    return sorted(st, key=key)


def _distributions(cmp: Comparison, order: list[str], winner: str) -> go.Figure:
    fig = go.Figure()
    for k in reversed(order):
        s = cmp.strategies[k]
        fig.add_trace(
            go.Box(
                x=(s.npv_usd[:MAX_POINTS] / 1e6).tolist(),
                name=f"{k} *" if k == winner else k,
                boxmean=True,
                boxpoints=False,
                orientation="h",
            )
        )
    fig.update_layout(
        title="NPV distribution by strategy [$M] (box: P25-P75, line: median, dashed: mean)",
        xaxis_title="NPV [$M]",
        showlegend=False,
        **_LAYOUT,
    )
    return fig


def _cash_flows(summary: dict[str, Any], order: list[str]) -> go.Figure:
    months = summary["fan"]["months"]
    flows = summary.get("monthly_p50_net_usd", {})
    fig = go.Figure()
    for i, k in enumerate(order):
        f = flows.get(k)
        if f:
            fig.add_trace(
                go.Scatter(
                    x=months[: len(f)],
                    y=[v / 1e6 for v in f],
                    name=k,
                    line={"color": COLOURS[i % len(COLOURS)]},
                )
            )
    fig.update_layout(
        title="P50 monthly net cash flow by strategy [$M per month] (median of the sample paths)",
        yaxis_title="$M per month",
        **_LAYOUT,
    )
    return fig


#: the JSON key of each fan's mean (api/compare.summary)
_MEAN_KEY = {
    "hashprice_usd_per_ph_day": "hashprice_mean_usd_per_ph_day",
    "btc_price_usd": "btc_price_mean_usd",
}


def _fan(summary: dict[str, Any], key: str, label: str, unit: str) -> go.Figure:
    fan = summary["fan"]
    months = fan["months"]
    q = {p: row for p, row in zip(PERCENTILES, fan[key], strict=True)}
    fig = go.Figure()
    for lo, hi, alpha in ((5, 95, 0.15), (25, 75, 0.3)):
        fig.add_trace(go.Scatter(x=months, y=q[hi], line={"width": 0}, showlegend=False))
        fig.add_trace(
            go.Scatter(
                x=months,
                y=q[lo],
                fill="tonexty",
                line={"width": 0},
                fillcolor=f"rgba(31,119,180,{alpha})",
                name=f"P{lo}-P{hi}",
            )
        )
    fig.add_trace(go.Scatter(x=months, y=q[50], name="median (P50)", line={"color": "#1f77b4"}))
    mean = fan.get(_MEAN_KEY[key])
    if mean:
        fig.add_trace(
            go.Scatter(
                x=months,
                y=mean,
                name="mean (same sample paths)",
                line={"color": "#d62728", "dash": "dash"},
            )
        )
    fig.update_layout(title=f"Fan chart: {label} [{unit}]", yaxis_title=unit, **_LAYOUT)
    return fig


def _tornado(sens: dict[str, Any]) -> go.Figure:
    rows = list(reversed(sens["tornado_readable"]))  # widest at the top
    base = sens["base_output_usd"] / 1e6
    labels = [f"{r['label']} ({r['low_text']} / {r['high_text']})" for r in rows]
    fig = go.Figure()
    for side, colour in (("low", "#d62728"), ("high", "#2ca02c")):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[r[f"{side}_output_usd"] / 1e6 - base for r in rows],
                base=base,
                orientation="h",
                name=f"{side} input",
                marker={"color": colour},
                customdata=[[r[f"{side}_text"], r[f"{side}_output_usd"] / 1e6] for r in rows],
                hovertemplate="%{y}<br>input %{customdata[0]}: NPV $%{customdata[1]:,.1f}M"
                "<extra></extra>",
            )
        )
    fig.update_layout(
        title=f"Tornado: NPV of {sens['strategy']} [$M] around its deterministic base "
        f"({money_m(sens['base_output_usd'], 1)}, '{sens['scenario']}' scenario)",
        barmode="overlay",
        xaxis_title="NPV [$M]",
        **{**_LAYOUT, "margin": {"l": 260, "r": 30, "t": 60, "b": 50}},
    )
    fig.add_vline(x=base, line_dash="dot")
    return fig


def _boundary(summary: dict[str, Any]) -> go.Figure | None:
    pts = summary.get("switch", {}).get("boundary") or []
    if not pts:
        return None
    fig = go.Figure()
    ys = [y for p in pts for y in p["rent_usd_per_kw_month"]]
    top = max(ys) * 1.15
    for i, p in enumerate(pts):
        colour = COLOURS[i % len(COLOURS)]
        x, y = p["hashprice_usd_per_ph_day"], p["rent_usd_per_kw_month"]
        if p["convert_side"] == "above":  # the convert region: above the line
            fig.add_trace(
                go.Scatter(
                    x=[*x, x[-1], x[0]],
                    y=[*y, top, top],
                    fill="toself",
                    mode="lines",
                    fillcolor="rgba(44,160,44,0.06)",
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        idx = p.get("index_rent_usd_per_kw_month", y)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                customdata=idx,
                name=f"{p['date']} (month {p['month']})",
                line={"color": colour},
                hovertemplate="hashprice $%{x:.2f}/PH/day<br>site rent $%{y:.2f}/kW-month "
                "(index $%{customdata:.2f})<extra>%{fullData.name}</extra>",
            )
        )
    side = "above" if pts[0]["convert_side"] == "above" else "left of"
    fig.update_layout(
        title=f"Switch boundary by decision date: convert {side} the line, wait otherwise",
        xaxis={"title": "hashprice [$/PH/day]", "range": [0, _hashprice_p95_max(summary)]},
        yaxis_title="rent this site would sign [$/IT kW-month] (index = rent - spread)",
        **_LAYOUT,
    )
    return fig


def _hashprice_p95_max(summary: dict[str, Any]) -> float:
    """The x range of the boundary chart: the fan's highest P95 hashprice [$/PH/day]."""
    fan = summary["fan"]
    return float(max(fan["hashprice_usd_per_ph_day"][PERCENTILES.index(95)])) * 1.1


def _timing(summary: dict[str, Any], cmp: Comparison) -> go.Figure | None:
    if cmp.switch is None:
        return None
    labels = [*summary["fan"]["months"], "never"]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=(cmp.switch.npv_by_month_mean_usd / 1e6).tolist(),
            name="mean NPV if converting that month [$M]",
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=cmp.switch.conversion_prob_by_month.tolist(),
            name="share of paths converting (policy)",
            yaxis="y2",
            opacity=0.4,
        )
    )
    fig.update_layout(
        title="Switch timing: fixed conversion months and the policy's conversions",
        yaxis={"title": "$M"},
        yaxis2={"overlaying": "y", "side": "right", "title": "share of paths", "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.2},
        **_LAYOUT,
    )
    return fig


def figures(summary: dict[str, Any], cmp: Comparison) -> list[tuple[str, go.Figure]]:
    """(div id, figure) of every chart of the report, in reading order."""
    order = ranked_names(summary)
    out: list[tuple[str, go.Figure | None]] = [
        ("npv-distributions", _distributions(cmp, order, summary["recommendation"])),
        ("p50-cash-flows", _cash_flows(summary, order)),
        ("fan-hashprice", _fan(summary, "hashprice_usd_per_ph_day", "hashprice", "$/PH/day")),
        ("fan-btc-price", _fan(summary, "btc_price_usd", "BTC price", "$/BTC")),
    ]
    sens = summary.get("sensitivity")
    if sens and sens.get("tornado_readable"):
        out.append(("tornado", _tornado(sens)))
    out += [("switch-boundary", _boundary(summary)), ("switch-policy", _timing(summary, cmp))]
    return [(k, f) for k, f in out if f is not None]

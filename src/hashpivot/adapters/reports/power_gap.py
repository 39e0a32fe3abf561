"""The power-gap chart (demand, supply and the gap by year, with the range the supply blocks
leave) and a small page of it, ``power-gap.html``, plotly.js inlined so it opens offline."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from hashpivot.adapters.reports._atomic import prepare_folder, write_atomically


def power_gap_figure(out: dict[str, Any]) -> go.Figure:
    """Demand and supply [GW] by year as lines, the gap as bars and the gap after the supply
    blocks with its range (every block at its low / high end) as error bars. ``out``: the JSON
    object of ``hashpivot power-gap``."""
    years = [str(y) for y in out["years"]]
    low, high = out["gap_after_blocks_range_gw"]
    after = out["gap_after_blocks_gw"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=years, y=out["demand_gw"], name="demand", mode="lines+markers"))
    fig.add_trace(
        go.Scatter(x=years, y=out["supply_gw"], name="grid + under construction", mode="lines")
    )
    fig.add_trace(go.Bar(x=years, y=out["gap_gw"], name="gap", opacity=0.6))
    fig.add_trace(
        go.Bar(
            x=years,
            y=after,
            name="gap after supply blocks",
            opacity=0.6,
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [h - a for h, a in zip(high, after, strict=True)],
                "arrayminus": [a - lo for a, lo in zip(after, low, strict=True)],
            },
        )
    )
    fig.update_layout(title="US data-center power gap [GW]", yaxis_title="GW", barmode="group")
    return fig


def write_power_gap_html(report_dir: Path, out: dict[str, Any]) -> Path:
    """Write ``power-gap.html`` (the chart, the rent link, the sources) to ``report_dir``."""
    folder = prepare_folder(report_dir)
    chart = pio.to_html(power_gap_figure(out), include_plotlyjs=True, full_html=False)
    link = out["rent_link"]
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in out["notes"])
    doc = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>hashpivot power gap</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}</style></head><body>
<h1>US data-center power gap</h1>
{chart}
<p>Rent link: scarcity {link["scarcity"]:.2f} (gap / demand in {out["years"][-1]}) gives a
long-run rent of <b>${link["long_run_rent_usd_per_kw_month"]:,.0f}/kW-month</b>
({html.escape(link["formula"])}, elasticity {link["elasticity"]:g}).</p>
<ul>{notes}</ul>
<p>Source: {html.escape(out["source"])} ({html.escape(out["as_of"])}).
Methodology: docs/methodology.md of hashpivot ("The power gap").</p>
</body></html>"""
    path = folder / "power-gap.html"
    return write_atomically(path, lambda tmp: tmp.write_text(doc, encoding="utf-8"))

"""The comparison as one self-contained HTML page that leads with its answer.

Top to bottom: the recommendation in one sentence and why (the two or three inputs the
sensitivity names), the strategies ranked with the winner highlighted, the switch policy (one
rule per decision date), the charts (:mod:`hashpivot.adapters.reports.charts`), every
assumption with its source, and the run's date, package version and seed. plotly.js is inlined
from the installed plotly package (opens offline, no CDN); a print style sheet keeps each chart
on one page when printed to PDF.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import plotly.io as pio

from hashpivot.adapters.reports._atomic import write_atomically
from hashpivot.adapters.reports.charts import figures, ranked_names
from hashpivot.adapters.reports.formats import irr_pct, money_m, pct, per_unit
from hashpivot.engine.compare import PERCENTILES, Comparison
from hashpivot.engine.strategies import CompareCase

__all__ = ["chart_data", "write_html"]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{margin-bottom:.2em} .answer{font-size:1.25em;background:#eef6ee;border-left:6px solid #2ca02c;
padding:.6em 1em} .why{font-size:1.05em} table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:right} td:first-child,th:first-child
{text-align:left} #assumptions td{text-align:left}
tr.winner td{background:#dff0d8;font-weight:bold} .muted{color:#666}
.chart{break-inside:avoid;page-break-inside:avoid;margin:1em 0}
@page{size:A4 landscape;margin:10mm}
@media print{body{max-width:none;margin:0} .answer{background:none}
 h2{break-after:avoid;page-break-after:avoid} table{break-inside:avoid}}
"""

_COLUMNS = (
    ("npv_mean_usd", "NPV mean"),
    ("npv_p10_usd", "NPV P10"),
    ("npv_p50_usd", "NPV P50"),
    ("npv_p90_usd", "NPV P90"),
    ("prob_best", "P(best) [% of paths]"),
    ("prob_loss", "P(loss) [% of paths]"),
    ("irr_p50", "IRR P50 [%/yr]"),
    ("equity_usd_per_w_p50", "NPV P50 per W [$/W]"),
)


def _cell(field: str, value: float | None) -> str:
    """A summary cell: shares as %, $/W with cents, money in $M (sign first), n/a."""
    if field.startswith("irr"):
        return irr_pct(value)
    if field.startswith("prob"):
        return pct(value, 1)
    if field.endswith("per_w_p50"):
        return per_unit(value, "W")
    return money_m(value, 1)


def _irr_reason(stats: dict[str, Any]) -> str:
    """An IRR that means nothing shows its reason (``irr_display``), escaped."""
    return html.escape(str(stats.get("irr_display", "n/a")))


def _ranked_table(summary: dict[str, Any]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in _COLUMNS)
    rows = []
    for k in ranked_names(summary):
        st = summary["strategies"][k]
        win = k == summary["recommendation"]
        cells = "".join(
            f"<td>{_irr_reason(st) if f == 'irr_p50' and st[f] is None else _cell(f, st[f])}</td>"
            for f, _ in _COLUMNS
        )
        mark = " &#9733; recommended" if win else ""
        cls = ' class="winner"' if win else ""
        rows.append(f"<tr{cls} data-strategy='{html.escape(k)}'><td>{html.escape(k)}{mark}</td>")
        rows[-1] += cells + "</tr>"
    base = ""
    sens = summary.get("sensitivity")
    if sens:
        base = (
            f"<p class='muted'>Deterministic base of {html.escape(sens['strategy'])} (the "
            f"'{html.escape(sens['scenario'])}' scenario of compare --deterministic; the "
            "tornado's centre): "
            f"<b id='deterministic-base'>{money_m(sens['base_output_usd'], 1)}</b>, against "
            + ("its NPV on this run" if summary["paths"] == 1 else "its Monte Carlo mean")
            + f" of {money_m(summary['strategies'][sens['strategy']]['npv_mean_usd'], 1)}.</p>"
        )
    return (
        f"<table id='ranked'><tr><th>strategy (by mean NPV)</th>{head}</tr>{''.join(rows)}"
        f"</table>{base}"
    )


def _switch_html(summary: dict[str, Any]) -> str:
    sw = summary.get("switch", {})
    if sw.get("best_month") is None:
        return ""
    if sw.get("best_month_is_now"):
        timing = (
            "Of the fixed conversion dates, converting now is best "
            f"({money_m(sw['convert_now_npv_mean_usd'], 1)} mean NPV)"
        )
    else:
        timing = (
            f"Best fixed conversion date: {html.escape(str(sw['best_month_date']))} "
            f"({money_m(sw['best_month_npv_mean_usd'], 1)} mean NPV), against "
            f"{money_m(sw['convert_now_npv_mean_usd'], 1)} converting now"
        )
    rules = "".join(
        f"<li><b>{html.escape(r['date'])}</b>: {html.escape(r['text'])}</li>"
        for r in sw.get("rules", [])
    )
    intro = (
        " One rule per decision date (the policy re-decides every month; yearly dates shown):"
        if rules
        else ""
    )
    return (
        "<h2>Switch policy</h2>"
        f"<p>{timing}; keeping the choice open adds {money_m(sw['option_value_usd'], 1)} "
        f"(Longstaff-Schwartz policy, standard error {money_m(sw['lsm_std_error_usd'], 1)})."
        f"{intro}</p><ul id='switch-rules'>{rules}</ul>"
    )


def _header(summary: dict[str, Any]) -> str:
    ans = summary.get("answer", {})
    rec = html.escape(summary["recommendation"])
    sentence = html.escape(ans.get("sentence", ""))
    why = html.escape(ans.get("why", ""))
    return (
        f"<h1>{html.escape(summary['site'])}</h1>"
        f"<p class='answer' id='answer' data-strategy='{rec}'>Recommendation: <b>{rec}</b>. "
        f"{sentence}.</p>" + (f"<p class='why' id='why'>Why: {why}</p>" if why else "")
    )


def _footer(summary: dict[str, Any]) -> str:
    run = summary.get("run", {})
    return (
        f"<p class='muted' id='run'>Run {html.escape(str(run.get('date_utc', '')))}, hashpivot "
        f"{html.escape(str(run.get('version', '')))}, seed {summary['seed']}, "
        f"{summary['paths']:,} paths, {summary['months']} months from {summary['start']}, "
        f"discount rate {pct(summary['discount_rate'], 1)}/yr. Market: "
        f"{html.escape(str(summary.get('market', '')))}. Method: docs/methodology.md of "
        "hashpivot.</p>"
    )


def _charts(summary: dict[str, Any], cmp: Comparison) -> str:
    parts = []
    for i, (div_id, fig) in enumerate(figures(summary, cmp)):
        div = pio.to_html(
            fig,
            include_plotlyjs=(i == 0),
            full_html=False,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
        parts.append(f"<div class='chart'>{div}</div>")
    return "".join(parts)


def write_html(
    path: Path,
    case: CompareCase,
    cmp: Comparison,
    summary: dict[str, Any],
    assumptions: list[tuple[str, str, str]],
) -> Path:
    """Write the report to ``path`` (atomically) and return it."""
    arows = "".join(
        f"<tr><td>{html.escape(n)}</td><td>{html.escape(v)}</td><td>{html.escape(s)}</td></tr>"
        for n, v, s in assumptions
    )
    notes = "".join(f"<p class='muted'>{html.escape(n)}</p>" for n in summary.get("notes", []))
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>hashpivot compare: {html.escape(summary["site"])}</title><style>{_STYLE}</style>
</head><body>
{_header(summary)}
<h2>Strategies, ranked</h2>
{_ranked_table(summary)}
{notes}
{_switch_html(summary)}
<h2>Charts</h2>
{_charts(summary, cmp)}
<h2>Assumptions</h2><table id="assumptions"><tr><th>assumption</th><th>value</th>
<th>source</th></tr>{arows}</table>
{_footer(summary)}
</body></html>"""
    del case  # the summary carries what the page shows
    return write_atomically(path, lambda tmp: tmp.write_text(doc, encoding="utf-8"))


def chart_data(cmp: Comparison) -> dict[str, Any]:
    """The numbers drawn in the charts (for tests and for other renderers)."""
    return {
        "fan_hashprice_p50": np.asarray(cmp.fan_hashprice[PERCENTILES.index(50)]).tolist(),
        "fan_btc_price_p50": np.asarray(cmp.fan_btc_price[PERCENTILES.index(50)]).tolist(),
    }

"""How ``hashpivot compare`` prints: the answer in one sentence, why, a ranked table that fits
80 columns (the winner marked), the switch policy as one rule per decision date, then the
assumptions. Prints only what :func:`hashpivot.api.decide.finish_compare` returned."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from hashpivot.api.answer import irr_pct, money_m, pct, per_unit
from hashpivot.cli._app import console, safe

__all__ = ["WIDE_COLUMNS", "render_compare", "strategy_table"]

#: From this terminal width on, the table adds the P50 and $/W columns.
WIDE_COLUMNS = 110

WINNER = "*"


def _irr_cell(s: dict[str, Any]) -> str:
    """The IRR, or a short form of why there is none (the JSON's irr_display says it whole):
    '>1,000%' (capital back within months), 'none' (no sign change), 'multi' (several
    roots)."""
    if s["irr_p50"] is not None:
        return irr_pct(s["irr_p50"])
    why = str(s.get("irr_display") or "n/a")
    if why.startswith(">"):
        return ">1,000%"
    if "sign" in why:
        return "none"
    if "multiple" in why:
        return "multi"
    return "n/a"


def _m(x: float | None) -> str:
    return money_m(x, 1)


def strategy_table(out: dict[str, Any], width: int) -> Table:
    """The strategies ranked by mean NPV, the recommendation marked ``*`` and in bold; the
    P50 and equity $/W columns only at ``width`` >= :data:`WIDE_COLUMNS`."""
    wide = width >= WIDE_COLUMNS
    t = Table(
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        caption=f"{WINNER} recommended: highest mean NPV. NPV in USD at "
        f"{pct(out['discount_rate'], 1)}/yr; P(best), P(loss): share of paths; IRR: annual.",
        caption_justify="left",
    )
    t.add_column("strategy", no_wrap=True)
    cols = ["NPV mean", "NPV P10", *(["NPV P50"] if wide else []), "NPV P90"]
    cols += ["P(best)", "P(loss)", "IRR P50", *(["P50 $/W"] if wide else [])]
    for col in cols:
        t.add_column(col, justify="right", no_wrap=True)
    ranked = sorted(out["strategies"].items(), key=lambda kv: -(kv[1]["npv_mean_usd"] or 0.0))
    for name, s in ranked:
        win = name == out["recommendation"]
        cells = [
            _m(s["npv_mean_usd"]),
            _m(s["npv_p10_usd"]),
            *([_m(s["npv_p50_usd"])] if wide else []),
            _m(s["npv_p90_usd"]),
            pct(s["prob_best"], 0),
            pct(s["prob_loss"], 0),
            _irr_cell(s),
            *([per_unit(s["equity_usd_per_w_p50"], "W")] if wide else []),
        ]
        t.add_row(f"{WINNER} {name}" if win else f"  {name}", *cells, style="bold" if win else "")
    return t


def _switch_lines(out: dict[str, Any]) -> list[str]:
    sw = out.get("switch", {})
    if sw.get("best_month") is None:
        return []
    se = _m(sw["lsm_std_error_usd"])
    if sw.get("best_month_is_now"):
        timing = (
            f"Of the fixed conversion dates, converting now is best "
            f"({_m(sw['convert_now_npv_mean_usd'])} mean NPV)"
        )
    else:
        timing = (
            f"Best fixed conversion date: {sw['best_month_date']} (month {sw['best_month']}, "
            f"{_m(sw['best_month_npv_mean_usd'])} mean NPV) against "
            f"{_m(sw['convert_now_npv_mean_usd'])} converting now"
        )
    lines = [
        f"{timing}; keeping the choice open adds {_m(sw['option_value_usd'])} "
        f"(Longstaff-Schwartz policy, SE {se})."
    ]
    rules = sw.get("rules") or []
    if rules:
        basis = f" ({sw['rent_basis']})" if sw.get("rent_basis") else ""
        lines.append(f"Switch policy, one rule per decision date{basis}:")
    lines += [f"  {r['date']}: {r['text']}" for r in rules]
    return lines


def _sensitivity_line(out: dict[str, Any]) -> str | None:
    sens = out.get("sensitivity")
    if not sens:
        return None
    name = sens["strategy"]
    mean = out["strategies"].get(name, {}).get("npv_mean_usd")
    against = "its NPV on this run" if out["paths"] == 1 else "a Monte Carlo mean"
    return (
        f"Tornado of {name}: centred on its deterministic base {_m(sens['base_output_usd'])} "
        f"('{safe(sens['scenario'])}' scenario), against {against} of {_m(mean)}."
    )


def render_compare(
    out: dict[str, Any], rows: list[tuple[str, str, str]], con: Console | None = None
) -> None:
    """Print a comparison on ``con`` (the CLI's console unless given)."""
    c = con or console
    ans = out.get("answer", {})
    if ans.get("sentence"):
        c.print(f"[bold]{safe(ans['sentence'])}.[/]", highlight=False)
    if ans.get("why"):
        c.print(safe(ans["why"]), highlight=False)
    c.print(
        f"{safe(out['site'])}: {out['paths']:,} path{'' if out['paths'] == 1 else 's'}, "
        f"seed {out['seed']}, {out['months']} months from {out['start']}.",
        highlight=False,
    )
    c.print(strategy_table(out, c.width))
    for line in _switch_lines(out):
        c.print(safe(line), highlight=False)
    sens_line = _sensitivity_line(out)
    if sens_line:
        c.print(safe(sens_line), highlight=False)
    c.print("[dim]Assumptions:[/]")
    for name, value, source in rows:
        c.print(f"[dim]  {safe(name)}: {safe(value)} ({safe(source)})[/]", highlight=False)
    for note in out["notes"]:
        c.print(f"[yellow]{safe(note)}[/]")

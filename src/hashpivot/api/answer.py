"""Answers first: the one sentence every command leads with, the two or three inputs it rests
on (read off the tornado), and readable names for the sensitivity's inputs.

Built from the JSON-ready results (:func:`hashpivot.api.compare.summary` with its
``sensitivity``; the reports of ``mine``, ``lease`` and ``gpu-cloud``), so the terminal, the
HTML report and the JSON say the same thing. Amounts are written by
:mod:`hashpivot.adapters.reports.formats` (``-$0.98M``, ``6.9%``, ``never``).
"""

from __future__ import annotations

from typing import Any

from hashpivot.adapters.reports.formats import (
    irr_pct,
    is_number,
    money,
    money_m,
    months_text,
    pct,
    per_unit,
    signed_money_m,
)

__all__ = [
    "ACTIONS",
    "company_answer",
    "compare_answer",
    "drivers",
    "irr_pct",
    "is_number",
    "mining_answer",
    "money",
    "money_m",
    "months_text",
    "pct",
    "per_unit",
    "project_answer",
    "readable_tornado",
    "signed_money_m",
]

#: What choosing each strategy means, as a verb phrase.
ACTIONS: dict[str, str] = {
    "mine": "Keep mining",
    "lease": "Convert now and lease to an AI tenant",
    "gpu_cloud": "Convert now and run a GPU cloud",
    "switch": "Keep mining with the option to convert",
    "split": "Split the site between leasing and mining",
    "sell": "Sell the site",
}

#: Short names of the strategies in a sentence ("leasing now: +$399M").
SHORT: dict[str, str] = {
    "mine": "keep mining",
    "lease": "leasing now",
    "gpu_cloud": "GPU cloud now",
    "switch": "the option to convert",
    "split": "split",
    "sell": "selling",
}

#: The sensitivity's inputs in words, and whether their low/high are multipliers ("x").
INPUT_LABELS: dict[str, tuple[str, str]] = {
    "btc_price": ("BTC price path", "x"),
    "network_hashrate": ("Network hashrate path", "x"),
    "power_price": ("Power price", "x"),
    "rent": ("AI lease rent", "x"),
    "conversion_capex": ("Conversion capex", "x"),
    "gpu_rate": ("GPU rental rate", "x"),
    "discount_rate_per_year": ("Discount rate", "rate"),
}


def _input_text(name: str, value: float) -> str:
    kind = INPUT_LABELS.get(name, (name, "x"))[1]
    return pct(value, 1) if kind == "rate" else f"x{value:.2f}"


def _rent_text(row: dict[str, Any], side: str) -> str | None:
    """A rent row in the site's own rent: "$66/kW-month" (None for other rows)."""
    rent = row.get(f"{side}_rent_usd_per_kw_month")
    return None if rent is None else f"${rent:,.0f}/kW-month"


def readable_tornado(sens: dict[str, Any]) -> list[dict[str, Any]]:
    """The tornado's rows, widest swing first, each with ``label`` ("AI lease rent"),
    ``low_text``/``high_text`` (``x0.80`` of the base path, or ``9.0%``), ``swing_usd``
    (|high - low| output) and the row's numbers as given."""
    rows = []
    for r in sens.get("tornado", []):
        label = INPUT_LABELS.get(r["name"], (r["name"].replace("_", " ").capitalize(), "x"))[0]
        rows.append(
            {
                **r,
                "label": label,
                "low_text": _rent_text(r, "low") or _input_text(r["name"], r["low_input"]),
                "high_text": _rent_text(r, "high") or _input_text(r["name"], r["high_input"]),
                "swing_usd": abs(r["high_output_usd"] - r["low_output_usd"]),
            }
        )
    return sorted(rows, key=lambda r: -r["swing_usd"])


def drivers(sens: dict[str, Any] | None, n: int = 3) -> list[dict[str, Any]]:
    """The ``n`` inputs that move the NPV most (the tornado's widest non-zero swings)."""
    if not sens:
        return []
    return [r for r in readable_tornado(sens) if r["swing_usd"] > 0][:n]


def _lower(label: str) -> str:
    """'Discount rate' -> 'discount rate'; 'AI lease rent' kept (an acronym first)."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _why(out: dict[str, Any]) -> str:
    sens = out.get("sensitivity")
    top = drivers(sens)
    if not top or sens is None:
        return ""
    parts = [
        f"{_lower(r['label'])} ({r['low_text']} to {r['high_text']}: "
        f"{money_m(r['low_output_usd'], 0)} to {money_m(r['high_output_usd'], 0)})"
        for r in top
    ]
    base = money_m(sens["base_output_usd"], 0)
    names = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return (
        f"The value of {sens['strategy']} rests most on {names}, around its deterministic "
        f"base of {base}."
    )


def _switch_action(out: dict[str, Any]) -> str:
    rules = out.get("switch", {}).get("rules") or []
    first = next((r for r in rules if r.get("kind") in ("threshold", "range")), None)
    if first is None:
        return ACTIONS["switch"]
    text = first["text"].split(",")[0]
    return f"Keep the option and {text}"


def compare_answer(out: dict[str, Any]) -> dict[str, Any]:
    """The answer of a comparison: ``strategy`` (the recommendation), ``sentence`` (e.g. "Keep
    the option and convert when rent passes $207/kW-month: +$428M mean NPV, best on 69% of
    paths; leasing now: +$399M"), ``why`` (the drivers from the sensitivity) and ``drivers``
    (their names)."""
    rec = out["recommendation"]
    st = out["strategies"]
    s = st[rec]
    action = _switch_action(out) if rec == "switch" else ACTIONS.get(rec, rec)
    ranked = sorted(
        (k for k in st if is_number(st[k]["npv_mean_usd"])), key=lambda k: -st[k]["npv_mean_usd"]
    )
    other = (
        "lease"
        if rec == "switch" and "lease" in st
        else next((k for k in ranked if k != rec), None)
    )
    tail = ""
    if other is not None:
        tail = f"; {SHORT.get(other, other)}: {signed_money_m(st[other]['npv_mean_usd'])}"
    if out.get("paths", 2) == 1:  # one deterministic path: no mean, no share of paths
        sentence = f"{action}: {signed_money_m(s['npv_mean_usd'])} NPV on one path{tail}"
    else:
        sentence = (
            f"{action}: {signed_money_m(s['npv_mean_usd'])} mean NPV, best on "
            f"{pct(s['prob_best'], 0)} of paths{tail}"
        )
    return {
        "strategy": rec,
        "sentence": sentence,
        "why": _why(out),
        "drivers": [r["name"] for r in drivers(out.get("sensitivity"))],
    }


def mining_answer(summary: dict[str, Any]) -> str:
    """``hashpivot mine``'s sentence: the NPV and what it rests on (hashprice, power price)."""
    hp = summary.get("hashprice_start_usd_per_ph_day")
    be = summary.get("breakeven_hashprice_usd_per_ph_day")
    rests = (
        f"it rests on hashprice staying above {per_unit(be, 'PH/day')} "
        f"({per_unit(hp, 'PH/day')} at the site's start)"
        if is_number(be)
        else "no hashprice covers its costs"
    )
    return (
        f"Keep mining is worth {signed_money_m(summary['npv_usd'], 1)} NPV "
        f"({summary['scenario']} scenario, {pct(summary['discount_rate'], 1)}/yr, "
        f"{summary['horizon_months']} months) at "
        f"{per_unit(summary['power_price_usd_per_mwh'], 'MWh', 1)} power; {rests}; "
        f"fleet payback {months_text(summary.get('payback_months'))}."
    )


def project_answer(payload: dict[str, Any], kind: str) -> str:
    """``hashpivot lease`` / ``gpu-cloud``'s sentence: NPV, IRR, value per W and payback."""
    what = "The lease" if kind == "lease" else "The GPU cloud"
    npv = payload.get("npv_usd")
    verdict = "creates value" if isinstance(npv, int | float) and npv >= 0 else "destroys value"
    per_w = payload.get("value_created_usd_per_w_gross")
    per_w_text = f", {per_unit(per_w, 'W')} of gross power" if is_number(per_w) else ""
    return (
        f"{what} {verdict}: {signed_money_m(npv, 1)} NPV, IRR {pct(payload.get('irr'), 1)}"
        f"{per_w_text}; payback {months_text(payload.get('payback_months'))}."
    )


def company_answer(out: dict[str, Any]) -> str:
    """``hashpivot company``'s sentence: EV by its megawatts against as a miner, and equity."""
    mw, miner, eq = out["by_megawatts"], out["as_miner"], out["equity"]
    premium = out.get("megawatt_premium_usd")
    return (
        f"{out['company']} is worth {money_m(mw['ev_mean_usd'], 0)} EV by its megawatts "
        f"({signed_money_m(premium)} over {money_m(miner['ev_mean_usd'], 0)} as a miner); "
        f"equity {money_m(eq['mean_usd'], 0)}, negative on {pct(eq['prob_negative'], 0)} "
        "of paths."
    )

"""The switch policy as a CFO reads it: at most one rule per decision date, merged where the
thresholds agree, and the points of the exercise boundary (rent against hashprice) to draw.

The engine states its fitted Longstaff-Schwartz policy as lines, one per decision date and
bin of the other state variable (:func:`hashpivot.engine.switching.describe_boundary`, e.g.
``"date 12: convert when rent $/kW-mo > 210.4 given hashprice $/PH/day in [2.913, 20.28]
(rule matches 100% of decisions)"``). This module reads those lines back into numbers and
merges them: the bins of one date whose thresholds lie within :data:`AGREE_REL` of each other
are one rule ("convert when rent > $207/kW-month, whatever the hashprice"); where they do not,
the rule gives the range and the direction.

The policy's rent is the rent this site would sign ($/IT kW-month: its product's index +
spread, docs/methodology.md "Rent markets"); with :class:`RentTerms` the rules, the boundary
points and :func:`thresholds` state it as "site rent" with the index level beside it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import Any

__all__ = [
    "AGREE_REL",
    "BoundaryRule",
    "RentTerms",
    "boundary_points",
    "merge_rules",
    "parse_policy_line",
    "thresholds",
]

#: Bins of one decision date are one rule where their thresholds differ by at most this
#: fraction of their median (1%: $2 on a $207/kW-month rent).
AGREE_REL = 0.01

_LINE = re.compile(
    r"date (?P<k>\d+): (?:(?P<never>never convert)|(?P<always>always convert)|convert when "
    r"(?P<var>\w+) (?P<vunit>\S+) (?P<op>[<>]) (?P<thr>[-+0-9.eE]+))"
    r"(?: given (?P<given>\w+) (?P<gunit>\S+) in \[(?P<lo>[^,\]]+), (?P<hi>[^\]]+)\])?"
    r" \(rule matches (?P<agree>\d+)% of decisions\)"
)

#: How a state variable of the policy is written: its unit after a dollar amount.
UNITS = {"rent": "/kW-month", "hashprice": "/PH/day"}


@dataclass(frozen=True, slots=True, kw_only=True)
class RentTerms:
    """How the policy's rent (the rent this site would sign, $/IT kW-month) reads against
    its product's index: ``index = site rent - spread``; ``index_name`` e.g. "AI-hall
    index"."""

    spread_usd_per_kw_month: float = 0.0
    index_name: str = "index"

    def index(self, site_rent_usd_per_kw_month: float) -> float:
        return site_rent_usd_per_kw_month - self.spread_usd_per_kw_month

    def note(self, site_rent_usd_per_kw_month: float) -> str:
        return f" ({self.index_name} {_amount(self.index(site_rent_usd_per_kw_month), '')})"


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundaryRule:
    """One line of the engine's policy: at decision month ``month``, for ``given`` in
    ``[given_low, given_high]``, convert when ``variable`` is above (``op`` ">") or below
    (``op`` "<") ``threshold`` (its unit: :data:`UNITS`); ``always``/``never`` instead where
    the rule does not depend on the variable. ``agreement_frac``: share of the policy's
    decisions the rule matches."""

    month: int
    variable: str
    op: str
    threshold: float
    given: str
    given_low: float
    given_high: float
    agreement_frac: float
    always: bool = False
    never: bool = False


def parse_policy_line(line: str) -> BoundaryRule | None:
    """A :class:`BoundaryRule` from one engine line (``"date k: ..."``); None if it is not one."""
    m = _LINE.match(line.strip())
    if not m:
        return None
    g = m.groupdict()
    return BoundaryRule(
        month=int(g["k"]),
        variable=g["var"] or "",
        op=g["op"] or "",
        threshold=float(g["thr"]) if g["thr"] else math.nan,
        given=g["given"] or "",
        given_low=float(g["lo"]) if g["lo"] else -math.inf,
        given_high=float(g["hi"]) if g["hi"] else math.inf,
        agreement_frac=int(g["agree"]) / 100.0,
        always=bool(g["always"]),
        never=bool(g["never"]),
    )


def _amount(value: float, variable: str) -> str:
    digits = 0 if abs(value) >= 100 else 2
    return f"${value:,.{digits}f}{UNITS.get(variable, '')}"


def _verb(op: str) -> str:
    return "passes" if op == ">" else "falls below"


def _one_date(rules: list[BoundaryRule], rent: RentTerms | None) -> dict[str, Any]:
    """The rules of one decision date as one: the threshold, or its range and direction; a
    rent threshold is the site's rent, with the index level beside it."""
    numeric = [r for r in rules if not (r.always or r.never) and math.isfinite(r.threshold)]
    first = rules[0]
    out: dict[str, Any] = {"month": first.month, "variable": first.variable, "op": first.op}
    if not numeric:
        out.update(kind="always" if all(r.always for r in rules) else "mixed", threshold=None)
        out["text"] = (
            "convert on every path" if out["kind"] == "always" else "convert on some paths"
        )
        return out
    thr = [r.threshold for r in numeric]
    mid = median(thr)
    agree = (max(thr) - min(thr)) <= AGREE_REL * abs(mid) and len(numeric) == len(rules)
    var, op = numeric[0].variable, numeric[0].op
    on_index = rent is not None and var == "rent"
    name = "site rent" if on_index else var
    if rent is not None and on_index:
        out["index_threshold"] = rent.index(mid)
    if agree:
        given = numeric[0].given
        whatever = f", whatever the {given}" if given and len(numeric) > 1 else ""
        out.update(kind="threshold", threshold=mid, low=mid, high=mid)
        idx = rent.note(mid) if rent is not None and on_index else ""
        out["text"] = f"convert when {name} {_verb(op)} {_amount(mid, var)}{idx}{whatever}"
        return out
    out.update(kind="range", threshold=mid, low=min(thr), high=max(thr))
    idx = ""
    if rent is not None and on_index:
        idx = f" ({rent.index_name} {_amount(rent.index(min(thr)), '')} to "
        idx += f"{_amount(rent.index(max(thr)), '')})"
    out["text"] = (
        f"convert when {name} {_verb(op)} {_amount(min(thr), '')} to {_amount(max(thr), var)}"
        f"{idx}{_direction(numeric)}"
    )
    return out


def _direction(numeric: list[BoundaryRule]) -> str:
    """ " (higher when hashprice is higher)" where the bins' thresholds move one way, step by
    step, and each step is beyond :data:`AGREE_REL` of the median; else nothing (a direction
    read off the first and last bins of a wobble would be noise stated as a finding)."""
    ordered = [r.threshold for r in sorted(numeric, key=lambda r: r.given_low)]
    steps = [b - a for a, b in pairwise(ordered)]
    tol = AGREE_REL * abs(median(ordered))
    if steps and all(s > tol for s in steps):
        return f" (higher when {numeric[0].given} is higher)"
    if steps and all(s < -tol for s in steps):
        return f" (lower when {numeric[0].given} is higher)"
    return ""


def merge_rules(
    lines: list[str], months: list[str], rent: RentTerms | None = None
) -> list[dict[str, Any]]:
    """At most one rule per decision date, as dicts: ``month``, ``date`` (YYYY-MM),
    ``variable``, ``op``, ``kind`` (threshold | range | always | mixed), ``threshold`` (the
    median of the bins' thresholds), ``low``/``high``, for a rent rule ``index_threshold``
    (the index level at the threshold, ``rent``) and ``text`` ("convert when site rent
    passes $88/kW-month (AI-hall index $135), whatever the hashprice"). Lines that are not
    rules are dropped; dates in month order."""
    by_month: dict[int, list[BoundaryRule]] = {}
    for line in lines:
        rule = parse_policy_line(line)
        if rule is not None:
            by_month.setdefault(rule.month, []).append(rule)
    out = []
    for k in sorted(by_month):
        merged = _one_date(by_month[k], rent)
        merged["date"] = months[k] if k < len(months) else "end"
        out.append(merged)
    return out


def _numeric_by_month(lines: list[str]) -> dict[int, list[BoundaryRule]]:
    """The rules with a finite threshold, by decision month, each month's by ``given_low``."""
    by_month: dict[int, list[BoundaryRule]] = {}
    for line in lines:
        rule = parse_policy_line(line)
        if rule is not None and not (rule.always or rule.never) and math.isfinite(rule.threshold):
            by_month.setdefault(rule.month, []).append(rule)
    return {k: sorted(v, key=lambda r: r.given_low) for k, v in sorted(by_month.items())}


def boundary_points(
    lines: list[str], months: list[str], rent: RentTerms | None = None
) -> list[dict[str, Any]]:
    """The exercise boundary in the (hashprice, site rent) plane, one entry per decision
    date: ``month``, ``date``, ``hashprice_usd_per_ph_day`` and ``rent_usd_per_kw_month``
    (the rent this site would sign; the vertices of a step line: each bin's threshold over
    its range of the other variable), ``index_rent_usd_per_kw_month`` (the product's index
    at those rents) and ``convert_side`` ("above": convert where rent is above the line;
    "left": where hashprice is left of it)."""
    terms = rent or RentTerms()
    out = []
    for k, rules in _numeric_by_month(lines).items():
        xs: list[float] = []
        ys: list[float] = []
        for r in rules:
            lo, hi = r.given_low, r.given_high
            if not (math.isfinite(lo) and math.isfinite(hi)):
                continue
            if r.variable == "rent":  # rent threshold over a hashprice bin
                xs += [lo, hi]
                ys += [r.threshold, r.threshold]
            else:  # hashprice threshold over a rent bin
                xs += [r.threshold, r.threshold]
                ys += [lo, hi]
        if xs:
            out.append(
                {
                    "month": k,
                    "date": months[k] if k < len(months) else "end",
                    "hashprice_usd_per_ph_day": xs,
                    "rent_usd_per_kw_month": ys,
                    "index_rent_usd_per_kw_month": [terms.index(y) for y in ys],
                    "convert_side": "above" if rules[0].variable == "rent" else "left",
                }
            )
    return out


def thresholds(lines: list[str], rent: RentTerms | None = None) -> list[dict[str, Any]]:
    """One point of the boundary per decision month: ``month``,
    ``hashprice_usd_per_ph_day``, ``rent_usd_per_kw_month`` (the rent this site would sign,
    $/IT kW-month) and ``index_rent_usd_per_kw_month`` (its product's index there). The
    policy's threshold in the middle bin of the other variable (the bin of the median path),
    at that bin's midpoint; months whose rules have no finite threshold are left out."""
    terms = rent or RentTerms()
    out = []
    for k, rules in _numeric_by_month(lines).items():
        r = rules[len(rules) // 2]
        lo, hi = r.given_low, r.given_high
        if not (math.isfinite(lo) and math.isfinite(hi)):
            continue
        mid = 0.5 * (lo + hi)
        hp, site = (mid, r.threshold) if r.variable == "rent" else (r.threshold, mid)
        out.append(
            {
                "month": k,
                "hashprice_usd_per_ph_day": hp,
                "rent_usd_per_kw_month": site,
                "index_rent_usd_per_kw_month": terms.index(site),
            }
        )
    return out

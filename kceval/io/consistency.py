"""Consistency checks of one sheet: totals and subtotals, "Tổng số" columns, magnitudes.

A wrong total is worse than a refused file, so each disagreement is an *error* located at the
row and column that show it: a total or subtotal row that does not equal the rows it covers
(beyond rounding in the sheet's unit), a row whose "Tổng số" is not the sum of its parts
(KCQG + KCĐP, or what the column-number row says, e.g. "(5)=(6)+(7)"), and an amount about
1,000 times off the column's other values, which the error explains by the likely unit.
"""
from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd

from ..display import labels
from ..schema import MONEY_UNITS, SUPPORT_CAPS
from .grid import Grid, Layout, Part
from .headers import MONEY_FIELDS
from .numbers import ParseError, parse_money
from .problems import Recorder
from .sections import Place, places

# Plausible magnitudes in VND (DOMAIN.md: a project is tens to hundreds of millions, a
# province-year plan a few billion); outside them a unit or decimal comma is probably wrong.
PROJECT_RANGE = (1_000_000, 20_000_000_000)
PLAN_RANGE = (10_000_000, 1_000_000_000_000)
# how far from the column's median a value must be to be called a unit slip (about 1,000x)
SLIP_RATIO = 200
# the parts a "Tổng số" column may add up, in the order they are tried
_TOTAL_PARTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "support_total": (("support_national", "support_local"), ("support_national", "support_local", "counterpart_vnd")),
    "executed_total": (("executed_national", "executed_local"),),
    "approved_total": (("approved_national", "approved_local"),),
}


def _tolerance(unit: str, n: int) -> int:
    """Rounding allowed between a stated sum and its rows: half a thousandth of the unit per row."""
    return int(MONEY_UNITS[unit] // 2000) * (n + 1)


def tolerance(stated: int, unit: str, n: int) -> int:
    """Rounding allowed between a sum stated in ``unit`` and its ``n`` rows.

    A sum written with fewer decimals than its rows (609 triệu over rows of 608,88) was rounded:
    half its last digit is allowed, and never less than half a thousandth of the unit per row.

    Examples
    --------
    >>> tolerance(609_000_000, "trieu", 3), tolerance(608_880_000, "trieu", 3)
    (500000, 5000)
    """
    shown = Decimal(stated) / MONEY_UNITS[unit]
    exponent = shown.normalize().as_tuple().exponent
    places_ = max(0, -exponent) if isinstance(exponent, int) else 0
    return max(MONEY_UNITS[unit] // 2 // 10 ** places_, _tolerance(unit, n))


def _int(v: object) -> int:
    return 0 if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else int(v)  # type: ignore[call-overload]


def _unit_name(unit: str) -> str:
    return labels.label("unit_" + unit, "vi")


def covered_rows(lay: Layout, total_row: int, scope: str, sections: tuple[str, ...], data_rows: list[int],
                 place: list[Place]) -> list[list[int]]:
    """The data rows (user row numbers) a total or subtotal row may sum, the likeliest reading first.

    A subtotal that names no section ("Cộng") closes the section it sits in; where sections nest
    (A, then I and II inside it), it may close the inner or the outer one, so each is a candidate.
    """
    here = places(lay, [total_row])[0]
    if sections:
        # "Cộng I" inside section A covers A.I only: the sections outside the label must be the total row's
        def within(p: Place) -> bool:
            hits = [i for i, lab in enumerate(p.path) if lab in sections]
            return bool(hits) and (scope == "total" or p.path[:hits[0]] == here.path[:hits[0]])
        return [[r for r, p in zip(data_rows, place) if within(p)]]
    above = [(r, p) for r, p in zip(data_rows, place) if r < total_row]
    if scope == "total":
        return [[r for r, _ in above]]
    previous = [t.row for t in lay.totals if t.scope == "subtotal" and t.row < total_row and not t.sections]
    since = [r for r, _ in above if r > max(previous, default=0)]
    if not here.path:
        return [since]
    nested = [[r for r, p in above if p.path[:k] == here.path[:k]] for k in range(len(here.path), 0, -1)]
    return nested + [since]


def check_sheet(g: Grid, lay: Layout, rec: Recorder, out: Part, data: pd.DataFrame, parsed: dict[str, pd.Series],
                rn: pd.Series, place: list[Place], units: dict[str, str]) -> None:
    """Run every check of one project sheet; problems go to ``rec``, confirmations to ``out.notes``."""
    _check_sums(lay, rec, parsed, units)  # first: a row's own error explains the totals above it
    _check_totals(g, lay, rec, out, parsed, place, units)
    _check_magnitudes(lay, rec, data, parsed, units, place)


def _check_totals(g: Grid, lay: Layout, rec: Recorder, out: Part, parsed: dict[str, pd.Series],
                  place: list[Place], units: dict[str, str]) -> None:
    data_rows = [int(r) for r in next(iter(parsed.values())).index]
    money = [f for f in parsed if f in MONEY_FIELDS]
    for t in lay.totals:
        num = t.row
        candidates = covered_rows(lay, num, t.scope, t.sections, data_rows, place)
        row = g.rows[t.index]
        what = "total" if t.scope == "total" else "subtotal"
        stated: dict[str, tuple[int, object]] = {}
        for f in money:
            c = lay.fields[f]
            cell = row[c.index] if c.index < len(row) else None
            try:
                v = parse_money(cell, units[f], "vi" if isinstance(cell, str) else None)
            except ParseError:
                continue
            if v is not None:
                stated[f] = (v, cell)
        rows = next((c for c in candidates if _agrees(stated, _sums(parsed, stated, c), units, len(c))),
                    candidates[0])
        got = _sums(parsed, stated, rows)
        checked = []
        for f, (v, cell) in stated.items():
            c = lay.fields[f]
            if any((r, c.header) in rec.bad_cells for r in rows):
                out.notes.append(f"{lay.where}: {what} row {num}, column {c.header!r}: not checked, because a row it "
                                 "covers has an error in that column")
            elif abs(v - got[f]) > tolerance(v, units[f], len(rows)):
                rec.add("error", num, c.header, cell,
                        f"the {what} row {t.label!r} says {v:,} VND but the {len(rows)} project row(s) it "
                        f"covers sum to {got[f]:,} VND (difference {v - got[f]:+,} VND)",
                        "a project row may be missing, counted twice or mistyped, or the total was typed by hand; "
                        "the total row itself is never counted")
            else:
                checked.append(c.header)
        if checked:
            out.notes.append(f"{lay.where}: {what} row {num} ({t.label!r}) matches the {len(rows)} project row(s) it "
                             f"covers in {', '.join(map(repr, checked))}")


def _sums(parsed: dict[str, pd.Series], stated: dict[str, tuple[int, object]], rows: list[int]) -> dict[str, int]:
    return {f: sum(_int(x) for x in parsed[f].loc[rows]) if rows else 0 for f in stated}


def _agrees(stated: dict[str, tuple[int, object]], got: dict[str, int], units: dict[str, str], n: int) -> bool:
    return all(abs(v - got[f]) <= tolerance(v, units[f], n) for f, (v, _) in stated.items())


def _check_sums(lay: Layout, rec: Recorder, parsed: dict[str, pd.Series], units: dict[str, str]) -> None:
    """Each row's "Tổng số" against its parts (the column-number row's formula when there is one)."""
    by_index = {c.index: f for f, c in lay.fields.items()}
    rules: list[tuple[str, list[tuple[str, ...]]]] = []
    for j, parts in lay.sum_rules.items():
        if j in by_index and all(p in by_index for p in parts):
            rules.append((by_index[j], [tuple(by_index[p] for p in parts)]))
    for total, tried in _TOTAL_PARTS.items():
        if total in parsed and not any(r[0] == total for r in rules):
            avail = [o for o in tried if all(p in parsed for p in o)]
            if avail:
                rules.append((total, avail))
    for total, options in rules:
        if total not in parsed:
            continue
        tot = parsed[total]
        bad: list[int] = []
        for r in tot.index:
            if tot[r] is None:
                continue
            sums = [sum(_int(parsed[p][r]) for p in o) for o in options]
            if all(abs(_int(tot[r]) - s) > _tolerance(units[total], len(o)) for s, o in zip(sums, options)):
                bad.append(int(r))
        if bad:
            named = " + ".join(lay.fields[p].header for p in options[0])
            first = bad[0]
            rec.add("error", first, lay.fields[total].header, tot[first],
                    f"'{lay.fields[total].header}' is not the sum of its parts ({named})",
                    "correct the row: a total column must equal its parts", rows=bad)


def _slips(x: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The power of 1,000 by which each ``x`` is off its ``reference`` (0 when it is not about 1,000ⁿ× off,
    or when the reference is missing)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = x / reference
        k = np.rint(np.log10(ratio) / 3)
        shifted = x / np.power(1000.0, k)
        ok = (np.isfinite(k) & (k != 0) & ((ratio >= SLIP_RATIO) | (ratio <= 1 / SLIP_RATIO))
              & (shifted >= reference / 20) & (shifted <= reference * 20))
    return np.where(ok, k, 0).astype(int)


def _caps(activity: pd.Series, beneficiaries: pd.Series) -> np.ndarray:
    """The legal cap of national support for each project (priority areas' 1.5× included); NaN where none."""
    cap = activity.map(lambda a: SUPPORT_CAPS[a][0] * 1.5 if a in SUPPORT_CAPS else np.nan).astype(float)
    per = activity.map(lambda a: a in SUPPORT_CAPS and SUPPORT_CAPS[a][1]).astype(bool)
    n = pd.to_numeric(beneficiaries, errors="coerce").fillna(1).clip(lower=1)
    return np.where(per, cap * n, cap)


def _check_magnitudes(lay: Layout, rec: Recorder, data: pd.DataFrame, parsed: dict[str, pd.Series],
                      units: dict[str, str], place: list[Place]) -> None:
    """An amount about 1,000× off the column's other values, or 1,000× the activity's legal cap, is a unit slip:
    an error naming the likely unit. Other implausible amounts are warnings."""
    idx = next(iter(parsed.values())).index
    act = parsed.get("activity", pd.Series([None] * len(idx), index=idx, dtype=object))
    act = act.where(act.notna(), pd.Series([p.activity for p in place], index=idx, dtype=object))
    ben = parsed.get("beneficiaries", pd.Series([None] * len(idx), index=idx, dtype=object))
    caps = _caps(act, ben)
    by_unit = sorted(MONEY_UNITS, key=lambda u: MONEY_UNITS[u])
    for f in ("support_vnd", "support_national", "support_local", "support_total", "counterpart_vnd"):
        if f not in parsed:
            continue
        c = lay.fields[f]
        x = np.array([_int(v) for v in parsed[f]], dtype=float)
        pos = x > 0
        med = float(np.median(x[pos])) if pos.sum() >= 4 else None
        k_med = _slips(x, np.full(len(x), med)) if med else np.zeros(len(x), dtype=int)
        k_cap = _slips(x, caps) if f != "counterpart_vnd" else np.zeros(len(x), dtype=int)
        k_cap = np.where((k_med == 0) & (x > np.nan_to_num(caps, nan=np.inf)), k_cap, 0)
        outside = pos & ((x < PROJECT_RANGE[0]) | (x > PROJECT_RANGE[1]))
        for i in np.flatnonzero(pos & ((k_med != 0) | (k_cap != 0) | outside)):
            r, xv = idx[i], int(x[i])
            if k_med[i]:
                k, against = int(k_med[i]), f"the column's other values (median {med:,.0f} VND)"
            elif k_cap[i]:
                k, against = int(k_cap[i]), (f"the legal cap for {act[r]} ({int(caps[i]):,} VND with the 1.5× for "
                                             "priority areas)")
            else:
                _plausible(rec, lay, f, int(r), xv, data.at[r, c.index], units[f], PROJECT_RANGE, "a project's support")
                continue
            j = by_unit.index(units[f]) - k
            likely = by_unit[j] if 0 <= j < len(by_unit) else None
            rec.add("error", int(r), c.header, data.at[r, c.index],
                    f"{xv:,} VND is about {1000 ** abs(k):,}× {'more' if k > 0 else 'less'} than {against}"
                    + (f": probably typed in {_unit_name(likely)}, not {_unit_name(units[f])}" if likely else ""),
                    f"write it in {_unit_name(units[f])} like the other rows, or put the unit in the cell "
                    "('150 triệu', '1,25 tỷ')")


def _plausible(rec: Recorder, lay: Layout, f: str, row: int, x: int, cell: object, unit: str,
               bounds: tuple[int, int], what: str) -> None:
    """A warning for an amount outside the plausible range of ``what`` (a unit or a decimal comma may be wrong)."""
    if f == "counterpart_vnd" or bounds[0] <= x <= bounds[1]:
        return
    rec.add("warning", row, lay.fields[f].header, cell,
            f"{what} of {x:,} VND is implausible (expected {bounds[0]:,}–{bounds[1]:,} VND)",
            f"check the unit (read as {_unit_name(unit)}) and the decimal comma")


def check_plans(lay: Layout, rec: Recorder, data: pd.DataFrame, parsed: dict[str, pd.Series],
                units: dict[str, str]) -> None:
    """Plan amounts outside a province-year's plausible range are warnings."""
    for f in ("approved", "revised", "approved_national", "approved_local", "approved_total"):
        if f in parsed:
            for r, x in parsed[f].items():
                if x is not None and x > 0:
                    _plausible(rec, lay, f, int(r), int(x), data.at[r, lay.fields[f].index], units[f], PLAN_RANGE,
                               "a province-year plan")

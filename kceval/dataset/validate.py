"""Validation of the canonical tables: every problem at once, located as the user sees it.

:func:`validate_tables` checks all four tables together (pandera, ``lazy=True``) plus the
cross-table rules of DESIGN.md §2 and returns the clean tables, every problem (file, sheet,
row, the user's header, value, hint; error or warning) and the excluded rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem, ProblemsMixin
from ..io.numbers import ParseError
from ..io.words import parse_bool
from ..schema import MONEY_MAX_VND, TABLES, coerce_table, empty

HINTS: dict[str, str] = {
    "province": "write one of the 63 provinces (e.g. 'Đồng Nai'); see kceval.geo.PROVINCE_NAMES",
    "source": "use 'national' (KCQG) or 'local' (KCĐP)",
    "activity": "use an activity code of DOMAIN.md, e.g. 'machinery', or its Vietnamese label",
    "status": "use approved, in_progress, finished, accepted, stopped or suspended (or a Vietnamese status word)",
    "kind": "use adjustment, extension, stop or acceptance",
    "support_vnd": "state support must be a positive amount in VND",
    "beneficiaries": "a project supports at least one establishment",
    "project_id": "each project needs its own identifier",
}
PAYMENT_TOLERANCE = 0.05  # payments may exceed support by 5% (rounding, fees) before a warning


@dataclass
class Validated(ProblemsMixin):
    """Clean tables (rows with errors removed), every problem found, and the excluded rows."""

    tables: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    excluded: dict[str, pd.DataFrame] = field(default_factory=dict)


def _origin(table: str, df: pd.DataFrame, origins: dict[str, pd.DataFrame] | None) -> pd.DataFrame:
    """Where each row came from; defaults to a CSV named after the table (header on row 1)."""
    if origins and table in origins:
        return origins[table]
    pos = np.arange(len(df)) + 2
    return pd.DataFrame({"file": f"{table}.csv", "sheet": None, "row": pos}, index=df.index)


def _problem(severity: Any, table: str, idx: Any, origin: pd.DataFrame, column: str | None, value: Any, message: str,
             hint: str = "") -> Problem:
    """A Problem located in the user's terms: file, sheet, row and the user's own header."""
    shown = column
    if idx is not None and idx in origin.index:
        # cell lookups, not origin.loc[idx]: a row Series costs 0.1 ms, which 50,000 warnings would notice
        file, sheet, row = origin.at[idx, "file"], origin.at[idx, "sheet"], int(origin.at[idx, "row"])
        key = f"header:{column}" if column else None
        h = origin.at[idx, key] if key and key in origin.columns else None
        if isinstance(h, str) and h:
            shown = h  # the importer recorded which header this column came from
    else:
        first = origin.iloc[0] if len(origin) else None
        file = first["file"] if first is not None else f"{table}.csv"
        sheet = first["sheet"] if first is not None else None
        row = None
    sheet = None if sheet is None or (isinstance(sheet, float) and np.isnan(sheet)) else str(sheet)
    return Problem(severity, str(file), sheet, row, shown, value, message, hint or HINTS.get(column or "", ""))


_CHECK_WORDS = {
    "greater_than_or_equal_to": "must be at least {}", "greater_than": "must be greater than {}",
    "less_than_or_equal_to": "must be at most {}", "less_than": "must be less than {}",
    "in_range": "must be in the range {}",
}


def _check_message(col: str, check: str, value: Any) -> str:
    """Pandera's check name in words a researcher can act on."""
    name, _, arg = check.partition("(")
    arg = arg.rstrip(")")
    if name in _CHECK_WORDS:
        return f"{col} {_CHECK_WORDS[name].format(arg)}"
    if name == "isin":
        return f"{value!r} is not an allowed {col}"
    if name in ("field_uniqueness", "unique") or "unique" in name:
        return f"duplicate {col}"
    if name == "not_nullable":
        return f"{col} is empty"
    if name.startswith("coerce_dtype") or name.startswith("dtype"):
        return f"{col} has a value of the wrong type (expected {arg.strip(chr(39)) or 'another type'})"
    return f"{col} fails the check {check}"


# the dates a khuyến công record can carry: the programme began under Decree 134/2004 (DOMAIN.md), and no plan
# runs past the next national programme's horizon
DATE_WINDOW = (pd.Timestamp("2000-01-01"), pd.Timestamp("2040-12-31"))
DATE_WINDOW_COLUMNS = {"projects": ("approved_on", "planned_end", "finished_on", "accepted_on", "stopped_on"),
                       "events": ("date", "new_planned_end"), "payments": ("date",), "plans": ()}
INT64_SAFE = 9.0e18  # a money column whose absolute sum passes this would overflow int64 sums
_WHOLE = {"plans": ("year", "approved_vnd", "revised_vnd"),
          "projects": ("year", "beneficiaries", "support_vnd", "counterpart_vnd", "output_count"),
          "events": ("new_support_vnd",), "payments": ("amount_vnd",)}
_MONEY = {"approved_vnd", "revised_vnd", "support_vnd", "counterpart_vnd", "new_support_vnd", "amount_vnd"}


def _yes_no_value(v: Any) -> Any:
    """A pilot/group cell as a boolean when it reads as yes or no (the importer's words: có/không, yes/no, x,
    1/0, true/false); otherwise the cell itself (empty, or a word to report)."""
    try:
        b = parse_bool(v)
    except ParseError:
        return v
    return v if b is None else b


def _cell_problems(table: str, df: pd.DataFrame, origin: pd.DataFrame) -> tuple[list[Problem], set[tuple[Any, str]]]:
    """Cells a dtype coercion would silently change: a fraction in a whole-number column ("2018.5" -> 2018),
    an amount beyond :data:`~kceval.schema.MONEY_MAX_VND` or beyond int64, a yes/no cell that is neither
    ("không" would coerce to True). Returns the problems and the (row, column) cells reported."""
    problems: list[Problem] = []
    cells: set[tuple[Any, str]] = set()
    for col in _WHOLE[table]:
        if col not in df.columns or not len(df):
            continue
        raw = df[col]
        limit = MONEY_MAX_VND if col in _MONEY else 10**9
        if pd.api.types.is_integer_dtype(raw.dtype):  # typed already (an imported sheet): no fraction, no text
            frac = pd.Series(False, index=raw.index)
            huge = (raw.abs() > limit).fillna(False).astype(bool)
        else:
            num = pd.to_numeric(raw.astype(object).where(raw.notna(), None), errors="coerce").astype("float64")
            frac = num.notna() & (num != np.floor(num))
            huge = num.notna() & (num.abs() > limit)
        for idx in raw.index[(frac | huge).to_numpy()]:
            msg = (f"{col} must be a whole number" if frac[idx] else
                   f"{col} of {raw[idx]} is beyond any plausible amount (at most {MONEY_MAX_VND:,} VND)"
                   if col in _MONEY else f"{col} of {raw[idx]} is not a plausible count")
            problems.append(_problem("error", table, idx, origin, col, raw[idx], msg,
                                     "write whole đồng (money is stored in integer VND)" if col in _MONEY else ""))
            cells.add((idx, col))
    for col in ("pilot", "group"):
        if table == "projects" and col in df.columns and df[col].dtype == object:
            for idx, v in df[col].items():
                r = _yes_no_value(v)
                if not isinstance(r, (bool, np.bool_)) and not (r is None or (isinstance(r, float) and np.isnan(r))):
                    problems.append(_problem("error", table, idx, origin, col, v, f"{v!r} is not a yes/no value",
                                             "write true/false (or có/không)"))
                    cells.add((idx, col))
    return problems, cells


def _yes_no(df: pd.DataFrame) -> pd.DataFrame:
    """pilot and group written as words (có/không, yes/no, 1/0) read as booleans; other values are left for
    :func:`_cell_problems` to report. A new frame when a column is read; ``df`` itself when none needs it."""
    words = [c for c in ("pilot", "group") if c in df.columns and df[c].dtype == object]
    return df.assign(**{c: df[c].map(_yes_no_value) for c in words}) if words else df


def _schema_problems(table: str, df: pd.DataFrame,
                     origin: pd.DataFrame) -> tuple[list[Problem], set[Any], bool, pd.DataFrame | None]:
    """Pandera checks of one table.

    Returns the problems, the bad row labels, whether the table is unusable, and the
    validated (coerced) frame when there was no problem at all (so it is validated once).
    """
    from .schema_run import run_schema  # deferred: pandera (0.16 s) is needed where tables are validated only

    problems: list[Problem] = []
    bad: set[Any] = set()
    ok, fc = run_schema(table, df)
    if fc is None:
        return problems, bad, False, ok
    fatal = False
    # a cell that cannot be coerced is reported by both coerce_dtype and dtype: keep one
    fc = fc.assign(_kind=fc["check"].astype(str).str.replace(r"^coerce_dtype", "dtype", regex=True))
    fc = fc.drop_duplicates(subset=["column", "index", "_kind"], keep="first")
    cell_dtype_cols = set(fc.loc[fc["index"].notna() & fc["_kind"].str.startswith("dtype"), "column"])
    for rec in fc.itertuples(index=False):
        idx = rec.index
        check = str(rec.check)
        if idx is None or (isinstance(idx, float) and np.isnan(idx)):
            if check == "column_in_dataframe":
                col = str(rec.failure_case)
                problems.append(_problem("error", table, None, origin, col, None,
                                         f"required column {col!r} is missing from the {table} table",
                                         f"add a column {col!r} (or a Vietnamese header that maps to it)"))
                fatal = True
            elif check.startswith("dtype") or check.startswith("coerce_dtype"):
                if rec.column not in cell_dtype_cols:  # the cells are already listed one by one
                    problems.append(_problem("error", table, None, origin, rec.column, None,
                                             _check_message(str(rec.column), check, None)))
                    fatal = True
            else:
                problems.append(_problem("error", table, None, origin, rec.column, rec.failure_case,
                                         _check_message(str(rec.column), check, rec.failure_case)))
            continue
        col = str(rec.column)
        problems.append(_problem("error", table, idx, origin, col, rec.failure_case,
                                 _check_message(col, check, rec.failure_case)))
        bad.add(idx)
    return problems, bad, fatal, None


def _payment_warnings(proj: pd.DataFrame, pay: pd.DataFrame, at: np.ndarray, bad: set[Any],
                      origins: dict[str, pd.DataFrame]) -> list[Problem]:
    """Payments beyond a project's support (the ``bad`` payments left out), and payments dated more than a month
    before their project's approval; ``at`` is each payment's row in ``proj`` (-1: none)."""
    problems = []
    kept = (at >= 0) & ~pay.index.isin(list(bad))
    # summed by the project's row number: grouping a million text ids costs ten times more
    paid = pd.Series(pay["amount_vnd"].to_numpy()[kept]).groupby(at[kept]).sum()
    support = proj["support_vnd"].to_numpy()[paid.index]
    over = paid.to_numpy() > support * (1 + PAYMENT_TOLERANCE)
    for row, amount, sup in zip(paid.index[over], paid.to_numpy()[over], support[over]):
        problems.append(_problem("warning", "projects", proj.index[row], origins["projects"], "support_vnd", int(sup),
                                 f"payments ({int(amount):,} VND) exceed support by more than {PAYMENT_TOLERANCE:.0%}",
                                 "check the payments' unit (đồng / triệu) or record the adjustment as an event"))
    approved = proj["approved_on"].to_numpy()[np.maximum(at, 0)]
    early = (at >= 0) & (pay["date"].to_numpy() < approved - np.timedelta64(31, "D"))
    for idx in pay.index[early]:
        problems.append(_problem("warning", "payments", idx, origins["payments"], "date", pay.at[idx, "date"].date(),
                                 "payment dated more than a month before the project's approval"))
    return problems


def validate_tables(tables: dict[str, pd.DataFrame], origins: dict[str, pd.DataFrame] | None = None,
                    reported: list[Problem] | None = None) -> Validated:
    """Validate the four canonical tables together and report every problem at once.

    Rows with an *error* are excluded from the returned tables (and listed in ``excluded``);
    rows with a *warning* stay. Payments and events of excluded projects are excluded too,
    each with its own problem, so that nothing disappears silently. ``reported`` are the errors
    the reader already found: a cell it reported (a date it could not read) is not reported
    again as empty. A clean table may share the columns that had their type already with ``tables`` (read
    them; :meth:`~kceval.dataset.Dataset.from_tables` copies).

    Examples
    --------
    >>> from kceval.sample import generate
    >>> v = validate_tables(generate(years=[2019], provinces=["Đồng Nai"]))
    >>> v.errors
    []
    """
    tables = {t: coerce_table(t, tables.get(t, empty(t)), copy=False) for t in TABLES}  # only read here
    origins = {t: _origin(t, tables[t], origins) for t in TABLES}
    problems: list[Problem] = []
    bad: dict[str, set] = {t: set() for t in TABLES}
    passed: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        cp, cells = _cell_problems(t, tables[t], origins[t])
        problems += cp
        bad[t] |= {idx for idx, _ in cells}
        frame = _yes_no(tables[t]) if t == "projects" else tables[t]
        if cells:  # those cells are reported: a neutral value stands in so that the schema judges the rest
            frame = frame.copy()
            for idx, col in cells:
                frame[col] = frame[col].astype(object)
                frame.at[idx, col] = {"year": 2000, "pilot": False, "group": False}.get(col, 1)
        p, b, fatal, ok_frame = _schema_problems(t, frame, origins[t])
        problems += p
        bad[t] |= b if not fatal else set(tables[t].index)
        if ok_frame is not None:  # typed; its stand-in cells sit in rows already excluded
            tables[t] = ok_frame
            if not cells:
                passed[t] = ok_frame
        elif t == "projects":
            tables[t] = _yes_no(tables[t])

    # cross-table checks work on the rows that passed the schema
    ok = {t: tables[t].drop(index=list(bad[t])) if bad[t] else tables[t] for t in TABLES}
    for t, col in (("plans", "approved_vnd"), ("projects", "support_vnd"), ("payments", "amount_vnd")):
        if len(ok[t]) and float(ok[t][col].astype(float).abs().sum()) > INT64_SAFE:
            problems.append(_problem("error", t, None, origins[t], col, None,
                                     f"the {col} column adds up to more than can be summed exactly in integer VND",
                                     "check the unit of the amounts"))
            bad[t] |= set(ok[t].index)
    for t, cols in DATE_WINDOW_COLUMNS.items():
        for col in cols:
            d = ok[t][col] if col in ok[t].columns else pd.Series(dtype="datetime64[ns]")
            odd = d.notna() & ((d < DATE_WINDOW[0]) | (d > DATE_WINDOW[1]))
            for idx in d.index[odd.to_numpy()]:
                problems.append(_problem("error", t, idx, origins[t], col, d[idx].date(),
                                         f"{col} {d[idx].date()} is outside the programme's years "
                                         f"({DATE_WINDOW[0].year}–{DATE_WINDOW[1].year})",
                                         "check the year, and the day/month order"))
                bad[t].add(idx)
    ok = {t: tables[t].drop(index=list(bad[t])) if bad[t] else tables[t] for t in TABLES}
    plans, proj, ev, pay = ok["plans"], ok["projects"], ok["events"], ok["payments"]

    dup = plans.duplicated(["year", "province", "source"], keep="first") if len(plans) else pd.Series(dtype=bool)
    for idx in plans.index[dup.to_numpy()] if len(plans) else []:
        r = plans.loc[idx]
        problems.append(_problem("error", "plans", idx, origins["plans"], "province", r["province"],
                                 f"a second plan row for {r['year']}, {r['province']}, {r['source']}",
                                 "give one plan row per year, province and source"))
        bad["plans"].add(idx)

    if len(proj):
        a = proj["approved_on"]
        for col in ("planned_end", "accepted_on", "stopped_on", "finished_on"):
            d = proj[col]
            what = "planned end" if col == "planned_end" else col
            for idx in proj.index[(d < a).to_numpy()]:
                problems.append(_problem("error", "projects", idx, origins["projects"], col, d[idx].date(),
                                         f"{what} is before the approval date",
                                         "check the day/month order (dd/mm/yyyy)"))
                bad["projects"].add(idx)
        for status, col, sev in (("accepted", "accepted_on", "warning"), ("stopped", "stopped_on", "warning")):
            miss = (proj["status"] == status) & proj[col].isna()
            for idx in proj.index[miss.to_numpy()]:
                problems.append(_problem(sev, "projects", idx, origins["projects"], col, None,
                                         f"status is {status} but {col} is empty",
                                         "the project counts as " + status + " but is left out of timing measures"))
        wrong = proj["accepted_on"].notna() & ~proj["status"].isin(["accepted"])
        for idx in proj.index[wrong.to_numpy()]:
            problems.append(_problem("warning", "projects", idx, origins["projects"], "status", proj.at[idx, "status"],
                                     "accepted_on is given but the status is not accepted"))
        if len(plans):
            keys = pd.MultiIndex.from_frame(plans[["year", "province", "source"]])
            pk = pd.MultiIndex.from_frame(proj[["year", "province", "source"]])
            noplan = ~pk.isin(keys)
            for idx in proj.index[noplan]:
                r = proj.loc[idx]
                problems.append(_problem("warning", "projects", idx, origins["projects"], "province", r["province"],
                                         f"no plan row for {r['year']}, {r['province']}, {r['source']}",
                                         "execution rates for this group have no denominator"))

    # each child row's project as a row of proj, looked up once (hashing a million ids is the cost here); proj's
    # ids are unique: a duplicate failed the schema
    ids = pd.Index(proj["project_id"])
    good = ~proj.index.isin(list(bad["projects"]))
    at = {t: ids.get_indexer(frame["project_id"]) if len(frame) and len(proj) else np.full(len(frame), -1)
          for t, frame in (("events", ev), ("payments", pay))}
    for t, frame in (("events", ev), ("payments", pay)):
        if not len(frame):
            continue
        unknown = (at[t] < 0) | ~good[at[t]] if len(proj) else np.ones(len(frame), dtype=bool)
        if not unknown.any():
            continue
        known_all = frame["project_id"].isin(tables["projects"]["project_id"].astype(str))
        for idx in frame.index[unknown]:
            pid = frame.at[idx, "project_id"]
            msg = ("points to a project that was excluded because of its own errors" if known_all[idx]
                   else "points to an unknown project")
            problems.append(_problem("error", t, idx, origins[t], "project_id", pid, msg,
                                     "every row must name a project_id of the projects table"))
            bad[t].add(idx)
    if len(pay) and len(proj):
        problems += _payment_warnings(proj, pay, at["payments"], bad["payments"], origins)

    clean, excluded = {}, {}
    for t in TABLES:
        frame = tables[t]
        drop = frame.index.isin(list(bad[t]))
        excluded[t] = frame[drop] if drop.any() else frame.iloc[:0]  # a slice: a take copies Arrow text whole
        if not drop.any() and t in passed:
            clean[t] = passed[t]  # validated once above
        else:
            from .schema_run import validated  # deferred: see _schema_problems

            clean[t] = validated(t, frame[~drop]) if (~drop).any() else empty(t)
    seen = {(p.file, p.sheet, p.row, p.column) for p in reported or () if p.severity == "error" and p.row}
    problems = [p for p in problems if (p.file, p.sheet, p.row, p.column) not in seen]
    problems.sort(key=lambda p: (p.severity != "error", p.file, p.sheet or "", p.row or 0))
    return Validated(clean, problems, excluded)

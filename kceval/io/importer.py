"""Turning one messy provincial sheet (a grid of cells) into canonical rows.

:mod:`kceval.io.read` reads the files into :class:`~kceval.io.sheet.Grid` objects; :func:`import_grid`
finds the header row (below any title rows, :mod:`kceval.io.sheet`), maps Vietnamese or English headers to canonical
columns (:func:`kceval.io.words.map_header`), skips blank rows, excludes totals rows, reads numbers,
money units, dates, status and activity words, and returns canonical rows with their origin
(file, sheet, user-visible row) and every problem found. Nothing is dropped silently: each
skipped or excluded row is counted in ``notes`` and ``excluded``.

A sheet is a *project* sheet (one row per đề án), a *plan* sheet (year, province, source,
approved, revised) or a *payment* sheet (project id, date, amount), judged from its headers.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..display import labels
from ..errors import Problem
from ..schema import TABLES, coerce_table, columns
from .numbers import (
    ParseError,
    as_of_from_text,
    is_empty,
    number_convention,
    parse_date,
    parse_int,
    parse_money,
    unit_from_text,
    year_from_text,
)
from .sheet import Grid, Part, check_totals, classify_rows, find_header, rows_text, where_of
from .words import (
    MONEY_FIELDS,
    map_header,
    parse_activity,
    parse_beneficiaries,
    parse_bool,
    parse_id,
    parse_province,
    parse_source,
    parse_status,
    parse_year,
    province_from_text,
    source_from_text,
)

# Plausible magnitudes in VND (DOMAIN.md: a project is tens to hundreds of millions, a
# province-year plan a few billion); outside them a unit or decimal comma is probably wrong.
PROJECT_RANGE = (1_000_000, 20_000_000_000)
PLAN_RANGE = (10_000_000, 1_000_000_000_000)
DATE_FIELDS = ("approved_on", "planned_end", "accepted_on", "stopped_on", "finished_on", "date")
REQUIRED = {
    "projects": ("activity", "support_vnd", "approved_on", "planned_end", "status"),
    "plans": ("approved",),
    "payments": ("project_id", "date", "amount"),
}
AS_OF_NOTE = "date not given in the sheet; as-of date used"
# fields a sheet of each kind does not use (noted, never silently ignored)
IDLE = {
    "projects": {"approved", "revised", "amount", "date"},
    "plans": {
        "row_label",
        "project_id",
        "executed",
        "amount",
        "date",
        "status",
        "beneficiaries",
        "counterpart_vnd",
        "approved_on",
        "planned_end",
        "accepted_on",
        "stopped_on",
        "finished_on",
        "pilot",
        "group",
        "output_count",
    },
    "payments": {"row_label", "title", "year", "province", "source", "executed", "approved", "revised", "status"},
}
# importer field -> canonical column, where the names differ
CANONICAL = {"plans": {"approved": "approved_vnd", "revised": "revised_vnd"}, "payments": {"amount": "amount_vnd"}}
TABLE_COLUMNS = {t: set(columns(t)) for t in TABLES}


def parse_cells(raw: pd.Series, fn: Callable[[Any], Any]) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct cell value once; return parsed values and ParseErrors (or None)."""
    codes, uniq = pd.factorize(raw.astype(object), use_na_sentinel=True)
    vals: list[Any] = []
    errs: list[Any] = []
    for u in uniq:  # a loop over distinct cell texts, which is how text parsing has to go
        try:
            vals.append(fn(u))
            errs.append(None)
        except ParseError as err:
            vals.append(None)
            errs.append(err)
    vals.append(None)
    errs.append(None)
    v = np.empty(len(vals), dtype=object)
    v[:] = vals
    e = np.empty(len(errs), dtype=object)
    e[:] = errs
    return pd.Series(v[codes], index=raw.index), pd.Series(e[codes], index=raw.index)


def _fill(s: pd.Series, value: Any) -> pd.Series:
    return s if value is None else s.where(s.notna(), value)


def import_grid(g: Grid, *, money_unit: str | None = None, as_of: pd.Timestamp | None = None,
                source: str | None = None) -> Part:
    """Canonical rows of one sheet, with origins, every problem and notes.

    Parameters
    ----------
    g : Grid
        The cells of one CSV file or worksheet.
    money_unit : {'dong', 'nghin', 'trieu', 'ty'}, optional
        Unit of money columns whose header and title state none.
    as_of : Timestamp, optional
        Cut-off date of the sheet (dates cumulative executed money and status events);
        otherwise read from the title text.
    source : {'national', 'local'}, optional
        Funding source for rows that state none.

    Examples
    --------
    >>> g = Grid("a.csv", None, [["Tên đề án", "Nội dung", "Kinh phí (triệu đồng)"], ["X", "Đào tạo", "150"]],
    ...          [1, 2], "a")
    >>> import_grid(g).problems[0].message
    "required column 'approved_on' is missing"
    """
    out = Part()
    where = where_of(g)

    def problem(sev: Any, row: int | None, col: str | None, value: Any, msg: str, hint: str = "") -> None:
        out.problems.append(Problem(sev, g.file, g.sheet, row, col, value, msg, hint))

    if not any(not is_empty(c) for r in g.rows for c in r):
        problem("error", None, None, None, "the file is empty" if g.sheet is None else "the sheet is empty",
                "export the sheet with its header row and data")
        return out
    found = find_header(g)
    if found is None:
        problem("error", None, None, None, "no header row recognised in the first 30 rows",
                "name the columns, e.g. 'Tên đề án', 'Nội dung', 'Kinh phí khuyến công (triệu đồng)', "
                "'Ngày phê duyệt', 'Thời gian hoàn thành', 'Tình trạng' (or the canonical names)")
        return out
    h, cols, dups = found
    hrow = g.rownums[h]
    for d in dups:
        problem("warning", hrow, d, None, "a second column maps to the same field; it is ignored",
                "keep one column per field")
    unused = [str(c).strip() for c in g.rows[h] if not is_empty(c) and map_header(c)[0] is None]
    if unused:
        out.notes.append(f"{where}: columns not used: {', '.join(map(repr, unused))}")
    above = [str(c) for r in g.rows[:h] for c in r if isinstance(c, str) and c.strip()]
    title = " ".join(above + ([g.sheet] if g.sheet else []))
    f = set(cols)
    if "approved" in f and not f & {"title", "activity", "support_vnd"}:
        kind = "plans"
    elif "amount" in f and "project_id" in f and "support_vnd" not in f:
        kind = "payments"
    else:
        kind = "projects"
    idle = sorted(f & IDLE[kind])
    if idle:
        out.notes.append(f"{where}: columns not used in a {kind} sheet: {', '.join(repr(cols[k][1]) for k in idle)}")
    missing = [c for c in REQUIRED[kind] if c not in f]
    if missing:
        for c in missing:
            problem("error", hrow, None, None, f"required column {c!r} is missing",
                    f"add a column for {c} (see kceval.io.words for the Vietnamese headers accepted)")
        return out

    # -- the data rows: blank, column numbers, section headings, totals, or data --------------
    rows = classify_rows(g, h, cols, kind)
    if rows is None:
        problem("error", None, None, None, "the sheet has a header row but no data rows", "add the project rows")
        return out
    body, nums, total, row_source = rows.body, rows.nums, rows.total, rows.row_source
    for mask, what in ((rows.blank, "blank rows skipped"), (rows.numbering, "column-number rows skipped"),
                       (rows.section, "section heading rows skipped"),
                       (total, "totals rows excluded (not counted as projects)")):
        if mask.any():
            out.notes.append(f"{where}: {int(mask.sum())} {what}: row {rows_text(nums[mask].tolist())}")
            out.excluded[what.split(" (")[0]] += int(mask.sum())
    data = body[rows.data]
    rn = nums[data.index]
    if data.empty:
        problem("error", None, None, None, "no data rows (only headers, blank or totals rows)", "add the project rows")
        return out

    # -- sheet-wide context from the title and parameters -----------------------------------
    t_unit, t_asof, t_year = unit_from_text(title), as_of_from_text(title), year_from_text(title)
    t_prov, t_source = province_from_text(title), source_from_text(title)
    if as_of is not None and t_asof is not None and as_of != t_asof:
        out.notes.append(f"{where}: as-of date {as_of.date()} (parameter) used instead of {t_asof.date()} (title)")
    asof = as_of if as_of is not None else t_asof

    parsed: dict[str, pd.Series] = {}
    bad = pd.Series(False, index=data.index)
    units: dict[str, str] = {}
    for fld, (j, header, hunit) in cols.items():
        raw = data[j]
        if fld in MONEY_FIELDS:
            unit = hunit or t_unit or money_unit
            if unit is None:
                unit = "dong"
                out.notes.append(f"{where}: no money unit stated for column {header!r}; đồng assumed "
                                 "(state it in the header, e.g. '(triệu đồng)', or pass money_unit / --money-unit)")
            elif hunit and money_unit and hunit != money_unit:
                out.notes.append(
                    f"{where}: column {header!r} states {labels.label('unit_' + hunit, 'vi')}; "
                    "money_unit ignored for it"
                )
            units[fld] = unit
            conv = number_convention(raw.dropna())
            fn: Callable[[Any], Any] = (lambda u, c: lambda v: parse_money(v, u, c))(unit, conv)
        elif fld in DATE_FIELDS:
            fn = parse_date
        else:
            fn = {
                "project_id": parse_id,
                "row_label": parse_id,
                "title": lambda v: str(v).strip(),
                "year": parse_year,
                "province": parse_province,
                "source": parse_source,
                "activity": parse_activity,
                "beneficiaries": parse_beneficiaries,
                "pilot": parse_bool,
                "group": parse_bool,
                "status": parse_status,
                "output_count": parse_int,
            }[fld]
        vals, errs = parse_cells(raw, fn)
        for i in errs.index[errs.notna().to_numpy()]:
            e = errs[i]
            problem("error", int(rn[i]), header, raw[i], e.message, e.hint)
        bad |= errs.notna()
        parsed[fld] = vals
    for fld in REQUIRED[kind]:
        empty = data[cols[fld][0]].isna()
        for i in data.index[empty.to_numpy()]:
            problem("error", int(rn[i]), cols[fld][1], None, f"{fld} is empty", "every row needs this value")
        bad |= empty

    # -- year, province and source: column, else title / section / parameter ----------------
    year = parsed.get("year", pd.Series(None, index=data.index, dtype=object))
    fallback_year = t_year or (asof.year if asof is not None else None)
    if kind == "payments":
        fallback_year, t_prov = 0, ""  # payments carry no year, province or source
    if year.isna().any() and fallback_year is None:
        problem("error", None, cols.get("year", (0, None))[1], None, "the year is not given",
                "add a 'Năm' column, name the year in the title (e.g. 'năm 2019') or pass as_of / --as-of")
        bad |= year.isna()
    year = _fill(year, fallback_year)
    prov = parsed.get("province", pd.Series(None, index=data.index, dtype=object))
    if prov.isna().any() and t_prov is None:
        miss = prov.isna() & data[cols["province"][0]].isna() if "province" in cols else prov.isna()
        if miss.any():
            problem("error", None, cols.get("province", (0, None))[1], None, "the province is not given",
                    "add a 'Tỉnh' column or name the province in the title (e.g. 'tỉnh Đồng Nai')")
            bad |= miss
    prov = _fill(prov, t_prov)
    src = parsed.get("source", pd.Series(None, index=data.index, dtype=object))
    src = src.where(src.notna(), row_source[data.index])
    fallback_src: str | None = (t_source or source) if kind != "payments" else ""
    if src.isna().any() and fallback_src is None:
        problem("warning", None, cols.get("source", (0, None))[1], None,
                f"the funding source is not given for {int(src.isna().sum())} row(s); 'local' (KCĐP) assumed",
                "add a 'Nguồn vốn' column (KCQG / KCĐP) or pass source / --source")
        fallback_src = "local"
    src = _fill(src, fallback_src)

    keep = ~bad
    if bad.any():
        out.notes.append(
            f"{where}: {int(bad.sum())} rows excluded because of the errors listed: row {rows_text(rn[bad].tolist())}"
        )
        out.excluded["rows with errors"] += int(bad.sum())
    origin = pd.DataFrame({"file": g.file, "sheet": g.sheet, "row": rn[keep].astype(int)})

    def located(table: str, rows: pd.Index, extra: dict[str, str] | None = None) -> pd.DataFrame:
        """Origins plus ``header:<column>`` = the user's header of each canonical column."""
        names = {CANONICAL.get(table, {}).get(k, k): v[1] for k, v in cols.items()}
        names.update(extra or {})
        return origin.loc[rows].assign(**{f"header:{c}": h for c, h in names.items() if c in TABLE_COLUMNS[table]})

    def money_check(fld: str, lo: int, hi: int, what: str) -> None:
        v = parsed[fld][keep].dropna()
        v = v.astype("int64") if len(v) else v
        odd = v[((v > 0) & (v < lo)) | (v > hi)]  # zero or negative values are the schema's to report
        for i, val in odd.items():
            problem("warning", int(rn[i]), cols[fld][1], data.at[i, cols[fld][0]],
                    f"{what} of {int(val):,} VND is implausible (expected {lo:,}–{hi:,} VND)",
                    f"check the unit (read as {labels.label('unit_' + units[fld], 'vi')}) and the decimal comma")

    if kind == "plans":
        for fld in ("approved", "revised"):
            if fld in parsed:
                money_check(fld, *PLAN_RANGE, "a province-year plan")
        plans = pd.DataFrame({"year": year[keep].astype("int64"), "province": prov[keep].astype(object),
                              "source": src[keep].astype(object),
                              "approved_vnd": parsed["approved"][keep].astype("int64"),
                              "revised_vnd": pd.array(parsed["revised"][keep], dtype="Int64") if "revised" in parsed
                              else pd.array([pd.NA] * int(keep.sum()), dtype="Int64")})
        out.tables["plans"], out.origins["plans"] = coerce_table("plans", plans), located("plans", plans.index)
        return out
    if kind == "payments":
        pay = pd.DataFrame({"project_id": parsed["project_id"][keep].astype(str),
                            "date": pd.to_datetime(parsed["date"][keep]).astype("datetime64[ns]"),
                            "amount_vnd": parsed["amount"][keep].astype("int64")})
        out.tables["payments"], out.origins["payments"] = pay, located("payments", pay.index)
        return out

    # -- projects ----------------------------------------------------------------------------
    if "project_id" in parsed:
        pid = parsed["project_id"]
        gen = pid.isna()
    else:
        pid, gen = pd.Series(None, index=data.index, dtype=object), pd.Series(True, index=data.index)
    label = parsed.get("row_label", pd.Series(None, index=data.index, dtype=object))
    made = np.where(label.notna(), g.id_prefix + "-" + label.astype(str), g.id_prefix + "-r" + rn.astype(str))
    pid = pid.where(~gen, pd.Series(made, index=data.index))
    if gen[keep].any():
        how = "the 'STT' column" if "row_label" in cols else "the row number"
        out.notes.append(f"{where}: no project id for {int(gen[keep].sum())} row(s); ids built from the file name "
                         f"and {how} (e.g. {pid[keep & gen].iloc[0]!r})")
    money_check("support_vnd", *PROJECT_RANGE, "a project's support")
    if "executed" in parsed:
        money_check("executed", 0, PROJECT_RANGE[1], "a project's executed money")
    st = parsed["status"][keep]
    status = st.map(lambda x: x[0])
    ben = parsed.get("beneficiaries")
    if ben is None:
        out.notes.append(f"{where}: no beneficiaries column; 1 establishment per project assumed")
        ben = pd.Series(1, index=data.index)

    def opt_date(fld: str) -> pd.Series:
        s = parsed.get(fld)
        return (pd.to_datetime(s[keep]) if s is not None else pd.Series(pd.NaT, index=data.index[keep])).astype(
            "datetime64[ns]"
        )

    proj = pd.DataFrame(
        {
            "project_id": pid[keep].astype(str),
            "year": year[keep].astype("int64"),
            "province": prov[keep].astype(object),
            "source": src[keep].astype(object),
            "activity": parsed["activity"][keep].astype(object),
            "title": parsed["title"][keep].astype(object) if "title" in parsed else None,
            "beneficiaries": ben[keep].astype("int64"),
            "pilot": parsed["pilot"][keep].fillna(False).astype(bool) if "pilot" in parsed else False,
            "group": parsed["group"][keep].fillna(False).astype(bool) if "group" in parsed else False,
            "support_vnd": parsed["support_vnd"][keep].astype("int64"),
            "counterpart_vnd": pd.array(parsed["counterpart_vnd"][keep], dtype="Int64")
            if "counterpart_vnd" in parsed
            else pd.array([pd.NA] * int(keep.sum()), dtype="Int64"),
            "approved_on": opt_date("approved_on"),
            "planned_end": opt_date("planned_end"),
            "status": status.astype(object),
            "finished_on": opt_date("finished_on"),
            "accepted_on": opt_date("accepted_on"),
            "stopped_on": opt_date("stopped_on"),
            "output_count": pd.array(parsed["output_count"][keep], dtype="Int64")
            if "output_count" in parsed
            else pd.array([pd.NA] * int(keep.sum()), dtype="Int64"),
        }
    )
    out.tables["projects"], out.origins["projects"] = coerce_table("projects", proj), located("projects", proj.index)

    # status words that are events (Gia hạn, Điều chỉnh), dated at the as-of date
    ev_kind = st.map(lambda x: x[1]).dropna()
    if len(ev_kind):
        if asof is None:
            problem(
                "error",
                hrow,
                cols["status"][1],
                None,
                f"{len(ev_kind)} status word(s) such as 'Gia hạn' are events that need a date, "
                "and no as-of date is known",
                "pass --as-of YYYY-MM-DD (as_of=...) or name the period in the title, e.g. '6 tháng đầu năm 2019'",
            )
        else:
            out.tables["events"] = pd.DataFrame(
                {
                    "project_id": proj.loc[ev_kind.index, "project_id"],
                    "date": pd.Series(asof, index=ev_kind.index),
                    "kind": ev_kind.astype(object),
                    "new_planned_end": pd.Series(pd.NaT, index=ev_kind.index, dtype="datetime64[ns]"),
                    "new_support_vnd": pd.array([pd.NA] * len(ev_kind), dtype="Int64"),
                    "note": AS_OF_NOTE,
                }
            )
            out.origins["events"] = located("events", ev_kind.index, {"kind": cols["status"][1]})
            out.notes.append(f"{where}: {len(ev_kind)} event(s) from status words dated {asof.date()}: {AS_OF_NOTE}")

    # cumulative executed money: one payment per project at the as-of date
    if "executed" in parsed:
        ex = parsed["executed"][keep].dropna()
        header = cols["executed"][1]
        if asof is None:
            problem("error", hrow, header, None,
                    "this column gives cumulative executed money, which needs an as-of date, and none is known",
                    "pass --as-of YYYY-MM-DD (as_of=...) or name the period in the title, "
                    "e.g. '6 tháng đầu năm 2019' or 'đến ngày 30/6/2019'")
        else:
            neg = ex[ex < 0]
            for i in neg.index:
                problem("error", int(rn[i]), header, data.at[i, cols["executed"][0]],
                        "cumulative executed money cannot be negative", "check the sign")
            n_zero = int((ex == 0).sum())
            ex = ex[(ex > 0)]
            out.tables["payments"] = pd.DataFrame({"project_id": proj.loc[ex.index, "project_id"],
                                                   "date": pd.Series(asof, index=ex.index).astype("datetime64[ns]"),
                                                   "amount_vnd": ex.astype("int64")})
            out.origins["payments"] = located("payments", ex.index, {"amount_vnd": header})
            out.notes.append(f"{where}: column {header!r} read as cumulative executed money: {len(ex)} payment(s) "
                             f"dated at the as-of date {asof.date()}; {n_zero} project(s) with nothing executed")
    check_totals(body, total, data, parsed, cols, nums, units, problem, out.notes, where)
    return out

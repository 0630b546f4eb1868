"""Turning one provincial sheet (a grid of cells) into canonical rows, with every problem located.

:func:`import_grid` finds the layout (:mod:`kceval.io.sheet`), reads each column once per
distinct text (:mod:`kceval.io.cells`), fills the year, province, source and as-of date from the
sheet (a column, a section, the title, the sheet name) or from the caller's hints, and builds the
canonical rows with their origins; :mod:`kceval.io.consistency` then checks totals, sums and
magnitudes. Nothing is dropped silently: every row that is not a project is counted by kind, and
every row left out because of an error is in ``Part.rejected`` with its reasons.

A sheet is a *project* sheet (one row per đề án), a *plan* sheet (year, province, source,
approved, revised) or a *payment* sheet (project id, date, amount), judged from its headers.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..schema import TABLES, columns
from .cells import column_convention, money_reader, parse_cells, sheet_convention
from .consistency import check_plans, check_sheet
from .dates import parse_when, period_from_text
from .grid import Grid, Layout, Part, rows_text
from .headers import MONEY_FIELDS, suggest_fields
from .numbers import ParseError, cell_unit, is_empty, parse_int
from .problems import Recorder
from .sections import places
from .sheet import find_layout
from .statuses import parse_status
from .tables import payments_table, plans_table, projects_tables, summary_table
from .words import (
    parse_activity,
    parse_beneficiaries,
    parse_bool,
    parse_id,
    parse_province,
    parse_source,
    parse_year,
)

DATE_FIELDS = ("approved_on", "planned_end", "accepted_on", "stopped_on", "finished_on", "date")
SUPPORT_FIELDS = ("support_vnd", "support_national", "support_local", "support_total")
EXECUTED_FIELDS = ("executed", "executed_national", "executed_local", "executed_total")
REQUIRED = {
    "projects": ("activity", "support", "approved_on", "planned_end", "status"),
    "plans": ("approved",),
    "payments": ("project_id", "date", "amount"),
    "summary": ("province",),
}
AS_OF_NOTE = "date not given in the sheet; as-of date used"
# fields a project sheet reads but does not store (listed in the explanation, never silently ignored)
NOT_STORED = {"location": "a place inside the province", "implementer": "the implementing unit"}
TABLE_COLUMNS = {t: set(columns(t)) for t in TABLES}
_TEXT: dict[str, Callable[[Any], Any]] = {
    "project_id": parse_id, "row_label": parse_id, "title": lambda v: None if is_empty(v) else str(v).strip(),
    "note": lambda v: None if is_empty(v) else " ".join(str(v).split()),
    "location": lambda v: None if is_empty(v) else str(v).strip(),
    "implementer": lambda v: None if is_empty(v) else str(v).strip()}
# text kept as Arrow strings in the tables (a big file's titles are most of its memory as Python strings)
_ARROW_TEXT = frozenset({"project_id", "title", "note"})
_PARSERS: dict[str, Callable[[Any], Any]] = {
    "year": parse_year, "province": parse_province, "source": parse_source, "activity": parse_activity,
    "beneficiaries": parse_beneficiaries, "pilot": parse_bool, "group": parse_bool, "status": parse_status,
    "output_count": parse_int, "n_projects": parse_int,
}


def import_grid(g: Grid, *, money_unit: str | None = None, as_of: pd.Timestamp | None = None,
                source: str | None = None, year: int | None = None, province: str | None = None,
                columns: dict[str, str] | None = None) -> Part:
    """Canonical rows of one sheet, with origins, every problem, notes and the rows rejected.

    Parameters
    ----------
    g : Grid
        The cells of one text file or worksheet.
    money_unit : {'dong', 'nghin', 'trieu', 'ty'}, optional
        Unit of money columns whose header and title state none.
    as_of, source, year, province : optional
        Hints for what the sheet does not say: the cut-off date (dates cumulative executed
        money and status events), the funding source, the plan year, the province. A hint the
        sheet contradicts is an error.
    columns : dict, optional
        The user's header -> field, for headers kceval does not know (``--columns map.toml``).

    Examples
    --------
    >>> g = Grid("a.csv", None, [["Tên đề án", "Nội dung", "Kinh phí (triệu đồng)"], ["X", "Đào tạo", "150"]],
    ...          [1, 2], "a")
    >>> import_grid(g).problems[0].message
    "required column 'approved_on' is missing"
    """
    out = Part()
    rec = Recorder(g)
    if not any(not is_empty(c) for r in g.rows for c in r):
        rec.add("error", None, None, None, "the file is empty" if g.sheet is None else "the sheet is empty",
                "export the sheet with its header row and data")
        out.problems = rec.problems
        return out
    lay = find_layout(g, columns)
    if lay is None:
        rec.add("error", None, None, None, "no header row recognised in the first 40 rows",
                "name the columns, e.g. 'Tên đề án', 'Nội dung', 'Kinh phí khuyến công (triệu đồng)', "
                "'Ngày phê duyệt', 'Thời gian hoàn thành', 'Tình trạng' (or the canonical names), "
                "or name unknown headers in a mapping file (--columns map.toml)")
        out.problems = rec.problems
        return out
    return import_layout(g, lay, None, money_unit=money_unit, as_of=as_of, source=source, year=year,
                         province=province)


def import_layout(g: Grid, lay: Layout, data: pd.DataFrame | None, *, money_unit: str | None = None,
                  as_of: pd.Timestamp | None = None, source: str | None = None, year: int | None = None,
                  province: str | None = None) -> Part:
    """Canonical rows of one sheet whose layout is found (:func:`import_grid` after :func:`find_layout`).

    ``data`` holds the cells of the project rows, one column per read column index and one row per
    user row number (``lay.rows["data"]``); None takes them from ``g.rows``. A big text file read in
    chunks (:mod:`kceval.io.stream`) passes them here, with ``g`` holding its other rows only.
    """
    out = Part(layout=lay)
    rec = Recorder(g)
    try:
        _import(g, lay, rec, out, data, money_unit=money_unit, as_of=as_of, source=source, year=year,
                province=province)
    finally:
        out.problems = rec.problems
    out.rejected = [{"file": g.file, "sheet": g.sheet, "row": r, "reasons": "; ".join(dict.fromkeys(m))}
                    for r, m in sorted(rec.reasons.items())]
    if out.rejected:
        out.notes.append(f"{lay.where}: {len(out.rejected)} row(s) left out because of the errors listed: "
                         f"row {rows_text([r['row'] for r in out.rejected])}")
        out.excluded["rows with errors"] += len(out.rejected)
    return out


def _layout_notes(g: Grid, lay: Layout, rec: Recorder, out: Part) -> None:
    where = lay.where
    hrow = lay.header_rows[0]
    seen: dict[str, str] = {}
    for c in lay.columns:
        if c.field is None:
            sugg = suggest_fields(c.header)
            out.notes.append(f"{where}: column {c.header!r} not placed (not read)"
                             + (f"; closest known headers: {', '.join(map(repr, sugg))}" if sugg else "")
                             + "; name it in a mapping file (--columns map.toml) if it should be read")
        elif c.field in seen:
            rec.add("warning", hrow, c.header, None, f"a second column read as {c.field} ({seen[c.field]!r} is "
                    "the first); it is not read", "keep one column per field, or name it in a mapping file")
        else:
            seen[c.field] = c.header
            if c.how in ("guess", "mapping file"):
                how = "a guess" if c.how == "guess" else c.how
                out.notes.append(f"{where}: {c.header!r} read as {c.field} ({how})")
            if c.field in NOT_STORED:
                out.notes.append(f"{where}: {c.header!r} read as {c.field} ({NOT_STORED[c.field]}; not stored)")
    for i, j in g.uncached:
        if g.rownums[i] > hrow:
            col = next((c.header for c in lay.columns if c.index == j), f"column {j + 1}")
            rec.add("error", g.rownums[i], col, None, "a formula with no saved value (the file was written by a "
                    "program that does not compute formulas)", "open the file in Excel or LibreOffice, "
                    "let it recalculate and save it again")
    for kind, what in (("blank", "blank rows skipped"), ("numbering", "column-number row skipped"),
                       ("section", "section rows read as headings"), ("heading", "heading rows skipped"),
                       ("total", "total and subtotal rows checked, not counted as projects"),
                       ("repeated header", "repeated header rows skipped"), ("note", "notes rows skipped"),
                       ("footer", "signature block and rows below it skipped")):
        rows = lay.rows.get(kind, [])
        if rows:
            out.notes.append(f"{where}: {len(rows)} {what}: row {rows_text(rows)}")
            out.excluded[what.split(",")[0].split(" (")[0]] += len(rows)


def _resolve(rec: Recorder, what: str, hint: Any, said: Any, said_where: str, show: Callable[[Any], str] = str
             ) -> Any:
    """The sheet's value, else the hint; a hint the sheet contradicts is an error."""
    if hint is not None and said is not None and hint != said:
        rec.add("error", None, None, show(hint), f"the {what} given ({show(hint)}) contradicts the sheet, which says "
                f"{show(said)} ({said_where})", f"drop the {what} hint, or check that this is the right file")
    return said if said is not None else hint


def _import(g: Grid, lay: Layout, rec: Recorder, out: Part, data: pd.DataFrame | None, *, money_unit: str | None,
            as_of: pd.Timestamp | None, source: str | None, year: int | None, province: str | None) -> None:
    where, hrow, fields = lay.where, lay.header_rows[0], lay.fields
    kind = lay.kind
    _layout_notes(g, lay, rec, out)
    have = set(fields) | ({"support"} if set(fields) & set(SUPPORT_FIELDS) else set())
    if any(sec.activity for _, sec in lay.sections):
        have.add("activity")  # section rows ("A  MÁY MÓC THIẾT BỊ") name it; a row outside them is an error
    missing = [c for c in REQUIRED[kind] if c not in have]
    for m in missing:
        name = "support_vnd" if m == "support" else m
        rec.add("error", hrow, None, None, f"required column {name!r} is missing",
                f"add a column for {name} (see kceval.io.headers for the Vietnamese headers accepted)")
    if missing:
        return
    data_rows = lay.rows["data"]
    if not data_rows:
        rec.add("error", hrow, None, None, f"no projects in sheet {g.sheet or g.file!r}: a header and no "
                f"{'project' if kind == 'projects' else kind[:-1]} rows", "add the rows, or remove the sheet")
        return
    if data is None:
        data = data_cells(g, lay)
    # cells stay as typed: each parser reads blanks (None), dashes (0 in a money column) and spaces per distinct
    # value (parse_cells), which costs far less than cleaning every cell first
    rn = pd.Series(data.index, index=data.index)

    # -- sheet context and hints -------------------------------------------------------------------
    period = None
    for f in EXECUTED_FIELDS:  # "Giải ngân đến 30/6/2020" dates the executed money
        if f in fields:
            period = period or period_from_text(fields[f].header, lay.year)
            if period:
                period = (period[0], f"header {fields[f].header!r}: {period[1]}")
    if period is None and lay.period is not None:
        period = (lay.period[0], f"title: {lay.period[1]}")
    if period is not None and as_of is not None and period[1].startswith("title: year "):
        # "năm 2019" in a title names the plan year more often than a period: a weak reading the hint replaces
        out.notes.append(f"{where}: as-of date {pd.Timestamp(as_of).date()} (hint) used; the title names only the "
                         f"year ({period[1][7:]})")
        period = None
    asof = _resolve(rec, "as-of date", as_of, period[0] if period else None, period[1] if period else "",
                    lambda d: str(pd.Timestamp(d).date()))
    if asof is not None:
        asof = pd.Timestamp(asof)
        out.notes.append(f"{where}: as-of date {asof.date()} ({period[1] if period else 'from the as-of hint'})")
    s_year = lay.year or (lay.period[0].year if lay.period else None)
    the_year = _resolve(rec, "year", year, s_year, "in the title")
    if the_year is None and asof is not None:
        the_year = asof.year
        out.notes.append(f"{where}: plan year {the_year} taken from the as-of date")
    the_prov = _resolve(rec, "province", province, lay.province, "in the title")
    sheet_src = lay.source

    # -- columns -----------------------------------------------------------------------------------
    parsed: dict[str, pd.Series] = {}
    units: dict[str, str] = {}
    s_conv = sheet_convention([data[fields[f].index] for f in fields if f in MONEY_FIELDS])
    for fld, c in fields.items():
        raw = data[c.index]
        fn: Callable[[Any], Any]
        guessed: list[str] = []
        if fld in MONEY_FIELDS:
            unit = c.unit or lay.unit or money_unit
            if unit is None:
                unit = "dong"
                out.notes.append(f"{where}: no money unit stated for column {c.header!r}; đồng assumed "
                                 "(state it in the header, e.g. '(triệu đồng)', or pass --money-unit)")
            units[fld] = unit
            fn, guessed = money_reader(unit, column_convention(raw), s_conv)
        elif fld in DATE_FIELDS:
            fn = _read_when
        elif fld in _TEXT:
            fn = _TEXT[fld]
        elif fld in _PARSERS:
            fn = _PARSERS[fld]
        else:
            continue  # a field of another kind of sheet (checked below)
        vals, errs = parse_cells(raw, fn, text=fld in _ARROW_TEXT)
        _report_errors(rec, raw, errs, c.header)
        if guessed:
            rec.add("warning", int(rn[raw.isin(guessed)].iloc[0]), c.header, guessed[0],
                    f"{len(set(guessed))} value(s) such as {guessed[0]!r} could be read with a thousands dot or a "
                    "decimal point, and no cell of the sheet shows which: read the Vietnamese way (dot for "
                    "thousands)", "write the decimals with a comma (32,5) so that the convention is clear")
        if fld in MONEY_FIELDS:
            units_in_cells = {u for v in raw.dropna().unique() if isinstance(v, str) and (u := cell_unit(v))}
            if units_in_cells - {units[fld]}:
                out.notes.append(f"{where}: column {c.header!r}: units written in cells override the column's "
                                 f"unit ({', '.join(sorted(units_in_cells))})")
        parsed[fld] = vals
    # only the money cells are shown again (in the checks of amounts); the others can go (a big file's text)
    data = data[sorted({fields[f].index for f in fields if f in MONEY_FIELDS})]
    if kind == "plans":
        check_plans(lay, rec, data, parsed, units)
        plans_table(g, lay, rec, out, parsed, rn, the_year, the_prov, sheet_src, source)
        return
    if kind == "payments":
        payments_table(g, lay, rec, out, parsed, rn)
        return
    if kind == "summary":
        summary_table(lay, out, parsed, units)
        return
    place = places(lay, data_rows)
    check_sheet(g, lay, rec, out, data, parsed, rn, place, units)
    projects_tables(g, lay, rec, out, parsed, rn, place, asof=asof, year=the_year, province=the_prov,
                    sheet_source=sheet_src, source_hint=source)


def data_cells(g: Grid, lay: Layout) -> pd.DataFrame:
    """The cells of the project rows in the read columns, indexed by user row number."""
    pos = {n: i for i, n in enumerate(g.rownums)}
    picked = [g.rows[pos[n]] for n in lay.rows["data"]]
    # the read columns only, one object column at a time (no copy of every row: big files are mostly cells)
    data = pd.DataFrame({j: pd.Series([r[j] if j < len(r) else None for r in picked], dtype=object)
                         for j in read_columns(lay)})
    data.index = pd.Index(lay.rows["data"], name="row")
    return data


def read_columns(lay: Layout) -> list[int]:
    """The indexes of the columns a sheet's fields are read from."""
    return sorted({c.index for c in lay.columns if c.field is not None})


_DATE_IN_TEXT = re.compile(r"(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4})|(ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+"
                           r"\d{4})", re.IGNORECASE)


def _read_when(v: Any) -> Any:
    """A date cell; in a longer text ("QĐ số 123/QĐ-SCT ngày 5/3/2020") the one date inside it."""
    try:
        return parse_when(v)
    except ParseError:
        found = _DATE_IN_TEXT.findall(v) if isinstance(v, str) else []
        if len(found) != 1:
            raise
        return parse_when("".join(found[0]).replace(" ", "") if found[0][0] else found[0][1])


def _report_errors(rec: Recorder, raw: pd.Series, errs: pd.Series, header: str) -> None:
    """One problem per distinct bad value, listing every row that holds it (``errs``: the failing rows only)."""
    groups: dict[str, list[int]] = defaultdict(list)
    first: dict[str, tuple[Any, ParseError]] = {}
    for r, e in errs.items():
        key = str(raw[r])
        groups[key].append(int(r))
        first.setdefault(key, (raw[r], e))
    for key, rows in groups.items():
        v, e = first[key]
        rec.add("error", rows[0], header, v, e.message, e.hint, rows=rows)


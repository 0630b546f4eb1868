"""The layout of a provincial report sheet: what each row and column of the grid is.

Official reports (the "Mẫu 2" style of DOMAIN.md) wrap the table of projects in a title block
(the issuing office, the national motto, the document number, the place and signing date, the
title with its period, "Đơn vị tính"), a header of one to three rows with merged parents
("Kinh phí (triệu đồng)" over "Tổng số | KCQG | KCĐP"), a row of column numbers
("(1) (2) … (5)=(6)+(7)"), section rows ("I  KHUYẾN CÔNG QUỐC GIA", "A  MÁY MÓC THIẾT BỊ"),
subtotal and total rows, notes ("Ghi chú: …") and a signature block. :func:`find_layout` finds
all of it and says what each row is, so that :mod:`kceval.io.importer` reads project rows only
and every other row is accounted for (:func:`kceval.io.explain.explain_layout` prints it).
"""
from __future__ import annotations

import re
from typing import Any

from .. import geo
from ..text import fold
from .dates import period_from_text, report_date_from_text, year_from_text
from .grid import Grid, Layout, TotalRow, cell_text, filled, where_of
from .header_rows import find_columns, is_numbering, sum_rules
from .lines import line_kind, read_total_label, section_heading
from .numbers import is_empty, unit_from_text
from .words import province_from_text, source_from_text

_SUMMARY_VALUES = {"n_projects", "support_vnd", "support_total", "support_national", "support_local"}
_PROJECT_ONLY = {"activity", "approved_on", "planned_end", "status", "title", "project_id"}
# fields whose cells are the values of a project (a heading row has none of them)
_LABEL_FIELDS = ("row_label", "project_id", "title")
_SECTION_MARK = re.compile(r"^([IVXLC]+|[A-Za-z])\b[.)]?", re.IGNORECASE)
_TOTAL_START = ("t", "c", "g", "s")  # Tổng, Cộng, Total, Grand total, Subtotal: checked in full only then


def _title_context(lines: list[tuple[int, str, str]], sheet: str | None) -> dict[str, Any]:
    """Unit, year, province, source, period and signing date stated above the table or by the sheet name."""
    ctx: dict[str, Any] = {"unit": None, "year": None, "province": None, "source": None, "period": None,
                           "report_date": None}
    texts = [(k, t) for _, k, t in lines] + ([("sheet", sheet)] if sheet else [])
    for kind, t in texts:
        if kind == "date":
            ctx["report_date"] = ctx["report_date"] or report_date_from_text(t)
            continue
        ctx["unit"] = ctx["unit"] or unit_from_text(t)
        if kind in ("number", "motto", "signature"):
            continue
        ctx["year"] = ctx["year"] or year_from_text(t)
        ctx["province"] = ctx["province"] or province_from_text(t)
        if kind != "org":
            ctx["source"] = ctx["source"] or source_from_text(t)
    for kind, t in texts:
        if kind not in ("date", "number", "motto", "org", "signature"):
            ctx["period"] = ctx["period"] or period_from_text(t, ctx["year"])
    if ctx["province"] is None and sheet:  # a regional compilation names each province's sheet after it
        try:
            ctx["province"] = geo.match_province(sheet)
        except geo.UnknownProvinceError:
            pass
    return ctx


def find_layout(g: Grid, mapping: dict[str, str] | None = None) -> Layout | None:
    """The layout of one sheet, or None when no header row is found (see :func:`find_columns`).

    Every row below the header is one of: ``blank``, ``numbering`` (column numbers), ``section``
    (a heading that may give the source or an activity), ``heading`` (a label with no values),
    ``total`` (total or subtotal), ``repeated header``, ``note``, ``footer`` (the signature block
    and whatever follows it) or ``data`` (a project, plan or payment).
    """
    found = find_columns(g, mapping)
    if found is None:
        return None
    top, depth, cols = found
    lay = Layout(where_of(g), columns=cols, header_rows=g.rownums[top: top + depth])
    for i in range(top):
        texts = [cell_text(c) for c in g.rows[i] if isinstance(c, str) and not is_empty(c)]
        for t in texts:
            lay.title.append((g.rownums[i], line_kind(t), t))
    ctx = _title_context(lay.title, g.sheet)
    lay.unit, lay.year, lay.province, lay.source = ctx["unit"], ctx["year"], ctx["province"], ctx["source"]
    lay.period, lay.report_date = ctx["period"], ctx["report_date"]
    fields = lay.fields
    if "approved" in fields and not set(fields) & {"title", "activity", "support_vnd", "support_national",
                                                     "support_local", "support_total"}:
        lay.kind = "plans"
    elif "amount" in fields and "project_id" in fields and "support_vnd" not in fields:
        lay.kind = "payments"
    elif "province" in fields and set(fields) & _SUMMARY_VALUES and not set(fields) & _PROJECT_ONLY:
        lay.kind = "summary"  # one row per province: checked against the province sheets, not imported
    _classify(g, lay, top + depth)
    return lay


def continue_layout(g: Grid, lay: Layout) -> None:
    """Classify the rows of the next chunk of a sheet whose layout was found on its first chunk.

    A big text file is read in chunks (:mod:`kceval.io.stream`); the kinds, sections and totals of
    ``g``'s rows are appended to ``lay``, and the state (inside the signature block, data seen)
    carries on. ``TotalRow.index`` of the new totals indexes ``g.rows``.
    """
    _classify(g, lay, 0, resume=True)


def _classify(g: Grid, lay: Layout, start: int, resume: bool = False) -> None:
    # one pass over the rows; the cheap tests come first, because nearly every row is a project
    fields = lay.fields
    label_cols = sorted({0, 1, 2} | {fields[k].index for k in ("row_label", "title") if k in fields})
    value_cols = {c.index for c in lay.columns if c.field is not None and c.field not in _LABEL_FIELDS}
    row_value_cols = {j for j in value_cols if fields_of(lay, j) in _ROW_FIELDS}
    header_fields = {fold(c.header.split(" / ")[-1]) for c in lay.columns if c.field is not None}
    if not resume:
        lay.rows = {k: [] for k in ("blank", "numbering", "section", "heading", "total", "repeated header", "note",
                                    "footer", "data")}
        lay.sections, lay.totals, lay.ended, lay.seen_data = [], [], False, False
    kinds = lay.rows
    ended, seen_data = lay.ended, lay.seen_data
    projects = lay.kind == "projects"
    for i in range(start, len(g.rows)):
        row = g.rows[i]
        num = g.rownums[i]
        cells = [(j, v) for j, v in enumerate(row) if filled(v)]
        if not cells:
            kinds["blank"].append(num)
            continue
        if ended:
            kinds["footer"].append(num)
            continue
        n = len(cells)
        if not seen_data and lay.numbering_row is None and not lay.sections and n >= 3 and \
                is_numbering([cell_text(v) for _, v in cells]):
            lay.numbering_row = num
            lay.sum_rules = sum_rules(list(row))
            kinds["numbering"].append(num)
            continue
        labels = [cell_text(row[j]) for j in label_cols if j < len(row) and isinstance(row[j], str) and filled(row[j])]
        tl = next((x for x in (read_total_label(t) for t in labels[:2] if t[:1].lower() in _TOTAL_START)
                   if x is not None), None)
        if tl is not None:
            kinds["total"].append(num)
            lay.totals.append(TotalRow(i, num, labels[0], tl.scope, tl.sections))
            continue
        has_values = any(j in value_cols for j, _ in cells)
        first = cell_text(cells[0][1])
        if projects and _SECTION_MARK.match(first) and not any(j in row_value_cols for j, _ in cells):
            sec = section_heading([first] + [cell_text(v) for _, v in cells[1:2]])
            if sec is not None:
                kinds["section"].append(num)
                lay.sections.append((num, sec))
                if has_values:  # a section row that states its section's sums
                    lay.totals.append(TotalRow(i, num, sec.label, "subtotal", (sec.label,)))
                continue
        all_text = all(type(v) is str for _, v in cells)
        if n <= 4 and all_text:
            texts = [cell_text(v) for _, v in cells]
            if any(line_kind(t) in ("signature", "date") for t in texts):
                ended = True  # the signature block: it and every row below it are not data
                kinds["footer"].append(num)
                continue
        if n <= 3 and not has_values:
            if line_kind(first) == "note":
                kinds["note"].append(num)
                continue
            if n <= 2 and projects:
                kinds["heading"].append(num)
                continue
        if all_text and n >= 2 and not any(ch.isdigit() for _, v in cells for ch in v):
            texts = [cell_text(v) for _, v in cells]
            if sum(fold(t) in header_fields for t in texts) >= max(2, n // 2):
                kinds["repeated header"].append(num)
                continue
        kinds["data"].append(num)
        seen_data = True
    lay.ended, lay.seen_data = ended, seen_data


# a section row carries at most sums: a date, a status or an activity in it makes it a project
_ROW_FIELDS = {"approved_on", "planned_end", "status", "activity", "beneficiaries", "accepted_on"}


def fields_of(lay: Layout, j: int) -> str | None:
    """The field of column ``j``, or None."""
    for c in lay.columns:
        if c.index == j:
            return c.field
    return None

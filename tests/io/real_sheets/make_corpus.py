"""Regenerate the corpus of realistic provincial report files: `python tests/io/real_sheets/make_corpus.py`.

Every file, expected.json (what importing each file must give: counts, sums, statuses, as-of date
and where it comes from, hints to pass; for the bad files the errors, located) and README.md (one line
per file) are written deterministically (fixed seeds, fixed document dates). The outputs are committed;
tests/io/test_layouts.py reads the committed files and checks that this script still writes the same
expected.json.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script: make `tests` importable
    sys.path.insert(0, str(HERE.parents[2]))

from tests.io.layouts import (  # noqa: E402
    CREATED,
    STATUSES,
    Canonical,
    Formula,
    Layout,
    Report,
    Serial,
    Sheet,
    as_of_source,
    build_sheets,
    col_letter,
    expected_for,
    fix_zip,
    frame,
    hints_for,
    period_end,
    random_tables,
    write_report,
)

MAX_ROWS, MAX_BYTES = 40, 20_000
L = Layout


# -- hand-made tables ------------------------------------------------------------------------------------
def _d(text: str | None, year: int) -> dt.date | None:
    if not text:
        return None
    parts = [int(x) for x in text.split("/")]
    return dt.date(parts[2] if len(parts) == 3 else year, parts[1], parts[0])


def hand_tables(year: int, province: str, rows: list[dict[str, Any]], as_of: pd.Timestamp,
                prefix: str = "KC") -> Canonical:
    """Canonical tables from compact rows: money in million VND (strings, exact), dates "d/m" or "d/m/y"."""
    projects, events, payments = [], [], []
    for i, r in enumerate(rows, start=1):
        pid = r.get("id", f"{prefix}-{year % 100:02d}-{i:02d}")
        m = lambda k, r=r: None if r.get(k) is None else int(Decimal(r[k]) * 10**6)  # noqa: E731
        projects.append({"project_id": pid, "year": year, "province": r.get("province", province),
                         "source": r.get("source", "local"), "activity": r.get("activity", "machinery"),
                         "title": r["title"], "beneficiaries": r.get("ben", 1), "pilot": False, "group": False,
                         "support_vnd": m("support"), "counterpart_vnd": m("counterpart"),
                         "approved_on": _d(r.get("approved", "15/2"), year), "planned_end": _d(r.get("end", "30/11"),
                                                                                               year),
                         "status": r["status"], "finished_on": None, "accepted_on": _d(r.get("accepted"), year),
                         "stopped_on": _d(r.get("stopped"), year), "output_count": None,
                         "note": r.get("note")})
        for kind, when, new_end, note in r.get("events", ()):
            events.append({"project_id": pid, "date": _d(when, year) or as_of.date(), "kind": kind,
                           "new_planned_end": _d(new_end, year), "new_support_vnd": None, "note": note})
        if r.get("paid"):
            payments.append({"project_id": pid, "date": as_of.date(), "amount_vnd": m("paid")})
    return Canonical(frame("projects", projects), frame("events", events), frame("payments", payments),
                     frame("plans", []), as_of, year, (province,))


def statuses_rows(year: int) -> list[dict[str, Any]]:
    """One project per status phrase of real sheets (and a blank status)."""
    y = year
    return [
        {"title": "Hỗ trợ máy sấy nông sản cho Cơ sở Minh Phát", "status": "accepted", "accepted": f"12/5/{y}",
         "support": "150", "counterpart": "160", "paid": "150", "source": "national"},
        {"title": "Đào tạo nghề mây tre đan tại xã Tân Hiệp", "activity": "training", "ben": 25, "status": "accepted",
         "support": "85.5", "counterpart": "0", "paid": "85.5", "source": "national"},
        {"title": "Hỗ trợ xây dựng, đăng ký thương hiệu cho HTX Tân Tiến", "activity": "brand", "status": "finished",
         "support": "35", "counterpart": "12.5", "paid": "24.5", "note": "Chờ nghiệm thu"},
        {"title": "Hỗ trợ máy đóng gói tự động cho DNTN Hoàng Long", "status": "in_progress", "support": "200",
         "counterpart": "250", "paid": "140"},
        {"title": "Tham gia hội chợ hàng CNNT khu vực phía Nam", "activity": "fair", "ben": 30, "status": "approved",
         "support": "300", "counterpart": "0"},
        {"title": "Hỗ trợ máy ép viên nén mùn cưa cho Cơ sở mộc Thành Đạt", "status": "in_progress",
         "support": "180", "counterpart": "190", "paid": "90", "end": "30/9",
         "events": [("extension", None, f"31/12/{y}", None)]},
        {"title": "Xây dựng mô hình trình diễn kỹ thuật sản xuất nước đá tinh khiết", "activity": "demonstration",
         "status": "stopped", "support": "450", "counterpart": "600",
         "events": [("stop", None, None, "DN không đủ vốn đối ứng")]},
        {"title": "Tư vấn lập dự án đầu tư cho Công ty TNHH Thực phẩm Sao Mai", "activity": "consulting",
         "status": "suspended", "support": "30", "counterpart": "30", "paid": "10"},
        {"title": "Hỗ trợ máy dệt chiếu cho HTX mây tre đan Phú Hội", "status": "stopped", "stopped": f"5/6/{y}",
         "support": "120", "counterpart": "130",
         "events": [("stop", f"5/6/{y}", None, f"QĐ số 123/QĐ-SCT ngày 5/6/{y}")]},
        {"title": "Hỗ trợ máy cắt CNC cho Công ty CP Cơ khí Việt Nhật", "status": "in_progress", "support": "190",
         "counterpart": "210", "paid": "95", "events": [("adjustment", None, None, "Điều chỉnh nội dung, quy mô")]},
        {"title": "Xuất bản bản tin khuyến công số 2", "activity": "communication", "ben": 5, "status": "unreported",
         "support": "40", "counterpart": "0", "paid": "20", "note": "Chưa có báo cáo của đơn vị"},
    ]


def set_support(canon: Canonical, i: int, vnd: int) -> None:
    """Change one project's support (and cap its payment at it)."""
    pj, pay = canon.projects, canon.payments
    pj.loc[pj.index[i], "support_vnd"] = vnd
    pid = pj["project_id"].iloc[i]
    hit = pay["project_id"] == pid
    pay.loc[hit, "amount_vnd"] = np.minimum(pay.loc[hit, "amount_vnd"], vnd)


# -- editing cells of the bad files -------------------------------------------------------------------------
def _cell(s: Sheet, key: str, fld: str) -> tuple[int, int]:
    return s.marks[key], s.cols[fld]


def _error(rep: Report, message: list[str], key: str | None = None, fld: str | None = None,
           sheet: str | None = None) -> dict[str, Any]:
    s = rep.sheet(sheet)
    out: dict[str, Any] = {"message": message, "sheet": rep.sheet_name(s), "row": None, "column": None,
                           "column_leaf": None, "column_letter": None}
    if key is not None:
        out["row"] = s.user_rows[s.marks[key]]
    if fld is not None:
        path = s.headers[fld]
        out.update(column=path, column_leaf=path.split(" / ")[-1], column_letter=col_letter(s.cols[fld]))
    return out


def save_openpyxl(sheets: list[Sheet], path: Path) -> None:
    """Write sheets with openpyxl, which saves formulas without a cached value."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        for r, row in enumerate(sh.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                if isinstance(v, Formula):
                    ws.cell(r, c, v.formula)
                elif isinstance(v, Decimal):
                    ws.cell(r, c, float(v))
                elif isinstance(v, Serial):
                    ws.cell(r, c, v.value)
                elif isinstance(v, dt.date):
                    ws.cell(r, c, dt.datetime.combine(v, dt.time())).number_format = "dd/mm/yyyy"
                else:
                    ws.cell(r, c, v)
        for r0, c0, r1, c1 in sh.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        if sh.hidden:
            ws.sheet_state = "hidden"
        sh.user_rows = list(range(1, len(sh.rows) + 1))
    wb.properties.created = wb.properties.modified = CREATED
    wb.properties.creator = "Sở Công Thương"
    wb.save(path)
    fix_zip(path)


# -- the corpus -------------------------------------------------------------------------------------------------
class Corpus:
    def __init__(self, out: Path):
        self.out = out
        self.entries: list[dict[str, Any]] = []
        self.reports: dict[str, Report] = {}

    def add(self, name: str, shows: str, layout: Layout, canon: Canonical, *,
            edit: Callable[[list[Sheet]], None] | None = None,
            errors: Callable[[Report], list[dict[str, Any]]] | None = None,
            hints: dict[str, Any] | None = None, hints_fix: dict[str, Any] | None = None,
            refused: bool = False, saver: Callable[[list[Sheet], Path], None] | None = None) -> Report:
        stem, ext = name.rsplit(".", 1)
        lay = layout.normalised()
        assert lay.fmt == ext, (name, lay.fmt)
        if saver is None:
            rep = write_report(self.out, canon, lay, stem, edit=edit)
        else:
            sheets = build_sheets(canon, lay)
            if edit is not None:
                edit(sheets)
            path = self.out / name
            saver(sheets, path)
            rep = Report(path, hints_for(canon, lay), expected_for(canon, lay), as_of_source(sheets, lay, canon),
                         sheets, lay)
        size = rep.path.stat().st_size
        assert size <= MAX_BYTES, (name, size)
        for s in rep.sheets:
            assert (s.user_rows[-1] if s.user_rows else 0) <= MAX_ROWS, (name, s.name, len(s.rows))
        self.reports[name] = rep
        self.entries.append(self.entry(name, shows, rep, errors(rep) if errors else [],
                                       rep.hints if hints is None else hints, hints_fix, refused))
        return rep

    @staticmethod
    def entry(name: str, shows: str, rep: Report, errors: list[dict[str, Any]], hints: dict[str, Any],
              hints_fix: dict[str, Any] | None, refused: bool) -> dict[str, Any]:
        e = rep.expected
        pj = e.projects
        out: dict[str, Any] = {"file": name, "shows": shows, "format": rep.layout.fmt, "hints": hints,
                               "as_of": e.as_of.date().isoformat(), "as_of_from": rep.as_of_from, "year": e.year,
                               "provinces": sorted(set(pj["province"])), "ids_compared": "code" in
                               rep.layout.extra_columns}
        if errors or refused or hints_fix:
            out.update(bad=True, errors=errors, refused=refused)
            if hints_fix:
                out["hints_fix"] = hints_fix
            return out
        warnings = []
        for pid in pj.loc[pj["status"] == "unreported", "project_id"]:
            s = next(s for s in rep.sheets if f"project:{pid}" in s.marks and not s.hidden and s.role == "projects")
            w = _error(rep, ["status"], f"project:{pid}", "status", s.name)
            warnings.append(w)
        out.update(
            bad=False,
            projects=len(pj), plans=len(e.plans),
            events={k: int((e.events["kind"] == k).sum()) for k in ("adjustment", "extension", "stop")},
            payments=len(e.payments), support_vnd=int(pj["support_vnd"].sum()),
            payments_vnd=int(e.payments["amount_vnd"].sum()),
            status={s: int((pj["status"] == s).sum()) for s in STATUSES},
            errors=[], warnings=warnings,
        )
        return out


def build(out: Path) -> tuple[dict[str, Any], dict[str, Report]]:
    """Write every corpus file into ``out``; return the expected.json content and the reports."""
    out.mkdir(parents=True, exist_ok=True)
    c = Corpus(out)
    rt = random_tables

    # 1. the official report layout (Mẫu 2), in each spreadsheet format and as text
    lay = L(fmt="xlsx", dates=("cell",), extra_columns=("notes",))
    c.add("dong_nai_2020_h1_official.xlsx",
          "Mẫu 2: title block left/right, 2-row merged header, column numbers (5)=(6)+(7), sections I/II by source "
          "with STT restarting, Cộng I/II and TỔNG CỘNG (I+II) as formulas with cached values, Ghi chú row and "
          "column, signature after one blank row, date cells; as-of from the title",
          lay, rt(101, 9, 2020, "Đồng Nai", lay))
    lay = L(fmt="xls", period="9m", header_rows=3, sections="activity", source_from="column", dates=("serial",),
            signature_gap=0, vocab=1)
    c.add("long_an_2020_9m_three_rows.xls",
          "Excel 97 (.xls): 3-row header (Kinh phí / Tổng số | Trong đó / KCQG | KCĐP), letter sections by activity "
          "(A, B…) with Cộng A…, dates as Excel serial numbers, 'Nguồn KP' column, signature directly under the total",
          lay, rt(102, 9, 2020, "Long An", lay))
    lay = L(fmt="ods", period="year", vocab=1, dates=("cell", "dmy"), signature_gap=2)
    c.add("ben_tre_2020_year.ods",
          "OpenDocument: 'NĂM 2020' (as-of 31/12/2020; the signing date is in January 2021), merged cells, date "
          "cells and d/m/yyyy text, 'Tên nhiệm vụ, đề án' / 'Tình trạng', signature after two blank rows",
          lay, rt(103, 8, 2020, "Bến Tre", lay))
    lay = L(fmt="txt", year_from="title", period="h1", multiline_title=True, dates=("dmy0",))
    c.add("tien_giang_2021_h1_unicode.txt",
          "Excel 'Unicode Text': UTF-16 LE with BOM, tab-separated, the title cell holds a line break (quoted), "
          "2-row header with each parent in its first column only, sections I/II",
          lay, rt(104, 8, 2021, "Tiền Giang", lay))

    # 2. text encodings and separators
    lay = L(fmt="csv", encoding="utf-8", numbers="text", money="flat", header_rows=1, dates=("dmy",),
            source_from="column", sections="none")
    canon = rt(105, 8, 2021, "Cần Thơ", lay)
    set_support(canon, 0, 1_000_000_000)
    set_support(canon, 1, 32_500_000)
    c.add("can_tho_2021_utf8_text_numbers.csv",
          "CSV UTF-8 (no BOM), comma: Vietnamese number text, '1.000' (a thousand) beside '32,5' in the same column, "
          "dates '15/3/2021', 1-row header, source column, no sections", lay, canon)
    lay = L(fmt="csv", encoding="utf-8-sig", delimiter=";", header_rows=1, money="flat", dates=("dmy0",),
            source_from="column", sections="none", subtotals=False)
    c.add("vinh_long_2021_bom_semicolon.csv",
          "CSV UTF-8 with BOM, ';' separator: titles holding ';', ',' and quotes are quoted", lay,
          rt(106, 8, 2021, "Vĩnh Long", lay))
    lay = L(fmt="csv", encoding="cp1258", delimiter="\t", dates=("dmy0",))
    c.add("tra_vinh_2021_cp1258_tab.csv",
          "CSV in Windows-1258 (Vietnamese with combining tone marks), tab-separated, official title block", lay,
          rt(107, 8, 2021, "Trà Vinh", lay))
    lay = L(fmt="csv", encoding="cp1252", delimiter=";", source_from="column", sections="none", dates=("dmy0",),
            header_rows=1)
    c.add("soc_trang_2021_cp1252.csv",
          "CSV in Windows-1252: every text folded to ASCII ('Da nghiem thu', 'KCDP', 'TINH SOC TRANG'), ';' "
          "separator", lay, rt(108, 7, 2021, "Sóc Trăng", lay))

    # 3. several sheets
    lay = L(fmt="xlsx", workbook="by_source", extra_sheets=("empty", "hidden"), dates=("cell",))
    c.add("kien_giang_2019_by_source.xlsx",
          "one sheet per source (sheet names 'KCQG', 'KCĐP' give the source), an empty sheet, and a hidden draft "
          "sheet whose rows must not be imported", lay, rt(109, 9, 2019, "Kiên Giang", lay))
    lay = L(fmt="xlsx", workbook="regional", extra_sheets=("hidden",), sections="none", source_from="column",
            header_rows=1, signature_gap=None, notes_row=False)
    c.add("south_2019_h1_regional.xlsx",
          "regional compilation: summary sheet 'Tổng hợp' (province, number of projects, total support: not "
          "projects) and one sheet per province named by the province, plus a hidden draft sheet", lay,
          rt(110, 9, 2019, ["Long An", "Bến Tre", "Đồng Tháp"], lay))
    lay = L(fmt="ods", workbook="regional", period="9m", sections="source", header_rows=2, signature_gap=None,
            dates=("cell",))
    c.add("central_2021_9m_regional.ods",
          "regional compilation in OpenDocument: 'Tổng hợp' + one sheet per province (Khánh Hòa, Lâm Đồng)", lay,
          rt(111, 6, 2021, ["Khánh Hòa", "Lâm Đồng"], lay))

    # 4. numbers and units
    lay = L(fmt="xlsx", unit_words=True, numbers="mixed", dash="–", formulas=False, dates=("cell",))
    canon = rt(112, 9, 2021, "An Giang", lay)
    set_support(canon, 1, 1_250_000_000)
    set_support(canon, 4, 150_000_000)
    c.add("an_giang_2021_unit_words.xlsx",
          "money cells with their own unit ('1,25 tỷ', '150 triệu', '1.250 tr', '… đ') in a triệu sheet, numeric "
          "and text cells mixed, '–' for nothing", lay, canon)
    lay = L(fmt="csv", unit="nghin", dates=("dmy0",), header_rows=1, money="flat", source_from="column",
            sections="none")
    c.add("hau_giang_2021_nghin.csv", "unit nghìn đồng from 'Đơn vị tính: nghìn đồng' in the title block", lay,
          rt(113, 7, 2021, "Hậu Giang", lay))
    lay = L(fmt="xlsx", unit="ty", unit_from="header", dates=("cell",))
    c.add("bac_lieu_2022_ty_header.xlsx", "unit tỷ đồng from the merged header 'Kinh phí (tỷ đồng)'", lay,
          rt(114, 8, 2022, "Bạc Liêu", lay))
    lay = L(fmt="xls", unit="dong", unit_from="header", header_rows=1, money="flat", source_from="column",
            sections="none", dates=("cell",))
    c.add("ca_mau_2022_dong.xls", "unit đồng in every 1-row header '(đồng)', numeric cells", lay,
          rt(115, 7, 2022, "Cà Mau", lay))
    lay = L(fmt="csv", unit_from="hint", dates=("dmy0",), title_block="short")
    c.add("dong_thap_2022_unit_hint.csv", "no money unit anywhere: the user passes money_unit='trieu'", lay,
          rt(116, 8, 2022, "Đồng Tháp", lay))
    lay = L(fmt="xlsx", round_totals=True, formulas=False, money="flat", dates=("cell",))
    c.add("long_an_2024_rounded_totals.xlsx",
          "typed subtotals and total rounded to whole triệu (within rounding: not an error)", lay,
          rt(117, 8, 2024, "Long An", lay))

    # 5. dates
    lay = L(fmt="xlsx", dates=("serial", "cell"), period="9m")
    c.add("binh_duong_2022_serial_dates.xlsx", "dates as Excel serial numbers in numeric cells beside date cells",
          lay, rt(118, 8, 2022, "Bình Dương", lay))
    lay = L(fmt="csv", dates=("words", "dmy2"), spelling=1, delimiter=";")
    c.add("ba_ria_2022_date_words.csv",
          "dates 'ngày 21 tháng 4 năm 2022' and '15/03/22'; title 'TỈNH BÀ RỊA - VŨNG TÀU'", lay,
          rt(119, 8, 2022, "Bà Rịa – Vũng Tàu", lay))
    lay = L(fmt="xlsx", deadline="month", dates=("cell",))
    c.add("binh_phuoc_2022_month_deadlines.xlsx", "deadlines 'tháng 9/2022' (= end of that month)", lay,
          rt(120, 8, 2022, "Bình Phước", lay))
    lay = L(fmt="ods", deadline="quarter", dates=("dmy0",), period="year")
    c.add("tay_ninh_2022_quarter_deadlines.ods", "deadlines 'Quý III/2022' and 'quý 4/2022' (= end of the quarter)",
          lay, rt(121, 8, 2022, "Tây Ninh", lay))
    lay = L(fmt="xlsx", as_of_from="header", period="9m", dates=("cell",))
    c.add("dong_nai_2023_as_of_header.xlsx",
          "as-of from the executed column's header 'Giải ngân đến 30/9/2023'; the title names the year but no period",
          lay, rt(122, 8, 2023, "Đồng Nai", lay))
    lay = L(fmt="csv", title_block="none", as_of_from="hint", dates=("dmy0",), header_rows=1, source_from="column",
            sections="none", signature_gap=None, notes_row=False, unit_from="header")
    c.add("long_an_2023_as_of_hint.csv",
          "a bare table (no title): the user passes as_of, year and province", lay,
          rt(123, 8, 2023, "Long An", lay, as_of="2023-06-30"))

    # 6. statuses
    for name, fmt, prov in (("can_tho_2023_statuses.xlsx", "xlsx", "Cần Thơ"),
                            ("vinh_long_2023_statuses.txt", "txt", "Vĩnh Long")):
        lay = L(fmt=fmt, dates=("dmy0",), extra_columns=("notes",), signature_gap=None, notes_row=False)
        canon = hand_tables(2023, prov, statuses_rows(2023), period_end(2023, "h1"))
        c.add(name, "every status phrase: 'Đã nghiệm thu ngày 12/5/2023', 'Đã nghiệm thu', 'Hoàn thành', "
              "'Đang thực hiện', 'Chưa triển khai', 'Xin gia hạn đến 31/12/2023', 'Dừng thực hiện (DN không đủ vốn "
              "đối ứng)', 'Tạm dừng', 'Hủy theo QĐ số 123/QĐ-SCT ngày 5/6/2023', 'Điều chỉnh nội dung, quy mô', and a "
              f"blank status (unreported, a warning); Ghi chú column ({fmt})", lay, canon)

    # 7. headers by meaning
    lay = L(fmt="csv", vocab=1, beneficiaries="names", extra_columns=("place", "implementer", "notes"),
            source_from="column", sections="none", header_rows=1, dates=("dmy0",))
    c.add("ben_tre_2023_vocab_a.csv",
          "'Tên nhiệm vụ, đề án', 'Nội dung hỗ trợ', 'Nguồn KP', 'Thời gian phê duyệt', 'Thời hạn hoàn thành', "
          "'Tình trạng'; 'Đơn vị thụ hưởng' names separated by ';'; 'Địa bàn' = a commune, not the province; "
          "'Đơn vị thực hiện'", lay, rt(124, 7, 2023, "Bến Tre", lay))
    lay = L(fmt="xlsx", vocab=2, header_rows=1, source_from="column", sections="activity", dates=("cell",))
    c.add("tien_giang_2023_vocab_b.xlsx",
          "'Tên đề án khuyến công', 'Nguồn kinh phí', 'Số cơ sở thụ hưởng', 'Kinh phí KC hỗ trợ'-style 1-row header, "
          "activity sections", lay, rt(125, 8, 2023, "Tiền Giang", lay))

    # 8. post-2025 units and old names
    lay = L(fmt="xlsx", post2025=True, period="9m", dates=("cell",))
    c.add("tay_ninh_2025_9m_post_merger.xlsx",
          "a 2025 report titled 'UBND TỈNH TÂY NINH' with 'Tây Ninh (mới)' in a province column", lay,
          rt(126, 8, 2025, "Tây Ninh", lay))
    lay = L(fmt="csv", post2025=True, dates=("dmy0",), header_rows=1, money="flat", source_from="column",
            sections="none")
    c.add("tay_ninh_2026_h1_post_merger.csv", "a 2026 CSV with 'Tây Ninh (mới)' in the province column", lay,
          rt(127, 7, 2026, "Tây Ninh", lay))
    lay = L(fmt="csv", province_from="column", spelling=1, dates=("dmy0",))
    c.add("tphcm_2020_old_names.csv", "'TP. HCM' in the province column", lay,
          rt(128, 7, 2020, "TP. Hồ Chí Minh", lay))
    lay = L(fmt="xlsx", province_from="column", spelling=1, dates=("cell",))
    c.add("brvt_2020_old_names.xlsx", "'Bà Rịa - Vũng Tàu' (hyphen) in the province column", lay,
          rt(129, 7, 2020, "Bà Rịa – Vũng Tàu", lay))
    lay = L(fmt="xls", province_from="column", spelling=1, dates=("cell",), title_block="short")
    c.add("hue_2020_old_names.xls", "'Thừa Thiên - Huế' in the province column (short title without the province)", lay,
          rt(130, 7, 2020, "Thừa Thiên Huế", lay))

    # more layouts
    lay = L(fmt="xlsx", dates=("cell",), sections="none", source_from="column")
    canon = rt(131, 6, 2024, "Cà Mau", lay)
    pj = canon.projects
    for i, t in enumerate(("=SUM(A1)", "+84 sản phẩm OCOP được hỗ trợ", "-Đào tạo nghề đan lát",
                           "@Hội chợ CNNT 2024")):
        pj.loc[pj.index[i], "title"] = t
    c.add("formula_like_titles.xlsx", "titles that look like formulas ('=SUM(A1)', '+84…', '-…', '@…') kept as text",
          lay, canon)
    lay = L(fmt="xlsx", plan_sheet=True, dates=("cell",))
    c.add("dong_nai_2024_plan_sheet.xlsx", "a 'Kế hoạch' sheet with the plan per source beside the projects (plans)",
          lay, rt(132, 7, 2024, "Đồng Nai", lay))
    lay = L(fmt="xlsx", extra_columns=("code",), dates=("cell",), source_from="money", sections="activity")
    c.add("ca_mau_2024_codes.xlsx",
          "a 'Mã đề án' column (ids compared); the source only from which of KCQG/KCĐP holds the money", lay,
          rt(133, 7, 2024, "Cà Mau", lay))
    lay = L(fmt="ods", source_from="title", single_source="local", dates=("cell",))
    c.add("binh_duong_2024_source_in_title.ods",
          "the title names the source ('… ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG …'); no source column or section", lay,
          rt(134, 7, 2024, "Bình Dương", lay))
    lay = L(fmt="csv", source_from="hint", single_source="national", dates=("dmy0",), header_rows=1)
    c.add("an_giang_2024_source_hint.csv", "no source anywhere: the user passes source='national'", lay,
          rt(135, 6, 2024, "An Giang", lay))
    lay = L(fmt="xls", sections="source_activity", dates=("cell",), signature_gap=1, period="9m")
    c.add("kien_giang_2024_nested_sections.xls",
          "nested sections: A/B by source, I/II by activity inside, STT restarting in each, Cộng A/B", lay,
          rt(136, 8, 2024, "Kiên Giang", lay))

    # -- bad files: one cause each, reported once, located
    lay = L(fmt="xlsx", money="flat", formulas=False, dates=("cell",))
    canon = rt(201, 7, 2020, "Đồng Nai", lay)

    def wrong_total(sheets: list[Sheet]) -> None:
        r, j = _cell(sheets[0], "total", "support")
        sheets[0].rows[r][j] += 100

    c.add("bad_total_row.xlsx", "BAD: the TỔNG CỘNG row's support is 100 triệu more than the rows it covers", lay,
          canon, edit=wrong_total, errors=lambda rep: [_error(rep, ["total"], "total", "support")])

    lay = L(fmt="xls", money="flat", dates=("cell",))
    canon = rt(202, 7, 2020, "Long An", lay)
    canon.projects["source"] = ["national"] * 3 + ["local"] * 4
    canon.projects["source"] = canon.projects["source"].astype(object)

    def wrong_subtotal(sheets: list[Sheet]) -> None:
        r, j = _cell(sheets[0], "subtotal:II", "support")
        sheets[0].rows[r][j] += 50

    c.add("bad_subtotal_row.xls", "BAD: 'Cộng II' is 50 triệu off the rows of section II (the total is right)", lay,
          canon, edit=wrong_subtotal, errors=lambda rep: [_error(rep, ["subtotal"], "subtotal:II", "support")])

    lay = L(fmt="csv", dates=("dmy0",), total_row=False, subtotals=False, source_from="column", sections="none",
            header_rows=2)
    canon = rt(203, 6, 2020, "Bến Tre", lay)
    bad_pid = canon.projects["project_id"].iloc[2]

    def wrong_split(sheets: list[Sheet]) -> None:
        r, j = _cell(sheets[0], f"project:{bad_pid}", "total")
        v = sheets[0].rows[r][j]
        sheets[0].rows[r][j] = (v + 10) if isinstance(v, Decimal) else v

    c.add("bad_tong_so_split.csv", "BAD: one row's 'Tổng số' is not KCQG + KCĐP (10 triệu more)", lay, canon,
          edit=wrong_split, errors=lambda rep: [_error(rep, ["KCQG", "KCĐP"], f"project:{bad_pid}", "total")])

    lay = L(fmt="xlsx", money="flat", total_row=False, subtotals=False, dates=("cell",))
    canon = rt(204, 7, 2021, "Tiền Giang", lay)
    slip_pid = canon.projects["project_id"].iloc[3]

    def nghin_slip(sheets: list[Sheet]) -> None:
        r, j = _cell(sheets[0], f"project:{slip_pid}", "support")
        sheets[0].rows[r][j] *= 1000

    c.add("bad_unit_nghin_in_trieu.xlsx",
          "BAD: one row typed in nghìn đồng in a triệu column (1,000× the others); the error names nghìn đồng", lay,
          canon, edit=nghin_slip,
          errors=lambda rep: [_error(rep, ["nghìn đồng"], f"project:{slip_pid}", "support")])

    lay = L(fmt="csv", unit="ty", money="flat", total_row=False, subtotals=False, dates=("dmy0",),
            source_from="column", sections="none", header_rows=1)
    canon = rt(205, 7, 2021, "Cần Thơ", lay)
    slip2 = canon.projects["project_id"].iloc[1]

    def trieu_slip(sheets: list[Sheet]) -> None:
        r, j = _cell(sheets[0], f"project:{slip2}", "support")
        sheets[0].rows[r][j] = (sheets[0].rows[r][j] * 1000).normalize()

    c.add("bad_unit_trieu_in_ty.csv",
          "BAD: one row typed in triệu đồng in a tỷ column (1,000× the others); the error names triệu đồng", lay,
          canon, edit=trieu_slip, errors=lambda rep: [_error(rep, ["triệu đồng"], f"project:{slip2}", "support")])

    lay = L(fmt="xlsx", sections="none", source_from="column", dates=("cell",))
    empty = rt(206, 0, 2021, "Hậu Giang", lay)
    c.add("bad_no_projects.xlsx",
          "BAD: a title, header, column numbers and a total row but no project (located at the header)", lay, empty,
          errors=lambda rep: [_error(rep, ["no projects"], "header")])

    lay = L(fmt="xlsx", extra_columns=("code",), dates=("cell",))
    canon = rt(207, 6, 2021, "Bạc Liêu", lay)
    canon.projects["source"] = pd.Series(["national"] * 3 + ["local"] * 3, dtype=object)
    dup_first, dup_second = canon.projects["project_id"].iloc[3], canon.projects["project_id"].iloc[4]

    def duplicate(sheets: list[Sheet]) -> None:
        r, j = _cell(sheets[0], f"project:{dup_second}", "code")
        sheets[0].rows[r][j] = dup_first

    c.add("bad_duplicate_code.xlsx", f"BAD: project code {dup_first} twice in section II", lay, canon,
          edit=duplicate,
          errors=lambda rep: [_error(rep, ["duplicate", dup_first], f"project:{dup_second}", "code")])

    lay = L(fmt="xlsx", formulas=False, total_row=False, subtotals=False, dates=("cell",))
    canon = rt(208, 6, 2022, "Cà Mau", lay)
    f_pid = canon.projects["project_id"].iloc[2]

    def uncached(sheets: list[Sheet]) -> None:
        s = sheets[0]
        r, j = _cell(s, f"project:{f_pid}", "total")
        s.rows[r][j] = Formula(f"={col_letter(s.cols['national'])}{r + 1}+{col_letter(s.cols['local'])}{r + 1}",
                               Decimal(0))

    c.add("bad_formula_no_cache.xlsx",
          "BAD: a 'Tổng số' formula saved without a cached value (written by openpyxl)", lay, canon, edit=uncached,
          saver=save_openpyxl, errors=lambda rep: [_error(rep, ["formula"], f"project:{f_pid}", "total")])

    lay = L(fmt="ods", dates=("cell",))
    canon = rt(209, 6, 2022, "Đồng Tháp", lay, statuses=("approved", "in_progress", "finished", "accepted"))
    st_pid = canon.projects["project_id"].iloc[1]

    def unknown_status(sheets: list[Sheet]) -> None:
        r, j = _cell(sheets[0], f"project:{st_pid}", "status")
        sheets[0].rows[r][j] = "Đang chờ vốn"

    c.add("bad_unknown_status.ods", "BAD: an unknown status phrase 'Đang chờ vốn'", lay, canon, edit=unknown_status,
          errors=lambda rep: [_error(rep, ["Đang chờ vốn"], f"project:{st_pid}", "status")])

    lay = L(fmt="csv", source_from="hint", single_source="local", dates=("dmy0",), header_rows=1, money="flat")
    canon = rt(210, 6, 2022, "Bình Phước", lay)
    c.add("bad_no_source.csv",
          "BAD without hints: no source column, no section or title naming it (fine with source='local')", lay,
          canon, hints={}, hints_fix={"source": "local"}, errors=lambda rep: [_error(rep, ["source"])])

    lay = L(fmt="xlsx", period="year", dates=("cell",))
    canon = rt(211, 6, 2020, "Tây Ninh", lay)
    c.add("bad_year_hint.xlsx", "BAD hint: year=2021 for a sheet titled '… NĂM 2020' is refused", lay, canon,
          hints={"year": 2021}, refused=True, errors=lambda rep: [_error(rep, ["2021", "2020"])])

    data = {"about": "Expected results of importing each file with kceval.io.read_dataset(path, **hints); "
                     "see README.md. Money in VND; rows as the user sees them (1-based; text files: the line the "
                     "record starts on); column = header text with parents joined by ' / ' (or column_leaf, "
                     "or column_letter).",
            "files": c.entries}
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    (out / "expected.json").write_text(text, encoding="utf-8")
    return data, c.reports


README_HEAD = """# Realistic provincial report files (issue 12)

Written by `make_corpus.py` (deterministic: fixed seeds and document dates; run
`python tests/io/real_sheets/make_corpus.py` to regenerate). `expected.json` gives, per file, what
`kceval.io.read_dataset(path, **hints)` must return: counts of projects, plans, events by kind and
payments, the sums of support and payments, status counts, the as-of date and where it comes from,
the hints to pass; for the BAD files the errors (message substrings, sheet, row, column), each
reported once. Every file is at most 40 rows and 20 KB.

Import conventions assumed (tests/io/layouts.py):
- hints are passed only for what the file does not state: `money_unit`, `as_of` (ISO date),
  `year`, `province`, `source`; a hint that contradicts the file is refused.
- a blank status imports as status `unreported`, with a warning located at its cell.
- "Xin gia hạn đến D" = in_progress + an `extension` event (new_planned_end D); "Điều chỉnh …" =
  in_progress + an `adjustment` event; "Dừng thực hiện (reason)" = stopped + a `stop` event whose note
  is the reason; these three are dated at the as-of date. "Hủy theo QĐ số … ngày D" = stopped,
  stopped_on D, a `stop` event dated D whose note is the decision. "Đã nghiệm thu ngày D" = accepted,
  accepted_on D (no acceptance event). "Tạm dừng" = suspended. "Chưa triển khai" = approved.
- cumulative executed money = one payment per project with money > 0, dated at the as-of date.
- as-of: an explicit date in the executed column's header beats the title's period; the signing
  date ("…, ngày 08 tháng 7 năm 2020") and dates in notes are never the as-of.
- ids are not compared unless the file has a "Mã đề án" column; hidden sheets are not imported;
  the "Tổng hợp" summary and "Kế hoạch" plan sheets are not projects; "Địa bàn" is a commune.
- totals are checked against the project rows they cover (a subtotal against its section), with a
  tolerance of half the sheet's unit; "Tổng số" must be KCQG + KCĐP.

| file | what it shows |
|---|---|
"""


def main() -> None:
    data, _ = build(HERE)
    lines = [f"| `{e['file']}` | {e['shows'].replace('|', '&#124;')} |" for e in data["files"]]
    (HERE / "README.md").write_text(README_HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(data['files'])} files, expected.json and README.md to {HERE}")


if __name__ == "__main__":
    main()

"""Realistic provincial khuyến công report files built from canonical tables (issue 12, test side).

:func:`random_tables` draws canonical ``projects``, ``events``, ``payments`` (and ``plans``) for a
province and year; :func:`write_report` writes them as a provincial Sở Công Thương would send them,
in the :class:`Layout` asked for (title block, multi-row merged headers, column numbers, sections,
subtotals, totals with cached formulas, signature block; xlsx / xls / ods / Excel Unicode text / CSV
in UTF-8, Windows-1258 or Windows-1252; numbers, units, dates and statuses as people type them),
and returns a :class:`Report`: the file, the hints a user passes to ``read_dataset`` for what the
file does not state, and the canonical tables an importer must give back. :func:`assert_same_tables`
is the comparison rule of the round trip.

This module does not import kceval (kceval's importer is what it tests). Conventions assumed of the
importer are listed in ``tests/io/real_sheets/README.md``.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SOURCES = ("national", "local")
STATUSES = ("approved", "in_progress", "finished", "accepted", "stopped", "suspended", "unreported")
UNIT_VND = {"dong": 1, "nghin": 10**3, "trieu": 10**6, "ty": 10**9}
UNIT_NAME = {"dong": "đồng", "nghin": "nghìn đồng", "trieu": "triệu đồng", "ty": "tỷ đồng"}
FORMATS = ("xlsx", "xls", "ods", "txt", "csv")
SPREADSHEETS = ("xlsx", "xls", "ods")
DATE_STYLES = ("cell", "serial", "dmy", "dmy0", "dmy2", "words")
EXTRA_COLUMNS = ("code", "place", "implementer", "notes")
CREATED = dt.datetime(2020, 7, 8, 8, 0, 0)  # document properties: fixed, so that files are byte-stable
ZIP_TIME = (2020, 7, 8, 8, 0, 0)
PROJECT_COLUMNS = ("project_id", "year", "province", "source", "activity", "title", "beneficiaries", "pilot", "group",
                   "support_vnd", "counterpart_vnd", "approved_on", "planned_end", "status", "finished_on",
                   "accepted_on", "stopped_on", "output_count", "note")
COMPARED = ("year", "province", "source", "activity", "title", "beneficiaries", "support_vnd", "counterpart_vnd",
            "approved_on", "planned_end", "status", "accepted_on", "stopped_on")
DATE_COLS = ("approved_on", "planned_end", "finished_on", "accepted_on", "stopped_on")


# -- vocabulary of real sheets -----------------------------------------------------------------
@dataclass(frozen=True)
class Province:
    name: str                    # canonical name (kceval.geo)
    kind: str                    # "TỈNH" or "THÀNH PHỐ" in "ỦY BAN NHÂN DÂN TỈNH ..."
    spellings: tuple[str, ...]   # as written in a province column or title; [0] is the canonical name
    place: str                   # the place of the signing line ("Đồng Nai, ngày ...")
    abbr: str                    # prefix of project codes
    new_unit: bool = False       # also the name of a post-2025 unit


PROVINCES: dict[str, Province] = {p.name: p for p in (
    Province("Đồng Nai", "TỈNH", ("Đồng Nai", "tỉnh Đồng Nai"), "Đồng Nai", "ĐN", True),
    Province("Long An", "TỈNH", ("Long An",), "Long An", "LA"),
    Province("Tây Ninh", "TỈNH", ("Tây Ninh",), "Tây Ninh", "TN", True),
    Province("Bến Tre", "TỈNH", ("Bến Tre",), "Bến Tre", "BT"),
    Province("Tiền Giang", "TỈNH", ("Tiền Giang",), "Tiền Giang", "TG"),
    Province("Cần Thơ", "THÀNH PHỐ", ("Cần Thơ", "TP. Cần Thơ"), "Cần Thơ", "CT", True),
    Province("Vĩnh Long", "TỈNH", ("Vĩnh Long",), "Vĩnh Long", "VL", True),
    Province("Trà Vinh", "TỈNH", ("Trà Vinh",), "Trà Vinh", "TV"),
    Province("Sóc Trăng", "TỈNH", ("Sóc Trăng",), "Sóc Trăng", "ST"),
    Province("Hậu Giang", "TỈNH", ("Hậu Giang",), "Hậu Giang", "HG"),
    Province("An Giang", "TỈNH", ("An Giang",), "An Giang", "AG", True),
    Province("Kiên Giang", "TỈNH", ("Kiên Giang",), "Kiên Giang", "KG"),
    Province("Bạc Liêu", "TỈNH", ("Bạc Liêu",), "Bạc Liêu", "BL"),
    Province("Cà Mau", "TỈNH", ("Cà Mau",), "Cà Mau", "CM", True),
    Province("Đồng Tháp", "TỈNH", ("Đồng Tháp",), "Đồng Tháp", "ĐT", True),
    Province("Bình Dương", "TỈNH", ("Bình Dương",), "Bình Dương", "BD"),
    Province("Bình Phước", "TỈNH", ("Bình Phước",), "Bình Phước", "BP"),
    Province("Bà Rịa – Vũng Tàu", "TỈNH", ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu", "BR-VT"), "Bà Rịa - Vũng Tàu",
             "BV"),
    Province("TP. Hồ Chí Minh", "THÀNH PHỐ", ("TP. Hồ Chí Minh", "TP. HCM", "Thành phố Hồ Chí Minh"),
             "TP. Hồ Chí Minh", "HCM", True),
    Province("Thừa Thiên Huế", "TỈNH", ("Thừa Thiên Huế", "Thừa Thiên - Huế"), "Huế", "TTH"),
    Province("Khánh Hòa", "TỈNH", ("Khánh Hòa",), "Nha Trang", "KH", True),
    Province("Lâm Đồng", "TỈNH", ("Lâm Đồng",), "Đà Lạt", "LĐ", True),
)}
COMMUNES = ("Xã Tân Hiệp", "Xã An Phước", "Xã Phú Hội", "Phường 3", "Thị trấn Trảng Bom", "Xã Long Hưng",
            "Xã Mỹ Xuân", "Xã Bình Thạnh", "Phường Tân Mai", "Xã Hiệp Phước")
IMPLEMENTERS = ("Trung tâm Khuyến công", "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp",
                "Phòng Kinh tế huyện", "Trung tâm KC&TVPTCN")
ESTABLISHMENTS = ("Cơ sở Minh Phát", "Công ty TNHH Sản xuất, Thương mại An Bình", "HTX Tân Tiến", "DNTN Hoàng Long",
                  'Cơ sở bánh tráng "Ba Nhi"', "Công ty CP Cơ khí Việt Nhật", "Cơ sở mộc Thành Đạt",
                  "HTX mây tre đan Phú Hội", "Công ty TNHH Thực phẩm Sao Mai", "Cơ sở nước mắm Hương Quê",
                  "Cơ sở cơ khí Hai Lúa", "Công ty TNHH Gốm Sứ Minh Long")
MACHINES = ("sấy nông sản", "ép viên nén mùn cưa", "đóng gói tự động", "cắt CNC", "xay xát gạo", "dệt chiếu",
            "chế biến hạt điều", "sản xuất nước đá tinh khiết", "in bao bì", "tiện, phay, bào")
CRAFTS = ("mây tre đan", "dệt thổ cẩm", "làm bánh tráng", "thêu tay", "đan lục bình", "hàn, tiện cơ khí",
          "chế biến thủy sản")
DECORATIONS = (", giai đoạn 2", " (đợt 2)", ' "mẫu mới"', "\n(chuyển tiếp từ năm trước)", " <b>trọng điểm</b>",
               " & bao bì", " - năm thứ hai", "; đợt 3", " 'thí điểm'")
NOTES = ("Đã tạm ứng 50%", "Chuyển tiếp từ năm trước", "Chờ quyết toán", "Đề án điểm cấp tỉnh", "")
STOP_REASONS = ("DN không đủ vốn đối ứng", "cơ sở không còn nhu cầu", "thay đổi địa điểm sản xuất")

# activity code -> (words in an activity column, section heading, (min, max) support in million VND,
# (min, max) beneficiaries, title templates)
ACTIVITIES: dict[str, tuple[tuple[str, ...], str, tuple[int, int], tuple[int, int], tuple[str, ...]]] = {
    "machinery": (("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến", "Máy móc thiết bị", "Hỗ trợ máy móc thiết bị"),
                  "HỖ TRỢ ỨNG DỤNG MÁY MÓC THIẾT BỊ", (50, 300), (1, 3),
                  ("Hỗ trợ ứng dụng máy {machine} tại {est}", "Hỗ trợ máy {machine} cho {est}")),
    "training": (("Đào tạo nghề, truyền nghề", "Đào tạo nghề", "Đào tạo"), "ĐÀO TẠO NGHỀ, TRUYỀN NGHỀ", (30, 150),
                 (1, 30), ("Đào tạo nghề {craft} tại {commune}", "Truyền nghề {craft} cho lao động {commune}")),
    "fair": (("Hội chợ, triển lãm", "Hội chợ", "Hội chợ triển lãm"), "HỘI CHỢ, TRIỂN LÃM", (50, 400), (5, 40),
             ("Tham gia hội chợ hàng công nghiệp nông thôn tiêu biểu khu vực {k}",
              "Tổ chức hội chợ hàng CNNT tại {commune}")),
    "brand": (("Xây dựng, đăng ký thương hiệu", "Thương hiệu", "Xây dựng thương hiệu"),
              "XÂY DỰNG, ĐĂNG KÝ THƯƠNG HIỆU", (20, 35), (1, 5),
              ("Hỗ trợ xây dựng, đăng ký thương hiệu cho {est}",)),
    "demonstration": (("Mô hình trình diễn kỹ thuật", "Mô hình trình diễn", "Xây dựng mô hình trình diễn"),
                      "XÂY DỰNG MÔ HÌNH TRÌNH DIỄN KỸ THUẬT", (200, 900), (1, 1),
                      ("Xây dựng mô hình trình diễn kỹ thuật {machine} tại {est}",)),
    "consulting": (("Tư vấn", "Tư vấn", "Tư vấn"), "TƯ VẤN", (20, 70), (1, 5),
                   ("Tư vấn lập dự án đầu tư cho {est}", "Tư vấn marketing, quản lý tài chính cho {est}")),
    "communication": (("Thông tin tuyên truyền", "Tuyên truyền", "Thông tin tuyên truyền"), "THÔNG TIN TUYÊN TRUYỀN",
                      (30, 200), (1, 10),
                      ("Xây dựng chuyên mục khuyến công trên sóng truyền hình số {k}",
                       "Xuất bản bản tin khuyến công số {k}")),
    "cleaner_production": (("Sản xuất sạch hơn", "Sản xuất sạch hơn", "SXSH"), "SẢN XUẤT SẠCH HƠN", (50, 300),
                           (1, 3), ("Đánh giá sản xuất sạch hơn tại {est}",)),
    "product_award": (("Bình chọn sản phẩm CNNT tiêu biểu", "Bình chọn sản phẩm", "Bình chọn sản phẩm CNNT tiêu biểu"),
                      "BÌNH CHỌN SẢN PHẨM CÔNG NGHIỆP NÔNG THÔN TIÊU BIỂU", (50, 200), (5, 30),
                      ("Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh lần {k}",)),
    "capacity": (("Nâng cao năng lực quản lý, khởi sự doanh nghiệp", "Nâng cao năng lực quản lý",
                  "Khởi sự doanh nghiệp"),
                 "NÂNG CAO NĂNG LỰC QUẢN LÝ", (20, 100), (5, 30),
                 ("Tập huấn nâng cao năng lực quản lý cho cơ sở CNNT khóa {k}",)),
    "linkage": (("Liên doanh, liên kết, hiệp hội, cụm liên kết", "Liên kết", "Hiệp hội"), "LIÊN KẾT, HIỆP HỘI",
                (70, 150), (3, 15), ("Hỗ trợ thành lập hiệp hội ngành nghề {craft}",)),
    "industrial_cluster": (("Cụm công nghiệp", "Cụm công nghiệp", "Cụm công nghiệp"), "CỤM CÔNG NGHIỆP", (200, 900),
                           (1, 1), ("Hỗ trợ lập quy hoạch chi tiết cụm công nghiệp {commune}",)),
}
ACTIVITY_WEIGHTS = {"machinery": 6, "training": 3, "fair": 3, "brand": 3, "demonstration": 1, "consulting": 2,
                    "communication": 2, "cleaner_production": 1, "product_award": 1, "capacity": 1, "linkage": 1,
                    "industrial_cluster": 1}
SOURCE_WORDS = {"national": ("KCQG", "Quốc gia", "Khuyến công quốc gia"),
                "local": ("KCĐP", "Địa phương", "Khuyến công địa phương")}
SOURCE_SECTIONS = {"national": ("KHUYẾN CÔNG QUỐC GIA", "Kinh phí khuyến công quốc gia (KCQG)",
                                "NGUỒN KINH PHÍ KHUYẾN CÔNG QUỐC GIA"),
                   "local": ("KHUYẾN CÔNG ĐỊA PHƯƠNG", "Kinh phí khuyến công địa phương (KCĐP)",
                             "NGUỒN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG")}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV")
LETTERS = "ABCDEFGHIJKLMN"
QUARTER_ROMAN = ("I", "II", "III", "IV")


# -- the layout ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Layout:
    """How one report file looks. :meth:`normalised` resolves combinations a real file cannot have.

    fmt: xlsx | xls | ods | txt (Excel "Unicode Text": UTF-16 LE + BOM, tabs) | csv.
    encoding (csv): utf-8 | utf-8-sig | cp1258 | cp1252 (text ASCII-folded). delimiter (csv): "," ";" "\\t".
    workbook: single | by_source (sheets "KCQG", "KCĐP") | regional ("Tổng hợp" + one sheet per province).
    extra_sheets: "empty" and/or "hidden" (a hidden draft copy that must not be imported).
    plan_sheet: a "Kế hoạch" sheet with the plan per source (gives ``plans``).
    title_block: official (Mẫu 2: UBND / SỞ CÔNG THƯƠNG | Quốc hiệu, Số, signing date, title, unit) | short | none.
    period: h1 | 9m | year (in the title). as_of_from: title | header ("Giải ngân đến 30/6/2020") | hint.
    year_from, province_from (title | column | hint | sheets), source_from (sections | column | money |
    sheets | title | hint): where the file states them; ``hint`` = a read_dataset argument.
    spelling: index into the province's spellings. post2025: "UBND TỈNH X" and "X (mới)" in a province column.
    sections: none | source (I, II) | activity (A, B) | source_activity (A/B sources, I/II activities).
    header_rows: 1 | 2 | 3 (3 = "Kinh phí" / "Tổng số | Trong đó" / "KCQG | KCĐP").
    formulas: subtotals and totals as formulas with cached values (xlsx, numeric cells only).
    round_totals: typed totals rounded to whole units (within rounding, not an error).
    signature_gap: blank rows between the table and the signature block (None: no block).
    unit: dong | nghin | trieu | ty; unit_from: title ("Đơn vị tính: ...") | header ("(triệu đồng)") | hint.
    unit_words: some support cells carry their own unit ("1,25 tỷ", "150 triệu", "1.250.000.000 đ").
    numbers: cells (numeric cells) | text (Vietnamese text "1.234,5") | mixed. dash: "-" | "–" | "0" for nothing.
    money: split ("Tổng số | KCQG | KCĐP | Đối ứng") | flat (one support column).
    dates: styles cycled over rows (cell | serial | dmy "15/3/2020" | dmy0 "15/03/2020" | dmy2 "15/03/20" |
    words "ngày 15 tháng 3 năm 2020"). deadline: date | month ("tháng 9/2020") | quarter ("Quý III/2020").
    beneficiaries: count ("Số cơ sở thụ hưởng") | names ("Đơn vị thụ hưởng", names separated by ";").
    vocab: 0 | 1 | 2, the header wording. extra_columns: code ("Mã đề án"), place ("Địa bàn": a commune),
    implementer ("Đơn vị thực hiện"), notes ("Ghi chú").
    """

    fmt: str = "xlsx"
    encoding: str = "utf-8"
    delimiter: str = ","
    workbook: str = "single"
    extra_sheets: tuple[str, ...] = ()
    plan_sheet: bool = False
    title_block: str = "official"
    multiline_title: bool = False
    period: str = "h1"
    as_of_from: str = "title"
    year_from: str = "title"
    province_from: str = "title"
    spelling: int = 0
    post2025: bool = False
    source_from: str = "sections"
    single_source: str = "local"
    sections: str = "source"
    header_rows: int = 2
    column_numbers: bool = True
    subtotals: bool = True
    total_row: bool = True
    formulas: bool = True
    round_totals: bool = False
    notes_row: bool = True
    signature_gap: int | None = 1
    unit: str = "trieu"
    unit_from: str = "title"
    unit_words: bool = False
    numbers: str = "cells"
    dash: str = "-"
    money: str = "split"
    counterpart: bool = True
    executed: bool = True
    dates: tuple[str, ...] = ("cell",)
    deadline: str = "date"
    beneficiaries: str = "count"
    vocab: int = 0
    extra_columns: tuple[str, ...] = ()

    @property
    def ext(self) -> str:
        return self.fmt

    @property
    def text(self) -> bool:
        return self.fmt in ("csv", "txt")

    @property
    def levels(self) -> tuple[str, ...]:
        return {"none": (), "source": ("source",), "activity": ("activity",),
                "source_activity": ("source", "activity")}[self.sections]

    @property
    def vi_text_numbers(self) -> bool:
        """Whether money may be written as Vietnamese text (so a column must show its convention)."""
        return self.text or self.numbers != "cells" or self.unit_words

    @property
    def single_source_of(self) -> str | None:
        return self.single_source if self.source_from in ("title", "hint") else None

    def normalised(self) -> Layout:
        """The nearest layout a real file can have (e.g. no formulas in CSV, no hidden sheet in text)."""
        c = {f.name: getattr(self, f.name) for f in fields(self)}
        if c["fmt"] == "txt":
            c["encoding"], c["delimiter"] = "utf-16", "\t"
        elif c["fmt"] != "csv":
            c["encoding"], c["delimiter"] = "", ""
        if c["fmt"] in ("csv", "txt"):
            c["workbook"], c["extra_sheets"], c["plan_sheet"] = "single", (), False
            c["dates"] = tuple(dict.fromkeys("dmy0" if d in ("cell", "serial") else d for d in c["dates"]))
        if c["encoding"] == "cp1252":
            c["unit_words"] = False
        if c["fmt"] != "xlsx" or c["numbers"] != "cells" or c["unit_words"]:
            c["formulas"] = False
        if c["formulas"]:
            c["round_totals"] = False
        if not c["total_row"] and not c["subtotals"]:
            c["round_totals"] = False
        if c["header_rows"] == 3:
            c["money"] = "split"
        if c["workbook"] == "regional":
            c["province_from"], c["title_block"], c["plan_sheet"], c["post2025"] = "sheets", "short", False, False
        elif c["province_from"] == "sheets":
            c["province_from"] = "title"
        if c["post2025"]:
            c["province_from"] = "column"
            if c["title_block"] == "none":
                c["title_block"] = "short"
        if c["workbook"] == "by_source":
            c["source_from"] = "sheets"
        elif c["source_from"] == "sheets":
            c["source_from"] = "sections"
        if c["title_block"] == "none":
            if c["unit_from"] == "title":
                c["unit_from"] = "header"
            if c["as_of_from"] == "title":
                c["as_of_from"] = "header" if c["executed"] else "hint"
            if c["year_from"] == "title":
                c["year_from"] = "hint"
            if c["province_from"] == "title":
                c["province_from"] = "hint"
            if c["source_from"] == "title":
                c["source_from"] = "hint"
        if c["as_of_from"] == "header" and not c["executed"]:
            c["as_of_from"] = "title" if c["title_block"] != "none" else "hint"
        if c["year_from"] == "hint" and c["as_of_from"] == "title":
            c["year_from"] = "title"
        if c["source_from"] == "money":
            c["money"] = "split"
        drop_source = {"none": "none", "source": "none", "activity": "activity", "source_activity": "activity"}
        add_source = {"none": "source", "source": "source", "activity": "source_activity",
                      "source_activity": "source_activity"}
        if c["source_from"] in ("title", "hint", "sheets"):
            c["sections"] = drop_source[c["sections"]]
        elif c["source_from"] == "sections":
            c["sections"] = add_source[c["sections"]]
        if c["sections"] == "none":
            c["subtotals"] = False
        c["extra_sheets"] = tuple(x for x in ("empty", "hidden") if x in c["extra_sheets"])
        c["extra_columns"] = tuple(x for x in EXTRA_COLUMNS if x in c["extra_columns"])
        c["dates"] = tuple(c["dates"]) or ("dmy0",)
        c["vocab"] = c["vocab"] % 3
        return Layout(**c)


# -- random choices from numpy or hypothesis -------------------------------------------------------
class Rnd:
    """Choices from a seeded numpy Generator, an int seed, or hypothesis's ``draw`` (so examples shrink)."""

    def __init__(self, source: Any):
        if isinstance(source, Rnd):
            source = source._g if source._g is not None else source._draw
        if isinstance(source, (int, np.integer)):
            source = np.random.default_rng(int(source))
        self._g = source if isinstance(source, np.random.Generator) else None
        self._draw = None if self._g is not None else source

    def int(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi]."""
        if hi <= lo:
            return lo
        if self._g is not None:
            return int(self._g.integers(lo, hi + 1))
        from hypothesis import strategies as st

        return int(self._draw(st.integers(lo, hi)))

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[self.int(0, len(seq) - 1)]

    def coin(self, p: float) -> bool:
        return self.int(0, 99) < round(p * 100)

    def weighted(self, weights: dict[str, int]) -> str:
        keys = [k for k, w in weights.items() for _ in range(w)]
        return self.pick(keys)


# -- canonical tables --------------------------------------------------------------------------------
@dataclass
class Canonical:
    """Canonical tables plus the report's cut-off date (as-of) and plan year."""

    projects: pd.DataFrame
    events: pd.DataFrame
    payments: pd.DataFrame
    plans: pd.DataFrame
    as_of: pd.Timestamp
    year: int
    provinces: tuple[str, ...] = ()  # the provinces reported on, in order (also when there is no project)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {"plans": self.plans, "projects": self.projects, "events": self.events, "payments": self.payments}


def period_end(year: int, period: str) -> pd.Timestamp:
    return pd.Timestamp({"h1": dt.date(year, 6, 30), "9m": dt.date(year, 9, 30), "year": dt.date(year, 12, 31)}[period])


def _month_end(d: dt.date) -> dt.date:
    return (pd.Timestamp(d) + pd.offsets.MonthEnd(0)).date()


def _quarter_end(d: dt.date) -> dt.date:
    return _month_end(dt.date(d.year, 3 * ((d.month - 1) // 3) + 3, 1))


def frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A canonical table with canonical dtypes from a list of row dicts."""
    cols = {"projects": PROJECT_COLUMNS, "events": ("project_id", "date", "kind", "new_planned_end",
                                                     "new_support_vnd", "note"),
            "payments": ("project_id", "date", "amount_vnd"),
            "plans": ("year", "province", "source", "approved_vnd", "revised_vnd")}[table]
    df = pd.DataFrame(rows, columns=list(cols))
    for c in df.columns:
        if c in DATE_COLS or c in ("date", "new_planned_end"):
            df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
        elif c in ("counterpart_vnd", "output_count", "new_support_vnd", "revised_vnd"):
            df[c] = pd.array([None if pd.isna(v) else int(v) for v in df[c]], dtype="Int64")
        elif c in ("year", "beneficiaries", "support_vnd", "amount_vnd", "approved_vnd"):
            df[c] = df[c].astype("int64")
        elif c in ("pilot", "group"):
            df[c] = df[c].astype(bool)
        else:
            df[c] = df[c].astype(object)
    return df


def money_step(unit: str) -> int:
    """The smallest amount step (VND) money is drawn in, so that it is exact in ``unit`` (≤ 3 decimals)."""
    return {"dong": 1000, "nghin": 1000, "trieu": 10_000, "ty": 1_000_000}[unit]


def random_tables(rnd: Any, n_projects: int, year: int, province: str | Sequence[str], layout: Layout | None = None,
                  *, as_of: Any = None, statuses: Sequence[str] = STATUSES) -> Canonical:
    """Canonical tables of ``n_projects`` projects of ``province`` (or several, round robin) in plan ``year``.

    ``rnd`` is a numpy Generator, an int seed or hypothesis's ``draw``. The layout says what the file
    can state (money unit and its precision, month/quarter deadlines, one source only, an executed
    column, a counterpart column, names of beneficiaries), so the tables are exactly what a file in
    that layout can carry. ``as_of`` defaults to the end of the layout's period.
    """
    r = Rnd(rnd)
    lay = (layout or Layout()).normalised()
    provs = [province] if isinstance(province, str) else list(province)
    cut = pd.Timestamp(as_of) if as_of is not None else period_end(year, lay.period)
    asof = cut.date()
    step = money_step(lay.unit)
    fine = {"dong": (0, 0, 137_000, 500_000), "nghin": (0, 0, 500_000, 250_000),
            "trieu": (0, 0, 0, 500_000, 250_000, 50_000), "ty": (0,)}[lay.unit]
    year_end = dt.date(year, 12, 31)
    last_approval = min(asof - dt.timedelta(days=30), dt.date(year, 11, 30))
    projects, events, payments, titles = [], [], [], set()
    for i in range(n_projects):
        prov = provs[i % len(provs)]
        src = lay.single_source_of or r.pick(SOURCES)
        act = r.weighted(ACTIVITY_WEIGHTS)
        words, _, (lo, hi), (blo, bhi), templates = ACTIVITIES[act]
        title = r.pick(templates).format(machine=r.pick(MACHINES), est=r.pick(ESTABLISHMENTS), craft=r.pick(CRAFTS),
                                         commune=r.pick(COMMUNES).replace("Xã ", "xã "), k=r.int(1, 9))
        if r.coin(0.25):
            title += r.pick(DECORATIONS)
        base, k = title, 2
        while title in titles:
            title, k = f"{base} (lần {k})", k + 1
        titles.add(title)
        ben = r.int(blo, min(bhi, 4) if lay.beneficiaries == "names" else bhi)
        support = r.int(lo, hi) * 1_000_000 + r.pick(fine)
        counterpart: int | None = None
        if lay.counterpart:
            counterpart = 0 if r.coin(0.25) or act in ("communication", "product_award") else \
                (support * r.int(30, 200) // 100) // step * step
        first_day = dt.date(year, 1, 10)
        approved = first_day + dt.timedelta(days=r.int(0, max(0, (last_approval - first_day).days)))
        end = min(approved + dt.timedelta(days=r.int(45, 240)), year_end)
        end = {"date": end, "month": _month_end(end), "quarter": _quarter_end(end)}[lay.deadline]
        status = r.pick(statuses)
        accepted_on = stopped_on = None
        pid = f"{PROVINCES[prov].abbr if prov in PROVINCES else 'KC'}-{year % 100:02d}-{i + 1:02d}"
        if status == "accepted" and r.coin(0.6) and (asof - approved).days > 30:
            accepted_on = approved + dt.timedelta(days=r.int(30, (asof - approved).days))
        elif status == "stopped":
            if r.coin(0.5) and (asof - approved).days > 10:
                stopped_on = approved + dt.timedelta(days=r.int(10, (asof - approved).days))
                note = f"QĐ số {r.int(100, 999)}/QĐ-SCT ngày {stopped_on.day}/{stopped_on.month}/{stopped_on.year}"
                events.append({"project_id": pid, "date": stopped_on, "kind": "stop", "new_planned_end": None,
                               "new_support_vnd": None, "note": note})
            else:
                events.append({"project_id": pid, "date": asof, "kind": "stop", "new_planned_end": None,
                               "new_support_vnd": None, "note": r.pick(STOP_REASONS)})
        elif status == "in_progress":
            kind = r.pick(("none", "none", "none", "extension", "extension", "adjustment"))
            if kind == "extension":
                new_end = _month_end(pd.Timestamp(end) + pd.DateOffset(months=r.int(1, 4)))
                new_end = min(new_end, dt.date(2026, 12, 31))
                if new_end > end:
                    events.append({"project_id": pid, "date": asof, "kind": "extension", "new_planned_end": new_end,
                                   "new_support_vnd": None, "note": None})
            elif kind == "adjustment":
                events.append({"project_id": pid, "date": asof, "kind": "adjustment", "new_planned_end": None,
                               "new_support_vnd": None,
                               "note": r.pick(("Điều chỉnh nội dung", "Điều chỉnh quy mô",
                                               "Điều chỉnh nội dung, quy mô"))})
        if lay.executed:
            pct = {"approved": 0, "in_progress": r.pick((0, r.int(30, 70))), "finished": r.int(70, 100),
                   "accepted": r.pick((100, 100, r.int(85, 99))), "stopped": r.pick((0, 0, r.int(10, 50))),
                   "suspended": r.pick((0, r.int(20, 50))), "unreported": r.int(0, 100)}[status]
            amount = support if pct == 100 else support * pct // 100 // step * step
            if amount > 0:
                payments.append({"project_id": pid, "date": asof, "amount_vnd": amount})
        projects.append({"project_id": pid, "year": year, "province": prov, "source": src, "activity": act,
                         "title": title, "beneficiaries": ben, "pilot": False, "group": False, "support_vnd": support,
                         "counterpart_vnd": counterpart, "approved_on": approved, "planned_end": end,
                         "status": status, "finished_on": None, "accepted_on": accepted_on,
                         "stopped_on": stopped_on, "output_count": None,
                         "note": (r.pick(NOTES) or None) if "notes" in lay.extra_columns else None})
    if lay.vi_text_numbers:
        show_convention(projects, payments, lay)
    plans = []
    if lay.plan_sheet:
        for prov in provs:
            for src in SOURCES:
                s = sum(p["support_vnd"] for p in projects if p["province"] == prov and p["source"] == src)
                approved_plan = (s // 100_000_000 + 1) * 100_000_000 + 100_000_000 * r.int(0, 3)
                revised = approved_plan - 100_000_000 if r.coin(0.5) and approved_plan - 100_000_000 >= s else None
                plans.append({"year": year, "province": prov, "source": src, "approved_vnd": approved_plan,
                              "revised_vnd": revised})
    return Canonical(frame("projects", projects), frame("events", events), frame("payments", payments),
                     frame("plans", plans), cut, year, tuple(provs))


def _vi_one_group(vnd: int, unit: str) -> tuple[bool, bool]:
    """(ambiguous, evidence) of an amount written as Vietnamese text in ``unit``: "1.250" is either reading."""
    s = vi_number(Decimal(vnd) / UNIT_VND[unit])
    ambiguous = s.count(".") == 1 and "," not in s and len(s.split(".")[1]) == 3
    evidence = "," in s or s.count(".") >= 2
    return ambiguous, evidence


def show_convention(projects: list[dict[str, Any]], payments: list[dict[str, Any]], lay: Layout) -> None:
    """Make every money column that holds an ambiguous "1.250" also hold a value only the Vietnamese
    convention reads (a decimal comma, or two thousands dots), as real sheets do ("1.000" beside "32,5")."""
    unit, half = lay.unit, UNIT_VND[lay.unit] // 2
    pay = {p["project_id"]: p for p in payments}
    groups: list[list[tuple[dict[str, Any], str]]] = [[(p, "support_vnd") for p in projects]]
    if lay.money == "split":
        groups += [[(p, "support_vnd") for p in projects if p["source"] == s] for s in SOURCES]
    groups.append([(p, "counterpart_vnd") for p in projects if p["counterpart_vnd"]])
    groups.append([(p, "amount_vnd") for p in payments])
    for g in groups:
        flags = [_vi_one_group(row[k], unit) for row, k in g]
        if any(a for a, _ in flags) and not any(e for _, e in flags):
            row, k = next((row, k) for (row, k), (a, _) in zip(g, flags) if a)
            if k == "amount_vnd":
                row[k] -= half
            else:
                row[k] += half
                p = pay.get(row["project_id"])
                if k == "support_vnd" and p is not None and p["amount_vnd"] == row[k] - half:
                    p["amount_vnd"] = row[k]


# -- numbers, dates, text as people type them ---------------------------------------------------------
def vi_number(d: Decimal | int | float, group: bool = True) -> str:
    """Vietnamese number text: thousands dot, decimal comma ("1.234,5")."""
    d = Decimal(str(d)) if isinstance(d, float) else Decimal(d)
    sign = "-" if d < 0 else ""
    s = format(abs(d).normalize(), "f")
    ip, _, fp = s.partition(".")
    if group:
        ip = f"{int(ip):,}".replace(",", ".")
    return sign + ip + ("," + fp if fp else "")


def in_unit(vnd: int, unit: str) -> Decimal:
    return (Decimal(int(vnd)) / UNIT_VND[unit]).normalize()


def excel_serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days


def ascii_fold(text: str) -> str:
    """Vietnamese text without diacritics (what survives a save in Windows-1252)."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("–", "-").replace("“", '"').replace("”", '"')
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: a letter the code page has precomposed, else its base (with any mark the code
    page composes, e.g. ô, ơ, ư, ă) followed by combining tone marks; decode with cp1258 then NFC."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], list(decomposed[1:])
        changed = True
        while changed:
            changed = False
            for m in marks:
                comp = unicodedata.normalize("NFC", base + m)
                if len(comp) == 1:
                    try:
                        comp.encode("cp1258")
                    except UnicodeEncodeError:
                        continue
                    base, changed = comp, True
                    marks.remove(m)
                    break
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        s = chr(65 + rem) + s
    return s


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


@dataclass(frozen=True)
class Serial:
    """A date typed as an Excel serial number in a numeric cell."""

    date: dt.date

    @property
    def value(self) -> int:
        return excel_serial(self.date)


@dataclass(frozen=True)
class Formula:
    """A formula with its cached value (in the sheet's unit)."""

    formula: str
    value: Decimal


# -- the sheets ----------------------------------------------------------------------------------------
@dataclass
class Sheet:
    """Cells of one sheet before they are written, and where things are in it."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based inclusive r0, c0, r1, c1
    hidden: bool = False
    role: str = "projects"               # projects | summary | plans | empty | draft
    marks: dict[str, int] = field(default_factory=dict)   # "project:<id>", "total", "subtotal:I", ... -> row
    cols: dict[str, int] = field(default_factory=dict)    # field -> column index
    headers: dict[str, str] = field(default_factory=dict)  # field -> header text, parents joined by " / "
    user_rows: list[int] = field(default_factory=list)    # row index -> row number the user sees

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def add(self, cells: dict[int, Any] | None = None, width: int = 0) -> int:
        row = [None] * width
        for j, v in (cells or {}).items():
            row[j] = v
        self.rows.append(row)
        return len(self.rows) - 1


@dataclass
class Col:
    field: str
    path: tuple[str, ...]


@dataclass
class Report:
    """A written report file: the hints to pass, the canonical tables it must give back, and its sheets."""

    path: Path
    hints: dict[str, Any]
    expected: Canonical
    as_of_from: str
    sheets: list[Sheet]
    layout: Layout

    def sheet(self, name: str | None = None) -> Sheet:
        if name is None:
            return next(s for s in self.sheets if s.role == "projects" and not s.hidden)
        return next(s for s in self.sheets if s.name == name)

    def sheet_name(self, sheet: Sheet) -> str | None:
        return None if self.layout.text else sheet.name

    def row(self, key: str, sheet: str | None = None) -> int:
        """The row number the user sees (spreadsheet row, or the text line the record starts on)."""
        s = self.sheet(sheet)
        return s.user_rows[s.marks[key]]

    def column(self, fld: str, sheet: str | None = None) -> tuple[str, str]:
        """(header text with parents joined by " / ", column letter) of a field."""
        s = self.sheet(sheet)
        return s.headers[fld], col_letter(s.cols[fld])


class _Writer:
    """Builds the sheets of one report from canonical tables and a layout."""

    def __init__(self, canon: Canonical, lay: Layout):
        self.c, self.lay = canon, lay
        self.as_of = canon.as_of.date()
        self.year = canon.year
        self.events = {}
        for e in canon.events.itertuples(index=False):
            self.events.setdefault(e.project_id, []).append(e)
        self.paid = dict(zip(canon.payments["project_id"], canon.payments["amount_vnd"]))
        self.v = lay.vocab

    # -- words -------------------------------------------------------------------------------------
    def period_text(self) -> str:
        return {"h1": f"6 THÁNG ĐẦU NĂM {self.year}", "9m": f"9 THÁNG NĂM {self.year}",
                "year": f"NĂM {self.year}"}[self.lay.period]

    def title_text(self, province: str | None) -> str:
        lay = self.lay
        src = {"national": " QUỐC GIA", "local": " ĐỊA PHƯƠNG"}[lay.single_source] if lay.source_from == "title" else ""
        if lay.as_of_from == "title":
            t = f"BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG{src} {self.period_text()}"
        elif lay.year_from == "title":
            t = f"TÌNH HÌNH THỰC HIỆN KẾ HOẠCH KHUYẾN CÔNG{src} {self.year}"
        else:
            t = f"DANH SÁCH ĐỀ ÁN KHUYẾN CÔNG{src}"
        if lay.title_block == "short" and province and self.names_province():
            t += f" {self.province_upper(province)}"
        if lay.multiline_title and lay.title_block == "official":
            t = "BÁO CÁO\n" + t.removeprefix("BÁO CÁO ")
        return t

    def names_province(self) -> bool:
        return self.lay.province_from == "title" or self.lay.post2025

    def province_written(self, province: str) -> str:
        p = PROVINCES[province]
        name = p.spellings[self.lay.spelling % len(p.spellings)]
        return f"{province} (mới)" if self.lay.post2025 else name

    def province_upper(self, province: str) -> str:
        """"TỈNH ĐỒNG NAI", "THÀNH PHỐ HỒ CHÍ MINH": an abbreviation (HCM, BR-VT) is spelt out in titles."""
        p = PROVINCES[province]
        name = p.spellings[self.lay.spelling % len(p.spellings)]
        for prefix in ("TP. ", "Thành phố ", "tỉnh "):
            name = name.removeprefix(prefix)
        if not any(ch.islower() for ch in name):
            name = p.spellings[0].removeprefix("TP. ")
        return f"{p.kind} {name.upper()}"

    def unit_line(self) -> str:
        return ("Đơn vị tính: ", "ĐVT: ", "Đơn vị tính: ")[self.v] + UNIT_NAME[self.lay.unit]

    def as_of_dmy(self) -> str:
        d = self.as_of
        return f"{d.day}/{d.month}/{d.year}"

    # -- columns -------------------------------------------------------------------------------------
    def columns(self) -> list[Col]:
        lay, v, h = self.lay, self.v, self.lay.header_rows
        uh = f" ({UNIT_NAME[lay.unit]})" if lay.unit_from == "header" else ""
        cols = [Col("stt", (("STT", "TT", "STT")[v],))]
        if "code" in lay.extra_columns:
            cols.append(Col("code", ("Mã đề án",)))
        cols.append(Col("title", (("Tên đề án", "Tên nhiệm vụ, đề án", "Tên đề án khuyến công")[v],)))
        if "activity" not in lay.levels:
            cols.append(Col("activity", (("Nội dung", "Nội dung hỗ trợ", "Lĩnh vực")[v],)))
        if lay.province_from == "column":
            cols.append(Col("province", (("Tỉnh", "Tỉnh, thành phố", "Tỉnh/TP")[v],)))
        if "place" in lay.extra_columns:
            cols.append(Col("place", (("Địa bàn", "Địa bàn thực hiện", "Địa bàn")[v],)))
        if "implementer" in lay.extra_columns:
            cols.append(Col("implementer", ("Đơn vị thực hiện",)))
        cols.append(Col("beneficiaries", ("Số cơ sở thụ hưởng",) if lay.beneficiaries == "count"
                        else ("Đơn vị thụ hưởng",)))
        if lay.source_from == "column":
            cols.append(Col("source", (("Nguồn vốn", "Nguồn KP", "Nguồn kinh phí")[v],)))
        executed = (f"Giải ngân đến {self.as_of_dmy()}" if lay.as_of_from == "header"
                    else ("Đã giải ngân", "Lũy kế giải ngân", "Kinh phí đã giải ngân")[v])
        if h == 1:
            if lay.money == "split":
                cols += [Col("total", ("Tổng kinh phí" + uh,)), Col("national", ("KCQG" + uh,)),
                         Col("local", ("KCĐP" + uh,))]
            else:
                name = ("Kinh phí khuyến công", "Kinh phí hỗ trợ", "Kinh phí KC hỗ trợ")[v]
                cols.append(Col("support", (name + uh,)))
            if lay.counterpart:
                cols.append(Col("counterpart", ("Vốn đối ứng" + uh,)))
            if lay.executed:
                cols.append(Col("executed", (executed + uh,)))
            cols += [Col("approved_on", (("Ngày phê duyệt", "Thời gian phê duyệt", "Ngày phê duyệt")[v],)),
                     Col("planned_end", (("Thời gian hoàn thành", "Thời hạn hoàn thành", "Thời gian hoàn thành")[v],))]
        else:
            parent = ("Kinh phí", "Kinh phí thực hiện", "Kinh phí")[v] + uh
            if lay.money == "split":
                mid = ("Trong đó",) if h == 3 else ()
                cols += [Col("total", (parent, "Tổng số")), Col("national", (parent, *mid, "KCQG")),
                         Col("local", (parent, *mid, "KCĐP"))]
            else:
                cols.append(Col("support", (parent, ("Khuyến công hỗ trợ", "Ngân sách hỗ trợ", "Hỗ trợ")[v])))
            if lay.counterpart:
                cols.append(Col("counterpart", (parent, "Đối ứng")))
            if lay.executed:
                cols.append(Col("executed", (parent, executed)))
            cols += [Col("approved_on", ("Thời gian", "Phê duyệt")), Col("planned_end", ("Thời gian", "Hoàn thành"))]
        cols.append(Col("status", (("Tình hình thực hiện", "Tình trạng", "Tình hình thực hiện")[v],)))
        if "notes" in lay.extra_columns:
            cols.append(Col("notes", ("Ghi chú",)))
        return cols

    # -- cells ------------------------------------------------------------------------------------
    def nothing(self) -> Any:
        d = self.lay.dash
        if d == "0":
            return "0" if self.lay.numbers == "text" else Decimal(0)
        return d

    def money(self, vnd: Any, i: int, worded: bool = False) -> Any:
        if vnd is None or pd.isna(vnd) or int(vnd) == 0:
            return self.nothing()
        vnd = int(vnd)
        if worded and self.lay.unit_words and i % 3 == 1:
            return self.worded(vnd, i)
        d = in_unit(vnd, self.lay.unit)
        if self.lay.numbers == "text" or (self.lay.numbers == "mixed" and i % 2 == 1):
            return vi_number(d)
        return d

    @staticmethod
    def worded(vnd: int, i: int) -> str:
        opts = []
        if vnd % 10**6 == 0:
            opts.append(vi_number(Decimal(vnd) / 10**9) + " tỷ")
        if vnd % 1000 == 0:
            m = vi_number(Decimal(vnd) / 10**6)
            opts += [m + " tr", m + " triệu"]
        opts += [vi_number(vnd) + " đ", vi_number(vnd) + " đồng"]
        return opts[(i // 3) % len(opts)]

    def date(self, d: Any, i: int, deadline: bool = False) -> Any:
        d = pd.Timestamp(d).date()
        if deadline and self.lay.deadline == "month":
            return f"tháng {d.month}/{d.year}"
        if deadline and self.lay.deadline == "quarter":
            q = (d.month - 1) // 3
            return f"Quý {QUARTER_ROMAN[q]}/{d.year}" if i % 2 == 0 else f"quý {q + 1}/{d.year}"
        style = self.lay.dates[i % len(self.lay.dates)]
        return {"cell": d, "serial": Serial(d), "dmy": f"{d.day}/{d.month}/{d.year}", "dmy0": f"{d:%d/%m/%Y}",
                "dmy2": f"{d:%d/%m/%y}", "words": f"ngày {d.day} tháng {d.month} năm {d.year}"}[style]

    def status_text(self, p: Any) -> str:
        ev = self.events.get(p.project_id, [])
        fmt = lambda d: f"{d.day}/{d.month}/{d.year}"  # noqa: E731
        if p.status == "accepted":
            return f"Đã nghiệm thu ngày {fmt(p.accepted_on)}" if pd.notna(p.accepted_on) else "Đã nghiệm thu"
        if p.status == "stopped":
            e = next(e for e in ev if e.kind == "stop")
            return f"Hủy theo {e.note}" if pd.notna(p.stopped_on) else f"Dừng thực hiện ({e.note})"
        if p.status == "in_progress":
            for e in ev:
                if e.kind == "extension":
                    return ("Xin gia hạn đến ", "Gia hạn đến ", "Xin gia hạn đến ")[self.v] + fmt(e.new_planned_end)
                if e.kind == "adjustment":
                    return e.note if isinstance(e.note, str) and e.note else "Điều chỉnh nội dung"
            return "Đang thực hiện"
        return {"approved": "Chưa triển khai", "finished": "Hoàn thành", "suspended": "Tạm dừng",
                "unreported": ""}[p.status]

    def names(self, title: str, n: int) -> str:
        k = _crc(title) % len(ESTABLISHMENTS)
        return "; ".join(ESTABLISHMENTS[(k + j) % len(ESTABLISHMENTS)] for j in range(n))

    def project_cells(self, p: Any, i: int, stt: int, cols: list[Col]) -> dict[int, Any]:
        lay, out = self.lay, {}
        h = _crc(p.title)
        support, src = int(p.support_vnd), p.source
        for j, c in enumerate(cols):
            f = c.field
            if f == "stt":
                v: Any = stt if lay.numbers != "text" else str(stt)
            elif f == "code":
                v = p.project_id
            elif f == "title":
                v = p.title
            elif f == "activity":
                v = ACTIVITIES[p.activity][0][(h >> 3) % 3]
            elif f == "province":
                v = self.province_written(p.province)
            elif f == "place":
                v = COMMUNES[h % len(COMMUNES)]
            elif f == "implementer":
                v = IMPLEMENTERS[(h >> 5) % len(IMPLEMENTERS)]
            elif f == "beneficiaries":
                if lay.beneficiaries == "names":
                    v = self.names(p.title, int(p.beneficiaries))
                else:
                    v = int(p.beneficiaries) if lay.numbers != "text" else str(int(p.beneficiaries))
            elif f == "source":
                v = SOURCE_WORDS[src][self.v]
            elif f in ("total", "support"):
                v = self.money(support, i, worded=True)
            elif f in ("national", "local"):
                v = self.money(support if src == f else 0, i) if src == f else (self.nothing() if i % 2 else None)
            elif f == "counterpart":
                v = self.money(p.counterpart_vnd, i)
            elif f == "executed":
                v = self.money(self.paid.get(p.project_id, 0), i)
            elif f == "approved_on":
                v = self.date(p.approved_on, i)
            elif f == "planned_end":
                v = self.date(p.planned_end, i, deadline=True)
            elif f == "status":
                v = self.status_text(p) or None
            elif f == "notes":
                v = p.note if isinstance(p.note, str) and p.note else None
            else:  # pragma: no cover
                raise AssertionError(f)
            out[j] = v
        return out

    def value_of(self, p: Any, f: str) -> int:
        if f in ("total", "support"):
            return int(p.support_vnd)
        if f in ("national", "local"):
            return int(p.support_vnd) if p.source == f else 0
        if f == "counterpart":
            return 0 if pd.isna(p.counterpart_vnd) else int(p.counterpart_vnd)
        if f == "executed":
            return int(self.paid.get(p.project_id, 0))
        raise AssertionError(f)

    def sum_cell(self, vnd: int, formula: str | None) -> Any:
        d = in_unit(vnd, self.lay.unit)
        if formula is not None and self.lay.formulas:
            return Formula(formula, d)
        if self.lay.round_totals:
            d = d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if vnd == 0:
            return self.nothing()
        return vi_number(d) if self.lay.numbers == "text" else d

    # -- sheets ------------------------------------------------------------------------------------------
    def title_block(self, s: Sheet, n: int, province: str | None, title: str | None = None) -> None:
        lay, rc = self.lay, max(3, n - 4)
        if lay.title_block == "official":
            signing = self.as_of + dt.timedelta(days=8)
            when = f"ngày {signing.day:02d} tháng {signing.month:02d} năm {signing.year}"
            if province and self.names_province():
                ubnd = ("ỦY BAN NHÂN DÂN ", "UBND ")[1 if lay.post2025 else 0] + self.province_upper(province)
                left = (ubnd, "SỞ CÔNG THƯƠNG")
                when = f"{PROVINCES[province].place}, {when}"
            else:
                left = ("SỞ CÔNG THƯƠNG", "TRUNG TÂM KHUYẾN CÔNG")
            for a, b in ((left[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), (left[1], "Độc lập - Tự do - Hạnh phúc"),
                         ("Số: 125/BC-SCT", when)):
                r = s.add({0: a, rc: b}, n)
                s.merges += [(r, 0, r, 2), (r, rc, r, n - 1)]
            s.add({}, n)
        if lay.title_block in ("official", "short"):
            r = s.add({0: title or self.title_text(province)}, n)
            s.merges.append((r, 0, r, n - 1))
            s.marks["title"] = r
            if lay.unit_from == "title":
                r = s.add({rc: self.unit_line()}, n)
                s.merges.append((r, rc, r, n - 1))

    def header(self, s: Sheet, cols: list[Col]) -> None:
        n, h = len(cols), self.lay.header_rows
        first = len(s.rows)
        for _ in range(h):
            s.add({}, n)
        for lvl in range(h):
            j = 0
            while j < n:
                p = cols[j].path
                if lvl >= len(p):
                    j += 1
                    continue
                r = first + lvl
                if lvl == len(p) - 1:
                    s.rows[r][j] = p[lvl]
                    if lvl < h - 1:
                        s.merges.append((r, j, first + h - 1, j))
                    j += 1
                    continue
                k = j
                while k + 1 < n and len(cols[k + 1].path) > lvl + 1 and cols[k + 1].path[:lvl + 1] == p[:lvl + 1]:
                    k += 1
                s.rows[r][j] = p[lvl]
                if k > j:
                    s.merges.append((r, j, r, k))
                j = k + 1
        s.marks["header"], s.marks["header_last"] = first, first + h - 1
        for j, c in enumerate(cols):
            s.cols[c.field] = j
            s.headers[c.field] = " / ".join(c.path)
        if self.lay.column_numbers:
            nums = {}
            for j, c in enumerate(cols):
                nums[j] = f"({j + 1})"
                if c.field == "total":
                    nums[j] = f"({j + 1})=({j + 2})+({j + 3})"
            s.marks["numbers"] = s.add(nums, n)

    def project_sheet(self, name: str, projects: pd.DataFrame, province: str | None,
                      title: str | None = None) -> Sheet:
        lay = self.lay
        cols = self.columns()
        n = len(cols)
        s = Sheet(name)
        self.title_block(s, n, province, title)
        self.header(s, cols)
        money_cols = [(j, c.field) for j, c in enumerate(cols)
                      if c.field in ("total", "support", "national", "local", "counterpart", "executed")]
        stt_j, title_j = s.cols["stt"], s.cols["title"]
        order = {"source": list(SOURCES), "activity": list(ACTIVITIES)}
        projs = projects.copy()
        projs["_i"] = range(len(projs))
        if lay.levels:
            projs = projs.sort_values([*lay.levels, "_i"], key=lambda col: col.map(
                lambda x: order[col.name].index(x)) if col.name in order else col)
        counter = [0]

        def emit(rows: pd.DataFrame) -> list[int]:
            out = []
            for stt, p in enumerate(rows.itertuples(index=False), start=1):
                r = s.add(self.project_cells(p, counter[0], stt, cols), n)
                s.marks[f"project:{p.project_id}"] = r
                counter[0] += 1
                out.append(r)
            return out

        def label(level: int, depth: int, k: int) -> str:
            if len(lay.levels) == 2:
                return LETTERS[k] if depth == 0 else ROMAN[k]
            return ROMAN[k] if lay.levels[0] == "source" else LETTERS[k]

        def heading(lvl: str, key: str) -> str:
            return SOURCE_SECTIONS[key][self.v] if lvl == "source" else ACTIVITIES[key][1]

        subtotals: list[tuple[int, list[int], list[Any]]] = []
        all_rows: list[int] = []
        labels = []
        if not lay.levels:
            all_rows = emit(projs)
        else:
            lvl0 = lay.levels[0]
            for k0, (key0, g0) in enumerate(projs.groupby(lvl0, sort=False)):
                lab = label(0, 0, k0)
                labels.append(lab)
                s.marks[f"section:{lab}"] = s.add({stt_j: lab, title_j: heading(lvl0, key0)}, n)
                if len(lay.levels) == 2:
                    rows = []
                    for k1, (key1, g1) in enumerate(g0.groupby(lay.levels[1], sort=False)):
                        lab1 = label(1, 1, k1)
                        s.marks[f"section:{lab}.{lab1}"] = s.add({stt_j: lab1, title_j: heading(lay.levels[1], key1)},
                                                                 n)
                        rows += emit(g1)
                else:
                    rows = emit(g0)
                all_rows += rows
                if lay.subtotals:
                    text = (f"Cộng {lab}", "Cộng", f"Cộng {lab}")[self.v]
                    r = s.add({title_j: text}, n)
                    s.marks[f"subtotal:{lab}"] = r
                    subtotals.append((r, rows, list(g0.itertuples(index=False))))
        for r, rows, ps in subtotals:
            for j, f in money_cols:
                L = col_letter(j)
                s.rows[r][j] = self.sum_cell(sum(self.value_of(p, f) for p in ps),
                                             f"=SUM({L}{rows[0] + 1}:{L}{rows[-1] + 1})")
        if lay.total_row:
            txt = ("TỔNG CỘNG", "Tổng cộng", "TỔNG CỘNG")[self.v]
            if labels:
                txt += " (" + "+".join(labels) + ")"
            r = s.add({title_j: txt}, n)
            s.marks["total"] = r
            ps = list(projs.itertuples(index=False))
            for j, f in money_cols:
                L = col_letter(j)
                formula = ("=" + "+".join(f"{L}{sr + 1}" for sr, _, _ in subtotals)) if subtotals else \
                    f"=SUM({L}{all_rows[0] + 1}:{L}{all_rows[-1] + 1})" if all_rows else None
                s.rows[r][j] = self.sum_cell(sum(self.value_of(p, f) for p in ps), formula)
        if lay.notes_row:
            note = (f"Ghi chú: Kinh phí KCQG được giao tại Quyết định số 3712/QĐ-BCT ngày 28/12/{self.year - 1} "
                    "của Bộ Công Thương.")
            r = s.add({0: note}, n)
            s.merges.append((r, 0, r, n - 1))
            s.marks["notes"] = r
        if lay.signature_gap is not None:
            for _ in range(lay.signature_gap):
                s.add({}, n)
            rc = max(3, n - 4)
            boss = ("GIÁM ĐỐC", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "GIÁM ĐỐC")[self.v]
            for a, b in (("Người lập biểu", boss), ("(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"), (None, None),
                         ("Nguyễn Văn An", "Trần Thị Bích Ngọc")):
                r = s.add({1: a, rc: b}, n)
                if a is not None:
                    s.merges.append((r, rc, r, n - 1))
                    s.marks.setdefault("signature", r)
        return s

    def summary_sheet(self, groups: list[tuple[str, pd.DataFrame]]) -> Sheet:
        lay, n = self.lay, 4
        s = Sheet("Tổng hợp", role="summary")
        r = s.add({0: f"TỔNG HỢP KẾT QUẢ THỰC HIỆN KHUYẾN CÔNG {self.period_text()} CÁC TỈNH PHÍA NAM"}, n)
        s.merges.append((r, 0, r, n - 1))
        uh = f" ({UNIT_NAME[lay.unit]})" if lay.unit_from == "header" else ""
        if lay.unit_from == "title":
            s.add({2: self.unit_line()}, n)
        s.marks["header"] = s.add({0: "STT", 1: "Tỉnh, thành phố", 2: "Số đề án", 3: "Tổng kinh phí hỗ trợ" + uh}, n)
        total = 0
        for k, (prov, g) in enumerate(groups, start=1):
            vnd = int(g["support_vnd"].sum())
            total += vnd
            s.add({0: k, 1: self.province_written(prov), 2: len(g), 3: self.sum_cell(vnd, None)}, n)
        s.marks["total"] = s.add({1: "Tổng cộng", 2: sum(len(g) for _, g in groups), 3: self.sum_cell(total, None)}, n)
        return s

    def plan_sheet(self, province: str) -> Sheet:
        s = Sheet("Kế hoạch", role="plans")
        n = 4
        r = s.add({0: f"KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG NĂM {self.year} {self.province_upper(province)}"}, n)
        s.merges.append((r, 0, r, n - 1))
        s.add({2: "Đơn vị tính: " + UNIT_NAME[self.lay.unit]}, n)
        s.marks["header"] = s.add({0: "STT", 1: "Nguồn kinh phí", 2: "Kế hoạch được giao",
                                   3: "Kế hoạch điều chỉnh"}, n)
        plans = self.c.plans[self.c.plans["province"] == province]
        for k, p in enumerate(plans.itertuples(index=False), start=1):
            rev = None if pd.isna(p.revised_vnd) else in_unit(int(p.revised_vnd), self.lay.unit)
            s.marks[f"plan:{p.source}"] = s.add({0: k, 1: SOURCE_WORDS[p.source][0],
                                                 2: in_unit(int(p.approved_vnd), self.lay.unit), 3: rev}, n)
        s.marks["total"] = s.add({1: "Tổng cộng", 2: in_unit(int(plans["approved_vnd"].sum()), self.lay.unit)}, n)
        return s

    def sheets(self) -> list[Sheet]:
        lay, pj = self.lay, self.c.projects
        provinces = list(dict.fromkeys([*pj["province"], *self.c.provinces]))
        if lay.workbook == "regional":
            groups = [(p, pj[pj["province"] == p]) for p in provinces if (pj["province"] == p).any()]
            out = [self.summary_sheet(groups)]
            out += [self.project_sheet(PROVINCES[p].spellings[0][:31], g, p) for p, g in groups]
        elif lay.workbook == "by_source":
            out = [self.project_sheet(SOURCE_WORDS[src][0], pj[pj["source"] == src], provinces[0])
                   for src in SOURCES if (pj["source"] == src).any()]
        else:
            out = [self.project_sheet(("Báo cáo", "Sheet1", "Mẫu 2")[self.v], pj, provinces[0])]
        if lay.plan_sheet:
            out.append(self.plan_sheet(provinces[0]))
        if "hidden" in lay.extra_sheets:
            first = out[0] if out[0].role == "projects" else out[1]
            draft = Sheet("Bản nháp", [list(r) for r in first.rows], list(first.merges), hidden=True, role="draft",
                          cols=dict(first.cols), headers=dict(first.headers))
            for r in draft.rows[first.marks.get("header_last", 0) + 1:]:
                for j, v in enumerate(r):  # a stale draft: every amount differs from the report
                    if isinstance(v, Decimal) and v:
                        r[j] = v + 1
                    elif isinstance(v, Formula):
                        r[j] = v.value + 1
            out.insert(1, draft)
        if "empty" in lay.extra_sheets:
            out.append(Sheet(("Sheet3", "Trang tính1", "Sheet2")[self.v], role="empty"))
        return out


def build_sheets(canon: Canonical, layout: Layout) -> list[Sheet]:
    """The sheets of the report (cells, merges, marks) before they are written."""
    lay = layout.normalised()
    check_writable(canon, lay)
    return _Writer(canon, lay).sheets()


def check_writable(canon: Canonical, lay: Layout) -> None:
    """Refuse tables that the layout cannot carry exactly (so the round trip can be exact)."""
    pj = canon.projects
    q = UNIT_VND[lay.unit]
    for col in ("support_vnd", "counterpart_vnd"):
        bad = [int(v) for v in pj[col].dropna() if (int(v) * 1000) % q]
        assert not bad, f"{col} {bad[:3]} not exact in {lay.unit} with 3 decimals"
    assert not [v for v in canon.payments["amount_vnd"] if (int(v) * 1000) % q], "payments not exact in the unit"
    if lay.deadline != "date":
        f = _month_end if lay.deadline == "month" else _quarter_end
        bad = [d for d in pj["planned_end"] if f(d.date()) != d.date()]
        assert not bad, f"planned_end {bad[:3]} is not a {lay.deadline} end"
    if lay.beneficiaries == "names":
        assert (pj["beneficiaries"] <= len(ESTABLISHMENTS)).all()
    assert pj["title"].is_unique and pj["status"].isin(STATUSES).all()
    if lay.single_source_of:
        assert (pj["source"] == lay.single_source_of).all(), "the layout states one source only"
    assert set(pj["province"]) <= set(PROVINCES), set(pj["province"]) - set(PROVINCES)


# -- writing files -----------------------------------------------------------------------------------------
def cell_text(v: Any) -> str:
    """A cell as a text file holds it (what Excel writes when saving as CSV / Unicode Text)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return str(v).upper()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        return vi_number(v)
    if isinstance(v, Formula):
        return vi_number(v.value)
    if isinstance(v, dt.date):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, Serial):
        return str(v.value)
    raise TypeError(type(v))


def _save_text(sheet: Sheet, path: Path, lay: Layout) -> None:
    n = sheet.width
    rows = [[cell_text(v) for v in r] + [""] * (n - len(r)) for r in sheet.rows]
    if lay.encoding == "cp1252":
        rows = [[ascii_fold(c) for c in r] for r in rows]
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=lay.delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    line = 1
    sheet.user_rows = []
    for r in rows:  # a record starts on this line; a quoted line break moves the next one down
        sheet.user_rows.append(line)
        line += 1 + sum(c.count("\n") for c in r)
    if lay.fmt == "txt":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif lay.encoding == "cp1258":
        data = encode_cp1258(text)
    elif lay.encoding == "cp1252":
        data = text.encode("cp1252")
    else:
        data = text.encode(lay.encoding)
    path.write_bytes(data)


def _merge_maps(sheet: Sheet) -> tuple[dict[tuple[int, int], tuple[int, int, int, int]], set[tuple[int, int]]]:
    top, covered = {}, set()
    for m in sheet.merges:
        r0, c0, r1, c1 = m
        top[(r0, c0)] = m
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    return top, covered


def _save_xlsx(sheets: list[Sheet], path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": CREATED, "author": "Sở Công Thương", "title": "Báo cáo khuyến công"})
    date_f = wb.add_format({"num_format": "dd/mm/yyyy"})
    num_f = wb.add_format({"num_format": "#,##0.###"})
    text_f = wb.add_format({"text_wrap": True, "valign": "vcenter"})
    for sh in sheets:
        ws = wb.add_worksheet(sh.name)
        top, covered = _merge_maps(sh)
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                if (r, c) in covered:
                    continue
                if (r, c) in top:
                    ws.merge_range(*top[(r, c)], "", text_f)
                if v is None:
                    continue
                if isinstance(v, str):
                    ws.write_string(r, c, v, text_f)
                elif isinstance(v, Formula):
                    ws.write_formula(r, c, v.formula, num_f, float(v.value))
                elif isinstance(v, Serial):
                    ws.write_number(r, c, v.value)
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_f)
                elif isinstance(v, (int, Decimal)):
                    ws.write_number(r, c, float(v), num_f if isinstance(v, Decimal) else None)
                else:
                    raise TypeError(type(v))
        if sh.hidden:
            ws.hide()
        sh.user_rows = list(range(1, len(sh.rows) + 1))
    wb.close()


def _save_xls(sheets: list[Sheet], path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_f = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    plain = xlwt.easyxf("align: wrap on")
    for sh in sheets:
        ws = wb.add_sheet(sh.name, cell_overwrite_ok=True)
        top, covered = _merge_maps(sh)
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                if (r, c) in covered or (v is None and (r, c) not in top):
                    continue
                style = plain
                if isinstance(v, Formula):
                    v = float(v.value)
                elif isinstance(v, Serial):
                    v = float(v.value)
                elif isinstance(v, Decimal):
                    v = float(v)
                elif isinstance(v, dt.date):
                    style = date_f
                if (r, c) in top:
                    r0, c0, r1, c1 = top[(r, c)]
                    ws.write_merge(r0, r1, c0, c1, "" if v is None else v, style)
                else:
                    ws.write(r, c, v, style)
        if sh.hidden:
            ws.visibility = 1
        sh.user_rows = list(range(1, len(sh.rows) + 1))
    wb.save(str(path))


def _save_ods(sheets: list[Sheet], path: Path) -> None:
    from odf.number import DateStyle, Day, Month, Year
    from odf.number import Text as NText
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hidden = Style(name="hiddentable", family="table")
    hidden.addElement(TableProperties(display="false"))
    doc.automaticstyles.addElement(hidden)
    ds = DateStyle(name="dmy")
    for el in (Day(style="long"), NText(text="/"), Month(style="long"), NText(text="/"), Year(style="long")):
        ds.addElement(el)
    doc.automaticstyles.addElement(ds)
    date_style = Style(name="datecell", family="table-cell", datastylename="dmy")
    doc.automaticstyles.addElement(date_style)
    for sh in sheets:
        t = Table(name=sh.name, stylename=hidden) if sh.hidden else Table(name=sh.name)
        top, covered = _merge_maps(sh)
        n = sh.width
        for r, row in enumerate(sh.rows):
            tr = TableRow()
            row = list(row) + [None] * (n - len(row))
            for c, v in enumerate(row):
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                kw: dict[str, Any] = {}
                if (r, c) in top:
                    r0, c0, r1, c1 = top[(r, c)]
                    kw = {"numbercolumnsspanned": c1 - c0 + 1, "numberrowsspanned": r1 - r0 + 1}
                if isinstance(v, Formula):
                    v = v.value
                if v is None:
                    cell = TableCell(**kw)
                elif isinstance(v, str):
                    cell = TableCell(valuetype="string", **kw)
                    for part in v.split("\n"):
                        cell.addElement(P(text=part))
                elif isinstance(v, Serial):
                    cell = TableCell(valuetype="float", value=v.value, **kw)
                    cell.addElement(P(text=str(v.value)))
                elif isinstance(v, dt.date):
                    cell = TableCell(valuetype="date", datevalue=v.isoformat(), stylename=date_style, **kw)
                    cell.addElement(P(text=f"{v:%d/%m/%Y}"))
                elif isinstance(v, (int, Decimal)):
                    cell = TableCell(valuetype="float", value=format(Decimal(v), "f"), **kw)
                    cell.addElement(P(text=vi_number(Decimal(v))))
                else:
                    raise TypeError(type(v))
                tr.addElement(cell)
            if not row:
                tr.addElement(TableCell())
            t.addElement(tr)
        doc.spreadsheet.addElement(t)
        sh.user_rows = list(range(1, len(sh.rows) + 1))
    doc.save(str(path))
    fix_zip(path)


def fix_zip(path: Path) -> None:
    """Rewrite a zip container with fixed member dates (and a fixed "modified" document property, which
    openpyxl sets to the time of saving), so the bytes do not depend on the clock."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    stamp = CREATED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = [(i, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, d)
                if i.filename == "docProps/core.xml" else d) for i, d in members]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in members:
            zi = zipfile.ZipInfo(info.filename, ZIP_TIME)
            zi.compress_type, zi.external_attr = info.compress_type, info.external_attr
            z.writestr(zi, data)


def save_sheets(sheets: list[Sheet], path: Path, layout: Layout) -> None:
    """Write sheets in the layout's format (fills each sheet's ``user_rows``)."""
    lay = layout.normalised()
    if lay.text:
        assert len(sheets) == 1, "a text file holds one sheet"
        _save_text(sheets[0], path, lay)
    elif lay.fmt == "xlsx":
        _save_xlsx(sheets, path)
    elif lay.fmt == "xls":
        _save_xls(sheets, path)
    elif lay.fmt == "ods":
        _save_ods(sheets, path)
    else:  # pragma: no cover
        raise ValueError(lay.fmt)


# -- the report: file, hints, expected tables ---------------------------------------------------------------
def hints_for(canon: Canonical, lay: Layout) -> dict[str, Any]:
    """What a user passes to read_dataset for what the file does not state (and nothing else)."""
    h: dict[str, Any] = {}
    if lay.unit_from == "hint":
        h["money_unit"] = lay.unit
    if lay.as_of_from == "hint":
        h["as_of"] = canon.as_of.date().isoformat()
    if lay.year_from == "hint":
        h["year"] = canon.year
    if lay.province_from == "hint":
        h["province"] = ([*canon.projects["province"], *canon.provinces])[0]
    if lay.source_from == "hint":
        h["source"] = lay.single_source
    return h


def expected_for(canon: Canonical, lay: Layout) -> Canonical:
    """The canonical tables an importer must give back from a file in this layout."""
    pj = canon.projects.copy()
    ev = canon.events.copy()
    pay = canon.payments.copy() if lay.executed else canon.payments.iloc[0:0].copy()
    if not lay.counterpart:
        pj["counterpart_vnd"] = pd.array([pd.NA] * len(pj), dtype="Int64")
    if "notes" not in lay.extra_columns:
        pj["note"] = None
    if lay.encoding == "cp1252":
        pj["title"] = pj["title"].map(ascii_fold)
        pj["note"] = pj["note"].map(lambda x: ascii_fold(x) if isinstance(x, str) else x)
        ev["note"] = ev["note"].map(lambda x: ascii_fold(x) if isinstance(x, str) else x)
        for df in (pj, ev, pay):
            df["project_id"] = df["project_id"].map(ascii_fold)
    plans = canon.plans.copy() if lay.plan_sheet else canon.plans.iloc[0:0].copy()
    return Canonical(pj, ev, pay, plans, canon.as_of, canon.year, canon.provinces)


def as_of_source(sheets: list[Sheet], lay: Layout, canon: Canonical) -> str:
    if lay.as_of_from == "hint":
        return "hint"
    s = next(s for s in sheets if s.role == "projects")
    if lay.as_of_from == "header":
        return f"header: {s.headers['executed']!r}"
    return f"title: {s.rows[s.marks['title']][0]!r}"


def write_report(folder: str | Path, canon: Canonical, layout: Layout, name: str = "report",
                 edit: Callable[[list[Sheet]], None] | None = None) -> Report:
    """Write ``canon`` as a report file in ``layout`` into ``folder``; return the file, hints and expected tables.

    ``edit`` may change the sheets before they are written (the corpus's bad files do).
    """
    lay = layout.normalised()
    sheets = build_sheets(canon, lay)
    if edit is not None:
        edit(sheets)
    path = Path(folder) / f"{name}.{lay.ext}"
    save_sheets(sheets, path, lay)
    return Report(path, hints_for(canon, lay), expected_for(canon, lay), as_of_source(sheets, lay, canon), sheets,
                  lay)


# -- the comparison rule ----------------------------------------------------------------------------------------
def _norm_title(t: Any) -> str:
    return " ".join(str(t).split())


def _same(a: Any, b: Any) -> bool:
    na, nb = a is None or bool(pd.isna(a)), b is None or bool(pd.isna(b))
    if na or nb:
        return na and nb
    if isinstance(a, (pd.Timestamp, dt.date, np.datetime64)) or isinstance(b, (pd.Timestamp, dt.date, np.datetime64)):
        return pd.Timestamp(a).normalize() == pd.Timestamp(b).normalize()
    if isinstance(a, (int, np.integer, float)) and isinstance(b, (int, np.integer, float)):
        return int(a) == int(b)
    return a == b


def assert_same_tables(loaded: Any, expected: Any, *, ids: bool = False) -> None:
    """Compare imported tables with the expected ones, by the round-trip rule.

    Projects are matched by title (whitespace runs compared as one space); ``project_id`` is compared
    only when ``ids`` (the file has a "Mã đề án" column). Compared: year, province, source, activity,
    title, beneficiaries, support_vnd, counterpart_vnd, approved_on, planned_end, status, accepted_on,
    stopped_on (not ``note``, the "Ghi chú" text, which the expected tables carry). Events are
    compared as a multiset of (title, kind, new_planned_end), payments of (title, amount_vnd, date),
    plans of (year, province, source, approved_vnd, revised_vnd).
    """
    got = loaded.tables if hasattr(loaded, "tables") else loaded
    exp = expected.expected.tables if isinstance(expected, Report) else (
        expected.tables if isinstance(expected, Canonical) else expected)
    diffs: list[str] = []
    gp, ep = got["projects"], exp["projects"]
    gt, et = gp["title"].map(_norm_title), ep["title"].map(_norm_title)
    for t, k in Counter(gt).items():
        if k > 1:
            diffs.append(f"title imported {k} times: {t!r}")
    missing, extra = sorted(set(et) - set(gt)), sorted(set(gt) - set(et))
    diffs += [f"project missing: {t!r}" for t in missing] + [f"project not expected: {t!r}" for t in extra]
    g_by = {t: r for t, (_, r) in zip(gt, gp.iterrows())}
    cols = COMPARED + (("project_id",) if ids else ())
    for t, (_, e) in zip(et, ep.iterrows()):
        g = g_by.get(t)
        if g is None:
            continue
        for c in cols:
            gv = g[c] if c in g.index else None
            ev = e[c] if c != "title" else t
            gv = _norm_title(gv) if c == "title" and gv is not None else gv
            if not _same(gv, ev):
                diffs.append(f"{t!r}: {c} is {gv!r}, expected {ev!r}")

    def keyed(tables: dict[str, pd.DataFrame], table: str, cols: tuple[str, ...]) -> Counter:
        pj = tables["projects"]
        title_of = dict(zip(pj["project_id"].astype(str), pj["title"].map(_norm_title)))
        df = tables[table]
        out: Counter = Counter()
        for _, r in df.iterrows():
            key = [title_of.get(str(r["project_id"]), f"<unknown id {r['project_id']}>")]
            for c in cols:
                v = r[c]
                key.append(None if v is None or pd.isna(v) else (
                    pd.Timestamp(v).date().isoformat() if c in ("date", "new_planned_end") else v))
            out[tuple(key)] += 1
        return out

    for table, kcols in (("events", ("kind", "new_planned_end")), ("payments", ("amount_vnd", "date"))):
        g, e = keyed(got, table, kcols), keyed(exp, table, kcols)
        if g != e:
            diffs += [f"{table}: missing {k}" for k in (e - g)] + [f"{table}: not expected {k}" for k in (g - e)]
    if "plans" in exp and len(exp["plans"]):
        pc = ("year", "province", "source", "approved_vnd", "revised_vnd")

        def plan_rows(df: pd.DataFrame) -> Counter:
            return Counter(tuple(None if pd.isna(r[c]) else r[c] for c in pc) for _, r in df.iterrows())

        g, e = plan_rows(got.get("plans", pd.DataFrame(columns=pc))), plan_rows(exp["plans"])
        if g != e:
            diffs += [f"plans: missing {k}" for k in (e - g)] + [f"plans: not expected {k}" for k in (g - e)]
    if diffs:
        raise AssertionError(f"{len(diffs)} difference(s):\n" + "\n".join(diffs[:40]))


# -- hypothesis strategies ---------------------------------------------------------------------------------------
def layout_strategy() -> Any:
    """Random consistent layouts (hypothesis)."""
    from hypothesis import strategies as st

    one = st.sampled_from
    return st.builds(
        Layout,
        fmt=one(FORMATS), encoding=one(("utf-8", "utf-8-sig", "cp1258", "cp1252")), delimiter=one((",", ";", "\t")),
        workbook=one(("single", "single", "by_source", "regional")),
        extra_sheets=st.lists(one(("empty", "hidden")), unique=True, max_size=2).map(tuple),
        plan_sheet=st.booleans(), title_block=one(("official", "official", "short", "none")),
        multiline_title=st.booleans(), period=one(("h1", "9m", "year")),
        as_of_from=one(("title", "header", "hint")), year_from=one(("title", "hint")),
        province_from=one(("title", "column", "hint")), spelling=st.integers(0, 2),
        source_from=one(("sections", "column", "money", "title", "hint")), single_source=one(SOURCES),
        sections=one(("none", "source", "activity", "source_activity")), header_rows=one((1, 2, 3)),
        column_numbers=st.booleans(), subtotals=st.booleans(), total_row=st.booleans(), formulas=st.booleans(),
        round_totals=st.booleans(), notes_row=st.booleans(), signature_gap=one((None, 0, 1, 2)),
        unit=one(tuple(UNIT_VND)), unit_from=one(("title", "header", "hint")), unit_words=st.booleans(),
        numbers=one(("cells", "text", "mixed")), dash=one(("-", "–", "0")), money=one(("split", "flat")),
        counterpart=st.booleans(), executed=st.booleans(),
        dates=st.lists(one(DATE_STYLES), min_size=1, max_size=3, unique=True).map(tuple),
        deadline=one(("date", "month", "quarter")), beneficiaries=one(("count", "names")), vocab=st.integers(0, 2),
        extra_columns=st.lists(one(EXTRA_COLUMNS), unique=True, max_size=4).map(tuple),
    ).map(Layout.normalised)


def case_strategy(max_projects: int = 12) -> Any:
    """(layout, canonical tables) drawn together (hypothesis): provinces, year and tables fit the layout."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: Callable[..., Any]) -> tuple[Layout, Canonical]:
        lay = draw(layout_strategy())
        if draw(st.integers(0, 4)) == 0:
            lay = Layout(**{**{f.name: getattr(lay, f.name) for f in fields(lay)}, "post2025": True}).normalised()
        pool = [p for p, v in PROVINCES.items() if v.new_unit] if lay.post2025 else list(PROVINCES)
        k = draw(st.integers(2, 3)) if lay.workbook == "regional" else 1
        provs = draw(st.lists(st.sampled_from(pool), min_size=k, max_size=k, unique=True))
        year = draw(st.integers(2025, 2026)) if lay.post2025 else draw(st.integers(2018, 2024))
        n = draw(st.integers(1, max_projects))
        return lay, random_tables(draw, n, year, provs, lay)

    return build()

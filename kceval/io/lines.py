"""The lines around and inside the table of an official report (Mẫu 2): title lines, sections, totals.

Pure functions of text (no I/O). Above and below the table a report has its organisation,
motto, number, place and date, form, unit, title, attachment, notes and signature block
(:func:`line_kind`); inside it, section heading rows ("I. KHUYẾN CÔNG QUỐC GIA", read as a
:class:`Section` with the source or activity it names) and totals rows ("Tổng cộng", "Cộng I",
read as a :class:`TotalLabel`). Lines are compared folded (:func:`kceval.text.fold`), so case
and diacritics do not matter. Which rows of a sheet these are is decided in
:mod:`kceval.io.sheet`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..text import clean_text, fold, shadow
from .numbers import is_empty
from .words import activity_from_text, source_from_text

LINE_KINDS = ("org", "motto", "number", "date", "form", "unit", "title", "attachment", "signature", "note",
              "other")
# Signature blocks: the signer's function, maybe after KT. (ký thay), TM. (thay mặt), TL. (thừa
# lệnh), Q. (quyền), and the lines around it.
_SIGNER = ("giam doc", "pho giam doc", "chu tich", "pho chu tich", "truong phong", "pho truong phong",
           "thu truong don vi", "thu truong co quan", "ke toan truong", "nguoi lap bieu", "nguoi lap",
           "nguoi tong hop", "lanh dao don vi", "uy ban nhan dan", "ubnd", "so cong thuong")
_SIGNATURE = re.compile(
    r"^(?:(?:kt|tm|tl|q|ktl)\.?\s+(?:" + "|".join(_SIGNER) + r")\b"
    r"|(?:" + "|".join(_SIGNER[:-3]) + r")\b"
    r"|\(\s*(?:ky|da ky)\b"
    r"|noi nhan\b"
    r"|[-+•]\s*(?:nhu tren|luu)\b)"
)
_ORG = re.compile(r"^(?:uy ban nhan dan|ubnd|so cong thuong|bo cong thuong|cuc cong thuong|trung tam"
                  r"|phong kinh te|ban quan ly)\b")
_TITLE = re.compile(r"^(?:bao cao|danh muc|ket qua|tong hop|danh sach|ke hoach|tinh hinh|bang tong hop"
                    r"|bieu tong hop|thong ke)\b")


def line_kind(text: Any) -> str:
    """What a text line above or below the table of an official report is (one of ``LINE_KINDS``).

    'org' (ỦY BAN NHÂN DÂN TỈNH …, SỞ CÔNG THƯƠNG, TRUNG TÂM KHUYẾN CÔNG), 'motto' (CỘNG HÒA
    XÃ HỘI CHỦ NGHĨA VIỆT NAM, Độc lập - Tự do - Hạnh phúc), 'number' (Số: 125/BC-SCT), 'date'
    (Đồng Nai, ngày 08 tháng 7 năm 2020), 'form' (Biểu số 02, Mẫu 2, Phụ lục 1), 'unit' (Đơn vị
    tính: triệu đồng), 'title' (BÁO CÁO …, DANH MỤC …, KẾT QUẢ …, TỔNG HỢP …), 'attachment'
    ((Kèm theo Báo cáo số …)), 'signature' (Người lập biểu, KT. GIÁM ĐỐC, (Ký, ghi rõ họ tên),
    Nơi nhận:, - Lưu: VT), 'note' (Ghi chú: …, Lưu ý: …, * …, (*) …), else 'other'.

    Examples
    --------
    >>> [line_kind(t) for t in ("UBND TỈNH ĐỒNG NAI", "Số:     /BC-SCT", "Biên Hòa, ngày 08/7/2020", "KT. GIÁM ĐỐC")]
    ['org', 'number', 'date', 'signature']
    """
    if is_empty(text):
        return "other"
    raw = clean_text(text)
    sh = shadow(raw)
    words = fold(raw, " ")
    if re.match(r"^\(?\s*kem theo\b", sh):
        return "attachment"
    if re.match(r"^(?:\(\*+\)|\*)", raw) or re.match(r"^(?:ghi chu|luu y|chu thich)\b", words):
        return "note"
    if re.match(r"^so\s*:|^so\s+[\w.]*\s*/\s*[a-z]", sh):
        return "number"
    if re.match(r"^[^\W\d_][^,\d]{0,40},\s*ngay\b", sh) or re.match(r"^ngay\s+[\d.…\s]*thang\b", sh):
        return "date"
    if re.match(r"^(?:bieu|mau|phu luc|bieu mau)(?: so)? (?:\d+|[ivx]+)[a-z]?\b", words):
        return "form"
    if re.match(r"^\(?\s*(?:don vi tinh|dvt|don vi)\s*:", sh):
        return "unit"
    if words.startswith("cong hoa xa hoi chu nghia viet nam") or words == "doc lap tu do hanh phuc":
        return "motto"
    if _SIGNATURE.match(sh.lstrip()) or _SIGNATURE.match(words):
        return "signature"
    if _ORG.match(words):
        return "org"
    if _TITLE.match(words):
        return "title"
    return "other"


def is_signature_text(text: Any) -> bool:
    """True for a line of the signature block or the distribution list below a report's table."""
    return line_kind(text) == "signature"


def is_note_text(text: Any) -> bool:
    """True for a note below a report's table ("Ghi chú: …", "Lưu ý: …", "* …", "(*) …")."""
    return line_kind(text) == "note"


# -- section and totals rows -----------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    """A section heading row: "I. KHUYẾN CÔNG QUỐC GIA", "A | HỖ TRỢ ỨNG DỤNG MÁY MÓC THIẾT BỊ".

    ``label`` is the marker without punctuation ("I", "A"), ``text`` the heading as written,
    ``source`` and ``activity`` what the heading names (None when it names none or several).
    """

    label: str
    text: str
    source: str | None
    activity: str | None


_ROMAN = r"(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})"
_MARKER = re.compile(rf"^(?P<m>{_ROMAN}|[A-Z])\s*[.):]?$")
_MARKED = re.compile(rf"^(?P<m>{_ROMAN}|[A-Z])(?:\s*[.):\-–]\s*|\s+)(?P<t>\S.*)$")


def section_heading(cells: Sequence[Any]) -> Section | None:
    """The section a row heads, from its first non-empty cells, or None.

    The marker is a Roman numeral or a capital letter (project rows are numbered 1, 2, 3), in
    its own cell before the heading or at the start of the heading's cell. Later cells (a
    section's subtotal amounts) are not read.

    Examples
    --------
    >>> section_heading(["I", "KHUYẾN CÔNG QUỐC GIA", None, 500])
    Section(label='I', text='KHUYẾN CÔNG QUỐC GIA', source='national', activity=None)
    >>> section_heading(["B. Đào tạo nghề"]).activity, section_heading(["1", "Máy sấy"])
    ('training', None)
    """
    filled = [clean_text(c) for c in cells if not is_empty(c)]
    if not filled:
        return None
    label = text = None
    m = _MARKER.match(filled[0])
    if m and len(filled) > 1:
        label, text = m["m"], filled[1]
    else:
        m = _MARKED.match(filled[0])
        # "A Lưới" is a place: a letter and a space head a section only in capitals ("B  ĐÀO TẠO NGHỀ")
        if m and (re.match(_ROMAN + "$", m["m"]) or not filled[0][1:2].isspace() or m["t"].isupper()):
            label, text = m["m"], m["t"]
    if label is None or text is None or not re.search(r"[^\W\d_]", text) or read_total_label(text) is not None:
        return None
    return Section(label, text, source_from_text(text), activity_from_text(text))


@dataclass(frozen=True)
class TotalLabel:
    """A totals row: ``scope`` 'total' (the whole table) or 'subtotal' (one section), and the
    sections it names ("TỔNG CỘNG (I+II)" -> ('I', 'II'); "Cộng" -> (), the current section)."""

    scope: str
    sections: tuple[str, ...]


_TOTAL_WORDS = ("tong cong", "tong so", "tong", "total", "grand total", "cong toan tinh", "cong toan thanh pho",
                "cong toan bo", "tong cong toan tinh")
_SUBTOTAL_WORDS = ("cong", "subtotal", "sub total", "cong muc", "cong phan", "tong muc")
_SECTION_TOKEN = re.compile(r"^(?:[ivxl]+|[a-z]|\d{1,2})$")


def read_total_label(value: Any) -> TotalLabel | None:
    """What a totals-row label sums, or None for any other text.

    "Tổng cộng", "Tổng số", "Tổng", "Total", "Cộng toàn tỉnh" are the whole table ("TỔNG CỘNG
    (I+II)" names its sections); "Cộng I", "Cộng (A)", "Cộng mục I" are one section and
    "Cộng", "Subtotal" the current one. "Tổng cộng" followed by other words ("Tổng cộng các đề
    án") is a total; "Công ty A" is not a label.

    Examples
    --------
    >>> read_total_label("TỔNG CỘNG (I+II)"), read_total_label("Cộng I"), read_total_label("Công ty A")
    (TotalLabel(scope='total', sections=('I', 'II')), TotalLabel(scope='subtotal', sections=('I',)), None)
    """
    if not isinstance(value, str) or is_empty(value):
        return None
    words = fold(value, " ")
    for scope, heads in (("total", _TOTAL_WORDS), ("subtotal", _SUBTOTAL_WORDS)):
        for head in sorted(heads, key=len, reverse=True):
            if words == head or words.startswith(head + " "):
                rest = words[len(head):].split()
                if all(_SECTION_TOKEN.match(t) for t in rest):
                    sections = tuple(t.upper() for t in rest)
                    # one named section under a total word is that section's subtotal
                    return TotalLabel("subtotal" if scope == "total" and len(sections) == 1 else scope, sections)
                if head in ("tong cong", "cong toan tinh"):
                    return TotalLabel("total", ())
    return None


def is_total_label(value: Any) -> bool:
    """True for a totals-row label (:func:`read_total_label`): "Tổng cộng", "Cộng", "Cộng I", "Total".

    Examples
    --------
    >>> is_total_label("Tổng cộng"), is_total_label("Cộng:"), is_total_label("Công ty A")
    (True, True, False)
    """
    return read_total_label(value) is not None

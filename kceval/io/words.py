"""Vietnamese words in the cells of provincial spreadsheets: activities, sources, provinces, yes/no, ids.

Pure functions of one cell (no I/O). Words are compared folded: without diacritics, case,
spacing or punctuation (:func:`kceval.text.fold`), so "KCĐP", "kcdp" and "K.C.Đ.P" are the
same source. An unknown word raises :class:`~kceval.io.numbers.ParseError` whose hint names
the closest known words (:func:`closest`, shared by the header and status vocabularies); nothing
is guessed. The official activity names are read from :mod:`kceval.display.labels`; the
vocabularies below are written in Vietnamese spelling so that suggestions read as people write
them. Column headers are read in :mod:`kceval.io.headers`, statuses in :mod:`kceval.io.statuses`,
the lines around a report's table in :mod:`kceval.io.lines`.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from .. import geo
from ..display.labels import LABELS
from ..errors import KcevalError
from ..schema import ACTIVITIES
from ..text import fold
from .numbers import ParseError, is_empty, parse_int


def closest(text: Any, names: Sequence[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``names`` closest to ``text``, compared folded (for "did you mean").

    Examples
    --------
    >>> closest("Nghiem thuu", ["Nghiệm thu", "Hoàn thành"])
    ['Nghiệm thu']
    """
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(fold(name), name)
    keys = difflib.get_close_matches(fold(text), list(by_key), n=n, cutoff=0.6)
    return [by_key[k] for k in keys]


def did_you_mean(names: list[str]) -> str:
    """The start of a hint naming ``names`` ("did you mean 'A', 'B'? "), or "" for none."""
    return f"did you mean {', '.join(map(repr, names))}? " if names else ""


# -- activities ------------------------------------------------------------------------------
# The official names (vi and en, kceval.display.labels), the codes, then the names people write.
_ACTIVITY_NAMES: dict[str, tuple[str, ...]] = {
    "training": ("Đào tạo", "Đào tạo nghề", "Truyền nghề", "Đào tạo, truyền nghề", "Dạy nghề"),
    "capacity": ("Nâng cao năng lực", "Nâng cao năng lực quản lý", "Khởi sự doanh nghiệp",
                 "Hỗ trợ khởi sự doanh nghiệp"),
    "demonstration": ("Mô hình trình diễn", "Trình diễn", "Xây dựng mô hình trình diễn",
                      "Xây dựng mô hình trình diễn kỹ thuật", "Mô hình trình diễn kỹ thuật"),
    "machinery": ("Máy móc thiết bị", "Hỗ trợ máy móc thiết bị", "Ứng dụng máy móc thiết bị",
                  "Hỗ trợ ứng dụng máy móc thiết bị", "Máy móc", "Hỗ trợ máy móc", "Chuyển giao công nghệ",
                  "Ứng dụng máy móc thiết bị tiên tiến", "Hỗ trợ chuyển giao công nghệ"),
    "cleaner_production": ("Sản xuất sạch hơn", "SXSH"),
    "fair": ("Hội chợ", "Triển lãm", "Hội chợ triển lãm", "Tổ chức hội chợ", "Tham gia hội chợ",
             "Tham gia hội chợ triển lãm", "Tổ chức hội chợ triển lãm"),
    "product_award": ("Bình chọn sản phẩm", "Sản phẩm CNNT tiêu biểu", "Bình chọn",
                      "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu", "Sản phẩm công nghiệp nông thôn tiêu biểu"),
    "brand": ("Thương hiệu", "Xây dựng thương hiệu", "Đăng ký thương hiệu", "Hỗ trợ đăng ký thương hiệu",
              "Hỗ trợ xây dựng thương hiệu"),
    "consulting": ("Tư vấn", "Hỗ trợ tư vấn"),
    "communication": ("Thông tin tuyên truyền", "Tuyên truyền", "Thông tin, tuyên truyền"),
    "linkage": ("Liên kết", "Hiệp hội", "Liên doanh liên kết", "Cụm liên kết"),
    "industrial_cluster": ("Cụm công nghiệp", "Cụm CN", "CCN", "Hỗ trợ xây dựng cụm công nghiệp",
                           "Hạ tầng cụm công nghiệp"),
    "cooperation": ("Hợp tác quốc tế",),
    "management": ("Quản lý", "Quản lý chương trình", "Quản lý, giám sát"),
}
for _a in ACTIVITIES:
    _ACTIVITY_NAMES[_a] = (*LABELS[f"activity_{_a}"], _a, *_ACTIVITY_NAMES.get(_a, ()))
_ACTIVITY = {fold(n): a for a, ns in _ACTIVITY_NAMES.items() for n in ns}
# Words that name one activity inside a longer text ("Hỗ trợ máy móc cho cơ sở A"), matched as
# whole words so that no word is found across a word boundary.
_ACTIVITY_WORDS = {fold(w, " "): a for a, ws in {
    "machinery": ("máy móc", "dây chuyền", "chuyển giao công nghệ"),
    "brand": ("thương hiệu",),
    "fair": ("hội chợ", "triển lãm"),
    "cleaner_production": ("sản xuất sạch hơn",),
    "demonstration": ("mô hình trình diễn", "trình diễn kỹ thuật"),
    "training": ("đào tạo", "truyền nghề", "dạy nghề"),
    "consulting": ("tư vấn",),
    "communication": ("tuyên truyền",),
    "industrial_cluster": ("cụm công nghiệp",),
    "cooperation": ("hợp tác quốc tế",),
    "product_award": ("bình chọn", "sản phẩm công nghiệp nông thôn tiêu biểu", "sản phẩm cnnt tiêu biểu"),
    "capacity": ("khởi sự doanh nghiệp", "nâng cao năng lực"),
    "linkage": ("liên kết", "hiệp hội"),
}.items() for w in ws}


def _activities_named(text: Any) -> set[str]:
    key = fold(text)
    if key in _ACTIVITY:
        return {_ACTIVITY[key]}
    words = f" {fold(text, ' ')} "
    return {a for w, a in _ACTIVITY_WORDS.items() if f" {w} " in words}


def activity_from_text(text: Any) -> str | None:
    """The activity a heading or title names, or None when it names none or several.

    Examples
    --------
    >>> activity_from_text("A. HỖ TRỢ ỨNG DỤNG MÁY MÓC THIẾT BỊ"), activity_from_text("KHUYẾN CÔNG QUỐC GIA")
    ('machinery', None)
    """
    if is_empty(text):
        return None
    found = _activities_named(text)
    return found.pop() if len(found) == 1 else None


def parse_activity(value: Any) -> str | None:
    """Activity code (DOMAIN.md) from a code, a Vietnamese label or a common phrase.

    A longer text is read by the words it contains ("Tham gia hội chợ triển lãm tại Hà Nội" ->
    fair) when they name exactly one activity.

    Examples
    --------
    >>> parse_activity("Máy móc thiết bị"), parse_activity("Hội chợ, triển lãm"), parse_activity("Tư vấn")
    ('machinery', 'fair', 'consulting')
    """
    if is_empty(value):
        return None
    found = _activities_named(value)
    if len(found) == 1:
        return found.pop()
    close = closest(value, [n for a in ACTIVITIES for n in _ACTIVITY_NAMES[a] if not n.isascii() or a != n])
    raise ParseError(
        f"{value!r} is not a known activity"
        + (f" (it names several: {', '.join(sorted(found))})" if found else ""),
        did_you_mean(close) + "use an activity code of DOMAIN.md (e.g. machinery) or its Vietnamese label "
        "(e.g. 'Hỗ trợ ứng dụng máy móc thiết bị tiên tiến', 'Đào tạo nghề', 'Hội chợ, triển lãm')",
    )


# -- sources and yes/no ----------------------------------------------------------------------
_SOURCE = {"kcqg": "national", "quocgia": "national", "khuyencongquocgia": "national", "national": "national",
           "trunguong": "national", "ngansachtrunguong": "national", "nstw": "national",
           "kcdp": "local", "diaphuong": "local", "khuyencongdiaphuong": "local", "local": "local",
           "ngansachdiaphuong": "local", "nsdp": "local", "ngansachtinh": "local"}


def parse_source(value: Any) -> str | None:
    """``'national'`` (KCQG, quốc gia) or ``'local'`` (KCĐP, địa phương).

    Examples
    --------
    >>> parse_source("KCĐP"), parse_source("Khuyến công quốc gia")
    ('local', 'national')
    """
    if is_empty(value):
        return None
    key = fold(value)
    if key in _SOURCE:
        return _SOURCE[key]
    raise ParseError(
        f"{value!r} is not a known funding source", "use KCQG / quốc gia (national) or KCĐP / địa phương (local)"
    )


def parse_bool(value: Any) -> bool | None:
    """Yes/no cells (đề án điểm, đề án nhóm): x, có, yes, 1, true -> True; không, no, 0 -> False."""
    if is_empty(value):
        return None
    key = fold(value)
    if key in ("x", "co", "yes", "y", "1", "true", "10"):
        return True
    if key in ("khong", "no", "n", "0", "false", "00"):
        return False
    raise ParseError(f"{value!r} is not yes/no", "mark yes with 'x' or 'có' and leave the cell empty for no")


def source_from_text(text: str) -> str | None:
    """``'national'`` or ``'local'`` when a title or section row names exactly one of them.

    Examples
    --------
    >>> source_from_text("II. KHUYẾN CÔNG ĐỊA PHƯƠNG"), source_from_text("Kinh phí KCQG và KCĐP")
    ('local', None)
    """
    s = fold(text)
    nat = any(k in s for k in ("quocgia", "kcqg", "trunguong"))
    loc = any(k in s for k in ("diaphuong", "kcdp"))
    return "national" if nat and not loc else "local" if loc and not nat else None


# -- provinces in titles ---------------------------------------------------------------------
def province_from_text(text: str) -> str | None:
    """The province a title or organisation line names after "tỉnh" / "thành phố" / "TP", or None.

    Words are read folded, so "TP.HCM", "THÀNH PHỐ HUẾ" and "tỉnh Tây Ninh (mới)" are found;
    the longest run of words after the prefix that is a province name wins.

    Examples
    --------
    >>> province_from_text("BÁO CÁO KẾT QUẢ KHUYẾN CÔNG TỈNH ĐỒNG NAI NĂM 2019"), province_from_text("UBND TP.HCM")
    ('Đồng Nai', 'TP. Hồ Chí Minh')
    """
    words = fold(text, " ").split()
    for i, w in enumerate(words):
        if w in ("tinh", "tp") or (w == "pho" and i > 0 and words[i - 1] == "thanh"):
            for n in (6, 5, 4, 3, 2, 1):
                cand = words[i + 1: i + 1 + n]
                if len(cand) < n:
                    continue
                try:
                    return geo.match_province(" ".join(cand))
                except KcevalError:  # not a province: try a shorter run
                    continue
    return None


def parse_province(v: Any) -> str:
    """Canonical province name (:func:`kceval.geo.match_province`); unknown -> ParseError with suggestions."""
    try:
        return geo.match_province(str(v))
    except geo.UnknownProvinceError as exc:
        hint = (f"did you mean {', '.join(map(repr, exc.suggestions))}?" if exc.suggestions
                else "no close match; write one of the 63 provinces, see kceval.geo.PROVINCE_NAMES")
        raise ParseError(f"unknown province {v!r}", hint) from None


# -- small cell readers ----------------------------------------------------------------------
def parse_id(v: Any) -> str:
    """An identifier as text; a whole-number float from Excel (12.0) becomes "12"."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse_year(v: Any) -> int | None:
    """A plan year between 2000 and 2100."""
    y = parse_int(v)
    if y is not None and not 2000 <= y <= 2100:
        raise ParseError(f"{v!r} is not a plan year", "write the year as four digits, e.g. 2019")
    return y


def parse_beneficiaries(v: Any) -> int | None:
    """A count of establishments, or the number of names listed ("Cơ sở A; Cơ sở B" -> 2)."""
    try:
        return parse_int(v)
    except ParseError:
        # "Đơn vị thụ hưởng" often lists the beneficiaries by name: count the names
        if isinstance(v, str) and re.search(r"[^\W\d_]", v):
            return len([x for x in re.split(r"[;\n]+", v) if x.strip()])
        raise

"""Column headers of provincial spreadsheets: the header vocabulary and how a header is read.

Pure functions of header text (no I/O). A header, or a column's stacked header rows under a
merged parent, is read as a canonical field (``FIELDS``) and the money unit it states, saying
whether an exact vocabulary entry or a rule placed it (:class:`HeaderReading`). Names are
compared folded (:func:`kceval.text.fold`), so "TÌNH TRẠNG", "Tình trạng" and "tinh trang" are
the same header; an as-of period ("đến 30/6/2020") and a unit ("(triệu đồng)") are cut before
the name is matched. A header that names no field is not placed: nothing is guessed, and
:func:`suggest_fields` names the closest known headers.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..text import fold
from .numbers import is_empty, split_unit
from .words import closest


def _strip_unit(text: Any) -> tuple[str, str | None]:
    return split_unit(text) if not is_empty(text) else ("", None)


# -- headers ---------------------------------------------------------------------------------
# canonical field -> header names people write (Vietnamese and English); see DESIGN.md §2.
# Compared folded, so each name stands for every spelling, case and punctuation of it.
_HEADERS: dict[str, tuple[str, ...]] = {
    "project_id": ("Mã đề án", "Mã dự án", "Mã số đề án", "Số hiệu đề án", "project_id", "Mã", "ID", "code",
                   "Mã số"),
    "row_label": ("STT", "Số TT", "TT", "Số", "Số thứ tự"),
    "title": ("Tên đề án", "Tên dự án", "Tên đề án, dự án", "title", "Tên đề án khuyến công", "name", "Tên",
              "project title", "project name", "Tên nhiệm vụ, đề án", "Tên nhiệm vụ"),
    "year": ("Năm", "Năm kế hoạch", "year", "Năm thực hiện"),
    "province": ("Tỉnh", "Tỉnh, thành phố", "Tỉnh thành", "Tỉnh/TP", "province"),
    # a place inside the province (commune, ward, address), never the province itself
    "location": ("Địa bàn", "Địa điểm", "Địa điểm thực hiện", "Địa bàn thực hiện", "Xã/phường",
                 "Xã, phường, thị trấn", "Địa chỉ", "location"),
    "source": ("Nguồn vốn", "Nguồn kinh phí", "source", "Nguồn", "Nguồn ngân sách", "Nguồn KP"),
    "activity": ("Nội dung", "Lĩnh vực", "Hoạt động", "activity", "Nội dung hỗ trợ", "Loại hình",
                 "Nội dung khuyến công", "Hoạt động khuyến công"),
    "beneficiaries": ("Số cơ sở thụ hưởng", "Đơn vị thụ hưởng", "Số cơ sở", "beneficiaries", "Cơ sở thụ hưởng",
                      "Số đơn vị thụ hưởng", "Số cơ sở được hỗ trợ", "Số lượng cơ sở thụ hưởng", "Số lượng cơ sở"),
    "implementer": ("Đơn vị thực hiện", "Đơn vị chủ trì", "Đơn vị chủ trì thực hiện", "implementer"),
    "note": ("Ghi chú", "note"),
    # a summary sheet's count of projects per province ("Tổng hợp" of a regional compilation)
    "n_projects": ("Số đề án", "Số lượng đề án", "Tổng số đề án", "Số đề án, dự án", "projects"),
    "pilot": ("Đề án điểm", "pilot"),
    "group": ("Đề án nhóm", "group"),
    "support_vnd": ("Kinh phí khuyến công", "Kinh phí hỗ trợ", "Kinh phí", "support", "support_vnd",
                    "Kinh phí nhà nước hỗ trợ", "Kinh phí phê duyệt", "Kinh phí được duyệt"),
    "support_national": ("KCQG", "Khuyến công quốc gia", "Ngân sách trung ương", "NSTW", "Kinh phí KCQG",
                         "Kinh phí khuyến công quốc gia", "support_national"),
    "support_local": ("KCĐP", "Khuyến công địa phương", "Ngân sách địa phương", "Ngân sách tỉnh", "NSĐP",
                      "Kinh phí KCĐP", "Kinh phí khuyến công địa phương", "support_local"),
    # "Tổng số" under a money parent: see read_header_parts
    "support_total": ("support_total", "Tổng kinh phí", "Tổng số kinh phí", "Tổng cộng kinh phí"),
    "counterpart_vnd": ("Vốn đối ứng", "Kinh phí đối ứng", "counterpart", "counterpart_vnd", "Vốn đóng góp",
                        "Đối ứng"),
    "approved_on": ("Ngày phê duyệt", "Ngày quyết định", "approved_on", "Ngày giao kế hoạch", "approval date",
                    "Thời gian phê duyệt", "Ngày, số QĐ phê duyệt", "Số, ngày quyết định phê duyệt",
                    "Số, ngày QĐ phê duyệt", "Ngày, số quyết định phê duyệt", "Ngày QĐ phê duyệt"),
    "planned_end": ("Thời gian hoàn thành", "Ngày kết thúc", "planned_end", "Thời hạn hoàn thành", "Ngày hoàn thành",
                    "Thời gian kết thúc"),
    "status": ("Tình trạng", "Tiến độ", "Trạng thái", "status", "Tình hình thực hiện", "Kết quả thực hiện",
               "Tiến độ thực hiện"),
    "accepted_on": ("Ngày nghiệm thu", "accepted_on"),
    "stopped_on": ("Ngày dừng", "Ngày ngừng", "stopped_on", "Ngày dừng thực hiện"),
    "finished_on": ("finished_on", "Ngày hoàn thành thực tế"),
    "output_count": ("output_count", "Kết quả đầu ra", "Sản phẩm", "Số lượng"),
    "executed": ("Kinh phí đã thực hiện", "Đã giải ngân", "Lũy kế giải ngân", "Giải ngân", "Kinh phí thực hiện",
                 "executed", "executed_vnd", "Đã thực hiện", "Lũy kế thực hiện", "Kinh phí giải ngân",
                 "Kinh phí đã giải ngân", "Thực hiện", "Lũy kế", "Kinh phí khuyến công thực hiện",
                 "Kinh phí khuyến công đã thực hiện", "Kinh phí khuyến công đã giải ngân"),
    "executed_national": ("executed_national",),
    "executed_local": ("executed_local",),
    "executed_total": ("executed_total",),
    "approved": ("Kế hoạch", "Kế hoạch được duyệt", "Kế hoạch kinh phí", "approved", "approved_vnd", "Kế hoạch giao",
                 "Dự toán", "Dự toán được giao", "Kế hoạch được giao"),
    "approved_national": ("approved_national",),
    "approved_local": ("approved_local",),
    "approved_total": ("approved_total",),
    "revised": ("Kế hoạch điều chỉnh", "revised", "revised_vnd", "Kế hoạch sau điều chỉnh", "Điều chỉnh kế hoạch"),
    "date": ("date", "Ngày", "Ngày thanh toán", "Ngày chi", "Ngày giải ngân"),
    "amount": ("amount", "amount_vnd", "Số tiền", "Số tiền thanh toán", "Số tiền chi"),
}
_HEADER_INDEX: dict[str, tuple[str, str]] = {fold(n): (f, n) for f, ns in _HEADERS.items() for n in ns}
MONEY_FIELDS = ("support_vnd", "counterpart_vnd", "executed", "approved", "revised", "amount",
                "support_national", "support_local", "support_total",
                "executed_national", "executed_local", "executed_total",
                "approved_national", "approved_local", "approved_total")
# every field a column can be read as (the values a mapping file may name)
FIELDS: tuple[str, ...] = tuple(_HEADERS)

# A header that states its as-of date ("Giải ngân đến 30/6/2020", "Thực hiện 6 tháng đầu năm
# 2020") names the same column as without it: the period is cut before the name is matched.
_PERIOD_TAIL = re.compile(
    r"\s+(?:(?:tinh\s+)?(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?(?:\d|thang\s|quy\s|nam\s)"
    r"|\d{1,2}\s+thang\b|quy\s+(?:iv|iii|ii|i|[1-4])\b|nam\s+\d{4}\b|\d{1,2}\s+\d{1,2}\s+\d{4}\b).*$"
)


@dataclass(frozen=True)
class HeaderReading:
    """What a column header means.

    Attributes
    ----------
    field : str or None
        Canonical field, None when the header is not placed.
    unit : str or None
        Money unit the header states ('dong', 'nghin', 'trieu', 'ty').
    guessed : bool
        False for an exact vocabulary entry (or a documented parent/child pair); True when read
        by a rule (a known name the header starts with or contains, a child read without its
        parent), so a caller can say which columns it placed by rule.
    matched : str or None
        The vocabulary entry used, in Vietnamese spelling ("Kinh phí / KCQG" for a pair).
    """

    field: str | None
    unit: str | None
    guessed: bool
    matched: str | None


def _period_cut(name: str) -> str:
    return _PERIOD_TAIL.sub("", fold(name, " "))


def _words(key: str) -> set[str]:
    """Every folded header name that ``key`` contains; none that is part of a longer one found."""
    found = {k for k in _HEADER_INDEX if len(k) >= 9 and k in key}
    return {k for k in found if not any(k != o and k in o for o in found)}


def _read_name(name: str, unit: str | None) -> HeaderReading:
    key = fold(name)
    if not key:
        return HeaderReading(None, unit, False, None)
    hit = _HEADER_INDEX.get(key) or _HEADER_INDEX.get(fold(_period_cut(name)))
    guessed = False
    if hit is None:
        pair = _pair_in_one(name)
        if pair is not None:
            return HeaderReading(pair[0], unit, True, pair[1])
        guessed = True
        cands = [k for k in _HEADER_INDEX if len(k) >= 6 and key.startswith(k)]
        if cands:
            hit = _HEADER_INDEX[max(cands, key=len)]
        else:
            # a distinctive name inside a longer header ("Tổng vốn đối ứng"); only one field may be named
            inside = _words(key)
            if len({_HEADER_INDEX[k][0] for k in inside}) == 1:
                hit = _HEADER_INDEX[max(inside, key=len)]
    if hit is None:
        return HeaderReading(None, unit, False, None)
    field_, matched = hit
    if field_ in MONEY_FIELDS and unit is None and key.endswith("vnd"):
        unit = "dong"  # canonical money columns (support_vnd) are in đồng
    return HeaderReading(field_, unit, guessed, matched)


def read_header(text: Any) -> HeaderReading:
    """What one header cell means: its canonical field, money unit, and how it was read.

    An exact vocabulary entry wins (after cutting the unit "(triệu đồng)" and an as-of period
    "đến 30/6/2020"); then a money family followed by a source ("Giải ngân KCQG"); then the
    longest known name the header starts with ("Kinh phí đã thực hiện lũy kế" -> executed);
    then a distinctive known name it contains, if only one field is named that way.

    Examples
    --------
    >>> read_header("Kinh phí khuyến công (triệu đồng)")
    HeaderReading(field='support_vnd', unit='trieu', guessed=False, matched='Kinh phí khuyến công')
    >>> read_header("Giải ngân đến 30/6/2020").field, read_header("Kinh phí đã thực hiện lũy kế").guessed
    ('executed', True)
    """
    if is_empty(text):
        return HeaderReading(None, None, False, None)
    name, unit = split_unit(text)
    return _read_name(name, unit)


def map_header(header: Any) -> tuple[str | None, str | None]:
    """Canonical field of a column header and its money unit (:func:`read_header`, shortened).

    Examples
    --------
    >>> map_header("Kinh phí khuyến công (triệu đồng)"), map_header("TÊN ĐỀ ÁN"), map_header("Ghi chú")
    (('support_vnd', 'trieu'), ('title', None), ('note', None))
    """
    r = read_header(header)
    return r.field, r.unit


def suggest_fields(text: Any, n: int = 3) -> list[str]:
    """Up to ``n`` known header names close to ``text`` (for a "column not placed" message).

    Examples
    --------
    >>> suggest_fields("Tinh trang de an")
    ['Tình trạng', 'Tỉnh thành', 'Tổng số đề án']
    """
    name, _ = _strip_unit(text)
    return closest(name, [n for ns in _HEADERS.values() for n in ns], n)


# -- a column's stacked header rows (merged parents) ---------------------------------------
# Money families, read from the parent; the source (or total, counterpart) from the child.
_FAMILIES: dict[str, tuple[str, ...]] = {
    # "Kinh phí thực hiện" is the money to carry a project out (its budget), not money spent
    "support": ("Kinh phí", "Kinh phí khuyến công", "Kinh phí hỗ trợ", "Kinh phí được duyệt", "Dự toán",
                "Kinh phí phê duyệt", "Kinh phí nhà nước hỗ trợ", "Nguồn vốn", "Nguồn kinh phí", "Nguồn KP",
                "Cơ cấu nguồn vốn", "Kinh phí thực hiện", "Tổng kinh phí", "Kinh phí thực hiện đề án"),
    "executed": ("Giải ngân", "Đã giải ngân", "Thực hiện", "Lũy kế", "Lũy kế giải ngân",
                 "Lũy kế thực hiện", "Kinh phí giải ngân", "Kinh phí đã giải ngân", "Đã thực hiện",
                 "Kinh phí đã thực hiện", "Giá trị giải ngân"),
    "approved": ("Kế hoạch", "Kế hoạch giao", "Kế hoạch được giao", "Kế hoạch được duyệt", "Kế hoạch kinh phí",
                 "Kế hoạch vốn"),
}
_CHILDREN: dict[str, tuple[str, ...]] = {
    "national": ("KCQG", "Khuyến công quốc gia", "Quốc gia", "Trung ương", "Ngân sách trung ương", "NSTW",
                 "Kinh phí KCQG", "Kinh phí khuyến công quốc gia"),
    "local": ("KCĐP", "Khuyến công địa phương", "Địa phương", "Ngân sách địa phương", "Ngân sách tỉnh", "NSĐP",
              "Kinh phí KCĐP", "Kinh phí khuyến công địa phương"),
    "total": ("Tổng số", "Tổng", "Tổng cộng", "Cộng", "Tổng kinh phí"),
    "support": ("Khuyến công hỗ trợ", "Hỗ trợ", "Nhà nước hỗ trợ", "Ngân sách hỗ trợ", "Khuyến công",
                "Ngân sách nhà nước hỗ trợ", "Kinh phí hỗ trợ"),
    "counterpart": ("Đối ứng", "Vốn đối ứng", "Kinh phí đối ứng", "Vốn đóng góp", "Doanh nghiệp đối ứng",
                    "DN đối ứng", "Cơ sở đối ứng"),
}
_PAIRS: dict[tuple[str, str], str] = {
    ("support", "national"): "support_national", ("support", "local"): "support_local",
    ("support", "total"): "support_total", ("support", "counterpart"): "counterpart_vnd",
    ("support", "support"): "support_vnd",
    ("executed", "national"): "executed_national", ("executed", "local"): "executed_local",
    ("executed", "total"): "executed_total",
    ("approved", "national"): "approved_national", ("approved", "local"): "approved_local",
    ("approved", "total"): "approved_total",
}
_FAMILY_FIELD = {"support": "support_vnd", "executed": "executed", "approved": "approved"}
# Dates: a time word over an event ("Thời gian" / "Phê duyệt"), in either order.
_TIME_WORDS = ("Thời gian", "Ngày", "Thời hạn", "Thời gian thực hiện", "Ngày tháng", "Ngày, tháng, năm",
               "Thời điểm")
_TIME_EVENTS: dict[str, tuple[str, ...]] = {
    "approved_on": ("Phê duyệt", "Quyết định phê duyệt", "QĐ phê duyệt", "Được phê duyệt", "Giao kế hoạch"),
    "planned_end": ("Hoàn thành", "Kết thúc", "Dự kiến hoàn thành"),
    "accepted_on": ("Nghiệm thu",),
    "stopped_on": ("Dừng thực hiện", "Ngừng thực hiện"),
}
_FILLERS = ("Trong đó", "Chia ra", "Bao gồm", "Gồm", "Cụ thể", "Chi tiết", "Trong đó gồm")
# Children whose meaning is their parent's ("Đơn vị thụ hưởng" / "Tên", "Số lượng").
_GENERIC = ("Tên", "Mã", "Số", "Số lượng", "Năm")


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, str]]:
    return {fold(n): (k, n) for k, ns in table.items() for n in ns}


_FAMILY_INDEX = _index(_FAMILIES)
_CHILD_INDEX = _index(_CHILDREN)
_EVENT_INDEX = _index(_TIME_EVENTS)
_TIME_INDEX = {fold(n): n for n in _TIME_WORDS}
_FILLER_KEYS = {fold(n) for n in _FILLERS}
_GENERIC_KEYS = {fold(n) for n in _GENERIC}


def _family(name: str) -> tuple[str, str, bool] | None:
    """(family, entry, by rule) of a money parent, the period cut; a longer name by its start."""
    key = fold(_period_cut(name))
    if key in _FAMILY_INDEX:
        return (*_FAMILY_INDEX[key], False)
    cands = [k for k in _FAMILY_INDEX if len(k) >= 6 and key.startswith(k)]
    # "Kinh phí đối ứng của DN" starts like a family but is another money column
    if cands and _read_name(name, None).field in (None, *_FAMILY_FIELD.values()):
        return (*_FAMILY_INDEX[max(cands, key=len)], True)
    return None


def _pair_in_one(name: str) -> tuple[str, str] | None:
    """A family and a source in one header ("Giải ngân KCQG", "Kế hoạch KCĐP"): (field, entry)."""
    key = fold(_period_cut(name))
    for fam_key in sorted(_FAMILY_INDEX, key=len, reverse=True):
        rest = key[len(fam_key):]
        if key.startswith(fam_key) and rest in _CHILD_INDEX:
            (fam, f_entry), (child, c_entry) = _FAMILY_INDEX[fam_key], _CHILD_INDEX[rest]
            if (fam, child) in _PAIRS:
                return _PAIRS[fam, child], f"{f_entry} / {c_entry}"
    return None


def read_header_parts(parts: Sequence[Any]) -> HeaderReading:
    """What a column means from its stacked header cells, top (merged parent) to bottom.

    Empty cells and fillers ("Trong đó", "Chia ra", "Bao gồm") are skipped; one part left is
    :func:`read_header`. A money family above a source, total or counterpart child gives the
    split fields (["Kinh phí (triệu đồng)", "KCQG"] -> support_national; ["Giải ngân đến
    30/6/2020", "Tổng số"] -> executed_total; ["Kế hoạch", "KCĐP"] -> approved_local); a time
    word with an event gives a date field (["Thời gian", "Phê duyệt"] -> approved_on). The
    family is the nearest specific one above the child ("Kinh phí" is the generic support
    family, so ["Kế hoạch", "Kinh phí", "KCQG"] is approved_national). Otherwise the child is
    read alone, unless it is a generic word ("Tên", "Số lượng") under a known parent, which
    then names the column. A source child under a parent that is no money family, or a child
    under a time word that names no event, is not placed: nothing is guessed. The unit is taken
    from any part that states one, the child first.

    Examples
    --------
    >>> read_header_parts(["Kinh phí (triệu đồng)", "Trong đó", "KCĐP"])
    HeaderReading(field='support_local', unit='trieu', guessed=False, matched='Kinh phí / KCĐP')
    >>> read_header_parts(["Thời gian", "Hoàn thành"]).field, read_header_parts(["", "Tên đề án"]).field
    ('planned_end', 'title')
    """
    names: list[str] = []
    unit: str | None = None
    for p in reversed(parts):  # the child's unit first
        name, u = _strip_unit(p)
        unit = unit or u
        if fold(name) and fold(name) not in _FILLER_KEYS:
            names.insert(0, name)
    if len(names) <= 1:
        r = _read_name(names[0] if names else "", None)
        return HeaderReading(r.field, unit or r.unit, r.guessed, r.matched)
    child, parents = names[-1], names[:-1][::-1]  # parents nearest first
    ckey = fold(child)
    fams = [f for f in map(_family, parents) if f is not None]
    specific = [f for f in fams if f[0] != "support"]
    fam = specific[0] if specific else fams[0] if fams else None
    # money: a family over a source / total / counterpart, or over another family
    if ckey in _CHILD_INDEX:
        kind, c_entry = _CHILD_INDEX[ckey]
        if fam is None or (fam[0], kind) not in _PAIRS:
            return HeaderReading(None, unit, False, None)
        return HeaderReading(_PAIRS[fam[0], kind], unit, fam[2], f"{fam[1]} / {c_entry}")
    cfam = _family(child)
    if cfam is not None and fam is not None:
        kinds = {cfam[0], fam[0]} - {"support"} or {"support"}
        if len(kinds) > 1:
            return HeaderReading(None, unit, False, None)
        return HeaderReading(_FAMILY_FIELD[kinds.pop()], unit, True, f"{fam[1]} / {cfam[1]}")
    # dates: a time word and an event, in either order
    for p in parents:
        pkey = fold(p)
        for t, e in ((pkey, ckey), (ckey, pkey)):
            if t in _TIME_INDEX and e in _EVENT_INDEX:
                field_, e_entry = _EVENT_INDEX[e]
                first, second = (_TIME_INDEX[t], e_entry) if t == pkey else (e_entry, _TIME_INDEX[t])
                return HeaderReading(field_, unit, False, f"{first} / {second}")
    if any(fold(p) in _TIME_INDEX or fold(p) in _EVENT_INDEX for p in parents) or fam is not None:
        return HeaderReading(None, unit, False, None)  # e.g. "Thời gian" / "Bắt đầu": no such field
    c = _read_name(child, None)
    if ckey in _GENERIC_KEYS:
        for p in parents:
            pr = _read_name(p, None)
            if pr.field is not None:
                return HeaderReading(pr.field, unit or pr.unit, True, pr.matched)
    if c.field is None:
        return HeaderReading(None, unit, False, None)
    return HeaderReading(c.field, unit or c.unit, True, c.matched)

"""Vietnamese words in provincial spreadsheets: column headers, statuses, activities, sources.

Pure functions of one cell (no I/O). Words are compared folded: without diacritics, case,
spacing or punctuation (:func:`kceval.text.fold`), so "TÌNH TRẠNG", "Tình trạng" and
"tinh trang" are the same header. An unknown word raises :class:`~kceval.io.numbers.ParseError`
with a hint listing the accepted words; nothing is guessed. The official activity names and
the short names reports use are read from :mod:`kceval.display.labels`.
"""
from __future__ import annotations

import re
from typing import Any

from .. import geo
from ..display.labels import LABELS
from ..schema import ACTIVITIES
from ..text import fold
from .numbers import ParseError, is_empty, parse_int, split_unit

# -- headers ---------------------------------------------------------------------------------
# canonical field -> folded header names (Vietnamese and English); see DESIGN.md §2.
_HEADERS: dict[str, tuple[str, ...]] = {
    "project_id": ("madean", "maduan", "masodean", "sohieudean", "projectid", "ma", "id", "code"),
    "row_label": ("stt", "sott", "tt", "so", "sothutu"),
    "title": ("tendean", "tenduan", "tendeanduan", "title", "tendeankhuyencong", "name", "ten", "projecttitle",
              "projectname"),
    "year": ("nam", "namkehoach", "year", "namthuchien"),
    "province": ("tinh", "tinhthanhpho", "tinhthanh", "tinhtp", "province", "diaban"),
    "source": ("nguonvon", "nguonkinhphi", "source", "nguon", "nguonngansach"),
    "activity": ("noidung", "linhvuc", "hoatdong", "activity", "noidunghotro", "loaihinh", "noidungkhuyencong"),
    "beneficiaries": ("socosothuhuong", "donvithuhuong", "socoso", "beneficiaries", "cosothuhuong", "sodonvithuhuong"),
    "pilot": ("deandiem", "pilot"),
    "group": ("deannhom", "group"),
    "support_vnd": ("kinhphikhuyencong", "kinhphihotro", "kinhphi", "support", "supportvnd", "kinhphinhanuochotro",
                    "kinhphipheduyet", "kinhphiduocduyet"),
    "counterpart_vnd": ("vondoiung", "kinhphidoiung", "counterpart", "counterpartvnd", "vondonggop"),
    "approved_on": ("ngaypheduyet", "ngayquyetdinh", "approvedon", "ngaygiaokehoach", "approvaldate"),
    "planned_end": ("thoigianhoanthanh", "ngayketthuc", "plannedend", "thoihanhoanthanh", "ngayhoanthanh"),
    "status": ("tinhtrang", "tiendo", "trangthai", "status", "tinhhinhthuchien", "ketquathuchien"),
    "accepted_on": ("ngaynghiemthu", "acceptedon"),
    "stopped_on": ("ngaydung", "ngayngung", "stoppedon", "ngaydungthuchien"),
    "finished_on": ("finishedon", "ngayhoanthanhthucte"),
    "output_count": ("outputcount", "ketquadaura", "sanpham", "soluong"),
    "executed": ("kinhphidathuchien", "dagiaingan", "luykegiaingan", "giaingan", "kinhphithuchien", "executed",
                 "executedvnd", "dathuchien", "luykethuchien", "kinhphigiaingan", "kinhphidagiaingan", "thuchien"),
    "approved": ("kehoach", "kehoachduocduyet", "kehoachkinhphi", "approved", "approvedvnd", "kehoachgiao",
                 "dutoan", "dutoanduocgiao", "kehoachduocgiao"),
    "revised": ("kehoachdieuchinh", "revised", "revisedvnd", "kehoachsaudieuchinh", "dieuchinhkehoach"),
    "date": ("date", "ngay", "ngaythanhtoan", "ngaychi", "ngaygiaingan"),
    "amount": ("amount", "amountvnd", "sotien", "sotienthanhtoan", "sotienchi"),
}
_HEADER_INDEX = {k: f for f, ks in _HEADERS.items() for k in ks}
MONEY_FIELDS = ("support_vnd", "counterpart_vnd", "executed", "approved", "revised", "amount")


def map_header(header: Any) -> tuple[str | None, str | None]:
    """Canonical field of a column header (any case, diacritics or spacing) and its money unit.

    An exact match wins; otherwise the longest known name the header starts with (e.g.
    "Kinh phí đã thực hiện lũy kế" -> executed). Headers named like canonical money columns
    (``support_vnd``) are in đồng.

    Examples
    --------
    >>> map_header("Kinh phí khuyến công (triệu đồng)"), map_header("TÊN ĐỀ ÁN"), map_header("Ghi chú")
    (('support_vnd', 'trieu'), ('title', None), (None, None))
    """
    if is_empty(header):
        return None, None
    name, unit = split_unit(header)
    key = fold(name)
    if not key:
        return None, unit
    field_ = _HEADER_INDEX.get(key)
    if field_ is None:
        cands = [k for k in _HEADER_INDEX if len(k) >= 6 and key.startswith(k)]
        field_ = _HEADER_INDEX[max(cands, key=len)] if cands else None
    if field_ in MONEY_FIELDS and unit is None and key.endswith("vnd"):
        unit = "dong"
    return field_, unit


# -- words -----------------------------------------------------------------------------------
_STATUS = {
    "danghiemthu": "accepted", "nghiemthu": "accepted", "hoanthanhdanghiemthu": "accepted", "accepted": "accepted",
    "hoanthanh": "finished", "dahoanthanh": "finished", "hoanthanhchonghiemthu": "finished", "chonghiemthu": "finished",
    "finished": "finished",
    "dangthuchien": "in_progress", "dangtrienkhai": "in_progress", "inprogress": "in_progress",
    "dungthuchien": "stopped", "ngung": "stopped", "ngungthuchien": "stopped", "dung": "stopped", "huy": "stopped",
    "dahuy": "stopped", "huybo": "stopped", "dadung": "stopped", "stopped": "stopped",
    "chuatrienkhai": "approved", "chuathuchien": "approved", "approved": "approved",
    "tamdung": "suspended", "tamngung": "suspended", "suspended": "suspended",
}
_STATUS_EVENT = {"giahan": "extension", "dagiahan": "extension", "xingiahan": "extension",
                 "dieuchinh": "adjustment", "dadieuchinh": "adjustment"}


def parse_status(value: Any) -> tuple[str, str | None] | None:
    """Status code and the event a status word implies (``'extension'``/``'adjustment'``).

    "Hoàn thành" alone means the physical work is done, so it is ``finished``; only a word
    with "nghiệm thu" is ``accepted`` (so completion is never overstated). "Gia hạn" and
    "Điều chỉnh" are events (DOMAIN.md): the project is ``in_progress`` with that event.

    Examples
    --------
    >>> parse_status("Đã nghiệm thu"), parse_status("Hoàn thành"), parse_status("Gia hạn")
    (('accepted', None), ('finished', None), ('in_progress', 'extension'))
    """
    if is_empty(value):
        return None
    key = fold(value)
    if key in _STATUS:
        return _STATUS[key], None
    if key in _STATUS_EVENT:
        return "in_progress", _STATUS_EVENT[key]
    raise ParseError(
        f"{value!r} is not a known status word",
        "use Đã nghiệm thu, Hoàn thành, Đang thực hiện, Gia hạn, Điều chỉnh, Dừng thực hiện, "
        "Tạm dừng or Chưa triển khai (or the codes approved, in_progress, finished, accepted, stopped, suspended)",
    )


# the official names (vi and en) of each activity, then its code and common short forms
_ACTIVITY = {fold(name): a for a in ACTIVITIES for name in LABELS[f"activity_{a}"]}
_ACTIVITY.update({a.replace("_", ""): a for a in ACTIVITIES})
_ACTIVITY.update({
    "daotao": "training", "daotaonghe": "training", "truyennghe": "training", "daotaotruyennghe": "training",
    "nangcaonangluc": "capacity", "nangcaonanglucquanly": "capacity", "khoisudoanhnghiep": "capacity",
    "mohinhtrinhdien": "demonstration", "trinhdien": "demonstration", "xaydungmohinhtrinhdien": "demonstration",
    "maymocthietbi": "machinery", "hotromaymocthietbi": "machinery", "ungdungmaymocthietbi": "machinery",
    "hotroungdungmaymocthietbi": "machinery", "maymoc": "machinery",
    "sanxuatsachhon": "cleaner_production", "sxsh": "cleaner_production",
    "hoicho": "fair", "trienlam": "fair", "hoichotrienlam": "fair",
    "binhchonsanpham": "product_award", "sanphamcnnttieubieu": "product_award", "binhchon": "product_award",
    "thuonghieu": "brand", "xaydungthuonghieu": "brand", "dangkythuonghieu": "brand",
    "tuvan": "consulting", "thongtintuyentruyen": "communication", "tuyentruyen": "communication",
    "lienket": "linkage", "hiephoi": "linkage", "lienketlienke": "linkage",
    "cumcongnghiep": "industrial_cluster", "cumcn": "industrial_cluster", "ccn": "industrial_cluster",
    "hoptacquocte": "cooperation", "quanly": "management", "quanlychuongtrinh": "management",
})
_ACTIVITY_WORDS = ("maymocthietbi", "thuonghieu", "hoicho", "trienlam", "sanxuatsachhon", "mohinhtrinhdien",
                   "daotao", "truyennghe", "tuvan", "tuyentruyen", "cumcongnghiep", "hoptacquocte", "binhchon",
                   "khoisudoanhnghiep", "nangcaonangluc", "lienket")


def parse_activity(value: Any) -> str | None:
    """Activity code (DOMAIN.md) from a code, a Vietnamese label or a common short form.

    Examples
    --------
    >>> parse_activity("Máy móc thiết bị"), parse_activity("Hội chợ, triển lãm"), parse_activity("Đào tạo nghề")
    ('machinery', 'fair', 'training')
    """
    if is_empty(value):
        return None
    key = fold(value)
    if key in _ACTIVITY:
        return _ACTIVITY[key]
    found = {_ACTIVITY[w] for w in _ACTIVITY_WORDS if w in key}
    if len(found) == 1:
        return found.pop()
    raise ParseError(f"{value!r} is not a known activity" + (" (it names several)" if found else ""),
                     "use an activity code of DOMAIN.md (e.g. machinery) or its Vietnamese label "
                     "(e.g. 'Hỗ trợ ứng dụng máy móc thiết bị tiên tiến', 'Đào tạo nghề', 'Hội chợ, triển lãm')")


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


def province_from_text(text: str) -> str | None:
    """The province a title names after "tỉnh" / "thành phố" / "TP", or None.

    Examples
    --------
    >>> province_from_text("BÁO CÁO KẾT QUẢ KHUYẾN CÔNG TỈNH ĐỒNG NAI NĂM 2019")
    'Đồng Nai'
    """
    words = str(text).replace(",", " ").split()
    low = [fold(w) for w in words]
    for i, w in enumerate(low):
        if w in ("tinh", "tp", "thanhpho", "pho"):
            for n in (6, 5, 4, 3, 2, 1):
                cand = " ".join(words[i + 1: i + 1 + n])
                if not cand:
                    continue
                try:
                    return geo.match_province(cand)
                except Exception:  # noqa: BLE001 - any failure means "not this span"
                    continue
    return None


def source_from_text(text: str) -> str | None:
    """``'national'`` or ``'local'`` when a title or section row names exactly one of them."""
    s = fold(text)
    nat = any(k in s for k in ("quocgia", "kcqg", "trunguong"))
    loc = any(k in s for k in ("diaphuong", "kcdp"))
    return "national" if nat and not loc else "local" if loc and not nat else None


_TOTAL = re.compile(r"^(tongcong|tongso|tong|cong|total|subtotal|grandtotal|cong ?(toan ?tinh)?)([ivx]+|[a-d]|\d+)?$")


def is_total_label(value: Any) -> bool:
    """True for a totals-row label: "Tổng cộng", "Cộng", "Tổng", "Tổng số", "Cộng I", "Total".

    Examples
    --------
    >>> is_total_label("Tổng cộng"), is_total_label("Cộng:"), is_total_label("Công ty A")
    (True, True, False)
    """
    if not isinstance(value, str) or is_empty(value):
        return False
    key = fold(value)
    return bool(_TOTAL.match(key)) or key.startswith("tongcong") or key.startswith("congtoan")


def parse_province(v: Any) -> str:
    """Canonical province name (:func:`kceval.geo.match_province`); unknown -> ParseError with suggestions."""
    try:
        return geo.match_province(str(v))
    except geo.UnknownProvinceError as exc:
        hint = (f"did you mean {', '.join(map(repr, exc.suggestions))}?" if exc.suggestions
                else "no close match; write one of the 63 provinces, see kceval.geo.PROVINCE_NAMES")
        raise ParseError(f"unknown province {v!r}", hint) from None


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

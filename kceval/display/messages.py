"""Data problems in the report's language: the messages of :mod:`kceval.dataset.validate` in Vietnamese.

Problems are found and reported in English by the validator (``kceval validate`` prints them with file, sheet,
row, column, value and hint). A report shows them counted by kind, and a Vietnamese report must read in
Vietnamese: :func:`problem_message` matches each message against the validator's templates and writes it again in
Vietnamese, with the column names in words (:func:`column_name`). A message no template matches is said in a
general sentence that points to ``kceval validate``, never in English.

Examples
--------
>>> problem_message("status is accepted but accepted_on is empty", "vi")
'trạng thái là “đã nghiệm thu” nhưng ngày nghiệm thu để trống'
>>> problem_message("status is accepted but accepted_on is empty", "en")
'status is accepted but accepted_on is empty'
"""
from __future__ import annotations

import re
from collections.abc import Callable

from .labels import check_lang, group_label, has_label, label

# the canonical tables' columns in words (DESIGN.md §2)
COLUMNS_VI: dict[str, str] = {
    "year": "năm kế hoạch", "province": "tỉnh", "source": "nguồn vốn", "approved_vnd": "kế hoạch vốn",
    "project_id": "mã đề án", "activity": "hoạt động", "title": "tên đề án", "beneficiaries": "số cơ sở thụ hưởng",
    "pilot": "đề án điểm", "group": "đề án nhóm", "support_vnd": "kinh phí hỗ trợ", "counterpart_vnd": "vốn đối ứng",
    "approved_on": "ngày phê duyệt", "planned_end": "hạn hoàn thành", "planned end": "hạn hoàn thành",
    "status": "trạng thái", "finished_on": "ngày hoàn thành", "accepted_on": "ngày nghiệm thu",
    "stopped_on": "ngày dừng", "output_count": "số kết quả", "note": "ghi chú", "date": "ngày",
    "kind": "loại sự kiện", "new_planned_end": "hạn hoàn thành mới", "new_support_vnd": "kinh phí hỗ trợ mới",
    "amount_vnd": "số tiền",
}
TABLES_VI: dict[str, str] = {"plans": "kế hoạch vốn", "projects": "đề án", "events": "sự kiện",
                             "payments": "thanh toán"}


def column_name(column: object, lang: str) -> str:
    """A canonical column in words (Vietnamese), or as it is (English: the column names are English words).

    Examples
    --------
    >>> column_name("accepted_on", "vi"), column_name("accepted_on", "en")
    ('ngày nghiệm thu', 'accepted_on')
    """
    c = "" if column is None else str(column)
    return COLUMNS_VI.get(c, c) if check_lang(lang) == "vi" else c


def table_name(table: str, lang: str) -> str:
    """A canonical table in words: ``đề án`` / ``projects``."""
    return TABLES_VI.get(table, table) if check_lang(lang) == "vi" else table


def _status(s: str) -> str:
    return group_label(s, "status", "vi").lower() if has_label(f"st_{s}") else s


_CHECK_VI = {"at least": "phải từ {arg} trở lên", "greater than": "phải lớn hơn {arg}",
             "at most": "phải không quá {arg}", "less than": "phải nhỏ hơn {arg}",
             "in the range": "phải trong khoảng {arg}"}

# (template of the validator, its Vietnamese); fields: c a column, t a table, s a status, src a source, v a value
_TEMPLATES: list[tuple[str, str]] = [
    (r"status is (?P<s>\w+) but (?P<c>\w+) is empty", "trạng thái là “{s}” nhưng {c} để trống"),
    (r"(?P<c>\w+) is given but the status is not (?P<s>\w+)", "có {c} nhưng trạng thái không phải “{s}”"),
    (r"(?P<c>[\w ]+) is before the approval date", "{c} trước ngày phê duyệt"),
    (r"(?P<c>\w+) is empty", "{c} để trống"),
    (r"duplicate (?P<c>\w+)", "{c} bị trùng"),
    (r"(?P<v>.*) is not an allowed (?P<c>\w+)", "{v} không phải giá trị hợp lệ của {c}"),
    (r"(?P<c>\w+) must be (?P<op>at least|greater than|at most|less than|in the range) (?P<arg>.+)", "{c} {op}"),
    (r"(?P<c>\w+) has a value of the wrong type.*", "{c} có giá trị sai kiểu"),
    (r"(?P<c>\w+) must be a whole number", "{c} phải là số nguyên"),
    (r"(?P<c>\w+) of (?P<v>.+) is beyond any plausible amount.*", "{c} bằng {v} vượt quá mọi mức hợp lý"),
    (r"(?P<c>\w+) of (?P<v>.+) is not a plausible count", "{c} bằng {v} không phải một số đếm hợp lý"),
    (r"(?P<v>.*) is not a yes/no value", "{v} không phải giá trị có/không"),
    (r"required column '(?P<c>\w+)' is missing from the (?P<t>\w+) table", "bảng {t} thiếu cột {c}"),
    (r"the (?P<c>\w+) column adds up to more than can be summed exactly in integer VND",
     "tổng cột {c} quá lớn để cộng chính xác bằng đồng"),
    (r"(?P<c>\w+) (?P<v>\S+) is outside the programme's years \((?P<a>\d+)–(?P<b>\d+)\)",
     "{c} {v} nằm ngoài các năm của chương trình ({a}–{b})"),
    (r"a second plan row for (?P<y>\d+), (?P<p>.+), (?P<src>\w+)", "dòng kế hoạch thứ hai cho năm {y}, {p}, {src}"),
    (r"no plan row for (?P<y>\d+), (?P<p>.+), (?P<src>\w+)", "không có dòng kế hoạch cho năm {y}, {p}, {src}"),
    (r"points to a project that was excluded because of its own errors",
     "trỏ tới một đề án đã bị loại vì lỗi của chính đề án đó"),
    (r"points to an unknown project", "trỏ tới một đề án không có trong bảng đề án"),
    (r"payments \((?P<v>[\d,]+) VND\) exceed support by more than (?P<p>\d+)%",
     "các khoản thanh toán ({v} đồng) vượt kinh phí hỗ trợ quá {p}%"),
    (r"payment dated more than a month before the project's approval",
     "khoản thanh toán có ngày sớm hơn ngày phê duyệt đề án quá một tháng"),
]
_COMPILED: list[tuple[re.Pattern[str], str]] = [(re.compile(p + r"\Z"), vi) for p, vi in _TEMPLATES]


def _fields(m: re.Match[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    conv: dict[str, Callable[[str], str]] = {
        "c": lambda v: column_name(v, "vi"), "t": lambda v: table_name(v, "vi"), "s": _status,
        "src": lambda v: group_label(v, "source", "vi"),
        # a number in English digit groups is written the Vietnamese way; a quoted value loses its quotes
        "v": lambda v: v.replace(",", ".") if re.fullmatch(r"[\d,]+", v) else f"“{v.strip(chr(39))}”"}
    for k, v in m.groupdict().items():
        out[k] = conv[k](v) if k in conv else v
    if "op" in out:
        out["op"] = _CHECK_VI[out["op"]].format(arg=out.pop("arg"))
    return out


def problem_message(message: str, lang: str) -> str:
    """A validator's message in the report language (see the module notes).

    Examples
    --------
    >>> problem_message("planned end is before the approval date", "vi")
    'hạn hoàn thành trước ngày phê duyệt'
    >>> problem_message("something new", "vi")
    'vấn đề khác trong dữ liệu (chi tiết: lệnh kceval validate)'
    """
    if check_lang(lang) == "en":
        return message
    for pattern, vi in _COMPILED:
        m = pattern.match(message)
        if m:
            return vi.format(**_fields(m))
    return label("problem_other", "vi")

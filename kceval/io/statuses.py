"""Status cells of provincial spreadsheets: the status phrases people write and how they are read.

Pure functions of one cell (no I/O). A status cell ("Đã nghiệm thu ngày 12/5/2020", "Xin gia
hạn đến 31/12/2020", "Dừng thực hiện (DN không đủ vốn)") is read as a status of DOMAIN.md
"Project lifecycle and statuses", an event (extension, adjustment), its dates and a note
(:class:`StatusReading`). Phrases are compared folded (:func:`kceval.text.fold`), so "Hủy",
"Huỷ" (either tone placement, NFC or NFD) are the same status; completion is never overstated
(only "nghiệm thu" means accepted). An unknown phrase raises
:class:`~kceval.io.numbers.ParseError` whose hint names the closest known phrases.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..text import clean_text, fold, shadow
from .dates import parse_date
from .numbers import ParseError, is_empty
from .words import closest, did_you_mean


@dataclass(frozen=True)
class StatusReading:
    """A status cell read as people write it (DOMAIN.md "Project lifecycle and statuses").

    Attributes
    ----------
    status : str
        One of approved, in_progress, finished, accepted, stopped, suspended.
    event : str or None
        ``'extension'`` (gia hạn) or ``'adjustment'`` (điều chỉnh): events, not statuses, so the
        project is ``in_progress``. A stop or an acceptance is the status itself.
    on : Timestamp or None
        The date the text gives for its status or event: the acceptance date for accepted, the
        stop date for stopped (a decision's date when only a decision is cited), the event date
        for an extension or adjustment.
    new_planned_end : Timestamp or None
        The deadline an extension or adjustment sets ("đến 31/12/2020"; a month or quarter means
        its last day).
    note : str or None
        What the text adds, in its own spelling: what was adjusted, a reason in parentheses or
        after a dash, a decision ("QĐ số 123/QĐ-SCT ngày 5/6/2020"); several joined by "; ".
    """

    status: str
    event: str | None = None
    on: pd.Timestamp | None = None
    new_planned_end: pd.Timestamp | None = None
    note: str | None = None


_STATUS_CODES = ("approved", "in_progress", "finished", "accepted", "stopped", "suspended")
_PRE = ("", "Đã ", "Xin ", "Được ", "Đề nghị ")  # "Xin gia hạn": asked for, still an extension event


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


# Phrase -> (status, event). Only phrases with "nghiệm thu" (and not "chờ", "đang") are accepted,
# so completion is never overstated; "Hoàn thành" alone is physical work done.
_STATUS_PHRASES: dict[str, tuple[str, str | None]] = {
    **dict.fromkeys(("Đã nghiệm thu", "Nghiệm thu", "Hoàn thành, đã nghiệm thu", "Hoàn thành và nghiệm thu",
                     "Đã hoàn thành và nghiệm thu", "Đã hoàn thành, đã nghiệm thu", "Nghiệm thu xong",
                     "Đã nghiệm thu, thanh lý", "Đã nghiệm thu và thanh lý", "Đã nghiệm thu, quyết toán",
                     "Đã nghiệm thu và quyết toán"), ("accepted", None)),
    **dict.fromkeys(("Hoàn thành", "Đã hoàn thành", "Hoàn thành chờ nghiệm thu", "Đã hoàn thành, chờ nghiệm thu",
                     "Chờ nghiệm thu", "Đang nghiệm thu", "Hoàn thành, chưa nghiệm thu",
                     "Đang làm thủ tục nghiệm thu"), ("finished", None)),
    **dict.fromkeys(("Đang thực hiện", "Đang triển khai", "Đang triển khai thực hiện", "Đã triển khai"),
                    ("in_progress", None)),
    **dict.fromkeys((_cap(p + v) for p in _PRE for v in ("gia hạn", "gia hạn thời gian",
                                                          "gia hạn thời gian thực hiện")),
                    ("in_progress", "extension")),
    **dict.fromkeys((_cap(p + "điều chỉnh") for p in _PRE), ("in_progress", "adjustment")),
    **dict.fromkeys(("Dừng thực hiện", "Đã dừng thực hiện", "Ngừng thực hiện", "Đã ngừng thực hiện", "Dừng",
                     "Đã dừng", "Ngừng", "Đã ngừng", "Dừng triển khai", "Không thực hiện", "Không triển khai",
                     "Hủy", "Đã hủy", "Hủy bỏ", "Đã hủy bỏ", "Hủy đề án"), ("stopped", None)),
    **dict.fromkeys(("Tạm dừng", "Tạm ngừng", "Tạm dừng thực hiện", "Tạm ngừng thực hiện", "Tạm hoãn"),
                    ("suspended", None)),
    **dict.fromkeys(("Chưa triển khai", "Chưa thực hiện", "Chưa triển khai thực hiện", "Đã phê duyệt"),
                    ("approved", None)),
}
_STATUS_INDEX = {fold(k): v for k, v in _STATUS_PHRASES.items()}
# What an adjustment changes ("Điều chỉnh nội dung / quy mô"), kept as the note.
_ADJUSTABLE = ("nội dung", "quy mô", "kinh phí", "thời gian", "thời gian thực hiện", "tiến độ", "địa điểm",
               "địa bàn", "đơn vị thụ hưởng", "cơ sở thụ hưởng", "đơn vị thực hiện", "hạng mục", "dự toán",
               "thiết bị", "máy móc thiết bị", "tên đề án", "kế hoạch", "mục tiêu", "phương án")
_ADJUSTABLE_KEYS = {fold(a) for a in _ADJUSTABLE}
_ADJUST = re.compile(r"^(?:(?:da|xin|duoc|de nghi)\s+)?dieu chinh\s+(?P<v>.+)$")

# Regular expressions on the shadow text (lower-case ASCII, punctuation kept); group v is the value.
_DAY = r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2},?\s+nam\s+\d{4}"
_PERIOD = (_DAY + r"|(?:thang\s+)?\d{1,2}\s*[/.\-]\s*\d{4}|thang\s+\d{1,2},?\s+nam\s+\d{4}"
           r"|quy\s+(?:iv|iii|ii|i|[1-4])\s*(?:[/.\-]\s*|\s+nam\s+|\s)\d{4}|nam\s+\d{4}")
_DEADLINE = re.compile(rf"(?:^|\s)(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?(?P<v>{_PERIOD})(?=\W|$)")
_ON = re.compile(rf"(?:^|\s)(?:(?:vao|tu|tai)\s+)?ngay\s+(?P<v>{_DAY})(?=\W|$)")
_BARE_DAY = re.compile(rf"\s(?P<v>{_DAY})$")
_DECISION = re.compile(r"(?<![^\s(])(?:theo\s+)?(?P<v>(?:qd|quyet\s+dinh|cong\s+van|cv|van\s+ban)\b.*?)"
                       r"(?=\s+(?:den|toi)\s|\s+[-–—]\s|\s*[;–—)]|$)")
_PARENS = re.compile(r"\(([^()]*)\)")
_REASON = re.compile(r"\s+[-–—]\s+|\s*[–—]\s*|\s*:\s*")


def _take(text: str, pattern: re.Pattern[str]) -> tuple[str, str | None]:
    """``text`` without the first match of ``pattern`` (found on its shadow), and the match's group v."""
    m = pattern.search(shadow(text))
    if m is None:
        return text, None
    return clean_text(text[: m.start()] + " " + text[m.end():]), text[m.start("v"): m.end("v")]


def _to_date(text: str) -> pd.Timestamp | None:
    """A day, a month or quarter (its last day) or "năm 2020" (31/12)."""
    s = re.sub(r"\s*([/.\-])\s*", r"\1", text)
    year = re.fullmatch(r"nam (\d{4})", fold(s, " "))
    return pd.Timestamp(int(year[1]), 12, 31) if year else parse_date(s)


def _status_error(value: Any, head: str) -> ParseError:
    close = closest(head, [*_STATUS_PHRASES, *(f"Điều chỉnh {a}" for a in _ADJUSTABLE[:3])])
    return ParseError(
        f"{value!r} is not a known status",
        did_you_mean(close) + "write e.g. Đã nghiệm thu, Hoàn thành, Đang thực hiện, Gia hạn đến 31/12/2020, "
        "Điều chỉnh nội dung, Dừng thực hiện (lý do), Tạm dừng, Chưa triển khai, or a code "
        f"({', '.join(_STATUS_CODES)})",
    )


def _read_head(head: str, value: Any) -> StatusReading:
    """The status phrase with its dates ("Gia hạn đến 31/12/2020", "Đã nghiệm thu ngày 12/5/2020")."""
    head, deadline = _take(head, _DEADLINE)
    head, day = _take(head, _ON)
    if day is None:
        head, day = _take(head, _BARE_DAY)
    head = head.strip(" ,;.-–—")
    note = None
    if fold(head) in _STATUS_INDEX:
        status, event = _STATUS_INDEX[fold(head)]
    else:
        m = _ADJUST.match(shadow(head))
        pieces = [fold(p) for p in re.split(r"\s*(?:[/,;&+]|\bva\b)\s*", m["v"])] if m else []
        if not pieces or not all(p in _ADJUSTABLE_KEYS for p in pieces if p):
            raise _status_error(value, head)
        status, event, note = "in_progress", "adjustment", head[m.start("v"):].strip() if m else None
    if deadline is not None and event is None:
        raise ParseError(
            f"{value!r} gives a deadline ('đến …') without an extension or adjustment",
            "a date after 'đến' is read as a new planned end, set by Gia hạn or Điều chỉnh; "
            "put another date in parentheses as a note, e.g. 'Tạm dừng (đến 31/12/2020)'",
        )
    try:
        on, end = _to_date(day) if day else None, _to_date(deadline) if deadline else None
    except ParseError as e:
        raise ParseError(f"{value!r}: {e.message}", e.hint) from None
    return StatusReading(status, event, on, end, note)


def _read_phrase(head: str, value: Any) -> tuple[StatusReading, list[str]]:
    """:func:`_read_head`; else the part before a comma, the rest a note ("Đang thực hiện, đạt 60%")."""
    try:
        return _read_head(head, value), []
    except ParseError as first:
        m = re.match(r"^([^,;]+)[,;]\s*(.+)$", head)
        if m is None:
            raise
        try:
            return _read_head(m[1], value), [m[2]]
        except ParseError:
            raise first from None


def _merge(r: StatusReading, aside: str, value: Any) -> StatusReading | None:
    """An aside that reports the event of an ongoing project, or the acceptance of a finished one."""
    try:
        a = _read_head(aside, value)
    except ParseError:
        return None
    if (r.status == "in_progress" and r.event is None and a.event is not None) or (
            r.status == "finished" and a.status == "accepted"):
        return StatusReading(a.status, a.event, a.on or r.on, a.new_planned_end or r.new_planned_end,
                             "; ".join(n for n in (r.note, a.note) if n) or None)
    return None


def parse_status(value: Any) -> StatusReading | None:
    """A status cell as people write it: status, event, dates and note (:class:`StatusReading`).

    Reads the phrase ("Đã nghiệm thu", "Đang triển khai", "Hủy bỏ", "Tạm ngừng", the English
    codes), a date after "ngày" (the acceptance, stop or event date), a deadline after "đến"
    (the new planned end of an extension or adjustment), a decision cited with "theo QĐ …"
    (its date is ``on`` when no other date is given), what an adjustment changes ("Điều chỉnh
    quy mô"), and reasons in parentheses, after a dash or colon, or after a comma when the
    phrase alone is known: those are kept as the note. An aside that is itself an event of an
    ongoing project ("Đang thực hiện (gia hạn đến 31/12/2020)") or the acceptance of a finished
    one ("Hoàn thành (đã nghiệm thu)") is read as such. "Hoàn thành" alone is ``finished``:
    only "nghiệm thu" means ``accepted``. An unknown phrase raises ParseError naming the closest
    known phrases.

    Examples
    --------
    >>> parse_status("Đã nghiệm thu ngày 12/5/2020")
    StatusReading(status='accepted', event=None, on=Timestamp('2020-05-12 00:00:00'), new_planned_end=None, note=None)
    >>> r = parse_status("Xin gia hạn đến tháng 12/2020")
    >>> r.status, r.event, r.new_planned_end
    ('in_progress', 'extension', Timestamp('2020-12-31 00:00:00'))
    >>> parse_status("Dừng thực hiện (DN không đủ vốn đối ứng)").note
    'DN không đủ vốn đối ứng'
    """
    if is_empty(value):
        return None
    text = clean_text(value)
    if fold(text) in {fold(c) for c in _STATUS_CODES}:
        return StatusReading(next(c for c in _STATUS_CODES if fold(c) == fold(text)))
    text, decision = _take(text, _DECISION)
    asides = [a.strip() for a in _PARENS.findall(text) if a.strip()]
    head, *reason = _REASON.split(clean_text(_PARENS.sub(" ", text)), maxsplit=1)
    r, more = _read_phrase(head, value)
    notes: list[str] = []
    for a in [*more, *(x.strip() for x in reason if x.strip()), *asides]:
        merged = _merge(r, a, value)
        if merged is None:
            notes.append(a)
        else:
            r = merged
    notes = [n for n in (r.note,) if n] + notes
    on = r.on
    if decision is not None:
        notes.append(decision.strip(" ,;."))
        m = re.search(rf"ngay\s+(?P<v>{_DAY})", shadow(decision))
        if on is None and m:
            on = _to_date(decision[m.start("v"): m.end("v")])
    return StatusReading(r.status, r.event, on, r.new_planned_end, "; ".join(notes) or None)

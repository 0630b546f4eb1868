"""Dates and reporting periods in Vietnamese spreadsheet text: date cells and the dates a title names.

Pure functions (no I/O). Dates are read as typed by hand (:func:`parse_when`): a day, or a
month, quarter or year that stands for its last day, with how precise it was (:class:`When`);
Excel day numbers and implausible years are refused with a hint. Title texts give the
reporting period (:func:`period_from_text`), the plan year (:func:`year_from_text`) and the
date the report was signed (:func:`report_date_from_text`), which is not its period. A cell
that cannot be read raises :class:`~kceval.io.numbers.ParseError`, as for numbers.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..text import fold
from .numbers import ParseError, is_empty

# -- dates -----------------------------------------------------------------------------------
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER = r"(iv|iii|ii|i|[1-4])"
PRECISIONS = ("day", "month", "quarter", "year")
# Excel counts days from 1899-12-30 (this origin absorbs its fictitious 29/02/1900). Serials and
# years outside 1950..2099 are typing slips (or a blank date shown as 1900) in a programme of the 2000s.
_EXCEL_ORIGIN = pd.Timestamp("1899-12-30")
_SERIAL_MIN, _SERIAL_MAX = 18264, 73050     # 1950-01-01, 2099-12-31
_YEAR_MIN, _YEAR_MAX = 1950, 2099
_DATE_HINT = "write dates as dd/mm/yyyy, e.g. 21/05/2012, or format the cell as a date"


@dataclass(frozen=True)
class When:
    """A date as typed, with how precise it was: ``'day'``, ``'month'``, ``'quarter'`` or ``'year'``.

    ``date`` is that day at midnight, or the last day of the month, quarter or year (a deadline
    or a reporting period ends then).
    """

    date: pd.Timestamp
    precision: str

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")


def _check_year(y: int, raw: Any) -> None:
    if not _YEAR_MIN <= y <= _YEAR_MAX:
        raise ParseError(f"{raw!r}: year {y} is not a plausible year (expected {_YEAR_MIN}-{_YEAR_MAX})",
                         "check the year; write dates as dd/mm/yyyy, e.g. 21/05/2012")


def _make_date(y: int, m: int, d: int, raw: Any) -> pd.Timestamp:
    _check_year(y, raw)
    try:
        return pd.Timestamp(_dt.date(y, m, d))
    except ValueError:
        raise ParseError(f"{raw!r} is not a real date (day {d}, month {m}, year {y})",
                         "write dates as dd/mm/yyyy, e.g. 28/02/2019") from None


def _period_end(y: int, m: int) -> pd.Timestamp:
    return pd.Timestamp(y, m, 1) + pd.offsets.MonthEnd(0)


def _month_end(y: int, m: int, raw: Any) -> pd.Timestamp:
    _check_year(y, raw)
    if not 1 <= m <= 12:
        raise ParseError(f"{raw!r} is not a real month (month {m}, year {y})", "write a month as mm/yyyy, e.g. 09/2020")
    return _period_end(y, m)


def _from_serial(value: Any) -> When:
    x = float(value)
    if not np.isfinite(x) or not _SERIAL_MIN <= x < _SERIAL_MAX + 1:
        fix = "write dates as dd/mm/yyyy or format the cell as a date"
        ymd = re.fullmatch(r"((?:19|20)\d\d)(\d\d)(\d\d)", str(value))
        if ymd:  # 20190315: a date typed as yyyymmdd digits
            fix = f"if it means {ymd[3]}/{ymd[2]}/{ymd[1]}, write it so or format the cell as a date"
        # the message stays "… is not a date" (as for any other cell); the hint says why and how
        raise ParseError(f"{value!r} is not a date",
                         f"it is not a plausible date serial (Excel day numbers {_SERIAL_MIN}-{_SERIAL_MAX} are "
                         f"01/01/{_YEAR_MIN}-31/12/{_YEAR_MAX}); {fix}")
    return When(_EXCEL_ORIGIN + pd.Timedelta(days=int(np.floor(x))), "day")  # a fraction is the time of day


def parse_when(value: Any) -> When | None:
    """A date as people type it, with its precision; None for an empty cell.

    Accepted: date cells; Excel day numbers (43905 = 15/03/2020); "15/3/2020", "15-03-2020",
    "15.3.2020", "15/03/20" (a two-digit year is 20yy: khuyến công started in 2004, so 19yy
    cannot be meant), "2020-03-15", "ngày 21 tháng 4 năm 2020", "Ngày 21/4/2020"; a month
    ("tháng 9/2020", "T9/2020", "09/2020"), quarter ("Quý III/2020", "Q3/2020") or year
    ("Năm 2020") means its last day. Diacritics and case do not matter; a bare "2020" is refused.

    Examples
    --------
    >>> parse_when("15/3/2020")
    When(date=Timestamp('2020-03-15 00:00:00'), precision='day')
    >>> parse_when("Quý III/2020").date, parse_when("T9/2020").precision, parse_when(43905).date
    (Timestamp('2020-09-30 00:00:00'), 'month', Timestamp('2020-03-15 00:00:00'))
    """
    if is_empty(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ParseError(f"{value!r} is a true/false value, not a date", _DATE_HINT)
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date, np.datetime64)):
        try:
            ts = pd.Timestamp(value).normalize()
        except (ValueError, OverflowError):
            raise ParseError(f"{value!r} is not a plausible date", _DATE_HINT) from None
        _check_year(ts.year, value)
        return When(ts, "day")
    if isinstance(value, (int, float, Decimal, np.integer, np.floating)):
        return _from_serial(value)
    if not isinstance(value, str):
        raise ParseError(f"a {type(value).__name__} value is not a date", _DATE_HINT)
    raw = value.strip()
    first, _, rest = raw.partition(" ")
    if fold(first) == "ngay" and rest:  # "Ngày 21/4/2020": the word only introduces the date
        raw = rest.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", raw)
    if m:
        return When(_make_date(int(m[1]), int(m[2]), int(m[3]), value), "day")
    m = re.fullmatch(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})", raw)
    if m:
        y = int(m[4]) + (2000 if len(m[4]) == 2 else 0)
        return When(_make_date(y, int(m[3]), int(m[1]), value), "day")
    s = fold(raw, " ")
    m = re.fullmatch(r"(\d{1,2}) thang (\d{1,2})(?: nam)? (\d{4})", s)
    if m:
        return When(_make_date(int(m[3]), int(m[2]), int(m[1]), value), "day")
    m = re.fullmatch(r"(?:thang |t)?(\d{1,2})(?: nam)? (\d{4})", s)
    if m and (re.fullmatch(r"\d{1,2}\s*[/.\-]\s*\d{4}", raw) or not s[0].isdigit()):
        return When(_month_end(int(m[2]), int(m[1]), value), "month")
    m = re.fullmatch(rf"(?:quy |q ?){_QUARTER}(?: nam)? (\d{{4}})", s)
    if m:
        _check_year(int(m[2]), value)
        return When(_period_end(int(m[2]), 3 * _ROMAN[m[1]]), "quarter")
    m = re.fullmatch(r"nam (\d{4})", s)
    if m:
        _check_year(int(m[1]), value)
        return When(_period_end(int(m[1]), 12), "year")
    raise ParseError(f"{value!r} is not a date", _DATE_HINT + " (a month as mm/yyyy, a quarter as Quý III/2020)")


def parse_date(value: Any) -> pd.Timestamp | None:
    """The date of :func:`parse_when` (a month, quarter or year as its last day), or None.

    Examples
    --------
    >>> parse_date("21/5/2012"), parse_date("ngày 21 tháng 5 năm 2012"), parse_date("12/2019")
    (Timestamp('2012-05-21 00:00:00'), Timestamp('2012-05-21 00:00:00'), Timestamp('2019-12-31 00:00:00'))
    """
    w = parse_when(value)
    return None if w is None else w.date


# -- title text ------------------------------------------------------------------------------
# After fold(), "30/6/2020" and "ngày 30 tháng 6 năm 2020" both read "30 6 2020" with optional words.
_FULL_DATE = r"(\d{1,2}) (?:thang )?(\d{1,2}) (?:nam )?(\d{4})"
# A document number ("Số: 125/BC-SCT", "45/2012/NĐ-CP") holds digits that are no period or year.
_DOC_NUMBER = re.compile(r"\b\d+(?:\s*/\s*\d+)*\s*/\s*[^\W\d_][\w.\-–]*")
# Place name of the signing line: words, no digits ("Đồng Nai", "TP. Hồ Chí Minh", "Bà Rịa - Vũng Tàu").
_PLACE = re.compile(r"([^\W\d_][^\d,;:()]{0,60}?)\s*,\s*(.+)")


def report_date_from_text(text: str) -> pd.Timestamp | None:
    """The date a report was signed, from its place-and-date line, or None.

    A line "<place>, ngày …" ("Đồng Nai, ngày 08 tháng 7 năm 2020", "Biên Hòa, ngày 08/7/2020")
    or a line that is only a full date ("ngày 08 tháng 7 năm 2020") is the signing date, not the
    period the report covers; the first such line of ``text`` counts.

    Examples
    --------
    >>> report_date_from_text("Đồng Nai, ngày 08 tháng 7 năm 2020"), report_date_from_text("Năm 2020")
    (Timestamp('2020-07-08 00:00:00'), None)
    """
    for line in str(text).splitlines():
        line = line.strip().rstrip(".").strip()
        m = _PLACE.fullmatch(line)
        if m and len(m[1].split()) <= 6 and fold(m[2], " ").startswith("ngay "):
            line = m[2]
        elif m:
            continue
        try:
            w = parse_when(line)
        except ParseError:
            continue
        if w is not None and w.precision == "day":
            return w.date
    return None


def _title_words(text: str) -> tuple[str, str]:
    """Folded text without document numbers; and the same without full dates (signing or decision dates)."""
    s = fold(_DOC_NUMBER.sub(" ", str(text)), " ")
    return s, re.sub(rf"(?:\bngay )?\b{_FULL_DATE}\b", " ", s)


def period_from_text(text: str, year: int | None = None) -> tuple[pd.Timestamp, str] | None:
    """The reporting date a title names and what was read (short English), or None.

    Read in this order: "đến [hết] [ngày] 30/6/2020" (that day); "đến hết tháng 6/2020" or
    "đến hết quý III/2020" (its end); "6 tháng đầu năm 2020" / "9 tháng năm 2020" (end of the
    6th / 9th month); "Quý III/2020"; "tháng 6/2020"; "năm 2020" (31/12). A phrase that names
    no year takes ``year``; without it the phrase is skipped. Other full dates — the signing
    date ("Đồng Nai, ngày 08 tháng 7 năm 2020") or a cited decision's date — are not periods.

    Examples
    --------
    >>> period_from_text("Lũy kế giải ngân đến ngày 30/6/2020")
    (Timestamp('2020-06-30 00:00:00'), 'disbursed up to 30/06/2020')
    >>> period_from_text("6 tháng đầu năm", 2020), period_from_text("Đồng Nai, ngày 08 tháng 7 năm 2020")
    ((Timestamp('2020-06-30 00:00:00'), 'first 6 months of 2020 (year given)'), None)
    """
    s, rest = _title_words(text)

    def y_of(found: str | None) -> tuple[int, str] | None:
        if found:
            y = int(found) + (2000 if len(found) == 2 else 0)
            return (y, "") if _YEAR_MIN <= y <= _YEAR_MAX else None
        return (year, " (year given)") if year is not None else None

    m = re.search(r"\bden (?:het )?(?:ngay )?(\d{1,2}) (?:thang )?(\d{1,2})\b(?: (?:nam )?(\d{4}|\d{2})\b)?", s)
    if m and (y := y_of(m[3])):
        try:
            d = _make_date(y[0], int(m[2]), int(m[1]), text)
        except ParseError:
            return None  # an impossible "đến" date: no other phrase is a safe guess
        what = "disbursed up to" if "giai ngan" in s else "up to"
        return d, f"{what} {d:%d/%m/%Y}{y[1]}"
    m = re.search(r"\bden (?:het )?(?:thang (\d{1,2})|quy " + _QUARTER + r")\b(?: (?:nam )?(\d{4})\b)?", rest)
    if m and (y := y_of(m[3])):
        mo = int(m[1]) if m[1] else 3 * _ROMAN[m[2]]
        if 1 <= mo <= 12:
            what = f"{mo:02d}/{y[0]}" if m[1] else f"Q{_ROMAN[m[2]]} {y[0]}"
            return _period_end(y[0], mo), f"up to the end of {what}{y[1]}"
    # "N tháng" not followed by a day-month number (that would be a date, already set aside)
    m = re.search(r"\b(\d{1,2}) thang\b(?! \d{1,2}\b) ?(?:(dau|cuoi)\b ?)?(?:nam\b ?)?(\d{4}\b)?", rest)
    if m and 1 <= int(m[1]) <= 12 and (y := y_of(m[3])):
        if m[2] == "cuoi":
            return _period_end(y[0], 12), f"last {m[1]} months of {y[0]}{y[1]}"
        return _period_end(y[0], int(m[1])), f"first {m[1]} months of {y[0]}{y[1]}"
    m = re.search(rf"\b(?:quy |q ?){_QUARTER}\b(?: (?:nam )?(\d{{4}})\b)?", rest)
    if m and (m[2] or rest.startswith("quy", m.start())) and (y := y_of(m[2])):  # a year-less "Q3" is too terse
        q = _ROMAN[m[1]]
        return _period_end(y[0], 3 * q), f"Q{q} {y[0]}{y[1]}"
    m = re.search(r"\b(?:thang |t)(\d{1,2}) (?:nam )?(\d{4})\b", rest)
    if m and 1 <= int(m[1]) <= 12 and (y := y_of(m[2])):
        return _period_end(y[0], int(m[1])), f"month {int(m[1]):02d}/{y[0]}"
    m = re.search(r"\bnam (\d{4})\b", rest)
    if m and (y := y_of(m[1])):
        return _period_end(y[0], 12), f"year {y[0]}"
    return None


def as_of_from_text(text: str, year: int | None = None) -> pd.Timestamp | None:
    """The reporting date a title names, or None (see :func:`period_from_text`).

    Examples
    --------
    >>> as_of_from_text("Báo cáo 6 tháng đầu năm 2019"), as_of_from_text("9 tháng", 2020)
    (Timestamp('2019-06-30 00:00:00'), Timestamp('2020-09-30 00:00:00'))
    >>> as_of_from_text("ngày 08 tháng 7 năm 2020") is None
    True
    """
    p = period_from_text(text, year)
    return None if p is None else p[0]


def year_from_text(text: str) -> int | None:
    """The plan year a title names, or None.

    Rule: "năm YYYY" first, then the year of a period phrase (:func:`period_from_text`), then a
    lone 20YY. Document numbers ("Số: 125/BC-SCT", "45/2012/NĐ-CP") and full dates (the signing
    date, a cited decision's "ngày 5/3/2019") are ignored: they date a document, not the plan.

    Examples
    --------
    >>> year_from_text("Kế hoạch khuyến công năm 2020"), year_from_text("Quý III/2020")
    (2020, 2020)
    >>> year_from_text("Quyết định số 1234/QĐ-UBND ngày 5/3/2019") is None
    True
    """
    _, rest = _title_words(text)
    m = re.search(r"\bnam (\d{4})\b", rest)
    if m and _YEAR_MIN <= int(m[1]) <= _YEAR_MAX:
        return int(m[1])
    p = period_from_text(text)
    if p is not None:
        return p[0].year
    m = re.search(r"\b(20\d{2})\b", rest)
    return int(m[1]) if m and int(m[1]) <= _YEAR_MAX else None

"""Pure parsers for Vietnamese spreadsheet text: numbers, money units, dates, title periods.

Words (headers, statuses, activities, sources, provinces) are in :mod:`kceval.io.words`; no
I/O here (that is :mod:`kceval.io.read`). Every parser takes one cell value and returns the
parsed value, ``None`` for an empty cell, or raises :class:`ParseError` whose ``message`` and
``hint`` become a :class:`~kceval.errors.Problem` in the reader.

Conventions (DOMAIN.md): decimal **comma** and thousands **dot** ("1.234,5" = 1234.5,
"85,865" = 85.865); English style is accepted only when it cannot be read the Vietnamese way
("1,234.5", "1234.5"); a value such as "1.234" that both conventions read differently is
refused unless the column shows which convention it uses (:func:`number_convention`).
Money is converted to integer VND with round-half-to-even.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..schema import MONEY_UNITS
from ..text import fold


class ParseError(ValueError):
    """A cell that cannot be read; ``message`` says why, ``hint`` how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


class AmbiguousNumber(ParseError):
    """A number that the Vietnamese and English conventions read differently (e.g. "1.234")."""


def is_empty(value: Any) -> bool:
    """True for None, NaN/NaT/NA and blank text."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# -- numbers ---------------------------------------------------------------------------------
_VI_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")     # 1.234.567 / 1.234,5
_EN_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")     # 1,234,567 / 1,234.5
_ONE_GROUP = re.compile(r"^[1-9]\d{0,2}[.,]\d{3}$")          # 1.234 / 1,234: either reading
_SPACED = re.compile(r"^\d{1,3}( \d{3})+([.,]\d+)?$")       # 1 234 567
_MONEY_SUFFIX = re.compile(r"\s*(đồng|đ|vnđ|vnd)\.?$", re.IGNORECASE)


def number_convention(values: Any) -> str | None:
    """Which convention the text numbers of a column show: ``'vi'``, ``'en'`` or None.

    Only values that one convention alone can read count as evidence; a column with evidence
    for both, or none, gives None.

    Examples
    --------
    >>> number_convention(["1.234,5", "12"]), number_convention(["1,234.5"]), number_convention(["1.234"])
    ('vi', 'en', None)
    """
    vi = en = False
    for v in values:
        if not isinstance(v, str):
            continue
        s = v.strip().lstrip("+-−")
        if _ONE_GROUP.match(s):
            continue
        if (
            re.match(r"^\d{1,3}(\.\d{3})+,\d+$", s)
            or re.match(r"^\d{1,3}(\.\d{3}){2,}$", s)
            or re.match(r"^\d+,\d+$", s)
        ):
            vi = True
        elif (
            re.match(r"^\d{1,3}(,\d{3})+\.\d+$", s)
            or re.match(r"^\d{1,3}(,\d{3}){2,}$", s)
            or re.match(r"^\d+\.\d+$", s)
        ):
            en = True
    return "vi" if vi and not en else "en" if en and not vi else None


def parse_number(value: Any, convention: str | None = None) -> Decimal | None:
    """Read a number written as a number or as Vietnamese (or unambiguous English) text.

    Parameters
    ----------
    value : number or str
        ``1234.5``, ``"1.234,5"``, ``"85,865"`` (= 85.865), ``"1234.5"``, ``"1,234.5"``, ``"1 234"``.
    convention : {'vi', 'en'}, optional
        How to read a value that both conventions read differently ("1.234", "1,234");
        without it such a value raises :class:`AmbiguousNumber`.

    Returns
    -------
    Decimal or None
        Exact value; None for an empty cell.

    Examples
    --------
    >>> parse_number("1.234,5"), parse_number("85,865"), parse_number("1,234.5"), parse_number("1.234", "vi")
    (Decimal('1234.5'), Decimal('85.865'), Decimal('1234.5'), Decimal('1234'))
    """
    if is_empty(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ParseError(f"{value!r} is a true/false value, not a number", "write the amount as a number")
    if isinstance(value, (int, np.integer)):
        return Decimal(int(value))
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise ParseError(f"{value!r} is not a finite number")
        return Decimal(repr(float(value)))
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise ParseError(f"a {type(value).__name__} value is not a number", "write the amount as a number")
    s = _MONEY_SUFFIX.sub("", value.strip().replace("\u00a0", " ")).strip()
    if not s:  # e.g. a lone "đ"
        raise ParseError(f"{value!r} is not a number", "write the amount as a number")
    sign = 1
    if s[0] in "+-−":
        sign = -1 if s[0] in "-−" else 1
        s = s[1:].strip()
    if _SPACED.match(s):
        s = s.replace(" ", "")
    if not s.isascii():  # other scripts' digits or letters are not a Vietnamese number
        raise ParseError(f"{value!r} is not a number", "write numbers with the digits 0-9")
    hint = "write numbers the Vietnamese way: 1.234.567,5 (dot for thousands, comma for decimals)"
    if re.match(r"^\d+$", s):
        out = Decimal(s)
    elif _ONE_GROUP.match(s):
        if "," in s:  # "85,865": a decimal comma unless the column is English-style
            out = Decimal(s.replace(",", "")) if convention == "en" else Decimal(s.replace(",", "."))
        elif convention is None:  # "1.234": thousands dot or decimal point, both plausible
            raise AmbiguousNumber(
                f"{value!r} is ambiguous: {s.replace('.', '')} (dot for thousands) or {s} (decimal point)",
                "write it without the dot, or with a decimal comma (e.g. 1,234), so that only one reading is possible",
            )
        else:
            out = Decimal(s.replace(".", "")) if convention == "vi" else Decimal(s)
    elif re.match(r"^\d+,\d+$", s):
        out = Decimal(s.replace(",", "."))
    elif re.match(r"^\d+\.\d+$", s):
        out = Decimal(s)
    elif _VI_GROUPED.match(s):
        out = Decimal(s.replace(".", "").replace(",", "."))
    elif _EN_GROUPED.match(s):
        out = Decimal(s.replace(",", ""))
    else:
        raise ParseError(f"{value!r} is not a number", hint)
    return sign * out


def parse_int(value: Any, convention: str | None = None) -> int | None:
    """A whole number (counts such as beneficiaries); a fractional value raises ParseError."""
    d = parse_number(value, convention)
    if d is None:
        return None
    if d != d.to_integral_value():
        raise ParseError(f"{value!r} is not a whole number", "counts must be whole numbers")
    return int(d)


def parse_money(value: Any, unit: str = "dong", convention: str | None = None) -> int | None:
    """Money in ``unit`` (dong, nghin, trieu, ty) to integer VND, rounding half to even.

    Examples
    --------
    >>> parse_money("85,865", "ty"), parse_money("1.234,5", "trieu"), parse_money(2.5, "dong")
    (85865000000, 1234500000, 2)
    """
    d = parse_number(value, convention)
    if d is None:
        return None
    return int((d * MONEY_UNITS[unit]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def parse_unit(text: Any) -> str | None:
    """Money unit named in ``text`` ('dong', 'nghin', 'trieu', 'ty') or None.

    Examples
    --------
    >>> parse_unit("triệu đồng"), parse_unit("Tỷ đồng"), parse_unit("1.000 đ"), parse_unit("Tên")
    ('trieu', 'ty', 'nghin', None)
    """
    if is_empty(text):
        return None
    w = fold(text, " ").split()
    j = "".join(w)
    if any(t in ("ty", "ti", "billion", "bn") for t in w) or j in ("tydong", "tidong"):
        return "ty"
    if any(t in ("trieu", "tr", "trd", "million", "mn", "mln") for t in w) or j.startswith("trd"):
        return "trieu"
    if any(t in ("nghin", "ngan", "thousand") for t in w) or j in ("1000dong", "1000d", "1000vnd"):
        return "nghin"
    if j in ("dong", "d", "vnd", "vnđ", "vnddong"):
        return "dong"
    return None


def split_unit(header: Any) -> tuple[str, str | None]:
    """Split a header into its name and the money unit it states, if any.

    Examples
    --------
    >>> split_unit("Kinh phí khuyến công (triệu đồng)"), split_unit("Vốn đối ứng, tỷ đồng")
    (('Kinh phí khuyến công', 'trieu'), ('Vốn đối ứng', 'ty'))
    """
    h = re.sub(r"\s+", " ", str(header)).strip()
    for m in re.finditer(r"[(\[]([^)\]]*)[)\]]", h):
        inner = re.sub(r"^(đvt|dvt|đơn vị tính|don vi tinh|đơn vị|don vi)\s*:?\s*", "", m.group(1).strip(), flags=re.I)
        u = parse_unit(inner)
        if u:
            return (h[: m.start()] + h[m.end():]).strip(" ,-:"), u
    tail = re.match(r"^(.*\S)\s*[,:\-–]\s*([^,:\-–]+)$", h)
    if tail and parse_unit(tail.group(2)):
        return tail.group(1).strip(), parse_unit(tail.group(2))
    return h, None


# -- dates -----------------------------------------------------------------------------------
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _make_date(y: int, m: int, d: int, raw: Any) -> pd.Timestamp:
    try:
        return pd.Timestamp(_dt.date(y, m, d))
    except ValueError:
        raise ParseError(f"{raw!r} is not a real date (day {d}, month {m}, year {y})",
                         "write dates as dd/mm/yyyy, e.g. 28/02/2019") from None


def _period_end(y: int, m: int) -> pd.Timestamp:
    return pd.Timestamp(y, m, 1) + pd.offsets.MonthEnd(0)


def parse_date(value: Any) -> pd.Timestamp | None:
    """A date from a date cell, dd/mm/yyyy (d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd or words.

    A month ("12/2019", "tháng 12 năm 2019") or quarter ("Quý IV/2019") means its last day.

    Examples
    --------
    >>> parse_date("21/5/2012"), parse_date("ngày 21 tháng 5 năm 2012"), parse_date("12/2019")
    (Timestamp('2012-05-21 00:00:00'), Timestamp('2012-05-21 00:00:00'), Timestamp('2019-12-31 00:00:00'))
    """
    if is_empty(value):
        return None
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date, np.datetime64)):
        return pd.Timestamp(value).normalize()
    if not isinstance(value, str):
        raise ParseError(f"{value!r} is not a date", "write dates as dd/mm/yyyy or format the cell as a date")
    s = fold(value, " ")
    m = re.match(r"^(\d{4}) (\d{1,2}) (\d{1,2})( 00 00 00)?$", s) if re.match(r"^\s*\d{4}-", value) else None
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), value)
    m = re.match(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$", value.strip())
    if m:
        return _make_date(int(m[3]), int(m[2]), int(m[1]), value)
    m = re.match(r"^(ngay )?(\d{1,2}) thang (\d{1,2}) nam (\d{4})$", s)
    if m:
        return _make_date(int(m[4]), int(m[3]), int(m[2]), value)
    m = re.match(r"^(thang )?(\d{1,2})(?: nam | )(\d{4})$", s)
    if m and 1 <= int(m[2]) <= 12:
        return _period_end(int(m[3]), int(m[2]))
    m = re.match(r"^quy (iv|iii|ii|i|[1-4])(?: nam | )(\d{4})$", s)
    if m:
        return _period_end(int(m[2]), 3 * _ROMAN[m[1]])
    raise ParseError(f"{value!r} is not a date", "write dates as dd/mm/yyyy, e.g. 21/05/2012")


# -- title text ------------------------------------------------------------------------------
def as_of_from_text(text: str) -> pd.Timestamp | None:
    """The reporting date a title names, or None.

    "đến ngày 30/6/2019" -> that day; "6 tháng đầu năm 2019" -> 30/06; "9 tháng năm 2019" ->
    30/09; "Quý III/2019" -> 30/09; "năm 2019" -> 31/12.

    Examples
    --------
    >>> as_of_from_text("Báo cáo 6 tháng đầu năm 2019"), as_of_from_text("Quý III/2019")
    (Timestamp('2019-06-30 00:00:00'), Timestamp('2019-09-30 00:00:00'))
    """
    s = fold(text, " ")
    m = re.search(r"(?:den|tinh den) (?:ngay )?(\d{1,2}) (\d{1,2}) (\d{4})", s)
    if m:
        try:
            return _make_date(int(m[3]), int(m[2]), int(m[1]), text)
        except ParseError:
            return None
    m = re.search(r"\b(3|6|9|12) thang (?:dau )?(?:nam )?(\d{4})", s)
    if m:
        return _period_end(int(m[2]), int(m[1]))
    m = re.search(r"\bquy (iv|iii|ii|i|[1-4]) (?:nam )?(\d{4})", s)
    if m:
        return _period_end(int(m[2]), 3 * _ROMAN[m[1]])
    m = re.search(r"\bnam (\d{4})\b", s)
    if m:
        return _period_end(int(m[1]), 12)
    return None


def year_from_text(text: str) -> int | None:
    """The plan year a title names ("năm 2019", "Quý III/2019"), or None."""
    s = fold(text, " ")
    m = re.search(r"\bnam (20\d{2})\b", s) or re.search(r"\b(20\d{2})\b", s)
    return int(m[1]) if m else None


def unit_from_text(text: str) -> str | None:
    """The money unit a title states ("Đơn vị tính: triệu đồng", "ĐVT: tỷ đồng"), or None."""
    m = re.search(r"(?:don vi tinh|dvt|don vi)\s*:?\s*([a-z0-9 ]+)", fold(text, " "))
    return parse_unit(m.group(1)) if m else None

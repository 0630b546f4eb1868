"""Pure parsers for Vietnamese spreadsheet text: numbers and money, with the units they are written in.

Dates and periods are in :mod:`kceval.io.dates`, words (activities, sources, provinces) in
:mod:`kceval.io.words`; no I/O here (that is :mod:`kceval.io.read`). Every parser takes one
cell value and returns the parsed value, ``None`` for an empty cell, or raises
:class:`ParseError` whose ``message`` and ``hint`` become a :class:`~kceval.errors.Problem` in
the reader.

Conventions (DOMAIN.md): decimal **comma** and thousands **dot** ("1.234,5" = 1234.5,
"85,865" = 85.865); English style is accepted only when it cannot be read the Vietnamese way
("1,234.5", "1234.5"); a value such as "1.234" that both conventions read differently is
refused unless the column shows which convention it uses (:func:`number_convention`).
Money is converted to integer VND with round-half-to-even; a cell that writes its own unit
("1,25 tỷ", "150 triệu đồng") overrides the column's unit, and a title line states the unit
of a whole table (:func:`unit_from_text`).
"""
from __future__ import annotations

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


# A cell holding only a dash or underscore is how hand-typed sheets write "nothing" / "none".
_DASH_ONLY = re.compile(r"^\s*(?:[-‐‒–—―−]{1,3}|_{1,3})\s*$")


def is_empty(value: Any) -> bool:
    """True for None, NaN/NaT/NA, blank text and a cell that is only a dash ("-", "–", "—", "--", "_").

    Examples
    --------
    >>> is_empty(None), is_empty("  "), is_empty(" – "), is_empty("--"), is_empty("-5"), is_empty(0)
    (True, True, True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == "" or bool(_DASH_ONLY.match(value))
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
    for both, or none, gives None. A sign and unit words ("-1.234,5", "1.250.000 đ", "1,25 tỷ")
    are set aside: only the number part is judged.

    Examples
    --------
    >>> number_convention(["1.234,5", "12"]), number_convention(["1,234.5"]), number_convention(["1.234"])
    ('vi', 'en', None)
    >>> number_convention(["1,25 tỷ", "- 2.500.000 đồng"])
    'vi'
    """
    vi = en = False
    for v in values:
        if not isinstance(v, str):
            continue
        try:
            s = split_money_text(v)[0]
        except ParseError:
            continue
        s = s.strip().lstrip("+-−").strip()
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
    """A whole number (counts such as beneficiaries); a fractional value raises ParseError.

    Examples
    --------
    >>> parse_int("1.250", "vi"), parse_int(12.0), parse_int("-")
    (1250, 12, None)
    """
    d = parse_number(value, convention)
    if d is None:
        return None
    if d != d.to_integral_value():
        raise ParseError(f"{value!r} is not a whole number", "counts must be whole numbers")
    return int(d)


# -- money written with its unit in the cell -------------------------------------------------
# Unit words as they read after fold(): "tỷ đồng" -> "ty dong", "Tr.đ" -> "tr d", "VNĐ" -> "vnd".
_CELL_UNIT = re.compile(
    r"^(?:(?P<ty>ty|ti|billion|bn)|(?P<trieu>trieu|tr|million|mn|mln)|(?P<nghin>nghin|ngan|thousand)"
    r"|(?P<dong>dong|vnd|d))(?: ?(?:dong|vnd|d))?$"
)
# A number: a digit, then digits, dots, commas, or a space that is followed by a digit ("1 234 567").
_NUM_CHUNK = re.compile(r"(\d(?:[\d.,]|\s(?=\d))*)")
_UNIT_ORDER = ("ty", "trieu", "nghin", "dong")
_UNIT_VI = {"ty": "tỷ", "trieu": "triệu", "nghin": "nghìn", "dong": "đồng", "": ""}


def _unit_word(text: str) -> str | None:
    m = _CELL_UNIT.match(fold(text, " "))
    return next(u for u in _UNIT_ORDER if m[u]) if m else None


def split_money_text(value: str) -> tuple[str, str | None]:
    """Split a money cell into its number text and the unit it writes ('dong', 'nghin', 'trieu', 'ty').

    Text with no unit word, or with words that are no unit, comes back whole with None (the
    number parser then says what is wrong with it). An amount in several units ("2 tỷ 500
    triệu") comes back as one whole number, in digits, in its smallest unit.

    Raises
    ------
    ParseError
        For several units out of order or a part too large for its place ("2 tỷ 1500 triệu").

    Examples
    --------
    >>> split_money_text("1,25 tỷ đồng"), split_money_text("1.250tr"), split_money_text("1.250.000 VNĐ")
    (('1,25', 'ty'), ('1.250', 'trieu'), ('1.250.000', 'dong'))
    >>> split_money_text("2 tỷ 500 triệu"), split_money_text("150")
    (('2500', 'trieu'), ('150', None))
    """
    text = value.strip().replace("\u00a0", " ")
    pieces = _NUM_CHUNK.split(text)  # [before, number, words, number, words, ...]
    sign, pairs = pieces[0].strip(), list(zip(pieces[1::2], pieces[2::2]))
    if not pairs or sign not in ("", "+", "-", "−"):
        return text, None
    units = [_unit_word(w) if w.strip() else None for _, w in pairs]
    if len(pairs) == 1:
        return (sign + pairs[0][0].strip(), units[0]) if units[0] else (text, None)
    if None in units:
        return text, None
    hint = "write the amount as one number with its unit, e.g. 2,5 tỷ or 2.500 triệu"
    factors = [MONEY_UNITS[u] for u in units if u]
    total, smallest = 0, factors[-1]
    for i, ((num, _), f) in enumerate(zip(pairs, factors)):
        if not re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", num.strip()):
            raise ParseError(f"{value!r}: each part of an amount in several units must be a whole number", hint)
        n = int(num.strip().replace(".", ""))
        if i and (f >= factors[i - 1] or n * f >= factors[i - 1]):
            raise ParseError(f"{value!r}: {num.strip()} {_UNIT_VI[units[i] or '']} does not fit below "
                             f"1 {_UNIT_VI[units[i - 1] or '']}", hint)
        total += n * f // smallest
    return ("-" if sign in ("-", "−") else "") + str(total), units[-1]


def cell_unit(value: Any) -> str | None:
    """The money unit a cell writes ("1,25 tỷ" -> 'ty'), or None; never raises (for notes).

    Examples
    --------
    >>> cell_unit("150 triệu đồng"), cell_unit("20 ngàn"), cell_unit("150"), cell_unit(150)
    ('trieu', 'nghin', None, None)
    """
    if not isinstance(value, str) or is_empty(value):
        return None
    try:
        return split_money_text(value)[1]
    except ParseError:
        return None


def parse_money(value: Any, unit: str = "dong", convention: str | None = None) -> int | None:
    """Money in ``unit`` (dong, nghin, trieu, ty) to integer VND, rounding half to even.

    A unit written in the cell ("1,25 tỷ", "1.250.000.000 đ", "2 tỷ 500 triệu") overrides
    ``unit``; such a cell is Vietnamese-written, so it is read the Vietnamese way unless the
    column's ``convention`` says 'en' ("1.250 tr" = 1.250 triệu = 1 250 000 000 VND).

    Examples
    --------
    >>> parse_money("85,865", "ty"), parse_money("1.234,5", "trieu"), parse_money(2.5, "dong")
    (85865000000, 1234500000, 2)
    >>> parse_money("1,25 tỷ", "trieu"), parse_money("150 triệu đồng"), parse_money("1.250 tr")
    (1250000000, 150000000, 1250000000)
    """
    if isinstance(value, str) and not is_empty(value):
        num, stated = split_money_text(value)
        if stated is not None:
            try:
                d = parse_number(num, convention or "vi")
            except ParseError as e:
                raise type(e)(f"{value!r}: {e.message}", e.hint) from None
            unit = stated
        else:
            d = parse_number(value, convention)
    else:
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


# -- the money unit a title states -----------------------------------------------------------
# "ĐVT: 1.000 đồng" means thousands of đồng; the other unit words as in a money cell.
_TITLE_UNIT = re.compile(
    r"\b(?:don vi tinh|don vi|dvt)(?: la)? "
    r"(?:(?P<nghin>(?:1 ?000|nghin|ngan|thousand)(?: ?(?:dong|vnd|d))?)"
    r"|(?P<ty>(?:ty|ti|billion)(?: ?(?:dong|vnd|d))?)"
    r"|(?P<trieu>(?:trieu|tr|million)(?: ?(?:dong|vnd|d))?)"
    r"|(?P<dong>dong|vnd|d))\b"
)


def unit_from_text(text: str) -> str | None:
    """The money unit a title states ("Đơn vị tính: triệu đồng", "ĐVT: Tr.đ", "ĐVT: 1.000 đồng"), or None.

    Examples
    --------
    >>> unit_from_text("Đơn vị tính: triệu đồng"), unit_from_text("ĐVT: 1.000 đồng"), unit_from_text("Đvt: trđ")
    ('trieu', 'nghin', 'trieu')
    """
    m = _TITLE_UNIT.search(fold(text, " "))
    return next(u for u in _UNIT_ORDER if m[u]) if m else None

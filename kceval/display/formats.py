"""Number, money, percent and date formats in Vietnamese and English (Babel): the one home of formats.

Formatting conventions (fixed so that columns line up and tests can pin them):

* numbers: Babel's locale separators, ``1.234.567`` (vi) and ``1,234,567`` (en);
* money: integer VND scaled to one unit of :data:`kceval.schema.MONEY_UNITS`, with a fixed
  number of decimals per unit (tỷ/billion 3, triệu/million 1, nghìn/thousand 0, đồng 0):
  ``85,865 tỷ đồng`` (vi) and ``VND 85.865 billion`` (en). The unit is chosen by magnitude
  (the largest unit the absolute value reaches) unless ``unit=`` fixes it (e.g. one unit for a
  whole table column);
* percent: the argument is a fraction, one decimal: ``19,3%`` (vi), ``19.3%`` (en);
* dates: ``30/06/2019`` (vi, the administrative dd/mm/yyyy) and ``30 Jun 2019`` (en: day,
  abbreviated month, year, unambiguous for English readers);
* a missing value (None, NaN, NaT) is shown as an em dash ``—`` in every format.

Rounding is half-up on the exact decimal value (money is an integer, so there is no binary
floating-point error in the scaling). The words of the units are labels (``unit_*`` in
:mod:`kceval.display.labels`).
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal

from ..checks import to_date
from ..errors import ParameterError
from ..schema import MONEY_UNITS
from .labels import check_lang, label

MISSING = "—"

# decimals shown after scaling to each unit
UNIT_DECIMALS: dict[str, int] = {"dong": 0, "nghin": 0, "trieu": 1, "ty": 3}
_UNIT_ALIASES = {
    "đồng": "dong", "vnd": "dong", "nghìn": "nghin", "thousand": "nghin",
    "triệu": "trieu", "million": "trieu", "tỷ": "ty", "billion": "ty",
}


def is_missing(x: Any) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if x is None:
        return True
    if isinstance(x, (list, tuple, dict)):
        return False
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _decimal(x: Any) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise ParameterError(f"a number is required; received {x!r}")
    if isinstance(x, int) or hasattr(x, "__index__"):
        return Decimal(int(x))
    f = float(x)
    if not math.isfinite(f):
        raise ParameterError(f"a finite number is required; received {x!r}")
    return Decimal(repr(f))


def _fmt(d: Decimal, decimals: int, lang: str) -> str:
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # no "-0,000"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _babel_decimal(q, format=pattern, locale=lang, decimal_quantization=False)


def format_number(x: Any, lang: str = "vi", *, decimals: int = 0) -> str:
    """A number with the locale's separators and a fixed number of decimals.

    Examples
    --------
    >>> format_number(1234567, "vi"), format_number(1234.5, "en", decimals=2)
    ('1.234.567', '1,234.50')
    """
    check_lang(lang)
    if is_missing(x):
        return MISSING
    return _fmt(_decimal(x), int(decimals), lang)


def money_unit(vnd: Any) -> str:
    """The unit (a code of :data:`kceval.schema.MONEY_UNITS`) an amount is shown in by default:
    the largest unit its magnitude reaches.

    Examples
    --------
    >>> money_unit(85_865_000_000), money_unit(2_500_000), money_unit(999)
    ('ty', 'trieu', 'dong')
    """
    if is_missing(vnd):
        return "dong"
    a = abs(_decimal(vnd))
    for name in ("ty", "trieu", "nghin"):
        if a >= MONEY_UNITS[name]:
            return name
    return "dong"


def column_money_unit(values: Any) -> str:
    """The one unit of a table column of money: ``ty`` when its typical (median) amount reaches a tỷ, else
    ``trieu``, so that a column reads "3.848,0 / 67,0 / 794,0" (triệu) rather than "3,848 / 0,067 / 0,794" (tỷ).

    Examples
    --------
    >>> column_money_unit([3_848_000_000, 67_000_000, 794_000_000]), column_money_unit([85_865_000_000, 9e8, 2e9])
    ('trieu', 'ty')
    """
    v = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").abs()
    v = v[v > 0]
    return "ty" if len(v) and float(v.median()) >= MONEY_UNITS["ty"] else "trieu"


def money_header(header: str, unit: str, lang: str = "vi") -> str:
    """A column header with its money unit: ``Kế hoạch (tỷ đồng)`` / ``Plan (VND billion)``.

    Examples
    --------
    >>> money_header("Kế hoạch", "ty", "vi"), money_header("Plan", "trieu", "en")
    ('Kế hoạch (tỷ đồng)', 'Plan (VND million)')
    """
    u = _check_unit(unit)
    word = label(f"unit_{u}", check_lang(lang))
    return f"{header} ({word})" if lang == "vi" else f"{header} (VND {word})".replace(" )", ")")


def _check_unit(unit: str) -> str:
    u = _UNIT_ALIASES.get(str(unit).lower(), str(unit).lower())
    if u not in MONEY_UNITS:
        raise ParameterError(f"`unit` must be one of {', '.join(map(repr, MONEY_UNITS))} "
                             f"(or đồng, nghìn, triệu, tỷ, thousand, million, billion); received {unit!r}")
    return u


def format_money(vnd: Any, lang: str = "vi", *, unit: str | None = None, decimals: int | None = None,
                 word: bool = True) -> str:
    """An amount of VND in words a reader expects: ``85,865 tỷ đồng`` / ``VND 85.865 billion``.

    Parameters
    ----------
    vnd : int
        Amount in đồng (integer VND; floats are accepted and rounded half-up).
    lang : {'vi', 'en'}
    unit : str, optional
        Fixed unit, a code of :data:`kceval.schema.MONEY_UNITS` (``dong``, ``nghin``, ``trieu``,
        ``ty``) or its word (đồng, nghìn, triệu, tỷ; thousand, million, billion); default by magnitude.
    decimals : int, optional
        Decimals after scaling; default 3 for tỷ, 1 for triệu, 0 otherwise.
    word : bool
        With the unit's word (default); ``False`` gives the bare number, for a table column whose header
        carries the unit (:func:`money_header`).

    Examples
    --------
    >>> format_money(85_865_000_000, "vi"), format_money(85_865_000_000, "en")
    ('85,865 tỷ đồng', 'VND 85.865 billion')
    >>> format_money(2_500_000, "vi", unit="billion")
    '0,003 tỷ đồng'
    """
    check_lang(lang)
    if is_missing(vnd):
        return MISSING
    u = _check_unit(unit) if unit is not None else money_unit(vnd)
    dec = UNIT_DECIMALS[u] if decimals is None else int(decimals)
    num = _fmt(_decimal(vnd) / MONEY_UNITS[u], dec, lang)
    if not word:
        return num
    name = label(f"unit_{u}", lang)
    if lang == "vi":
        return f"{num} {name}"
    return f"VND {num} {name}".rstrip()


def format_percent(fraction: Any, lang: str = "vi", *, decimals: int = 1) -> str:
    """A fraction as a percentage with fixed decimals: 0.193 -> ``19,3%`` (vi), ``19.3%`` (en).

    Examples
    --------
    >>> format_percent(0.193, "vi"), format_percent(0.193, "en")
    ('19,3%', '19.3%')
    """
    check_lang(lang)
    if is_missing(fraction):
        return MISSING
    return _fmt(_decimal(fraction) * 100, int(decimals), lang) + "%"


def format_date(x: Any, lang: str = "vi") -> str:
    """A date as ``30/06/2019`` (vi) or ``30 Jun 2019`` (en).

    Examples
    --------
    >>> format_date("2019-06-30", "vi"), format_date("2019-06-30", "en")
    ('30/06/2019', '30 Jun 2019')
    """
    check_lang(lang)
    if is_missing(x):
        return MISSING
    d = to_date("date", x).date()
    return _babel_date(d, "dd/MM/yyyy" if lang == "vi" else "d MMM y", locale=lang)


KINDS: tuple[str, ...] = ("money", "percent", "int", "number", "ratio", "date", "text")


def format_value(x: Any, kind: str, lang: str = "vi", **kwargs: Any) -> str:
    """Format ``x`` as ``kind`` ('money', 'percent', 'int', 'number', 'ratio', 'date' or 'text').

    Examples
    --------
    >>> format_value(0.5, "percent", "en"), format_value(3, "int", "vi")
    ('50.0%', '3')
    """
    if kind == "money":
        return format_money(x, lang, **kwargs)
    if kind == "percent":
        return format_percent(x, lang, **kwargs)
    if kind == "int":
        return format_number(x, lang, decimals=0)
    if kind == "number":
        return format_number(x, lang, **kwargs)
    if kind == "ratio":  # a ratio or a score: two decimals (1,25; −3,71)
        return format_number(x, lang, decimals=2)
    if kind == "date":
        return format_date(x, lang)
    if kind == "text":
        check_lang(lang)
        return MISSING if is_missing(x) else str(x)
    raise ParameterError(f"`kind` must be one of {', '.join(map(repr, KINDS))}; received {kind!r}")

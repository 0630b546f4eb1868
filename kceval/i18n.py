"""Labels in Vietnamese and English, and number, money, percent and date formatting (Babel).

Reports are Vietnamese by default and English on request. Every string the report machinery
shows (section titles, column names, banner text...) is looked up in :data:`LABELS`; add a
key to both languages to extend it (a test checks that both have the same keys).

Formatting conventions (fixed so that columns line up and tests can pin them):

* numbers: Babel's locale separators, ``1.234.567`` (vi) and ``1,234,567`` (en);
* money: integer VND scaled to one unit, with a fixed number of decimals per unit
  (tỷ/billion 3, triệu/million 1, nghìn/thousand 0, đồng 0): ``85,865 tỷ đồng`` (vi) and
  ``VND 85.865 billion`` (en). The unit is chosen by magnitude (the largest unit the absolute
  value reaches) unless ``unit=`` fixes it (e.g. one unit for a whole table column);
* percent: the argument is a fraction, one decimal: ``19,3%`` (vi), ``19.3%`` (en);
* dates: ``30/06/2019`` (vi, the administrative dd/mm/yyyy) and ``30 Jun 2019`` (en: day,
  abbreviated month, year, unambiguous for English readers);
* a missing value (None, NaN, NaT) is shown as an em dash ``—`` in every format.

Rounding is half-up on the exact decimal value (money is an integer, so there is no binary
floating-point error in the scaling).
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal

from .errors import ParameterError

LANGS: tuple[str, ...] = ("vi", "en")
MISSING = "—"

# Money units: name -> (scale in đồng, default decimals, vi word, en word).
UNITS: dict[str, tuple[int, int, str, str]] = {
    "dong": (1, 0, "đồng", ""),
    "thousand": (10**3, 0, "nghìn đồng", "thousand"),
    "million": (10**6, 1, "triệu đồng", "million"),
    "billion": (10**9, 3, "tỷ đồng", "billion"),
}
_UNIT_ALIASES = {
    "đồng": "dong", "vnd": "dong", "nghìn": "thousand", "nghin": "thousand",
    "triệu": "million", "trieu": "million", "tỷ": "billion", "ty": "billion",
}

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "report": "Báo cáo",
        "contents": "Mục lục",
        "parameters": "Tham số",
        "parameter": "Tham số",
        "value": "Giá trị",
        "provenance": "Nguồn gốc và tái lập",
        "synthetic_banner": "Dữ liệu mẫu tổng hợp (synthetic sample data) — không phải số liệu thật",
        "failed_banner": "Báo cáo không chạy hết: đã xảy ra lỗi",
        "error": "Lỗi",
        "error_cell": "Ô lệnh gây lỗi",
        "go_to_cell": "Đến ô lỗi",
        "traceback": "Chi tiết lỗi",
        "files": "Tệp dữ liệu",
        "file": "Tệp",
        "sha256": "SHA-256",
        "size_bytes": "Kích thước (byte)",
        "versions": "Phiên bản",
        "package": "Thư viện",
        "version": "Phiên bản",
        "git_revision": "Phiên bản mã (git)",
        "started": "Bắt đầu",
        "finished": "Kết thúc",
        "seconds": "Thời gian chạy (giây)",
        "none": "không có",
        "index_title": "Danh mục báo cáo khuyến công",
        "title": "Báo cáo",
        "kind": "Loại",
        "status": "Trạng thái",
        "status_ok": "hoàn thành",
        "status_failed": "lỗi",
        "run_time": "Thời gian chạy",
        "link": "Liên kết",
        "open": "Mở",
        "province": "Tỉnh/thành phố",
        "region": "Vùng",
        "national": "Toàn quốc",
        "year": "Năm",
        "as_of": "Tính đến ngày",
        "plan": "Kế hoạch",
        "executed": "Đã giải ngân",
        "rate": "Tỷ lệ giải ngân",
        "execution_rate": "Tỷ lệ giải ngân",
        "projects": "Số đề án",
        "sort_hint": "Bấm vào tiêu đề cột để sắp xếp",
        "generated_by": "Tạo bởi kceval",
        "n_reports": "Số báo cáo",
        "n_failed": "Số báo cáo lỗi",
    },
    "en": {
        "report": "Report",
        "contents": "Contents",
        "parameters": "Parameters",
        "parameter": "Parameter",
        "value": "Value",
        "provenance": "Provenance and reproducibility",
        "synthetic_banner": "Dữ liệu mẫu tổng hợp (synthetic sample data) — not real figures",
        "failed_banner": "The report did not run to the end: an error occurred",
        "error": "Error",
        "error_cell": "Cell where the error occurred",
        "go_to_cell": "Go to the failing cell",
        "traceback": "Traceback",
        "files": "Data files",
        "file": "File",
        "sha256": "SHA-256",
        "size_bytes": "Size (bytes)",
        "versions": "Versions",
        "package": "Package",
        "version": "Version",
        "git_revision": "Code revision (git)",
        "started": "Started",
        "finished": "Finished",
        "seconds": "Run time (s)",
        "none": "none",
        "index_title": "Khuyến công reports",
        "title": "Report",
        "kind": "Kind",
        "status": "Status",
        "status_ok": "ok",
        "status_failed": "failed",
        "run_time": "Run time",
        "link": "Link",
        "open": "Open",
        "province": "Province",
        "region": "Region",
        "national": "National",
        "year": "Year",
        "as_of": "As of",
        "plan": "Plan",
        "executed": "Executed",
        "rate": "Execution rate",
        "execution_rate": "Execution rate",
        "projects": "Projects",
        "sort_hint": "Click a column header to sort",
        "generated_by": "Generated by kceval",
        "n_reports": "Reports",
        "n_failed": "Failed reports",
    },
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported report language, else raise a ParameterError.

    Examples
    --------
    >>> check_lang("vi")
    'vi'
    """
    if lang not in LANGS:
        raise ParameterError(f"`lang` must be one of {', '.join(map(repr, LANGS))}; received {lang!r}")
    return lang


def label(key: str, lang: str) -> str:
    """The UI string ``key`` in ``lang``.

    Examples
    --------
    >>> label("contents", "vi"), label("contents", "en")
    ('Mục lục', 'Contents')
    """
    check_lang(lang)
    try:
        return LABELS[lang][key]
    except KeyError:
        raise ParameterError(
            f"`key` must be a label defined in kceval.i18n.LABELS[{lang!r}]; received {key!r}"
        ) from None


def has_label(key: str, lang: str) -> bool:
    """Whether ``key`` has a label in ``lang`` (used to translate column names when known)."""
    return key in LABELS.get(lang, {})


def is_missing(x: Any) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if x is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(x)) if not isinstance(x, (list, tuple, dict)) else False
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
    """The unit a money amount is shown in by default: the largest unit its magnitude reaches.

    Examples
    --------
    >>> money_unit(85_865_000_000), money_unit(2_500_000), money_unit(999)
    ('billion', 'million', 'dong')
    """
    if is_missing(vnd):
        return "dong"
    a = abs(_decimal(vnd))
    for name in ("billion", "million", "thousand"):
        if a >= UNITS[name][0]:
            return name
    return "dong"


def _check_unit(unit: str) -> str:
    u = _UNIT_ALIASES.get(str(unit).lower(), str(unit).lower())
    if u not in UNITS:
        raise ParameterError(
            f"`unit` must be one of {', '.join(map(repr, UNITS))} (or đồng, nghìn, triệu, tỷ); received {unit!r}"
        )
    return u


def format_money(vnd: Any, lang: str = "vi", *, unit: str | None = None, decimals: int | None = None) -> str:
    """An amount of VND in words a reader expects: ``85,865 tỷ đồng`` / ``VND 85.865 billion``.

    Parameters
    ----------
    vnd : int
        Amount in đồng (integer VND; floats are accepted and rounded half-up).
    lang : {'vi', 'en'}
    unit : {'dong', 'thousand', 'million', 'billion'}, optional
        Fixed unit (Vietnamese words đồng / nghìn / triệu / tỷ are accepted too); default by magnitude.
    decimals : int, optional
        Decimals after scaling; default 3 for billion, 1 for million, 0 otherwise.

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
    scale, default_dec, vi_word, en_word = UNITS[u]
    dec = default_dec if decimals is None else int(decimals)
    num = _fmt(_decimal(vnd) / scale, dec, lang)
    if lang == "vi":
        return f"{num} {vi_word}"
    return f"VND {num} {en_word}".rstrip()


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


def to_date(x: Any) -> dt.date:
    """A date from a date, datetime, pandas Timestamp or ISO string ``YYYY-MM-DD``."""
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if hasattr(x, "to_pydatetime"):
        return x.to_pydatetime().date()
    if isinstance(x, str):
        try:
            return dt.date.fromisoformat(x.strip()[:10])
        except ValueError:
            pass
    raise ParameterError(f"a date (YYYY-MM-DD) is required; received {x!r}")


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
    d = to_date(x)
    return _babel_date(d, "dd/MM/yyyy" if lang == "vi" else "d MMM y", locale=lang)


def format_value(x: Any, kind: str, lang: str = "vi", **kwargs: Any) -> str:
    """Format ``x`` as ``kind`` ('money', 'percent', 'int', 'number', 'date' or 'text').

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
    if kind == "date":
        return format_date(x, lang)
    if kind == "text":
        check_lang(lang)
        return MISSING if is_missing(x) else str(x)
    raise ParameterError(
        f"`kind` must be one of 'money', 'percent', 'int', 'number', 'date', 'text'; received {kind!r}"
    )


# Labels of the report notebooks' figures and group names (kceval.plots, kceval.story) live in
# kceval.report_labels; merged here so that label() and has_label() know them.
from .report_labels import FIGURE_LABELS as _FIGURE_LABELS  # noqa: E402

LABELS["vi"].update(_FIGURE_LABELS["vi"])
LABELS["en"].update(_FIGURE_LABELS["en"])

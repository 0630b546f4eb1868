"""Reading one column of cells: each distinct text parsed once, every bad value reported once.

A column of a provincial sheet repeats the same texts ("Đang thực hiện", "KCĐP", "150"), so
:func:`parse_cells` parses each distinct value once. :func:`money_reader` chooses how to read
the numbers of a money column: the thousands/decimal convention shown by the column's
unambiguous cells, else by the sheet's, else the Vietnamese one with a warning ("1.000" beside
"32,5" is one thousand); a unit word in a cell ("1,25 tỷ", "150 triệu") overrides the column's.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import MONEY_MAX_VND
from .numbers import ParseError, is_empty, number_convention, parse_money, split_money_text

# "1.234" or "1,234": a thousands separator or a decimal mark, both readings plausible
_ONE_GROUP = re.compile(r"^[+\-−]?\s*[1-9]\d{0,2}[.,]\d{3}$")


def parse_cells(raw: pd.Series, fn: Callable[[Any], Any], *, text: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct cell value once; return the parsed values and the ParseErrors.

    The errors are a Series over the failing cells only (most columns have none: a full column of
    Nones would cost eight bytes a cell). A column of Arrow strings (a big text file,
    :mod:`kceval.io.stream`) is factorised as it is: only its distinct texts become Python strings.

    ``text=True`` is for a parser that returns a string or None (titles, notes, codes): the values are
    Arrow strings (``string[pyarrow]``, UTF-8), read :data:`TEXT_BATCH` cells at a time, so that a
    million different titles never exist as Python strings at once (Vietnamese text takes two bytes a
    character as a Python string, one to three in UTF-8); a column the parser leaves unchanged is the
    same Arrow array, not a copy.
    """
    arrow = isinstance(raw.dtype, (pd.StringDtype, pd.ArrowDtype))
    if text:
        return _text_values(raw, fn, arrow)
    if isinstance(raw.dtype, pd.CategoricalDtype):  # a big file's column of few texts: already factorised
        codes, uniq = raw.cat.codes.to_numpy(), raw.cat.categories
    else:
        codes, uniq = pd.factorize(raw if arrow else raw.astype(object), use_na_sentinel=True)
    failed: dict[int, ParseError] = {}
    v = np.empty(len(uniq) + 1, dtype=object)  # the last slot is for the empty cells (code -1)
    v[:-1] = [_parse(fn, u, k, failed) for k, u in enumerate(uniq)]  # a loop over distinct texts, as it must be
    errs = pd.Series([], index=raw.index[:0], dtype=object)
    if failed:
        at = np.flatnonzero(np.isin(codes, list(failed)))
        errs = pd.Series([failed[c] for c in codes[at]], index=raw.index[at], dtype=object)
    return pd.Series(v[codes], index=raw.index), errs


def _parse(fn: Callable[[Any], Any], value: Any, key: int, failed: dict[int, ParseError]) -> Any:
    try:
        return fn(value)
    except ParseError as err:
        failed[key] = err
        return None


TEXT_BATCH = 65_536  # cells turned into Python strings at a time (text=True)


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _text_values(raw: pd.Series, fn: Callable[[Any], Any], arrow: bool) -> tuple[pd.Series, pd.Series]:
    # cell by cell in batches, not distinct values: titles and codes are nearly all distinct, and factorising
    # them would copy the column once more
    chunks: list[pa.Array | None] = []  # None: the batch reads as it came (an Arrow column's slice stands for it)
    failed: dict[int, ParseError] = {}
    for start in range(0, len(raw), TEXT_BATCH):
        batch = raw.iloc[start:start + TEXT_BATCH].tolist()
        got = [None if _missing(u) else _parse(fn, u, i, failed) for i, u in enumerate(batch, start)]
        same = arrow and all(g == u or g is None and _missing(u) for g, u in zip(got, batch))
        chunks.append(None if same else pa.array(got, type=pa.large_string()))
    errs = pd.Series(list(failed.values()), index=raw.index[list(failed)], dtype=object)
    if all(c is None for c in chunks):  # every text read as itself (titles and codes, mostly): the column as it came
        return pd.Series(raw.array, index=raw.index, copy=False), errs
    parts = [c if c is not None else _large_string(raw.iloc[i * TEXT_BATCH:(i + 1) * TEXT_BATCH])
             for i, c in enumerate(chunks)]
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(parts, type=pa.large_string())), index=raw.index,
                     copy=False), errs


def empty_cells(index: pd.Index) -> pd.Series:
    """A column of empty cells (None) on ``index``: a field the sheet does not have."""
    return pd.Series([None] * len(index), index=index, dtype=object)


def text_array(values: Any) -> pd.arrays.ArrowStringArray:
    """Strings or None (a list, an object array, or Arrow strings) as Arrow ``large_string``, the text type of
    :func:`parse_cells`."""
    return pd.arrays.ArrowStringArray(pa.chunked_array([_large_string(values)]))


def _large_string(values: Any) -> pa.Array:
    return pa.array(getattr(values, "array", values), type=pa.large_string(), from_pandas=True)


def join_text(a: pd.Series, b: pd.Series, sep: str = "; ") -> pd.Series:
    """Two text columns joined by ``sep`` where both are given, else the one given (None where neither is).

    Examples
    --------
    >>> a = pd.Series(["Ghi chú", None, None], dtype=object)
    >>> join_text(a, pd.Series(["lý do", "lý do", None], dtype=object)).tolist()
    ['Ghi chú; lý do', 'lý do', <NA>]
    """
    x, y = _large_string(a), _large_string(b)
    both = pc.and_(pc.is_valid(x), pc.is_valid(y))
    joined = pc.if_else(both, pc.binary_join_element_wise(x, y, pa.scalar(sep, pa.large_string())), pc.coalesce(x, y))
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([joined])), index=a.index, copy=False)


def number_texts(values: Iterable[Any]) -> list[str]:
    """The number part of each text cell (unit words removed), for convention inference."""
    out = []
    for v in values:
        if isinstance(v, str):
            try:
                out.append(split_money_text(v)[0])
            except ParseError:
                continue
    return out


def is_one_group(text: str) -> bool:
    """True for "1.234" / "1,234": a value the two conventions read differently."""
    return bool(_ONE_GROUP.match(text.strip()))


def money_reader(unit: str, column_convention: str | None, sheet_convention: str | None
                 ) -> tuple[Callable[[Any], int | None], list[str]]:
    """A parser of one money column, and the list it appends ambiguous texts to (read the Vietnamese way).

    Examples
    --------
    >>> fn, guessed = money_reader("trieu", None, "vi")
    >>> fn("1.000"), fn("32,5"), fn("1,25 tỷ"), guessed
    (1000000000, 32500000, 1250000000, [])
    """
    conv = column_convention or sheet_convention
    guessed: list[str] = []

    def read(v: Any) -> int | None:
        if isinstance(v, str) and v.strip() and is_empty(v):
            return 0  # a dash: nothing (an empty cell stays unknown)
        if conv is None and isinstance(v, str):
            try:
                num = split_money_text(v)[0]
            except ParseError:
                num = v
            if is_one_group(num):
                guessed.append(v)
                return _bounded(parse_money(v, unit, "vi"), v)
        return _bounded(parse_money(v, unit, conv), v)

    return read, guessed


def _bounded(x: int | None, raw: Any) -> int | None:
    """An amount within ±MONEY_MAX_VND; beyond it a unit or a typing slip is certain (and int64 would overflow)."""
    if x is not None and abs(x) > MONEY_MAX_VND:
        raise ParseError(f"{raw!r} is {x:,} VND, beyond any plausible amount (at most {MONEY_MAX_VND:,} VND)",
                         "check the unit and the thousands separators")
    return x


def sheet_convention(columns: Iterable[pd.Series]) -> str | None:
    """The convention the text numbers of several columns show together (see ``number_convention``)."""
    texts: list[str] = []
    for c in columns:
        texts += number_texts(c.dropna().unique())
    return number_convention(texts)


def column_convention(raw: pd.Series) -> str | None:
    """The convention one column's text numbers show."""
    return number_convention(number_texts(raw.dropna().unique()))

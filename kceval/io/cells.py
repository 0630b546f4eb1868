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

from ..schema import MONEY_MAX_VND
from .numbers import ParseError, is_empty, number_convention, parse_money, split_money_text

# "1.234" or "1,234": a thousands separator or a decimal mark, both readings plausible
_ONE_GROUP = re.compile(r"^[+\-−]?\s*[1-9]\d{0,2}[.,]\d{3}$")


def parse_cells(raw: pd.Series, fn: Callable[[Any], Any]) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct cell value once; return the parsed values and the ParseErrors.

    The errors are a Series over the failing cells only (most columns have none: a full column of
    Nones would cost eight bytes a cell). A column of Arrow strings (a big text file,
    :mod:`kceval.io.stream`) is factorised as it is: only its distinct texts become Python strings.
    """
    arrow = isinstance(raw.dtype, (pd.StringDtype, pd.ArrowDtype))
    codes, uniq = pd.factorize(raw if arrow else raw.astype(object), use_na_sentinel=True)
    vals: list[Any] = []
    failed: dict[int, ParseError] = {}
    for k, u in enumerate(uniq):  # a loop over distinct cell texts, which is how text parsing has to go
        try:
            vals.append(fn(u))
        except ParseError as err:
            vals.append(None)
            failed[k] = err
    vals.append(None)
    v = np.empty(len(vals), dtype=object)
    v[:] = vals
    errs = pd.Series([], index=raw.index[:0], dtype=object)
    if failed:
        at = np.flatnonzero(np.isin(codes, list(failed)))
        errs = pd.Series([failed[c] for c in codes[at]], index=raw.index[at], dtype=object)
    return pd.Series(v[codes], index=raw.index), errs


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

"""Text cells that a spreadsheet would run as formulas ("CSV injection", OWASP), made inert and read back.

A title such as ``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``, ``@SUM(…)`` or ``-2+3+cmd…`` written
verbatim into a CSV becomes a formula when a researcher opens the file in Excel. Every text cell
kceval writes that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets the
OWASP prefix, a single quote; kceval's readers remove it again, so the round trip is lossless (a
text that already starts with quotes before such a character gets one more quote, and loses one).
Numbers are never touched: a refund of -5000 stays a number.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERED = r"'*[=+\-@\t\r]"  # what _needs_quote tells, as a pattern for a whole column


def _needs_quote(s: str) -> bool:
    """True for a text that starts with a trigger, after any number of single quotes."""
    return s.lstrip("'").startswith(TRIGGERS)


def neutralise(value: Any) -> Any:
    """The cell as written: a text that a spreadsheet would read as a formula gets a leading single quote.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-2+3+cmd"), neutralise("Máy sấy"), neutralise(-5000)
    ('\\'=HYPERLINK("http://x")', "'-2+3+cmd", 'Máy sấy', -5000)
    >>> neutralise("'=x")  # already quoted text keeps its quote: one more is added, and removed on reading
    "''=x"
    """
    if isinstance(value, str) and value and _needs_quote(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The cell as it was before :func:`neutralise`.

    Examples
    --------
    >>> restore("'=SUM(A1)"), restore("''=x"), restore("'quoted'"), restore(12)
    ('=SUM(A1)', "'=x", "'quoted'", 12)
    """
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its text columns :func:`neutralise`d: a new frame (the input is not changed) that shares the
    columns with nothing to quote."""
    cols: dict[str, Any] = {}
    for c in df.columns:
        s = df[c]
        if s.dtype == object:
            s = s.map(neutralise)
        elif isinstance(s.dtype, pd.StringDtype):  # Arrow text (an imported sheet's): one vectorised pass
            hit = s.str.match(_TRIGGERED).fillna(False).astype(bool)
            if hit.any():
                s = s.where(~hit, "'" + s)
        cols[c] = s
    return pd.DataFrame(cols, index=df.index, copy=False)


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the text columns :func:`restore`d, in place and returned (a frame just read from a file)."""
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(restore)
    return df

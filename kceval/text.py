"""Vietnamese text compared without its diacritics: the one fold of kceval.

Province names (:mod:`kceval.geo`), spreadsheet words (:mod:`kceval.io.words`, headers in
:mod:`kceval.io.headers`, statuses in :mod:`kceval.io.statuses`, report lines in
:mod:`kceval.io.lines`) and report file names (:mod:`kceval.render.names`) are all compared or
built on the same folded form.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: Any, sep: str = "") -> str:
    """Lower-case ASCII form of ``text``: no diacritics, đ -> d, other characters as ``sep``.

    Runs of characters that are not letters or digits become one ``sep`` and none is left at
    either end, so ``sep=""`` removes them, ``" "`` gives words and ``"-"`` a file-name slug.

    Examples
    --------
    >>> fold("Kinh phí khuyến công"), fold("Tỉnh, thành phố", " "), fold("Bà Rịa – Vũng Tàu", "-")
    ('kinhphikhuyencong', 'tinh thanh pho', 'ba-ria-vung-tau')
    """
    s = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return sep.join(t for t in _NON_ALNUM.split(s) if t)


def clean_text(value: Any) -> str:
    """NFC text with one space between words and no stray combining mark (the form :func:`shadow` indexes).

    Examples
    --------
    >>> clean_text("  Dừng \u00a0 thực hiện ")
    'Dừng thực hiện'
    """
    s = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    s = "".join(c for c in s if not unicodedata.combining(c))  # a stray mark NFC could not compose
    return re.sub(r"\s+", " ", s).strip()


def _shadow_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    low = unicodedata.normalize("NFD", c)[0].lower()
    return low if len(low) == 1 else c


def shadow(s: str) -> str:
    """``s`` lower-cased without diacritics but of the same length, punctuation kept.

    Regular expressions run on the shadow and their spans cut the original text, so that a
    phrase found in it is returned in its own spelling. ``s`` should be :func:`clean_text`.

    Examples
    --------
    >>> t = clean_text("Dừng thực hiện (DN không đủ vốn)")
    >>> i = shadow(t).index("(dn"); t[i + 1:-1]
    'DN không đủ vốn'
    """
    return "".join(_shadow_char(c) for c in s)

"""Vietnamese text compared without its diacritics: the one fold of kceval.

Province names (:mod:`kceval.geo`), spreadsheet words (:mod:`kceval.io.words`) and report file
names (:mod:`kceval.render.names`) are all compared or built on the same folded form.
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

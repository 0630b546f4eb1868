"""Provinces, ARIT regions and province-name matching.

The 63 provinces (GSO codes) and the three ARIT regions follow Circular 26/2014/TT-BCT Art. 3.
Canonical province names are the 63 pre-merger names below; a name is matched in any common
spelling, and the names of the 34 units of 2025 resolve to the old province of the same name
(:func:`match_province`). The 2025 merger itself (the units, their regions, a name read by the
year) is :mod:`kceval.merger`.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import lru_cache

import pandas as pd

from .errors import KcevalError, ParameterError
from .text import fold

REGIONS: tuple[str, ...] = ("north", "central", "south")

# (GSO code, canonical name, ARIT region): DOMAIN.md, Circular 26/2014/TT-BCT Art. 3.
_PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("01", "Hà Nội", "north"), ("02", "Hà Giang", "north"), ("04", "Cao Bằng", "north"),
    ("06", "Bắc Kạn", "north"), ("08", "Tuyên Quang", "north"), ("10", "Lào Cai", "north"),
    ("11", "Điện Biên", "north"), ("12", "Lai Châu", "north"), ("14", "Sơn La", "north"),
    ("15", "Yên Bái", "north"), ("17", "Hòa Bình", "north"), ("19", "Thái Nguyên", "north"),
    ("20", "Lạng Sơn", "north"), ("22", "Quảng Ninh", "north"), ("24", "Bắc Giang", "north"),
    ("25", "Phú Thọ", "north"), ("26", "Vĩnh Phúc", "north"), ("27", "Bắc Ninh", "north"),
    ("30", "Hải Dương", "north"), ("31", "Hải Phòng", "north"), ("33", "Hưng Yên", "north"),
    ("34", "Thái Bình", "north"), ("35", "Hà Nam", "north"), ("36", "Nam Định", "north"),
    ("37", "Ninh Bình", "north"), ("38", "Thanh Hóa", "north"), ("40", "Nghệ An", "north"),
    ("42", "Hà Tĩnh", "north"),
    ("44", "Quảng Bình", "central"), ("45", "Quảng Trị", "central"),
    ("46", "Thừa Thiên Huế", "central"), ("48", "Đà Nẵng", "central"),
    ("49", "Quảng Nam", "central"), ("51", "Quảng Ngãi", "central"), ("52", "Bình Định", "central"),
    ("54", "Phú Yên", "central"), ("56", "Khánh Hòa", "central"), ("58", "Ninh Thuận", "central"),
    ("62", "Kon Tum", "central"), ("64", "Gia Lai", "central"), ("66", "Đắk Lắk", "central"),
    ("67", "Đắk Nông", "central"), ("68", "Lâm Đồng", "central"),
    ("60", "Bình Thuận", "south"), ("70", "Bình Phước", "south"), ("72", "Tây Ninh", "south"),
    ("74", "Bình Dương", "south"), ("75", "Đồng Nai", "south"),
    ("77", "Bà Rịa – Vũng Tàu", "south"), ("79", "TP. Hồ Chí Minh", "south"),
    ("80", "Long An", "south"), ("82", "Tiền Giang", "south"), ("83", "Bến Tre", "south"),
    ("84", "Trà Vinh", "south"), ("86", "Vĩnh Long", "south"), ("87", "Đồng Tháp", "south"),
    ("89", "An Giang", "south"), ("91", "Kiên Giang", "south"), ("92", "Cần Thơ", "south"),
    ("93", "Hậu Giang", "south"), ("94", "Sóc Trăng", "south"), ("95", "Bạc Liêu", "south"),
    ("96", "Cà Mau", "south"),
)

# Common abbreviations and spellings, keyed by the normalised form (see `name_key`).
_ALIASES: dict[str, str | None] = {
    "hcm": "TP. Hồ Chí Minh", "tphcm": "TP. Hồ Chí Minh", "hcmc": "TP. Hồ Chí Minh",
    "saigon": "TP. Hồ Chí Minh", "sg": "TP. Hồ Chí Minh",
    "brvt": "Bà Rịa – Vũng Tàu", "vungtau": "Bà Rịa – Vũng Tàu",
    "hue": "Thừa Thiên Huế", "tthue": "Thừa Thiên Huế", "tth": "Thừa Thiên Huế",
    "hn": "Hà Nội", "hanoi": "Hà Nội", "hp": "Hải Phòng", "dn": None,  # ambiguous: Đà Nẵng / Đồng Nai
    "baccan": "Bắc Kạn", "daclac": "Đắk Lắk", "daklak": "Đắk Lắk", "kontum": "Kon Tum",
    "hoabinh": "Hòa Bình", "thanhhoa": "Thanh Hóa", "khanhhoa": "Khánh Hòa",
}
_ALIAS_INDEX: dict[str, str] = {k: v for k, v in _ALIASES.items() if v is not None}

_PREFIXES = (("thanh", "pho"), ("tp",), ("tinh",), ("t",))
_SUFFIXES = (("city",), ("province",), ("tinh",))
# Since the 2025 merger reports tell a unit from the old province of the same name with a mark:
# "Tây Ninh (mới)", "Long An (cũ)". No province name ends with these words, so they can be cut.
_MARKS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("moi",), "new"), (("sau", "sap", "nhap"), "new"), (("new",), "new"),
    (("cu",), "old"), (("truoc", "sap", "nhap"), "old"), (("old",), "old"),
)


def _cut(tokens: list[str], affixes: tuple[tuple[str, ...], ...], *, front: bool) -> list[str]:
    for a in affixes:
        n = len(a)
        if len(tokens) > n and tuple(tokens[:n] if front else tokens[-n:]) == a:
            return tokens[n:] if front else tokens[:-n]
    return tokens


def _mark(tokens: list[str]) -> tuple[list[str], str | None]:
    for words, mark in _MARKS:
        n = len(words)
        if len(tokens) > n and tuple(tokens[-n:]) == words:
            return tokens[:-n], mark
    return tokens, None


def _tokens(name: object) -> tuple[list[str], str | None]:
    tokens = _cut(fold(name, " ").split(), _PREFIXES, front=True)
    tokens, mark = _mark(tokens)
    tokens = _cut(tokens, _SUFFIXES, front=False)
    if mark is None:  # "Tây Ninh province (new)" has the mark after the suffix
        tokens, mark = _mark(tokens)
    return tokens, mark


def name_key(name: object) -> str:
    """Normalise a place name for matching: no diacritics, case, prefixes, spaces, hyphens or (mới)/(cũ) marks.

    Examples
    --------
    >>> name_key("Thành phố Hồ Chí Minh"), name_key("Bà Rịa - Vũng Tàu"), name_key("tỉnh Tây Ninh (mới)")
    ('hochiminh', 'bariavungtau', 'tayninh')
    """
    return "".join(_tokens(name)[0])


def name_mark(name: object) -> str | None:
    """``'new'`` or ``'old'`` when a name carries a post-2025 mark ("(mới)", "(cũ)"), else None.

    The mark tells the post-merger unit from the old province of the same name; the name itself
    still resolves to that name (:func:`match_province`), so a caller that needs the unit reads
    the mark here.

    Examples
    --------
    >>> name_mark("Tây Ninh (mới)"), name_mark("Long An (cũ)"), name_mark("Tỉnh Tây Ninh mới"), name_mark("Tây Ninh")
    ('new', 'old', 'new', None)
    """
    return _tokens(name)[1]


def provinces() -> pd.DataFrame:
    """The 63 pre-merger provinces: ``code``, ``province``, ``region`` (see :func:`kceval.merger.crosswalk`).

    Examples
    --------
    >>> provinces().groupby("region").size().to_dict()
    {'central': 15, 'north': 28, 'south': 20}
    """
    df = pd.DataFrame(list(_PROVINCES), columns=["code", "province", "region"])
    return df.sort_values("code", ignore_index=True)


PROVINCE_NAMES: tuple[str, ...] = tuple(p[1] for p in _PROVINCES)
_REGION_OF = {p[1]: p[2] for p in _PROVINCES}
_CODE_OF = {p[1]: p[0] for p in _PROVINCES}


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    idx = {name_key(n): n for n in PROVINCE_NAMES}
    idx.update(_ALIAS_INDEX)  # "Huế" and "TP HCM" among them: the 2025 names of unchanged places
    return idx


def spellings() -> Mapping[str, str]:
    """Every spelling key (:func:`name_key`) kceval knows -> its canonical province name."""
    return _index()


def closest(name: object, idx: Mapping[str, str], n: int) -> list[str]:
    """Up to ``n`` names of ``index`` (a spelling key -> name map) whose keys are close to ``name``'s."""
    out: list[str] = []
    for k in difflib.get_close_matches(name_key(name), list(idx), n=n * 2, cutoff=0.6):
        if idx[k] not in out:
            out.append(idx[k])
    return out[:n]


def suggest(name: str, n: int = 3) -> list[str]:
    """Up to ``n`` canonical province names close to ``name`` (for "did you mean")."""
    return closest(name, _index(), n)


class UnknownProvinceError(KcevalError):
    """A province name matched none of the 63 provinces or 34 new units."""

    def __init__(self, name: object, suggestions: list[str], *, kind: str = "province", reason: str = ""):
        self.name = name
        self.suggestions = suggestions
        hint = (
            f"did you mean {', '.join(map(repr, suggestions))}?"
            if suggestions
            else "no close match; see kceval.geo.PROVINCE_NAMES"
        )
        self.hint = f"{reason}; {hint}" if reason else hint
        super().__init__(f"unknown {kind} {name!r}: {self.hint}")


def match_province(name: str) -> str:
    """Canonical name of a province written in any common spelling.

    Accepts diacritics or none, any case, prefixes ("TP.", "Tỉnh", "Thành phố"), hyphen and
    spacing variants, abbreviations ("HCM", "BR-VT", "Huế"), post-2025 unit names (which
    resolve to the old province of the same name) and the marks "(mới)" / "(cũ)", which are
    dropped (read them with :func:`name_mark`). Never guesses: an unknown name raises
    :class:`UnknownProvinceError` with up to three suggestions.

    Examples
    --------
    >>> match_province("tp hcm"), match_province("Ba Ria-Vung Tau"), match_province("Huế")
    ('TP. Hồ Chí Minh', 'Bà Rịa – Vũng Tàu', 'Thừa Thiên Huế')
    >>> match_province("Tây Ninh (mới)"), match_province("Thành phố Đà Nẵng")
    ('Tây Ninh', 'Đà Nẵng')
    """
    if name is None or (isinstance(name, float) and name != name):
        raise UnknownProvinceError(name, [])
    hit = _index().get(name_key(name))
    if hit is None:
        raise UnknownProvinceError(name, suggest(str(name)))
    return hit


def region_of(province: str) -> str:
    """ARIT region (``north``, ``central`` or ``south``) of a province in any spelling."""
    return _REGION_OF[match_province(province)]


def code_of(province: str) -> str:
    """GSO code of a province in any spelling."""
    return _CODE_OF[match_province(province)]


def provinces_in(region: str) -> list[str]:
    """Canonical names of the provinces of an ARIT region."""
    if region not in REGIONS:
        raise ParameterError(f"`region` must be one of {', '.join(map(repr, REGIONS))}; received {region!r}")
    return [p[1] for p in _PROVINCES if p[2] == region]


def check_region(region: str) -> str:
    """Return ``region`` if valid, else raise a ParameterError naming the allowed values."""
    provinces_in(region)
    return region

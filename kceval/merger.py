"""The 2025 merger: 63 provinces became 34 units on 1 July 2025 (Resolution 202/2025/QH15).

The crosswalk (old province -> new unit) follows DOMAIN.md; the 34 units, their codes and names
come from the ``vietnam-provinces`` package. :func:`rollup_2025` sums old-province figures up to
the new units. No post-merger regional grouping is published: the region of a unit is a stated
assumption kept here as data (:data:`REGION_2025_ASSUMPTION`, :func:`regions_2025`, a user's file
through :func:`load_regions`). :func:`resolve_name` reads a name as an old province or a new unit
by the year and a "(mới)"/"(cũ)" mark, and says what it chose.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral
from typing import Literal

import pandas as pd
from vietnam_provinces import Province

from .errors import DataError, ParameterError, Problem
from .geo import (
    UnknownProvinceError,
    check_region,
    closest,
    match_province,
    name_key,
    name_mark,
    provinces,
    region_of,
    spellings,
)
from .text import fold

# Old province -> GSO code of the post-merger unit (Resolution 202/2025/QH15; DOMAIN.md).
_MERGER: dict[str, str] = {
    "Hà Nội": "01", "Thừa Thiên Huế": "46", "Cao Bằng": "04", "Lạng Sơn": "20",
    "Lai Châu": "12", "Điện Biên": "11", "Sơn La": "14", "Quảng Ninh": "22",
    "Thanh Hóa": "38", "Nghệ An": "40", "Hà Tĩnh": "42",
    "Tuyên Quang": "08", "Hà Giang": "08", "Lào Cai": "15", "Yên Bái": "15",
    "Thái Nguyên": "19", "Bắc Kạn": "19", "Phú Thọ": "25", "Vĩnh Phúc": "25", "Hòa Bình": "25",
    "Bắc Ninh": "24", "Bắc Giang": "24", "Hưng Yên": "33", "Thái Bình": "33",
    "Hải Phòng": "31", "Hải Dương": "31", "Ninh Bình": "37", "Hà Nam": "37", "Nam Định": "37",
    "Quảng Trị": "44", "Quảng Bình": "44", "Đà Nẵng": "48", "Quảng Nam": "48",
    "Quảng Ngãi": "51", "Kon Tum": "51", "Gia Lai": "52", "Bình Định": "52",
    "Đắk Lắk": "66", "Phú Yên": "66", "Khánh Hòa": "56", "Ninh Thuận": "56",
    "Lâm Đồng": "68", "Đắk Nông": "68", "Bình Thuận": "68",
    "TP. Hồ Chí Minh": "79", "Bình Dương": "79", "Bà Rịa – Vũng Tàu": "79",
    "Đồng Nai": "75", "Bình Phước": "75", "Tây Ninh": "80", "Long An": "80",
    "Cần Thơ": "92", "Sóc Trăng": "92", "Hậu Giang": "92",
    "Vĩnh Long": "86", "Bến Tre": "86", "Trà Vinh": "86",
    "Đồng Tháp": "82", "Tiền Giang": "82", "Cà Mau": "96", "Bạc Liêu": "96",
    "An Giang": "91", "Kiên Giang": "91",
}

# New unit -> the old province holding its administrative centre, the seat of its provincial
# People's Committee (Resolution 202/2025/QH15): Lào Cai sits in old Yên Bái, Bắc Ninh in Bắc Giang,
# Quảng Trị in Đồng Hới (Quảng Bình), Gia Lai in Quy Nhơn (Bình Định), Tây Ninh in Tân An
# (Long An), Đồng Tháp in Mỹ Tho (Tiền Giang), An Giang in Rạch Giá (Kiên Giang). The seat's ARIT
# region is the unit's region (REGION_2025_ASSUMPTION); order and names as `units_2025()`.
_SEATS_2025: dict[str, str] = {
    "Hà Nội": "Hà Nội", "Cao Bằng": "Cao Bằng", "Tuyên Quang": "Tuyên Quang", "Điện Biên": "Điện Biên",
    "Lai Châu": "Lai Châu", "Sơn La": "Sơn La", "Lào Cai": "Yên Bái", "Thái Nguyên": "Thái Nguyên",
    "Lạng Sơn": "Lạng Sơn", "Quảng Ninh": "Quảng Ninh", "Bắc Ninh": "Bắc Giang", "Phú Thọ": "Phú Thọ",
    "Hải Phòng": "Hải Phòng", "Hưng Yên": "Hưng Yên", "Ninh Bình": "Ninh Bình", "Thanh Hóa": "Thanh Hóa",
    "Nghệ An": "Nghệ An", "Hà Tĩnh": "Hà Tĩnh",
    "Quảng Trị": "Quảng Bình", "Huế": "Thừa Thiên Huế", "Đà Nẵng": "Đà Nẵng", "Quảng Ngãi": "Quảng Ngãi",
    "Gia Lai": "Bình Định", "Khánh Hòa": "Khánh Hòa", "Đắk Lắk": "Đắk Lắk", "Lâm Đồng": "Lâm Đồng",
    "Đồng Nai": "Đồng Nai", "TP. Hồ Chí Minh": "TP. Hồ Chí Minh", "Tây Ninh": "Long An",
    "Đồng Tháp": "Tiền Giang", "Vĩnh Long": "Vĩnh Long", "An Giang": "Kiên Giang", "Cần Thơ": "Cần Thơ",
    "Cà Mau": "Cà Mau",
}

MERGER_DATE = dt.date(2025, 7, 1)
"""The day the 34 units of Resolution 202/2025/QH15 came into force."""

REGION_2025_ASSUMPTION = (
    "Each of the 34 units in force from 1 July 2025 is placed in the ARIT region of the old province "
    "that holds its administrative centre (the seat of its provincial People's Committee under "
    "Resolution 202/2025/QH15), so Lâm Đồng, which took Bình Thuận from the south, is in the central region."
)
"""The stated assumption behind :func:`regions_2025` (no post-merger grouping is published)."""

REGION_2025_ASSUMPTION_BY_LANGUAGE: dict[str, str] = {
    "vi": "Mỗi tỉnh, thành phố mới từ ngày 01/07/2025 được xếp vào vùng (theo Thông tư 26/2014/TT-BCT) "
          "của tỉnh cũ đặt trung tâm hành chính – chính trị (nơi đặt trụ sở Ủy ban nhân dân tỉnh theo "
          "Nghị quyết 202/2025/QH15), nên Lâm Đồng, dù nhận thêm Bình Thuận từ phía Nam, thuộc miền "
          "Trung – Tây Nguyên.",
    "en": REGION_2025_ASSUMPTION,
}
""":data:`REGION_2025_ASSUMPTION` in Vietnamese (``"vi"``) and English (``"en"``), for reports."""


def crosswalk() -> pd.DataFrame:
    """The 63 pre-merger provinces and their unit of 2025: ``code``, ``province``, ``region``,
    ``unit_2025_code``, ``unit_2025``.

    Examples
    --------
    >>> crosswalk().groupby("unit_2025").size().loc[["Tây Ninh", "Lâm Đồng", "Hà Nội"]].tolist()
    [2, 3, 1]
    """
    units = units_2025().set_index("code")["unit"]
    df = provinces()
    df["unit_2025_code"] = df["province"].map(_MERGER)
    df["unit_2025"] = df["unit_2025_code"].map(units)
    return df.sort_values("code", ignore_index=True)


@lru_cache(maxsize=1)
def _units() -> tuple[tuple[str, str], ...]:
    out = []
    for p in Province.iter_all():
        name = p.name
        if name == "Thành phố Hồ Chí Minh":
            name = "TP. Hồ Chí Minh"
        elif name.startswith("Thành phố "):
            name = name[len("Thành phố "):]
        out.append((f"{int(p.code):02d}", name))
    return tuple(sorted(out))


def units_2025() -> pd.DataFrame:
    """The 34 units in force from 01/07/2025 (``code``, ``unit``), from ``vietnam-provinces``."""
    return pd.DataFrame(list(_units()), columns=["code", "unit"])


@lru_cache(maxsize=1)
def _namesakes() -> dict[str, str]:
    # each new unit -> the old province whose name it carries ("Huế" -> "Thừa Thiên Huế" by alias)
    out = {}
    for code, unit in _units():
        key = name_key(unit)
        out[unit] = next(p for p, c in _MERGER.items()
                         if c == code and (name_key(p) == key or spellings().get(key) == p))
    return out


def unit_2025_of(province: str) -> str:
    """Name of the post-merger unit (from 01/07/2025) that a province became part of."""
    code = _MERGER[match_province(province)]
    return dict(_units())[code]


def rollup_2025(df: pd.DataFrame, *, province_col: str = "province", sum_cols: list[str] | None = None,
                by: list[str] | None = None) -> pd.DataFrame:
    """Sum old-province figures up to the 34 post-merger units.

    Parameters
    ----------
    df : DataFrame
        Tidy frame with a province column (any spelling) and numeric columns.
    sum_cols : list of str, optional
        Columns to sum; default every numeric column.
    by : list of str, optional
        Further grouping columns kept beside ``unit_2025`` (e.g. ``["year"]``).

    Examples
    --------
    >>> f = pd.DataFrame({"province": ["Đồng Nai", "Bình Phước"], "v": [1, 2]})
    >>> rollup_2025(f).to_dict("records")
    [{'unit_2025': 'Đồng Nai', 'v': 3}]
    """
    if province_col not in df.columns:
        raise ParameterError(
            f"`province_col` must be a column of `df`; received {province_col!r}, columns are {list(df.columns)}"
        )
    by = list(by or [])
    if sum_cols is None:
        sum_cols = [c for c in df.select_dtypes("number").columns if c not in by]
    names = df[province_col]
    units = names.map({n: unit_2025_of(n) for n in names.unique()})  # each distinct name once, not each row
    out = df.assign(unit_2025=units).groupby(["unit_2025", *by], sort=True)[sum_cols].sum()
    return out.reset_index()


# --- the 34 units of 2025: names, regions and reading a name by the year --------------------------

_ON = f"{MERGER_DATE.day} {MERGER_DATE:%B %Y}"  # "1 July 2025", as the notes say it

# Region words a user may write in an override file, folded (see `fold`).
_REGION_WORDS: dict[str, str] = {
    "north": "north", "phiabac": "north", "mienbac": "north",
    "central": "central", "mientrung": "central", "mientrungtaynguyen": "central",
    "south": "south", "phianam": "south", "miennam": "south",
}


@lru_cache(maxsize=1)
def _unit_index() -> dict[str, str]:
    # every spelling of a unit's namesake province names the unit ("Thừa Thiên Huế" -> "Huế")
    unit_of = {p: u for u, p in _namesakes().items()}
    return {k: unit_of[p] for k, p in spellings().items() if p in unit_of}


def _members(unit: str) -> list[str]:
    code = {u: c for c, u in _units()}[unit]
    return [p for p, c in _MERGER.items() if c == code]  # namesake first, as DOMAIN.md lists them


def match_unit_2025(name: str) -> str:
    """Name of one of the 34 units in force from 1 July 2025, written in any common spelling.

    An old province merged into another unit ("Long An") or a name marked old ("Tây Ninh (cũ)")
    is not a unit: :class:`UnknownProvinceError` says which unit it joined.

    Examples
    --------
    >>> match_unit_2025("thanh pho hue"), match_unit_2025("Thừa Thiên Huế"), match_unit_2025("Tây Ninh (mới)")
    ('Huế', 'Huế', 'Tây Ninh')
    """
    unit = _unit_index().get(name_key(name))
    if unit is None:
        try:
            province = match_province(name)
        except UnknownProvinceError:
            raise UnknownProvinceError(name, closest(name, _unit_index(), 3), kind="2025 unit") from None
        unit = unit_2025_of(province)
        raise UnknownProvinceError(name, [unit], kind="2025 unit",
                                   reason=f"{province} has been part of {unit} since {_ON}")
    if name_mark(name) == "old":
        raise UnknownProvinceError(name, [unit], kind="2025 unit",
                                   reason=f"the mark names the province {_namesakes()[unit]} before {_ON}")
    return unit


@lru_cache(maxsize=1)
def _seat_regions() -> tuple[tuple[str, str, str], ...]:
    return tuple((u, _SEATS_2025[u], region_of(_SEATS_2025[u])) for _, u in _units())


def _regions_frame(region: Mapping[str, str]) -> pd.DataFrame:
    rows = [(u, seat, region[u]) for u, seat, _ in _seat_regions()]
    return pd.DataFrame(rows, columns=["unit_2025", "seat_province", "region"])


def regions_2025(override: Mapping[str, str] | str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Region of each of the 34 units of 2025: ``unit_2025``, ``seat_province``, ``region``.

    By default a unit is in the region of ``seat_province``, the old province holding its
    administrative centre (:data:`REGION_2025_ASSUMPTION`). ``override`` changes that: a mapping
    ``{unit: region}`` for some units (any spelling), or the path of a CSV file read by
    :func:`load_regions`.

    Examples
    --------
    >>> r = regions_2025()
    >>> r.groupby("region").size().to_dict(), r.set_index("unit_2025").loc["Lâm Đồng"].tolist()
    ({'central': 8, 'north': 18, 'south': 8}, ['Lâm Đồng', 'central'])
    >>> regions_2025({"Lâm Đồng": "south"}).set_index("unit_2025").loc["Lâm Đồng", "region"]
    'south'
    """
    if isinstance(override, (str, os.PathLike)):
        return load_regions(override)
    if override is not None and not isinstance(override, Mapping):
        raise ParameterError(f"`override` must be a mapping {{unit: region}}, a file path or None; "
                             f"received {type(override).__name__}")
    region = {u: r for u, _, r in _seat_regions()}
    bad = []
    for name, value in (override or {}).items():
        try:
            unit = match_unit_2025(name)
        except UnknownProvinceError as e:
            bad.append(f"{name!r} ({e.hint})")
            continue
        if (r := _REGION_WORDS.get(fold(value))) is None:
            bad.append(f"{name!r}: {value!r}")
        else:
            region[unit] = r
    if bad:
        raise ParameterError(f"`override` must map 2025 units to 'north', 'central' or 'south'; "
                             f"received {'; '.join(bad)}")
    return _regions_frame(region)


def load_regions(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a region grouping of the 34 units from a CSV file with columns ``unit_2025,region``.

    Units may be written in any common spelling, regions as ``north``/``central``/``south`` or
    in Vietnamese ("Phía Bắc", "Miền Trung – Tây Nguyên", "Phía Nam"). Every unit must be listed
    exactly once. Returns the table of :func:`regions_2025`; every problem of the file is
    reported at once, as a :class:`~kceval.errors.DataError`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = os.path.join(d, "regions.csv")
    ...     regions_2025({"Lâm Đồng": "south"}).to_csv(f, index=False)
    ...     load_regions(f).groupby("region").size().to_dict()
    {'central': 7, 'north': 18, 'south': 9}
    """
    file = str(path)
    try:  # no blank-line skipping, so that row numbers are the ones the user sees
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise DataError([Problem("error", file, None, None, None, None, f"the regions file cannot be read: {e}",
                                 "write a UTF-8 CSV file with the header unit_2025,region")]) from e
    cols = {fold(c, "_"): c for c in raw.columns}
    missing = [c for c in ("unit_2025", "region") if c not in cols]
    if missing:
        raise DataError([Problem("error", file, None, 1, c, None, f"the column {c!r} is missing",
                                 f"the header must be unit_2025,region; it is {','.join(map(str, raw.columns))}")
                         for c in missing])
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    region: dict[str, str] = {}
    for i, (name, value) in enumerate(zip(raw[cols["unit_2025"]], raw[cols["region"]], strict=True)):
        row = i + 2  # the header is row 1
        if not (name.strip() or value.strip()):
            continue
        r = _REGION_WORDS.get(fold(value))
        if r is None:
            problems.append(Problem("error", file, None, row, "region", value, "unknown region",
                                    f"write one of 'north', 'central', 'south'; received {value!r}"))
        try:
            unit = match_unit_2025(name)
        except UnknownProvinceError as e:
            problems.append(Problem("error", file, None, row, "unit_2025", name, "not a unit of 2025", e.hint))
            continue
        if unit in first_row:
            problems.append(Problem("error", file, None, row, "unit_2025", name,
                                    f"{unit} is listed twice (first on row {first_row[unit]})", "keep one row"))
            continue
        first_row[unit] = row
        region[unit] = r or ""
    problems += [Problem("error", file, None, None, "unit_2025", u, f"{u} is missing",
                         "list each of the 34 units once (kceval.merger.regions_2025() gives them)")
                 for u, _, _ in _seat_regions() if u not in first_row]
    if problems:
        raise DataError(problems, f"{len(problems)} problem(s) in the regions file {file}")
    return _regions_frame(region)


def region_2025_of(unit: str, regions: pd.DataFrame | None = None) -> str:
    """Region of a 2025 unit (any spelling), from ``regions`` or by default the stated assumption.

    ``regions`` is a table of :func:`regions_2025` or :func:`load_regions`.

    Examples
    --------
    >>> region_2025_of("Lâm Đồng"), region_2025_of("Thành phố Huế"), region_2025_of("Tây Ninh (mới)")
    ('central', 'central', 'south')
    """
    u = match_unit_2025(unit)
    if regions is None:
        return next(r for v, _, r in _seat_regions() if v == u)
    if not isinstance(regions, pd.DataFrame) or not {"unit_2025", "region"} <= set(regions.columns):
        raise ParameterError("`regions` must be a table of kceval.merger.regions_2025() (columns unit_2025, region); "
                             f"received {type(regions).__name__}")
    hit = regions.loc[regions["unit_2025"] == u, "region"]
    if len(hit) != 1:
        raise ParameterError(f"`regions` must list the unit {u!r} once; it lists it {len(hit)} time(s)")
    return check_region(str(hit.iloc[0]))


@dataclass(frozen=True)
class Resolved:
    """A place name read either as an old province or as a 2025 unit.

    ``name`` is the canonical province name (``basis="province"``) or the unit's name
    (``basis="unit_2025"``); ``note`` says what was chosen and why, '' when there was no choice.
    """

    name: str
    basis: Literal["province", "unit_2025"]
    note: str = ""


def _renamed(province: str, unit: str) -> str:
    # only Thừa Thiên Huế -> Huế: an unchanged territory under a new name
    same = [province] == _members(unit) != [unit]
    return f"{province} became {unit} on {_ON}, with the same territory" if same else ""


def resolve_name(name: str, year: int | None = None) -> Resolved:
    """Read a name as an old province or a 2025 unit, by its mark or by the year; never silently.

    A mark decides first: "(mới)"/"(new)" is the unit, "(cũ)"/"(old)" the old province. Else,
    for ``year`` 2025 or later a name is the unit it is in from 1 July 2025 ("Long An" ->
    "Tây Ninh"); before 2025, or with no year, the old province. Each choice that changes what
    a name covers is stated in ``note``. Unknown names raise :class:`UnknownProvinceError`.

    Examples
    --------
    >>> r = resolve_name("Long An", 2026)
    >>> r.name, r.basis, r.note.split(";")[0]
    ('Tây Ninh', 'unit_2025', 'Long An has been part of Tây Ninh since 1 July 2025')
    >>> resolve_name("Tây Ninh", 2024), resolve_name("Hà Nội", 2026)
    (Resolved(name='Tây Ninh', basis='province', note=''), Resolved(name='Hà Nội', basis='unit_2025', note=''))
    """
    if year is not None and (isinstance(year, bool) or not isinstance(year, Integral)):
        raise ParameterError(f"`year` must be a whole year such as 2025, or None; received {year!r}")
    province = match_province(name)  # an unknown name raises here, with suggestions
    unit, mark = unit_2025_of(province), name_mark(name)
    members = _members(unit)
    namesake = _namesakes()[unit] == province  # the name is also the new unit's name
    whole = f"{unit} ({' + '.join(members)})" if len(members) > 1 else unit
    if mark == "new":
        if not namesake:
            raise UnknownProvinceError(name, [unit], kind="2025 unit",
                                       reason=f"{province} has been part of {unit} since {_ON}")
        return Resolved(unit, "unit_2025", f"{name!r} is marked new: the unit {whole} in force from {_ON}")
    if mark == "old":
        since = f"; it has been part of {whole} since {_ON}" if len(members) > 1 else ""
        return Resolved(province, "province", f"{name!r} is marked old: the province {province} before {_ON}{since}")
    if year is not None and year >= MERGER_DATE.year:
        if not namesake:
            return Resolved(unit, "unit_2025", f"{province} has been part of {unit} since {_ON}; "
                                               f"write '{province} (cũ)' for the old province alone")
        if len(members) > 1:
            return Resolved(unit, "unit_2025", f"for {year}, {unit} is the unit {whole} in force from {_ON}; "
                                               f"write '{unit} (cũ)' for the old province alone")
        return Resolved(unit, "unit_2025", _renamed(province, unit))
    if year is None and namesake and len(members) > 1:
        return Resolved(province, "province", f"with no year, {province} is read as the province before {_ON}; "
                                              f"give a year from {MERGER_DATE.year} or write '{unit} (mới)' "
                                              f"for the unit {whole}")
    return Resolved(province, "province", _renamed(province, unit))

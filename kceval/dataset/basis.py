"""The unit basis of a report: the 63 old provinces, or the 34 units of 2025.

Reports for plan years from 2025 are per unit of 2025 (Resolution 202/2025/QH15); earlier years
are per old province unless a report asks for the units (``units=2025``, the "comparable basis"
for trends). :func:`on_units` relabels the data so that every later step (selections, headline
figures, comparisons, history) works on units unchanged: ``province`` becomes the unit (named by
its namesake province's canonical spelling, so that name matching keeps working: Huế is
"Thừa Thiên Huế") and ``region`` the unit's region, a stated assumption
(:data:`kceval.merger.REGION_2025_ASSUMPTION`). Earlier years are summed over the old provinces
of each unit: the history of a unit is its comparable basis.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from .. import geo, merger
from ..errors import ParameterError
from .dataset import Dataset

BASES = ("province", "unit_2025")
_NAMESAKE = {u: geo.match_province(u) for u in merger.units_2025()["unit"]}


def basis_for(year: int, units: Any = None) -> str:
    """``"unit_2025"`` for plan years from 2025 or when ``units`` is 2025, else ``"province"``.

    Examples
    --------
    >>> basis_for(2024), basis_for(2026), basis_for(2019, units=2025)
    ('province', 'unit_2025', 'unit_2025')
    """
    if units not in (None, "", 2025, "2025"):
        raise ParameterError(f"`units` must be 2025 (the 34 units of 2025) or empty; received {units!r}")
    return "unit_2025" if units not in (None, "") or int(year) >= merger.MERGER_DATE.year else "province"


def on_units(ds: Dataset, regions: str = "") -> Dataset:
    """``ds`` with ``province`` the unit of 2025 and ``region`` the unit's region, over every year.

    The province that approved a row stays readable as ``province_reported``. Rows are relabelled,
    never summed or dropped, so every total is unchanged: the 34 units' totals are the 63 provinces'.
    ``regions`` is a CSV file of the units' regions (:func:`kceval.merger.load_regions`) that replaces
    the stated assumption; '' keeps it.

    Examples
    --------
    >>> u = on_units(Dataset.load()).select(year=2024)
    >>> sorted(u.projects["province"].unique())[:3], u.basis
    (['An Giang', 'Bắc Ninh', 'Cao Bằng'], 'unit_2025')
    """
    if ds.basis == "unit_2025" and ds.regions_file == (regions or ""):
        return ds
    region = None
    if regions:
        r = merger.regions_2025(regions)
        region = dict(zip(r["unit_2025"], r["region"]))

    def relabel(t: pd.DataFrame) -> pd.DataFrame:
        if "unit_2025" not in t.columns:
            return t
        r25 = t["unit_2025"].map(region).astype(object) if region else t["region_2025"]
        reported = t["province_reported"] if "province_reported" in t.columns else t["province"]
        return t.assign(province_reported=reported, province=t["unit_2025"].map(_NAMESAKE).astype(object),
                        region=r25, region_2025=r25)

    return replace(ds, plans=relabel(ds.plans), projects=relabel(ds.projects), basis="unit_2025",
                   regions_file=regions or "")


def on_basis(ds: Dataset, year: int, units: Any = None, regions: str = "") -> Dataset:
    """``ds`` on the basis of a report for plan year ``year`` (:func:`basis_for`), the units' regions
    read from ``regions`` when given."""
    return on_units(ds, regions) if basis_for(year, units) == "unit_2025" else ds


def region_on_basis(province: str, basis: str, regions: str = "") -> str:
    """The region of a province (``basis="province"``) or of a unit of 2025 named by its namesake.

    Examples
    --------
    >>> region_on_basis("Lâm Đồng", "province"), region_on_basis("Lâm Đồng", "unit_2025")
    ('central', 'central')
    >>> region_on_basis("Bình Thuận", "province")
    'south'
    """
    if basis not in BASES:
        raise ParameterError(f"`basis` must be one of {', '.join(BASES)}; received {basis!r}")
    if basis == "province":
        return geo.region_of(province)
    return merger.region_2025_of(merger.unit_2025_of(province), merger.regions_2025(regions) if regions else None)


def place_label(province: str | None, region: str | None, year: int | None, units: Any = None) -> str:
    """The canonical label of a selection read on the basis of ``year``: a province, a unit of 2025 (as
    its namesake's spelling), a region code or ``national``; an old province alone cannot be asked for
    on the unit basis.

    Examples
    --------
    >>> place_label("Long An", None, 2026), place_label("Long An", None, 2024), place_label(None, "south", 2026)
    ('Tây Ninh', 'Long An', 'south')
    """
    if province and region:
        raise ParameterError("give `province` or `region`, not both; received "
                             f"province={province!r}, region={region!r}")
    if region:
        return geo.check_region(region)
    if not province:
        return "national"
    if year is None or basis_for(year, units) == "province":
        return geo.match_province(province)
    r = merger.resolve_name(province, max(int(year), merger.MERGER_DATE.year))
    if r.basis == "province":  # "Tây Ninh (cũ)": after the merger its projects are the unit's
        raise ParameterError(f"`province` {province!r} names an old province alone, but a report for {year} is "
                             f"on the basis of the 34 units of 2025: give the unit "
                             f"({merger.unit_2025_of(r.name)}) or an earlier year")
    return _NAMESAKE[merger.unit_2025_of(r.name)]

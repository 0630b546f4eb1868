"""What a headline figure is about: a selection (a province, a region or the country), its plan
year as known on an as-of date, and the year's projects in a shape fast to group by province.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd

from ..dataset import Dataset, check_dataset
from ..dataset.basis import on_basis, place_label
from ..dataset.cache import Memo
from ..dataset.period import check_year, resolve_period


def selection_label(province: str | None = None, region: str | None = None, year: int | None = None) -> str:
    """Canonical label of a selection: a province (from 2025 a unit of 2025), a region code, or ``national``.

    Examples
    --------
    >>> selection_label("dong nai"), selection_label(region="south"), selection_label()
    ('Đồng Nai', 'south', 'national')
    >>> selection_label("Long An", year=2026)
    'Tây Ninh'
    """
    return place_label(province, region, year)


def label_on(ds: Dataset, province: str | None, region: str | None, year: int) -> str:
    """:func:`selection_label` on the basis of ``ds`` (a name is a unit of 2025 on the units' basis)."""
    return place_label(province, region, year, 2025 if ds.basis == "unit_2025" else None)


def year_basis(ds: Dataset, year: Any, units: Any = None, regions: str = "") -> Dataset:
    """``ds`` on the unit basis of plan year ``year``: the 34 units of 2025 from 2025 (or with ``units=2025``),
    else the 63 provinces (:mod:`kceval.dataset.basis`); every headline function starts here. Data already
    on the units' basis stay as they are, so a report on the units' basis for an earlier year keeps it."""
    check_dataset(ds)
    if ds.basis == "unit_2025" and not regions:
        return ds
    return on_basis(ds, check_year(ds, year), units, regions)


def year_as_of(ds: Dataset, year: Any, as_of: Any = None) -> tuple[Dataset, int, pd.Timestamp]:
    """The projects of plan year ``year`` (and their events) as known on ``as_of`` (default 31
    December of the year), with the checked year and date; payments are left out.

    Lighter than ``ds.select(year=...).as_of(...)``: headline figures of feasibility and
    completion need no payments, and events of other years' projects never match a selected
    project, so they need no (costly) project_id filter.
    """
    check_dataset(ds)
    y, d = resolve_period(ds, year, as_of)
    light = _YEAR_AS_OF.through(ds.memo_key_for(y, d), lambda: replace(
        ds, projects=ds.projects[ds.projects["year"] == y], payments=ds.payments.iloc[:0]).as_of(d))
    return light, y, d


# every headline part (spending, feasibility, completion, outputs) of every report of a batch starts from
# the same year as of the same date: computed once per process for the same data (Dataset.memo_key)
_YEAR_AS_OF = Memo(max_items=8, copy=Dataset.copy)


def slim_projects(projects: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """``projects[["region", "province"] + cols]`` with region and province as categoricals, so
    that grouping a million rows by province works on integer codes, not strings."""
    out = projects[["region", "province"] + cols]
    return out.assign(region=out["region"].astype("category"), province=out["province"].astype("category"))


def wide_rates(r: pd.DataFrame, keys: list[str], measures: Iterable[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long rates (``measure, count, n, estimate, low, high``) to one row per group with
    ``{measure}_rate``, ``_low`` and ``_high``; also returns the pivot, for counts and denominators."""
    wide = r.pivot(index=keys, columns="measure", values=["estimate", "low", "high", "count", "n"])
    out = pd.DataFrame(index=wide.index)
    for m in measures:
        out[f"{m}_rate"] = wide[("estimate", m)].astype(float)
        out[f"{m}_rate_low"] = wide[("low", m)].astype(float)
        out[f"{m}_rate_high"] = wide[("high", m)].astype(float)
    return out, wide

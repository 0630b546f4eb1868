"""The canonical tables (plans, projects, events, payments): pandera models and enums.

Money is integer VND, dates are ``datetime64[ns]`` at midnight, provinces are canonical names
from :mod:`kceval.geo`. Validation against these models (:func:`models`), with the cross-table rules, is in
:mod:`kceval.dataset.validate`; the words that name these codes are in :mod:`kceval.display.labels`.

The models are built on first use: pandera costs 0.16 s to import, and a report kernel, which reads validated
data from the batch's cache, needs the codes of this module but never a model.
"""
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from . import geo

SOURCES: tuple[str, ...] = ("national", "local")
# "unreported": a provincial sheet left the status blank; the project counts, its status is unknown
STATUSES: tuple[str, ...] = ("approved", "in_progress", "finished", "accepted", "stopped", "suspended", "unreported")
EVENT_KINDS: tuple[str, ...] = ("adjustment", "extension", "stop", "acceptance")
# Decree 45/2012 Art. 4; funding lines of TTLT 26/2014 Art. 5 (DOMAIN.md).
ACTIVITIES: tuple[str, ...] = (
    "training", "capacity", "demonstration", "machinery", "cleaner_production", "fair",
    "product_award", "brand", "consulting", "communication", "linkage", "industrial_cluster",
    "cooperation", "management",
)
TABLES: tuple[str, ...] = ("plans", "projects", "events", "payments")
# the row order of every written table (deterministic files)
SORT_KEYS: dict[str, list[str]] = {
    "plans": ["year", "province", "source"], "projects": ["project_id"],
    "events": ["project_id", "date", "kind"], "payments": ["project_id", "date", "amount_vnd"],
}

# National support caps per project by activity (TTLT 26/2014 Art. 6.2; demonstration raised to 1,000 million by
# TT 28/2018/TT-BTC; DOMAIN.md): VND, and whether the cap is per establishment (times the beneficiaries).
# Priority areas may get 1.5×; provinces set their own caps for local money. Cost-based lines have none.
SUPPORT_CAPS: dict[str, tuple[int, bool]] = {
    "machinery": (200_000_000, True), "demonstration": (1_000_000_000, False),
    "cleaner_production": (300_000_000, False), "product_award": (200_000_000, False),
    "brand": (35_000_000, True), "consulting": (35_000_000, True), "linkage": (150_000_000, False),
    "industrial_cluster": (3_000_000_000, False),
}
# The largest amount a cell may hold: 10,000 billion VND, far above any project or plan (DOMAIN.md: the national
# programme's five-year total is 1,436 billion) and low enough that a million such cells sum without overflow.
MONEY_MAX_VND: int = 10**13
# Units money is written in (DOMAIN.md): code -> đồng per unit. Money is stored in đồng.
MONEY_UNITS: dict[str, int] = {"dong": 1, "nghin": 10**3, "trieu": 10**6, "ty": 10**9}

_DATE = "datetime64[ns]"
_PROV = list(geo.PROVINCE_NAMES)


@cache
def models() -> dict[str, Any]:
    """The pandera model (a ``DataFrameModel`` class) of each table, by name; built once, on first use.

    Examples
    --------
    >>> sorted(models()), list(models()["payments"].to_schema().columns)
    (['events', 'payments', 'plans', 'projects'], ['project_id', 'date', 'amount_vnd'])
    """
    # The annotations are evaluated in the class bodies (this module has no `from __future__ import annotations`):
    # pandera then finds `Series` and the dtypes without looking them up among the module's names
    import pandera.pandas as pa  # deferred: 0.16 s, needed where tables are validated, not where they are read
    from pandera.typing import Series

    class Plans(pa.DataFrameModel):
        """One row per (year, province, source): the approved (and revised) plan."""

        year: Series[int] = pa.Field(ge=2000, le=2100)
        province: Series[str] = pa.Field(isin=_PROV)
        source: Series[str] = pa.Field(isin=list(SOURCES))
        approved_vnd: Series[np.int64] = pa.Field(ge=0, le=MONEY_MAX_VND)
        revised_vnd: Series[pd.Int64Dtype] = pa.Field(ge=0, le=MONEY_MAX_VND, nullable=True)

        class Config:
            coerce = True


    class Projects(pa.DataFrameModel):
        """One row per project (đề án)."""

        project_id: Series[str] = pa.Field(unique=True)
        year: Series[int] = pa.Field(ge=2000, le=2100)
        province: Series[str] = pa.Field(isin=_PROV)
        source: Series[str] = pa.Field(isin=list(SOURCES))
        activity: Series[str] = pa.Field(isin=list(ACTIVITIES))
        title: Series[str] = pa.Field(nullable=True)
        beneficiaries: Series[np.int64] = pa.Field(ge=1)
        pilot: Series[bool]
        group: Series[bool]
        support_vnd: Series[np.int64] = pa.Field(gt=0, le=MONEY_MAX_VND)
        counterpart_vnd: Series[pd.Int64Dtype] = pa.Field(ge=0, le=MONEY_MAX_VND, nullable=True)
        approved_on: Series[pd.Timestamp]
        planned_end: Series[pd.Timestamp]
        status: Series[str] = pa.Field(isin=list(STATUSES))
        finished_on: Series[pd.Timestamp] = pa.Field(nullable=True)
        accepted_on: Series[pd.Timestamp] = pa.Field(nullable=True)
        stopped_on: Series[pd.Timestamp] = pa.Field(nullable=True)
        output_count: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
        note: Series[str] = pa.Field(nullable=True)  # reasons and remarks from the sheet ("Ghi chú")

        class Config:
            coerce = True


    class Events(pa.DataFrameModel):
        """Dated adjustments, extensions, stops and acceptances."""

        project_id: Series[str]
        date: Series[pd.Timestamp]
        kind: Series[str] = pa.Field(isin=list(EVENT_KINDS))
        new_planned_end: Series[pd.Timestamp] = pa.Field(nullable=True)
        new_support_vnd: Series[pd.Int64Dtype] = pa.Field(gt=0, le=MONEY_MAX_VND, nullable=True)
        note: Series[str] = pa.Field(nullable=True)

        class Config:
            coerce = True


    class Payments(pa.DataFrameModel):
        """Disbursements; negative amounts are refunds."""

        project_id: Series[str]
        date: Series[pd.Timestamp]
        amount_vnd: Series[np.int64] = pa.Field(ge=-MONEY_MAX_VND, le=MONEY_MAX_VND)

        class Config:
            coerce = True

    return {"plans": Plans, "projects": Projects, "events": Events, "payments": Payments}


OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "plans": ("revised_vnd",),
    "projects": (
        "title",
        "counterpart_vnd",
        "finished_on",
        "accepted_on",
        "stopped_on",
        "output_count",
        "pilot",
        "group",
        "note",
    ),
    "events": ("new_planned_end", "new_support_vnd", "note"),
    "payments": (),
}


# each table's columns in order: the fields of its model below (pinned by tests/test_schema.py), known without pandera
COLUMNS: dict[str, tuple[str, ...]] = {
    "plans": ("year", "province", "source", "approved_vnd", "revised_vnd"),
    "projects": ("project_id", "year", "province", "source", "activity", "title", "beneficiaries", "pilot", "group",
                 "support_vnd", "counterpart_vnd", "approved_on", "planned_end", "status", "finished_on",
                 "accepted_on", "stopped_on", "output_count", "note"),
    "events": ("project_id", "date", "kind", "new_planned_end", "new_support_vnd", "note"),
    "payments": ("project_id", "date", "amount_vnd"),
}


def columns(table: str) -> list[str]:
    """Canonical column names of ``table`` in order (the model's fields, without building it)."""
    return list(COLUMNS[table])


@cache
def _dtypes(table: str) -> tuple[tuple[str, object], ...]:
    return tuple((c, col.dtype.type) for c, col in models()[table].to_schema().columns.items())


def empty(table: str) -> pd.DataFrame:
    """An empty, correctly typed canonical table (building the schema costs 0.3 s: its dtypes are kept)."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in _dtypes(table)})


def coerce_table(table: str, df: pd.DataFrame, *, copy: bool = True) -> pd.DataFrame:
    """Add missing optional columns (empty) and order columns canonically; no validation.

    Returns a new frame, built in one copy (a million-row table is a few hundred MB a copy), or with
    ``copy=False`` sharing ``df``'s columns (for a frame its caller has just built, or only reads).
    """
    n = len(df)
    values: dict[str, Any] = {c: df[c].array if isinstance(df[c].dtype, pd.api.extensions.ExtensionDtype)
                              else df[c].to_numpy() for c in df.columns}
    for c in OPTIONAL_COLUMNS[table]:
        if c not in values:
            if c in ("pilot", "group"):
                values[c] = np.zeros(n, dtype=bool)
            elif c.endswith("_on") or c == "new_planned_end":
                values[c] = pd.array(np.full(n, np.datetime64("NaT"), dtype=_DATE))
            elif c in ("title", "note"):
                values[c] = np.full(n, np.nan, dtype=object)  # missing text as validation has always had it
            else:
                values[c] = pd.array([pd.NA] * n, dtype="Int64")
    cols = columns(table)
    order = [c for c in cols if c in values] + [c for c in values if c not in cols]
    return pd.DataFrame({c: values[c] for c in order}, index=df.index, copy=copy)

"""Headline figures of one selection (a province, a region or the country) for one year.

This is what ``kceval summary`` prints and what reports show first. It gathers the base
counts here and the figures of the metric modules (spending, feasibility, completion).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from . import geo
from .dataset import Dataset, to_date
from .errors import ParameterError
from .schema import ACTIVITIES, STATUSES


def selection_label(province: str | None = None, region: str | None = None) -> str:
    """Canonical label of a selection: a province name, a region code, or ``national``."""
    if province and region:
        raise ParameterError("give `province` or `region`, not both; received "
                             f"province={province!r}, region={region!r}")
    if province:
        return geo.match_province(province)
    if region:
        return geo.check_region(region)
    return "national"


def default_as_of(year: int) -> pd.Timestamp:
    """Year end of the plan year: the default as-of date."""
    return pd.Timestamp(year=int(year), month=12, day=31)


def base_summary(ds: Dataset, *, year: int, province: str | None = None, region: str | None = None,
                 as_of=None) -> dict[str, Any]:
    """Plan, executed, execution rate and counts by status and activity.

    Examples
    --------
    >>> s = base_summary(Dataset.load(), year=2019, region="south", as_of="2019-06-30")
    >>> s["plan_vnd"], s["executed_vnd"]
    (85865000000, 16578000000)
    """
    label = selection_label(province, region)
    year = int(year)
    if year not in ds.years:
        raise ParameterError(f"`year` must be one of the data's years {ds.years}; received {year!r}")
    d = to_date("as_of", as_of) if as_of is not None else default_as_of(year)
    sel = ds.select(year=year, province=province, region=region).as_of(d)
    plan = int(sel.plans["approved_vnd"].sum())
    executed = int(sel.payments["amount_vnd"].sum())
    st = sel.projects["status"].value_counts()
    act = sel.projects["activity"].value_counts()
    return {
        "selection": label,
        "year": year,
        "as_of": str(d.date()),
        "synthetic": bool(ds.synthetic),
        "plan_vnd": plan,
        "executed_vnd": executed,
        "execution_rate": (executed / plan) if plan else None,
        "n_projects": int(len(sel.projects)),
        "status_counts": {s: int(st.get(s, 0)) for s in STATUSES},
        "activity_counts": {a: int(act.get(a, 0)) for a in ACTIVITIES if act.get(a, 0)},
    }


def summary(ds: Dataset, *, year: int, province: str | None = None, region: str | None = None,
            as_of=None) -> dict[str, Any]:
    """All headline figures (base, spending, feasibility, completion) as a JSON-ready dict."""
    out = base_summary(ds, year=year, province=province, region=region, as_of=as_of)
    kw = dict(year=int(year), province=province, region=region, as_of=out["as_of"])
    from . import completion, feasibility, spending

    for part in (spending.headline_spending(ds, **kw), feasibility.headline_feasibility(ds, **kw),
                 completion.headline_completion(ds, **kw)):
        for k, v in part.items():
            out.setdefault(k, v)
    return out

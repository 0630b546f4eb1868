"""Headline figures of one selection (a province, a region or the country) for one year.

This is what ``kceval summary`` prints and what reports show first. It gathers the base
counts here and the headline figures of spending, feasibility and completion
(:mod:`.spending`, :mod:`.feasibility`, :mod:`.completion`); :func:`summary_by_province` sets
every province's figures side by side for the comparisons of a report.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..dataset import Dataset
from ..dataset.cache import Memo
from ..dataset.period import check_year, resolve_period
from ..schema import ACTIVITIES, STATUSES
from .completion import headline_completion, headline_completion_by_province
from .feasibility import headline_feasibility, headline_feasibility_by_province
from .outputs import headline_outputs
from .scope import label_on, year_basis
from .spending import headline_spending, headline_spending_by_province


def base_summary(ds: Dataset, *, year: int, province: str | None = None, region: str | None = None,
                 as_of: Any = None) -> dict[str, Any]:
    """Plan, executed, execution rate and counts by status and activity.

    Examples
    --------
    >>> s = base_summary(Dataset.load(), year=2019, region="south", as_of="2019-06-30")
    >>> s["plan_vnd"], s["executed_vnd"]
    (85865000000, 16578000000)
    """
    ds = year_basis(ds, year)
    label = label_on(ds, province, region, check_year(ds, year))
    year, d = resolve_period(ds, year, as_of)
    sel = ds.select(year=year, province=label if province else None, region=region).as_of(d)
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
            as_of: Any = None) -> dict[str, Any]:
    """All headline figures (base, spending, feasibility, completion) of a selection as a JSON-ready dict.

    Examples
    --------
    >>> s = summary(Dataset.load(), year=2019, region="south", as_of="2019-06-30")
    >>> round(s["execution_rate"], 3), s["plan_vnd"]
    (0.193, 85865000000)
    """
    out = base_summary(ds, year=year, province=province, region=region, as_of=as_of)
    kw: dict[str, Any] = dict(year=int(year), province=province, region=region, as_of=out["as_of"])
    for part in (headline_spending(ds, **kw), headline_feasibility(ds, **kw), headline_completion(ds, **kw),
                 headline_outputs(ds, **kw)):
        for k, v in part.items():
            out.setdefault(k, v)
    return out


# every report of a batch on the same data and period compares with the same provinces: a warm
# kernel computes that frame once (keyed by the data's file hashes) and hands out copies
_BY_PROVINCE = Memo(max_items=8, copy=pd.DataFrame.copy)


def summary_by_province(ds: Dataset, *, year: int, as_of: Any = None) -> pd.DataFrame:
    """Every province's spending, feasibility and completion headline figures, one row each.

    The merge of :func:`~kceval.headline.spending.headline_spending_by_province`,
    :func:`~kceval.headline.feasibility.headline_feasibility_by_province` and
    :func:`~kceval.headline.completion.headline_completion_by_province` on ``province``.
    Sealed data (a report's, :meth:`~kceval.dataset.Dataset.sealed`) are remembered per process (by file hashes,
    options, year and date), so the reports of one batch compute it once.
    """
    y, d = resolve_period(ds, year, as_of)
    kw: dict[str, Any] = dict(year=y, as_of=str(d.date()))

    def merged() -> pd.DataFrame:
        out = headline_spending_by_province(ds, **kw)
        for extra in (headline_feasibility_by_province(ds, **kw), headline_completion_by_province(ds, **kw)):
            out = out.merge(extra.drop(columns=["region"]), on="province", how="left")
        return out

    return _BY_PROVINCE.through(ds.memo_key_for(y, kw["as_of"]), merged)

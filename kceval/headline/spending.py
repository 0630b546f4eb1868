"""Headline spending figures: one selection (:func:`headline_spending`) or every province at once.

Both gather the figures of :mod:`kceval.metrics.spending`, :mod:`kceval.metrics.pefa`,
:mod:`kceval.metrics.concentration`, :mod:`kceval.metrics.profile` and
:mod:`kceval.metrics.forecast` for one plan year as of one date. Conventions:

- as_of defaults to 31 December of the plan year;
- PEFA figures (pi1_outturn, pi2_cv) are those of the latest completed plan year ≤ ``year``
  (``pefa_year``); grades use the last three completed years;
- PI-2 lines: activities for a province; provinces for a region or the country (``pi2_lines``);
- theil_between_share: between activities for a province; between provinces for a region or
  the country (``theil_between_lines``; by province in the batch path: between activities);
- small projects: below the programme-wide (all provinces, same year) median support of their
  activity;
- q4_share and december_ratio are None until the year is over; forecasts are None once it is.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset, check_dataset
from ..dataset.basis import region_on_basis
from ..dataset.cache import Memo
from ..dataset.period import check_year, resolve_period
from ..errors import ParameterError
from ..metrics.concentration import concentration, fragmentation, gini
from ..metrics.forecast import forecast, year_end_forecast
from ..metrics.pefa import pefa_grades, pefa_pi1, pefa_pi2
from ..metrics.profile import profile_stats
from ..metrics.spending import execution, leverage
from .scope import label_on, year_basis
from .values import interval, jsonable

HEADLINE_KEYS: tuple[str, ...] = (
    "plan_vnd", "executed_vnd", "execution_rate", "execution_rate_revised", "gap_to_target_vnd",
    "pi1_outturn", "pi1_grade", "pi2_cv", "pi2_grade", "hhi", "effective_projects", "gini", "gini_ci",
    "theil", "theil_between_share", "small_project_share", "projects_for_90pct", "leverage", "q4_share",
    "december_ratio", "forecast_rate", "forecast_interval", "naive_forecast_rate", "pefa_year",
    # added after 0.1.0's keys: how many earlier years the forecast rests on (no interval below 2),
    # and what the lines of pi2_cv and theil_between_share are (they change with the level)
    "forecast_years", "pi2_lines", "theil_between_lines",
)


INT_KEYS = frozenset({"plan_vnd", "executed_vnd", "gap_to_target_vnd", "projects_for_90pct", "pefa_year",
                      "forecast_years"})


def _last(frame: pd.DataFrame, year: int, col: str, by: list[str]) -> pd.DataFrame:
    """Per group: value of ``col`` in the latest year ≤ ``year``, that year, and the grade of the last three."""
    f = frame[frame["year"] <= year]
    if not len(f):
        return pd.DataFrame(columns=by + [col, "pefa_year", "grade"])
    last = f.sort_values(by + ["year"]).groupby(by).tail(1) if by else f.sort_values("year").tail(1)
    grades = pefa_grades(f, by=by or None)
    last = last[by + ["year", col]].rename(columns={"year": "pefa_year"})
    return last.merge(grades[by + ["grade"]], on=by) if by else last.assign(grade=grades["grade"].iloc[0])


def headline_spending(ds: Dataset, *, year: int, province: str | None = None, region: str | None = None,
                      as_of: Any = None) -> dict[str, Any]:
    """Headline spending figures of a province, a region or the country for one plan year.

    Parameters
    ----------
    ds : Dataset
        The full data (the selection is made here; programme-wide medians and the region
        fallback of the forecast need the rest).
    year : int
        Plan year.
    province, region : str, optional
        At most one; both omitted = national.
    as_of : date, optional
        Default 31 December of ``year``.

    Returns
    -------
    dict
        JSON-ready values for :data:`HEADLINE_KEYS`; None when not computable; intervals as
        [low, high] (None when unavailable: ``forecast_interval`` with ``forecast_years`` < 2).

    Examples
    --------
    >>> h = headline_spending(Dataset.load(), year=2019, region="south", as_of="2019-06-30")
    >>> round(h["execution_rate"], 3), h["q4_share"]
    (0.193, None)
    """
    check_dataset(ds)
    if province and region:
        raise ParameterError(
            f"give `province` or `region`, not both; received province={province!r}, region={region!r}"
        )
    ds = year_basis(ds, year)
    label = label_on(ds, province, region, check_year(ds, year))
    y, d = resolve_period(ds, year, as_of)
    if province and ds.memo_key is not None:
        # a report's province (sealed data): its row of every province's figures, computed once for the reports of
        # a batch; the same figures as below (tested on a fifth of the sample's provinces, three periods, a regions file
        # and provinces of unusual shape)
        rows = headline_spending_by_province(ds, year=y, as_of=d)
        row = rows[rows["province"] == label]
        if len(row):
            return _from_row(row.iloc[0], ds, y, d, label)
    if province:
        province = label
        sel = ds.select(province=province)
    elif region:
        sel = ds.select(region=label)
    else:
        sel = ds
    sy = sel.select(year=y)
    if not len(sy.plans) and not len(sy.projects):
        raise ParameterError(f"the selection ({province or region or 'national'}, {y}) has no plans and no projects")
    out: dict[str, Any] = {k: None for k in HEADLINE_KEYS}
    ex = execution(sy, by=None, as_of=d).iloc[0]
    out.update(plan_vnd=ex["plan_vnd"], executed_vnd=ex["executed_vnd"], execution_rate=ex["execution_rate"],
               execution_rate_revised=ex["execution_rate_revised"], gap_to_target_vnd=ex["gap_vnd"])

    p1 = _last(pefa_pi1(sel, as_of=d), y, "outturn_ratio", [])
    if len(p1):
        out.update(
            pi1_outturn=p1["outturn_ratio"].iloc[0], pi1_grade=p1["grade"].iloc[0], pefa_year=p1["pefa_year"].iloc[0]
        )
    level = "province" if province else ("region" if region else "national")
    # the lines of a province are its activities; of a region or the country, its provinces
    out["pi2_lines"] = out["theil_between_lines"] = "activity" if province else "province"
    p2 = pefa_pi2(sel, level=level, as_of=d)
    p2 = _last(p2, y, "cv", [])
    if len(p2):
        out.update(pi2_cv=p2["cv"].iloc[0], pi2_grade=p2["grade"].iloc[0])

    pr = sy.projects
    if len(pr):
        within = "activity" if province else "province"
        c = concentration(pr, within=within).iloc[0]
        out.update(hhi=c["hhi"], effective_projects=c["effective_projects"], gini=c["gini"], theil=c["theil"],
                   theil_between_share=c["theil_between_share"])
        if len(pr) >= 2:
            g = gini(pr["support_vnd"], ci=True, n_boot=1000, seed=0)
            out["gini_ci"] = [g.low, g.high]
        fr = fragmentation(pr, reference=ds.select(year=y).projects).iloc[0]
        out.update(small_project_share=fr["small_project_share"], projects_for_90pct=fr["projects_for_share"])
        out["leverage"] = leverage(pr).iloc[0]["leverage"]
    ps = profile_stats(sy, year=y, as_of=d).iloc[0]
    out.update(q4_share=ps["q4_share"], december_ratio=ps["december_ratio"])
    # nothing to forecast for a selection with no plan and nothing paid yet (its projects may be approved already)
    if d < pd.Timestamp(y, 12, 31) and (len(sy.plans) or (sy.payments["date"] <= d).any()):
        f = forecast(ds, year=y, as_of=d, province=province, region=region)
        s = f["seasonal"]
        out.update(forecast_rate=s.estimate, forecast_interval=interval(s.low, s.high),
                   naive_forecast_rate=f["naive"].estimate, forecast_years=s.n)
    return _json(out)


def _json(out: dict[str, Any]) -> dict[str, Any]:
    res = {k: jsonable(v) for k, v in out.items()}
    # integer figures come out of mixed rows as floats: give them back as ints
    return {k: (int(round(v)) if k in INT_KEYS and v is not None else v) for k, v in res.items()}


def _from_row(row: pd.Series, ds: Dataset, y: int, d: pd.Timestamp, province: str) -> dict[str, Any]:
    """:func:`headline_spending` of a province from its row of :func:`headline_spending_by_province`: the row has
    every figure but the Gini interval (drawn here with the single path's 1000 resamples) and the labels."""
    out: dict[str, Any] = {k: row[k] if k in row.index else None for k in HEADLINE_KEYS}
    out["pi2_lines"] = out["theil_between_lines"] = "activity"
    support = ds.select(province=province, year=y).projects["support_vnd"]
    if len(support) >= 2:
        g = gini(support, ci=True, n_boot=1000, seed=0)
        out["gini_ci"] = [g.low, g.high]
    if d < pd.Timestamp(y, 12, 31):
        out["forecast_interval"] = interval(row["forecast_low"], row["forecast_high"])
    else:
        out.update(forecast_rate=None, naive_forecast_rate=None, forecast_years=None)
    return _json(out)


def headline_spending_by_province(ds: Dataset, *, year: int, as_of: Any = None, ci: bool = False,
                                  n_boot: int = 200) -> pd.DataFrame:
    """The headline figures of every province at once (vectorised with groupby).

    Same figures and conventions as :func:`headline_spending` with ``province=``, one row per
    province that has a plan or projects in ``year``. The Gini bootstrap interval is the one
    figure that needs a resample per province: it is skipped by default (``ci=False``,
    gini_ci_low/high are NaN) to keep the batch path fast; with ``ci=True`` each province's
    interval is drawn with ``n_boot`` vectorised resamples (a loop over provinces, not projects).

    Returns
    -------
    DataFrame
        province, region, and the :data:`HEADLINE_KEYS` figures with intervals split into
        gini_ci_low/gini_ci_high and forecast_low/forecast_high, plus pefa_year.

    Examples
    --------
    >>> t = headline_spending_by_province(Dataset.load(), year=2019, as_of="2019-06-30")
    >>> len(t)
    63
    """
    ds = year_basis(ds, year)
    y, d = resolve_period(ds, year, as_of)
    return _BY_PROVINCE.through(ds.memo_key_for(y, d, ci, n_boot), lambda: _by_province(ds, y, d, ci, n_boot))


# every province report of a batch (sealed data, see Dataset.sealed) takes its row of the same frame: computed once
# per process for the same data, year, date and interval settings
_BY_PROVINCE = Memo(max_items=8, copy=pd.DataFrame.copy)


def _by_province(ds: Dataset, y: int, d: pd.Timestamp, ci: bool, n_boot: int) -> pd.DataFrame:
    sy = ds.select(year=y)
    by = ["province"]
    ex = execution(sy, by="province", as_of=d).rename(columns={"gap_vnd": "gap_to_target_vnd"})
    out = ex[["province", "plan_vnd", "executed_vnd", "execution_rate", "execution_rate_revised", "gap_to_target_vnd"]]
    p1 = _last(pefa_pi1(ds, by="province", as_of=d), y, "outturn_ratio", by)
    out = out.merge(p1.rename(columns={"outturn_ratio": "pi1_outturn", "grade": "pi1_grade"}), on=by, how="left")
    p2 = _last(pefa_pi2(ds, level="province", as_of=d), y, "cv", by).drop(columns="pefa_year")
    out = out.merge(p2.rename(columns={"cv": "pi2_cv", "grade": "pi2_grade"}), on=by, how="left")
    pr = sy.projects
    if len(pr):
        c = concentration(pr, by="province", within="activity")
        out = out.merge(
            c[by + ["hhi", "effective_projects", "gini", "theil", "theil_between_share"]], on=by, how="left"
        )
        fr = fragmentation(pr, by="province").rename(columns={"projects_for_share": "projects_for_90pct"})
        out = out.merge(fr[by + ["small_project_share", "projects_for_90pct"]], on=by, how="left")
        out = out.merge(leverage(pr, by="province")[by + ["leverage"]], on=by, how="left")
    out["gini_ci_low"] = np.nan
    out["gini_ci_high"] = np.nan
    if ci and len(pr):
        # one vectorised bootstrap per province (63 at most)
        for p, v in pr.groupby("province")["support_vnd"]:
            if len(v) >= 2:
                g = gini(v, ci=True, n_boot=n_boot, seed=0)
                out.loc[out["province"] == p, ["gini_ci_low", "gini_ci_high"]] = [g.low, g.high]
    ps = profile_stats(sy, year=y, by="province", as_of=d)
    out = out.merge(ps[by + ["q4_share", "december_ratio"]], on=by, how="left")
    if d < pd.Timestamp(y, 12, 31):
        f = year_end_forecast(ds, year=y, as_of=d, by="province")
        f = f.rename(columns={"n_years": "forecast_years"})
        cols = ["forecast_rate", "forecast_low", "forecast_high", "naive_forecast_rate", "forecast_years"]
        out = out.merge(f[by + cols], on=by, how="left")
    else:
        out[["forecast_rate", "forecast_low", "forecast_high", "naive_forecast_rate", "forecast_years"]] = np.nan
    out.insert(1, "region", out["province"].map(lambda p: region_on_basis(p, ds.basis, ds.regions_file)))
    return out.sort_values("province").reset_index(drop=True)

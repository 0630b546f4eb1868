"""Headline completion figures: one selection, or every province at once (vectorised).

Acceptance and on-time rates with Wilson intervals, median slippage (:mod:`kceval.metrics.completion`)
and the median days to acceptance from the cumulative incidence with stops competing
(:mod:`kceval.metrics.survival`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..dataset.cache import Memo
from ..dataset.period import check_year, resolve_period
from ..metrics.completion import completion_flags, completion_rates, rates_from_flags
from ..metrics.survival import cif_median_by_group, km_median, time_to_event
from .scope import label_on, slim_projects, wide_rates, year_as_of, year_basis
from .values import interval, number

_BY_PROVINCE_COLUMNS = [
    "region", "province", "n_due", "acceptance_rate", "acceptance_rate_low", "acceptance_rate_high",
    "n_on_time_known", "on_time_rate", "on_time_rate_low", "on_time_rate_high",
    "n_accepted_dated", "punctuality_rate", "punctuality_rate_low", "punctuality_rate_high", "median_slippage_days",
    "n_slip_censored", "median_days_to_acceptance"]


def headline_completion_by_province(ds: Dataset, *, year: int, as_of: Any = None) -> pd.DataFrame:
    """Headline completion figures of every province at once (vectorised).

    Returns
    -------
    DataFrame
        One row per province with projects: ``province, region, n_due, acceptance_rate(_low/_high),
        n_on_time_known, on_time_rate(_low/_high) (the delivery rate), n_accepted_dated,
        punctuality_rate(_low/_high), median_slippage_days, n_slip_censored,
        median_days_to_acceptance`` (cumulative-incidence median, stops competing; NaN if never 0.5).

    Examples
    --------
    >>> t = headline_completion_by_province(Dataset.load(), year=2019)
    >>> {"province", "acceptance_rate", "median_days_to_acceptance"} <= set(t.columns)
    True
    """
    ds = year_basis(ds, year)
    y, d = resolve_period(ds, year, as_of)
    return _BY_PROVINCE.through(ds.memo_key_for(y, d), lambda: _by_province(ds, y, d))


# every province report of a batch (sealed data, see Dataset.sealed) takes its row of the same frame: computed once
# per process for the same data, year and date
_BY_PROVINCE = Memo(max_items=8, copy=pd.DataFrame.copy)


def _by_province(ds: Dataset, year: int, as_of: pd.Timestamp) -> pd.DataFrame:
    sel, year, d = year_as_of(ds, year, as_of)
    keys = ["region", "province"]
    need = ["project_id", "status", "approved_on", "planned_end", "accepted_on", "stopped_on", "finished_on"]
    pr = slim_projects(sel.projects, need)
    if not len(pr):
        return pd.DataFrame(columns=_BY_PROVINCE_COLUMNS)
    f = completion_flags(pr, as_of=d)
    r = rates_from_flags(f, keys)
    out, wide = wide_rates(r, keys, ["acceptance", "on_time", "punctuality"])
    out["n_due"] = wide[("n", "acceptance")].astype(np.int64)
    out["n_on_time_known"] = wide[("n", "on_time")].astype(np.int64)
    out["n_accepted_dated"] = wide[("n", "punctuality")].astype(np.int64)
    sl = f[f["slip_days"].notna()].groupby(keys, observed=True)
    out["median_slippage_days"] = sl["slip_days"].median()
    out["n_slip_censored"] = sl["slip_censored"].sum().reindex(out.index).fillna(0).astype(np.int64)
    tte = time_to_event(pr, as_of=d)
    med = cif_median_by_group(tte, "province")
    out = out.reset_index()
    out[keys] = out[keys].astype(object)
    out["median_days_to_acceptance"] = out["province"].map(med).astype(float)
    return out[_BY_PROVINCE_COLUMNS]


def headline_completion(ds: Dataset, *, year: int, province: str | None = None, region: str | None = None,
                        as_of: Any = None) -> dict[str, Any]:
    """Headline completion figures of a province, a region or the country, JSON-ready.

    Keys: ``acceptance_rate`` (accepted among projects due), ``on_time_rate`` and its twin
    ``delivery_rate`` (accepted by the original planned end among projects due, timing known),
    ``punctuality_rate`` (accepted by the planned end among projects accepted with a date), each
    with ``_ci`` = [low, high], Wilson 95%, and ``_n``, its denominator (see
    :mod:`kceval.metrics.completion`); ``median_slippage_days`` (a lower bound when open overdue
    projects exist; ``slippage_censored`` counts them), ``median_days_to_acceptance`` (days from
    approval at which the cumulative incidence of acceptance, with stops as a competing risk,
    reaches 0.5; ``None`` if it never does) and ``median_days_to_acceptance_km`` (1 − KM with stops
    censored, for comparison only: it overstates completion).

    Parameters
    ----------
    ds : Dataset
        Full dataset (selection and as-of are applied here).
    year : int
    province, region : str, optional
        At most one; none means national.
    as_of : date-like, optional
        Default: 31 December of ``year``.

    Examples
    --------
    >>> h = headline_completion(Dataset.load(), year=2019, region="south", as_of="2019-12-31")
    >>> 0 <= h["acceptance_rate"] <= 1
    True
    """
    ds = year_basis(ds, year)
    label = label_on(ds, province, region, check_year(ds, year))
    sel, year, d = year_as_of(ds, year, as_of)
    sub = sel.select(province=label) if province else sel.select(region=label) if region else sel
    pr = sub.projects
    if province and ds.memo_key is not None:
        # a report's province (sealed data): its row of every province's figures, computed once for the reports of
        # a batch; the same figures as below (tested on a fifth of the sample's provinces, three periods, a regions file
        # and provinces of unusual shape)
        rows = headline_completion_by_province(ds, year=year, as_of=d)
        row = rows[rows["province"] == label]
        if len(row):
            return _from_row(row.iloc[0], pr, d)
    r = completion_rates(pr, as_of=d).set_index("measure")
    out: dict[str, Any] = {}
    for m, key in (("acceptance", "acceptance_rate"), ("on_time", "on_time_rate")):
        out[key] = number(r.at[m, "estimate"])
        out[f"{key}_ci"] = interval(r.at[m, "low"], r.at[m, "high"])
        out[f"{key}_n"] = int(r.at[m, "n"])
    rates = {"delivery_rate": "on_time", "punctuality_rate": "punctuality"}
    f = completion_flags(pr, as_of=d)
    slip = f["slip_days"].dropna()
    out["median_slippage_days"] = number(slip.median()) if len(slip) else None
    out["slippage_censored"] = int(f["slip_censored"].sum())
    tte = time_to_event(pr, as_of=d).assign(all="all")
    out["median_days_to_acceptance"] = number(cif_median_by_group(tte, "all").get("all", np.nan))
    out["median_days_to_acceptance_km"] = number(km_median(tte))
    for key, m in rates.items():  # added after the keys of 0.1.0, which keep their order
        out[key] = number(r.at[m, "estimate"])
        out[f"{key}_ci"] = interval(r.at[m, "low"], r.at[m, "high"])
        out[f"{key}_n"] = int(r.at[m, "n"])
    return out


def _from_row(row: pd.Series, projects: pd.DataFrame, d: pd.Timestamp) -> dict[str, Any]:
    """:func:`headline_completion` of a province from its row of :func:`headline_completion_by_province`, which has
    every figure but the Kaplan–Meier median (computed here), in the single path's order of keys."""
    def rate(key: str, m: str, n: str) -> dict[str, Any]:
        return {key: number(row[f"{m}_rate"]), f"{key}_ci": interval(row[f"{m}_rate_low"], row[f"{m}_rate_high"]),
                f"{key}_n": int(row[n])}

    return {**rate("acceptance_rate", "acceptance", "n_due"), **rate("on_time_rate", "on_time", "n_on_time_known"),
            "median_slippage_days": number(row["median_slippage_days"]),
            "slippage_censored": int(row["n_slip_censored"]),
            "median_days_to_acceptance": number(row["median_days_to_acceptance"]),
            "median_days_to_acceptance_km": number(km_median(time_to_event(projects, as_of=d))),
            **rate("delivery_rate", "on_time", "n_on_time_known"),
            **rate("punctuality_rate", "punctuality", "n_accepted_dated")}

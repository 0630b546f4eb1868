"""Headline feasibility figures: one selection, or every province at once (vectorised).

Problem rates with Wilson intervals (:mod:`kceval.metrics.feasibility`), each province's
empirical-Bayes rate shrunk toward its region and its place on its region's funnel plot
(:mod:`kceval.metrics.funnel`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..dataset.cache import Memo
from ..dataset.period import check_year
from ..metrics.feasibility import DENOMINATOR_AS_OF, MEASURES, approved_by, problem_flags, rates_from_flags
from ..metrics.funnel import Funnel, funnel, shrink_rates
from .scope import label_on, slim_projects, wide_rates, year_as_of, year_basis
from .values import interval, number

_BY_PROVINCE_COLUMNS = (
    ["region", "province", "n"] + [f"{m}_rate{s}" for m in MEASURES for s in ("", "_low", "_high")]
    + ["problem_count", "problem_rate_shrunk", "problem_rate_shrunk_low", "problem_rate_shrunk_high",
       "funnel_flag", "funnel_flag_998", "funnel_flag_national"])


# a province's shrunk rate and funnel flag need every province's rates: the reports of a batch on the
# same data and date compute them once (Dataset.memo_key) and take copies
_BY_PROVINCE = Memo(max_items=8, copy=pd.DataFrame.copy)


def headline_feasibility_by_province(ds: Dataset, *, year: int, as_of: Any = None) -> pd.DataFrame:
    """Headline feasibility figures of every province at once (vectorised).

    Parameters
    ----------
    ds : Dataset
        The full dataset; the year and as-of date are applied here.
    year : int
        Plan year.
    as_of : date-like, optional
        Default: 31 December of ``year``.

    Returns
    -------
    DataFrame
        One row per province with projects approved by ``as_of``: ``province, region, n`` (those
        projects: the denominator), ``{stop,adjustment,extension,
        problem}_rate`` with ``_low``/``_high``, ``problem_rate_shrunk`` (+ ``_low``/``_high``),
        ``funnel_flag`` (95%, against the province's region), ``funnel_flag_998`` and
        ``funnel_flag_national`` (95%, against all provinces): from :func:`province_funnel`,
        the funnel the reports plot.

    Examples
    --------
    >>> t = headline_feasibility_by_province(Dataset.load(), year=2019)
    >>> {"province", "problem_rate", "funnel_flag"} <= set(t.columns)
    True
    """
    ds = year_basis(ds, year)
    sel, year, d = year_as_of(ds, year, as_of)
    return _BY_PROVINCE.through(ds.memo_key_for(year, d),
                                lambda: _feasibility_by_province(sel, d))


def _feasibility_by_province(sel: Dataset, d: pd.Timestamp) -> pd.DataFrame:
    slim = slim_projects(approved_by(sel.projects, d), ["project_id", "status"])
    if not len(slim):
        return pd.DataFrame(columns=_BY_PROVINCE_COLUMNS)
    r = rates_from_flags(problem_flags(slim, sel.events), ["region", "province"], denominator=DENOMINATOR_AS_OF)
    out, wide = wide_rates(r, ["region", "province"], MEASURES)
    out["n"] = wide[("n", "problem")].astype(np.int64)
    out["problem_count"] = wide[("count", "problem")].astype(np.int64)
    out = out.reset_index()
    out[["region", "province"]] = out[["region", "province"]].astype(object)
    units = out[["region", "province", "problem_count", "n"]].rename(columns={"problem_count": "count"})
    sh = shrink_rates(units, unit="province", group="region")
    out = out.merge(sh[["province", "shrunk", "shrunk_low", "shrunk_high"]].rename(
        columns={"shrunk": "problem_rate_shrunk", "shrunk_low": "problem_rate_shrunk_low",
                 "shrunk_high": "problem_rate_shrunk_high"}), on="province", how="left")
    flags = [province_funnel(out, r).table for r in sorted(set(out["region"]))]  # three regions
    fl = pd.concat(flags, ignore_index=True)[["province", "flag_95", "flag_998"]].rename(
        columns={"flag_95": "funnel_flag", "flag_998": "funnel_flag_998"})
    national = province_funnel(out, None).table[["province", "flag_95"]].rename(
        columns={"flag_95": "funnel_flag_national"})
    return out.merge(fl, on="province", how="left").merge(national, on="province", how="left")[
        _BY_PROVINCE_COLUMNS]


def province_funnel(by_province: pd.DataFrame, region: str | None) -> Funnel:
    """The funnel of problem rates of a region's provinces (``region=None``: all of them).

    The one funnel behind both a province's ``funnel_flag`` (its region's; ``funnel_flag_national``
    for the country's) and the funnel plots of the reports, so the two never disagree.

    Parameters
    ----------
    by_province : DataFrame
        :func:`headline_feasibility_by_province` output (columns region, province, problem_count, n).
    region : str or None
    """
    f = by_province if region is None else by_province[by_province["region"] == region]
    units = f[["region", "province", "problem_count", "n"]].rename(columns={"problem_count": "count"})
    return funnel(units[units["n"] > 0].reset_index(drop=True), unit="province")


def headline_feasibility(ds: Dataset, *, year: int, province: str | None = None, region: str | None = None,
                         as_of: Any = None) -> dict[str, Any]:
    """Headline feasibility figures of a province, a region or the country, JSON-ready.

    Keys: ``stop_rate``, ``adjustment_rate``, ``extension_rate``, ``problem_rate`` (each with a
    ``_ci`` twin ``[low, high]``, 95% Wilson), ``problem_n`` (the denominator),
    ``problem_rate_shrunk`` and ``funnel_flag``. For a province, ``problem_rate_shrunk`` is its
    empirical-Bayes rate shrunk toward its region (:func:`kceval.metrics.funnel.shrink_rates`) and
    ``funnel_flag`` is ``'within'``, ``'above'`` or ``'below'`` its region's 95% funnel limits
    (over-dispersion adjusted). For a region or the country both are ``None``: shrinkage and
    funnels compare provinces, and a pooled rate is just ``problem_rate``.

    Parameters
    ----------
    ds : Dataset
        Full dataset (selection and as-of are applied here).
    year : int
        Plan year.
    province, region : str, optional
        At most one; both omitted means national.
    as_of : date-like, optional
        Default: 31 December of ``year``.

    Examples
    --------
    >>> h = headline_feasibility(Dataset.load(), year=2019, province="Đồng Nai", as_of="2019-12-31")
    >>> h["funnel_flag"] in ("within", "above", "below")
    True
    """
    ds = year_basis(ds, year)
    label = label_on(ds, province, region, check_year(ds, year))
    sel, year, d = year_as_of(ds, year, as_of)
    out: dict[str, Any] = {}
    if province:
        tab = headline_feasibility_by_province(ds, year=year, as_of=d)
        row = tab[tab["province"] == label]
        if len(row):
            row = row.iloc[0]
            for m in MEASURES:
                out[f"{m}_rate"] = number(row[f"{m}_rate"])
                out[f"{m}_rate_ci"] = interval(row[f"{m}_rate_low"], row[f"{m}_rate_high"])
            out["problem_n"] = int(row["n"])
            out["problem_rate_shrunk"] = number(row["problem_rate_shrunk"])
            out["funnel_flag"] = row["funnel_flag"] if isinstance(row["funnel_flag"], str) else None
            return out
        sub = sel.select(province=label)
    elif region:
        sub = sel.select(region=label)
    else:
        sub = sel
    r = rates_from_flags(problem_flags(approved_by(sub.projects, d), sub.events)).set_index("measure")
    for m in MEASURES:
        out[f"{m}_rate"] = number(r.at[m, "estimate"])
        out[f"{m}_rate_ci"] = interval(r.at[m, "low"], r.at[m, "high"])
    out["problem_n"] = int(r.at["problem", "n"])
    out["problem_rate_shrunk"] = None
    out["funnel_flag"] = None
    return out

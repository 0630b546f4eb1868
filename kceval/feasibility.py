"""Feasibility: how often projects are stopped, adjusted or extended, and the headline figures.

A project *has a problem* when it has at least one ``stop``, ``adjustment`` or ``extension``
event, or its status is ``stopped`` (a stop recorded only in the status, without an event,
still counts). ``suspended`` is not a stop: it may resume. Every rate carries its count, its
denominator and a Wilson interval (``statsmodels`` ``proportion_confint(method="wilson")``).

Fair comparison of provinces (funnel limits, empirical-Bayes shrinkage) lives in
:mod:`kceval.funnel`; the logistic risk model in :mod:`kceval.risk`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from .errors import ParameterError

MEASURES: tuple[str, ...] = ("stop", "adjustment", "extension", "problem")
_FLAG = {"stop": "stopped", "adjustment": "adjusted", "extension": "extended", "problem": "problem"}


def wilson(count, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``count`` successes out of ``n`` (vectorised; NaN where n = 0).

    Examples
    --------
    >>> lo, hi = wilson([2], [10])
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.0567, 0.5098)
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    ok = n > 0
    lo = np.full(count.shape, np.nan)
    hi = np.full(count.shape, np.nan)
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(count[ok], n[ok], alpha=1 - level, method="wilson")
    # the closed form leaves rounding dust (2.8e-17) where the exact bound is 0 or 1
    lo = np.where(count == 0, 0.0, np.clip(lo, 0.0, 1.0))
    hi = np.where(ok & (count == n), 1.0, np.clip(hi, 0.0, 1.0))
    lo[~ok], hi[~ok] = np.nan, np.nan
    return lo, hi


def check_by(by, frame: pd.DataFrame, table: str = "projects") -> list[str]:
    """Normalise a grouping argument to a list of columns of ``frame`` or raise ParameterError.

    Examples
    --------
    >>> check_by("province", pd.DataFrame({"province": ["X"]}))
    ['province']
    """
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    bad = [c for c in cols if not isinstance(c, str) or c not in frame.columns]
    if bad:
        allowed = ", ".join(c for c in frame.columns if frame[c].dtype == object or c in ("year", "pilot", "group"))
        raise ParameterError(f"`by` must be columns of {table} ({allowed}); received {bad[0]!r}")
    return cols


def _check_frames(projects, events) -> None:
    if not isinstance(projects, pd.DataFrame) or "project_id" not in projects.columns:
        raise ParameterError(f"`projects` must be a projects table (DataFrame with project_id); received {type(projects).__name__}")
    if not isinstance(events, pd.DataFrame) or not {"project_id", "kind"} <= set(events.columns):
        raise ParameterError(f"`events` must be an events table (DataFrame with project_id, kind); received {type(events).__name__}")


def problem_flags(projects: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per project with boolean ``stopped``, ``adjusted``, ``extended``, ``problem``.

    Parameters
    ----------
    projects, events : DataFrame
        Canonical tables, already narrowed to the period of interest (``Dataset.as_of``).

    Returns
    -------
    DataFrame
        ``projects`` (a copy) with the four flag columns added.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "status": ["accepted", "stopped"]})
    >>> e = pd.DataFrame({"project_id": ["A"], "kind": ["extension"]})
    >>> problem_flags(p, e)[["extended", "stopped", "problem"]].to_numpy().tolist()
    [[True, False, True], [False, True, True]]
    """
    _check_frames(projects, events)
    ids = pd.Index(projects["project_id"])
    ev = events[events["kind"].isin(["stop", "adjustment", "extension"])]
    if ids.is_unique:  # one hash lookup of every event instead of one isin per kind
        pos = ids.get_indexer(ev["project_id"])
        kinds = ev["kind"].to_numpy()

        def has(k: str) -> np.ndarray:
            out = np.zeros(len(ids), dtype=bool)
            p = pos[(kinds == k) & (pos >= 0)]
            out[p] = True
            return out
    else:
        def has(k: str) -> np.ndarray:
            return ids.isin(ev.loc[ev["kind"] == k, "project_id"])

    stopped = has("stop")
    if "status" in projects.columns:
        stopped = stopped | (projects["status"] == "stopped").to_numpy()
    adjusted, extended = has("adjustment"), has("extension")
    return projects.assign(stopped=stopped, adjusted=adjusted, extended=extended,
                           problem=stopped | adjusted | extended)


def rates_from_flags(flags: pd.DataFrame, by=None, level: float = 0.95) -> pd.DataFrame:
    """Tidy rates from :func:`problem_flags` output (see :func:`problem_rates`).

    Examples
    --------
    >>> f = pd.DataFrame({"stopped": [True, False], "adjusted": [False] * 2, "extended": [False] * 2,
    ...                   "problem": [True, False]})
    >>> rates_from_flags(f)[["measure", "count", "n"]].values.tolist()[0]
    ['stop', 1, 2]
    """
    cols = check_by(by, flags)
    f = flags[cols + list(_FLAG.values())]
    if cols:
        g = f.groupby(cols, sort=True, observed=True, dropna=False)
        counts = g[list(_FLAG.values())].sum()
        n = g.size()
    else:
        counts = f[list(_FLAG.values())].sum().to_frame().T
        n = pd.Series([len(f)])
    parts = []
    for m, c in _FLAG.items():
        part = pd.DataFrame({"measure": m, "count": counts[c].to_numpy().astype(np.int64),
                             "n": n.to_numpy().astype(np.int64)})
        if cols:
            part = pd.concat([counts.index.to_frame(index=False), part], axis=1)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["rate"] = out["count"] / out["n"].where(out["n"] > 0)
    out["low"], out["high"] = wilson(out["count"], out["n"], level)
    out["method"] = "wilson"
    return out.sort_values(cols + ["measure"], kind="stable").reset_index(drop=True) if cols else out


def problem_rates(projects: pd.DataFrame, events: pd.DataFrame, *, by: str | Iterable[str] | None = None,
                  level: float = 0.95) -> pd.DataFrame:
    """Stop, adjustment, extension and any-problem rates by any grouping, with Wilson intervals.

    Parameters
    ----------
    projects, events : DataFrame
        Canonical tables (e.g. ``ds.as_of(d).projects`` and ``.events``).
    by : str or list of str, optional
        Columns of ``projects`` to group by (province, region, source, activity, year, pilot, ...).
        ``None`` gives one row per measure for all projects.
    level : float
        Confidence level of the Wilson interval, in (0, 1).

    Returns
    -------
    DataFrame
        Columns ``*by, measure, count, n, rate, low, high, method``; ``measure`` is one of
        ``stop``, ``adjustment``, ``extension``, ``problem``.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": list("ABCD"), "status": ["accepted"] * 3 + ["stopped"],
    ...                   "province": ["X", "X", "Y", "Y"]})
    >>> e = pd.DataFrame({"project_id": ["A"], "kind": ["adjustment"]})
    >>> r = problem_rates(p, e, by="province")
    >>> r[r.measure == "problem"][["province", "count", "n"]].to_numpy().tolist()
    [['X', 1, 2], ['Y', 1, 2]]
    """
    if not (isinstance(level, float) and 0 < level < 1):
        raise ParameterError(f"`level` must be a number between 0 and 1 such as 0.95; received {level!r}")
    _check_frames(projects, events)
    check_by(by, projects)
    return rates_from_flags(problem_flags(projects, events), by, level)


# -- headline figures ------------------------------------------------------------------------
def _scope(ds, year, as_of):
    from .dataset import Dataset, to_date
    from .headline import default_as_of

    if not isinstance(ds, Dataset):
        raise ParameterError(f"`ds` must be a kceval Dataset; received {type(ds).__name__}")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"`year` must be an integer year such as 2019; received {year!r}") from None
    d = to_date("as_of", as_of) if as_of is not None else default_as_of(year)
    # lighter than ds.select(year=...): payments are not needed, and events of other years'
    # projects never match a selected project, so they need no (costly) project_id filter
    light = replace(ds, projects=ds.projects[ds.projects["year"] == year], payments=ds.payments.iloc[:0])
    return light.as_of(d), year, d


def _slim_projects(projects: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """``projects[["region", "province"] + cols]`` with region and province as categoricals, so
    that grouping a million rows by province works on integer codes, not strings."""
    out = projects[["region", "province"] + cols]
    return out.assign(region=out["region"].astype("category"), province=out["province"].astype("category"))


def _wide_rates(r: pd.DataFrame, keys: list[str], measures) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long rates (``measure, count, n, rate, low, high``) to one row per group with
    ``{measure}_rate``, ``_low`` and ``_high``; also returns the pivot, for counts and denominators."""
    wide = r.pivot(index=keys, columns="measure", values=["rate", "low", "high", "count", "n"])
    out = pd.DataFrame(index=wide.index)
    for m in measures:
        out[f"{m}_rate"] = wide[("rate", m)].astype(float)
        out[f"{m}_rate_low"] = wide[("low", m)].astype(float)
        out[f"{m}_rate_high"] = wide[("high", m)].astype(float)
    return out, wide


def _ci(lo, hi) -> list | None:
    return None if np.isnan(lo) else [float(lo), float(hi)]


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


_BY_PROVINCE_COLUMNS = (
    ["region", "province", "n"] + [f"{m}_rate{s}" for m in MEASURES for s in ("", "_low", "_high")]
    + ["problem_count", "problem_rate_shrunk", "problem_rate_shrunk_low", "problem_rate_shrunk_high",
       "funnel_flag", "funnel_flag_998"])


def headline_feasibility_by_province(ds, *, year: int, as_of=None) -> pd.DataFrame:
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
        One row per province with projects: ``province, region, n``, ``{stop,adjustment,extension,
        problem}_rate`` with ``_low``/``_high``, ``problem_rate_shrunk`` (+ ``_low``/``_high``),
        ``funnel_flag`` (95%, against the province's region) and ``funnel_flag_998``.

    Examples
    --------
    >>> from kceval.dataset import Dataset
    >>> t = headline_feasibility_by_province(Dataset.load(), year=2019)
    >>> {"province", "problem_rate", "funnel_flag"} <= set(t.columns)
    True
    """
    from .funnel import funnel, shrink_rates

    sel, year, _ = _scope(ds, year, as_of)
    slim = _slim_projects(sel.projects, ["project_id", "status"])
    if not len(slim):
        return pd.DataFrame(columns=_BY_PROVINCE_COLUMNS)
    r = rates_from_flags(problem_flags(slim, sel.events), ["region", "province"])
    out, wide = _wide_rates(r, ["region", "province"], MEASURES)
    out["n"] = wide[("n", "problem")].astype(np.int64)
    out["problem_count"] = wide[("count", "problem")].astype(np.int64)
    out = out.reset_index()
    out[["region", "province"]] = out[["region", "province"]].astype(object)
    units = out[["region", "province", "problem_count", "n"]].rename(columns={"problem_count": "count"})
    sh = shrink_rates(units, unit="province", group="region")
    out = out.merge(sh[["province", "shrunk", "shrunk_low", "shrunk_high"]].rename(
        columns={"shrunk": "problem_rate_shrunk", "shrunk_low": "problem_rate_shrunk_low",
                 "shrunk_high": "problem_rate_shrunk_high"}), on="province", how="left")
    flags = []
    for _, grp in units.groupby("region", sort=False):  # three regions, not a loop over projects
        fu = funnel(grp, unit="province")
        flags.append(fu.table[["province", "flag_95", "flag_998"]])
    fl = pd.concat(flags, ignore_index=True).rename(columns={"flag_95": "funnel_flag", "flag_998": "funnel_flag_998"})
    return out.merge(fl, on="province", how="left")[_BY_PROVINCE_COLUMNS]


def headline_feasibility(ds, *, year: int, province: str | None = None, region: str | None = None,
                         as_of=None) -> dict[str, Any]:
    """Headline feasibility figures of a province, a region or the country, JSON-ready.

    Keys: ``stop_rate``, ``adjustment_rate``, ``extension_rate``, ``problem_rate`` (each with a
    ``_ci`` twin ``[low, high]``, 95% Wilson), ``problem_n`` (the denominator),
    ``problem_rate_shrunk`` and ``funnel_flag``. For a province, ``problem_rate_shrunk`` is its
    empirical-Bayes rate shrunk toward its region (:func:`kceval.funnel.shrink_rates`) and
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
    >>> from kceval.dataset import Dataset
    >>> h = headline_feasibility(Dataset.load(), year=2019, province="Đồng Nai", as_of="2019-12-31")
    >>> h["funnel_flag"] in ("within", "above", "below")
    True
    """
    from .headline import selection_label

    label = selection_label(province, region)
    sel, year, d = _scope(ds, year, as_of)
    out: dict[str, Any] = {}
    if province:
        tab = headline_feasibility_by_province(ds, year=year, as_of=d)
        row = tab[tab["province"] == label]
        if len(row):
            row = row.iloc[0]
            for m in MEASURES:
                out[f"{m}_rate"] = _num(row[f"{m}_rate"])
                out[f"{m}_rate_ci"] = _ci(row[f"{m}_rate_low"], row[f"{m}_rate_high"])
            out["problem_n"] = int(row["n"])
            out["problem_rate_shrunk"] = _num(row["problem_rate_shrunk"])
            out["funnel_flag"] = row["funnel_flag"] if isinstance(row["funnel_flag"], str) else None
            return out
        sub = sel.select(province=label)
    elif region:
        sub = sel.select(region=label)
    else:
        sub = sel
    r = rates_from_flags(problem_flags(sub.projects, sub.events)).set_index("measure")
    for m in MEASURES:
        out[f"{m}_rate"] = _num(r.at[m, "rate"])
        out[f"{m}_rate_ci"] = _ci(r.at[m, "low"], r.at[m, "high"])
    out["problem_n"] = int(r.at["problem", "n"])
    out["problem_rate_shrunk"] = None
    out["funnel_flag"] = None
    return out

"""Feasibility: how often projects are stopped, adjusted or extended.

A project *has a problem* when it has at least one ``stop``, ``adjustment`` or ``extension``
event, or its status is ``stopped`` (a stop recorded only in the status, without an event,
still counts). ``suspended`` is not a stop: it may resume. Every rate carries its count, its
denominator and a Wilson interval (``statsmodels`` ``proportion_confint(method="wilson")``).

Fair comparison of provinces (funnel limits, empirical-Bayes shrinkage) lives in
:mod:`kceval.metrics.funnel`; the logistic risk model in :mod:`kceval.metrics.risk`; the headline
figures in :mod:`kceval.headline.feasibility`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_by, to_date
from ..errors import ParameterError
from .intervals import rate_columns

MEASURES: tuple[str, ...] = ("stop", "adjustment", "extension", "problem")
_FLAG = {"stop": "stopped", "adjustment": "adjusted", "extension": "extended", "problem": "problem"}
DENOMINATOR = "projects"
DENOMINATOR_AS_OF = "projects approved by the as-of date"


def _check_frames(projects: Any, events: Any) -> None:
    if not isinstance(projects, pd.DataFrame) or "project_id" not in projects.columns:
        raise ParameterError(
            f"`projects` must be a projects table (DataFrame with project_id); received {type(projects).__name__}"
        )
    if not isinstance(events, pd.DataFrame) or not {"project_id", "kind"} <= set(events.columns):
        raise ParameterError(
            f"`events` must be an events table (DataFrame with project_id, kind); received {type(events).__name__}"
        )


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


def rates_from_flags(flags: pd.DataFrame, by: str | Iterable[str] | None = None, level: float = 0.95, *,
                     denominator: str = DENOMINATOR) -> pd.DataFrame:
    """Tidy rates from :func:`problem_flags` output (see :func:`problem_rates`).

    Examples
    --------
    >>> f = pd.DataFrame({"stopped": [True, False], "adjusted": [False] * 2, "extended": [False] * 2,
    ...                   "problem": [True, False]})
    >>> rates_from_flags(f)[["measure", "count", "n"]].values.tolist()[0]
    ['stop', 1, 2]
    """
    cols = check_by(by, flags.columns)
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
    out = rate_columns(pd.concat(parts, ignore_index=True), level=level, denominator=denominator)
    return out.sort_values(cols + ["measure"], kind="stable").reset_index(drop=True) if cols else out


def problem_rates(projects: pd.DataFrame, events: pd.DataFrame, *, by: str | Iterable[str] | None = None,
                  level: float = 0.95, as_of: Any = None) -> pd.DataFrame:
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
    as_of : date-like, optional
        Count only the projects approved on or before this date, and the events dated by it: the
        denominator of a rate as of a date (a project not yet approved has had no chance of a
        problem). Give the tables as they stood that day (``ds.as_of(as_of)``).

    Returns
    -------
    DataFrame
        Columns ``*by, measure, count, n, estimate, low, high, method, denominator``; ``measure``
        is one of ``stop``, ``adjustment``, ``extension``, ``problem`` and ``estimate`` its rate
        (the shape of :mod:`kceval.metrics.intervals`).

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
    check_by(by, projects.columns)
    denominator = DENOMINATOR
    if as_of is not None:
        projects = approved_by(projects, as_of)
        events = events[events["date"] <= to_date("as_of", as_of)] if "date" in events.columns else events
        denominator = DENOMINATOR_AS_OF
    return rates_from_flags(problem_flags(projects, events), by, level, denominator=denominator)


def approved_by(projects: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    """The projects approved on or before ``as_of``: the denominator of every rate as of a date.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "approved_on": pd.to_datetime(["2019-01-10", "2019-03-01"])})
    >>> approved_by(p, "2019-02-28")["project_id"].tolist()
    ['A']
    """
    if "approved_on" not in projects.columns:
        raise ParameterError("`projects` must have an approved_on column to be counted as of a date")
    return projects[(projects["approved_on"] <= to_date("as_of", as_of)).to_numpy()]

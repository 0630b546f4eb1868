"""Completion: acceptance, delivery and punctuality rates, slippage, slip ratio, acceptance lag.

Definitions (as of a date D; "planned end" is always the *original* ``projects.planned_end`` —
extensions only set ``new_planned_end`` on events, so an extended project accepted by its new
date is still late):

- **due**: planned_end ≤ D.
- **accepted by D**: accepted_on ≤ D, or status ``accepted`` without a date (counted as accepted,
  left out of every timing measure).
- **acceptance rate**: accepted by D among due projects. Stopped projects stay in the
  denominator: a stopped project is a project that was not completed.
- **delivery rate** (``on_time``): accepted by the original planned end among due projects: of
  the projects whose deadline has passed, the share delivered in time. A due project not accepted
  by D was not delivered in time (a stopped one included: it is stopped, not "late", and it was
  not delivered); due projects accepted without a date are left out (unknown timing).
- **punctuality** (``punctuality``): accepted_on ≤ planned_end among the projects accepted (with a
  date) by D, due or not: of the projects that were completed, the share completed in time. The
  two answer different questions; each is shown with its own denominator.
- **slippage (days)**: accepted_on − planned_end for due projects accepted with a date (negative =
  early). A due project neither accepted nor stopped is still open: its slippage is at least
  D − planned_end, so it enters with that lower bound and ``slip_censored=True``. The reported
  median therefore is a *lower bound* of the true median (replacing values by lower bounds can
  only lower a quantile) — it is exact when ``n_censored`` is 0. Accepted-only medians would be
  biased low too, and more so. Stopped projects have no slippage.
- **slip ratio**: (accepted_on − approved_on) / (planned_end − approved_on), due projects accepted
  with a date and a positive planned duration.
- **acceptance lag (days)**: accepted_on − finished_on where both are known.

Survival analysis (time to acceptance, competing stops) is in :mod:`kceval.metrics.survival`; the
headline figures in :mod:`kceval.headline.completion`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_by, to_date
from ..errors import ParameterError
from .intervals import rate_columns

DAY = np.timedelta64(1, "D")
DENOMINATORS = {"acceptance": "projects due", "on_time": "projects due, timing known",
                "punctuality": "projects accepted, with a date"}


def _check_projects(projects: Any) -> None:
    need = {"project_id", "approved_on", "planned_end", "status", "accepted_on"}
    if not isinstance(projects, pd.DataFrame) or not need <= set(projects.columns):
        got = type(projects).__name__ if not isinstance(projects, pd.DataFrame) else sorted(projects.columns)
        raise ParameterError(f"`projects` must be a projects table with columns {sorted(need)}; received {got}")


def completion_flags(projects: pd.DataFrame, *, as_of: Any) -> pd.DataFrame:
    """Per-project completion measures as of a date (see the module notes for definitions).

    Returns
    -------
    DataFrame
        ``projects`` (a copy) plus ``due, accepted, stopped_by, on_time`` (delivered in time: float
        1/0, NaN when not due or unknown), ``punctual`` (accepted by the planned end: 1/0 among the
        projects accepted with a date, else NaN), ``slip_days``, ``slip_censored``, ``slip_ratio``,
        ``acceptance_lag_days``.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A"], "status": ["accepted"],
    ...     "approved_on": pd.to_datetime(["2019-03-01"]), "planned_end": pd.to_datetime(["2019-06-30"]),
    ...     "accepted_on": pd.to_datetime(["2019-07-10"])})
    >>> completion_flags(p, as_of="2019-12-31")[["due", "on_time", "slip_days"]].values.tolist()
    [[True, 0.0, 10.0]]
    """
    _check_projects(projects)
    d = to_date("as_of", as_of)
    st = projects["status"]
    acc_on = projects["accepted_on"].where(projects["accepted_on"] <= d)
    dated = acc_on.notna().to_numpy()
    undated = (projects["accepted_on"].isna() & (st == "accepted")).to_numpy()
    accepted = dated | undated
    if "stopped_on" in projects.columns:
        so = projects["stopped_on"]
        stopped = ((so <= d) | (so.isna() & (st == "stopped"))).to_numpy()
    else:
        stopped = (st == "stopped").to_numpy()
    stopped &= ~accepted
    pe = projects["planned_end"]
    due = (pe <= d).to_numpy()
    slip_obs = ((acc_on - pe) / DAY).to_numpy(dtype=float)
    on_time = np.where(due & dated, (slip_obs <= 0).astype(float), np.where(due & ~accepted, 0.0, np.nan))
    punctual = np.where(dated, (slip_obs <= 0).astype(float), np.nan)
    open_ = due & ~accepted & ~stopped
    slip = np.where(due & dated, slip_obs, np.where(open_, ((d - pe) / DAY).to_numpy(dtype=float), np.nan))
    planned = ((pe - projects["approved_on"]) / DAY).to_numpy(dtype=float)
    actual = ((acc_on - projects["approved_on"]) / DAY).to_numpy(dtype=float)
    ratio = np.where(due & dated & (planned > 0), actual / np.where(planned > 0, planned, 1.0), np.nan)
    if "finished_on" in projects.columns:
        lag = ((acc_on - projects["finished_on"].where(projects["finished_on"] <= d)) / DAY).to_numpy(dtype=float)
    else:
        lag = np.full(len(projects), np.nan)
    return projects.assign(due=due, accepted=accepted, stopped_by=stopped, on_time=on_time, punctual=punctual,
                           slip_days=slip, slip_censored=open_, slip_ratio=ratio, acceptance_lag_days=lag)


def completion_rates(projects: pd.DataFrame, *, as_of: Any, by: str | Iterable[str] | None = None,
                     level: float = 0.95) -> pd.DataFrame:
    """Acceptance and delivery rates among due projects, and punctuality among accepted ones, with Wilson intervals.

    Parameters
    ----------
    projects : DataFrame
        Canonical projects table.
    as_of : date-like
        The date D.
    by : str or list of str, optional
        Columns of ``projects`` to group by.
    level : float
        Wilson interval level.

    Returns
    -------
    DataFrame
        ``*by, measure ('acceptance' | 'on_time' | 'punctuality'), count, n, estimate, low, high,
        method, denominator`` (``estimate`` is the rate; the shape of :mod:`kceval.metrics.intervals`;
        ``on_time`` is the delivery rate, see the module notes).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "status": ["accepted", "in_progress"],
    ...     "approved_on": pd.to_datetime(["2019-03-01"] * 2), "planned_end": pd.to_datetime(["2019-06-30"] * 2),
    ...     "accepted_on": pd.to_datetime(["2019-06-10", None])})
    >>> completion_rates(p, as_of="2019-12-31")[["measure", "count", "n"]].values.tolist()
    [['acceptance', 1, 2], ['on_time', 1, 2], ['punctuality', 1, 1]]
    """
    if not (isinstance(level, float) and 0 < level < 1):
        raise ParameterError(f"`level` must be a number between 0 and 1 such as 0.95; received {level!r}")
    _check_projects(projects)
    cols = check_by(by, projects.columns)
    return rates_from_flags(completion_flags(projects, as_of=as_of), cols, level)


def rates_from_flags(f: pd.DataFrame, cols: list[str], level: float = 0.95) -> pd.DataFrame:
    """Tidy acceptance and on-time rates from :func:`completion_flags` output (see :func:`completion_rates`)."""
    base = f[cols].copy() if cols else pd.DataFrame(index=f.index)
    base["acc_n"] = f["due"]
    base["acc_c"] = f["due"] & f["accepted"]
    base["ot_n"] = f["on_time"].notna()
    base["ot_c"] = f["on_time"] == 1
    base["pu_n"] = f["punctual"].notna()
    base["pu_c"] = f["punctual"] == 1
    agg = base.groupby(cols, sort=True, observed=True, dropna=False).sum() if cols else base.sum().to_frame().T
    parts = []
    for m, c, n in (("acceptance", "acc_c", "acc_n"), ("on_time", "ot_c", "ot_n"), ("punctuality", "pu_c", "pu_n")):
        part = pd.DataFrame({"measure": m, "count": agg[c].to_numpy().astype(np.int64),
                             "n": agg[n].to_numpy().astype(np.int64)})
        if cols:
            part = pd.concat([agg.index.to_frame(index=False), part], axis=1)
        parts.append(rate_columns(part, level=level, denominator=DENOMINATORS[m]))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(cols + ["measure"], kind="stable").reset_index(drop=True)


def timing_summary(projects: pd.DataFrame, *, as_of: Any, by: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Slippage, slip ratio and acceptance lag: n, censored count, median, quartiles, mean.

    For slippage the median and quartiles include the open (censored) projects at their lower
    bound, so they are lower bounds when ``n_censored`` > 0; ``mean`` is over uncensored values.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "status": ["accepted", "in_progress"],
    ...     "approved_on": pd.to_datetime(["2019-03-01"] * 2), "planned_end": pd.to_datetime(["2019-06-30"] * 2),
    ...     "accepted_on": pd.to_datetime(["2019-07-10", None])})
    >>> t = timing_summary(p, as_of="2019-07-30")
    >>> t[t.measure == "slippage_days"][["n", "n_censored", "median"]].values.tolist()
    [[2.0, 1.0, 20.0]]
    """
    _check_projects(projects)
    cols = check_by(by, projects.columns)
    f = completion_flags(projects, as_of=as_of)
    parts = []
    for m in ("slip_days", "slip_ratio", "acceptance_lag_days"):
        name = "slippage_days" if m == "slip_days" else m
        v = f[cols + [m]].assign(cens=f["slip_censored"] if m == "slip_days" else False)
        v = v[v[m].notna()]
        v["unc"] = v[m].where(~v["cens"])
        g = v.groupby(cols, sort=True, observed=True, dropna=False) if cols else v.groupby(np.zeros(len(v)))
        s = pd.DataFrame({"n": g.size(), "n_censored": g["cens"].sum(), "q25": g[m].quantile(0.25),
                          "median": g[m].median(), "q75": g[m].quantile(0.75), "mean": g["unc"].mean()})
        if not cols and not len(s):
            s = pd.DataFrame({"n": [0], "n_censored": [0], "q25": [np.nan], "median": [np.nan],
                              "q75": [np.nan], "mean": [np.nan]})
        s = s.reset_index(drop=not cols)
        s.insert(len(cols), "measure", name)
        parts.append(s)
    out = pd.concat(parts, ignore_index=True)
    out[["n", "n_censored"]] = out[["n", "n_censored"]].astype(float)
    return out

"""Spending spread: execution against plan and leverage, and what the spending modules share.

Execution of a plan year Y as of a date D is the sum of payments dated ≤ D for the projects of
plan year Y (so payments for year-Y projects made in the January settlement period of Y+1
count when D is in January Y+1). Every rate comes with its denominator (DESIGN.md §3).

The spending spread of DESIGN.md §3 is five modules: this one; :mod:`kceval.metrics.pefa`
(PEFA PI-1 and PI-2); :mod:`kceval.metrics.concentration` (HHI, Gini, Lorenz, Theil,
fragmentation); :mod:`kceval.metrics.profile` (in-year profile); :mod:`kceval.metrics.forecast`
(year-end forecast). The headline figures are in :mod:`kceval.headline.spending`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_by
from ..dataset import Dataset, check_dataset
from ..dataset.period import resolve_as_of
from ..errors import ParameterError

PLAN_KEYS: tuple[str, ...] = ("year", "province", "region", "source")
GROUPINGS: tuple[str, ...] = PLAN_KEYS + ("activity",)


# -- shared helpers (also used by pefa, profile and forecast) --------------------------------
def project_rows(projects: pd.DataFrame, payments: pd.DataFrame) -> np.ndarray:
    """Row position in ``projects`` of each payment (−1 when the project is not there)."""
    return pd.Index(projects["project_id"]).get_indexer(payments["project_id"])


def paid_by_project(projects: pd.DataFrame, payments: pd.DataFrame, as_of: pd.Timestamp | None = None) -> np.ndarray:
    """Sum of payments dated ≤ ``as_of`` for each project, aligned with ``projects`` (int64).

    Examples
    --------
    >>> pr = pd.DataFrame({"project_id": ["a", "b"]})
    >>> pay = pd.DataFrame({"project_id": ["b", "b", "a"], "amount_vnd": [5, -1, 2],
    ...                     "date": pd.to_datetime(["2019-01-01", "2019-02-01", "2019-03-01"])})
    >>> paid_by_project(pr, pay, pd.Timestamp("2019-02-15")).tolist()
    [0, 4]
    """
    pay = payments if as_of is None else payments[payments["date"].to_numpy() <= np.datetime64(as_of)]
    pos = project_rows(projects, pay)
    keep = pos >= 0
    return np.bincount(pos[keep], weights=pay["amount_vnd"].to_numpy()[keep],
                       minlength=len(projects)).round().astype(np.int64)


def _revised_support(ds: Dataset, as_of: pd.Timestamp) -> np.ndarray:
    """Project support after the last adjustment event dated ≤ as_of (else the approved support)."""
    ev = ds.events
    ev = ev[(ev["date"] <= as_of) & ev["new_support_vnd"].notna()].sort_values("date", kind="stable")
    last = ev.groupby("project_id", sort=False)["new_support_vnd"].last()
    new = ds.projects["project_id"].map(last)
    return new.fillna(ds.projects["support_vnd"]).to_numpy(dtype=np.int64)


# -- execution ---------------------------------------------------------------------------
def execution(ds: Dataset, *, by: str | Sequence[str] | None = "province", as_of: Any = None,
              target: float = 1.0) -> pd.DataFrame:
    """Execution rate = executed / plan by any grouping, against the approved and revised plan.

    Parameters
    ----------
    ds : Dataset
        Already selected as wanted (years, provinces…); not modified.
    by : str or list of str or None
        Columns among year, province, region, source, activity; None = one row for the whole
        selection. Plans exist per (year, province, source): when ``activity`` is in ``by`` the
        denominator is the support of the approved projects (revised: after adjustment events
        dated ≤ as_of) and the column ``denominator`` says ``'project support'``.
    as_of : date, optional
        Payments dated ≤ as_of count; default the last payment date. Must lie in the data.
    target : float
        Target rate for the gap (default 100%).

    Returns
    -------
    DataFrame
        ``by`` columns, plan_vnd, revised_plan_vnd, executed_vnd, execution_rate,
        execution_rate_revised, gap_vnd (target·plan − executed), gap_points (percentage
        points to the target), n_projects, denominator ('approved plan' or 'project support').

    Examples
    --------
    >>> ds = Dataset.load().select(year=2019, region="south")
    >>> e = execution(ds, by="region", as_of="2019-06-30")
    >>> round(float(e["execution_rate"].iloc[0]), 3)
    0.193
    """
    check_dataset(ds)
    cols = check_by(by, GROUPINGS)
    d = resolve_as_of(ds, as_of)
    if not np.isfinite(target) or target <= 0:
        raise ParameterError(f"`target` must be a positive rate such as 1.0; received {target!r}")
    pr = ds.projects
    key = cols or ["_all"]
    proj = pd.DataFrame({c: pr[c] for c in cols}, index=pr.index) if cols else pd.DataFrame({"_all": 0}, index=pr.index)
    proj = proj.assign(executed_vnd=paid_by_project(pr, ds.payments, d), n_projects=1)
    if "activity" in cols:
        proj = proj.assign(plan_vnd=pr["support_vnd"].to_numpy(), revised_plan_vnd=_revised_support(ds, d))
        out = proj.groupby(key, sort=True)[["plan_vnd", "revised_plan_vnd", "executed_vnd", "n_projects"]].sum()
        denom = "project support"
    else:
        pl = ds.plans
        plan = (
            pd.DataFrame({c: pl[c] for c in cols}, index=pl.index)
            if cols
            else pd.DataFrame({"_all": 0}, index=pl.index)
        )
        plan = plan.assign(plan_vnd=pl["approved_vnd"].to_numpy(dtype=np.int64),
                           revised_plan_vnd=pl["revised_vnd"].fillna(pl["approved_vnd"]).to_numpy(dtype=np.int64))
        p = plan.groupby(key, sort=True)[["plan_vnd", "revised_plan_vnd"]].sum()
        x = proj.groupby(key, sort=True)[["executed_vnd", "n_projects"]].sum()
        out = p.join(x, how="outer")
        out[["executed_vnd", "n_projects"]] = out[["executed_vnd", "n_projects"]].fillna(0).astype(np.int64)
        denom = "approved plan"
    out = out.reset_index()
    if not cols:
        out = out.drop(columns="_all")
    if not len(out):
        raise ParameterError("`ds` is an empty selection: nothing to compute an execution rate on")
    plan_v = out["plan_vnd"].astype(float)
    rev_v = out["revised_plan_vnd"].astype(float)
    out["execution_rate"] = out["executed_vnd"] / plan_v.where(plan_v > 0)
    out["execution_rate_revised"] = out["executed_vnd"] / rev_v.where(rev_v > 0)
    out["gap_vnd"] = target * plan_v - out["executed_vnd"]
    out["gap_points"] = (target - out["execution_rate"]) * 100
    out["denominator"] = denom
    order = cols + ["plan_vnd", "revised_plan_vnd", "executed_vnd", "execution_rate", "execution_rate_revised",
                    "gap_vnd", "gap_points", "n_projects", "denominator"]
    return out[order]


# -- leverage -----------------------------------------------------------------------------
def leverage(projects: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Leverage = counterpart / state support, over projects whose counterpart is known.

    Returns
    -------
    DataFrame
        ``by`` columns, n_projects, n_with_counterpart, coverage (share of projects with a
        known counterpart), support_vnd and counterpart_vnd (of those projects), leverage.

    Examples
    --------
    >>> p = pd.DataFrame({"support_vnd": [100, 200, 50], "counterpart_vnd": pd.array([300, 100, None], dtype="Int64")})
    >>> leverage(p)[["n_with_counterpart", "leverage"]].to_dict("records")
    [{'n_with_counterpart': 2, 'leverage': 1.3333333333333333}]
    """
    if not isinstance(projects, pd.DataFrame) or not {"support_vnd", "counterpart_vnd"} <= set(projects.columns):
        raise ParameterError("`projects` must be a frame with columns support_vnd and counterpart_vnd")
    cols = check_by(by, [c for c in projects.columns if c not in ("support_vnd", "counterpart_vnd")])
    if not len(projects):
        raise ParameterError("`projects` is an empty selection")
    cp = projects["counterpart_vnd"]
    if (cp.fillna(0) < 0).any() or (projects["support_vnd"] < 0).any():
        raise ParameterError("`projects` must not contain negative support_vnd or counterpart_vnd")
    known = cp.notna().to_numpy()
    f = pd.DataFrame({c: projects[c] for c in cols}, index=projects.index) if cols else \
        pd.DataFrame({"_all": 0}, index=projects.index)
    f = f.assign(n_projects=1, n_with_counterpart=known.astype(np.int64),
                 support_vnd=np.where(known, projects["support_vnd"].to_numpy(dtype=np.int64), 0),
                 counterpart_vnd=cp.fillna(0).to_numpy(dtype=np.int64))
    out = f.groupby(cols or ["_all"], sort=True).sum().reset_index()
    if not cols:
        out = out.drop(columns="_all")
    out["coverage"] = out["n_with_counterpart"] / out["n_projects"]
    s = out["support_vnd"].astype(float)
    out["leverage"] = out["counterpart_vnd"] / s.where(s > 0)
    return out[cols + ["n_projects", "n_with_counterpart", "coverage", "support_vnd", "counterpart_vnd", "leverage"]]

"""Pilot and group projects, the two remedies the programme's reports name, against ordinary projects.

The source report of this project asks for more pilot projects (đề án điểm) and group projects (đề án nhóm)
against "scattered, fragmented, low-efficiency" ones (DOMAIN.md). This module tells how much of the money and
of the projects went to each kind (:func:`remedy_shares`) and how each kind fared (:func:`compare_remedies`):

- **problem rate**: projects stopped, adjusted or extended among those approved by the date D
  (:func:`kceval.metrics.feasibility.problem_rates`), Wilson interval;
- **on-time rate**: projects delivered by their original planned end among those due by D
  (:func:`kceval.metrics.completion.completion_rates`, ``on_time``), Wilson interval;
- **relative unit cost**: a done project's support per output divided by the median of its activity over all
  the projects compared, summarised as the geometric mean of the ratios (1.2 = 20% above the activity's
  typical cost), with a t interval on the log scale. Dividing by the activity's median makes costs in
  different units (a trainee, a machine, a fair participation) comparable.

Each kind is set against the ordinary projects (neither pilot nor group): the difference of the rates with
Newcombe's hybrid score interval (``statsmodels`` ``confint_proportions_2indep(method="newcomb")``), the ratio
of the relative costs with Welch's t interval on the logs. A project both pilot and group counts in both kinds,
so the shares of the two may overlap. **The comparison is descriptive**: pilot and group projects are chosen
for what they are (larger, better prepared, in some activities more than others), so a difference is not the
effect of being a pilot or a group project.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_by, to_date
from ..errors import ParameterError
from .completion import completion_flags
from .feasibility import approved_by, problem_flags
from .intervals import wilson
from .outputs import OUTPUT_UNITS, done_by, output_values

KINDS = ("pilot", "group", "ordinary")
MEASURES = ("problem", "on_time", "relative_cost")
COMPARE_COLUMNS = ["kind", "measure", "count", "n", "estimate", "low", "high", "method", "vs_ordinary", "vs_low",
                   "vs_high", "vs_method"]


def kind_flags(projects: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per kind, aligned with ``projects``: ``pilot``, ``group`` and ``ordinary`` (neither).

    Examples
    --------
    >>> p = pd.DataFrame({"pilot": [True, False, False, True], "group": [False, True, False, True]}, index=[9, 4, 7, 1])
    >>> kind_flags(p).astype(int).values.tolist()
    [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]]
    """
    if not isinstance(projects, pd.DataFrame) or not {"pilot", "group"} <= set(projects.columns):
        raise ParameterError("`projects` must be a projects table with columns pilot and group")
    pilot = projects["pilot"].fillna(False).astype(bool).to_numpy()
    group = projects["group"].fillna(False).astype(bool).to_numpy()
    return pd.DataFrame({"pilot": pilot, "group": group, "ordinary": ~(pilot | group)}, index=projects.index)


def remedy_shares(projects: pd.DataFrame, *, by: str | Iterable[str] | None = None) -> pd.DataFrame:
    """How many projects, how much support and what leverage went to pilot, group and ordinary projects.

    Returns
    -------
    DataFrame
        ``*by, kind, projects, project_share, support_vnd, money_share, leverage`` (counterpart ÷ support over
        the projects of the kind whose counterpart is known; NaN when none is). Shares are of the group's
        projects and support; pilot and group may overlap (a project can be both).

    Examples
    --------
    >>> p = pd.DataFrame({"pilot": [True, False, False], "group": [False, False, True],
    ...     "support_vnd": [600, 100, 300], "counterpart_vnd": pd.array([600, None, 150], dtype="Int64")})
    >>> remedy_shares(p)[["kind", "projects", "money_share", "leverage"]].values.tolist()
    [['pilot', 1, 0.6, 1.0], ['group', 1, 0.3, 0.5], ['ordinary', 1, 0.1, nan]]
    """
    k = kind_flags(projects)
    need = {"support_vnd", "counterpart_vnd"}
    if not need <= set(projects.columns):
        raise ParameterError(f"`projects` must be a projects table with columns {sorted(need | {'pilot', 'group'})}")
    cols = check_by(by, projects.columns)
    sup = projects["support_vnd"].to_numpy(dtype="float64")
    cp = projects["counterpart_vnd"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(cp)
    keys = pd.DataFrame({c: projects[c].to_numpy() for c in cols}) if cols else pd.DataFrame(index=range(len(k)))
    parts = []
    for kind in KINDS:
        m = k[kind].to_numpy()
        parts.append(keys.assign(kind=kind, projects=m.astype("int64"), _all=1, support_vnd=np.where(m, sup, 0.0),
                                 _support_all=sup, _cp=np.where(m & known, cp, 0.0),
                                 _sup_known=np.where(m & known, sup, 0.0)))
    t = pd.concat(parts, ignore_index=True)
    g = t.groupby([*cols, "kind"], sort=False, observed=True).sum().reset_index()
    g["project_share"] = g["projects"] / g["_all"]
    g["money_share"] = g["support_vnd"] / g["_support_all"].where(g["_support_all"] > 0)
    g["leverage"] = g["_cp"] / g["_sup_known"].where(g["_sup_known"] > 0)
    g["_k"] = g["kind"].map({kd: i for i, kd in enumerate(KINDS)})
    g = g.sort_values([*cols, "_k"], kind="mergesort").reset_index(drop=True)
    return g[[*cols, "kind", "projects", "project_share", "support_vnd", "money_share", "leverage"]]


def relative_costs(projects: pd.DataFrame, *, as_of: Any) -> pd.DataFrame:
    """Each done project's support per output over its activity's median among the projects given.

    Returns
    -------
    DataFrame
        The done projects with a known output (index kept): ``project_id, activity, cost`` (support ÷ output, VND)
        and ``ratio`` (``cost`` ÷ the activity's median cost).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": list("ABC"), "activity": "fair", "beneficiaries": 10,
    ...     "output_count": [10, 20, 10], "support_vnd": [100, 100, 300], "approved_on": pd.Timestamp("2019-01-01"),
    ...     "accepted_on": pd.Timestamp("2019-05-01"), "finished_on": pd.NaT})
    >>> relative_costs(p, as_of="2019-06-30")["ratio"].tolist()
    [1.0, 0.5, 3.0]
    """
    p = projects[projects["activity"].isin(list(OUTPUT_UNITS)).to_numpy()]
    p = p[done_by(p, as_of).to_numpy()]
    out = output_values(p)
    cost = p["support_vnd"].to_numpy(dtype="float64") / np.where(out > 0, out, np.nan)
    f = pd.DataFrame({"project_id": p["project_id"].to_numpy(), "activity": p["activity"].to_numpy(), "cost": cost},
                     index=p.index)
    f = f[(f["cost"] > 0).to_numpy()]
    return f.assign(ratio=f["cost"] / f.groupby("activity")["cost"].transform("median"))


def _log_mean(x: np.ndarray, level: float) -> tuple[float, float, float]:
    """Geometric mean of ``x`` with its t interval (NaN where undefined)."""
    from scipy import stats  # deferred: scipy is heavy and needed only here

    lx = np.log(x)
    if len(lx) == 0:
        return np.nan, np.nan, np.nan
    m = float(lx.mean())
    if len(lx) < 2:
        return float(np.exp(m)), np.nan, np.nan
    half = stats.t.ppf(0.5 + level / 2, len(lx) - 1) * lx.std(ddof=1) / np.sqrt(len(lx))
    return float(np.exp(m)), float(np.exp(m - half)), float(np.exp(m + half))


def _welch_ratio(a: np.ndarray, b: np.ndarray, level: float) -> tuple[float, float, float]:
    """Ratio of the geometric means of ``a`` and ``b`` with Welch's t interval on the logs."""
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW  # deferred: see _log_mean

    if len(a) < 2 or len(b) < 2:
        return np.nan, np.nan, np.nan
    la, lb = np.log(a), np.log(b)
    with np.errstate(invalid="ignore", divide="ignore"):  # no spread in either group: no interval (NaN)
        lo, hi = CompareMeans(DescrStatsW(la), DescrStatsW(lb)).tconfint_diff(alpha=1 - level, usevar="unequal")
    return float(np.exp(la.mean() - lb.mean())), float(np.exp(lo)), float(np.exp(hi))


def _newcombe(c1: int, n1: int, c2: int, n2: int, level: float) -> tuple[float, float, float]:
    """Difference of two rates with Newcombe's hybrid score interval."""
    from statsmodels.stats.proportion import confint_proportions_2indep  # deferred: see _log_mean

    if n1 == 0 or n2 == 0:
        return np.nan, np.nan, np.nan
    lo, hi = confint_proportions_2indep(c1, n1, c2, n2, method="newcomb", compare="diff", alpha=1 - level)
    return c1 / n1 - c2 / n2, float(lo), float(hi)


def compare_remedies(projects: pd.DataFrame, events: pd.DataFrame, *, as_of: Any,
                     level: float = 0.95) -> pd.DataFrame:
    """Problem rate, on-time rate and relative unit cost of pilot, group and ordinary projects, each kind against
    the ordinary projects (see the module notes; the comparison is descriptive).

    Parameters
    ----------
    projects, events : DataFrame
        Canonical tables as known on ``as_of`` (``ds.as_of(d)``); several plan years may be pooled.
    as_of : date-like
        The date D.
    level : float
        Confidence level of every interval.

    Returns
    -------
    DataFrame
        One row per kind and measure: ``kind, measure ('problem' | 'on_time' | 'relative_cost'), count, n,
        estimate, low, high, method`` and the comparison with the ordinary projects ``vs_ordinary, vs_low,
        vs_high, vs_method`` (a difference of rates, or a ratio of relative costs; NaN for the ordinary row).
        ``count`` is NaN for the relative cost.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": list("ABCD"), "province": "X", "status": "accepted", "activity": "fair",
    ...     "pilot": [True, True, False, False], "group": False, "beneficiaries": 10, "output_count": 10,
    ...     "support_vnd": [200, 220, 100, 110], "approved_on": pd.Timestamp("2019-01-01"),
    ...     "planned_end": pd.Timestamp("2019-04-30"), "accepted_on": pd.Timestamp("2019-04-20"),
    ...     "finished_on": pd.NaT})
    >>> e = pd.DataFrame({"project_id": ["A"], "kind": ["extension"], "date": pd.Timestamp("2019-03-01")})
    >>> c = compare_remedies(p, e, as_of="2019-12-31")
    >>> c[c.measure == "problem"][["kind", "count", "n", "vs_ordinary"]].values.tolist()
    [['pilot', 1.0, 2, 0.5], ['group', 0.0, 0, nan], ['ordinary', 0.0, 2, nan]]
    """
    if not (isinstance(level, float) and 0 < level < 1):
        raise ParameterError(f"`level` must be a number between 0 and 1 such as 0.95; received {level!r}")
    d = to_date("as_of", as_of)
    approved = approved_by(projects, d)
    ev = events[events["date"] <= d] if "date" in events.columns else events
    problem = problem_flags(approved, ev)["problem"].to_numpy()
    k_app = kind_flags(approved)
    flags = completion_flags(projects, as_of=d)
    on_time = flags["on_time"].to_numpy()
    k_all = kind_flags(projects)
    rel = relative_costs(projects, as_of=d)
    k_rel = k_all.loc[rel.index] if len(rel) else k_all.iloc[:0]
    ratio = rel["ratio"].to_numpy()

    counts: dict[tuple[str, str], tuple[int, int]] = {}
    costs: dict[str, np.ndarray] = {}
    for kind in KINDS:
        m = k_app[kind].to_numpy()
        counts[kind, "problem"] = int(problem[m].sum()), int(m.sum())
        due = k_all[kind].to_numpy() & ~np.isnan(on_time)
        counts[kind, "on_time"] = int((on_time[due] == 1).sum()), int(due.sum())
        costs[kind] = ratio[k_rel[kind].to_numpy()]
    rows = []
    for kind in KINDS:
        for measure in ("problem", "on_time"):
            c, n = counts[kind, measure]
            lo, hi = wilson([c], [n], level)
            vs = _newcombe(c, n, *counts["ordinary", measure], level) if kind != "ordinary" else (np.nan,) * 3
            rows.append((kind, measure, float(c), n, c / n if n else np.nan, float(lo[0]), float(hi[0]), "wilson",
                         *vs, "newcombe" if kind != "ordinary" else ""))
        est, lo_, hi_ = _log_mean(costs[kind], level)
        vs = _welch_ratio(costs[kind], costs["ordinary"], level) if kind != "ordinary" else (np.nan,) * 3
        rows.append((kind, "relative_cost", np.nan, len(costs[kind]), est, lo_, hi_, "t on logs", *vs,
                     "welch t on logs" if kind != "ordinary" else ""))
    out = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    order = {m: i for i, m in enumerate(MEASURES)}
    return out.sort_values("measure", key=lambda s: s.map(order), kind="mergesort").reset_index(drop=True)
